"""Tiny valid Wasm modules for OCI tests (no fixtures needed)."""

from __future__ import annotations

import json
from typing import Any

from workbench.core.wasm.writer import encode_custom_section, encode_uleb

HEADER = b"\0asm\x01\x00\x00\x00"

METADATA: dict[str, Any] = {
    "protocolVersion": "v1",
    "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}],
    "mutating": False,
    "executionMode": "kubewarden-wapc",
    "annotations": {
        "io.kubewarden.policy.title": "tiny",
        "io.kubewarden.policy.source": "https://example.com/tiny",
        "io.kubewarden.policy.description": "  padded  ",
        "io.kubewarden.policy.usage": "line one\nline two",
    },
}


def _section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id]) + encode_uleb(len(payload)) + payload


def _name(text: str) -> bytes:
    raw = text.encode()
    return encode_uleb(len(raw)) + raw


def module(
    *,
    metadata: dict[str, Any] | None = None,
    rego: bool = False,
    padding: int = 0,
    seed: bytes = b"",
) -> bytes:
    """A valid module; ``rego`` adds an exported ``opa_wasm_abi_version`` global, ``padding`` a big custom section."""
    out = bytearray(HEADER)
    if rego:
        out += _section(6, b"\x01" + b"\x7f\x00" + b"\x41\x01\x0b")  # one immutable i32 global = 1
        out += _section(7, b"\x01" + _name("opa_wasm_abi_version") + b"\x03\x00")
    if seed:
        out += encode_custom_section("seed", seed)
    if padding:
        out += encode_custom_section(
            "padding", bytes(range(256)) * (padding // 256) + b"\x00" * (padding % 256)
        )
    if metadata is not None:
        out += encode_custom_section("io.kubewarden.metadata", json.dumps(metadata).encode())
    return bytes(out)
