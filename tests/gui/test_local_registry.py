"""Policy menu: Push to Local Test Registry (a real docker-registry on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gui.gui_helpers import open_module
from helpers import in_ci

from workbench.core import demo_registry
from workbench.core.resources import demo_dir
from workbench.gui.mainwindow import MainWindow


def test_without_docker_registry_the_banner_says_how_to_install(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    open_module(qtbot, window, demo_dir() / "policies/require-labels/policy.wasm")
    monkeypatch.setenv("POLICY_WORKBENCH_REGISTRY_BIN", str(tmp_path / "missing"))
    assert window.local_registry.walkthrough() is None
    assert "apt-get install docker-registry" in window.banner.text.text()


@pytest.mark.registry
def test_walkthrough_pushes_and_pulls_back(qtbot: Any, window: MainWindow) -> None:
    if demo_registry.find_registry_binary() is None:
        message = "Debian's docker-registry is not installed (apt-get install docker-registry)"
        if in_ci():
            pytest.fail(message + "; CI=true requires it")
        pytest.skip(message)
    open_module(qtbot, window, demo_dir() / "policies/require-labels/policy.wasm")
    assert window.local_registry.walkthrough() is not None
    qtbot.waitUntil(lambda: window.local_registry.last_result is not None, timeout=30000)
    result = window.local_registry.last_result
    assert result.verified and result.host.startswith("127.0.0.1:")
    assert result.reference.endswith("/demo/require-labels:v1") and result.digest.startswith("sha256:")
