"""``policy-workbench demo``: the headless verdict table of the bundled (or a copied) demo."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import REPO_ROOT

from workbench.cli.main import main

DEMO = REPO_ROOT / "resources" / "demo"


def _copy_demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(
        DEMO, root, ignore=shutil.ignore_patterns("node_modules", "build", "*.ts", "package*.json")
    )
    return root


def test_bundled_demo_every_verdict_as_documented(capsys: pytest.CaptureFixture) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"Policy Workbench demo ({DEMO})"
    summary = lines[-1]
    done, total = summary.split(" verdicts")[0].split(" of ")
    assert done == total and int(total) >= 10
    assert "<-- expected" not in out
    assert "missing required labels: owner" in out
    for verdict in ("accepted", "rejected"):
        assert verdict in out


def test_a_changed_expectation_is_flagged_and_exits_one(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    root = _copy_demo(tmp_path)
    manifest = root / "demo.suite.yaml"
    text = manifest.read_text()
    marker = "request: requests/pod-missing-labels.json\n    expect: rejected"
    assert marker in text
    manifest.write_text(
        text.replace(marker, "request: requests/pod-missing-labels.json\n    expect: allowed", 1)
    )
    assert main(["demo", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "<-- expected allowed, got rejected" in out
    done, total = out.splitlines()[-1].split(" verdicts")[0].split(" of ")
    assert int(done) == int(total) - 1


@pytest.mark.parametrize("breakage", ["missing-root", "garbage-manifest", "missing-module"])
def test_broken_demo_folders_are_user_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture, breakage: str
) -> None:
    if breakage == "missing-root":
        root = tmp_path / "nowhere"
    else:
        root = _copy_demo(tmp_path)
        if breakage == "garbage-manifest":
            (root / "demo.suite.yaml").write_text("policies: [\n")
        else:
            (root / "policies/require-labels/policy.wasm").unlink()
    code = main(["demo", "--root", str(root)])
    out, err = capsys.readouterr()
    assert code == 1, (out, err)
    assert err.startswith("error: ") and "Traceback" not in err
