"""``verify`` / ``scaffold verification-config`` / ``inspect --show-signatures`` end to end on the real registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from core.oci.wasmgen import METADATA, module
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from helpers import REPO_ROOT
from oci.registry import Registry

from workbench.cli.main import main

DATA = REPO_ROOT / "tests" / "data" / "signatures"


def _keypair(directory: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    private, public = directory / f"{name}.key", directory / f"{name}.pub"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


def _pushed(
    registry: Registry, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> tuple[str, str]:
    sources = str(registry.sources_yaml(tmp_path))
    wasm = tmp_path / f"{name}.wasm"
    wasm.write_bytes(module(metadata=METADATA, seed=name.encode()))
    ref = registry.ref(f"cli/{name}", "v1")
    assert main(["push", str(wasm), ref, "--sources-path", sources]) == 0
    capsys.readouterr()
    return ref, sources


@pytest.mark.registry
@pytest.mark.usefixtures("isolated_env")
def test_sign_then_verify(
    plain_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ref, sources = _pushed(plain_registry, tmp_path, "verify", capsys)
    private, public = _keypair(tmp_path, "alice")
    _other_private, other = _keypair(tmp_path, "bob")
    assert main(["sign", ref, "-k", str(private), "-a", "env=prod", "--sources-path", sources]) == 0
    capsys.readouterr()

    assert main(["verify", ref, "-k", str(public), "-a", "env=prod", "--sources-path", sources]) == 0
    out, err = capsys.readouterr()
    assert "allOf[0] pubKey" in out and "satisfied by layer 1" in out
    assert "Policy successfully verified: 127.0.0.1" in err

    assert (
        main(["verify", ref, "-k", str(public), "-k", str(other), "--sources-path", sources, "-o", "json"])
        == 1
    )
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: Image verification failed for ")
    assert "- allOf[1] pubKey" in err and "layer 1: not signed by this key" in err
    assert "allOf[0]" not in err

    config = tmp_path / "vc.yml"
    config.write_text(
        "apiVersion: v1\nanyOf:\n  minimumMatches: 1\n  signatures:\n  - kind: pubKey\n    key: |\n"
        + "".join(f"      {line}\n" for line in public.read_text().splitlines())
    )
    assert (
        main(
            [
                "verify",
                ref,
                "--verification-config-path",
                str(config),
                "--sources-path",
                sources,
                "-o",
                "json",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["verified"] and report["signatures"][0]["payloadAnnotations"] == {"env": "prod"}
    assert report["digest"].startswith("sha256:") and report["signatureReference"].endswith(".sig")


@pytest.mark.usefixtures("isolated_env")
def test_verify_user_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "127.0.0.1:1/x/y:v1"]) == 1
    assert "error: nothing to verify" in capsys.readouterr().err
    _private, public = _keypair(tmp_path, "k")
    (tmp_path / "vc.yml").write_text("apiVersion: v1\nallOf: [{kind: githubAction, owner: o}]\n")
    assert (
        main(
            [
                "verify",
                "127.0.0.1:1/x/y:v1",
                "-k",
                str(public),
                "--verification-config-path",
                str(tmp_path / "vc.yml"),
            ]
        )
        == 1
    )
    assert "cannot be used in conjunction with other verification flags" in capsys.readouterr().err
    (tmp_path / "bad.yml").write_text("apiVersion: v1\nallOf: [{kind: pubKey, kee: x}]\n")
    assert (
        main(["verify", "127.0.0.1:1/x/y:v1", "--verification-config-path", str(tmp_path / "bad.yml")]) == 1
    )
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'bad.yml'} is not a valid verification config at allOf[0]")
    assert (
        main(["verify", "127.0.0.1:1/x/y:v1", "-k", str(public), "--trusted-root", str(tmp_path / "no.json")])
        == 1
    )
    assert "trusted root" in capsys.readouterr().err


@pytest.mark.usefixtures("isolated_env")
def test_scaffold_verification_config_prints_kwctls_default(
    isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scaffold", "verification-config"]) == 0
    out = capsys.readouterr().out
    path = isolated_env / "xdg-config" / "kubewarden" / "verification-config.yml"
    assert f"#   kwctl scaffold verification-config > {path}\n" in out
    assert out.endswith(
        "# for more Sigstore verification options.\napiVersion: v1\nallOf:\n- kind: githubAction\n"
        "  owner: kubewarden\n  repo: null\n  annotations: null\nanyOf: null\n\n"
    )
    # saved to the default location it is used by verify without flags
    path.parent.mkdir(parents=True)
    path.write_text(out)
    assert main(["verify", "127.0.0.1:1/x/y:v1"]) == 1
    assert "nothing to verify" not in capsys.readouterr().err


@pytest.mark.registry
@pytest.mark.usefixtures("isolated_env")
def test_inspect_show_signatures(
    plain_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ref, sources = _pushed(plain_registry, tmp_path, "inspect", capsys)
    private, public = _keypair(tmp_path, "carol")
    assert main(["inspect", ref, "--show-signatures", "--sources-path", sources]) == 0
    assert "Sigstore signatures\n  none" in capsys.readouterr().out
    assert main(["sign", ref, "-k", str(private), "-a", "team=c", "--sources-path", sources]) == 0
    capsys.readouterr()
    assert main(["inspect", ref, "--show-signatures", "--sources-path", sources]) == 0
    out = capsys.readouterr().out
    assert "layer 1: key (unknown: give the public key with -k to identify it)" in out
    assert "annotation: team=c" in out
    assert main(["inspect", ref, "--show-signatures", "--sources-path", sources, "-o", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)["signatures"]
    assert listed[0]["kind"] == "key" and listed[0]["payloadAnnotations"] == {"team": "c"}
    wasm = tmp_path / "local.wasm"
    wasm.write_bytes(module(metadata=METADATA, seed=b"local"))
    assert main(["inspect", str(wasm), "--show-signatures"]) == 1
    assert "--show-signatures needs a registry reference" in capsys.readouterr().err
    assert public.exists()
