"""Commands that decide what is open: policies, workspaces, cases, recent items, dropped files.

Each function receives the window (a :class:`~workbench.gui.view.WindowView`) and does one user
action; long work runs in a worker task through ``view.context.runner``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.core import InputError, WorkbenchError, load_demo, read_text
from workbench.gui import textdoc
from workbench.gui.errors import ErrorInfo
from workbench.gui.evaluation import LoadedPolicy, load_policy
from workbench.gui.resultview import RunRecord
from workbench.gui.tasks import Task, TaskContext
from workbench.gui.view import WindowView
from workbench.gui.workspace import CaseResult, Workspace, WsCase, WsPolicy
from workbench.gui.workspace_io import load_workspace, save_workspace

__all__ = [
    "add_files",
    "choose_and_open_policy",
    "choose_and_open_workspace",
    "new_workspace",
    "open_demo",
    "open_policy_source",
    "open_recent",
    "open_workspace",
    "save_result_as_case",
    "save_workspace_cmd",
    "select_case",
    "set_workspace",
]

POLICY_FILTER = (
    "Policies (*.wasm *.rego *.yaml *.yml);;WebAssembly modules (*.wasm);;Rego source (*.rego);;All files (*)"
)
WORKSPACE_FILTER = "Workspaces (*.yaml *.yml);;All files (*)"


def _is_policy_file(path: Path) -> bool:
    if path.suffix.lower() in (".wasm", ".rego"):
        return True
    if path.is_dir():
        return any(path.glob("*.rego"))
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")[:20000]
        except OSError:
            return False
        return "policies.kubewarden.io" in text and "kind:" in text
    return False


def set_workspace(view: WindowView, workspace: Workspace, *, select_first: bool = True) -> None:
    """Show ``workspace`` in the tree (nothing open until a case is selected)."""
    view.workspace = workspace
    view.open_policy = None
    view.current_case = None
    view.loaded = None
    view.module_pane.clear()
    view.metadata_editor.set_no_policy()
    view.result_view.clear()
    view.tree.set_workspace(workspace)
    view.update_actions()
    if select_first:
        first = next((p for p in workspace.policies if p.cases), None)
        if first is not None:
            select_case(view, first, first.cases[0])


def new_workspace(view: WindowView) -> bool:
    if not view.confirm_discard(view.dirty_parts()):
        return False
    set_workspace(view, Workspace(root=Path.cwd()))
    view.status_label.setText("New workspace: open or drop policies to add them")
    return True


def choose_and_open_workspace(view: WindowView) -> None:
    path = view.ask_open_path("Open workspace", "", WORKSPACE_FILTER)
    if path:
        open_workspace(view, path)


def open_workspace(
    view: WindowView,
    path: str | Path,
    *,
    on_loaded: Callable[[], None] | None = None,
    select_first: bool = True,
) -> bool:
    if not view.confirm_discard(view.dirty_parts()):
        return False
    try:
        workspace = load_workspace(path)
    except WorkbenchError as exc:
        view.show_message(str(exc), "error")
        return False
    view.context.recent.add(str(workspace.path))
    view.refresh_recent()
    set_workspace(view, workspace, select_first=False)
    first = next((p for p in workspace.policies if p.cases), None)
    if first is not None and select_first:
        select_case(view, first, first.cases[0], on_loaded=on_loaded)
    view.status_label.setText(f"Opened workspace {workspace.title}")
    return True


def open_demo(view: WindowView, root: Path | None = None, **kwargs: Any) -> bool:
    """The bundled demo as a workspace (``resources/demo/demo.suite.yaml``)."""
    demo = load_demo(root)
    return open_workspace(view, demo.root, **kwargs)


def save_workspace_cmd(view: WindowView, save_as: bool = False) -> bool:
    ws = view.workspace
    target: str | Path | None = ws.path
    if save_as or target is None:
        suggestion = str(ws.path or (ws.root / "workspace.yaml"))
        target = view.ask_save_path("Save workspace", suggestion, WORKSPACE_FILTER)
        if not target:
            return False
    try:
        written = save_workspace(ws, target)
    except (WorkbenchError, OSError) as exc:
        view.show_message(f"cannot save the workspace: {exc}", "error")
        return False
    view.context.recent.add(str(written))
    view.refresh_recent()
    view.tree.refresh()
    view.update_actions()
    view.status_label.setText(f"Workspace saved to {written.name}")
    return True


def choose_and_open_policy(view: WindowView) -> None:
    path = view.ask_open_path("Open policy", "", POLICY_FILTER)
    if path:
        open_policy_source(view, path)


def open_policy_source(
    view: WindowView,
    text: str | Path,
    *,
    on_loaded: Callable[[], None] | None = None,
    recent_as: str | None = None,
) -> Task | None:
    """Open one policy (file or reference) as an unsaved workspace with a scratch case.

    ``recent_as``: what the recent list remembers instead (the registry reference of a pulled module)."""
    if not view.confirm_discard(view.dirty_parts()):
        return None
    text = str(Path(text).resolve()) if Path(text).exists() else str(text)
    workspace = Workspace(root=Path(text).parent if Path(text).exists() else Path.cwd())
    title = recent_as.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0] if recent_as else None
    policy = workspace.add_module(text, title=title)
    workspace.structure_changed = False
    request = view.case_editor.request
    policy.cases[0].request_text = request.text()  # keep what the user already typed
    policy.cases[0].mark_saved()
    policy.settings_text = view.settings_editor.text() or None
    policy.saved_settings = policy.settings_text
    set_workspace(view, workspace, select_first=False)
    view.context.recent.add(recent_as or text)
    view.refresh_recent()
    return select_case(view, policy, policy.cases[0], on_loaded=on_loaded, force_reload=True)


def add_files(view: WindowView, paths: list[Path]) -> None:
    """Dropped files: policies join the workspace, a request becomes a case, metadata.yml is imported."""
    for path in paths:
        if _is_policy_file(path):
            if not view.workspace.policies:
                open_policy_source(view, path)
                continue
            policy = view.workspace.add_module(str(path.resolve()))
            view.tree.rebuild(select=policy.cases[0])
            select_case(view, policy, policy.cases[0])
        elif path.name.lower() in ("metadata.yml", "metadata.yaml"):
            try:
                view.metadata_editor.import_file(path)
            except WorkbenchError as exc:
                view.show_message(str(exc), "error")
            view.editors.setCurrentWidget(view.metadata_editor)
        elif path.suffix.lower() in (".json", ".yml", ".yaml"):
            add_request_case(view, path)
        else:
            view.show_message(f"{path.name}: not a policy, request or metadata file", "warning")
    view.update_actions()


def add_request_case(view: WindowView, path: Path) -> WsCase | None:
    policy = view.open_policy
    try:
        text = read_text(path, "request file")
    except WorkbenchError as exc:
        view.show_message(str(exc), "error")
        return None
    if policy is None:
        view.case_editor.request.set_text(text, "json" if path.suffix.lower() == ".json" else None)
        view.case_editor.request.path = path
        return None
    case = WsCase(name=policy.unique_case_name(path.stem), request_text=text, request_path=path.resolve())
    case.mark_saved()
    policy.cases.append(case)
    view.workspace.structure_changed = True
    view.tree.rebuild(select=case)
    select_case(view, policy, case)
    return case


def select_case(
    view: WindowView,
    policy: WsPolicy,
    case: WsCase | None,
    *,
    on_loaded: Callable[[], None] | None = None,
    force_reload: bool = False,
) -> Task | None:
    """Show ``case`` (loading its policy first when another one is open)."""
    if policy is not view.open_policy or force_reload:
        if view.metadata_editor.dirty and not view.confirm_discard(["metadata"]):
            if view.current_case is not None:
                view.tree.select_case(view.current_case)
            return None
        view.open_policy = policy
        view.current_case = case
        view.loaded = None
        view.result_view.clear()
        view.module_pane.clear()
        _show_case(view, policy, case)
        view.tree.select_case(case) if case is not None else None
        return load_policy_into_window(view, policy, on_loaded=on_loaded)
    view.current_case = case
    _show_case(view, policy, case)
    if case is not None:
        view.tree.select_case(case)
    if on_loaded is not None:
        on_loaded()
    return None


def _show_case(view: WindowView, policy: WsPolicy, case: WsCase | None) -> None:
    """Put the case's texts into the editors (a load, not an edit) and its last result on the right."""
    view.syncing = True
    try:
        settings_text = (
            case.settings_text
            if case is not None and case.settings_text is not None
            else policy.settings_text
        )
        view.settings_editor.set_text(settings_text or "")
        view.settings_editor.scope_label.setText(
            "Settings of this case"
            if case is not None and case.settings_text is not None
            else f"Settings of {policy.title}"
        )
        if case is not None:
            view.case_editor.request.set_text(case.request_text, textdoc.detect_language(case.request_text))
            view.case_editor.request.path = case.request_path
            view.case_editor.set_expectation(case.name, case.expect, case.message)
            view.case_editor.setEnabled(True)
        else:
            view.case_editor.set_expectation(policy.title, None, None)
    finally:
        view.syncing = False
    view.show_case_result()
    view.update_actions()


def load_policy_into_window(
    view: WindowView, policy: WsPolicy, *, on_loaded: Callable[[], None] | None = None
) -> Task:
    text = policy.module
    view.status_label.setText(f"Opening {Path(text).name}…")
    registry = view.registry_options()

    mode = policy.execution_mode

    def work(_ctx: TaskContext) -> LoadedPolicy:
        return load_policy(text, registry, mode)

    def done(loaded: LoadedPolicy) -> None:
        if view.open_policy is not policy:
            return  # another policy was opened meanwhile
        view.set_loaded(loaded)
        if on_loaded is not None:
            on_loaded()

    def failed(error: ErrorInfo) -> None:
        if view.open_policy is policy and text.endswith(".rego") and Path(text).is_file():
            try:
                view.module_pane.show_rego_error(Path(text).read_text(encoding="utf-8"), error.message)
            except OSError:
                pass
        view.show_error(error)
        view.update_actions()

    return view.context.runner.run(work, "Open policy", on_finished=done, on_failed=failed)


def open_recent(view: WindowView, item: str) -> None:
    path = Path(item)
    if path.is_file() and path.suffix.lower() in (".yaml", ".yml") and not _is_policy_file(path):
        open_workspace(view, path)
    elif path.exists():
        open_policy_source(view, path)
    elif "://" in item or not item.startswith(("/", ".", "~")):
        view.show_pull_dialog(item)
    else:
        view.show_message(f"{item} no longer exists", "warning")
        view.context.recent.remove(item)
        view.refresh_recent()


def require_policy(view: WindowView) -> LoadedPolicy:
    if view.loaded is None:
        raise InputError("open a policy first")
    return view.loaded


# -- results into cases ------------------------------------------------------------------------------
def save_result_as_case(view: WindowView, record: RunRecord, name: str | None = None) -> WsCase | None:
    """A new case from a result: its inputs, and its outcome as the (editable) expectation."""
    policy = view.open_policy
    if policy is None or record.request_text is None:
        return None
    base = name or f"{record.request_label[:40]} ({record.verdict})"
    expect = "allowed" if record.verdict == "accepted" else record.verdict
    message = None
    if record.verdict in ("rejected", "settings-error") and record.message:
        message = re.escape(record.message.splitlines()[0][:120])  # a suite message is a regular expression
    case = WsCase(
        name=policy.unique_case_name(base),
        request_text=record.request_text[0],
        expect=expect,
        message=message,
    )
    if record.settings_text is not None and record.settings_text[0] != (policy.settings_text or ""):
        case.settings_text = record.settings_text[0]
    reason = f"expected {expect}, got {record.verdict} (saved from run #{record.number})"
    case.result = CaseResult(record.verdict, record.message, record.digest, True, reason, record)
    policy.cases.append(case)
    view.workspace.structure_changed = True
    view.tree.rebuild(select=case)
    select_case(view, policy, case)
    view.editors.setCurrentWidget(view.case_editor)
    view.show_message(
        f"Saved as case “{case.name}” expecting {expect}: edit the expectation above the request", "success"
    )
    return case
