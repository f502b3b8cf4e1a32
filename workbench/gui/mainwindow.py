"""The main window: a shell that builds the panes and wires them to commands.

Left: the Workspace tree (policies → cases). Centre: Policy facts, Metadata, Settings and the
Case (expectation + request). Right: the selected case's last result. Bottom: Log and History.
User actions are commands in :mod:`~workbench.gui.cmds_open`, :mod:`~workbench.gui.cmds_run`
and :mod:`~workbench.gui.cmds_files`; they reach the window through the
:class:`~workbench.gui.view.WindowView` protocol, so no module imports this one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShowEvent, QUndoGroup
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core import RegistryOptions
from workbench.gui import cmds_files, cmds_open, cmds_run, runoptions
from workbench.gui.actions import Actions
from workbench.gui.context import AppContext
from workbench.gui.dialogs import MessageBanner, PullDialog
from workbench.gui.editors import CaseEditor, RequestEditor, SettingsEditor
from workbench.gui.errors import ErrorInfo, window_wording
from workbench.gui.evaluation import LoadedPolicy
from workbench.gui.historyview import HistoryPane
from workbench.gui.logpane import LogPane
from workbench.gui.metadataeditor import MetadataEditor
from workbench.gui.modulepane import ModulePane
from workbench.gui.resultview import ResultView, RunRecord
from workbench.gui.settingsform import SettingsPage
from workbench.gui.state import load_window_state, save_window_state
from workbench.gui.tasks import Progress, Task
from workbench.gui.window_state import WindowStateMixin
from workbench.gui.workspace import Workspace, WsCase, WsPolicy

__all__ = ["APP_TITLE", "MainWindow"]

APP_TITLE = "Policy Workbench"


class MainWindow(WindowStateMixin, QMainWindow):
    """Policy Workbench's window. Everything it needs comes from the :class:`AppContext`."""

    module_loaded = Signal(object)  # LoadedPolicy
    run_finished = Signal(object)  # RunRecord
    suite_finished = Signal(object)  # list[RunRecord]
    busy_changed = Signal(bool)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.workspace = Workspace(root=Path.cwd())
        self.open_policy: WsPolicy | None = None
        self.current_case: WsCase | None = None
        self.loaded = None
        self.policy_keys: dict[str, str] = {}
        self.run_task: Task | None = None
        self.suite_task: Task | None = None
        self.run_count = 0
        self.syncing = False
        self.last_settings_check: tuple[bool, str] | None = None
        self.push_dialog: Any = None
        self.pull_dialog: Any = None
        self.manifest_dialog: Any = None
        self.impact_dialog: Any = None
        #: asked before discarding edits: returns "save", "discard" or "cancel" (tests replace it)
        self.ask_unsaved: Callable[[list[str]], str] = self._ask_unsaved_dialog
        self.ask_open_path: Callable[[str, str, str], str] = self._ask_open_path
        self.ask_save_path: Callable[[str, str, str], str] = self._ask_save_path
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.resize(1280, 800)
        self._build_panes()
        self.acts = Actions(self, self)
        self._alias_actions()
        self.menus = self.acts.build_menus(
            self.undo_action, self.redo_action, [d.toggleViewAction() for d in self.docks]
        )
        self.recent_menu = self.menus["recent"]
        self.toolbar = self.acts.build_toolbar()
        self.addToolBar(self.toolbar)
        self._install_tools()
        self._connect()
        self.restore_layout()
        runoptions.restore_run_timeout(self)
        self.refresh_recent()
        cmds_open.set_workspace(self, self.workspace, select_first=False)
        self.init_watcher()
        self.update_run_options()
        self.context.log.app("Policy Workbench started")

    # ------------------------------------------------------------------ building
    def _build_panes(self) -> None:
        dark = self.context.dark
        self.tree = self._make_tree()
        self.module_pane = ModulePane(self, dark)
        self.metadata_editor = MetadataEditor(self, dark)
        self.settings_editor = SettingsEditor(self, dark)
        self.settings_page = SettingsPage(self.settings_editor, self)
        self.case_editor = CaseEditor(self, dark)
        self.request_editor: RequestEditor = self.case_editor.request
        self.request_editor.ask_old_object = lambda: cmds_files.ask_old_object(self)
        self.result_view = ResultView(self)
        self.log_pane = LogPane(self.context.log_model, self)
        self.history_pane = HistoryPane(self.context.history, self)

        self.editors = QTabWidget(self)
        self.editors.setObjectName("editorTabs")
        self.editors.setAccessibleName("Editors")
        self.editors.setDocumentMode(True)
        for widget, title in (
            (self.module_pane, "Policy"),
            (self.metadata_editor, "Metadata"),
            (self.settings_page, "Settings"),
            (self.case_editor, "Case"),
        ):
            self.editors.addTab(widget, title)
        self.banner = MessageBanner(self)
        self.run_reason = QLabel(self)
        self.run_reason.setAccessibleName("Why Run is disabled")
        self.run_reason.setWordWrap(True)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.editors, 1)
        layout.addWidget(self.run_reason)
        self.setCentralWidget(central)

        left, right, bottom = (
            Qt.DockWidgetArea.LeftDockWidgetArea,
            Qt.DockWidgetArea.RightDockWidgetArea,
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.workspace_dock = self._dock("Workspace", "workspaceDock", self.tree, left)
        self.result_dock = self._dock("Result", "resultDock", self.result_view, right)
        self.log_dock = self._dock("Log", "logDock", self.log_pane, bottom)
        self.history_dock = self._dock("History", "historyDock", self.history_pane, bottom)
        self.tabifyDockWidget(self.log_dock, self.history_dock)
        self.log_dock.raise_()
        self.docks = [self.workspace_dock, self.result_dock, self.log_dock, self.history_dock]
        self._sized = False
        self._restored = False

        self.undo_group = QUndoGroup(self)
        self.stacks = (
            self.metadata_editor.undo_stack,
            self.settings_editor.undo_stack,
            self.request_editor.undo_stack,
        )
        for stack in self.stacks:
            self.undo_group.addStack(stack)
            stack.cleanChanged.connect(self._update_title)
        self.undo_group.setActiveStack(self.metadata_editor.undo_stack)
        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)

        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Task progress")
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.status_label = QLabel(self)
        self.status_label.setAccessibleName("Status")
        self.run_options_label = QLabel(self)
        self.run_options_label.setAccessibleName("Run options")
        self.run_options_label.setToolTip("Evaluation deadline and memory limit (Policy menu)")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel running task")
        self.cancel_button.hide()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.run_options_label)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)

    def _make_tree(self) -> Any:
        from workbench.gui.workspacetree import WorkspaceTree

        return WorkspaceTree(self)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setAccessibleName(f"{title} pane")
        self.addDockWidget(area, dock)
        return dock

    def _alias_actions(self) -> None:
        acts = self.acts
        self.open_action = acts.open_action
        self.pull_action = acts.pull_action
        self.run_action = acts.run_action
        self.cancel_action = acts.cancel_action
        self.validate_settings_action = acts.validate_settings_action
        self.annotate_action = acts.annotate_action
        self.push_action = acts.push_action
        self.export_manifest_action = acts.export_manifest_action
        self.export_metadata_action = acts.export_metadata_action
        self.context_aware_action = acts.context_aware_action
        self.clear_snapshot_action = acts.clear_snapshot_action
        self.run_suite_action = acts.run_suite_action
        self.run_policy_action = acts.run_policy_action
        self.save_case_action = acts.save_case_action
        self.watch_action = acts.watch_action
        self.scope_action = acts.scope_action
        self.save_workspace_action = acts.save_workspace

    def _install_tools(self) -> None:
        from workbench.gui.local_registry import install_local_registry
        from workbench.gui.rego_tools import install_rego_tools

        policy_menu = self.menus["policy"]
        self.rego_tools = install_rego_tools(self, policy_menu)  # Compare Engines…, Build Wasm from Rego…
        self.local_registry = install_local_registry(self, policy_menu)  # push walkthrough

    def _connect(self) -> None:
        ctx = self.context
        ctx.runner.busy_changed.connect(self._busy_changed)
        ctx.runner.task_started.connect(lambda _t: self.update_actions())
        ctx.runner.task_done.connect(lambda _t: self.update_actions())
        self.cancel_button.clicked.connect(self.cancel_tasks)
        self.tree.case_selected.connect(lambda p, c: cmds_open.select_case(self, p, c))
        self.tree.policy_selected.connect(self._policy_selected)
        self.tree.files_dropped.connect(lambda paths: cmds_open.add_files(self, paths))
        self.tree.run_case_requested.connect(self._run_case_from_tree)
        self.tree.run_policy_requested.connect(lambda p: self.run_policy_cases(p))
        self.tree.remove_case_requested.connect(self.remove_case)
        self.metadata_editor.validated.connect(lambda *_: self._inputs_changed())
        self.settings_editor.parsed.connect(lambda _r: self._settings_edited())
        self.settings_page.form.changed.connect(self._settings_form_edited)
        self.request_editor.parsed.connect(lambda _r: self._request_edited())
        self.case_editor.expectation_changed.connect(self._expectation_edited)
        self.settings_editor.validate_button.clicked.connect(lambda: cmds_run.validate_settings(self))
        self.module_pane.entrypoint_changed.connect(lambda _e: self._inputs_changed())
        self.editors.currentChanged.connect(self._editor_tab_changed)
        self.result_view.save_as_case_requested.connect(lambda r: cmds_open.save_result_as_case(self, r))
        self.history_pane.reopen_requested.connect(self.reopen_history_entry)

    # ------------------------------------------------------------------ WindowView
    def widget(self) -> QWidget:
        return self

    @property
    def module(self) -> Any:
        return self.loaded.module if self.loaded is not None else None

    def show_error(self, error: ErrorInfo) -> None:
        self.banner.show_error(error)
        self.context.log.app(f"{error.title}: {error.message}", "warning" if error.cancelled else "error")

    def show_message(self, text: str, level: str = "info") -> None:
        self.banner.show_message(_esc(window_wording(text)), level)

    def registry_options(self) -> RegistryOptions:
        return RegistryOptions(None, None, Path(self.context.store_root) if self.context.store_root else None)

    def emit_module_loaded(self, loaded: LoadedPolicy) -> None:
        self.module_loaded.emit(loaded)

    def emit_run_finished(self, record: RunRecord) -> None:
        self.run_finished.emit(record)

    def show_pull_dialog(self, reference: str = "") -> PullDialog:
        return cmds_files.show_pull_dialog(self, reference)

    def refresh_recent(self) -> None:
        items = self.context.recent.items()
        self.recent_menu.clear()
        for item in items:
            action = self.recent_menu.addAction(item)
            action.triggered.connect(lambda _c=False, i=item: cmds_open.open_recent(self, i))
        self.recent_menu.setEnabled(bool(items))

    # ------------------------------------------------------------------ facades (app start, tests)
    def open_module(self, path: str | Path, *, on_loaded: Callable[[], None] | None = None) -> Task | None:
        return cmds_open.open_policy_source(self, path, on_loaded=on_loaded)

    def run_policy(self) -> Task | None:
        return cmds_run.run_selected(self)

    def load_editor_file(self, editor: SettingsEditor | RequestEditor, path: str | Path) -> bool:
        return cmds_files.load_editor_file(self, editor, path)

    # ------------------------------------------------------------------ running
    def run_policy_cases(self, policy: WsPolicy | None = None) -> Task | None:
        policy = policy or self.open_policy
        if policy is None:
            return None
        return cmds_run.run_cases(self, [(policy, c) for c in policy.cases], f"Run {policy.title}")

    def run_all_cases(self) -> Task | None:
        pairs = [(p, c) for p in self.workspace.policies for c in p.cases]
        return cmds_run.run_cases(self, pairs, "Run all cases")

    def _run_case_from_tree(self, policy: WsPolicy, case: WsCase) -> None:
        cmds_open.select_case(self, policy, case, on_loaded=lambda: self._run_now())

    def _run_now(self) -> None:
        cmds_run.run_selected(self)

    def cancel_tasks(self) -> None:
        if self.context.runner.busy:
            self.status_label.setText("Cancelling…")
            self.context.runner.cancel_all()

    def save_current_result_as_case(self) -> WsCase | None:
        record = self.result_view.current
        if record is None:
            self.show_message(
                "Run a case first: Save as Case keeps the inputs and outcome of a result", "warning"
            )
            return None
        return cmds_open.save_result_as_case(self, record)

    def run_done(self, record: RunRecord) -> None:
        self.result_dock.raise_()
        verdict = record.verdict
        self.status_label.setText(f"Run #{record.number}: {verdict}")
        elapsed = f" in {record.outcome.elapsed_s * 1000:.1f} ms" if record.outcome is not None else ""
        self.context.log.app(
            f"run #{record.number}: {verdict}{elapsed}", "error" if verdict == "error" else "info"
        )
        self.show_case_result()
        self.tree.refresh()
        if record.error is not None:
            self.context.log.app(f"{record.error.title}: {record.error.message}", "error")
            text = f"<b>{_esc(record.error.title)}</b>: {_esc(record.error.message)}"
            if record.expect:
                text = f"{_esc(record.reason)} — {text}"
            self.banner.show_message(text, "success" if record.passed else "error", record.error.details)
        elif record.expect:
            self.show_message(
                ("✔ " if record.passed else "✖ ") + record.reason, "success" if record.passed else "warning"
            )
        self.update_actions()
        self.run_finished.emit(record)

    def suite_done(self, done_records: list[RunRecord], wall_s: float, problems: list[str]) -> None:
        failed = [r for r in done_records if r.passed is False]
        passed = sum(1 for r in done_records if r.passed)
        text = f"{len(done_records)} case(s) run in {wall_s:.1f} s: {passed} passed, {len(failed)} failed"
        lines = [f"✖ {r.policy} ← {r.case_name}: {r.reason}" for r in failed[:20]]
        lines += [f"⚠ {p}" for p in problems]
        self.banner.show_message(_esc(text), "warning" if failed or problems else "success", "\n".join(lines))
        self.status_label.setText(text)
        self.context.log.app(text, "warning" if failed else "info")
        self.show_case_result()
        self.tree.refresh()
        self.update_actions()
        self.suite_finished.emit(done_records)

    def task_progress(self, progress: Progress) -> None:
        if progress.total:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(progress.done)
            self.progress.setFormat(f"{progress.done} / {progress.total}")
        if progress.text:
            self.status_label.setText(progress.text)

    def _busy_changed(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
        else:
            self.status_label.setText("Ready")
        self.busy_changed.emit(busy)

    # ------------------------------------------------------------------ editing
    def _settings_edited(self) -> None:
        self.sync_settings_form()
        if self.syncing or self.open_policy is None:
            return
        text = self.settings_editor.text()
        case = self.current_case
        if case is not None and case.settings_text is not None:
            case.settings_text = text
        elif not (text == "" and self.open_policy.settings_text is None):
            self.open_policy.settings_text = text
        self._inputs_changed()

    def _request_edited(self) -> None:
        if self.syncing or self.current_case is None:
            return
        self.current_case.request_text = self.request_editor.text()
        self._inputs_changed()

    def _expectation_edited(self, expect: str | None, message: str | None) -> None:
        case = self.current_case
        if case is None:
            return
        case.expect, case.message = expect, message
        self.workspace.structure_changed = True
        if case.result is not None and case.result.record is not None:
            record = case.result.record
            record.expect, record.expect_message = expect, message
            case.result.passed = record.passed = None  # judged again by the next run (the result is stale)
            record.reason = "the expectation changed: run the case again (F5) to judge it"
            case.result.reason = record.reason
        self.show_case_result()
        self.tree.refresh()
        self._update_title()

    def _policy_selected(self, policy: WsPolicy) -> None:
        case = policy.cases[0] if policy.cases else None
        cmds_open.select_case(self, policy, case)

    def _editor_tab_changed(self, index: int) -> None:
        stack = {
            1: self.metadata_editor.undo_stack,
            2: self.settings_editor.undo_stack,
            3: self.request_editor.undo_stack,
        }.get(index)
        if stack is not None:
            self.undo_group.setActiveStack(stack)

    # ------------------------------------------------------------------ closing
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized and not self._restored:
            self._sized = True
            QTimer.singleShot(0, self.apply_default_layout)

    def apply_default_layout(self) -> None:
        """Dock sizes for a first start (no saved layout): workspace 22 %, result 38 %, log 18 %."""
        width = max(self.width(), 900)
        self.resizeDocks(
            [self.workspace_dock, self.result_dock],
            [int(width * 0.22), int(width * 0.38)],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks([self.log_dock], [max(120, int(self.height() * 0.18))], Qt.Orientation.Vertical)

    def restore_layout(self) -> bool:
        saved = load_window_state(self.context.settings)
        if saved is None:
            return False
        geometry, state = saved
        self.restoreGeometry(geometry)
        self._restored = bool(self.restoreState(state, 2))
        return self._restored

    def save_layout(self) -> None:
        save_window_state(
            self.context.settings, QByteArray(self.saveGeometry()), QByteArray(self.saveState(2))
        )
        self.context.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        parts = self.dirty_parts()
        if parts and not self.confirm_discard(parts):
            event.ignore()
            return
        self.save_layout()
        self.context.runner.shutdown(5000)
        self.context.log.stop()  # a closed window keeps no timer running
        self.set_watching(False)
        event.accept()

    # drag & drop on the window: the same as on the Workspace tree
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            cmds_open.add_files(self, paths)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
