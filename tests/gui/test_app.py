"""Application bootstrap: the window factory and the screenshot controller.

``run_app`` itself (it enters the Qt event loop) runs end to end in ``tests/cli/test_gui_cmd.py``
through real ``gui --screenshot`` subprocesses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication

from workbench.gui.app import ScreenshotController, create_window


class _RecordingApp:
    """The real QApplication, except that ``exit`` is recorded instead of performed.

    ``QCoreApplication.exit()`` outside ``exec()`` sets Qt's thread-wide "quit now" flag, which
    makes every later ``QEventLoop.exec()`` (all of pytest-qt's waits) return at once.
    """

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self.exit_codes: list[int] = []

    def processEvents(self) -> None:
        self._app.processEvents()

    def exit(self, code: int = 0) -> None:
        self.exit_codes.append(code)


def _close(window: Any) -> None:
    window.ask_unsaved = lambda parts: "discard"
    window.context.runner.shutdown(5000)
    window.close()


def test_create_window_with_a_forced_theme(qapp: QApplication, qtbot: Any, tmp_path: Path) -> None:
    original = qapp.palette()
    try:
        dark = create_window(qapp, tmp_path / "dark.ini", dark=True)
        qtbot.addWidget(dark)
        assert dark.context.dark is True
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 80
        _close(dark)
        light = create_window(qapp, tmp_path / "light.ini", dark=False)
        qtbot.addWidget(light)
        assert light.context.dark is False
        assert light.context.settings.fileName() == str(tmp_path / "light.ini")
        _close(light)
    finally:
        qapp.setPalette(original)


def test_screenshot_controller_saves_once_and_reports_success(
    qapp: QApplication, qtbot: Any, tmp_path: Path, capsys: Any
) -> None:
    window = create_window(qapp, tmp_path / "s.ini", dark=False)
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    target = tmp_path / "shots" / "window.png"
    app = _RecordingApp(qapp)
    controller = ScreenshotController(app, window, target)  # type: ignore[arg-type]
    controller.take()
    controller.take()  # idempotent
    assert controller.exit_code == 0 and app.exit_codes == [0]
    image = QImage(str(target))
    assert not image.isNull() and image.width() > 100
    assert capsys.readouterr().out.count(f"screenshot saved to {target}") == 1
    window.context.runner.shutdown(5000)


def test_screenshot_controller_failure_and_unwritable_target(
    qapp: QApplication, qtbot: Any, tmp_path: Path, capsys: Any
) -> None:
    window = create_window(qapp, tmp_path / "s.ini", dark=False)
    qtbot.addWidget(window)
    window.show()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    app = _RecordingApp(qapp)
    controller = ScreenshotController(app, window, blocker / "x.png")  # type: ignore[arg-type]
    controller.exit_code = 1  # as after failed(): the module did not load
    controller.take()  # the folder cannot be created: reported, and the window still closes
    assert controller.exit_code == 1 and app.exit_codes == [1]
    assert "error: cannot write" in capsys.readouterr().err
    assert not window.isVisible()
    window.context.runner.shutdown(5000)
