"""``rm``: remove a stored policy by URI or SHA-256 prefix."""

from __future__ import annotations

import hashlib
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


def test_rm_by_uri_and_by_sha_prefix(
    plain_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = str(plain_registry.sources_yaml(tmp_path))
    store = tmp_path / "store"
    for seed in (b"rm-one", b"rm-two"):
        ref = plain_registry.ref(f"policies/{seed.decode()}", "v1")
        assert main(["push", str(module_file(tmp_path, seed)), ref, "--sources-path", sources]) == 0
        assert main(["pull", ref, "--sources-path", sources, "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["rm", plain_registry.ref("policies/rm-one", "v1"), "--store", str(store)]) == 0
    sha_two = hashlib.sha256((tmp_path / "rm-two.wasm").read_bytes()).hexdigest()
    assert main(["rm", sha_two[:12], "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["policies", "--store", str(store), "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_rm_of_something_not_stored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rm", "registry://example.com/not/stored:v1", "--store", str(tmp_path)]) == 1
    assert "not in the local store" in capsys.readouterr().err
    assert main(["rm", "0123456789ab", "--store", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
