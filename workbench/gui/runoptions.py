"""Run options: the evaluation deadline and memory limit (status bar, settings), the cluster snapshot label."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QInputDialog

from workbench.core import DEFAULT_MEMORY_LIMIT, InputError, WorkbenchError
from workbench.gui.view import WindowView

__all__ = [
    "choose_history_size",
    "choose_memory_limit",
    "choose_run_timeout",
    "memory_text",
    "restore_run_timeout",
    "run_options_text",
    "set_history_size",
    "set_run_timeout",
    "snapshot_label",
]


def set_run_timeout(view: WindowView, seconds: float | None) -> None:
    """Set (and remember) the evaluation deadline; None means no deadline, 0 or less is refused."""
    if seconds is not None and seconds <= 0:
        raise InputError("the evaluation deadline must be more than 0 seconds (choose “No deadline” instead)")
    view.context.run_timeout = seconds
    view.context.settings.setValue("run/timeout", float(seconds) if seconds is not None else "none")
    view.update_run_options()


def memory_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit % (1024 * 1024) == 0 else f"{limit:,} bytes"


def run_options_text(view: WindowView) -> str:
    timeout = view.context.run_timeout
    deadline = f"{timeout:g} s" if timeout is not None else "none"
    limit = view.context.memory_limit or DEFAULT_MEMORY_LIMIT
    return f"Deadline {deadline} · Memory {memory_text(limit)}"


def restore_run_timeout(view: WindowView) -> None:
    saved = view.context.settings.value("run/timeout")
    if saved is None:
        return
    if str(saved) == "none":
        view.context.run_timeout = None
        return
    try:
        seconds = float(saved)
    except (TypeError, ValueError):
        return
    if seconds > 0:  # a stored 0 (older releases) is not a deadline: keep the default
        view.context.run_timeout = seconds


def snapshot_label(path: Path | None) -> str:
    return f"Cluster snapshot: {path.name}" if path else "No cluster snapshot"


def set_history_size(view: WindowView, runs: int) -> None:
    """Keep at most ``runs`` runs in the history (the oldest go first); remembered in the settings."""
    history = view.context.history
    if history is None:
        raise InputError(f"the run history is not available: {view.context.history_problem}")
    history.store.set_max_runs(runs)
    view.context.settings.setValue("history/max_runs", runs)
    for listener in history.listeners:
        listener()


def choose_run_timeout(view: WindowView) -> None:
    current = view.context.run_timeout or 2.0
    items = ["A deadline (seconds)", "No deadline (only Cancel stops a policy)"]
    choice, ok = QInputDialog.getItem(
        view.widget(), "Evaluation deadline", "Stop a policy after:", items, 0, False
    )
    if not ok:
        return
    if choice == items[1]:
        set_run_timeout(view, None)
        return
    value, ok = QInputDialog.getDouble(
        view.widget(), "Evaluation deadline", "Seconds:", current, 0.01, 3600.0, 2
    )
    if ok:
        set_run_timeout(view, value)


def choose_memory_limit(view: WindowView) -> None:
    current = view.context.memory_limit // (1024 * 1024)
    value, ok = QInputDialog.getInt(view.widget(), "Memory limit", "MiB a policy may use:", current, 1, 4096)
    if ok:
        view.context.memory_limit = value * 1024 * 1024
        view.update_run_options()


def choose_history_size(view: WindowView) -> None:
    history = view.context.history
    current = history.store.max_runs if history is not None else 2000
    value, ok = QInputDialog.getInt(view.widget(), "Run history", "Runs to keep:", current, 1, 1_000_000)
    if ok:
        try:
            set_history_size(view, value)
        except WorkbenchError as exc:
            view.show_message(str(exc), "error")
