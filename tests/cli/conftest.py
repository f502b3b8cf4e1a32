"""Fixtures for CLI tests: a real registry (``registry``-marked tests) and an isolated environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from oci.fixtures import (  # noqa: F401 -- pytest fixtures
    _no_proxy_for_loopback,
    auth_registry,
    plain_registry,
)


@pytest.fixture
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No ambient sources.yaml, Docker config or store."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-empty"))
    monkeypatch.setenv("POLICY_WORKBENCH_STORE", str(tmp_path / "env-store"))
    return tmp_path
