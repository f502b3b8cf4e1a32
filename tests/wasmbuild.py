"""Build tiny, valid Wasm modules byte by byte for module-detection tests (no toolchain needed)."""

from __future__ import annotations

from workbench.core.wasm.writer import encode_custom_section, encode_uleb

HEADER = b"\0asm\x01\x00\x00\x00"


def _section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id]) + encode_uleb(len(payload)) + payload


def _name(text: str) -> bytes:
    raw = text.encode()
    return encode_uleb(len(raw)) + raw


def build_module(
    *,
    imports: tuple[tuple[str, str], ...] = (),
    exports: tuple[str, ...] = (),
    i32_globals: dict[str, int] | None = None,
    custom: tuple[tuple[str, bytes], ...] = (),
) -> bytes:
    """Function imports ``(module, name)`` and exported no-op functions, all of type ``() -> ()``;
    ``i32_globals`` become exported immutable i32 globals; ``custom`` sections are appended in order."""
    out = bytearray(HEADER)
    out += _section(1, b"\x01\x60\x00\x00")
    if imports:
        body = encode_uleb(len(imports))
        for mod, name in imports:
            body += _name(mod) + _name(name) + b"\x00\x00"
        out += _section(2, body)
    if exports:
        out += _section(3, encode_uleb(len(exports)) + b"\x00" * len(exports))
    globals_ = i32_globals or {}
    if globals_:
        body = encode_uleb(len(globals_))
        for value in globals_.values():
            body += b"\x7f\x00\x41" + _sleb(value) + b"\x0b"
        out += _section(6, body)
    entries = [(name, 0, len(imports) + i) for i, name in enumerate(exports)]
    entries += [(name, 3, i) for i, name in enumerate(globals_)]
    if entries:
        body = encode_uleb(len(entries))
        for name, kind, index in entries:
            body += _name(name) + bytes([kind]) + encode_uleb(index)
        out += _section(7, body)
    if exports:
        out += _section(10, encode_uleb(len(exports)) + b"\x02\x00\x0b" * len(exports))
    for name, payload in custom:
        out += encode_custom_section(name, payload)
    return bytes(out)


def _sleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)
