from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO_ROOT
from PySide6.QtGui import QImage

from workbench.cli.gui_cmd import display_available
from workbench.cli.main import build_parser


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "config"), POLICY_WORKBENCH_STORE=str(tmp_path / "store"), **extra
    )
    return env


def _cli(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        cwd=REPO_ROOT,
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_gui_is_the_default_verb() -> None:
    args = build_parser().parse_args(["gui", "policy.wasm", "--screenshot", "x.png"])
    assert args.command == "gui" and args.module == "policy.wasm" and args.screenshot == "x.png"


def test_display_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert not display_available()
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert display_available()


def test_no_display_runs_the_headless_demo_instead(tmp_path: Path) -> None:
    result = _cli(tmp_path, "gui")
    assert "no display available" in result.stderr
    assert "Traceback" not in result.stderr
    # the headless demo ran: its verdict table, every verdict as documented
    assert result.returncode == 0, result.stderr
    assert "verdicts as documented" in result.stdout


def test_cli_verbs_do_not_import_qt() -> None:
    code = (
        "import sys; from workbench.cli.main import build_parser; build_parser(); "
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "False", out.stderr


def test_screenshot_without_display_renders_offscreen(tmp_path: Path, fixtures_dir: Path) -> None:
    out = tmp_path / "shot.png"
    result = _cli(
        tmp_path,
        "gui",
        str(fixtures_dir / "policies/kw-safe-labels-annotated.wasm"),
        "--request-path",
        str(fixtures_dir / "requests/ingress-labels.json"),
        "--config",
        str(tmp_path / "s.ini"),
        "--screenshot",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert f"screenshot saved to {out}" in result.stdout
    image = QImage(str(out))
    assert not image.isNull() and image.width() >= 1200


def test_screenshot_of_a_broken_module_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(b"not wasm")
    out = tmp_path / "shot.png"
    result = _cli(tmp_path, "gui", str(bad), "--config", str(tmp_path / "s.ini"), "--screenshot", str(out))
    assert result.returncode == 1
    assert out.exists()


def test_screenshot_of_the_demo_workspace_after_running_it(tmp_path: Path) -> None:
    out = tmp_path / "demo.png"
    result = _cli(
        tmp_path,
        "gui",
        "--demo",
        "--run-all",
        "--demo-policy",
        "set-image-pull-policy",
        "--size",
        "1280x720",
        "--history",
        str(tmp_path / "history.sqlite3"),
        "--config",
        str(tmp_path / "s.ini"),
        "--screenshot",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert not image.isNull() and (image.width(), image.height()) == (1280, 720)
    assert (tmp_path / "history.sqlite3").stat().st_size > 0  # every case of the run was kept
