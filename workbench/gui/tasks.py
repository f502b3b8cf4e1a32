"""Background work: a QRunnable per task, results back through queued signals.

Modelled on git-cola's ``cola/qtutils.py`` (``Task`` + ``RunTask``): the
:class:`TaskRunner` keeps a reference to every running task so that nothing is
garbage-collected while a worker thread still uses it, and waits for them on
shutdown. Each task gets a :class:`~workbench.core.engines.base.CancelToken`
(engines register an epoch bump on it, transfers poll it) and a progress
callable; exceptions become :class:`~workbench.gui.errors.ErrorInfo`.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from workbench.core import CancelToken
from workbench.gui.errors import ErrorInfo, describe_error

__all__ = ["Progress", "Task", "TaskContext", "TaskRunner", "TaskSignals"]


@dataclasses.dataclass(frozen=True)
class Progress:
    done: int
    total: int | None
    text: str = ""


@dataclasses.dataclass
class TaskContext:
    """Handed to the task function in the worker thread."""

    cancel: CancelToken
    report: Callable[[int, int | None, str], None]

    def progress(self, done: int, total: int | None = None, text: str = "") -> None:
        self.report(done, total, text)


class TaskSignals(QObject):
    progress = Signal(object)  # Progress
    finished = Signal(object)  # the function's result
    failed = Signal(object)  # ErrorInfo
    done = Signal()  # after finished/failed, always


class Task(QRunnable):
    """Runs ``fn(TaskContext)`` in a pool thread; ``title`` names it in messages ("Run", "Push")."""

    #: progress signals are rate-limited so a chatty transfer cannot flood the GUI thread
    PROGRESS_INTERVAL_S = 0.05

    def __init__(self, fn: Callable[[TaskContext], Any], title: str) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.title = title
        self.cancel_token = CancelToken()
        self.signals = TaskSignals()
        self.started_at = 0.0
        self._last_progress = 0.0
        self._lock = threading.Lock()
        self.result: Any = None
        self.error: ErrorInfo | None = None

    def cancel(self) -> None:
        self.cancel_token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.cancel_token.cancelled

    def _report(self, done: int, total: int | None, text: str) -> None:
        now = time.monotonic()
        with self._lock:
            final = total is not None and done >= total
            if not final and now - self._last_progress < self.PROGRESS_INTERVAL_S:
                return
            self._last_progress = now
        self.signals.progress.emit(Progress(done, total, text))

    def run(self) -> None:
        self.started_at = time.monotonic()
        try:
            self.result = self.fn(TaskContext(self.cancel_token, self._report))
        except BaseException as exc:  # every failure becomes a message, never a crash of the pool thread
            self.error = describe_error(exc, self.title)
            self.signals.failed.emit(self.error)
        else:
            self.signals.finished.emit(self.result)
        finally:
            self.signals.done.emit()


class TaskRunner(QObject):
    """Starts tasks on a thread pool and holds them until they are done."""

    task_started = Signal(object)  # Task
    task_done = Signal(object)  # Task
    busy_changed = Signal(bool)

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool(self)
        if pool is None:
            self.pool.setMaxThreadCount(max(2, QThreadPool.globalInstance().maxThreadCount()))
        self.tasks: list[Task] = []

    def start(
        self,
        task: Task,
        on_finished: Callable[[Any], None] | None = None,
        on_failed: Callable[[ErrorInfo], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> Task:
        queued = Qt.ConnectionType.QueuedConnection
        if on_finished is not None:
            task.signals.finished.connect(on_finished, queued)
        if on_failed is not None:
            task.signals.failed.connect(on_failed, queued)
        if on_progress is not None:
            task.signals.progress.connect(on_progress, queued)
        task.signals.done.connect(lambda t=task: self._done(t), queued)
        was_busy = bool(self.tasks)
        self.tasks.append(task)
        self.pool.start(task)
        self.task_started.emit(task)
        if not was_busy:
            self.busy_changed.emit(True)
        return task

    def run(self, fn: Callable[[TaskContext], Any], title: str, **callbacks: Any) -> Task:
        return self.start(Task(fn, title), **callbacks)

    def _done(self, task: Task) -> None:
        if task in self.tasks:
            self.tasks.remove(task)
        self.task_done.emit(task)
        if not self.tasks:
            self.busy_changed.emit(False)

    @property
    def busy(self) -> bool:
        return bool(self.tasks)

    def cancel_all(self) -> None:
        for task in list(self.tasks):
            task.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything and wait for the workers; True when all stopped in time."""
        self.cancel_all()
        return bool(self.pool.waitForDone(timeout_ms))
