#!/usr/bin/env bash
# Rebuild the AssemblyScript demo policies under resources/demo/policies/<name>/.
#
# For every policy folder with a package.json: `npm ci` (offline-friendly, pinned by
# package-lock.json), compile assembly/index.ts with asc into build/policy.wasm
# (git-ignored), then embed metadata.yml with `python -m workbench annotate` into the
# committed policy.wasm. Reproducible: same sources + lock file + asc version give the
# same bytes.
#
# Usage: packaging/build_demo_policies.sh [policy-name ...]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-$repo/.venv/bin/python}"
[ -x "$python" ] || python="python3"
root="$repo/resources/demo/policies"

if [ "$#" -gt 0 ]; then
  names=("$@")
else
  names=()
  for dir in "$root"/*/; do
    [ -f "$dir/package.json" ] && names+=("$(basename "$dir")")
  done
fi

for name in "${names[@]}"; do
  dir="$root/$name"
  [ -f "$dir/package.json" ] || { echo "error: $dir has no package.json" >&2; exit 1; }
  echo "==> $name"
  (
    cd "$dir"
    npm ci --no-audit --no-fund --loglevel=error
    mkdir -p build
    npx --no-install asc assembly/index.ts -o build/policy.wasm --optimize --use abort= --runtime incremental
  )
  (cd "$repo" && "$python" -m workbench annotate "$dir/build/policy.wasm" -m "$dir/metadata.yml" -o "$dir/policy.wasm")
  echo "    wrote $dir/policy.wasm ($(wc -c < "$dir/policy.wasm") bytes)"
done
