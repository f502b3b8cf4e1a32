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

    from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

    from workbench.gui.context import AppContext
    from workbench.gui.dialogs import MessageBanner
    from workbench.gui.editors import CaseEditor, SettingsEditor
    from workbench.gui.errors import ErrorInfo
    from workbench.gui.metadataeditor import MetadataEditor
    from workbench.gui.modulepane import ModulePane
    from workbench.gui.resultview import ResultView, RunRecord
    from workbench.gui.workspace import Workspace, WsCase, WsPolicy
    from workbench.gui.workspacetree import WorkspaceTree

__all__ = ["WindowView"]


class WindowView(Protocol):
    context: AppContext
    workspace: Workspace
    open_policy: WsPolicy | None
    current_case: WsCase | None
    module_pane: ModulePane
    metadata_editor: MetadataEditor
    settings_editor: SettingsEditor
    case_editor: CaseEditor
    result_view: ResultView
    tree: WorkspaceTree
    banner: MessageBanner
    status_label: QLabel
    editors: QTabWidget
    ask_unsaved: Callable[[list[str]], str]
    #: file dialogs go through these (tests replace them): (title, start, filter) -> path or ""
    ask_open_path: Callable[[str, str, str], str]
    ask_save_path: Callable[[str, str, str], str]

    @property
    def module(self) -> Any: ...

    def widget(self) -> QWidget: ...

    def show_message(self, text: str, level: str = "info") -> None: ...

    def show_error(self, error: ErrorInfo) -> None: ...

    def update_actions(self) -> None: ...

    def refresh_stale(self) -> None: ...

    def confirm_discard(self, parts: list[str]) -> bool: ...

    def dirty_parts(self) -> list[str]: ...

    def emit_module_loaded(self, report: Any) -> None: ...

    def emit_run_finished(self, record: RunRecord) -> None: ...
