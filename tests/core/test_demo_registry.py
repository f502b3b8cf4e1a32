"""The demo's local registry: a real docker-registry on 127.0.0.1 (skipped locally, required in CI)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import in_ci

from workbench.core import demo_registry
from workbench.core.errors import RegistryUnavailable
from workbench.core.resources import demo_dir


def _binary() -> str:
    binary = demo_registry.find_registry_binary()
    if binary is None:
        message = "Debian's docker-registry is not installed (apt-get install docker-registry)"
        if in_ci():
            pytest.fail(message + "; CI=true requires it")
        pytest.skip(message)
    return binary


def test_missing_binary_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICY_WORKBENCH_REGISTRY_BIN", str(tmp_path / "nope"))
    assert demo_registry.find_registry_binary() is None
    with pytest.raises(RegistryUnavailable, match="apt-get install docker-registry"):
        demo_registry.start_demo_registry()


@pytest.mark.registry
def test_push_walkthrough_round_trip() -> None:
    _binary()
    from workbench.core.oci.client import RegistryClient
    from workbench.core.oci.credentials import DockerConfig

    module = demo_dir() / "policies" / "require-labels" / "policy.wasm"
    with demo_registry.start_demo_registry() as registry:
        assert registry.host.startswith("127.0.0.1:") and registry.running
        ref, result = demo_registry.push_demo_policy(registry, module)
        assert ref == registry.reference("demo/require-labels", "v1")
        assert result.digest.startswith("sha256:")
        with RegistryClient(sources=registry.sources(), docker_config=DockerConfig()) as client:
            assert client.pull(ref) == module.read_bytes()
        root = registry.root
    assert not registry.running and not root.exists()
