from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import QCoreApplication, QThread

from workbench.core.errors import OperationCancelled, RegistryNotFound
from workbench.gui.errors import ErrorInfo, describe_error
from workbench.gui.tasks import Progress, Task, TaskContext, TaskRunner


def _on_gui_thread() -> bool:
    return QThread.currentThread() is QCoreApplication.instance().thread()


def test_result_arrives_on_the_gui_thread(qtbot: Any) -> None:
    runner = TaskRunner()
    seen: list[tuple[Any, bool, bool]] = []

    def work(ctx: TaskContext) -> int:
        return 6 * 7 if not _on_gui_thread() else -1

    runner.run(work, "Sum", on_finished=lambda v: seen.append((v, _on_gui_thread(), runner.busy)))
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert seen == [(42, True, True)]


def test_user_error_and_internal_error(qtbot: Any) -> None:
    runner = TaskRunner()
    errors: list[ErrorInfo] = []

    def user(_ctx: TaskContext) -> None:
        raise RegistryNotFound("repository example/policy not found")

    def bug(_ctx: TaskContext) -> None:
        raise KeyError("oops")

    runner.run(user, "Pull", on_failed=errors.append)
    runner.run(bug, "Run", on_failed=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 2, timeout=5000)
    by_title = {e.title: e for e in errors}
    user_error = by_title["Pull failed: registry error"]
    assert user_error.message == "repository example/policy not found"
    assert not user_error.internal and user_error.details == ""
    internal = by_title["Run failed: internal error"]
    assert internal.internal and "KeyError" in internal.details and "Traceback" in internal.details
    assert "bug in Policy Workbench" in internal.message


def test_cancel_sets_the_token_and_reports_cancelled(qtbot: Any) -> None:
    runner = TaskRunner()
    started = threading.Event()
    errors: list[ErrorInfo] = []

    def work(ctx: TaskContext) -> None:
        started.set()
        while True:
            ctx.cancel.check("transfer")
            time.sleep(0.005)

    task = runner.run(work, "Push", on_failed=errors.append)
    assert started.wait(5)
    runner.cancel_all()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert task.cancelled
    assert errors[0].cancelled and errors[0].title == "Push cancelled"
    assert runner.shutdown(1000)


def test_progress_is_rate_limited_but_final_always_arrives(qtbot: Any) -> None:
    runner = TaskRunner()
    seen: list[Progress] = []

    def work(ctx: TaskContext) -> None:
        for i in range(1, 10001):
            ctx.progress(i, 10000, "copying")

    runner.run(work, "Copy", on_progress=seen.append)
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert seen[-1] == Progress(10000, 10000, "copying")
    assert len(seen) < 200


def test_task_without_runner_runs_inline() -> None:
    task = Task(lambda ctx: "done", "Inline")
    task.run()
    assert task.result == "done" and task.error is None


def test_describe_error_cancelled() -> None:
    info = describe_error(OperationCancelled("push cancelled"), "Push")
    assert info.cancelled and info.message == "push cancelled"
