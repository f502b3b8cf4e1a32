"""Shared test configuration.

* Qt runs offscreen unless a test sets up Xvfb itself.
* ``shared_path()`` / the ``shared_dir`` and ``fixtures_dir`` fixtures locate the read-only fixtures
  in ``../shared`` (next to the repository). When they are absent the tests that need them are skipped
  one by one with a clear reason -- except under ``CI=true``, where absence is a failure. The end of the
  run then says how many tests were skipped for that reason (see docs/testing.md).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from helpers import REPO_ROOT, SHARED_DIR, in_ci, shared_path  # noqa: F401

#: the start of the skip reason shared_path() gives
_SHARED_SKIP = "shared fixtures not found"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return shared_path()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return shared_path("fixtures")


@pytest.fixture(scope="session")
def manifest(fixtures_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((fixtures_dir / "MANIFEST.json").read_text())
    return data


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One closing line naming how many tests skipped because ``../shared`` is absent."""
    skipped = terminalreporter.stats.get("skipped", [])
    count = 0
    for report in skipped:
        longrepr = getattr(report, "longrepr", None)
        if isinstance(longrepr, tuple) and len(longrepr) == 3 and _SHARED_SKIP in str(longrepr[2]):
            count += 1
    if count:
        terminalreporter.write_sep(
            "=",
            f"{count} tests skipped: the shared fixtures are not at {SHARED_DIR} "
            "(set WORKBENCH_SHARED_DIR; CI=true makes this a failure)",
            yellow=True,
        )
