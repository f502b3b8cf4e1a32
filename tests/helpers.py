"""Helpers importable from any test module: ``from helpers import shared_path``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("WORKBENCH_SHARED_DIR", REPO_ROOT.parent / "shared"))


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def shared_path(*parts: str) -> Path:
    """Path inside ``../shared``; skips (or fails in CI) when it does not exist."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        message = (
            f"shared fixtures not found at {path} (expected the project's shared/ folder next to the repo)"
        )
        if in_ci():
            pytest.fail(message + "; CI=true requires them")
        pytest.skip(message)
    return path


def manifest_behaviour_cases(kind: str) -> list[Any]:
    """``(module name, behaviour index)`` params for the MANIFEST.json modules of ``kind``.

    Without the shared fixtures a single ``(None, None)`` param stands in, so the test can skip (or fail in CI).
    """
    manifest = SHARED_DIR / "fixtures" / "MANIFEST.json"
    if not manifest.exists():
        return [pytest.param(None, None, id="shared-fixtures-missing")]
    data = json.loads(manifest.read_text())
    return [
        pytest.param(module["name"], index, id=f"{module['name'].split('/')[-1]}-{index}")
        for module in data["modules"]
        if module["kind"] == kind
        for index in range(len(module["expected_behaviours"]))
    ]
