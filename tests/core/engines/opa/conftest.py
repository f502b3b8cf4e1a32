"""Fixtures for the OPA engine tests: WAT modules from :mod:`opa_wat`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from opa_wat import make_module

from workbench.core.module import PolicyModule


@pytest.fixture(scope="session", autouse=True)
def _private_compile_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Compiled test modules go to a throw-away cache, not the user's."""
    path = tmp_path_factory.mktemp("wasm-cache")
    previous = os.environ.get("POLICY_WORKBENCH_CACHE_DIR")
    os.environ["POLICY_WORKBENCH_CACHE_DIR"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("POLICY_WORKBENCH_CACHE_DIR", None)
    else:
        os.environ["POLICY_WORKBENCH_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def opa_module_factory() -> Callable[..., PolicyModule]:
    cache: dict[str, PolicyModule] = {}

    def factory(**kwargs: object) -> PolicyModule:
        key = json.dumps(kwargs, sort_keys=True, default=str)
        if key not in cache:
            cache[key] = make_module(**kwargs)
        return cache[key]

    return factory


@pytest.fixture(params=[1, 2], ids=["abi-1.1-context", "abi-1.2-opa_eval"])
def opa_module(
    request: pytest.FixtureRequest, opa_module_factory: Callable[..., PolicyModule]
) -> PolicyModule:
    return opa_module_factory(minor=request.param)
