"""The Result view: verdicts, pages that never clip, the stale bar, the structural diff and Save as Case."""

from __future__ import annotations

import base64
import json
from typing import Any

from workbench.core import AdmissionResponse, ValidationOutcome
from workbench.gui.errors import ErrorInfo
from workbench.gui.resultview import DecisionStep, ResultView, RunRecord, decision_html

POD = {"metadata": {"name": "web", "labels": {"a": "1"}}, "spec": {"containers": [{"image": "x:1"}]}}


def _patch(ops: list[dict[str, Any]]) -> str:
    return base64.b64encode(json.dumps(ops).encode()).decode()


def _record(response: AdmissionResponse, n: int = 1, **fields: Any) -> RunRecord:
    return RunRecord(
        n,
        "p",
        "CREATE Pod",
        {"object": POD},
        POD,
        {},
        outcome=ValidationOutcome(response, elapsed_s=0.0042),
        **fields,
    )


def test_verdicts_summary_and_pages(qtbot: Any) -> None:
    view = ResultView()
    qtbot.addWidget(view)
    assert view.verdict.text() == "No run yet" and not view.save_case_button.isEnabled()
    rejected = AdmissionResponse(
        "u",
        False,
        status={"message": "privileged containers are not allowed", "code": 403},
        audit_annotations={"policy": "pod-privileged"},
        warnings=["check the pod"],
    )
    view.show_record(
        _record(rejected, expect="rejected", passed=True, reason="expected rejected, got rejected")
    )
    assert view.verdict.text() == "✖ REJECTED"
    assert view.message.text() == "privileged containers are not allowed"
    assert view.code.text() == "403" and view.warnings.text() == "check the pod"
    assert view.annotations.item(0, 0).text() == "policy"
    assert json.loads(view.raw.toPlainText()) == rejected.to_dict()
    assert "4.2 ms evaluation" in view.elapsed.text()
    assert "expected rejected, got rejected" in view.expectation.text() and view.save_case_button.isEnabled()
    disabled = [
        view.pages.item(i).text()
        for i in range(view.pages.count())
        if not view.pages.item(i).flags() & view.pages.item(i).flags().ItemIsEnabled
    ]
    assert "Mutation diff" in disabled and "OPA result set" in disabled

    ops = [{"op": "add", "path": "/metadata/labels/b", "value": "2"}]
    mutated = AdmissionResponse("u", True, patch_type="JSONPatch", patch=_patch(ops))
    view.show_record(_record(mutated, 2))
    assert view.verdict.text() == "✔ MUTATED"
    assert view.current_page == "Mutation diff"
    assert [(r.path, r.kind) for r in view.diff.rows] == [("/metadata/labels/b", "added")]
    assert json.loads(view.patch.toPlainText()) == ops

    error = RunRecord(
        3, "p", "req", {}, None, {}, error=ErrorInfo("Run failed", "wasm trap: unreachable", "details")
    )
    view.show_record(error)
    assert view.verdict.text() == "⚠ ERROR" and view.message.text() == "wasm trap: unreachable"
    assert view.details.toPlainText() == "details"


def test_page_list_is_as_wide_as_its_longest_name(qtbot: Any) -> None:
    view = ResultView()
    qtbot.addWidget(view)
    widest = max(view.pages.fontMetrics().horizontalAdvance(name) for name in view.PAGES)
    assert view.pages.width() >= widest + 8  # a vertical list: no page name is ever clipped


def test_stale_bar_and_clear(qtbot: Any) -> None:
    view = ResultView()
    qtbot.addWidget(view)
    view.show()
    view.show_record(_record(AdmissionResponse("u", True)), stale=True)
    assert view.stale and view.stale_label.isVisible() and "Stale" in view.stale_label.text()
    view.set_stale(False)
    assert view.stale_label.isHidden()
    view.clear("No run yet for this case")
    assert view.current is None and view.verdict.text() == "No run yet for this case"


def test_opa_result_set_and_decision_path(qtbot: Any) -> None:
    view = ResultView()
    qtbot.addWidget(view)
    outcome = ValidationOutcome(AdmissionResponse("u", True), policy_output=[{"result": {"allowed": True}}])
    steps = (
        DecisionStep("Scope", "ok", "the request reaches the policy"),
        DecisionStep("Evaluation (opa)", "ok", "verdict accepted", ("[info] hello <b>",)),
    )
    view.show_record(RunRecord(1, "p", "r", {}, None, {}, outcome=outcome, decision=steps))
    assert json.loads(view.result_set.toPlainText()) == [{"result": {"allowed": True}}]
    view.show_page("Decision path")
    text = view.decision.toPlainText()
    assert "1. Scope" in text and "2. Evaluation (opa)" in text and "[info] hello <b>" in text
    assert "<b>" not in decision_html(()) and "&lt;b&gt;" in decision_html(steps)


def test_save_as_case_signal(qtbot: Any) -> None:
    view = ResultView()
    qtbot.addWidget(view)
    record = _record(AdmissionResponse("u", True))
    view.show_record(record)
    with qtbot.waitSignal(view.save_as_case_requested) as blocker:
        view.save_case_button.click()
    assert blocker.args[0] is record
