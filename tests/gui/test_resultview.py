from __future__ import annotations

import base64
import json
from typing import Any

from workbench.core.engines.base import ValidationOutcome
from workbench.core.engines.response import AdmissionResponse, internal_error
from workbench.gui.errors import ErrorInfo
from workbench.gui.resultview import ResultView, RunRecord, classify, mutation_diff

POD = {"metadata": {"name": "web", "labels": {"a": "1"}}, "spec": {"containers": [{"image": "x:1"}]}}


def _patch(ops: list[dict[str, Any]]) -> str:
    return base64.b64encode(json.dumps(ops).encode()).decode()


def _record(response: AdmissionResponse, n: int = 1) -> RunRecord:
    return RunRecord(
        n, "p", "CREATE Pod", {"object": POD}, POD, {}, outcome=ValidationOutcome(response, elapsed_s=0.0042)
    )


def test_classify() -> None:
    assert classify(ValidationOutcome(AdmissionResponse("u", True)), None) == "accepted"
    assert (
        classify(ValidationOutcome(AdmissionResponse("u", False, status={"message": "no"})), None)
        == "rejected"
    )
    assert classify(ValidationOutcome(internal_error("u", "boom")), None) == "error"
    assert classify(None, ErrorInfo("Run failed", "trap")) == "error"


def test_mutation_diff() -> None:
    ops = [{"op": "add", "path": "/metadata/labels/b", "value": "2"}]
    before, after = mutation_diff(POD, ops)  # type: ignore[misc]
    assert json.loads(before) == POD
    assert json.loads(after)["metadata"]["labels"] == {"a": "1", "b": "2"}
    assert mutation_diff(POD, None) is None


def test_verdicts_details_and_history(qtbot: Any) -> None:
    view = ResultView()
    qtbot.addWidget(view)
    assert view.verdict.text() == "No run yet"
    rejected = AdmissionResponse(
        "u",
        False,
        status={"message": "privileged containers are not allowed", "code": 403},
        audit_annotations={"policy": "pod-privileged"},
        warnings=["check the pod"],
    )
    view.add_record(_record(rejected, 1))
    assert view.verdict.text() == "✖ REJECTED"
    assert view.message.text() == "privileged containers are not allowed"
    assert view.code.text() == "403"
    assert view.warnings.text() == "check the pod"
    assert view.annotations.item(0, 0).text() == "policy"
    assert json.loads(view.raw.toPlainText()) == rejected.to_dict()
    assert "4.2 ms evaluation" in view.elapsed.text()

    ops = [{"op": "add", "path": "/metadata/labels/b", "value": "2"}]
    mutated = AdmissionResponse("u", True, patch_type="JSONPatch", patch=_patch(ops))
    view.add_record(_record(mutated, 2))
    assert view.verdict.text() == "✔ ACCEPTED · MUTATED"
    assert view.tabs.currentWidget() is view.diff
    left, right = view.diff.changed_lines
    added = [view.diff.after.document().findBlockByNumber(n).text().strip() for n in right]
    removed = [view.diff.before.document().findBlockByNumber(n).text().strip() for n in left]
    assert removed == ['"a": "1"'] and added == ['"a": "1",', '"b": "2"']
    assert json.loads(view.patch.toPlainText()) == ops

    view.add_record(
        RunRecord(
            3, "p", "req", {}, None, {}, error=ErrorInfo("Run failed", "wasm trap: unreachable", "details")
        )
    )
    assert view.verdict.text() == "⚠ ERROR" and view.message.text() == "wasm trap: unreachable"
    assert view.history.count() == 3
    view.history.setCurrentRow(0)
    assert view.verdict.text() == "✖ REJECTED" and view.current is view.records[0]
    assert "REJECTED" in view.history.item(0).text()
