"""The application context and its thread-safe log bridge."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from gui.gui_helpers import MemoryKeyring

from workbench.core.engines.base import DEFAULT_TIMEOUT, LogRecord
from workbench.gui.context import AppContext, LogBridge
from workbench.gui.credentials import CredentialStore
from workbench.gui.logpane import LogModel
from workbench.gui.state import open_settings


def test_create_wires_everything(qapp: Any, tmp_path: Path) -> None:
    settings = open_settings(tmp_path / "s.ini")
    context = AppContext.create(settings, dark=True, credentials=CredentialStore(MemoryKeyring()))
    try:
        assert context.dark is True and context.run_timeout == DEFAULT_TIMEOUT and context.store_root is None
        assert context.log.model is context.log_model
        assert context.credentials.available
        context.recent.add("/x.wasm")
        assert context.recent.items() == ["/x.wasm"]
    finally:
        context.runner.shutdown(5000)


def test_log_bridge_collects_from_threads_and_drains_in_order(qtbot: Any) -> None:
    model = LogModel()
    bridge = LogBridge(model)
    before = model.rowCount()

    def worker(n: int) -> None:
        for i in range(50):
            bridge.sink(LogRecord("info", f"w{n}-{i}"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bridge.app("done", level="warning", count=200)
    bridge.drain()
    assert model.rowCount() - before == 201
    bridge.drain()  # nothing pending: no change
    assert model.rowCount() - before == 201


def test_log_bridge_drains_on_its_timer(qtbot: Any) -> None:
    model = LogModel()
    bridge = LogBridge(model)
    before = model.rowCount()
    bridge.app("hello from the app")
    qtbot.waitUntil(lambda: model.rowCount() == before + 1, timeout=2000)
