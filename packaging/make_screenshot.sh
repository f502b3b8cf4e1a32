#!/usr/bin/env bash
# Regenerate the README screenshot (resources/screenshots/main-window.png): the main window with the
# bundled demo workspace (resources/demo/demo.suite.yaml) after "Run All Cases", one case broken on
# purpose so the tree shows a failure, and the mutation case selected (its structural diff).
#
#   packaging/make_screenshot.sh [OUTPUT.png]
#
# Uses a private Xvfb display when Xvfb is installed (real xcb window, like a desktop), else Qt's
# offscreen platform. Window layout and recent files go to a throw-away settings file.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
OUT=${1:-resources/screenshots/main-window.png}
WORK=$(mktemp -d)
XVFB_PID=""
cleanup() {
  if [ -n "$XVFB_PID" ]; then kill "$XVFB_PID" 2>/dev/null || true; wait "$XVFB_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -f resources/demo/demo.suite.yaml ]; then
  echo "error: resources/demo/demo.suite.yaml is missing: build the demo workspace first" >&2
  exit 1
fi

if command -v Xvfb >/dev/null 2>&1; then
  display=""
  for n in $(seq 90 140); do
    if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then display=$n; break; fi
  done
  if [ -z "$display" ]; then echo "error: no free X display number between 90 and 140" >&2; exit 1; fi
  Xvfb ":$display" -screen 0 1600x1000x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
  XVFB_PID=$!
  for _ in $(seq 1 100); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.05; done
  export DISPLAY=":$display" QT_QPA_PLATFORM=xcb
else
  echo "Xvfb not found: rendering offscreen" >&2
  export QT_QPA_PLATFORM=offscreen
fi

# a private copy of the demo with one expectation broken: "pod in team-a" is accepted, not rejected
mkdir -p "$WORK/demo" "$(dirname "$OUT")"
cp -r resources/demo/. "$WORK/demo/"
rm -rf "$WORK/demo/policies/"*/node_modules
"$PYTHON" - "$WORK/demo/demo.suite.yaml" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
broken, count = re.subn(r"(- id: pod-in-team-a\n(?:    .*\n)*?    expect: )allowed", r"\1rejected", text)
assert count == 1, "the demo suite changed: update packaging/make_screenshot.sh"
open(path, "w", encoding="utf-8").write(broken)
PY
export XDG_DATA_HOME="$WORK/data"
"$PYTHON" -m workbench gui --workspace "$WORK/demo/demo.suite.yaml" --run-all \
  --demo-policy set-image-pull-policy --demo-case 1 --size 1440x900 --theme light \
  --config "$WORK/settings.ini" --history "$WORK/history.sqlite3" --screenshot "$OUT"
echo "wrote $OUT"
