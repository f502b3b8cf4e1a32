from __future__ import annotations

import wasmtime
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.wasm.reader import parse_module
from workbench.core.wasm.writer import encode_uleb, rename_import_module, replace_custom_section


def _module() -> bytes:
    return bytes(
        wasmtime.wat2wasm(
            '(module (import "kubewarden:javy/host" "call" (func (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))'
            ' (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))'
            ' (memory (export "memory") 1) (func (export "_start")))'
        )
    )


def test_replace_custom_section_keeps_other_bytes_and_leaves_one() -> None:
    base = _module()
    once = replace_custom_section(base, "io.kubewarden.metadata", b"A")
    twice = replace_custom_section(once, "io.kubewarden.metadata", b"BB")
    info = parse_module(twice)
    sections = [c for c in info.custom_sections if c.name == "io.kubewarden.metadata"]
    assert [s.payload for s in sections] == [b"BB"]
    assert twice.startswith(base)
    # a module wasmtime accepts
    wasmtime.Module(wasmtime.Engine(), twice)


def test_rename_import_module_for_javy() -> None:
    renamed = rename_import_module(_module(), "kubewarden:javy/host", "call", "host")
    info = parse_module(renamed)
    assert next((i.module, i.name) for i in info.imports) == ("host", "call")
    wasmtime.Module(wasmtime.Engine(), renamed)
    assert rename_import_module(renamed, "kubewarden:javy/host", "call", "host") == renamed


@given(st.integers(0, 2**64))
def test_uleb_round_trip(value: int) -> None:
    from workbench.core.wasm.reader import _Cursor

    encoded = encode_uleb(value)
    assert _Cursor(encoded).uleb(65) == value
