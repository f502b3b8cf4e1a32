#!/usr/bin/env bash
# Build the packaged Policy Workbench for this machine (Linux x86_64 here; see packaging/README.md for
# macOS and Windows):
#
#   packaging/build.sh            -> dist/policy-workbench/                        (one-folder bundle)
#                                    dist/policy-workbench-<version>-linux-<arch>.tar.gz
#                                    dist/AppDir/                                   (AppImage layout)
#
# Steps: PyInstaller (packaging/policy-workbench.spec) -> precompile the demo policies into the
# bundle's read-only module cache by running the *built* binary's headless demo with
# POLICY_WORKBENCH_CACHE_DIR pointed into the bundle -> icons rendered with Qt -> tarball -> AppDir.
# Needs the packaging extra: .venv/bin/pip install -e '.[packaging]' (installed automatically when missing).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
PYTHON="${PYTHON:-$repo/.venv/bin/python}"
[ -x "$PYTHON" ] || { echo "error: $PYTHON not found: run ./bootstrap.sh first (or set PYTHON)" >&2; exit 1; }

if ! "$PYTHON" -m PyInstaller --version >/dev/null 2>&1; then
  echo "==> installing the packaging extra (PyInstaller)"
  "$PYTHON" -m pip install -q -e ".[packaging]"
fi

version="$("$PYTHON" -c 'import workbench; print(workbench.__version__)')"
arch="$(uname -m)"
case "$(uname -s)" in Linux) os=linux ;; Darwin) os=macos ;; *) os="$(uname -s | tr '[:upper:]' '[:lower:]')" ;; esac
name="policy-workbench"
bundle="dist/$name"
started=$(date +%s)

echo "==> icons"
rm -rf build/icons
"$PYTHON" packaging/render_icons.py build/icons >/dev/null

echo "==> PyInstaller ($("$PYTHON" -m PyInstaller --version))"
rm -rf "$bundle" build/pyinstaller
"$PYTHON" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/policy-workbench.spec

internal="$bundle/_internal"
[ -d "$internal" ] || internal="$bundle"

echo "==> precompiling the demo policies into the bundled module cache"
cache="$internal/module-cache"
rm -rf "$cache"
if ! POLICY_WORKBENCH_CACHE_DIR="$cache" QT_QPA_PLATFORM=offscreen "$bundle/$name" demo >build/precompile-demo.txt 2>&1; then
  cat build/precompile-demo.txt >&2
  echo "error: the built binary's demo failed" >&2
  exit 1
fi
entries=$(find "$cache/modules" -name '*.cwasm' | wc -l)
[ "$entries" -gt 0 ] || { echo "error: no module was precompiled into $cache" >&2; exit 1; }
# part of the installation like the executable: readable by every user, written by nobody
chmod 0755 "$cache" "$cache/modules"
chmod 0644 "$cache/modules/"*
echo "    $entries modules in $cache/modules"

if [ "$os" = linux ]; then
  echo "==> tarball"
  tarball="dist/$name-$version-$os-$arch.tar.gz"
  staging="build/tar/$name-$version"
  rm -rf build/tar && mkdir -p "$staging"
  cp -a "$bundle/." "$staging/"
  install -m 0644 packaging/linux/io.github.policy_workbench.desktop packaging/linux/io.github.policy_workbench.metainfo.xml "$staging/"
  install -m 0644 resources/icons/policy-workbench.svg "$staging/io.github.policy_workbench.svg"
  tar -C build/tar -czf "$tarball" "$name-$version"

  echo "==> AppDir"
  appdir="dist/AppDir"
  rm -rf "$appdir"
  mkdir -p "$appdir/usr/bin" "$appdir/usr/lib" "$appdir/usr/share/applications" "$appdir/usr/share/metainfo" \
    "$appdir/usr/share/icons/hicolor/scalable/apps"
  cp -a "$bundle" "$appdir/usr/lib/$name"
  ln -s "../lib/$name/$name" "$appdir/usr/bin/$name"
  install -m 0644 packaging/linux/io.github.policy_workbench.desktop "$appdir/usr/share/applications/"
  install -m 0644 packaging/linux/io.github.policy_workbench.desktop "$appdir/"
  install -m 0644 packaging/linux/io.github.policy_workbench.metainfo.xml "$appdir/usr/share/metainfo/"
  install -m 0644 resources/icons/policy-workbench.svg "$appdir/usr/share/icons/hicolor/scalable/apps/io.github.policy_workbench.svg"
  for size in 16 32 48 64 128 256 512; do
    mkdir -p "$appdir/usr/share/icons/hicolor/${size}x${size}/apps"
    install -m 0644 "build/icons/policy-workbench-$size.png" "$appdir/usr/share/icons/hicolor/${size}x${size}/apps/io.github.policy_workbench.png"
  done
  install -m 0644 build/icons/policy-workbench-256.png "$appdir/io.github.policy_workbench.png"
  ln -s io.github.policy_workbench.png "$appdir/.DirIcon"
  cat >"$appdir/AppRun" <<'APPRUN'
#!/bin/sh
# AppImage entry point: no arguments opens the window (the demo without a file), else the CLI.
HERE="$(dirname "$(readlink -f "$0")")"
if [ "$#" -eq 0 ]; then set -- gui; fi
exec "$HERE/usr/lib/policy-workbench/policy-workbench" "$@"
APPRUN
  chmod 0755 "$appdir/AppRun"
  echo "    $appdir (turn into an AppImage with: appimagetool $appdir)"
fi

size_mb=$(du -sm "$bundle" | cut -f1)
echo "==> done in $(( $(date +%s) - started )) s: $bundle (${size_mb} MB)"
[ "$os" = linux ] && echo "    $tarball ($(du -m "$tarball" | cut -f1) MB)"
exit 0
