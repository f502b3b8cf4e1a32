"""Shared test configuration.

* Qt runs offscreen unless a test sets up Xvfb itself.
* ``shared_path()`` / the ``shared_dir`` fixture locate the read-only fixtures
  in ``../shared`` (next to the repository). When they are absent the tests
  that need them are skipped with a clear reason -- except under ``CI=true``,
  where absence is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from helpers import REPO_ROOT, SHARED_DIR, in_ci, shared_path  # noqa: F401


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return shared_path()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return shared_path("fixtures")


@pytest.fixture(scope="session")
def manifest(fixtures_dir: Path) -> dict:
    import json

    return json.loads((fixtures_dir / "MANIFEST.json").read_text())
