"""``push`` (with the whole push → digest → pull → policies → rm round trip) against a real registry."""

from __future__ import annotations

import base64
import hashlib
import io
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


def test_push_pull_policies_rm_digest(
    plain_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = str(plain_registry.sources_yaml(tmp_path))
    store = str(tmp_path / "store")
    wasm = module_file(tmp_path, b"cli")
    ref = plain_registry.ref("policies/cli", "v1")

    assert main(["push", str(wasm), ref, "--sources-path", sources]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith(f"Policy successfully pushed: {plain_registry.host}/policies/cli@sha256:")
    immutable = out.split(": ", 1)[1]
    digest = immutable.split("@", 1)[1]

    assert main(["push", str(wasm), ref, "--sources-path", sources, "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"immutable_ref": immutable}

    assert main(["digest", ref, "--sources-path", sources]) == 0
    assert capsys.readouterr().out.strip() == f"{ref}@{digest}"
    bare = ref.removeprefix("registry://")
    assert main(["digest", bare, "--sources-path", sources]) == 0
    assert capsys.readouterr().out.strip() == f"{bare}@{digest}"  # uri as typed

    assert main(["pull", ref, "--sources-path", sources, "--store", store]) == 0
    stored = Path(store) / "registry" / plain_registry.host / "policies" / "cli:v1"
    assert stored.read_bytes() == wasm.read_bytes()
    capsys.readouterr()

    out_file = tmp_path / "out" / "pulled.wasm"
    assert main(["pull", ref, "--sources-path", sources, "-o", str(out_file)]) == 0
    assert out_file.read_bytes() == wasm.read_bytes()
    (tmp_path / "outdir").mkdir()
    assert main(["pull", ref, "--sources-path", sources, "-o", str(tmp_path / "outdir")]) == 0
    assert (tmp_path / "outdir" / "cli:v1").read_bytes() == wasm.read_bytes()
    capsys.readouterr()

    assert main(["policies", "--store", store]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["Policy", "Mutating", "Context", "aware", "SHA-256", "Size"]
    sha = hashlib.sha256(wasm.read_bytes()).hexdigest()
    assert f"registry://{plain_registry.host}/policies/cli:v1" in table[2]
    assert sha[:12] in table[2] and " no " in table[2]

    assert main(["policies", "--store", store, "-o", "json"]) == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["sha256"] == sha and entry["title"] == "tiny" and entry["mutating"] is False

    # push by SHA prefix from the store, to another tag
    assert (
        main(
            [
                "push",
                sha[:12],
                plain_registry.ref("policies/cli", "v2"),
                "--sources-path",
                sources,
                "--store",
                store,
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == f"Policy successfully pushed: {immutable}"

    assert main(["rm", sha[:12], "--store", store]) == 0
    assert not stored.exists()
    assert main(["policies", "--store", store, "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_push_refuses_unannotated_without_force(
    plain_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = str(plain_registry.sources_yaml(tmp_path))
    wasm = module_file(tmp_path, b"bare", annotated=False)
    ref = plain_registry.ref("policies/bare-cli", "v1")
    assert main(["push", str(wasm), ref, "--sources-path", sources]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["push", str(wasm), ref, "--sources-path", sources, "--force"]) == 0


def test_credentials_flags_and_docker_config(
    auth_registry: Registry,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sources = str(auth_registry.sources_yaml(tmp_path))
    wasm = module_file(tmp_path, b"creds")
    ref = auth_registry.ref("policies/creds", "v1")

    assert main(["push", str(wasm), ref, "--sources-path", sources]) == 1
    assert "requires authentication" in capsys.readouterr().err

    monkeypatch.setattr("sys.stdin", io.StringIO("wrong-password-xyz\n"))
    assert (
        main(["push", str(wasm), ref, "--sources-path", sources, "--username", "alice", "--password-stdin"])
        == 1
    )
    err = capsys.readouterr().err
    assert "refused the credentials" in err and "wrong-password-xyz" not in err

    monkeypatch.setattr("sys.stdin", io.StringIO(f"{auth_registry.password}\n"))
    assert (
        main(["push", str(wasm), ref, "--sources-path", sources, "--username", "alice", "--password-stdin"])
        == 0
    )
    capsys.readouterr()

    assert main(["push", str(wasm), ref, "--sources-path", sources, "--username", "alice"]) == 1
    assert "--password-stdin" in capsys.readouterr().err

    docker_dir = tmp_path / "docker"
    docker_dir.mkdir()
    token = base64.b64encode(f"alice:{auth_registry.password}".encode()).decode()
    (docker_dir / "config.json").write_text(json.dumps({"auths": {auth_registry.host: {"auth": token}}}))
    assert main(["digest", ref, "--sources-path", sources, "--docker-config-json-path", str(docker_dir)]) == 0
    assert capsys.readouterr().out.startswith(f"{ref}@sha256:")


def test_push_user_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wasm = module_file(tmp_path, b"errs")
    assert main(["push", str(tmp_path / "missing.wasm"), "registry://127.0.0.1:1/x/y:v1"]) == 1
    assert capsys.readouterr().err.startswith("error: ")
    assert main(["push", str(wasm), "not a reference"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
