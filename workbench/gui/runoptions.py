"""Run options: the evaluation deadline and memory limit (status bar, settings), the cluster snapshot label."""

from __future__ import annotations

from pathlib import Path

from workbench.core import DEFAULT_MEMORY_LIMIT, InputError
from workbench.gui.view import WindowView

__all__ = ["memory_text", "restore_run_timeout", "run_options_text", "set_run_timeout", "snapshot_label"]


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
