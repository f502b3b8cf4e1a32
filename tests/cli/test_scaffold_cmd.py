"""``scaffold metadata``, ``scaffold manifest`` and ``scaffold admission-request`` (the GUI's export and wrap, on the CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from workbench.cli.main import main
from workbench.core.scaffold.admission_request import SCAFFOLD_UID


def test_manifest_cluster_admission_policy(
    fixtures_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    module = fixtures_dir / "policies/kw-safe-labels-annotated.wasm"
    settings = tmp_path / "settings.yml"
    settings.write_text("denied_labels: [owner]\n")
    code = main(["scaffold", "manifest", "-t", "ClusterAdmissionPolicy", str(module), "-s", str(settings)])
    assert code == 0
    doc = yaml.safe_load(capsys.readouterr().out)
    assert doc["kind"] == "ClusterAdmissionPolicy" and doc["apiVersion"] == "policies.kubewarden.io/v1"
    assert doc["metadata"]["name"] == "safe-labels"
    assert doc["spec"]["module"] == f"file://{module.resolve()}"
    assert doc["spec"]["settings"] == {"denied_labels": ["owner"]}


def test_manifest_title_and_errors(fixtures_dir: Path, capsys: pytest.CaptureFixture) -> None:
    module = str(fixtures_dir / "policies/kw-safe-labels-annotated.wasm")
    assert (
        main(
            [
                "scaffold",
                "manifest",
                "-t",
                "AdmissionPolicy",
                module,
                "--title",
                "labels",
                "--settings-json",
                "{}",
            ]
        )
        == 0
    )
    assert yaml.safe_load(capsys.readouterr().out)["metadata"]["name"] == "labels"
    assert main(["scaffold", "manifest", "-t", "AdmissionPolicy", module, "--title", "Bad_Name"]) == 1
    assert "invalid policy name 'Bad_Name'" in capsys.readouterr().err
    unannotated = str(fixtures_dir / "policies/kw-js-demo-wasi.wasm")
    assert main(["scaffold", "manifest", "-t", "AdmissionPolicy", unannotated]) == 1
    assert "not annotated" in capsys.readouterr().err


def test_admission_request_create_update_delete(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    new = tmp_path / "pod.yml"
    new.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {a: b}}\n")
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}}))
    assert main(["scaffold", "admission-request", "-o", "CREATE", "--object", str(new)]) == 0
    created = json.loads(capsys.readouterr().out)
    assert (
        created["uid"] == SCAFFOLD_UID
        and created["operation"] == "CREATE"
        and created["namespace"] == "default"
    )
    assert (
        main(
            ["scaffold", "admission-request", "-o", "UPDATE", "--object", str(new), "--old-object", str(old)]
        )
        == 0
    )
    updated = json.loads(capsys.readouterr().out)
    assert updated["oldObject"]["metadata"] == {"name": "web"}
    assert main(["scaffold", "admission-request", "-o", "DELETE", "--object", str(new), "--review"]) == 0
    review = json.loads(capsys.readouterr().out)
    assert review["kind"] == "AdmissionReview" and "object" not in review["request"]
    assert main(["scaffold", "admission-request", "-o", "UPDATE", "--object", str(new)]) == 1
    assert "needs the old object" in capsys.readouterr().err


def test_admission_request_unknown_kind_warns(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    obj = tmp_path / "cr.yml"
    obj.write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")
    assert main(["scaffold", "admission-request", "-o", "CREATE", "--object", str(obj)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["resource"]["resource"] == "widgets"
    assert "not a built-in Kubernetes kind" in captured.err


@pytest.mark.registry
def test_manifest_of_a_registry_reference_keeps_the_reference(
    fixtures_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oci.registry import start_registry

    from workbench.core.oci.client import RegistryClient
    from workbench.core.oci.credentials import DockerConfig
    from workbench.core.oci.sources import load_sources

    monkeypatch.setenv("POLICY_WORKBENCH_STORE", str(tmp_path / "store"))
    registry = start_registry("plain", tmp_path / "registry")
    try:
        sources = registry.sources_yaml(tmp_path)
        with RegistryClient(sources=load_sources(sources), docker_config=DockerConfig()) as client:
            client.push(
                (fixtures_dir / "policies/kw-safe-labels-annotated.wasm").read_bytes(),
                registry.ref("p/labels", "v2"),
            )
        bare = f"{registry.host}/p/labels:v2"
        code = main(
            ["scaffold", "manifest", "-t", "ClusterAdmissionPolicy", bare, "--sources-path", str(sources)]
        )
        assert code == 0, capsys.readouterr().err
        doc = yaml.safe_load(capsys.readouterr().out)
        assert doc["spec"]["module"] == f"registry://{bare}"
    finally:
        registry.stop()


def test_metadata_prints_a_loadable_metadata_yml(fixtures_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from workbench.core.metadata import parse_metadata_text

    module = fixtures_dir / "policies/gk-always-happy.wasm"
    assert main(["scaffold", "metadata", str(module)]) == 0
    out = capsys.readouterr().out
    md = parse_metadata_text(out)
    assert md.execution_mode == "gatekeeper" and md.title == "gk-always-happy"
    # it annotates the module as is
    target = tmp_path / "metadata.yml"
    target.write_text(out)
    assert main(["annotate", str(module), "-m", str(target), "-o", str(tmp_path / "annotated.wasm")]) == 0
    capsys.readouterr()
    assert main(["scaffold", "metadata", str(tmp_path / "missing.wasm")]) == 1
    assert capsys.readouterr().err == f"error: module {tmp_path / 'missing.wasm'} does not exist\n"
