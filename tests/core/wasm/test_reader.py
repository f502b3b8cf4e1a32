from __future__ import annotations

import json
import re

import pytest
import wasmtime
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.errors import ModuleError, WorkbenchError
from workbench.core.module import PolicyModule
from workbench.core.wasm.reader import parse_module
from workbench.core.wasm.writer import encode_custom_section, encode_uleb

SMALL_WAT = """
(module
  (import "env" "memory" (memory 2))
  (import "env" "opa_abort" (func $abort (param i32)))
  (import "env" "g" (global $g i32))
  (global $abi i32 (i32.const 1))
  (global $minor i32 (i32.const 3))
  (global $m (mut i64) (i64.const -5))
  (func $f (result i32) (i32.const 42))
  (export "opa_wasm_abi_version" (global $abi))
  (export "opa_wasm_abi_minor_version" (global $minor))
  (export "f" (func $f))
  (data (i32.const 16) "kubernetes get_resource")
)
"""


@pytest.fixture(scope="module")
def small() -> bytes:
    return bytes(wasmtime.wat2wasm(SMALL_WAT)) + encode_custom_section("io.kubewarden.metadata", b"{}")


def test_small_module_facts(small: bytes) -> None:
    info = parse_module(small)
    assert [(i.module, i.name, i.kind) for i in info.imports] == [
        ("env", "memory", "memory"),
        ("env", "opa_abort", "func"),
        ("env", "g", "global"),
    ]
    assert info.imports[0].detail["min"] == 2
    assert info.export_names() == ["opa_wasm_abi_version", "opa_wasm_abi_minor_version", "f"]
    # the imported global comes first in the index space
    assert len(info.globals) == 4 and info.globals[0].imported
    assert info.global_const_i32("opa_wasm_abi_version") == 1
    assert info.global_const_i32("opa_wasm_abi_minor_version") == 3
    assert info.global_const_i32("f") is None
    assert info.globals[3].init_value == -5
    assert info.custom_section("io.kubewarden.metadata").payload == b"{}"
    assert info.data_segments[0].data == b"kubernetes get_resource"
    assert info.size == len(small)


def test_every_fixture_module_matches_manifest(fixtures_dir, manifest) -> None:
    for entry in manifest["modules"]:
        data = (fixtures_dir / entry["name"]).read_bytes()
        info = parse_module(data)
        assert info.size == entry["size"]
        exports = [e.name for e in info.exports]
        # the manifest caps very long export lists; what it lists must be exactly our prefix
        assert exports[: len(entry["exports"])] == entry["exports"], entry["name"]
        assert len(exports) == len(entry["exports"]) or len(entry["exports"]) >= 60
        imports = [f"{i.module}.{i.name}:{i.kind}" for i in info.imports]
        assert imports == entry["imports"], entry["name"]
        assert [c.name for c in info.custom_sections] == entry["custom_sections"], entry["name"]
        assert info.import_modules() == entry["import_modules"] or set(info.import_modules()) == set(
            entry["import_modules"]
        )


def test_fixture_kinds_and_abi(fixtures_dir, manifest) -> None:
    for entry in manifest["modules"]:
        module = PolicyModule.from_bytes((fixtures_dir / entry["name"]).read_bytes())
        expected_kind = entry["kind"]
        if expected_kind in ("opa", "gatekeeper"):
            assert module.kind == "opa", entry["name"]
            major, minor = entry["opa_abi_version"].split(".")
            assert module.abi == (int(major), int(minor))
        elif expected_kind == "unknown-opa-abi":
            assert module.kind == "unknown"
            assert "unsupported OPA ABI" in module.kind_reason
        else:
            assert module.kind == expected_kind, entry["name"]
        has_section = "io.kubewarden.metadata" in entry["custom_sections"]
        assert (module.metadata is not None) == has_section
        if has_section and expected_kind != "unknown-opa-abi":
            assert module.metadata.execution_mode == expected_kind


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "the file is empty"),
        (b"\0as", "only 3 bytes"),
        (b"\x7fELF\x01\x00\x00\x00", "wrong magic"),
        (b"\0asm\x02\x00\x00\x00", "unsupported wasm binary version 2"),
        (b"\0asm\x01\x00\x00\x00\x00\xff\xff\xff\xff\x0f", "declares"),
        (b"\0asm\x01\x00\x00\x00\x2a\x00", "unknown section id 42"),
        (b"\0asm\x01\x00\x00\x00\x00\x03\x02\xff\xfe", "not valid UTF-8"),
        (b"\0asm\x01\x00\x00\x00\x07\x01\x00\x02\x00", "out of order"),
    ],
)
def test_bad_input_is_a_clear_module_error(data: bytes, fragment: str) -> None:
    if fragment == "out of order":
        data = b"\0asm\x01\x00\x00\x00" + b"\x07\x01\x00" + b"\x02\x01\x00"
    with pytest.raises(ModuleError, match=fragment):
        parse_module(data)


def test_huge_declared_section_size() -> None:
    data = b"\0asm\x01\x00\x00\x00" + b"\x00" + encode_uleb(2**32 - 1) + b"x"
    with pytest.raises(ModuleError, match="truncated"):
        parse_module(data)


def test_every_truncation_of_a_small_module_is_a_module_error(small: bytes) -> None:
    for length in range(len(small)):
        try:
            parse_module(small[:length])
        except ModuleError:
            continue
        # a prefix may end exactly at a section boundary and still be a valid (smaller) module
        assert length >= 8


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_byte_flips_never_escape_as_other_exceptions(small: bytes, data: st.DataObject) -> None:
    blob = bytearray(small)
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(blob) - 1))
        blob[pos] = data.draw(st.integers(0, 255))
    try:
        PolicyModule.from_bytes(bytes(blob))
    except WorkbenchError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_only_raise_workbench_errors(blob: bytes) -> None:
    for candidate in (blob, b"\0asm\x01\x00\x00\x00" + blob):
        try:
            PolicyModule.from_bytes(candidate)
        except WorkbenchError:
            pass


def test_metadata_section_with_bad_json_names_the_section(small: bytes) -> None:
    data = bytes(wasmtime.wat2wasm("(module)")) + encode_custom_section("io.kubewarden.metadata", b"{not json")
    with pytest.raises(WorkbenchError, match=r"io\.kubewarden\.metadata"):
        PolicyModule.from_bytes(data)
    wrong_type = json.dumps({"rules": [], "mutating": "yes"}).encode()
    data = bytes(wasmtime.wat2wasm("(module)")) + encode_custom_section("io.kubewarden.metadata", wrong_type)
    with pytest.raises(WorkbenchError, match="mutating"):
        PolicyModule.from_bytes(data)


@pytest.mark.parametrize(
    ("segment", "fragment"),
    [
        (b"\x00\x41\x80", "an i32.const in the offset of data segment 0"),  # offset cut short
        (b"\x00\x41\x00\x0b\x05ab", "data segment 0 of 5 bytes runs past the end"),
        (b"\x07", "unknown mode 7 of data segment 0"),
        (b"\x00\x0b\xff\xff\xff\xff\xff", "the size of data segment 0 is longer than 5 bytes"),
    ],
)
def test_a_bad_data_segment_is_named_in_the_error(segment: bytes, fragment: str) -> None:
    memory = b"\x05\x03\x01\x00\x01"  # one memory, min 1 page
    payload = b"\x01" + segment
    data = b"\x00asm\x01\x00\x00\x00" + memory + b"\x0b" + encode_uleb(len(payload)) + payload
    with pytest.raises(ModuleError, match=re.escape(fragment)):
        parse_module(data)
