"""``digest``: the manifest digest of a reference, as kwctl prints it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from core.oci.wasmgen import METADATA, module
from oci.registry import Registry

from workbench.cli.main import main

pytestmark = [pytest.mark.registry, pytest.mark.usefixtures("isolated_env")]


def module_file(tmp_path: Path, seed: bytes, *, annotated: bool = True) -> Path:
    """A tiny valid policy module (annotated unless told otherwise) written to ``tmp_path``."""
    path = tmp_path / f"{seed.decode()}.wasm"
    path.write_bytes(module(metadata=METADATA if annotated else None, seed=seed))
    return path


def test_digest_of_a_pushed_policy(
    plain_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = str(plain_registry.sources_yaml(tmp_path))
    wasm = module_file(tmp_path, b"digest")
    ref = plain_registry.ref("policies/digest", "v1")
    assert main(["push", str(wasm), ref, "--sources-path", sources, "-o", "json"]) == 0
    immutable = json.loads(capsys.readouterr().out)["immutable_ref"]
    assert main(["digest", ref, "--sources-path", sources]) == 0
    assert capsys.readouterr().out == f"{ref}@{immutable.split('@', 1)[1]}\n"


def test_digest_user_errors(capsys: pytest.CaptureFixture[str]) -> None:
    from oci.registry import free_port

    assert main(["digest", f"127.0.0.1:{free_port()}/x/y:v1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert main(["digest", "https://example.com/x.wasm"]) == 1
    assert "not a registry reference" in capsys.readouterr().err
