"""Render resources/icons/policy-workbench.svg to PNG sizes (and .ico / .icns where Qt can write them).

    python packaging/render_icons.py OUTDIR

Runs Qt offscreen; used by packaging/build.sh for the AppDir's hicolor icons and the
Windows/macOS executable icons.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 32, 48, 64, 128, 256, 512)


def render(svg: Path, out_dir: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"error: {svg} is not a valid SVG")
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    images: dict[int, QImage] = {}
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = out_dir / f"policy-workbench-{size}.png"
        if not image.save(str(path), "PNG"):
            raise SystemExit(f"error: cannot write {path}")
        images[size] = image
        written.append(path)
    formats = {bytes(f.data()).decode() for f in QImageWriter.supportedImageFormats()}
    for fmt, size in (("ico", 256), ("icns", 512)):
        if fmt in formats:
            path = out_dir / f"policy-workbench.{fmt}"
            if images[size].save(str(path), fmt.upper()):
                written.append(path)
    return written


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "build" / "icons"
    for path in render(root / "resources" / "icons" / "policy-workbench.svg", out_dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
