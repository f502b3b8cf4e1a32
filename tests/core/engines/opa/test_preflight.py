"""Static facts about OPA modules (workbench.core.engines.opa.preflight)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from helpers import shared_path
from hypothesis import given
from hypothesis import strategies as st
from opa_wat import BUILTINS, ENTRYPOINTS, MISSING_BUILTIN

from workbench.core.engines.opa import preflight
from workbench.core.errors import InputError, ModuleError
from workbench.core.module import PolicyModule, load_module


def test_inspect_wat_module(opa_module: Any) -> None:
    info = preflight.inspect_opa_module(opa_module)
    assert info.abi_version == opa_module.abi
    assert info.abi_version_text == f"1.{opa_module.abi[1]}"
    assert info.flow == ("opa_eval" if opa_module.abi[1] >= 2 else "context")
    assert info.entrypoints == ENTRYPOINTS
    assert info.required_builtins == sorted(BUILTINS)
    assert info.initial_memory_pages == 5  # max(declared minimum 2, 5) like OPA's SDK and Burrego
    assert info.entrypoint_name(13) == "test/response"
    assert info.entrypoint_name(99) is None
    assert preflight.entrypoints(opa_module) == ENTRYPOINTS
    assert preflight.required_builtins(opa_module) == sorted(BUILTINS)
    assert preflight.abi_version(opa_module) == opa_module.abi


def test_missing_builtins_and_extras(opa_module_factory: Any) -> None:
    module = opa_module_factory(minor=3, builtins={"sprintf": 1, MISSING_BUILTIN: 2, "test.one": 3})
    assert preflight.missing_builtins(module) == [MISSING_BUILTIN, "test.one"]
    assert preflight.missing_builtins(module, ["test.one"]) == [MISSING_BUILTIN]
    assert "sprintf" in preflight.available_builtins()


def test_gatekeeper_fixture_facts() -> None:
    module = load_module(shared_path("fixtures", "policies", "gk-container-limits-annotated.wasm"))
    info = preflight.inspect_opa_module(module)
    assert (info.abi_version, info.flow, info.builtins) == ((1, 3), "opa_eval", {"sprintf": 2})
    assert preflight.mode_warnings(module, "gatekeeper") == []
    warnings = preflight.mode_warnings(module, "opa")
    assert any("declares executionMode gatekeeper" in w for w in warnings)
    assert any("looks like a set of messages" in w for w in warnings)


def test_not_wasm_is_a_module_error(opa_module: PolicyModule) -> None:
    module = dataclasses.replace(opa_module, data=b"\0asm\x01\0\0\0garbage", sha256="0" * 64)
    with pytest.raises(ModuleError):
        preflight.compiled_module(module, use_cache=False)


@pytest.mark.parametrize(
    ("given_ep", "expected"),
    [
        (None, 0),
        (0, 0),
        ("test/response", 13),
        ("13", 13),
        (" 7 ", 7),
        ("data.test.violation", 15),
        ("data/test/echo", 0),
        ("test.data", 1),
    ],
)
def test_resolve_entrypoint(opa_module: Any, given_ep: Any, expected: int) -> None:
    assert preflight.resolve_entrypoint(preflight.inspect_opa_module(opa_module), given_ep) == expected


@pytest.mark.parametrize("bad", ["nope", "99", 99, -1, True, 1.5, "test/"])
def test_resolve_entrypoint_rejects_unknown(opa_module: Any, bad: Any) -> None:
    with pytest.raises(InputError, match="unknown entrypoint"):
        preflight.resolve_entrypoint(preflight.inspect_opa_module(opa_module), bad)


@given(st.text(max_size=30))
def test_resolve_entrypoint_never_crashes(text: str) -> None:
    info = preflight.OpaModuleInfo((1, 2), dict(ENTRYPOINTS), {}, "opa_eval", 2)
    try:
        result = preflight.resolve_entrypoint(info, text)
    except InputError as exc:
        assert "unknown entrypoint" in str(exc)
    else:
        assert result in ENTRYPOINTS.values()
