"""Small real waPC policies for GUI tests, written in WAT and compiled with wasmtime at test time.

* :func:`spin_policy` answers ``validate_settings`` and ``protocol_version`` at once and spins
  forever in ``validate`` (until the engine interrupts it): a runaway policy.
* :func:`mutating_policy` accepts every request and returns a fixed ``mutated_object``;
  :func:`answering_policy` returns any fixed ValidationResponse.
Both can carry Kubewarden metadata and an optional padding custom section (for big pushes).
"""

from __future__ import annotations

import json
import os
from typing import Any

import wasmtime

from workbench.core.metadata import METADATA_SECTION, Metadata
from workbench.core.wasm.writer import replace_custom_section

SETTINGS_OK = b'{"valid":true}'
PROTOCOL = b'"v1"'


def _wat_bytes(data: bytes) -> str:
    return "".join(f"\\{b:02x}" for b in data)


def _module(validate_body: str, validate_response: bytes = b"") -> bytes:
    wat = f"""
(module
  (import "wapc" "__guest_request" (func $req (param i32 i32)))
  (import "wapc" "__guest_response" (func $resp (param i32 i32)))
  (memory (export "memory") 8)
  (data (i32.const 1024) "{_wat_bytes(SETTINGS_OK)}")
  (data (i32.const 1100) "{_wat_bytes(PROTOCOL)}")
  (data (i32.const 2048) "{_wat_bytes(validate_response)}")
  (func (export "__guest_call") (param $op_len i32) (param $msg_len i32) (result i32)
    (call $req (i32.const 16384) (i32.const 65536))
    (if (i32.eq (local.get $op_len) (i32.const 17))
      (then (call $resp (i32.const 1024) (i32.const {len(SETTINGS_OK)})) (return (i32.const 1))))
    (if (i32.eq (local.get $op_len) (i32.const 16))
      (then (call $resp (i32.const 1100) (i32.const {len(PROTOCOL)})) (return (i32.const 1))))
    {validate_body}
  )
)
"""
    return wasmtime.wat2wasm(wat)


def metadata(mutating: bool = False, title: str = "test-policy") -> Metadata:
    return Metadata.from_dict(
        {
            "protocolVersion": "v1",
            "rules": [
                {"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}
            ],
            "mutating": mutating,
            "executionMode": "kubewarden-wapc",
            "annotations": {"io.kubewarden.policy.title": title},
        }
    )


def annotate(data: bytes, md: Metadata | None, padding: int = 0) -> bytes:
    if padding:
        data = replace_custom_section(data, "padding", os.urandom(padding))
    if md is not None:
        data = replace_custom_section(data, METADATA_SECTION, md.to_json_bytes())
    return data


def spin_policy(md: Metadata | None = None, padding: int = 0) -> bytes:
    body = "(loop $spin (br $spin))\n    (i32.const 0)"
    return annotate(_module(body), md if md is not None else metadata(title="runaway"), padding)


def answering_policy(response: dict[str, Any], md: Metadata | None = None) -> bytes:
    """A policy whose ``validate`` always returns ``response`` (a ValidationResponse)."""
    payload = json.dumps(response, separators=(",", ":")).encode()
    body = f"(call $resp (i32.const 2048) (i32.const {len(payload)}))\n    (i32.const 1)"
    return annotate(_module(body, payload), md if md is not None else metadata(title="fixed-answer"))


def mutating_policy(mutated_object: Any, md: Metadata | None = None) -> bytes:
    return answering_policy(
        {"accepted": True, "mutated_object": mutated_object},
        md if md is not None else metadata(True, "add-label"),
    )


def bare_policy() -> bytes:
    """A waPC policy without Kubewarden metadata (kwctl refuses to push it without --force)."""
    payload = json.dumps({"accepted": True}, separators=(",", ":")).encode()
    body = f"(call $resp (i32.const 2048) (i32.const {len(payload)}))\n    (i32.const 1)"
    return _module(body, payload)
