"""The one context object handed to every pane (git-cola's ``ApplicationContext``): no globals."""

from __future__ import annotations

import collections
import dataclasses
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer

from workbench.core import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_TIMEOUT,
    HistoryStore,
    LogRecord,
    WorkbenchError,
    default_history_path,
)
from workbench.gui.credentials import CredentialStore
from workbench.gui.historyview import WindowHistory
from workbench.gui.logpane import LogModel
from workbench.gui.state import RecentFiles
from workbench.gui.tasks import TaskRunner

__all__ = ["AppContext", "LogBridge"]


class LogBridge(QObject):
    """A thread-safe LogSink: workers append, the GUI thread drains into the LogModel every 50 ms."""

    DRAIN_MS = 50

    def __init__(self, model: LogModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._pending: collections.deque[LogRecord] = collections.deque()
        self._lock = threading.Lock()
        self._timer = QTimer(self)
        self._timer.setInterval(self.DRAIN_MS)
        self._timer.timeout.connect(self.drain)
        self._timer.start()

    def sink(self, record: LogRecord) -> None:
        with self._lock:
            self._pending.append(record)

    def app(self, message: str, level: str = "info", **fields: object) -> None:
        self.sink(LogRecord(level, message, source="app", fields=dict(fields)))

    def stop(self) -> None:
        """Drain what is pending and stop the timer (the window closed: nothing more to show)."""
        self.drain()
        self._timer.stop()

    def drain(self) -> None:
        with self._lock:
            if not self._pending:
                return
            records = list(self._pending)
            self._pending.clear()
        self.model.append(records)


@dataclasses.dataclass
class AppContext:
    settings: QSettings
    runner: TaskRunner
    log_model: LogModel
    log: LogBridge
    recent: RecentFiles
    credentials: CredentialStore
    dark: bool = False
    #: evaluation deadline in seconds (None: no deadline); Cancel always works
    run_timeout: float | None = DEFAULT_TIMEOUT
    #: policy store root for pulls (None: kwctl's default)
    store_root: str | None = None
    #: memory a policy may use, in bytes
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    #: the persistent run history (None when its database cannot be opened)
    history: WindowHistory | None = None
    #: why the history is unavailable
    history_problem: str = ""
    #: the reference and Insecure choice of the last push or pull, offered by the next Pull
    last_transfer: tuple[str, bool] | None = None

    @classmethod
    def create(
        cls,
        settings: QSettings,
        *,
        dark: bool = False,
        credentials: CredentialStore | None = None,
        parent: QObject | None = None,
        history_path: Path | None = None,
    ) -> AppContext:
        model = LogModel(parent)
        context = cls(
            settings=settings,
            runner=TaskRunner(parent=parent),
            log_model=model,
            log=LogBridge(model, parent),
            recent=RecentFiles(settings),
            credentials=credentials or CredentialStore(),
            dark=dark,
        )
        try:
            max_runs = int(str(settings.value("history/max_runs", 2000)))
        except (TypeError, ValueError):
            max_runs = 2000
        try:
            store = HistoryStore(history_path or default_history_path(), max_runs=max(1, max_runs))
        except WorkbenchError as exc:
            context.history_problem = str(exc)
        else:
            context.history = WindowHistory(store)
        return context
