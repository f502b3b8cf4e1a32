"""Fixtures for the Kubewarden-native engine tests (waPC / WASI / host capabilities)."""

from __future__ import annotations

import pytest
from kwtest import DEMO_POLICIES

from workbench.core.module import PolicyModule, load_module


@pytest.fixture(scope="session")
def demo_module():
    """Load one of the committed AssemblyScript demo policies by name."""
    cache: dict[str, PolicyModule] = {}

    def load(name: str) -> PolicyModule:
        if name not in cache:
            cache[name] = load_module(DEMO_POLICIES / name / "policy.wasm")
        return cache[name]

    return load
