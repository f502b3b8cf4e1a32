#!/usr/bin/env bash
# Policy Workbench: set up everything and start the demo (default) or run the whole test suite.
#
#   ./bootstrap.sh          set up, then open the demo window (headless verdict table without a display)
#   ./bootstrap.sh test     set up, then run every test (what CI runs)
#
# Setup = the Debian/Ubuntu packages Qt and the tests need (installed when run as root or with
# passwordless sudo, otherwise printed with the exact command), a virtualenv in .venv, and the
# project with its Python dependencies.
set -euo pipefail
cd "$(dirname "$0")"
MODE="${1:-demo}"
case "$MODE" in demo|test) ;; *) echo "usage: $0 [demo|test]" >&2; exit 2 ;; esac

APT_RUNTIME=(libegl1 libgl1 libopengl0 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0 fonts-dejavu-core libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libx11-xcb1)
APT_TEST=(docker-registry apache2-utils xvfb xdotool imagemagick)
packages=("${APT_RUNTIME[@]}")
[ "$MODE" = test ] && packages+=("${APT_TEST[@]}")

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" = none ]; then
    echo "Missing system packages. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    [ "$MODE" = test ] && exit 1
  else
    echo "==> installing system packages: ${missing[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

if [ ! -x .venv/bin/python ]; then
  PY=""
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
      && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
      PY="$candidate"; break
    fi
  done
  [ -n "$PY" ] || { echo "error: Python 3.11 or newer is needed (apt-get install python3 python3-venv)" >&2; exit 1; }
  echo "==> creating .venv with $PY"
  "$PY" -m venv .venv || { echo "error: cannot create a virtualenv (apt-get install python3-venv)" >&2; exit 1; }
fi
stamp=".venv/.workbench-installed"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> installing Policy Workbench and its dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  echo "$want" > "$stamp"
fi

if [ "$MODE" = test ]; then
  export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
  echo "==> ruff"
  .venv/bin/ruff check workbench tests benchmarks packaging
  echo "==> mypy"
  .venv/bin/mypy
  echo "==> pytest"
  exec .venv/bin/python -m pytest -p no:cacheprovider "${@:2}"
fi

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ -n "${QT_QPA_PLATFORM:-}" ]; then
  exec .venv/bin/policy-workbench gui --demo
fi
echo "No display found: running the demo headless (the window needs a desktop session or Xvfb)."
exec .venv/bin/policy-workbench demo
