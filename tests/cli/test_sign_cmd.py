"""``sign REF -k KEY [-a K=V]`` on the real registry."""

from __future__ import annotations

from pathlib import Path

import pytest
from core.oci.wasmgen import METADATA, module
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from oci.registry import Registry

from workbench.cli.main import main
from workbench.cli.sign_cmd import parse_annotations
from workbench.core import InputError


@pytest.mark.registry
@pytest.mark.usefixtures("isolated_env")
def test_sign_with_an_encrypted_key(
    plain_registry: Registry,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sources = str(plain_registry.sources_yaml(tmp_path))
    wasm = tmp_path / "p.wasm"
    wasm.write_bytes(module(metadata=METADATA, seed=b"sign-cmd"))
    ref = plain_registry.ref("cli/sign", "v1")
    assert main(["push", str(wasm), ref, "--sources-path", sources]) == 0
    key = ed25519.Ed25519PrivateKey.generate()
    path = tmp_path / "k.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"pw"),
        )
    )
    capsys.readouterr()
    assert main(["sign", ref, "-k", str(path), "--sources-path", sources]) == 1
    assert "encrypted: give its password" in capsys.readouterr().err
    monkeypatch.setenv("COSIGN_PASSWORD", "pw")
    assert main(["sign", ref, "-k", str(path), "--sources-path", sources]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Policy signed: 127.0.0.1:") and ".sig (key SHA256:" in out
    assert main(["sign", ref, "-k", str(path), "--sources-path", sources]) == 0
    assert capsys.readouterr().out.startswith("Policy already signed with this key and payload")


@pytest.mark.usefixtures("isolated_env")
def test_sign_user_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sign", "127.0.0.1:1/x:v1", "-k", str(tmp_path / "missing.pem")]) == 1
    assert "error: key file" in capsys.readouterr().err
    assert main(["sign", "127.0.0.1:1/x:v1", "-k", "k", "-a", "novalue"]) == 1
    assert "annotation 'novalue' is not KEY=VALUE" in capsys.readouterr().err


def test_parse_annotations() -> None:
    assert parse_annotations(["a=b", "c=d=e", "f="]) == {"a": "b", "c": "d=e", "f": ""}
    with pytest.raises(InputError):
        parse_annotations(["=x"])
