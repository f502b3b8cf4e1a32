"""Every policy × case of the bundled demo workspace (resources/demo/demo.suite.yaml), run in the window:
the WebAssembly policies and the two Rego-source policies alike."""

from __future__ import annotations

from typing import Any

import pytest
from gui.gui_helpers import open_demo, run, run_all, select
from helpers import REPO_ROOT, in_ci

from workbench.core.demo import load_demo
from workbench.gui.mainwindow import MainWindow
from workbench.gui.workspace import CaseStatus
from workbench.gui.workspacetree import case_status

DEMO_DIR = REPO_ROOT / "resources" / "demo"


@pytest.fixture(scope="module")
def demo() -> Any:
    if not (DEMO_DIR / "demo.suite.yaml").is_file():
        message = f"the demo workspace is missing ({DEMO_DIR / 'demo.suite.yaml'})"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return load_demo(DEMO_DIR)


def test_every_demo_case_passes_in_the_window(qtbot: Any, window: MainWindow, demo: Any) -> None:
    open_demo(qtbot, window, DEMO_DIR)
    assert [p.id for p in window.workspace.policies] == [p.id for p in demo.policies]
    records = run_all(qtbot, window)
    assert len(records) == sum(len(p.cases) for p in demo.policies)
    expected = {(p.title, c.name): c.expect for p in demo.policies for c in p.cases}
    for record in records:
        want = expected[(record.policy, record.case_name)]
        assert record.verdict == want, record.reason
        assert record.passed, record.reason
    statuses = {case_status(c, None) for p in window.workspace.policies for c in p.cases}
    assert statuses == {CaseStatus.PASSED, CaseStatus.SKIPPED}  # the demo has cases outside a policy's scope
    skipped = sum(1 for r in records if r.verdict == "skipped")
    assert f"{len(records) - skipped} passed · {skipped} skipped" in window.tree.summary.text()


def test_rego_source_policy_opens_as_the_main_policy(qtbot: Any, window: MainWindow, demo: Any) -> None:
    open_demo(qtbot, window, DEMO_DIR)
    select(qtbot, window, "namespace-guard", "pod in the default namespace")
    assert window.loaded is not None and window.loaded.is_rego
    assert window.module_pane.rego_box.isVisibleTo(window.module_pane)
    assert "package" in window.module_pane.rego.toPlainText()
    assert window.module_pane.rego.language == "rego"
    assert window.module_pane.engine.text().startswith("Rego source")
    record = run(qtbot, window)
    assert record.verdict == "rejected" and record.passed
    assert "namespace default is reserved" in window.result_view.message.text()
    steps = [s.title for s in record.decision]
    assert "Settings validation" in steps and any(s.startswith("Evaluation (Rego source") for s in steps)
