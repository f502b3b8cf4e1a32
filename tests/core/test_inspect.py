"""The inspect report (CLI ``inspect``, GUI Module pane) on real fixtures and crafted modules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import REPO_ROOT
from wasmbuild import build_module

from workbench.core.inspect import inspect_module, module_warnings
from workbench.core.metadata import METADATA_SECTION
from workbench.core.module import load_module
from workbench.core.wasm.writer import replace_custom_section

KEYS = [
    "path",
    "sha256",
    "size",
    "kind",
    "kind_reason",
    "abi",
    "imports",
    "exports",
    "custom_sections",
    "metadata",
    "warnings",
]
MD = {
    "protocolVersion": "v1",
    "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}],
    "mutating": False,
}


def test_report_on_every_fixture(fixtures_dir: Path, manifest: dict) -> None:
    for entry in manifest["modules"]:
        module = load_module(fixtures_dir / entry["name"])
        report = inspect_module(module)
        assert list(report)[: len(KEYS)] == KEYS
        json.dumps(report)  # machine readable
        assert report["size"] == entry["size"]
        assert set(entry["exports"]) <= {e["name"] for e in report["exports"]}
        assert [c["name"] for c in report["custom_sections"]] == entry["custom_sections"]
        flat_imports = [
            f"{m}.{i['name']}:{i['kind']}" for m, items in report["imports"].items() for i in items
        ]
        assert sorted(flat_imports) == sorted(entry["imports"])
        if entry["opa_abi_version"]:
            assert report["opa"]["abi_version"] == entry["opa_abi_version"]
            assert report["opa"]["entrypoints"] == entry["entrypoints"]
            assert report["opa"]["missing_builtins"] == []
        else:
            assert "opa" not in report
        if "io.kubewarden.metadata" in entry["custom_sections"]:
            assert report["metadata"]["executionMode"] == module.execution_mode
        else:
            assert report["metadata"] is None
            assert "the module is not annotated (no io.kubewarden.metadata section)" in report["warnings"]


def test_legacy_opa_module_is_reported_not_runnable(fixtures_dir: Path) -> None:
    report = inspect_module(load_module(fixtures_dir / "policies" / "opa-legacy-abi-no-entrypoints.wasm"))
    assert report["kind"] == "unknown" and report["abi"] is None
    assert any(
        w.startswith("not a runnable policy: unsupported OPA ABI: a pre-1.0 OPA module")
        for w in report["warnings"]
    )


def test_clean_demo_policy_has_no_warnings() -> None:
    module = load_module(REPO_ROOT / "resources/demo/policies/require-labels/policy.wasm")
    assert module_warnings(module) == []
    report = inspect_module(module)
    assert report["path"] == str(module.path) and report["abi"] is None


def _annotated(data: bytes, **md: object) -> bytes:
    return replace_custom_section(data, METADATA_SECTION, json.dumps({**MD, **md}).encode())


@pytest.mark.parametrize(
    ("exports", "imports", "mode", "expected"),
    [
        (
            ("__guest_call",),
            (),
            "opa",
            "executionMode opa needs an OPA-ABI module, but this one is kubewarden-wapc",
        ),
        (("__guest_call",), (), "gatekeeper", "executionMode gatekeeper needs an OPA-ABI module"),
        (
            ("__guest_call",),
            (),
            "wasi",
            "executionMode wasi needs a WASI command module, but this one is kubewarden-wapc",
        ),
        (
            ("_start",),
            (("wasi_snapshot_preview1", "fd_write"),),
            "kubewarden-wapc",
            "executionMode kubewarden-wapc needs a waPC module, but this one is wasi",
        ),
    ],
)
def test_mode_and_kind_mismatch_is_warned(exports: tuple, imports: tuple, mode: str, expected: str) -> None:
    module = load_module(_annotated(build_module(exports=exports, imports=imports), executionMode=mode))
    assert any(w.startswith(expected) for w in module_warnings(module))


def test_invalid_metadata_and_duplicate_sections_are_warned() -> None:
    bad_rules = [{"apiGroups": [], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}]
    data = build_module(exports=("__guest_call",))
    data = _annotated(data, rules=bad_rules) + _annotated(b"\0asm\1\0\0\0")[8:]
    module = load_module(data)
    warnings = module_warnings(module)
    assert any(w.startswith("metadata is invalid: ") and "apiGroups" in w for w in warnings)
    assert any("2 io.kubewarden.metadata sections" in w for w in warnings)
    assert inspect_module(module)["warnings"] == warnings


def test_unknown_module_without_metadata() -> None:
    warnings = module_warnings(load_module(build_module()))
    assert warnings == [
        "not a runnable policy: exports none of opa_eval, opa_eval_ctx_new, __guest_call or _start",
        "the module is not annotated (no io.kubewarden.metadata section)",
    ]


def test_host_capabilities_and_minimum_version_are_reported() -> None:
    """``hostCapabilities`` and ``minimumKubewardenVersion`` come through; a too-new minimum is a warning."""
    import wasmtime
    from kwtest import wapc_wat

    from workbench.cli.inspect_cmd import pretty
    from workbench.core.module import PolicyModule

    md = {
        "protocolVersion": "v1",
        "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}],
        "mutating": False,
        "executionMode": "kubewarden-wapc",
        "hostCapabilities": ["kubernetes/get_resource", "oci/*"],
        "minimumKubewardenVersion": "99.1.0",
    }
    wasm = wasmtime.wat2wasm(wapc_wat('respond:{"accepted":true}'))
    module = PolicyModule.from_bytes(replace_custom_section(wasm, METADATA_SECTION, json.dumps(md).encode()))
    report = inspect_module(module)
    assert report["metadata"]["hostCapabilities"] == ["kubernetes/get_resource", "oci/*"]
    assert report["metadata"]["minimumKubewardenVersion"] == "99.1.0"
    assert any(w.startswith("minimumKubewardenVersion: the policy requires Kubewarden 99.1.0") for w in report["warnings"])
    text = pretty(report)
    assert "  minimum kubewarden version: 99.1.0" in text
    assert "Host capabilities\n  - kubernetes/get_resource\n  - oci/*" in text
    md["minimumKubewardenVersion"] = "1.0.0"
    module = PolicyModule.from_bytes(replace_custom_section(wasm, METADATA_SECTION, json.dumps(md).encode()))
    assert not any("minimumKubewardenVersion" in w for w in module_warnings(module))
