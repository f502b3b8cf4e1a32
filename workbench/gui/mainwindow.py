"""The main window: module pane, editors, result, log; every long job in a worker task."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workbench.core.demo import Demo, DemoCase, DemoPolicy
from workbench.core.engines.base import ValidationOutcome, ValidationRequest
from workbench.core.errors import InputError, MetadataError, WorkbenchError
from workbench.core.module import PolicyModule
from workbench.gui.codeeditor import CodeEditor
from workbench.gui.context import AppContext
from workbench.gui.dialogs import MessageBanner, PullDialog, PushDialog
from workbench.gui.editors import RequestEditor, SettingsEditor
from workbench.gui.errors import ErrorInfo
from workbench.gui.logpane import LogPane
from workbench.gui.metadataeditor import MetadataEditor
from workbench.gui.modulepane import ModulePane, ModuleReport, gather_report
from workbench.gui.resultview import ResultView, RunRecord
from workbench.gui.state import load_window_state, save_window_state
from workbench.gui.tasks import Progress, Task, TaskContext

__all__ = ["MainWindow", "build_validation_request"]

APP_TITLE = "Policy Workbench"


def build_validation_request(document: Any, raw: bool) -> ValidationRequest:
    """The request editor's document as ``kwctl run`` reads a request (AdmissionReview unwrapped, fields checked)."""
    from workbench.core.requests import parse_request

    return parse_request(document, raw=raw)


@dataclasses.dataclass
class _Workspace:
    """What is open: the module (as loaded) and where it came from."""

    report: ModuleReport | None = None
    demo: Demo | None = None
    demo_policy: DemoPolicy | None = None
    demo_case: DemoCase | None = None

    @property
    def module(self) -> PolicyModule | None:
        return self.report.module if self.report else None


class MainWindow(QMainWindow):
    """Policy Workbench's window. Everything it needs comes from the :class:`AppContext`."""

    module_loaded = Signal(object)  # ModuleReport
    run_finished = Signal(object)  # RunRecord
    busy_changed = Signal(bool)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.workspace = _Workspace()
        self.run_task: Task | None = None
        self.run_count = 0
        self.last_settings_check: tuple[bool, str] | None = None
        #: asked before discarding edits: returns "save", "discard" or "cancel" (tests replace it)
        self.ask_unsaved: Callable[[list[str]], str] = self._ask_unsaved_dialog
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.setAcceptDrops(True)
        self.resize(1360, 860)
        self._build_panes()
        self._build_actions()
        self._build_menus_and_toolbar()
        self._connect()
        self.restore_layout()
        self._restore_run_timeout()
        self.update_actions()
        self.context.log.app("Policy Workbench started")

    # ------------------------------------------------------------------ building
    def _build_panes(self) -> None:
        dark = self.context.dark
        self.module_pane = ModulePane(self)
        self.metadata_editor = MetadataEditor(self, dark)
        self.settings_editor = SettingsEditor(self, dark)
        self.request_editor = RequestEditor(self, dark)
        self.request_editor.ask_old_object = self._ask_old_object
        self.result_view = ResultView(self)
        self.log_pane = LogPane(self.context.log_model, self)

        self.editors = QTabWidget(self)
        self.editors.setObjectName("editorTabs")
        self.editors.setAccessibleName("Editors")
        self.editors.addTab(self.metadata_editor, "Metadata")
        self.editors.addTab(self.settings_editor, "Settings")
        self.editors.addTab(self.request_editor, "Request")

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

        self.module_dock = self._dock(
            "Module", "moduleDock", self.module_pane, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.result_dock = self._dock(
            "Result", "resultDock", self.result_view, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.log_dock = self._dock("Log", "logDock", self.log_pane, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._sized = False
        self._restored = False

        self.undo_group = QUndoGroup(self)
        for stack in (
            self.metadata_editor.undo_stack,
            self.settings_editor.undo_stack,
            self.request_editor.undo_stack,
        ):
            self.undo_group.addStack(stack)
            stack.cleanChanged.connect(self._update_title)
        self.undo_group.setActiveStack(self.metadata_editor.undo_stack)

        self.progress = QProgressBar(self)
        self.progress.setAccessibleName("Task progress")
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.status_label = QLabel(self)
        self.status_label.setAccessibleName("Status")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAccessibleName("Cancel running task")
        self.cancel_button.hide()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setAccessibleName(f"{title} pane")
        self.addDockWidget(area, dock)
        return dock

    def _action(
        self, text: str, slot: Callable[[], Any], shortcut: Any = None, tip: str = "", name: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.setObjectName(name or text.replace("&", "").replace("…", "").replace(" ", "_").lower())
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.open_action = a(
            "&Open Module…", self.choose_module, QKeySequence.StandardKey.Open, "Open a .wasm policy"
        )
        self.pull_action = a(
            "Open &Reference / Pull…",
            self.show_pull_dialog,
            "Ctrl+Shift+O",
            "Pull a policy from an OCI registry",
        )
        self.run_action = a(
            "&Run", self.run_policy, "Ctrl+Return", "Evaluate the request with the policy (Ctrl+Return)"
        )
        self.cancel_action = a("&Cancel", self.cancel_tasks, "Ctrl+.", "Stop the running policy or transfer")
        self.validate_settings_action = a(
            "&Validate Settings",
            self.validate_settings,
            "Ctrl+Shift+V",
            "Ask the policy whether the settings are valid",
        )
        self.annotate_action = a(
            "&Annotate and Save As…",
            self.annotate_save_as,
            "Ctrl+Shift+S",
            "Embed the edited metadata into a new .wasm",
        )
        self.push_action = a(
            "&Push…", self.show_push_dialog, "Ctrl+Shift+P", "Push the module to an OCI registry"
        )
        self.export_manifest_action = a(
            "Export &Manifest…",
            self.show_manifest_dialog,
            "Ctrl+Shift+E",
            "ClusterAdmissionPolicy / AdmissionPolicy YAML",
        )
        self.import_metadata_action = a("&Import metadata.yml…", self.import_metadata)
        self.export_metadata_action = a("E&xport metadata.yml…", self.export_metadata)
        self.open_settings_action = a("Open Settings File…", self.open_settings_file)
        self.save_settings_action = a("Save Settings As…", lambda: self.save_editor_as(self.settings_editor))
        self.open_request_action = a("Open Request File…", self.open_request_file)
        self.save_request_action = a("Save Request As…", lambda: self.save_editor_as(self.request_editor))
        self.quit_action = a("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.context_aware_action = a(
            "Allow &Context-Aware Resources",
            self.update_actions,
            tip="Let the policy read the cluster resources its metadata declares (kwctl --allow-context-aware)",
            name="allow_context_aware",
        )
        self.context_aware_action.setCheckable(True)
        self.snapshot_action = a(
            "Cluster &Snapshot…",
            self.choose_cluster_snapshot,
            tip="Kubernetes objects (a YAML/JSON file or a folder) that context-aware policies read",
            name="cluster_snapshot",
        )
        self.deadline_action = a(
            "Evaluation &Deadline…",
            self.choose_run_timeout,
            tip="Seconds a policy may run before it is interrupted (0 = no deadline; Cancel always works)",
            name="evaluation_deadline",
        )
        self.clear_snapshot_action = a("Clear Cluster Snapshot", lambda: self.set_cluster_snapshot(None))
        self.clear_snapshot_action.setEnabled(False)
        self.cluster_snapshot: Path | None = None
        self.show_metadata_action = a("Metadata", lambda: self.editors.setCurrentIndex(0), "Alt+1")
        self.show_settings_action = a("Settings", lambda: self.editors.setCurrentIndex(1), "Alt+2")
        self.show_request_action = a("Request", lambda: self.editors.setCurrentIndex(2), "Alt+3")

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.open_action, self.pull_action):
            file_menu.addAction(action)
        self.recent_menu = file_menu.addMenu("Open Recent")
        file_menu.addSeparator()
        for action in (
            self.annotate_action,
            self.push_action,
            self.export_manifest_action,
        ):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (
            self.import_metadata_action,
            self.export_metadata_action,
            self.open_settings_action,
            self.save_settings_action,
            self.open_request_action,
            self.save_request_action,
        ):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        policy_menu = bar.addMenu("&Policy")
        for action in (self.run_action, self.cancel_action, self.validate_settings_action):
            policy_menu.addAction(action)
        policy_menu.addSeparator()
        for action in (
            self.context_aware_action,
            self.snapshot_action,
            self.clear_snapshot_action,
            self.deadline_action,
        ):
            policy_menu.addAction(action)
        from workbench.gui.local_registry import install_local_registry
        from workbench.gui.rego_tools import install_rego_tools

        self.rego_tools = install_rego_tools(self, policy_menu)  # Compare Engines…, Build Wasm from Rego…
        self.local_registry = install_local_registry(self, policy_menu)  # demo push walkthrough
        self.demo_menu = bar.addMenu("&Demo")
        self.demo_menu.menuAction().setVisible(False)
        view_menu = bar.addMenu("&View")
        for action in (self.show_metadata_action, self.show_settings_action, self.show_request_action):
            view_menu.addAction(action)
        view_menu.addSeparator()
        for dock in (self.module_dock, self.result_dock, self.log_dock):
            view_menu.addAction(dock.toggleViewAction())

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setAccessibleName("Main toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.open_action, self.pull_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.run_action, self.cancel_action, self.validate_settings_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.annotate_action, self.push_action, self.export_manifest_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        self.demo_requests = QComboBox(self)
        self.demo_requests.setAccessibleName("Demo requests")
        self.demo_requests.setMinimumContentsLength(24)
        self.demo_requests_action = toolbar.addWidget(self.demo_requests)
        self.demo_requests_action.setVisible(False)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        self._refresh_recent()

    def _connect(self) -> None:
        ctx = self.context
        ctx.runner.busy_changed.connect(self._busy_changed)
        ctx.runner.task_started.connect(lambda _t: self.update_actions())
        ctx.runner.task_done.connect(lambda _t: self.update_actions())
        self.cancel_button.clicked.connect(self.cancel_tasks)
        self.module_pane.open_button.clicked.connect(self.choose_module)
        self.module_pane.pull_button.clicked.connect(self.show_pull_dialog)
        self.module_pane.recent.activated.connect(self._recent_chosen)
        self.metadata_editor.validated.connect(lambda *_: self.update_actions())
        self.settings_editor.parsed.connect(lambda _r: self.update_actions())
        self.request_editor.parsed.connect(lambda _r: self.update_actions())
        self.settings_editor.validate_button.clicked.connect(self.validate_settings)
        self.editors.currentChanged.connect(self._editor_tab_changed)
        self.demo_requests.activated.connect(self._demo_request_chosen)
        self.result_view.history_restore.connect(self.restore_run)

    # ------------------------------------------------------------------ state
    def set_dark(self, dark: bool) -> None:
        """Follow a colour-scheme change: the code editors switch their highlighting style."""
        self.context.dark = dark
        for editor in (self.metadata_editor.yaml, self.settings_editor.editor, self.request_editor.editor):
            editor.highlighter.set_dark(dark)

    @property
    def module(self) -> PolicyModule | None:
        return self.workspace.module

    def _editor_tab_changed(self, index: int) -> None:
        stacks = (
            self.metadata_editor.undo_stack,
            self.settings_editor.undo_stack,
            self.request_editor.undo_stack,
        )
        if 0 <= index < len(stacks):
            self.undo_group.setActiveStack(stacks[index])

    def dirty_parts(self) -> list[str]:
        parts = []
        if self.metadata_editor.dirty:
            parts.append("metadata")
        if self.settings_editor.dirty:
            parts.append("settings")
        if self.request_editor.dirty:
            parts.append("request")
        return parts

    def _update_title(self, *_args: object) -> None:
        name = self.module.name if self.module else None
        dirty = bool(self.dirty_parts())
        self.setWindowModified(dirty)
        title = f"{name}[*] — {APP_TITLE}" if name else f"{APP_TITLE}[*]"
        self.setWindowTitle(title)
        for index, editor in enumerate((self.metadata_editor, self.settings_editor, self.request_editor)):
            label = ("Metadata", "Settings", "Request")[index]
            self.editors.setTabText(index, label + (" *" if editor.dirty else ""))

    def run_blockers(self) -> list[str]:
        """Why Run is disabled (empty when it is enabled)."""
        reasons = []
        if self.module is None:
            reasons.append("open a policy module first")
        elif self.module.kind == "unknown":
            reasons.append(f"this module cannot be run: {self.module.kind_reason}")
        if self.run_task is not None:
            reasons.append("a run is in progress")
        if not self.metadata_editor.valid:
            reasons.append("the metadata is invalid (see the Metadata tab)")
        settings_problem = self.settings_editor.problem()
        if settings_problem:
            reasons.append(settings_problem)
        request_problem = self.request_editor.problem()
        if request_problem:
            reasons.append(request_problem)
        return reasons

    def update_actions(self) -> None:
        has_module = self.module is not None
        busy = self.context.runner.busy
        blockers = self.run_blockers()
        self.run_action.setEnabled(not blockers)
        self.run_action.setToolTip(
            "Evaluate the request with the policy (Ctrl+Return)"
            if not blockers
            else "Run is disabled: " + "; ".join(blockers)
        )
        if blockers and has_module:
            self.run_reason.setText(
                '<span style="color:#d32f2f">Run is disabled: ' + _esc("; ".join(blockers)) + "</span>"
            )
            self.run_reason.show()
        else:
            self.run_reason.hide()
            self.run_reason.setText("")
        self.cancel_action.setEnabled(busy)
        self.validate_settings_action.setEnabled(
            has_module and self.settings_editor.problem() is None and self.run_task is None
        )
        self.settings_editor.validate_button.setEnabled(self.validate_settings_action.isEnabled())
        self.annotate_action.setEnabled(has_module and self.metadata_editor.valid)
        self.push_action.setEnabled(has_module)
        self.export_manifest_action.setEnabled(has_module and self.metadata_editor.valid)
        self.export_metadata_action.setEnabled(self.metadata_editor.valid)
        self._update_title()

    def _busy_changed(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
        else:
            self.status_label.setText("Ready")
        self.busy_changed.emit(busy)

    def _task_progress(self, progress: Progress) -> None:
        if progress.total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * progress.done / progress.total))
        if progress.text:
            self.status_label.setText(progress.text)

    def show_error(self, error: ErrorInfo) -> None:
        self.banner.show_error(error)
        self.context.log.app(f"{error.title}: {error.message}", "warning" if error.cancelled else "error")

    def show_message(self, text: str, level: str = "info") -> None:
        self.banner.show_message(_esc(text), level)

    # ------------------------------------------------------------------ opening modules
    def _ask_unsaved_dialog(self, parts: list[str]) -> str:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved changes")
        box.setText(f"The {', '.join(parts)} have unsaved changes.")
        box.setInformativeText("Save them first? (The metadata is saved as a metadata.yml file.)")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return "save"
        return "discard" if answer == QMessageBox.StandardButton.Discard else "cancel"

    def confirm_discard(self, parts: list[str]) -> bool:
        """True when it is fine to drop the edits of ``parts`` (saved, or discarded on purpose)."""
        if not parts:
            return True
        answer = self.ask_unsaved(parts)
        if answer == "save":
            return self.save_parts(parts)
        return answer == "discard"

    def save_parts(self, parts: list[str], paths: dict[str, str] | None = None) -> bool:
        """Save the settings / request to their files and the metadata as metadata.yml; False if not all saved.

        ``paths`` gives targets without asking (part name -> file); otherwise known files are reused and a
        file dialog asks for the others.
        """
        paths = paths or {}
        for part in parts:
            target = paths.get(part)
            try:
                if part == "metadata":
                    if target is None:
                        target, _ = QFileDialog.getSaveFileName(
                            self, "Save metadata", "metadata.yml", "YAML (*.yml *.yaml)"
                        )
                    if not target:
                        return False
                    self.metadata_editor.export_file(target)
                    self.metadata_editor.undo_stack.setClean()
                else:
                    editor = self.settings_editor if part == "settings" else self.request_editor
                    if target is None and editor.path is None:
                        suffix = "json" if editor.language == "json" else "yml"
                        target, _ = QFileDialog.getSaveFileName(self, f"Save {part}", f"{part}.{suffix}")
                        if not target:
                            return False
                    editor.save_file(target)
            except WorkbenchError as exc:
                self.show_message(str(exc), "error")
                return False
        self._update_title()
        return True

    def choose_module(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open policy module", "", "WebAssembly modules (*.wasm);;All files (*)"
        )
        if path:
            self.open_module(path)

    def open_module(
        self, path: str | Path, source: str | None = None, *, on_loaded: Callable[[], None] | None = None
    ) -> Task | None:
        """Load a module in a worker; the panes update when it is loaded."""
        if self.metadata_editor.dirty and not self.confirm_discard(["metadata"]):
            return None
        path = Path(path)
        label = source or str(path)
        self.status_label.setText(f"Loading {path.name}…")

        def work(_ctx: TaskContext) -> ModuleReport:
            from workbench.core.module import load_module

            return gather_report(load_module(path), label)

        def done(report: ModuleReport) -> None:
            self.set_module(report)
            if on_loaded is not None:
                on_loaded()

        return self.context.runner.run(
            work, "Open module", on_finished=done, on_failed=self.show_error, on_progress=self._task_progress
        )

    def set_module(self, report: ModuleReport) -> None:
        self.workspace.report = report
        module = report.module
        self.module_pane.show_report(report)
        fallback = None
        if module.metadata is None:
            from workbench.core.scaffold.metadata import scaffold_metadata
            from workbench.core.yamlio import load_yaml

            try:
                fallback = load_yaml(scaffold_metadata(module), "scaffold")
            except WorkbenchError:
                fallback = None
        self.metadata_editor.set_metadata(module.metadata, fallback)
        self.context.recent.add(report.source)
        self._refresh_recent()
        self.banner.hide()
        self.status_label.setText(f"Opened {module.name}")
        compiled = f", compiled in {report.compile_s:.2f} s" if report.compile_s is not None else ""
        self.context.log.app(f"opened {report.source} ({module.kind}, sha256 {module.sha256[:12]}{compiled})")
        for warning in report.warnings:
            self.context.log.app(warning, "warning")
        self.update_actions()
        self.module_loaded.emit(report)

    def _refresh_recent(self) -> None:
        items = self.context.recent.items()
        self.module_pane.set_recent(items)
        self.recent_menu.clear()
        for item in items:
            action = self.recent_menu.addAction(item)
            action.triggered.connect(lambda _c=False, i=item: self.open_recent(i))
        self.recent_menu.setEnabled(bool(items))

    def _recent_chosen(self, index: int) -> None:
        item = self.module_pane.recent.itemData(index)
        self.module_pane.recent.setCurrentIndex(0)
        if item:
            self.open_recent(str(item))

    def open_recent(self, item: str) -> None:
        if Path(item).is_file():
            self.open_module(item)
        elif "://" in item or not item.startswith(("/", ".", "~")):
            self.show_pull_dialog(item)
        else:
            self.show_message(f"{item} no longer exists", "warning")
            self.context.recent.remove(item)
            self._refresh_recent()

    # drag & drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            path = Path(url.toLocalFile())
            if path.suffix.lower() == ".wasm":
                self.open_module(path)
            elif path.name.lower() in ("metadata.yml", "metadata.yaml"):
                try:
                    self.metadata_editor.import_file(path)
                except WorkbenchError as exc:
                    self.show_message(str(exc), "error")
                self.editors.setCurrentWidget(self.metadata_editor)
            elif path.suffix.lower() in (".json", ".yml", ".yaml"):
                self.load_editor_file(self.request_editor, path)
            event.acceptProposedAction()
            return

    # ------------------------------------------------------------------ files of the editors
    def load_editor_file(self, editor: SettingsEditor | RequestEditor, path: str | Path) -> bool:
        try:
            editor.load_file(path)
        except WorkbenchError as exc:
            self.show_message(str(exc), "error")
            return False
        self.editors.setCurrentWidget(editor)
        self.update_actions()
        return True

    def open_settings_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open settings", "", "YAML or JSON (*.yml *.yaml *.json);;All files (*)"
        )
        if path:
            self.load_editor_file(self.settings_editor, path)

    def open_request_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open request", "", "JSON or YAML (*.json *.yml *.yaml);;All files (*)"
        )
        if path:
            self.load_editor_file(self.request_editor, path)

    def save_editor_as(self, editor: SettingsEditor | RequestEditor) -> None:
        suffix = "json" if editor.language == "json" else "yml"
        path, _ = QFileDialog.getSaveFileName(
            self, f"Save {editor.title.lower()}", f"{editor.title.lower()}.{suffix}"
        )
        if path:
            try:
                editor.save_file(path)
            except WorkbenchError as exc:
                self.show_message(str(exc), "error")

    def _ask_old_object(self) -> Any:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Old object for the UPDATE (cancel to reuse the object)",
            "",
            "YAML or JSON (*.yml *.yaml *.json)",
        )
        if not path:
            return None
        from workbench.core.yamlio import load_json_or_yaml, read_text

        try:
            return load_json_or_yaml(read_text(path, "old object"), path)
        except WorkbenchError as exc:
            self.show_message(str(exc), "error")
            return None

    def import_metadata(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import metadata.yml", "", "YAML or JSON (*.yml *.yaml *.json)"
        )
        if path:
            try:
                self.metadata_editor.import_file(path)
            except WorkbenchError as exc:
                self.show_message(str(exc), "error")
            self.editors.setCurrentWidget(self.metadata_editor)

    def export_metadata(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export metadata.yml", "metadata.yml", "YAML (*.yml *.yaml)"
        )
        if path:
            try:
                self.metadata_editor.export_file(path)
            except WorkbenchError as exc:
                self.show_message(str(exc), "error")
            else:
                self.show_message(f"Metadata exported to {path}", "success")

    # ------------------------------------------------------------------ running
    def edited_module(self) -> PolicyModule:
        """The open module with the metadata as edited (what Run and Validate Settings use)."""
        module = self.module
        if module is None:
            raise InputError("open a policy module first")
        md = self.metadata_editor.metadata()
        if md is None or not self.metadata_editor.valid:
            raise MetadataError("Metadata is invalid: " + "; ".join(self.metadata_editor.errors))
        if module.metadata is not None and md.to_dict() == module.metadata.to_dict():
            return module
        return dataclasses.replace(module, metadata=md)

    def run_config(self) -> Any:
        """The RunConfig of the current choices, built in the GUI thread (workers never read widgets)."""
        from workbench.core.runner import RunConfig

        config = RunConfig(
            entrypoint=self.module_pane.selected_entrypoint(),
            timeout=self.context.run_timeout,
            log=self.context.log.sink,
            allow_context_aware=self.context_aware_action.isChecked(),
            cluster_snapshot=self.cluster_snapshot,
        )
        policy = self.workspace.demo_policy
        if policy is not None and self._demo_matches_module(policy):
            config.execution_mode = policy.execution_mode
            if config.entrypoint is None:
                config.entrypoint = policy.entrypoint
        return config

    def choose_run_timeout(self) -> None:
        current = self.context.run_timeout or 0.0
        value, ok = QInputDialog.getDouble(
            self, "Evaluation deadline", "Seconds (0 = no deadline):", current, 0.0, 3600.0, 2
        )
        if ok:
            self.set_run_timeout(value)

    def set_run_timeout(self, seconds: float | None) -> None:
        """Set (and remember) the evaluation deadline; 0 or None means none."""
        self.context.run_timeout = seconds if seconds else None
        self.context.settings.setValue("run/timeout", float(seconds or 0.0))
        shown = f"{seconds:g} s" if seconds else "none"
        self.status_label.setText(f"Evaluation deadline: {shown}")

    def choose_cluster_snapshot(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Cluster snapshot", "", "Kubernetes objects (*.yml *.yaml *.json);;All files (*)"
        )
        if path:
            self.set_cluster_snapshot(Path(path))

    def set_cluster_snapshot(self, path: Path | None) -> None:
        self.cluster_snapshot = path
        self.clear_snapshot_action.setEnabled(path is not None)
        self.status_label.setText(f"Cluster snapshot: {path}" if path else "No cluster snapshot")

    def _demo_matches_module(self, policy: DemoPolicy) -> bool:
        module = self.module
        return module is not None and module.path is not None and module.path == policy.module.resolve()

    def run_policy(self) -> Task | None:
        blockers = self.run_blockers()
        if blockers:
            self.show_message("Cannot run: " + "; ".join(blockers), "warning")
            return None
        try:
            module = self.edited_module()
            settings = self.settings_editor.settings()
            md = module.metadata
            raw = bool(md and md.policy_type == "raw")
            request = build_validation_request(self.request_editor.result.value, raw)
        except WorkbenchError as exc:
            self.show_message(str(exc), "error")
            return None
        self.run_count += 1
        record = RunRecord(
            number=self.run_count,
            policy=module.name,
            request_label=_plain(self.request_editor.describe_ok(self.request_editor.result)),
            request_text=(self.request_editor.text(), self.request_editor.language),
            settings_text=(self.settings_editor.text(), self.settings_editor.language),
            request=request.request,
            original=request.original_object,
            settings=settings,
        )
        started = time.perf_counter()
        self.banner.hide()
        self.status_label.setText(f"Running {module.name}…")
        self.context.log.app(f"run #{record.number}: {module.name} ← {record.request_label}")
        config = self.run_config()

        def work(ctx: TaskContext) -> ValidationOutcome:
            from workbench.core.runner import PolicySession

            with PolicySession(module, dataclasses.replace(config, cancel=ctx.cancel)) as session:
                return session.run(request, settings)

        def finished(outcome: ValidationOutcome) -> None:
            record.outcome = outcome
            record.wall_s = time.perf_counter() - started
            self._run_done(record)

        def failed(error: ErrorInfo) -> None:
            record.wall_s = time.perf_counter() - started
            self.run_task = None
            if error.cancelled:
                self.show_error(error)
                self.update_actions()
                return
            record.error = error
            self._run_done(record)

        self.run_task = self.context.runner.run(work, "Run", on_finished=finished, on_failed=failed)
        self.update_actions()
        return self.run_task

    def _run_done(self, record: RunRecord) -> None:
        self.run_task = None
        self.result_view.add_record(record)
        self.result_dock.raise_()
        verdict = record.verdict
        self.status_label.setText(f"Run #{record.number}: {verdict}")
        message = f"run #{record.number}: {verdict}"
        if record.outcome is not None:
            message += f" in {record.outcome.elapsed_s * 1000:.1f} ms"
        self.context.log.app(message, "error" if verdict == "error" else "info")
        note, level = "", "error"
        case = self.workspace.demo_case
        policy = self.workspace.demo_policy
        if case is not None and policy is not None and self._demo_matches_module(policy):
            got = demo_verdict(record)
            if got == case.expect:
                note, level = f"Demo: expected {case.expect}, got {got} ✔", "success"
            else:
                note, level = f"Demo: expected {case.expect}, but the policy answered {got}", "warning"
        error = record.error
        if error is not None:
            self.context.log.app(f"{error.title}: {error.message}", "error")
            text = f"<b>{_esc(error.title)}</b>: {_esc(error.message)}"
            if note:
                text = f"{_esc(note)} — {text}"
            self.banner.show_message(text, level, error.details)
        elif note:
            self.show_message(note, level)
        self.update_actions()
        self.run_finished.emit(record)

    def restore_run(self, record: RunRecord) -> None:
        """Put the request and settings of an earlier run back into the editors (an undoable edit)."""
        if record.request_text is not None:
            self.request_editor.set_text(record.request_text[0], record.request_text[1], clean=False)
        if record.settings_text is not None:
            self.settings_editor.set_text(record.settings_text[0], record.settings_text[1], clean=False)
        self.editors.setCurrentWidget(self.request_editor)
        self.status_label.setText(f"Loaded the request and settings of run #{record.number}")
        self.update_actions()

    def cancel_tasks(self) -> None:
        if self.context.runner.busy:
            self.status_label.setText("Cancelling…")
            self.context.runner.cancel_all()

    def validate_settings(self) -> Task | None:
        try:
            module = self.edited_module()
            settings = self.settings_editor.settings()
        except WorkbenchError as exc:
            self.show_message(str(exc), "error")
            return None
        config = self.run_config()

        def work(ctx: TaskContext) -> Any:
            from workbench.core.runner import PolicySession

            with PolicySession(module, dataclasses.replace(config, cancel=ctx.cancel)) as session:
                return session.validate_settings(settings)

        def done(outcome: Any) -> None:
            if outcome.valid:
                self.last_settings_check = (True, "")
                self.show_message("The policy accepts these settings ✔", "success")
                self.settings_editor.status.setText(
                    '<span style="color:#2e7d32">✔ settings accepted by the policy</span>'
                )
            else:
                message = outcome.message or "no reason given"
                self.last_settings_check = (False, message)
                self.show_message(f"Provided settings are not valid: {message}", "error")
                self.settings_editor.status.setText(
                    f'<span style="color:#d32f2f">✖ settings rejected: {_esc(message)}</span>'
                )

        return self.context.runner.run(work, "Validate settings", on_finished=done, on_failed=self.show_error)

    # ------------------------------------------------------------------ annotate / push / pull / manifest
    def annotate_save_as(self, path: str | Path | None = None) -> Task | None:
        module = self.module
        if module is None:
            return None
        md = self.metadata_editor.metadata()
        if md is None or not self.metadata_editor.valid:
            self.show_message("Cannot annotate: the metadata is invalid", "error")
            return None
        if path is None:
            suggestion = (
                str(module.path.with_name(module.path.stem + "-annotated.wasm"))
                if module.path
                else "annotated.wasm"
            )
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Annotate and save as", suggestion, "WebAssembly (*.wasm)"
            )
            if not chosen:
                return None
            path = chosen
        target = Path(path)
        source_module = module

        def work(_ctx: TaskContext) -> tuple[Any, ModuleReport]:
            from workbench.core.annotate import annotate_module
            from workbench.core.module import load_module

            result = annotate_module(source_module, metadata=md, output=target)
            return result, gather_report(load_module(target), str(target))

        def done(value: tuple[Any, ModuleReport]) -> None:
            result, report = value
            self.set_module(report)
            text = f"Annotated module saved to {target}"
            if result.warnings:
                text += " — " + "; ".join(result.warnings)
                for warning in result.warnings:
                    self.context.log.app(warning, "warning")
            self.show_message(text, "warning" if result.warnings else "success")

        return self.context.runner.run(work, "Annotate", on_finished=done, on_failed=self.show_error)

    def show_push_dialog(self) -> PushDialog | None:
        module = self.module
        if module is None:
            return None
        if self.metadata_editor.dirty:
            self.show_message(
                "The metadata has unsaved edits: Push sends the module as loaded. Annotate and Save first to push them.",
                "warning",
            )
        dialog = PushDialog(self.context.runner, self.context.credentials, lambda: module.data, self)
        suggestion = suggested_reference(module)
        if suggestion:
            dialog.form.reference.setText(suggestion)
            dialog.form.fill_remembered()
        dialog.pushed.connect(lambda result: self.context.log.app(f"pushed {result.immutable_ref}"))
        dialog.setModal(False)
        dialog.show()
        self.push_dialog = dialog
        return dialog

    def show_pull_dialog(self, reference: str = "") -> PullDialog:
        dialog = PullDialog(self.context.runner, self.context.credentials, self)
        if reference:
            dialog.form.reference.setText(reference)
            dialog.form.fill_remembered()
        dialog.pulled.connect(lambda path, ref: self.open_module(path, ref))
        dialog.setModal(False)
        dialog.show()
        self.pull_dialog = dialog
        return dialog

    def module_source_uri(self) -> str | Path:
        report = self.workspace.report
        if report is None:
            raise InputError("open a policy module first")
        if report.module.path is not None and Path(report.source).exists():
            return report.module.path
        return report.source

    def manifest_text(self, kind: str, allow_context_aware: bool = False, title: str | None = None) -> Any:
        from workbench.core.scaffold.manifest import scaffold_manifest

        md = self.metadata_editor.metadata()
        settings = self.settings_editor.settings()
        return scaffold_manifest(
            md,
            self.module_source_uri(),
            kind,
            settings=settings,
            title=title or None,
            allow_context_aware=allow_context_aware,
        )

    def show_manifest_dialog(self) -> QDialog | None:
        if self.module is None:
            return None
        dialog = ManifestDialog(self)
        dialog.show()
        self.manifest_dialog = dialog
        return dialog

    # ------------------------------------------------------------------ demo
    def load_demo(self, demo: Demo) -> None:
        """Fill the Demo menu from the demo manifest (``resources/demo/demo.yml``)."""
        self.workspace.demo = demo
        self.demo_menu.clear()
        for policy in demo.policies:
            sub = self.demo_menu.addMenu(policy.title)
            if policy.engine != "wasm":
                sub.setEnabled(False)
                sub.setToolTip("Rego source policies run in the headless demo (policy-workbench demo)")
                continue
            open_action = sub.addAction("Open policy")
            open_action.triggered.connect(lambda _c=False, p=policy: self.open_demo_policy(p))
            for case in policy.cases:
                action = sub.addAction(f"{case.name} (expect {case.expect})")
                action.triggered.connect(lambda _c=False, p=policy, c=case: self.open_demo_policy(p, c))
        self.demo_menu.menuAction().setVisible(True)
        self.demo_requests_action.setVisible(True)

    def first_demo_policy(self) -> DemoPolicy:
        demo = self.workspace.demo
        if demo is None:
            raise InputError("no demo is loaded")
        for policy in demo.policies:
            if policy.engine == "wasm":
                return policy
        raise InputError(f"the demo in {demo.root} has no WebAssembly policy to open")

    def open_demo_policy(
        self, policy: DemoPolicy, case: DemoCase | None = None, *, on_loaded: Callable[[], None] | None = None
    ) -> Task | None:
        if policy.engine != "wasm":
            raise InputError(
                f"the demo policy {policy.id} is Rego source: run it with `policy-workbench demo`, "
                "the window opens WebAssembly modules"
            )
        self.workspace.demo_policy = policy
        self.context_aware_action.setChecked(policy.allow_context_aware)
        self.set_cluster_snapshot(policy.cluster_snapshot)
        case = case or (policy.cases[0] if policy.cases else None)
        self.demo_requests.blockSignals(True)
        self.demo_requests.clear()
        for item in policy.cases:
            self.demo_requests.addItem(f"{item.name} — expect {item.expect}", item)
        self.demo_requests.blockSignals(False)
        self._load_demo_settings(policy, case)
        if case is not None:
            self.select_demo_case(case)
        return self.open_module(policy.module, on_loaded=on_loaded)

    def _load_demo_settings(self, policy: DemoPolicy, case: DemoCase | None) -> None:
        settings = (case.settings if case is not None else None) or policy.settings
        if settings is not None:
            self.load_editor_file(self.settings_editor, settings)
        else:
            self.settings_editor.set_text("{}\n", "yaml")
            self.settings_editor.path = None

    def select_demo_case(self, case: DemoCase) -> None:
        self.workspace.demo_case = case
        policy = self.workspace.demo_policy
        if policy is not None and case.settings is not None:
            self._load_demo_settings(policy, case)
        self.load_editor_file(self.request_editor, case.request)
        if policy is not None and case in policy.cases:
            self.demo_requests.setCurrentIndex(policy.cases.index(case))

    def _demo_request_chosen(self, index: int) -> None:
        case = self.demo_requests.itemData(index)
        if isinstance(case, DemoCase):
            policy = self.workspace.demo_policy
            if policy is not None:
                self._load_demo_settings(policy, case)
            self.select_demo_case(case)

    # ------------------------------------------------------------------ layout persistence and closing
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized and not self._restored:
            self._sized = True
            QTimer.singleShot(0, self.apply_default_layout)

    def apply_default_layout(self) -> None:
        """Dock sizes for a first start (no saved layout): module 25 %, result 33 %, log 20 %."""
        width = max(self.width(), 900)
        self.resizeDocks(
            [self.module_dock, self.result_dock],
            [int(width * 0.25), int(width * 0.33)],
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks([self.log_dock], [max(140, int(self.height() * 0.2))], Qt.Orientation.Vertical)

    def _restore_run_timeout(self) -> None:
        saved = self.context.settings.value("run/timeout")
        if saved is None:
            return
        try:
            seconds = float(saved)
        except (TypeError, ValueError):
            return
        self.context.run_timeout = seconds if seconds > 0 else None

    def restore_layout(self) -> bool:
        saved = load_window_state(self.context.settings)
        if saved is None:
            return False
        geometry, state = saved
        self.restoreGeometry(geometry)
        self._restored = bool(self.restoreState(state, 1))
        return self._restored

    def save_layout(self) -> None:
        save_window_state(
            self.context.settings, QByteArray(self.saveGeometry()), QByteArray(self.saveState(1))
        )
        self.context.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        parts = self.dirty_parts()
        if parts and not self.confirm_discard(parts):
            event.ignore()
            return
        self.save_layout()
        self.context.runner.shutdown(5000)
        self.context.log.drain()
        event.accept()


class ManifestDialog(QDialog):
    """Export a ClusterAdmissionPolicy / AdmissionPolicy for the open module."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Export policy manifest")
        self.kind = QComboBox(self)
        self.kind.addItems(["ClusterAdmissionPolicy", "AdmissionPolicy"])
        self.kind.setAccessibleName("Manifest type")
        self.allow_context_aware = QCheckBox("Allow context-aware resources", self)
        self.allow_context_aware.setAccessibleName("Allow context-aware resources")
        self.title = QLineEdit(self)
        self.title.setAccessibleName("Policy name")
        self.title.setPlaceholderText("metadata.name (default: the policy title annotation)")
        self.text = CodeEditor(self, "yaml", window.context.dark)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Manifest YAML")
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)
        self.notes.setAccessibleName("Manifest warnings")
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("Save As…", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button = buttons.addButton("Copy", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save_as)
        self.copy_button.clicked.connect(self.copy)
        top = QHBoxLayout()
        top.addWidget(QLabel("Type:", self))
        top.addWidget(self.kind)
        top.addWidget(self.allow_context_aware)
        top.addWidget(QLabel("Name:", self))
        top.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.notes)
        layout.addWidget(buttons)
        self.resize(640, 520)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.allow_context_aware.toggled.connect(self.refresh)
        self.title.textChanged.connect(self.refresh)
        self.result: Any = None
        self.refresh()

    def refresh(self) -> None:
        try:
            self.result = self.window_.manifest_text(
                self.kind.currentText(), self.allow_context_aware.isChecked(), self.title.text().strip()
            )
        except WorkbenchError as exc:
            self.result = None
            self.text.setPlainText("")
            self.notes.setText(f'<span style="color:#d32f2f">⚠ {_esc(str(exc))}</span>')
            self.save_button.setEnabled(False)
            self.copy_button.setEnabled(False)
            return
        self.text.setPlainText(self.result.text)
        self.notes.setText("<br>".join(f"⚠ {_esc(w)}" for w in self.result.warnings))
        self.save_button.setEnabled(True)
        self.copy_button.setEnabled(True)

    def copy(self) -> None:
        from PySide6.QtGui import QGuiApplication

        if self.result is not None:
            QGuiApplication.clipboard().setText(self.result.text)

    def save_as(self, path: str | None = None) -> None:
        if self.result is None:
            return
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save manifest", "policy.yaml", "YAML (*.yaml *.yml)")
            if not path:
                return
        from workbench.core.yamlio import atomic_write

        try:
            atomic_write(path, self.result.text)
        except OSError as exc:
            self.notes.setText(
                f'<span style="color:#d32f2f">⚠ cannot write {_esc(path)}: {_esc(str(exc))}</span>'
            )


def suggested_reference(module: PolicyModule) -> str:
    """Where the policy says it is published: ``io.kubewarden.policy.ociUrl`` tagged with its version."""
    md = module.metadata
    url = (md.annotation("io.kubewarden.policy.ociUrl") or "").strip() if md else ""
    if not url:
        return ""
    version = (md.annotation("io.kubewarden.policy.version") or "").strip() if md else ""
    last = url.rsplit("/", 1)[-1]
    if version and ":" not in last and "@" not in url:
        url = f"{url}:v{version.removeprefix('v')}"
    return url if url.startswith("registry://") else f"registry://{url}"


def demo_verdict(record: RunRecord) -> str:
    """A run in the demo manifest's vocabulary: accepted, rejected, mutated, settings-error, error."""
    if record.error is not None:
        return "settings-error" if record.error.exception_type == "SettingsError" else "error"
    if record.outcome is not None and record.outcome.response.patch:
        return "mutated"
    return record.verdict


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", html)
