"""The suite vocabulary: expectations and verdicts, results as dicts, run totals."""

from __future__ import annotations

from pathlib import Path

from workbench.core import CaseResult, CaseStatus, Expectation, SuiteRun
from workbench.core.session import Verdict


def test_expectations_map_to_verdicts_and_back() -> None:
    assert Expectation.parse("accepted") is Expectation.ALLOWED
    for exp in Expectation:
        assert Expectation.of(exp.verdict) is exp
    assert Expectation.ALLOWED.verdict is Verdict.ACCEPTED
    assert {e.verdict for e in Expectation} == set(Verdict)


def test_results_and_totals() -> None:
    def result(status: CaseStatus) -> CaseResult:
        return CaseResult(
            Path("s.suite.yaml"),
            "c",
            "p",
            3,
            status,
            "allowed",
            "allowed",
            "",
            "",
            0.1,
            ("t",),
            violations=("v",),
        )

    run = SuiteRun([result(CaseStatus.PASSED), result(CaseStatus.FAILED), result(CaseStatus.CANCELLED)], 1.0)
    assert (run.passed, run.failed, run.ok) == (1, 1, False)
    data = run.results[0].to_dict()
    assert data["suite"] == "s.suite.yaml" and data["status"] == "passed" and data["tags"] == ["t"]
    assert data["violations"] == ["v"] and run.results[0].name == "c [p]"
    assert SuiteRun([result(CaseStatus.PASSED)], 0.1).ok
