"""Rewriting modules without touching anything else: custom sections and import module names."""

from __future__ import annotations

from workbench.core.wasm.reader import _Cursor, iter_sections

__all__ = ["encode_custom_section", "encode_uleb", "rename_import_module", "replace_custom_section"]


def encode_uleb(value: int) -> bytes:
    if value < 0:
        raise ValueError("LEB128 value must be non-negative")
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _encode_name(name: str) -> bytes:
    raw = name.encode("utf-8")
    return encode_uleb(len(raw)) + raw


def encode_custom_section(name: str, payload: bytes) -> bytes:
    body = _encode_name(name) + payload
    return b"\x00" + encode_uleb(len(body)) + body


def replace_custom_section(data: bytes, name: str, payload: bytes) -> bytes:
    """Remove every custom section called ``name`` and append one with ``payload``.

    All other bytes keep their order and value.
    """
    pieces: list[bytes] = [data[:8]]
    for section in iter_sections(data):
        raw = data[section.offset : section.end]
        if section.id == 0:
            cur = _Cursor(data, section.payload_offset, section.end)
            if cur.name("a custom section name") == name:
                continue
        pieces.append(raw)
    pieces.append(encode_custom_section(name, payload))
    return b"".join(pieces)


def rename_import_module(data: bytes, module: str, field: str, new_module: str) -> bytes:
    """Rewrite the import ``module.field`` to come from ``new_module`` (kwctl does this for Javy's host.call).

    Returns ``data`` unchanged when there is no such import.
    """
    out: list[bytes] = [data[:8]]
    changed = False
    for section in iter_sections(data):
        raw = data[section.offset : section.end]
        if section.id == 2:
            cur = _Cursor(data, section.payload_offset, section.end)
            count = cur.uleb(32, "the import count")
            entries: list[bytes] = []
            for _ in range(count):
                mod = cur.name("an import module name")
                fld = cur.name("an import field name")
                desc_start = cur.pos
                _skip_import_desc(cur)
                if mod == module and fld == field:
                    mod = new_module
                    changed = True
                entries.append(_encode_name(mod) + _encode_name(fld) + data[desc_start : cur.pos])
            body = encode_uleb(count) + b"".join(entries) + data[cur.pos : section.end]
            raw = b"\x02" + encode_uleb(len(body)) + body
        out.append(raw)
    return b"".join(out) if changed else data


def _skip_import_desc(cur: _Cursor) -> None:
    kind = cur.byte("an import kind")
    if kind == 0:
        cur.uleb(32, "a type index")
    elif kind == 1:
        cur.valtype("a table type")
        cur.limits("a table")
    elif kind == 2:
        cur.limits("a memory")
    elif kind == 3:
        cur.valtype("a global type")
        cur.byte("a mutability")
    elif kind == 4:
        cur.byte("a tag attribute")
        cur.uleb(32, "a tag type")
    else:
        raise cur.fail(f"unknown import kind 0x{kind:02x}")
