"""Helpers importable from any test module: ``from helpers import shared_path``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("WORKBENCH_SHARED_DIR", REPO_ROOT.parent / "shared"))


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def shared_path(*parts: str) -> Path:
    """Path inside ``../shared``; skips (or fails in CI) when it does not exist."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        message = f"shared fixtures not found at {path} (expected the project's shared/ folder next to the repo)"
        if in_ci():
            pytest.fail(message + "; CI=true requires them")
        pytest.skip(message)
    return path
