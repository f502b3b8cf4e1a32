"""Start the desktop application (``policy-workbench gui``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from workbench import __version__
from workbench.core.demo import load_demo
from workbench.core.errors import InputError, WorkbenchError
from workbench.gui.context import AppContext
from workbench.gui.mainwindow import MainWindow
from workbench.gui.palette import apply_palette
from workbench.gui.state import APPLICATION, ORGANIZATION, open_settings

__all__ = ["ScreenshotController", "create_window", "run_app"]

SCREENSHOT_TIMEOUT_MS = 90_000


def _application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or [sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("Policy Workbench")
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORGANIZATION)
    app.setDesktopFileName(APPLICATION)
    return app


def create_window(
    app: QApplication, settings_path: Path | None = None, dark: bool | None = None
) -> MainWindow:
    """The window with a fresh context (``settings_path``: an ini file, for tests and screenshots)."""
    follow_system = dark is None
    dark = apply_palette(app, dark)
    context = AppContext.create(open_settings(settings_path), dark=dark, parent=app)
    window = MainWindow(context)
    hints = app.styleHints()
    if hints is not None and follow_system:
        hints.colorSchemeChanged.connect(lambda _scheme: window.set_dark(apply_palette(app, None)))
    return window


class ScreenshotController:
    """Waits for the module to load and the run to finish, then saves ``window.grab()`` and quits."""

    def __init__(self, app: QApplication, window: MainWindow, path: Path) -> None:
        self.app = app
        self.window = window
        self.path = path
        self.exit_code = 0
        self._taken = False
        window.run_finished.connect(lambda _record: QTimer.singleShot(300, self.take))
        QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, self._timeout)

    def loaded(self) -> None:
        """Module loaded: run when possible, else take the picture as it is."""
        task = self.window.run_policy() if not self.window.run_blockers() else None
        if task is None:
            QTimer.singleShot(300, self.take)

    def failed(self) -> None:
        self.exit_code = 1
        QTimer.singleShot(300, self.take)

    def _timeout(self) -> None:
        if not self._taken:
            print("error: the screenshot timed out waiting for the policy", file=sys.stderr)
            self.exit_code = 1
            self.take()

    def take(self) -> None:
        if self._taken:
            return
        self._taken = True
        self.window.context.log.drain()
        self.app.processEvents()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # reported below: the save fails (raising here would leave the app running)
        if not self.window.grab().save(str(self.path), "PNG"):
            print(f"error: cannot write {self.path}", file=sys.stderr)
            self.exit_code = 1
        else:
            print(f"screenshot saved to {self.path}")
        self.window.metadata_editor.undo_stack.setClean()
        self.window.settings_editor.undo_stack.setClean()
        self.window.request_editor.undo_stack.setClean()
        self.window.close()
        self.app.exit(self.exit_code)


def run_app(args: argparse.Namespace) -> int:
    app = _application()
    settings_path = Path(args.config) if getattr(args, "config", None) else None
    dark = {"light": False, "dark": True}.get(getattr(args, "theme", "system") or "system")
    window = create_window(app, settings_path, dark)
    if getattr(args, "timeout", None) is not None:
        window.context.run_timeout = args.timeout if args.timeout > 0 else None
    screenshot = Path(args.screenshot) if getattr(args, "screenshot", None) else None
    if screenshot is not None:
        window.resize(1440, 900)
    window.show()
    controller = ScreenshotController(app, window, screenshot) if screenshot is not None else None
    on_loaded = controller.loaded if controller is not None else None

    task = None
    try:
        if args.demo or getattr(args, "demo_dir", None):
            demo_root = Path(args.demo_dir) if getattr(args, "demo_dir", None) else None
            demo = load_demo(demo_root)
            window.load_demo(demo)
            policy_id = getattr(args, "demo_policy", None)
            policy = demo.policy(policy_id) if policy_id else window.first_demo_policy()
            case_number = getattr(args, "demo_case", 1) or 1
            if not 1 <= case_number <= max(1, len(policy.cases)):
                raise InputError(
                    f"the demo policy {policy.id} has {len(policy.cases)} request(s), not {case_number}"
                )
            case = policy.cases[case_number - 1] if policy.cases else None
            task = window.open_demo_policy(policy, case, on_loaded=on_loaded)
        else:
            if getattr(args, "settings_path", None):
                window.load_editor_file(window.settings_editor, args.settings_path)
            if getattr(args, "request_path", None):
                window.load_editor_file(window.request_editor, args.request_path)
            if args.module:
                task = window.open_module(args.module, on_loaded=on_loaded)
    except WorkbenchError as exc:
        window.show_message(str(exc), "error")
    if controller is not None:
        if task is None:
            controller.failed()
        else:
            task.signals.failed.connect(lambda _e: controller.failed())
    return int(app.exec())
