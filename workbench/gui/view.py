"""What commands and tools need from the window: a Protocol, so no module imports ``mainwindow``.

git-cola's pattern (``cola/cmds.py``): a user action is a small command that receives the
application context and the view; widgets only wire signals to commands. Commands in
:mod:`workbench.gui.cmds_open`, :mod:`workbench.gui.cmds_run` and :mod:`workbench.gui.cmds_files`
take a :class:`WindowView`; :class:`workbench.gui.mainwindow.MainWindow` is the one implementation
(tests drive the real window).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel, QProgressBar, QTabWidget, QWidget

    from workbench.core import RegistryOptions
    from workbench.gui.context import AppContext
    from workbench.gui.dialogs import MessageBanner, PullDialog
    from workbench.gui.editors import CaseEditor, RequestEditor, SettingsEditor
    from workbench.gui.errors import ErrorInfo
    from workbench.gui.evaluation import LoadedPolicy
    from workbench.gui.metadataeditor import MetadataEditor
    from workbench.gui.modulepane import ModulePane
    from workbench.gui.resultview import ResultView, RunRecord
    from workbench.gui.settingsform import SettingsPage
    from workbench.gui.tasks import Progress, Task
    from workbench.gui.workspace import Workspace, WsCase, WsPolicy
    from workbench.gui.workspacetree import WorkspaceTree

__all__ = ["WindowView"]


class WindowView(Protocol):
    """The window as commands see it: its state, panes, actions and a few services."""

    context: AppContext
    workspace: Workspace
    open_policy: WsPolicy | None
    current_case: WsCase | None
    loaded: LoadedPolicy | None
    policy_keys: dict[str, str]
    run_task: Task | None
    suite_task: Task | None
    run_count: int
    syncing: bool
    last_settings_check: tuple[bool, str] | None
    push_dialog: Any
    pull_dialog: Any
    manifest_dialog: Any
    impact_dialog: Any
    watching: bool
    # panes
    module_pane: ModulePane
    metadata_editor: MetadataEditor
    settings_editor: SettingsEditor
    settings_page: SettingsPage
    case_editor: CaseEditor
    request_editor: RequestEditor
    result_view: ResultView
    tree: WorkspaceTree
    banner: MessageBanner
    status_label: QLabel
    run_reason: QLabel
    run_options_label: QLabel
    progress: QProgressBar
    editors: QTabWidget
    # actions
    run_action: QAction
    run_suite_action: QAction
    run_policy_action: QAction
    cancel_action: QAction
    validate_settings_action: QAction
    annotate_action: QAction
    push_action: QAction
    export_manifest_action: QAction
    export_metadata_action: QAction
    save_case_action: QAction
    context_aware_action: QAction
    clear_snapshot_action: QAction
    scope_action: QAction
    watch_action: QAction
    # services (tests replace the three askers)
    ask_unsaved: Callable[[list[str]], str]
    ask_open_path: Callable[[str, str, str], str]
    ask_save_path: Callable[[str, str, str], str]

    @property
    def module(self) -> Any: ...

    def widget(self) -> QWidget: ...

    def show_message(self, text: str, level: str = "info") -> None: ...

    def show_error(self, error: ErrorInfo) -> None: ...

    def update_actions(self) -> None: ...

    def emit_module_loaded(self, loaded: LoadedPolicy) -> None: ...

    def update_run_options(self) -> None: ...

    def refresh_stale(self) -> None: ...

    def refresh_recent(self) -> None: ...

    def confirm_discard(self, parts: list[str]) -> bool: ...

    def dirty_parts(self) -> list[str]: ...

    def registry_options(self) -> RegistryOptions: ...

    def set_loaded(self, loaded: LoadedPolicy) -> None: ...

    def show_case_result(self) -> None: ...

    def show_pull_dialog(self, reference: str = "") -> PullDialog: ...

    def run_blockers(self) -> list[str]: ...

    def check_scope_enabled(self) -> bool: ...

    def run_done(self, record: RunRecord) -> None: ...

    def suite_done(self, done_records: list[RunRecord], wall_s: float, problems: list[str]) -> None: ...

    def task_progress(self, progress: Progress) -> None: ...

    def run_policy_cases(self, policy: WsPolicy | None = None) -> Task | None: ...

    def run_all_cases(self) -> Task | None: ...

    def cancel_tasks(self) -> None: ...

    def save_current_result_as_case(self) -> WsCase | None: ...

    def set_watching(self, on: bool) -> None: ...

    def watch_policy(self) -> None: ...

    def set_context_aware(self, allowed: bool) -> None: ...

    def choose_cluster_snapshot(self) -> None: ...

    def set_cluster_snapshot(self, path: Path | None) -> None: ...

    def choose_run_timeout(self) -> None: ...

    def choose_memory_limit(self) -> None: ...

    def choose_history_size(self) -> None: ...
