"""``save`` / ``load`` round trip through the real test registry and two stores (kwctl's air-gap flow)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from core.oci.wasmgen import METADATA, module
from oci.registry import Registry

from workbench.cli.main import main

pytestmark = [pytest.mark.registry, pytest.mark.usefixtures("isolated_env")]


def test_air_gap_round_trip_through_the_registry(
    plain_registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = str(plain_registry.sources_yaml(tmp_path))
    wasm = tmp_path / "policy.wasm"
    wasm.write_bytes(module(metadata=METADATA, seed=b"airgap"))
    pushed_sha = hashlib.sha256(wasm.read_bytes()).hexdigest()
    ref = plain_registry.ref("airgap/policy", "v1")
    assert main(["push", str(wasm), ref, "--sources-path", sources]) == 0

    connected, isolated = tmp_path / "connected", tmp_path / "isolated"
    assert main(["pull", ref, "--sources-path", sources, "--store", str(connected)]) == 0
    digest_before = _digest(ref, sources, capsys)
    tarball = tmp_path / "policies.tar.gz"
    capsys.readouterr()
    assert main(["save", ref, "-o", str(tarball), "--store", str(connected)]) == 0
    assert f"saved {ref}" in capsys.readouterr().err

    # the other side: nothing but the tarball
    assert main(["load", "--input", str(tarball), "--store", str(isolated)]) == 0
    assert f"loaded {ref} ({pushed_sha[:12]}" in capsys.readouterr().err
    stored = isolated / "registry" / plain_registry.host / "airgap" / "policy:v1"
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == pushed_sha
    assert main(["policies", "--store", str(isolated)]) == 0
    assert ref in capsys.readouterr().out

    # and back into a registry from the isolated store: same manifest digest
    ref2 = plain_registry.ref("airgap/policy-copy", "v1")
    assert main(["push", str(stored), ref2, "--sources-path", sources]) == 0
    assert _digest(ref2, sources, capsys).split("@")[-1] == digest_before.split("@")[-1]


def _digest(ref: str, sources: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["digest", ref, "--sources-path", sources]) == 0
    return capsys.readouterr().out.strip()


def test_save_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["save", "registry://ghcr.io/kubewarden/never:v1", "-o", str(tmp_path / "x.tar.gz")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: cannot save registry://ghcr.io/kubewarden/never:v1: ")
    assert not (tmp_path / "x.tar.gz").exists()
