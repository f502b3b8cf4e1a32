"""Engine selection: execution-mode spellings and ``create_engine`` with real modules."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO_ROOT

from workbench.core.engines import (
    ENGINE_CLASSES,
    EXECUTION_MODES,
    EngineOptions,
    ValidationRequest,
    create_engine,
    engine_class,
    normalise_execution_mode,
)
from workbench.core.errors import ModuleError, WorkbenchError
from workbench.core.module import load_module


@pytest.mark.parametrize(
    ("given", "expected"),
    [("kubewarden", "kubewarden-wapc"), ("wapc", "kubewarden-wapc"), *[(m, m) for m in EXECUTION_MODES]],
)
def test_normalise_accepts_kwctl_spellings(given: str, expected: str) -> None:
    assert normalise_execution_mode(given) == expected


@pytest.mark.parametrize("value", ["", "OPA", "Kubewarden", "rego-source", "kubewarden_wapc"])
def test_normalise_refuses_others_with_the_list(value: str) -> None:
    with pytest.raises(
        ModuleError,
        match=f"unknown execution mode {value!r}: expected one of kubewarden-wapc, opa, gatekeeper, wasi",
    ):
        normalise_execution_mode(value)


def test_every_registered_class_imports_and_every_mode_has_one() -> None:
    assert set(EXECUTION_MODES) <= set(ENGINE_CLASSES)
    for mode in ENGINE_CLASSES:
        cls = engine_class(mode)
        for method in ("validate", "validate_settings", "interrupt", "close"):
            assert callable(getattr(cls, method)), (mode, method)


def test_create_engine_with_real_modules(fixtures_dir: Path) -> None:
    cases = [
        (REPO_ROOT / "resources/demo/policies/require-labels/policy.wasm", "kubewarden", "WapcEngine"),
        (fixtures_dir / "policies/kw-js-demo-wasi.wasm", "wasi", "WasiEngine"),
        (fixtures_dir / "policies/gk-always-happy.wasm", "gatekeeper", "OpaEngine"),
        (fixtures_dir / "policies/opa-k8s-basic-image-registry.wasm", "opa", "OpaEngine"),
    ]
    for path, mode, class_name in cases:
        engine = create_engine(load_module(path), mode, EngineOptions(timeout=5))
        try:
            assert type(engine).__name__ == class_name
            assert engine.validate_settings({}).valid in (True, False)
        finally:
            engine.close()


def test_gatekeeper_engine_verdict(fixtures_dir: Path) -> None:
    engine = create_engine(load_module(fixtures_dir / "policies/gk-always-happy.wasm"), "gatekeeper")
    try:
        request = ValidationRequest({"uid": "gk", "kind": {"kind": "Pod"}, "object": {}})
        outcome = engine.validate(request, {})
        assert outcome.response.uid == "gk" and outcome.response.allowed is True
    finally:
        engine.close()


def test_create_engine_refuses_unknown_modes(fixtures_dir: Path) -> None:
    module = load_module(fixtures_dir / "policies/kw-go-pod-name-denylist.wasm")
    with pytest.raises(ModuleError, match="unknown execution mode 'lua'"):
        create_engine(module, "lua")
    with pytest.raises(WorkbenchError):
        create_engine(module, "opa")  # a waPC module is no OPA module
