"""Locating the bundled resources: env override, PyInstaller bundle, source tree, clear error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from helpers import REPO_ROOT

import workbench.core.resources as resources
from workbench.core.errors import InputError
from workbench.core.resources import demo_dir, resources_dir


def test_source_tree_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLICY_WORKBENCH_RESOURCES", raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resources_dir() == REPO_ROOT / "resources"
    assert demo_dir() == REPO_ROOT / "resources" / "demo"
    assert (demo_dir() / "policies" / "require-labels" / "policy.wasm").is_file()


def test_env_override_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICY_WORKBENCH_RESOURCES", str(tmp_path))
    assert resources_dir() == tmp_path
    assert demo_dir() == tmp_path / "demo"


def test_pyinstaller_bundle_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("POLICY_WORKBENCH_RESOURCES", raising=False)
    (tmp_path / "resources").mkdir()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == tmp_path / "resources"


def test_missing_override_falls_back(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICY_WORKBENCH_RESOURCES", str(tmp_path / "missing"))
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resources_dir() == REPO_ROOT / "resources"


def test_nothing_found_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    monkeypatch.setenv("POLICY_WORKBENCH_RESOURCES", str(missing))
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    # pretend the module lives in an installed tree without resources
    fake = tmp_path / "site" / "workbench" / "core" / "resources.py"
    monkeypatch.setattr(resources, "__file__", str(fake))
    with pytest.raises(
        InputError,
        match=r"bundled resources folder was not found \(looked in .*missing.*\); set POLICY_WORKBENCH_RESOURCES",
    ):
        resources_dir()
