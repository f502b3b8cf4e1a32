"""Helpers for the suite tests: ``from suitetest import write_suite, DEMO, wapc_policy``."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import wasmtime
from helpers import REPO_ROOT
from kwtest import wapc_wat

DEMO = REPO_ROOT / "resources" / "demo"
REQUIRE_LABELS = DEMO / "policies" / "require-labels" / "policy.wasm"
PULL_POLICY = DEMO / "policies" / "set-image-pull-policy" / "policy.wasm"
GATOR = REPO_ROOT / "tests" / "core" / "suites" / "data" / "gator-required-labels"

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web", "namespace": "team-a", "labels": {"app": "web", "owner": "me"}},
    "spec": {"containers": [{"name": "web", "image": "registry.example.com/web:1"}]},
}


def write_suite(folder: Path, text: str, name: str = "t.suite.yaml") -> Path:
    """A suite file from (dedented) YAML text; ``{demo}`` is replaced by the demo folder."""
    path = folder / name
    path.write_text(textwrap.dedent(text).replace("{demo}", str(DEMO)), encoding="utf-8")
    return path


def wapc_policy(folder: Path, name: str, validate: str, settings: str = 'respond:{"valid":true}') -> Path:
    """A tiny waPC policy module built from WAT (see kwtest.wapc_wat)."""
    path = folder / f"{name}.wasm"
    path.write_bytes(wasmtime.wat2wasm(wapc_wat(validate, settings)))
    return path
