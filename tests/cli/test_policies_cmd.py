"""``policies``: the local store listing (table and JSON)."""

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


def test_empty_and_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for store in (tmp_path / "never-created", tmp_path):
        assert main(["policies", "--store", str(store)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert (
            lines[0].split() == ["Policy", "Mutating", "Context", "aware", "SHA-256", "Size"]
            and len(lines) == 2
        )
        assert main(["policies", "--store", str(store), "-o", "json"]) == 0
        assert json.loads(capsys.readouterr().out) == []


def test_listing_after_pulls(
    plain_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = str(plain_registry.sources_yaml(tmp_path))
    store = str(tmp_path / "store")
    refs = []
    for seed in (b"list-b", b"list-a"):
        ref = plain_registry.ref(f"policies/{seed.decode()}", "v1")
        refs.append(ref)
        assert main(["push", str(module_file(tmp_path, seed)), ref, "--sources-path", sources]) == 0
        assert main(["pull", ref, "--sources-path", sources, "--store", store]) == 0
    capsys.readouterr()
    assert main(["policies", "--store", store, "-o", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["uri"] for e in entries] == sorted(refs)  # sorted by URI
    for entry in entries:
        name = entry["uri"].rsplit("/", 1)[1].split(":")[0]
        assert entry["sha256"] == hashlib.sha256((tmp_path / f"{name}.wasm").read_bytes()).hexdigest()
        assert entry["mutating"] is False and entry["title"] == "tiny"
