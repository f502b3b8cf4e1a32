"""Policy modules: kind detection (kwctl's Rego detector), metadata, identity, loading errors."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from helpers import REPO_ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wasmbuild import build_module

import workbench.core.module as module_mod
from workbench.core.errors import InputError, MetadataError, ModuleError, WorkbenchError
from workbench.core.metadata import METADATA_SECTION
from workbench.core.module import (
    KIND_OPA,
    KIND_UNKNOWN,
    KIND_WAPC,
    KIND_WASI,
    PolicyModule,
    detect_kind,
    is_rego,
    load_module,
)
from workbench.core.wasm.reader import parse_module

MANIFEST_KIND = {
    "kubewarden-wapc": KIND_WAPC,
    "wasi": KIND_WASI,
    "opa": KIND_OPA,
    "gatekeeper": KIND_OPA,
    "unknown-opa-abi": KIND_UNKNOWN,
}
MD = {
    "protocolVersion": "v1",
    "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}],
    "mutating": False,
    "annotations": {"io.kubewarden.policy.title": "tiny-title"},
}


def test_every_fixture_matches_the_manifest(fixtures_dir: Path, manifest: dict) -> None:
    for entry in manifest["modules"]:
        path = fixtures_dir / entry["name"]
        module = load_module(path)
        assert module.kind == MANIFEST_KIND[entry["kind"]], entry["name"]
        assert module.size == entry["size"]
        assert module.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert module.path == path.resolve()
        assert sorted(module.info.import_modules()) == sorted(entry["import_modules"])
        assert (module.metadata is not None) == ("io.kubewarden.metadata" in entry["custom_sections"])
        if entry["opa_abi_version"]:
            assert f"{module.abi[0]}.{module.abi[1]}" == entry["opa_abi_version"]
        else:
            assert module.abi is None
        assert module.is_rego == any(e.startswith("opa_") for e in entry["exports"])
        assert module.kind_reason


def test_execution_mode_and_name(fixtures_dir: Path) -> None:
    annotated = load_module(fixtures_dir / "policies" / "gk-container-limits-annotated.wasm")
    assert annotated.execution_mode == "gatekeeper"
    plain = load_module(fixtures_dir / "policies" / "kw-go-pod-name-denylist.wasm")
    assert plain.execution_mode is None
    assert plain.name == "kw-go-pod-name-denylist.wasm"
    demo = load_module(REPO_ROOT / "resources/demo/policies/require-labels/policy.wasm")
    assert demo.name == "require-labels"  # the metadata title wins
    anonymous = load_module(plain.data)
    assert anonymous.path is None and anonymous.name == plain.sha256[:12]
    assert anonymous.sha256 == plain.sha256


@pytest.mark.parametrize(
    ("kwargs", "kind", "reason"),
    [
        ({}, KIND_UNKNOWN, "exports none of opa_eval, opa_eval_ctx_new, __guest_call or _start"),
        ({"exports": ("__guest_call",)}, KIND_WAPC, "waPC guest (exports __guest_call)"),
        (
            {"imports": (("wasi_snapshot_preview1", "fd_write"),), "exports": ("_start",)},
            KIND_WASI,
            "WASI command (imports wasi_snapshot_preview1, exports _start)",
        ),
        ({"exports": ("_start",)}, KIND_UNKNOWN, "exports none of"),  # _start without WASI imports
        (
            {"imports": (("wasi_snapshot_preview1", "fd_write"),)},
            KIND_UNKNOWN,
            "imports WASI but exports neither",
        ),
        (
            {"imports": (("wasi_snapshot_preview1", "fd_write"),), "exports": ("_start", "__guest_call")},
            KIND_WAPC,  # TinyGo waPC guests also export _start: waPC wins
            "waPC",
        ),
        ({"exports": ("opa_malloc",)}, KIND_UNKNOWN, "pre-1.0 OPA module: it exports opa_* helpers"),
        ({"exports": ("opa_eval", "entrypoints")}, KIND_UNKNOWN, "unsupported OPA ABI: a pre-1.0 OPA module"),
        (
            {"exports": ("opa_eval",), "i32_globals": {"opa_wasm_abi_version": 1}},
            KIND_UNKNOWN,
            "unsupported OPA ABI",
        ),
    ],
)
def test_detect_kind_on_synthetic_modules(kwargs: dict, kind: str, reason: str) -> None:
    module = load_module(build_module(**kwargs))
    assert module.kind == kind
    assert reason in module.kind_reason


def test_opa_abi_version_from_globals() -> None:
    data = build_module(
        exports=("opa_eval", "entrypoints"),
        i32_globals={"opa_wasm_abi_version": 1, "opa_wasm_abi_minor_version": 3},
    )
    module = load_module(data)
    assert (module.kind, module.abi) == (KIND_OPA, (1, 3))
    assert module.kind_reason == "OPA Wasm ABI 1.3 (exports opa_eval)"
    # the minor version global is optional (ABI 1.0 modules)
    data = build_module(exports=("opa_eval_ctx_new", "entrypoints"), i32_globals={"opa_wasm_abi_version": 1})
    assert load_module(data).abi == (1, 0)
    assert "opa_eval_ctx_new" in load_module(data).kind_reason


def test_is_rego_is_kwctls_prefix_rule() -> None:
    assert is_rego(parse_module(build_module(exports=("opa_anything",))))
    assert not is_rego(parse_module(build_module(exports=("__guest_call", "xopa_"))))
    assert detect_kind(parse_module(build_module()))[0] == KIND_UNKNOWN


# -- metadata -------------------------------------------------------------------------------
def test_metadata_section_is_read() -> None:
    module = load_module(
        build_module(exports=("__guest_call",), custom=((METADATA_SECTION, json.dumps(MD).encode()),))
    )
    assert module.metadata is not None
    assert module.metadata.execution_mode == "kubewarden-wapc"
    assert module.execution_mode == "kubewarden-wapc"
    assert module.name == "tiny-title"
    assert module.warnings == ()


def test_first_of_several_metadata_sections_wins_with_a_warning() -> None:
    second = {**MD, "mutating": True}
    data = build_module(
        exports=("__guest_call",),
        custom=(
            (METADATA_SECTION, json.dumps(MD).encode()),
            ("other", b"x"),
            (METADATA_SECTION, json.dumps(second).encode()),
        ),
    )
    module = load_module(data)
    assert module.metadata is not None and module.metadata.mutating is False
    assert len(module.warnings) == 1 and "2 io.kubewarden.metadata sections" in module.warnings[0]


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[]",
        json.dumps({**MD, "executionMode": "rust"}).encode(),
        b"\xff\xfe",
        json.dumps({"rules": []}).encode(),
    ],
)
def test_invalid_metadata_section_is_a_metadata_error(payload: bytes) -> None:
    with pytest.raises(MetadataError, match=r"the module's io\.kubewarden\.metadata section is invalid: "):
        load_module(build_module(custom=((METADATA_SECTION, payload),)))


# -- loading --------------------------------------------------------------------------------
def test_load_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=re.escape(f"module {tmp_path / 'nope.wasm'} does not exist")):
        load_module(tmp_path / "nope.wasm")
    with pytest.raises(InputError, match=r"is a directory, not a \.wasm file"):
        load_module(tmp_path)
    text = tmp_path / "policy.rego"
    text.write_text("package x\n")
    with pytest.raises(ModuleError, match="^" + re.escape(f"{text}: ")):
        load_module(text)
    empty = tmp_path / "empty.wasm"
    empty.write_bytes(b"")
    with pytest.raises(ModuleError, match=r"empty\.wasm"):
        load_module(empty)


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.wasm"
    path.write_bytes(build_module(custom=(("pad", b"\0" * 100),)))
    monkeypatch.setattr(module_mod, "MAX_MODULE_SIZE", 64)
    with pytest.raises(ModuleError, match=r"big.wasm is \d+ bytes, larger than the 64 byte limit"):
        load_module(path)


def test_module_is_frozen(fixtures_dir: Path) -> None:
    module = load_module(fixtures_dir / "policies" / "kw-js-demo-wasi.wasm")
    with pytest.raises(AttributeError):
        module.kind = "opa"  # type: ignore[misc]
    assert isinstance(PolicyModule.from_bytes(module.data), PolicyModule)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=64))
def test_arbitrary_bytes_give_a_module_or_a_workbench_error(data: bytes) -> None:
    try:
        module = load_module(data)
    except WorkbenchError as exc:
        assert str(exc)
    else:
        assert module.kind in (KIND_OPA, KIND_WAPC, KIND_WASI, KIND_UNKNOWN)


@pytest.fixture(scope="module")
def small_annotated() -> bytes:
    return build_module(exports=("__guest_call",), custom=((METADATA_SECTION, json.dumps(MD).encode()),))


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_corrupted_modules_give_a_workbench_error(small_annotated: bytes, data: st.DataObject) -> None:
    blob = bytearray(small_annotated)
    cut = data.draw(st.integers(0, len(blob)))
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(blob) - 1), st.integers(0, 255)), max_size=3))
    for index, value in flips:
        blob[index] = value
    try:
        load_module(bytes(blob[:cut]))
    except WorkbenchError as exc:
        assert str(exc)
