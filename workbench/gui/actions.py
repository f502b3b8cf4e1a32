"""The window's actions, menus and toolbar; each action triggers one command (``cmds_*``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from workbench.gui import cmds_files, cmds_open, cmds_run, impactview

if TYPE_CHECKING:
    from workbench.gui.view import WindowView

__all__ = ["Actions"]


class Actions:
    """Every QAction of the window, created once and wired to commands."""

    def __init__(self, window: QMainWindow, view: WindowView) -> None:
        self.window = window
        self.view = view
        a = self._action
        v = view
        self.new_workspace = a(
            "&New Workspace", lambda: cmds_open.new_workspace(v), QKeySequence.StandardKey.New
        )
        self.open_workspace = a(
            "Open &Workspace…", lambda: cmds_open.choose_and_open_workspace(v), "Ctrl+Shift+W"
        )
        self.save_workspace = a(
            "&Save Workspace", lambda: cmds_open.save_workspace_cmd(v), QKeySequence.StandardKey.Save
        )
        self.save_workspace_as = a(
            "Save Workspace &As…", lambda: cmds_open.save_workspace_cmd(v, save_as=True)
        )
        self.open_action = a(
            "&Open Policy…",
            lambda: cmds_open.choose_and_open_policy(v),
            QKeySequence.StandardKey.Open,
            "Open a .wasm module, .rego source or policy manifest",
        )
        self.pull_action = a(
            "Open &Reference / Pull…",
            lambda: cmds_files.show_pull_dialog(v),
            "Ctrl+Shift+O",
            "Pull a policy from an OCI registry",
        )
        self.run_action = a(
            "&Run Case",
            lambda: cmds_run.run_selected(v),
            "F5",
            "Evaluate the selected case with the policy (F5 or Ctrl+Return)",
        )
        self.run_action.setShortcuts([QKeySequence("F5"), QKeySequence("Ctrl+Return")])
        self.run_policy_action = a(
            "Run &Policy's Cases",
            lambda: v.run_policy_cases(),
            "Shift+F5",
            "Run every case of the selected policy",
        )
        self.run_suite_action = a(
            "Run &All Cases", lambda: v.run_all_cases(), "Ctrl+F5", "Run every case of the workspace"
        )
        self.cancel_action = a(
            "&Cancel", lambda: v.cancel_tasks(), "Ctrl+.", "Stop the running policy or transfer"
        )
        self.validate_settings_action = a(
            "&Validate Settings",
            lambda: cmds_run.validate_settings(v),
            "Ctrl+Shift+V",
            "Ask the policy whether the settings are valid",
        )
        self.save_case_action = a(
            "Save Result as &Case…",
            lambda: v.save_current_result_as_case(),
            "Ctrl+Shift+K",
            "Keep the inputs of the shown result as a case, its outcome as the expectation",
        )
        self.impact_action = a(
            "&Impact of Another Version…",
            lambda: impactview.choose_and_run_impact(v),
            tip="Run the policy's cases against another version of it and list the cases that change",
            name="impact",
        )
        self.history_size_action = a(
            "Run &History Size…",
            lambda: v.choose_history_size(),
            tip="How many runs the history keeps",
            name="history_size",
        )
        self.scope_action = a(
            "Check &Scope",
            lambda: v.refresh_stale(),
            tip="Skip requests the API server would not send to the policy (its rules, selectors, match conditions)",
            name="check_scope",
        )
        self.scope_action.setCheckable(True)
        self.scope_action.setChecked(True)
        self.watch_action = a(
            "&Watch Files",
            lambda: v.set_watching(self.watch_action.isChecked()),
            tip="Re-run the affected cases when a module or input file changes on disk",
            name="watch_files",
        )
        self.watch_action.setCheckable(True)
        self.annotate_action = a(
            "&Annotate and Save As…",
            lambda: cmds_files.annotate_save_as(v),
            "Ctrl+Shift+S",
            "Embed the edited metadata into a new .wasm",
        )
        self.push_action = a(
            "&Push…",
            lambda: cmds_files.show_push_dialog(v),
            "Ctrl+Shift+P",
            "Push the module to an OCI registry",
        )
        self.export_manifest_action = a(
            "Export &Manifest…",
            lambda: cmds_files.show_manifest_dialog(v),
            "Ctrl+Shift+E",
            "ClusterAdmissionPolicy / AdmissionPolicy YAML",
        )
        self.save_archive_action = a(
            "Save Policies to Archive…", lambda: cmds_files.save_policies_archive(v), name="save_policies"
        )
        self.load_archive_action = a(
            "Load Policies from Archive…", lambda: cmds_files.load_policies_archive(v), name="load_policies"
        )
        self.import_metadata_action = a("&Import metadata.yml…", lambda: cmds_files.import_metadata(v))
        self.export_metadata_action = a("E&xport metadata.yml…", lambda: cmds_files.export_metadata(v))
        self.open_settings_action = a(
            "Open Settings File…", lambda: cmds_files.open_editor_file(v, v.settings_editor)
        )
        self.save_settings_action = a(
            "Save Settings As…", lambda: cmds_files.save_editor_as(v, v.settings_editor)
        )
        self.open_request_action = a(
            "Open Request File…", lambda: cmds_files.open_editor_file(v, v.case_editor.request)
        )
        self.save_request_action = a(
            "Save Request As…", lambda: cmds_files.save_editor_as(v, v.case_editor.request)
        )
        self.quit_action = a("&Quit", window.close, QKeySequence.StandardKey.Quit)
        self.context_aware_action = a(
            "Allow &Context-Aware Resources",
            lambda: v.set_context_aware(self.context_aware_action.isChecked()),
            tip="Let the policy read the cluster resources its metadata declares",
            name="allow_context_aware",
        )
        self.context_aware_action.setCheckable(True)
        self.snapshot_action = a(
            "Cluster &Snapshot…",
            lambda: v.choose_cluster_snapshot(),
            tip="Kubernetes objects (a YAML/JSON file or a folder) that context-aware policies read",
            name="cluster_snapshot",
        )
        self.clear_snapshot_action = a("Clear Cluster Snapshot", lambda: v.set_cluster_snapshot(None))
        self.clear_snapshot_action.setEnabled(False)
        self.deadline_action = a(
            "Evaluation &Deadline…",
            lambda: v.choose_run_timeout(),
            tip="Seconds a policy may run before it is interrupted (Cancel always works)",
            name="evaluation_deadline",
        )
        self.memory_action = a(
            "&Memory Limit…",
            lambda: v.choose_memory_limit(),
            tip="Memory a policy may use",
            name="memory_limit",
        )
        self.show_policy_action = a("Policy", lambda: v.editors.setCurrentIndex(0), "Alt+1")
        self.show_metadata_action = a("Metadata", lambda: v.editors.setCurrentIndex(1), "Alt+2")
        self.show_settings_action = a("Settings", lambda: v.editors.setCurrentIndex(2), "Alt+3")
        self.show_request_action = a("Case", lambda: v.editors.setCurrentIndex(3), "Alt+4")

    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: Any = None,
        tip: str = "",
        name: str = "",
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.setObjectName(
            name or text.replace("&", "").replace("…", "").replace("'", "").replace(" ", "_").lower()
        )
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    def build_menus(self, undo: QAction, redo: QAction, docks: list[QAction]) -> dict[str, QMenu]:
        bar = self.window.menuBar()
        menus: dict[str, QMenu] = {}
        file_menu = bar.addMenu("&File")
        for action in (self.new_workspace, self.open_workspace, self.save_workspace, self.save_workspace_as):
            file_menu.addAction(action)
        menus["recent"] = file_menu.addMenu("Open Recent")
        file_menu.addSeparator()
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.pull_action)
        file_menu.addSeparator()
        for action in (
            self.annotate_action,
            self.push_action,
            self.export_manifest_action,
            self.save_archive_action,
            self.load_archive_action,
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
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        run_menu = bar.addMenu("&Run")
        for action in (
            self.run_action,
            self.run_policy_action,
            self.run_suite_action,
            self.cancel_action,
            self.validate_settings_action,
            self.save_case_action,
            self.impact_action,
            self.scope_action,
            self.watch_action,
        ):
            run_menu.addAction(action)
        policy_menu = bar.addMenu("&Policy")
        for action in (
            self.context_aware_action,
            self.snapshot_action,
            self.clear_snapshot_action,
            self.deadline_action,
            self.memory_action,
            self.history_size_action,
        ):
            policy_menu.addAction(action)
        menus["policy"] = policy_menu
        view_menu = bar.addMenu("&View")
        for action in (
            self.show_policy_action,
            self.show_metadata_action,
            self.show_settings_action,
            self.show_request_action,
        ):
            view_menu.addAction(action)
        view_menu.addSeparator()
        for action in docks:
            view_menu.addAction(action)
        return menus

    def build_toolbar(self) -> QToolBar:
        """A short toolbar: what fits at 1024 px without an overflow menu (the rest is in the menus)."""
        toolbar = QToolBar("Main", self.window)
        toolbar.setObjectName("mainToolbar")
        toolbar.setAccessibleName("Main toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addAction(self.open_workspace)
        toolbar.addAction(self.open_action)
        toolbar.addAction(self.save_workspace)
        toolbar.addSeparator()
        toolbar.addAction(self.run_action)
        toolbar.addAction(self.run_suite_action)
        toolbar.addAction(self.cancel_action)
        toolbar.addSeparator()
        toolbar.addAction(self.save_case_action)
        return toolbar
