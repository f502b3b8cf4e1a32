from __future__ import annotations

from typing import Any

from workbench.core.engines.base import LogRecord
from workbench.gui.context import LogBridge
from workbench.gui.logpane import LogModel, LogPane


def _records() -> list[LogRecord]:
    return [
        LogRecord("trace", "entering validate", "policy"),
        LogRecord("info", "checking pod nginx", "policy", {"namespace": "default"}),
        LogRecord("warning", "kubernetes/get_resource Namespace default", "host"),
        LogRecord("error", "run failed", "app"),
    ]


def test_filter_by_level_source_and_text(qtbot: Any) -> None:
    model = LogModel()
    pane = LogPane(model)
    qtbot.addWidget(pane)
    model.append(_records())
    assert len(pane.visible_messages()) == 4
    assert pane.visible_messages()[1] == 'checking pod nginx  {"namespace": "default"}'
    pane.set_min_level("warning")
    assert pane.visible_messages() == ["kubernetes/get_resource Namespace default", "run failed"]
    pane.set_min_level("trace")
    pane.source_box.setCurrentIndex(2)  # host calls
    assert pane.visible_messages() == ["kubernetes/get_resource Namespace default"]
    pane.source_box.setCurrentIndex(0)
    pane.search.setText("NGINX")
    assert pane.visible_messages() == ['checking pod nginx  {"namespace": "default"}']
    pane.clear_button.click()
    assert model.rowCount() == 0 and pane.visible_messages() == []


def test_model_is_bounded() -> None:
    model = LogModel()
    model.MAX_RECORDS = 10
    model.append([LogRecord("info", str(i)) for i in range(25)])
    assert [r.message for r in model.records] == [str(i) for i in range(15, 25)]


def test_bridge_drains_from_other_threads(qtbot: Any) -> None:
    import threading

    model = LogModel()
    bridge = LogBridge(model)
    threads = [
        threading.Thread(target=lambda: [bridge.sink(LogRecord("info", "x")) for _ in range(100)])
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    qtbot.waitUntil(lambda: model.rowCount() == 400, timeout=2000)
