"""Run options: the deadline and memory limit are always shown; a deadline of 0 is refused (issue 14, defect 9)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gui.gui_helpers import make_window

from workbench.core import InputError
from workbench.gui import runoptions
from workbench.gui.mainwindow import MainWindow


def test_status_bar_shows_deadline_and_memory(window: MainWindow) -> None:
    assert window.run_options_label.text() == "Deadline 2 s · Memory 256 MiB"
    runoptions.set_run_timeout(window, 0.25)
    assert window.run_options_label.text() == "Deadline 0.25 s · Memory 256 MiB"
    runoptions.set_run_timeout(window, None)
    assert window.run_options_label.text().startswith("Deadline none")
    window.context.memory_limit = 64 * 1024 * 1024
    window.update_run_options()
    assert window.run_options_label.text() == "Deadline none · Memory 64 MiB"
    assert runoptions.memory_text(1000) == "1,000 bytes"


def test_a_zero_deadline_is_refused_and_never_restored(qtbot: Any, tmp_path: Path) -> None:
    settings = tmp_path / "deadline.ini"
    first = make_window(qtbot, settings)
    with pytest.raises(InputError, match="more than 0 seconds"):
        runoptions.set_run_timeout(first, 0)
    assert first.context.run_timeout == 2.0
    runoptions.set_run_timeout(first, 0.5)
    first.context.settings.sync()
    assert make_window(qtbot, settings).context.run_timeout == 0.5
    first.context.settings.setValue("run/timeout", 0.0)  # what an older release stored for "none"
    first.context.settings.sync()
    assert make_window(qtbot, settings).context.run_timeout == 2.0
    runoptions.set_run_timeout(first, None)
    first.context.settings.sync()
    again = make_window(qtbot, settings)
    assert again.context.run_timeout is None and again.run_options_label.text().startswith("Deadline none")
    assert runoptions.snapshot_label(None) == "No cluster snapshot"
    assert runoptions.snapshot_label(tmp_path / "cluster") == "Cluster snapshot: cluster"


def test_history_size_is_a_setting(qtbot: Any, tmp_path: Path) -> None:
    settings = tmp_path / "history.ini"
    window = make_window(qtbot, settings)
    assert window.context.history is not None and window.context.history.store.max_runs == 2000
    runoptions.set_history_size(window, 3)
    assert window.context.history.store.max_runs == 3
    window.context.settings.sync()
    again = make_window(qtbot, settings)
    assert again.context.history is not None and again.context.history.store.max_runs == 3
    with pytest.raises(InputError, match="at least 1 run"):
        runoptions.set_history_size(again, 0)
