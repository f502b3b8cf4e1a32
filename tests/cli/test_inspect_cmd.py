from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli.main import main

KEYS = {"path", "sha256", "size", "kind", "abi", "imports", "exports", "custom_sections", "metadata", "warnings"}


def test_inspect_json_on_every_fixture(fixtures_dir: Path, manifest: dict, capsys: pytest.CaptureFixture) -> None:
    for entry in manifest["modules"]:
        assert main(["inspect", str(fixtures_dir / entry["name"]), "-o", "json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert set(report) >= KEYS, entry["name"]
        assert report["size"] == entry["size"]
        if entry["opa_abi_version"]:
            assert f"{report['abi']['major']}.{report['abi']['minor']}" == entry["opa_abi_version"]
            assert report["opa"]["entrypoints"] == entry["entrypoints"]
            assert report["opa"]["required_builtins"] == sorted(entry["required_host_builtins"])
            assert report["opa"]["missing_builtins"] == []


def test_inspect_yaml_and_pretty(fixtures_dir: Path, capsys: pytest.CaptureFixture) -> None:
    path = fixtures_dir / "policies/gk-container-limits-annotated.wasm"
    assert main(["inspect", str(path), "-o", "yaml"]) == 0
    assert "sha256:" in capsys.readouterr().out
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "execution mode: gatekeeper" in out
    assert "OPA ABI:         1.3" in out
    assert "k8scontainerlimitsexist/violation (id 0)" in out


def test_user_errors_print_error_line_without_traceback(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.wasm"
    garbage.write_bytes(b"\x00\x01\x02 not wasm at all")
    for args in (["inspect", str(garbage)], ["inspect", str(tmp_path / "missing.wasm")]):
        result = subprocess.run(
            [sys.executable, "-m", "workbench", *args], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 1
        assert result.stderr.startswith("error: ")
        assert "Traceback" not in result.stderr
    assert "wrong magic" in subprocess.run(
        [sys.executable, "-m", "workbench", "inspect", str(garbage)], capture_output=True, text=True, timeout=60
    ).stderr


def test_version() -> None:
    result = subprocess.run([sys.executable, "-m", "workbench", "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("policy-workbench ")


def test_short_references_are_references_not_missing_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Issue 11: `inspect kubewarden/safe-labels` said the file does not exist, while the core
    parses it as docker.io/kubewarden/safe-labels:latest. Offline, the error must be about the
    registry (a store lookup or a pull), never "does not exist"."""
    monkeypatch.setenv("POLICY_WORKBENCH_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # any pull attempt fails fast on loopback
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.chdir(tmp_path)
    assert main(["inspect", "kubewarden/safe-labels"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "does not exist" not in err


@pytest.mark.registry
def test_every_policy_verb_accepts_short_references(
    plain_registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """The same forms everywhere: `host:port/repo:tag` without registry:// works for inspect and run."""
    from helpers import REPO_ROOT

    monkeypatch.setenv("POLICY_WORKBENCH_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-empty"))
    sources = str(plain_registry.sources_yaml(tmp_path))
    wasm = REPO_ROOT / "resources/demo/policies/require-labels/policy.wasm"
    assert main(["push", str(wasm), plain_registry.ref("policies/labels", "v1"), "--sources-path", sources]) == 0
    capsys.readouterr()
    short = f"{plain_registry.host}/policies/labels:v1"
    assert main(["inspect", short, "--sources-path", sources, "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "kubewarden-wapc"
    request = REPO_ROOT / "resources/demo/requests/pod-compliant.json"
    settings = REPO_ROOT / "resources/demo/settings/require-labels.yml"
    assert main(["run", short, "-r", str(request), "-s", str(settings), "--sources-path", sources]) == 0
    assert json.loads(capsys.readouterr().out)["allowed"] is True
