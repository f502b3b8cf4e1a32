#!/usr/bin/env bash
# Smoke-test the BUILT bundle (not the source tree):
#
#   packaging/smoke_test.sh [BUNDLE_DIR]        (default dist/policy-workbench; build it with packaging/build.sh)
#   packaging/smoke_test.sh --build             build first, then test
#
# Checks, each on the frozen executable with an empty HOME (no user cache, no settings):
#   1. `policy-workbench --version` prints the version;
#   2. a headless `run` of a demo policy gives the expected verdict (rejected, "missing required labels: owner"),
#      and its compiled module came from the bundled read-only cache (the user cache stays empty);
#   3. `policy-workbench demo` reports every documented verdict;
#   4. `gui --demo --screenshot out.png` offscreen writes a non-empty PNG.
# Prints start-up figures: launch -> --version, launch -> first verdict, launch -> window mapped (under Xvfb,
# when Xvfb and xdotool are installed), launch -> screenshot saved.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
if [ "${1:-}" = "--build" ]; then
  packaging/build.sh
  shift
fi
bundle="$(cd "${1:-dist/policy-workbench}" && pwd)"
exe="$bundle/policy-workbench"
[ -x "$exe" ] || { echo "error: $exe not found: run packaging/build.sh first" >&2; exit 1; }
internal="$bundle/_internal"
[ -d "$internal" ] || internal="$bundle"
demo="$internal/resources/demo"

work="$(mktemp -d)"
xvfb_pid=""
gui_pid=""
cleanup() {
  [ -n "$gui_pid" ] && kill "$gui_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache" XDG_CONFIG_HOME="$work/home/.config"
export XDG_DATA_HOME="$work/home/.local/share" XDG_RUNTIME_DIR="$work/runtime"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 0700 "$XDG_RUNTIME_DIR"
unset POLICY_WORKBENCH_CACHE_DIR POLICY_WORKBENCH_BUNDLED_CACHE POLICY_WORKBENCH_RESOURCES

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
fail() { echo "FAIL: $*" >&2; exit 1; }
passed=0

echo "==> bundle $bundle ($(du -sm "$bundle" | cut -f1) MB)"

# 1. --version
t0=$(now)
version_out="$("$exe" --version)"
t1=$(now)
want="policy-workbench $(grep -oP '__version__ = "\K[^"]+' workbench/__init__.py)"
[ "$version_out" = "$want" ] || fail "--version printed '$version_out', expected '$want'"
echo "ok: --version -> $version_out ($(ms "$t0" "$t1") ms)"
passed=$((passed + 1))

# 2. headless run with the expected verdict, module from the bundled cache
t0=$(now)
"$exe" run "$demo/policies/require-labels/policy.wasm" -r "$demo/requests/pod-missing-labels.json" \
  -s "$demo/settings/require-labels.yml" >"$work/run.json"
t1=$(now)
python3 - "$work/run.json" <<'PY' || fail "run gave the wrong verdict: $(cat "$work/run.json")"
import json, sys
response = json.load(open(sys.argv[1]))
assert response["allowed"] is False, response
assert "missing required labels: owner" in response["status"]["message"], response
PY
user_entries=$( (find "$XDG_CACHE_HOME" -name "*.cwasm" 2>/dev/null || true) | wc -l)
[ "$user_entries" -eq 0 ] || fail "the module was compiled into the user cache instead of coming from the bundled cache"
echo "ok: run require-labels -> rejected, missing required labels: owner ($(ms "$t0" "$t1") ms, bundled cache hit)"
passed=$((passed + 1))

# 3. the whole demo, headless
"$exe" demo >"$work/demo.txt" || { cat "$work/demo.txt" >&2; fail "the headless demo reported unexpected verdicts"; }
grep -E "^[0-9]+ of [0-9]+ verdicts as documented" "$work/demo.txt" | sed 's/^/ok: demo -> /'
passed=$((passed + 1))

# 4. GUI offscreen screenshot
t0=$(now)
QT_QPA_PLATFORM=offscreen "$exe" gui --demo --theme light --config "$work/gui.ini" --screenshot "$work/out.png" \
  >"$work/gui.log" 2>&1 || { cat "$work/gui.log" >&2; fail "gui --screenshot failed"; }
t1=$(now)
[ -s "$work/out.png" ] || fail "the screenshot is empty"
[ "$(head -c 8 "$work/out.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "out.png is not a PNG"
echo "ok: gui --demo --screenshot -> $(wc -c <"$work/out.png") byte PNG (launch to screenshot saved: $(ms "$t0" "$t1") ms)"
passed=$((passed + 1))
[ -n "${SMOKE_KEEP_SCREENSHOT:-}" ] && cp "$work/out.png" "$SMOKE_KEEP_SCREENSHOT"

# start-up figure: launch -> window mapped on a real X server (optional)
if command -v Xvfb >/dev/null 2>&1 && command -v xdotool >/dev/null 2>&1; then
  display=""
  for n in $(seq 150 199); do
    if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then display=$n; break; fi
  done
  if [ -n "$display" ]; then
    Xvfb ":$display" -screen 0 1600x1000x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 1 100); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.05; done
    t0=$(now)
    DISPLAY=":$display" QT_QPA_PLATFORM=xcb "$exe" gui --demo --config "$work/gui2.ini" >"$work/gui2.log" 2>&1 &
    gui_pid=$!
    if DISPLAY=":$display" timeout 30 xdotool search --sync --onlyvisible --name "Policy Workbench" >/dev/null; then
      t1=$(now)
      echo "figure: launch -> window mapped (Xvfb): $(ms "$t0" "$t1") ms"
    else
      echo "note: no window appeared under Xvfb within 30 s" >&2
    fi
    kill "$gui_pid" 2>/dev/null || true
    wait "$gui_pid" 2>/dev/null || true
    gui_pid=""
  fi
fi

echo "$passed passed, 0 failed"
