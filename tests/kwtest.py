"""Helpers for the Kubewarden-native engine tests: ``from kwtest import wat_module, pod_request``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import wasmtime
from helpers import REPO_ROOT

from workbench.core.module import PolicyModule

DEMO_POLICIES = REPO_ROOT / "resources" / "demo" / "policies"
DEMO_CLUSTER = REPO_ROOT / "resources" / "demo" / "cluster"


def wat_module(text: str) -> PolicyModule:
    """A PolicyModule compiled from WebAssembly text."""
    return PolicyModule.from_bytes(wasmtime.wat2wasm(text))


def pod_request(
    name: str = "nginx",
    namespace: str = "default",
    operation: str = "CREATE",
    obj: dict[str, Any] | None = None,
    old: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A minimal AdmissionRequest for a Pod."""
    pod = (
        obj
        if obj is not None
        else {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"containers": [{"name": "main", "image": "nginx:1.27"}]},
        }
    )
    request: dict[str, Any] = {
        "uid": f"uid-{name}",
        "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "name": name,
        "namespace": namespace,
        "operation": operation,
        "userInfo": {"username": "tester"},
    }
    if operation != "DELETE":
        request["object"] = pod
    if old is not None:
        request["oldObject"] = old
    return request


def read_request(fixtures_dir: Path, relative: str) -> dict[str, Any]:
    data = json.loads((fixtures_dir / relative).read_text())
    if data.get("kind") == "AdmissionReview":
        return data["request"]
    return data


def wapc_wat(validate: str, settings: str = 'respond:{"valid":true}', protocol: str = 'respond:"v1"') -> str:
    """WAT for a tiny waPC guest; each operation's behaviour is one of
    ``respond:<text>``, ``error:<text>``, ``loop`` (spins forever) or ``grow`` (grows memory until refused, then traps).
    """
    data: list[str] = []

    def body(spec: str) -> str:
        kind, _, text = spec.partition(":")
        if kind in ("respond", "error"):
            offset = 16384 + 1024 * len(data)
            escaped = "".join(f"\\{b:02x}" for b in text.encode())
            data.append(f'(data (i32.const {offset}) "{escaped}")')
            call = "$resp" if kind == "respond" else "$err"
            result = 1 if kind == "respond" else 0
            return f"(call {call} (i32.const {offset}) (i32.const {len(text.encode())})) (return (i32.const {result}))"
        if kind == "loop":
            return "(loop $spin (br $spin)) (unreachable)"
        if kind == "grow":
            return (
                "(block $done (loop $more (br_if $done (i32.eq (memory.grow (i32.const 16)) (i32.const -1)))"
                " (br $more))) (unreachable)"
            )
        raise ValueError(spec)

    validate_body, settings_body, protocol_body = body(validate), body(settings), body(protocol)
    return f"""(module
  (import "wapc" "__guest_request" (func $req (param i32 i32)))
  (import "wapc" "__guest_response" (func $resp (param i32 i32)))
  (import "wapc" "__guest_error" (func $err (param i32 i32)))
  (memory (export "memory") 1)
  {" ".join(data)}
  (func (export "__guest_call") (param $op i32) (param $msg i32) (result i32)
    (call $req (i32.const 0) (i32.const 64))
    (if (i32.eq (local.get $op) (i32.const 8)) (then {validate_body}))
    (if (i32.eq (local.get $op) (i32.const 17)) (then {settings_body}))
    (if (i32.eq (local.get $op) (i32.const 16)) (then {protocol_body}))
    (i32.const 0)))
"""
