"""Fixtures for tests against a real registry (see ``tests/oci/registry.py``).

Imported by the conftest of every folder whose tests need them (``tests/core/oci``, ``tests/cli``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oci.registry import Registry, start_registry

from workbench.core.oci.client import RegistryClient, TransportOptions
from workbench.core.oci.credentials import Credentials, DockerConfig
from workbench.core.oci.sources import load_sources

FAST = TransportOptions(connect_timeout=2.0, read_timeout=10.0, retries=2, backoff=0.1)


def _registry(variant: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    registry = start_registry(variant, tmp_path_factory.mktemp(f"registry-{variant}"))
    try:
        yield registry
    finally:
        registry.stop()


@pytest.fixture(scope="session")
def plain_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    yield from _registry("plain", tmp_path_factory)


@pytest.fixture(scope="session")
def auth_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    yield from _registry("auth", tmp_path_factory)


@pytest.fixture(scope="session")
def tls_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    yield from _registry("tls", tmp_path_factory)


@pytest.fixture(autouse=True)
def _no_proxy_for_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CI proxy setting must not swallow 127.0.0.1 traffic."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def make_client(
    registry: Registry, directory: Path, *, credentials: Credentials | None = None
) -> RegistryClient:
    """A client configured like a user would: sources.yaml for the registry, no ambient Docker config."""
    sources = load_sources(registry.sources_yaml(directory))
    return RegistryClient(
        sources=sources, docker_config=DockerConfig(), credentials=credentials, options=FAST
    )


@pytest.fixture
def plain_client(plain_registry: Registry, tmp_path: Path) -> Iterator[RegistryClient]:
    with make_client(plain_registry, tmp_path) as client:
        yield client


@pytest.fixture
def auth_client(auth_registry: Registry, tmp_path: Path) -> Iterator[RegistryClient]:
    creds = Credentials(auth_registry.username or "", auth_registry.password or "", source="test")
    with make_client(auth_registry, tmp_path, credentials=creds) as client:
        yield client


@pytest.fixture
def tls_client(tls_registry: Registry, tmp_path: Path) -> Iterator[RegistryClient]:
    with make_client(tls_registry, tmp_path) as client:
        yield client
