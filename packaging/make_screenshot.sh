#!/usr/bin/env bash
# Regenerate the README screenshot (resources/screenshots/main-window.png): the main window with the
# bundled demo (resources/demo/demo.yml) loaded and its first request evaluated.
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

if [ ! -f resources/demo/demo.yml ]; then
  echo "error: resources/demo/demo.yml is missing: build the demo workspace first" >&2
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

mkdir -p "$(dirname "$OUT")"
"$PYTHON" -m workbench gui --demo --demo-policy set-image-pull-policy --theme light --config "$WORK/settings.ini" --screenshot "$OUT"
echo "wrote $OUT"
