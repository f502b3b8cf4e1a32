"""Every output format is parsed back: JUnit XML by junitparser, TAP 13, JSON, GitHub annotations."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml, Skipped
from suitetest import DEMO

from workbench.core import CaseResult, CaseStatus, OutputFormat, SuiteRun, format_run, load_suite, run_suites


def _result(case_id: str, status: CaseStatus, **kw: object) -> CaseResult:
    base = {
        "suite": DEMO / "demo.suite.yaml",
        "case_id": case_id,
        "policy_id": "p",
        "line": 12,
        "status": status,
        "expected": "allowed",
        "got": "allowed"
        if status is CaseStatus.PASSED
        else ("rejected" if status is CaseStatus.FAILED else ""),
        "message": "",
        "reason": ""
        if status is CaseStatus.PASSED
        else ("expected allowed, got rejected: no" if status is CaseStatus.FAILED else "cancelled"),
        "elapsed_s": 0.0012,
    }
    base.update(kw)
    return CaseResult(**base)  # type: ignore[arg-type]


RUN = SuiteRun(
    [
        _result("ok-case", CaseStatus.PASSED, message="fine"),
        _result(
            'bad <case> & "quotes"',
            CaseStatus.FAILED,
            message="no\x01control\nnewline",
            diff=('/spec/x: expected "a", got "b"',),
        ),
        _result("later", CaseStatus.CANCELLED),
        _result("a # hash", CaseStatus.FAILED, line=40, reason="100% wrong, really: yes"),
    ],
    elapsed_s=0.5,
    cancelled=True,
    workers=2,
)


def test_junit_is_accepted_by_a_real_parser() -> None:
    xml = JUnitXml.fromstring(format_run(RUN, OutputFormat.JUNIT).encode())
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    assert suite.tests == 4 and suite.failures == 2 and suite.skipped == 1
    cases = {c.name: c for c in suite}
    assert set(cases) == {"ok-case [p]", 'bad <case> & "quotes" [p]', "later [p]", "a # hash [p]"}
    assert cases["ok-case [p]"].is_passed
    bad = cases['bad <case> & "quotes" [p]']
    (failure,) = bad.result
    assert isinstance(failure, Failure) and failure.message == "expected allowed, got rejected: no"
    assert '/spec/x: expected "a", got "b"' in (failure.text or "")
    assert "\\x01control" in (bad.system_out or "")
    assert isinstance(cases["later [p]"].result[0], Skipped)
    from xml.etree import ElementTree as ET

    lines = {c.get("name"): c.get("line") for c in ET.fromstring(format_run(RUN, "junit")).iter("testcase")}
    assert lines["a # hash [p]"] == "40" and lines["ok-case [p]"] == "12"


def test_tap13_parses_back() -> None:
    text = format_run(RUN, "tap")
    lines = text.splitlines()
    assert lines[0] == "TAP version 13" and lines[1] == "1..4"
    tests = [
        (m.group(1), int(m.group(2)), m.group(3))
        for m in re.finditer(r"^(ok|not ok) (\d+) - (.*)$", text, re.M)
    ]
    assert [t[:2] for t in tests] == [("ok", 1), ("not ok", 2), ("ok", 3), ("not ok", 4)]
    assert tests[2][2].endswith("# SKIP cancelled") and "\\#" in tests[3][2]
    # every YAML diagnostic block is valid YAML with the failure's fields
    import yaml

    blocks = re.findall(r"^  ---\n(.*?)^  \.\.\.$", text, re.S | re.M)
    assert len(blocks) == 2
    first = yaml.safe_load("\n".join(line[2:] for line in blocks[0].splitlines()))
    assert first["severity"] == "fail" and first["expected"] == "allowed" and first["got"] == "rejected"
    assert first["diff"] == ['/spec/x: expected "a", got "b"']


def test_json_round_trips() -> None:
    doc = json.loads(format_run(RUN, "json"))
    assert (doc["passed"], doc["failed"], doc["cancelled"], doc["workers"]) == (1, 2, True, 2)
    assert [r["status"] for r in doc["results"]] == ["passed", "failed", "cancelled", "failed"]
    assert doc["results"][1]["diff"] == ['/spec/x: expected "a", got "b"']


def test_github_annotations() -> None:
    text = format_run(RUN, "github")
    errors = [line for line in text.splitlines() if line.startswith("::error ")]
    assert len(errors) == 2
    match = re.match(r"^::error file=([^,]+),line=(\d+),title=([^:]+)::(.*)$", errors[1])
    assert match is not None
    assert match.group(1).endswith("demo.suite.yaml") and match.group(2) == "40"
    assert match.group(4) == "100%25 wrong, really: yes"  # % escaped in the message
    assert "%0A" in errors[0]  # the diff joins on an escaped newline
    assert text.splitlines()[-1].startswith("::notice ")


def test_table_shows_expected_got_and_the_diff() -> None:
    text = format_run(RUN, "table")
    assert "ok  ok-case" in text and "FAIL" in text and "failures:" in text
    assert "diff (expected -> got):" in text and '/spec/x: expected "a", got "b"' in text
    assert "1 passed, 2 failed, 1 not run (cancelled)" in text
    with pytest.raises(ValueError):
        format_run(RUN, "xml")


def test_a_real_run_in_every_format(tmp_path: Path) -> None:
    run = run_suites([load_suite(DEMO / "demo.suite.yaml")], workers=1)
    for fmt in OutputFormat:
        assert format_run(run, fmt)
    xml = JUnitXml.fromstring(format_run(run, "junit").encode())
    assert sum(s.tests for s in xml) == len(run.results) and all(s.failures == 0 for s in xml)
