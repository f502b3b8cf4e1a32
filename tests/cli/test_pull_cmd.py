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


def test_pull_verifies_signatures_first(plain_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private, public = tmp_path / "k.key", tmp_path / "k.pub"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    other = tmp_path / "other.pub"
    other.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    sources = str(plain_registry.sources_yaml(tmp_path))
    wasm = module_file(tmp_path, b"signedpull")
    ref = plain_registry.ref("policies/signedpull", "v1")
    assert main(["push", str(wasm), ref, "--sources-path", sources]) == 0
    assert main(["sign", ref, "-k", str(private), "--sources-path", sources]) == 0
    out_file = tmp_path / "pulled.wasm"
    capsys.readouterr()
    assert main(["pull", ref, "-k", str(other), "--sources-path", sources, "-o", str(out_file)]) == 1
    assert capsys.readouterr().err.startswith("error: ") and not out_file.exists()
    assert main(["pull", ref, "-k", str(public), "--sources-path", sources, "-o", str(out_file)]) == 0
    assert out_file.read_bytes() == wasm.read_bytes()
