"""Where the bundled resources (demo workspace, icons) live: source tree, PyInstaller bundle, or env override."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from workbench.core.errors import InputError

__all__ = ["demo_dir", "resources_dir"]


def resources_dir() -> Path:
    override = os.environ.get("POLICY_WORKBENCH_RESOURCES")
    candidates = [Path(override)] if override else []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates.append(Path(__file__).resolve().parents[2] / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise InputError(
        "the bundled resources folder was not found (looked in "
        + ", ".join(str(c) for c in candidates)
        + "); set POLICY_WORKBENCH_RESOURCES"
    )


def demo_dir() -> Path:
    return resources_dir() / "demo"
