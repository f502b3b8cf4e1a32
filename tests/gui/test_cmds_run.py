"""Running from the window through the core suite runner: judgement, scope, failures, Save as Case,
a 1,000-case suite with the UI responsive (issue 14, defects 7 and 8)."""

from __future__ import annotations

import gc
import time
from typing import Any

from gui.gui_helpers import open_demo, open_module, run, run_all, select
from helpers import REPO_ROOT
from PySide6.QtCore import QTimer

from workbench.gui import cmds_open
from workbench.gui.mainwindow import MainWindow
from workbench.gui.workspace import WsCase

DEMO = REPO_ROOT / "resources" / "demo"


def test_the_expectation_needs_the_message_too(qtbot: Any, window: MainWindow) -> None:
    """Defect 7: the expectation passed on the verdict alone when the message showed another reason,
    and kept judging a request the user had replaced."""
    open_demo(qtbot, window, DEMO)
    select(qtbot, window, "require-labels", "pod without owner label")
    assert window.current_case is not None and window.current_case.message
    assert run(qtbot, window).passed
    # rejected for another reason: the verdict matches, the message does not
    window.settings_editor.set_text("required_labels: [cost-center]\n", "yaml", clean=False)
    record = run(qtbot, window)
    assert record.verdict == "rejected" and record.passed is False
    assert "message" in record.reason and "missing required labels: owner" in record.reason
    assert "✖" in window.banner.text.text()
    # a replaced request: the judged result is stale at once, never shown as the new request's
    window.request_editor.set_text(window.request_editor.text().replace("Pod", "Pod "), "json", clean=False)
    window.request_editor.reparse()
    assert window.result_view.stale


def test_scope_decision_is_shown(qtbot: Any, window: MainWindow) -> None:
    """Defect 8: a request outside the policy's rules was simply ACCEPTED."""
    open_demo(qtbot, window, DEMO)
    select(qtbot, window, "set-image-pull-policy", "delete a pod (the rules cover CREATE and UPDATE only)")
    record = run(qtbot, window)
    assert record.verdict == "skipped" and record.passed
    assert window.result_view.verdict.text() == "– SKIPPED"
    scope = record.decision[0]
    assert scope.title.startswith("Scope") and scope.status == "skipped" and "DELETE" in scope.detail
    assert window.result_view.current_page == "Decision path"
    assert "would not send this request" in window.result_view.decision.toPlainText()
    window.scope_action.trigger()  # Run ▸ Check Scope off: kwctl's behaviour, the policy runs
    record = run(qtbot, window)
    assert record.verdict != "skipped" and record.decision[0].title == "Settings validation"


def test_decision_path_of_a_mutation_and_a_settings_error(qtbot: Any, window: MainWindow) -> None:
    open_demo(qtbot, window, DEMO)
    select(qtbot, window, "set-image-pull-policy", "pod without pull policy")
    record = run(qtbot, window)
    assert record.verdict == "mutated" and record.passed
    titles = [s.title for s in record.decision]
    assert titles[0].startswith("Scope") and titles[1] == "Settings validation"
    assert titles[2].startswith("Evaluation (kubewarden-wapc)") and titles[3] == "Post-processing"
    assert "returned a mutated object" in record.decision[2].detail
    select(qtbot, window, "require-labels", "empty required_labels")
    record = run(qtbot, window)
    assert record.verdict == "settings-error" and record.passed
    assert record.decision[-1].title == "Settings validation" and record.decision[-1].status == "failed"


def test_failures_listed_expected_vs_got(qtbot: Any, window: MainWindow) -> None:
    open_demo(qtbot, window, DEMO)
    policy = window.workspace.policy("require-labels")
    assert policy is not None
    policy.case_named("labelled pod").expect = "rejected"  # type: ignore[union-attr]
    records = run_all(qtbot, window)
    failed = [r for r in records if r.passed is False]
    assert [r.case_name for r in failed] == ["labelled pod"]
    assert "expected rejected" in failed[0].reason
    assert "1 failed" in window.banner.text.text()
    assert "✖ Require labels ← labelled pod: expected rejected" in window.banner.details.toPlainText()


def test_save_as_case_from_a_scratch_run(qtbot: Any, window: MainWindow) -> None:
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    window.request_editor.set_text(
        (DEMO / "requests/pod-missing-labels.json").read_text(), "json", clean=False
    )
    window.settings_editor.set_text("required_labels: [owner]\n", "yaml", clean=False)
    record = run(qtbot, window)
    assert record.verdict == "rejected" and record.passed is None  # a scratch case expects nothing
    case = cmds_open.save_result_as_case(window, record, name="no owner")
    assert isinstance(case, WsCase) and case.expect == "rejected"
    assert case.message is not None and "owner" in case.message
    record = run(qtbot, window)
    assert record.passed, record.reason  # the saved expectation (a regular expression) matches


def test_ui_heartbeat_while_a_1000_case_suite_runs(qtbot: Any, window: MainWindow) -> None:
    open_demo(qtbot, window, DEMO)
    policy = window.workspace.policy("require-labels")
    assert policy is not None
    template = policy.case_named("labelled pod")
    assert template is not None
    others = [p for p in window.workspace.policies if p is not policy]
    for other in others:
        window.workspace.policies.remove(other)
    policy.cases[:] = [
        WsCase(name=f"case {i}", request_text=template.request_text, expect="allowed") for i in range(1000)
    ]
    window.tree.rebuild()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(beat)
    # earlier tests of this process leave their windows' objects behind; they are not this window's
    # work, so the collector must not walk them again and again while the heartbeat is measured
    gc.collect()
    gc.freeze()
    qtbot.wait(50)
    timer.start()
    last[0] = started = time.perf_counter()
    try:
        records = run_all(qtbot, window, timeout=300000)
    finally:
        gc.unfreeze()
    elapsed = time.perf_counter() - started
    timer.stop()
    assert len(records) == 1000 and all(r.passed for r in records)
    worst = max(gaps) * 1000  # from the click on: building the suite must not stall either
    print(
        f"\nheartbeat during a 1,000-case suite ({elapsed:.1f} s): {len(gaps)} beats, max gap {worst:.1f} ms"
    )
    assert worst < 100, f"the GUI thread stalled for {worst:.1f} ms"
    assert "1000 passed" in window.tree.summary.text()
