"""``policy-workbench test``: exit codes, formats, selection, --update review and --against."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from junitparser import JUnitXml
from suitetest import DEMO, GATOR, POD, REQUIRE_LABELS, wapc_policy, write_suite

from workbench.cli.main import main


def test_the_demo_suite_passes(capsys: pytest.CaptureFixture) -> None:
    assert main(["test", str(DEMO), "-j", "1"]) == 0
    out = capsys.readouterr().out
    assert "0 failed" in out and "FAIL" not in out
    for kind in ("allowed", "rejected", "mutated", "skipped", "settings-error", "error"):
        assert f" {kind} " in out


def test_the_demo_suite_in_parallel_as_junit(capsys: pytest.CaptureFixture) -> None:
    assert main(["test", str(DEMO / "demo.suite.yaml"), "-j", "2", "-o", "junit"]) == 0
    xml = JUnitXml.fromstring(capsys.readouterr().out.encode())
    assert sum(s.tests for s in xml) >= 19 and sum(s.failures for s in xml) == 0


@pytest.fixture
def failing(tmp_path: Path) -> Path:
    (tmp_path / "pod.yaml").write_text(yaml.safe_dump(POD))
    return write_suite(
        tmp_path,
        """\
        policies:
          labels:
            module: {demo}/policies/require-labels/policy.wasm
            settings: {required_labels: [team]}
        cases:
          - id: good
            object: pod.yaml
            expect: rejected
            tags: [t1]
          - id: bad
            object: pod.yaml
            expect: allowed
            tags: [t2]
        """,
    )


def test_a_failing_case_exits_one_with_expected_and_got(failing: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["test", str(failing), "-j", "1"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "expected: allowed" in out and "got:      rejected" in out
    assert f"at {failing}:" in out or "t.suite.yaml:" in out


def test_selection_by_keyword_tag_and_shard(failing: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["test", str(failing), "-k", "good", "-j", "1"]) == 0
    assert main(["test", str(failing), "--tag", "t1", "-j", "1"]) == 0
    assert main(["test", str(failing), "--tag", "t2", "-j", "1"]) == 1
    capsys.readouterr()
    counts = []
    for k in (1, 2):
        main(["test", str(failing), "--shard", f"{k}/2", "-o", "json", "-j", "1"])
        counts.append(len(json.loads(capsys.readouterr().out)["results"]))
    assert sum(counts) == 2


@pytest.mark.parametrize("fmt", ["tap", "github", "json"])
def test_formats_on_the_command_line(failing: Path, fmt: str, capsys: pytest.CaptureFixture) -> None:
    assert main(["test", str(failing), "-o", fmt, "-j", "1"]) == 1
    out = capsys.readouterr().out
    if fmt == "tap":
        assert out.startswith("TAP version 13\n1..2\n") and "not ok 2 - bad [labels]" in out
    elif fmt == "github":
        assert "::error file=" in out and ",line=10," in out
    else:
        assert json.loads(out)["failed"] == 1


def test_unreadable_suites_exit_two_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    bad = write_suite(
        tmp_path,
        "policies: {p: {module: " + str(REQUIRE_LABELS) + "}}\ncases:\n  - id: a\n    expekt: allowed\n",
    )
    assert main(["test", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and f"{bad}:" in err and "Traceback" not in err
    assert main(["test", str(tmp_path / "missing.suite.yaml")]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["test", str(empty)]) == 2


def test_update_prints_a_diff_and_writes_only_with_yes(failing: Path, capsys: pytest.CaptureFixture) -> None:
    before = failing.read_text()
    assert main(["test", str(failing), "--update", "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert "-    expect: allowed" in err and "+    expect: rejected" in err and "--update --yes" in err
    assert failing.read_text() == before
    assert main(["test", str(failing), "--update", "--yes", "-j", "1"]) == 0
    assert main(["test", str(failing), "-j", "1"]) == 0
    assert main(["test", str(failing), "--yes"]) == 1  # --yes alone is a usage error
    assert "--yes only goes with --update" in capsys.readouterr().err


def test_against_prints_only_changed_cases(
    failing: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["test", str(failing), "--against", str(REQUIRE_LABELS), "-j", "1"]) == 0
    assert "no case changes" in capsys.readouterr().out
    allow = wapc_policy(tmp_path, "allow", 'respond:{"accepted":true}')
    assert main(["test", str(failing), "--against", str(allow), "--policy", "labels", "-j", "2"]) == 1
    out = capsys.readouterr().out
    assert "before: rejected" in out and "after:  allowed" in out and "2 case(s) change" in out
    assert main(["test", str(failing), "--against", str(allow), "-o", "json", "-j", "1"]) == 1
    changes = json.loads(capsys.readouterr().out)
    assert [c["case"] for c in changes] == ["good", "bad"]
    assert all(c["changes"] == ["verdict", "message"] and c["after"]["verdict"] == "allowed" for c in changes)


def test_a_gator_suite_runs(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = tmp_path / "g"
    shutil.copytree(GATOR, folder)
    assert main(["test", str(folder / "suite.yaml"), "-j", "1"]) == 0
    captured = capsys.readouterr()
    assert "7 passed" in captured.out and "invalid: true" in captured.err


def test_run_check_scope_prints_the_decision(capsys: pytest.CaptureFixture) -> None:
    pull = str(DEMO / "policies" / "set-image-pull-policy" / "policy.wasm")
    assert main(["run", "--check-scope", pull, "-r", str(DEMO / "requests" / "pod-delete.json")]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("scope: skipped: rules: no rule matches")
    assert main(["run", "--check-scope", pull, "-r", str(DEMO / "requests" / "pod-needs-pull-policy.json")]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["patchType"] == "JSONPatch" and captured.err.startswith("scope: matched")
