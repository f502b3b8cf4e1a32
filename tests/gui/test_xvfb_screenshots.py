"""Real windows under Xvfb (the xcb platform, like a desktop): screenshots of the main window.

A private Xvfb server is started on a free display for the session and killed at the end. Without
Xvfb the tests are skipped locally and fail under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO_ROOT, in_ci
from PySide6.QtGui import QColor, QImage

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    raise RuntimeError("no free X display number between 90 and 199")


@pytest.fixture(scope="module")
def xvfb_display() -> Iterator[str]:
    binary = shutil.which("Xvfb")
    if binary is None:
        message = "Xvfb is not installed (apt-get install xvfb): real-window screenshot tests need it"
        if in_ci():
            pytest.fail(message + "; CI=true requires it")
        pytest.skip(message)
    number = _free_display()
    process = subprocess.Popen(
        [binary, f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb :{number} did not start")
            time.sleep(0.05)
        yield f":{number}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _gui(display: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
    env.update(
        DISPLAY=display,
        QT_QPA_PLATFORM="xcb",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    env["POLICY_WORKBENCH_STORE"] = str(tmp_path / "store")
    return subprocess.run(
        [sys.executable, "-m", "workbench", "gui", "--config", str(tmp_path / "settings.ini"), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _has_colour(image: QImage, colour: str, minimum: int = 500) -> bool:
    target = QColor(colour).rgb() & 0xFFFFFF
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            if image.pixel(x, y) & 0xFFFFFF == target:
                count += 1
                if count >= minimum:
                    return True
    return False


@pytest.mark.parametrize(
    ("width", "height", "theme"), [(1280, 720, "light"), (1920, 1080, "light"), (1280, 720, "dark")]
)
def test_demo_workspace_fits_under_xvfb(
    xvfb_display: str, tmp_path: Path, qapp: Any, width: int, height: int, theme: str
) -> None:
    """A real xcb window at 1280x720 and 1920x1080: every case runs, and no visible button, tab or label
    text is clipped (``fontMetrics().horizontalAdvance(text) <= width``)."""
    out = tmp_path / f"demo-{width}x{height}-{theme}.png"
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
    env.update(
        DISPLAY=xvfb_display,
        QT_QPA_PLATFORM="xcb",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    probe = Path(__file__).with_name("xvfb_probe.py")
    result = subprocess.run(
        [sys.executable, str(probe), str(width), str(height), theme, str(out)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["cases"] >= 10
    assert report["clipped"] == [], report["clipped"]
    image = QImage(str(out))
    assert not image.isNull() and image.width() == width
    assert _has_colour(image, "#1565c0"), "the MUTATED verdict banner is not in the picture"


def test_module_screenshot_dark_theme_under_xvfb(
    xvfb_display: str, tmp_path: Path, fixtures_dir: Path, qapp: Any
) -> None:
    out = tmp_path / "dark.png"
    result = _gui(
        xvfb_display,
        tmp_path,
        str(fixtures_dir / "policies/kw-safe-labels-annotated.wasm"),
        "--request-path",
        str(fixtures_dir / "requests/ingress-labels.json"),
        "--history",
        str(tmp_path / "h.sqlite3"),
        "--theme",
        "dark",
        "--screenshot",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert _has_colour(image, "#2e7d32"), "the ACCEPTED verdict banner is not in the picture"
    assert _has_colour(image, "#1e1e20", 5000), "the dark palette is not applied"


def test_x_root_window_capture(xvfb_display: str, tmp_path: Path, fixtures_dir: Path, qapp: Any) -> None:
    """The window is a real X window: ImageMagick's ``import`` sees it on the root window."""
    importer = shutil.which("import")
    if importer is None:
        message = "ImageMagick's import is not installed (apt-get install imagemagick)"
        if in_ci():
            pytest.fail(message + "; CI=true requires it")
        pytest.skip(message)
    env = dict(
        os.environ,
        DISPLAY=xvfb_display,
        QT_QPA_PLATFORM="xcb",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "workbench",
            "gui",
            "--config",
            str(tmp_path / "s.ini"),
            str(fixtures_dir / "policies/kw-safe-labels-annotated.wasm"),
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        root = tmp_path / "root.png"
        deadline = time.monotonic() + 60
        found = False
        while time.monotonic() < deadline and not found:
            time.sleep(0.5)
            probe = (
                subprocess.run(
                    ["xdotool", "search", "--name", "Policy Workbench"],
                    env=env,
                    capture_output=True,
                    text=True,
                )
                if shutil.which("xdotool")
                else None
            )
            found = probe is None or bool(probe.stdout.strip())
        assert found, "no window named Policy Workbench appeared"
        time.sleep(1.0)
        subprocess.run([importer, "-window", "root", str(root)], env=env, check=True, timeout=30)
        image = QImage(str(root))
        assert not image.isNull() and image.width() == 1600
        colours = {image.pixel(x, y) for x in range(0, 1600, 16) for y in range(0, 1000, 16)}
        assert len(colours) > 20, "the root window is blank"
    finally:
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait(timeout=5)
