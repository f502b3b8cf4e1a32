"""``pull`` into the store or to a file, against a real registry."""

from __future__ import annotations

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


def test_env_store_is_the_default(
    plain_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = str(plain_registry.sources_yaml(tmp_path))
    wasm = module_file(tmp_path, b"envstore")
    ref = plain_registry.ref("policies/envstore", "v1")
    assert main(["push", str(wasm), ref, "--sources-path", sources]) == 0
    assert main(["pull", ref, "--sources-path", sources]) == 0
    assert (tmp_path / "env-store" / "registry" / plain_registry.host / "policies" / "envstore:v1").is_file()
    assert main(["rm", ref]) == 0
    assert not (tmp_path / "env-store" / "registry").exists() or not any(
        p.is_file() for p in (tmp_path / "env-store").rglob("*")
    )


def test_pull_errors(plain_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources = str(plain_registry.sources_yaml(tmp_path))
    assert main(["pull", "./local.wasm"]) == 1
    assert "local file" in capsys.readouterr().err
    missing = plain_registry.ref("policies/never-pushed", "v1")
    out_file = tmp_path / "pulled.wasm"
    assert main(["pull", missing, "--sources-path", sources, "-o", str(out_file)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert not out_file.exists()  # nothing half-written
