"""``policy-workbench bench``: in-process timing of the ``run`` pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli.main import main


def test_bench_json_report(fixtures_dir: Path, capsys: pytest.CaptureFixture) -> None:
    module = fixtures_dir / "policies/gk-container-limits-annotated.wasm"
    request = fixtures_dir / "requests/pod-without-resources.json"
    assert (
        main(["bench", str(module), "-r", str(request), "--iterations", "25", "--warmup", "2", "-o", "json"])
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert {"iterations", "min_us", "median_us", "max_us", "evals_per_s"} <= set(report)
    assert report["iterations"] == 25
    assert 0 < report["min_us"] <= report["median_us"] <= report["max_us"]
    assert report["evals_per_s"] > 0
    assert report["allowed"] is False
    assert report["execution_mode"] == "gatekeeper"


def test_bench_pretty_with_mode_and_settings(fixtures_dir: Path, capsys: pytest.CaptureFixture) -> None:
    module = fixtures_dir / "policies/opa-no-default-namespace.wasm"
    request = fixtures_dir / "requests/namespace-valid.json"
    args = ["bench", str(module), "-r", str(request), "-e", "opa", "--settings-json", "{}", "-n", "10"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "iterations:  10" in out
    assert "median:" in out and "evals/s:" in out
    assert "allowed=True" in out


def test_bench_rejects_zero_iterations(fixtures_dir: Path, capsys: pytest.CaptureFixture) -> None:
    module = fixtures_dir / "policies/gk-always-happy.wasm"
    request = fixtures_dir / "requests/pod-privileged.json"
    assert main(["bench", str(module), "-r", str(request), "-e", "gatekeeper", "-n", "0"]) == 1
    assert "--iterations must be at least 1" in capsys.readouterr().err


def test_bench_runs_rego_source(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Issue 11: `bench x.rego` was advertised but failed with "not a wasm module"."""
    from helpers import REPO_ROOT

    rego = tmp_path / "policy.rego"
    rego.write_text('package policy\nimport rego.v1\nviolation contains {"msg": "always"} if true\n')
    request = REPO_ROOT / "resources/demo/requests/pod-compliant.json"
    assert main(["bench", str(rego), "-r", str(request), "-e", "gatekeeper", "-n", "5", "-o", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["iterations"] == 5 and report["allowed"] is False
    assert report["execution_mode"] == "gatekeeper" and report["engine"] == "Rego source (interpreter)"
