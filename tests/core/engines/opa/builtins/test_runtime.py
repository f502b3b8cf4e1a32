"""opa.runtime: an OPA-shaped runtime object that leaks nothing from the host."""

from __future__ import annotations

import os

from workbench import __version__
from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext
from workbench.core.engines.opa.builtins.runtime import opa_runtime


def test_runtime_object() -> None:
    entry = REGISTRY["opa.runtime"]
    result = entry(BuiltinContext(), [])
    assert result == {"env": {}, "config": {}, "version": __version__, "policy_workbench": True}
    assert entry.category == "OPA runtime"
    assert not entry.deterministic
    assert opa_runtime() == result


def test_runtime_hides_environment(monkeypatch) -> None:
    monkeypatch.setenv("WORKBENCH_SECRET_FOR_TEST", "s3cret")
    result = REGISTRY["opa.runtime"](BuiltinContext(), [])
    assert "s3cret" not in repr(result)
    assert os.environ["WORKBENCH_SECRET_FOR_TEST"] == "s3cret"
