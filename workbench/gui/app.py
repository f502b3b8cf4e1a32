"""Start the desktop application (``policy-workbench gui``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from workbench import __version__
from workbench.core import InputError, WorkbenchError, load_demo
from workbench.gui import cmds_files, cmds_open
from workbench.gui.context import AppContext
from workbench.gui.mainwindow import MainWindow
from workbench.gui.palette import apply_palette
from workbench.gui.state import APPLICATION, ORGANIZATION, open_settings

__all__ = ["ScreenshotController", "create_window", "run_app"]

SCREENSHOT_TIMEOUT_MS = 120_000


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
    app: QApplication,
    settings_path: Path | None = None,
    dark: bool | None = None,
    history_path: Path | None = None,
) -> MainWindow:
    """The window with a fresh context (``settings_path``: an ini file, for tests and screenshots)."""
    follow_system = dark is None
    dark = apply_palette(app, dark)
    context = AppContext.create(
        open_settings(settings_path), dark=dark, parent=app, history_path=history_path
    )
    window = MainWindow(context)
    hints = app.styleHints()
    if hints is not None and follow_system:
        hints.colorSchemeChanged.connect(lambda _scheme: window.set_dark(apply_palette(app, None)))
    return window


class ScreenshotController:
    """Waits for the policy to load and the cases to run, selects the case to show, saves
    ``window.grab()`` and quits."""

    def __init__(self, app: QApplication, window: MainWindow, path: Path, *, run_all: bool = False) -> None:
        self.app = app
        self.window = window
        self.path = path
        self.run_all = run_all
        self.show_case: tuple[str, str] | None = None  # (policy id, case name) to select before the picture
        self.exit_code = 0
        self._taken = False
        window.run_finished.connect(lambda _record: QTimer.singleShot(300, self.take))
        window.suite_finished.connect(lambda _records: self._suite_done())
        window.context.runner.task_done.connect(self._task_done)
        QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, self._timeout)

    def loaded(self) -> None:
        """Policy loaded: run (every case, or the selected one) when possible, else take the picture."""
        if self.run_all:
            task = self.window.run_all_cases()
        else:
            task = self.window.run_policy() if not self.window.run_blockers() else None
        if task is None:
            QTimer.singleShot(300, self.take)

    def _suite_done(self) -> None:
        window = self.window
        if self.show_case is not None:
            policy = window.workspace.policy(self.show_case[0])
            case = policy.case_named(self.show_case[1]) if policy is not None else None
            if policy is not None and case is not None:
                window.banner.hide()
                window.tree.select_case(case)
                window.editors.setCurrentWidget(window.case_editor)
                cmds_open.select_case(
                    window, policy, case, on_loaded=lambda: QTimer.singleShot(400, self.take)
                )
                return
        QTimer.singleShot(300, self.take)

    def _task_done(self, task: object) -> None:
        error = getattr(task, "error", None)
        if error is not None and not getattr(error, "cancelled", False) and not self._taken:
            self.failed()

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
        self.window.ask_unsaved = lambda _parts: "discard"
        self.window.close()
        self.app.exit(self.exit_code)


def run_app(args: argparse.Namespace) -> int:
    app = _application()
    settings_path = Path(args.config) if getattr(args, "config", None) else None
    dark = {"light": False, "dark": True}.get(getattr(args, "theme", "system") or "system")
    history = Path(args.history) if getattr(args, "history", None) else None
    window = create_window(app, settings_path, dark, history)
    if getattr(args, "timeout", None) is not None:
        window.context.run_timeout = args.timeout if args.timeout > 0 else None
        window.update_run_options()
    screenshot = Path(args.screenshot) if getattr(args, "screenshot", None) else None
    size = getattr(args, "size", None)
    if size:
        width, height = (int(v) for v in size.lower().split("x", 1))
        window.resize(width, height)
    elif screenshot is not None:
        window.resize(1440, 900)
    window.show()
    workspace_mode = bool(args.demo or getattr(args, "demo_dir", None) or getattr(args, "workspace", None))
    controller = (
        ScreenshotController(
            app, window, screenshot, run_all=workspace_mode and getattr(args, "run_all", False)
        )
        if screenshot is not None
        else None
    )
    on_loaded = controller.loaded if controller is not None else None
    started = False
    try:
        if workspace_mode:
            if getattr(args, "workspace", None):
                path = Path(args.workspace)
            else:
                demo = load_demo(Path(args.demo_dir) if getattr(args, "demo_dir", None) else None)
                path = demo.root
            if not cmds_open.open_workspace(window, path, select_first=False):
                raise InputError(f"cannot open the workspace {path}")
            ws = window.workspace
            policy_id = getattr(args, "demo_policy", None)
            policy = ws.policy(policy_id) if policy_id else next((p for p in ws.policies if p.cases), None)
            if policy is None:
                raise InputError(
                    f"the workspace has no policy {policy_id!r}" if policy_id else "the workspace has no case"
                )
            case_number = getattr(args, "demo_case", 1) or 1
            if not 1 <= case_number <= max(1, len(policy.cases)):
                raise InputError(f"the policy {policy.id} has {len(policy.cases)} case(s), not {case_number}")
            case = policy.cases[case_number - 1] if policy.cases else None
            if controller is not None and case is not None and controller.run_all:
                controller.show_case = (policy.id, case.name)
                first = next(p for p in ws.policies if p.cases)
                cmds_open.select_case(window, first, first.cases[0], on_loaded=on_loaded, force_reload=True)
            else:
                cmds_open.select_case(window, policy, case, on_loaded=on_loaded, force_reload=True)
            started = True
        else:
            if getattr(args, "settings_path", None):
                cmds_files.load_editor_file(window, window.settings_editor, args.settings_path)
            if getattr(args, "request_path", None):
                cmds_files.load_editor_file(window, window.request_editor, args.request_path)
            if args.module:
                started = window.open_module(args.module, on_loaded=on_loaded) is not None
    except WorkbenchError as exc:
        window.show_message(str(exc), "error")
    if controller is not None and not started:
        controller.failed()
    return int(app.exec())
