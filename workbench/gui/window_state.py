"""The window's state logic as a mixin of :class:`~workbench.gui.mainwindow.MainWindow`:
what is dirty, what blocks Run, which result is stale, run options, watch mode and history reopen.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QFileSystemWatcher, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from workbench.core import WorkbenchError
from workbench.gui import cmds_files, cmds_open, cmds_run, runoptions
from workbench.gui.evaluation import LoadedPolicy, policy_input_key

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow

    from workbench.core import HistoryEntry
    from workbench.gui.view import WindowView
    from workbench.gui.workspace import WsCase, WsPolicy

    class _Base(QMainWindow, WindowView):  # what the mixin may use: the window's widgets and the view
        ...

else:
    _Base = object

__all__ = ["WindowStateMixin"]

APP_TITLE = "Policy Workbench"


class WindowStateMixin(_Base):
    loaded: LoadedPolicy | None
    current_case: WsCase | None

    # ------------------------------------------------------------------ dirty and title
    def dirty_parts(self) -> list[str]:
        """What would be lost: only things that really changed since they were loaded or saved."""
        parts = []
        if self.loaded is not None and self.metadata_editor.has_policy and self.metadata_editor.dirty:
            parts.append("metadata")
        ws = self.workspace
        if ws.path is not None:
            if ws.dirty:
                parts.append("workspace")
        else:
            if any(p.settings_text != p.saved_settings for p in ws.policies):
                parts.append("settings")
            if any(c.dirty for p in ws.policies for c in p.cases):
                parts.append("request")
        return parts

    def _update_title(self, *_args: object) -> None:
        name = self.open_policy.title if self.open_policy is not None else None
        dirty = bool(self.dirty_parts())
        self.setWindowModified(dirty)
        ws = self.workspace.title
        title = f"{name} — {ws}[*] — {APP_TITLE}" if name else f"{ws}[*] — {APP_TITLE}"
        self.setWindowTitle(title)
        labels = {1: ("Metadata", self.metadata_editor.dirty and self.loaded is not None)}
        case = self.current_case
        if self.open_policy is not None:
            settings_dirty = (
                case.settings_text != case.saved[1]
                if case is not None and case.settings_text is not None
                else self.open_policy.settings_text != self.open_policy.saved_settings
            )
            labels[2] = ("Settings", settings_dirty)
            labels[3] = ("Case", case is not None and case.request_text != case.saved[0])
        for index, (label, is_dirty) in labels.items():
            self.editors.setTabText(index, label + (" *" if is_dirty else ""))

    # ------------------------------------------------------------------ asking the user
    def _ask_unsaved_dialog(self, parts: list[str]) -> str:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved changes")
        box.setText(f"The {', '.join(parts)} {'has' if len(parts) == 1 else 'have'} unsaved changes.")
        box.setInformativeText("Save them first? (Edited metadata is saved as a metadata.yml file.)")
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

    def _ask_open_path(self, title: str, start: str, filters: str) -> str:
        return QFileDialog.getOpenFileName(self, title, start, filters)[0]

    def _ask_save_path(self, title: str, start: str, filters: str) -> str:
        return QFileDialog.getSaveFileName(self, title, start, filters)[0]

    def confirm_discard(self, parts: list[str]) -> bool:
        """True when it is fine to drop the edits of ``parts`` (saved, or discarded on purpose)."""
        if not parts:
            return True
        answer = self.ask_unsaved(parts)
        if answer == "save":
            return self.save_parts(parts)
        return answer == "discard"

    def save_parts(self, parts: list[str], paths: dict[str, str] | None = None) -> bool:
        paths = paths or {}
        if "metadata" in parts and not cmds_files.save_metadata(self, paths.get("metadata")):
            return False
        if any(p != "metadata" for p in parts):
            target = paths.get("workspace")
            if target is not None:
                self.workspace.path = Path(target)
            if not cmds_open.save_workspace_cmd(self):
                return False
        self._update_title()
        return True

    # ------------------------------------------------------------------ run blockers and actions
    def run_blockers(self) -> list[str]:
        """Why Run is disabled (empty when it is enabled)."""
        reasons = []
        loaded = self.loaded
        if self.open_policy is None:
            reasons.append("open a policy first")
        elif loaded is None:
            reasons.append("the policy is still loading (or could not be opened)")
        elif loaded.module is not None and loaded.module.kind == "unknown":
            reasons.append(f"this module cannot be run: {loaded.module.kind_reason}")
        if self.current_case is None and self.open_policy is not None:
            reasons.append("select a case in the Workspace pane")
        if self.run_task is not None or self.suite_task is not None:
            reasons.append("a run is in progress")
        if loaded is not None and loaded.module is not None and not self.metadata_editor.valid:
            reasons.append("the metadata is invalid (see the Metadata tab)")
        for problem in (self.settings_editor.problem(), self.request_editor.problem()):
            if problem:
                reasons.append(problem)
        return reasons

    def update_actions(self) -> None:
        has_module = self.module is not None
        busy = self.context.runner.busy
        blockers = self.run_blockers()
        self.run_action.setEnabled(not blockers)
        self.run_action.setToolTip(
            "Evaluate the selected case (F5)" if not blockers else "Run is disabled: " + "; ".join(blockers)
        )
        if blockers and self.loaded is not None:
            self.run_reason.setText(
                '<span style="color:#d32f2f">Run is disabled: ' + _esc("; ".join(blockers)) + "</span>"
            )
            self.run_reason.show()
        else:
            self.run_reason.hide()
            self.run_reason.setText("")
        has_cases = any(p.cases for p in self.workspace.policies)
        running = self.run_task is not None or self.suite_task is not None
        self.run_suite_action.setEnabled(has_cases and not running)
        self.run_policy_action.setEnabled(self.open_policy is not None and not running)
        self.cancel_action.setEnabled(busy)
        self.validate_settings_action.setEnabled(
            self.loaded is not None and self.settings_editor.problem() is None and self.run_task is None
        )
        self.settings_editor.validate_button.setEnabled(self.validate_settings_action.isEnabled())
        self.annotate_action.setEnabled(has_module and self.metadata_editor.valid)
        self.push_action.setEnabled(has_module)
        self.export_manifest_action.setEnabled(self.loaded is not None and self.metadata_editor.valid)
        self.export_metadata_action.setEnabled(self.loaded is not None and self.metadata_editor.valid)
        self.save_case_action.setEnabled(self.result_view.current is not None)
        policy = self.open_policy
        self.context_aware_action.blockSignals(True)
        self.context_aware_action.setChecked(bool(policy and policy.allow_context_aware))
        self.context_aware_action.blockSignals(False)
        self.clear_snapshot_action.setEnabled(bool(policy and policy.cluster_snapshot))
        self._update_title()

    # ------------------------------------------------------------------ loaded policy, stale results
    def set_loaded(self, loaded: LoadedPolicy) -> None:
        policy = self.open_policy
        self.loaded = loaded
        shown = self.display_path(loaded.text)
        self.module_pane.show_policy(loaded, shown, policy.description if policy is not None else "")
        if loaded.is_group:
            self.metadata_editor.set_read_only(
                None,
                "A policy group: each member has its own metadata; the group's rules are in its manifest.",
            )
        elif loaded.is_rego:
            self.metadata_editor.set_read_only(
                loaded.metadata,
                "Rego source: the metadata comes from the metadata.yml next to the policy (read only).",
            )
        else:
            fallback = None
            module = loaded.module
            if module is not None and module.metadata is None:
                from workbench.core import load_yaml, scaffold_metadata

                try:
                    fallback = load_yaml(scaffold_metadata(module), "scaffold")
                except WorkbenchError:
                    fallback = None
            self.metadata_editor.set_metadata(loaded.metadata, fallback)
        if policy is not None and policy.entrypoint:
            self.module_pane.select_entrypoint(str(policy.entrypoint))
        self.banner.hide()
        compiled = f", compiled in {loaded.compile_s:.2f} s" if loaded.compile_s is not None else ""
        self.status_label.setText(f"Opened {loaded.name} ({loaded.label})")
        self.context.log.app(f"opened {shown} ({loaded.label}, sha256 {loaded.sha256[:12]}{compiled})")
        for warning in loaded.warnings:
            self.context.log.app(warning, "warning")
        self.show_settings_form()
        self._inputs_changed()
        self.watch_policy()
        self.emit_module_loaded(loaded)

    def display_path(self, text: str) -> str:
        """A path inside the workspace folder written relative to it (the window shows no machine paths
        it does not need); anything else as it is."""
        try:
            return Path(text).resolve().relative_to(self.workspace.root.resolve()).as_posix()
        except (ValueError, OSError):
            return text

    def _policy_key(self) -> str | None:
        loaded = self.loaded
        if loaded is None:
            return None
        metadata = loaded.metadata.to_dict() if loaded.metadata is not None else None
        module = loaded.module
        if module is not None and (module.metadata is None or self.metadata_editor.dirty):
            metadata = self.metadata_editor.data  # what runs use: the edited (or scaffolded) metadata
        return policy_input_key(loaded, metadata)

    def show_settings_form(self) -> None:
        """The generated settings form when the open policy has a questions-ui.yml, else only the YAML."""
        from workbench.gui.settingsform import find_questions, load_questions

        policy = self.open_policy
        found = find_questions(policy.module) if policy is not None and Path(policy.module).exists() else None
        if found is None:
            self.settings_page.no_questions()
            return
        try:
            questions = load_questions(found)
        except WorkbenchError as exc:
            self.settings_page.no_questions()
            self.context.log.app(str(exc), "warning")
            return
        self.settings_page.use_questions(questions, self.display_path(str(found)))
        self.sync_settings_form()

    def sync_settings_form(self) -> None:
        result = self.settings_editor.result
        if self.settings_page.has_form and result.ok:
            self.settings_page.form.show_settings(result.value if isinstance(result.value, dict) else {})

    def _inputs_changed(self) -> None:
        if self.syncing:
            return
        if self.open_policy is not None:
            key = self._policy_key()
            if key is not None:
                self.policy_keys[self.open_policy.id] = key
        self.refresh_stale()
        self.update_actions()

    def refresh_stale(self) -> None:
        """Recompute every case's current digest: results whose inputs changed become stale."""
        for policy in self.workspace.policies:
            prefix = cmds_run.policy_digest_key(self, policy)
            for case in policy.cases:
                self.tree.set_digest(
                    case, cmds_run.case_digest(self, policy, case, prefix) if prefix else None
                )
        self.tree.refresh()
        record = self.result_view.current
        selected = self.current_case
        if record is not None and selected is not None and self.open_policy is not None:
            digest = cmds_run.case_digest(self, self.open_policy, selected)
            self.result_view.set_stale(digest is not None and digest != record.digest)

    def show_case_result(self) -> None:
        """The selected case's last result (marked stale when its inputs changed), or nothing."""
        case = self.current_case
        result = case.result if case is not None else None
        if result is None or result.record is None:
            self.result_view.clear("No run yet for this case" if case is not None else "No run yet")
        else:
            digest = cmds_run.case_digest(self, self.open_policy, case) if self.open_policy and case else None
            self.result_view.show_record(result.record, stale=digest is not None and digest != result.digest)
        self.update_actions()

    def check_scope_enabled(self) -> bool:
        """Whether runs first check that the request would reach the policy (Run ▸ Check Scope)."""
        return bool(self.scope_action.isChecked())

    def _settings_form_edited(self, settings: dict[str, Any]) -> None:
        from workbench.gui import textdoc

        self.settings_editor.set_text(
            textdoc.dump(settings, "yaml") if settings else "{}\n", "yaml", clean=False
        )

    def remove_case(self, policy: WsPolicy, case: WsCase) -> None:
        if case in policy.cases:
            policy.cases.remove(case)
            self.workspace.structure_changed = True
            if case is self.current_case:
                self.current_case = None
                self.result_view.clear()
            self.tree.rebuild()
            self.update_actions()

    # ------------------------------------------------------------------ run options
    def update_run_options(self) -> None:
        self.run_options_label.setText(runoptions.run_options_text(self))
        self._inputs_changed()

    def choose_run_timeout(self) -> None:
        runoptions.choose_run_timeout(self)

    def choose_memory_limit(self) -> None:
        runoptions.choose_memory_limit(self)

    def choose_history_size(self) -> None:
        runoptions.choose_history_size(self)

    def set_context_aware(self, allowed: bool) -> None:
        if self.open_policy is not None:
            self.open_policy.allow_context_aware = allowed
            self.workspace.structure_changed = True
        self._inputs_changed()

    def choose_cluster_snapshot(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Cluster snapshot folder") or self.ask_open_path(
            "Cluster snapshot file", "", "Kubernetes objects (*.yml *.yaml *.json);;All files (*)"
        )
        if path:
            self.set_cluster_snapshot(Path(path))

    def set_cluster_snapshot(self, path: Path | None) -> None:
        if self.open_policy is not None:
            self.open_policy.cluster_snapshot = path
            self.workspace.structure_changed = True
        self.status_label.setText(runoptions.snapshot_label(path))
        self._inputs_changed()

    @property
    def cluster_snapshot(self) -> Path | None:
        return self.open_policy.cluster_snapshot if self.open_policy is not None else None

    def set_dark(self, dark: bool) -> None:
        """Follow a colour-scheme change: the code editors switch their highlighting style."""
        self.context.dark = dark
        for editor in (
            self.metadata_editor.yaml,
            self.settings_editor.editor,
            self.request_editor.editor,
            self.module_pane.rego,
        ):
            editor.highlighter.set_dark(dark)

    # ------------------------------------------------------------------ history
    def reopen_history_entry(self, entry: HistoryEntry) -> WsCase | None:
        """Restore a past run's inputs into a scratch case of its policy (added when not open)."""
        policy = next((p for p in self.workspace.policies if p.module == entry.policy_source), None)
        if policy is None:
            policy = self.workspace.add_module(entry.policy_source, title=entry.policy)
            policy.cases.clear()
        from workbench.gui.workspace import WsCase

        case = WsCase(
            name=policy.unique_case_name(f"reopened run {entry.id}"),
            request_text=entry.request_text,
            expect=entry.expected,
            scratch=True,
        )
        if entry.settings_text and entry.settings_text != policy.settings_text:
            case.settings_text = entry.settings_text
        policy.cases.append(case)
        self.workspace.structure_changed = True
        self.tree.rebuild(select=case)
        cmds_open.select_case(self, policy, case)
        self.editors.setCurrentWidget(self.case_editor)
        self.status_label.setText(f"Reopened run {entry.id} ({entry.verdict}) into “{case.name}”")
        return case

    # ------------------------------------------------------------------ watch mode
    def init_watcher(self) -> None:
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_changed)
        self._watch_timer = QTimer(self)
        self._watch_timer.setSingleShot(True)
        self._watch_timer.setInterval(300)
        self._watch_timer.timeout.connect(self._rerun_changed)
        self._changed_paths: set[str] = set()
        self.watching = False

    def set_watching(self, on: bool) -> None:
        self.watching = on
        self.watch_action.setChecked(on)
        self.watch_policy()
        self.status_label.setText(
            "Watching files: changes re-run the affected cases" if on else "Not watching files"
        )

    def watch_policy(self) -> None:
        if not hasattr(self, "watcher"):
            return
        current = self.watcher.files()
        if current:
            self.watcher.removePaths(current)
        if not self.watching:
            return
        paths: set[str] = set()
        for policy in self.workspace.policies:
            module = Path(policy.module)
            if module.is_file():
                paths.add(str(module))
            if module.is_dir() or module.suffix == ".rego":
                paths.update(str(p) for p in (module.parent if module.is_file() else module).glob("*.rego"))
            for case in policy.cases:
                if case.request_path is not None and case.request_path.is_file():
                    paths.add(str(case.request_path))
        if paths:
            self.watcher.addPaths(sorted(paths))

    def _file_changed(self, path: str) -> None:
        self._changed_paths.add(path)
        self._watch_timer.start()

    def _affected(self, changed: set[str]) -> list[tuple[WsPolicy, WsCase]]:
        pairs: list[tuple[WsPolicy, WsCase]] = []
        for policy in self.workspace.policies:
            module = Path(policy.module)
            module_changed = str(module) in changed or any(
                Path(p).suffix == ".rego"
                and Path(p).parent == (module.parent if module.is_file() else module)
                for p in changed
            )
            for case in policy.cases:
                if module_changed or (case.request_path is not None and str(case.request_path) in changed):
                    pairs.append((policy, case))
        return pairs

    def _rerun_changed(self) -> None:
        changed, self._changed_paths = self._changed_paths, set()
        if not self.watching or not changed:
            return
        pairs = self._affected(changed)
        for _policy, case in pairs:
            if case.request_path is not None and str(case.request_path) in changed and not case.dirty:
                try:
                    case.request_text = case.request_path.read_text(encoding="utf-8")
                    case.mark_saved()
                except OSError:
                    continue
        for policy in {id(p): p for p, _ in pairs}.values():
            if policy is self.open_policy and any(
                str(Path(policy.module)) == p or p.endswith(".rego") for p in changed
            ):
                self.policy_keys.pop(policy.id, None)
                self.loaded = None

                def rerun(pairs: list[tuple[WsPolicy, WsCase]] = pairs) -> None:
                    cmds_run.run_cases(self, pairs, "Watch")

                cmds_open.load_policy_into_window(self, policy, on_loaded=rerun)
                self.watch_policy()
                return
        if pairs:
            cmds_run.run_cases(self, pairs, "Watch")
        self.watch_policy()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
