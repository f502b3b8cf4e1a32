"""Commands on files and registries: annotate, push, pull, export manifest, metadata and editor files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QInputDialog

from workbench.core import (
    InputError,
    PolicyModule,
    Store,
    WorkbenchError,
    annotate_module,
    describe_policies,
    load_json_or_yaml,
    load_policies,
    read_text,
    save_policies,
    scaffold_manifest,
)
from workbench.gui.cmds_run import edited_module
from workbench.gui.dialogs import PullDialog, PushDialog
from workbench.gui.editors import RequestEditor, SettingsEditor
from workbench.gui.evaluation import LoadedPolicy, load_policy
from workbench.gui.manifestdialog import ManifestDialog
from workbench.gui.tasks import Task, TaskContext
from workbench.gui.view import WindowView

__all__ = [
    "annotate_save_as",
    "export_metadata",
    "import_metadata",
    "manifest_text",
    "save_metadata",
    "show_manifest_dialog",
    "show_pull_dialog",
    "show_push_dialog",
    "suggested_reference",
]


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


def annotate_save_as(view: WindowView, path: str | Path | None = None) -> Task | None:
    loaded = view.loaded
    module = loaded.module if loaded is not None else None
    if module is None:
        view.show_message(
            "Annotate needs a WebAssembly module open (a Rego source is not annotated)", "warning"
        )
        return None
    md = view.metadata_editor.metadata()
    if md is None or not view.metadata_editor.valid:
        view.show_message("Cannot annotate: the metadata is invalid", "error")
        return None
    if path is None:
        suggestion = (
            str(module.path.with_name(module.path.stem + "-annotated.wasm"))
            if module.path
            else "annotated.wasm"
        )
        path = view.ask_save_path("Annotate and save as", suggestion, "WebAssembly (*.wasm)")
        if not path:
            return None
    target = Path(path)
    policy = view.open_policy
    registry = view.registry_options()

    def work(_ctx: TaskContext) -> tuple[Any, LoadedPolicy]:
        result = annotate_module(module, metadata=md, output=target)
        return result, load_policy(str(target.resolve()), registry)

    def done(value: tuple[Any, LoadedPolicy]) -> None:
        result, loaded_new = value
        if policy is not None and policy is view.open_policy:
            policy.module = str(target.resolve())
            view.workspace.structure_changed = True
            view.set_loaded(loaded_new)
        text = f"Annotated module saved to {target}"
        if result.warnings:
            text += " — " + "; ".join(result.warnings)
            for warning in result.warnings:
                view.context.log.app(warning, "warning")
        view.show_message(text, "warning" if result.warnings else "success")

    return view.context.runner.run(work, "Annotate", on_finished=done, on_failed=view.show_error)


def show_push_dialog(view: WindowView) -> PushDialog | None:
    loaded = view.loaded
    module = loaded.module if loaded is not None else None
    if module is None:
        view.show_message("Push needs a WebAssembly module open", "warning")
        return None
    if view.metadata_editor.dirty:
        view.show_message(
            "The metadata has unsaved edits: Push sends the module as loaded. Annotate and Save first to push them.",
            "warning",
        )
    dialog = PushDialog(view.context.runner, view.context.credentials, lambda: module.data, view.widget())
    suggestion = suggested_reference(module)
    if suggestion:
        dialog.form.reference.setText(suggestion)
        dialog.form.fill_remembered()

    def pushed(result: Any) -> None:
        view.context.log.app(f"pushed {result.immutable_ref}")
        view.context.last_transfer = (dialog.form.reference.text().strip(), dialog.form.insecure.isChecked())

    dialog.pushed.connect(pushed)
    dialog.setModal(False)
    dialog.show()
    view.push_dialog = dialog
    return dialog


def show_pull_dialog(view: WindowView, reference: str = "") -> PullDialog:
    """Open a policy from a registry; remembers the reference and Insecure choice of the last push."""
    dialog = PullDialog(view.context.runner, view.context.credentials, view.widget())
    remembered = view.context.last_transfer
    if not reference and remembered is not None:
        reference = remembered[0]
        dialog.form.insecure.setChecked(remembered[1])
    if reference:
        dialog.form.reference.setText(reference)
        dialog.form.fill_remembered()

    def pulled(path: Any, ref: str) -> None:
        from workbench.gui.cmds_open import open_policy_source

        view.context.last_transfer = (ref, dialog.form.insecure.isChecked())
        open_policy_source(view, path, recent_as=ref)

    dialog.pulled.connect(pulled)
    dialog.setModal(False)
    dialog.show()
    view.pull_dialog = dialog
    return dialog


def _module_uri(view: WindowView) -> str | Path:
    loaded = view.loaded
    if loaded is None:
        raise InputError("open a policy first")
    if loaded.module is not None and loaded.module.path is not None and loaded.module.path.exists():
        return loaded.module.path
    return loaded.text


def manifest_text(
    view: WindowView, kind: str, allow_context_aware: bool = False, title: str | None = None
) -> Any:
    md = view.metadata_editor.metadata_for_export()
    settings = view.settings_editor.settings()
    return scaffold_manifest(
        md,
        _module_uri(view),
        kind,
        settings=settings,
        title=title or None,
        allow_context_aware=allow_context_aware,
    )


def show_manifest_dialog(view: WindowView) -> ManifestDialog | None:
    if view.loaded is None:
        return None
    dialog = ManifestDialog(
        lambda kind, aware, name: manifest_text(view, kind, aware, name), view.widget(), view.context.dark
    )
    if view.open_policy is not None:
        dialog.allow_context_aware.setChecked(view.open_policy.allow_context_aware)
    dialog.show()
    view.manifest_dialog = dialog
    return dialog


def import_metadata(view: WindowView, path: str | None = None) -> None:
    path = path or view.ask_open_path("Import metadata.yml", "", "YAML or JSON (*.yml *.yaml *.json)")
    if path:
        try:
            view.metadata_editor.import_file(path)
        except WorkbenchError as exc:
            view.show_message(str(exc), "error")
        view.editors.setCurrentWidget(view.metadata_editor)


def export_metadata(view: WindowView, path: str | None = None) -> bool:
    path = path or view.ask_save_path("Export metadata.yml", "metadata.yml", "YAML (*.yml *.yaml)")
    if not path:
        return False
    try:
        view.metadata_editor.export_file(path)
    except WorkbenchError as exc:
        view.show_message(str(exc), "error")
        return False
    view.show_message(f"Metadata exported to {path}", "success")
    return True


def save_metadata(view: WindowView, path: str | None = None) -> bool:
    """Save edited metadata as a metadata.yml (what the unsaved-changes prompt offers)."""
    if export_metadata(view, path):
        view.metadata_editor.undo_stack.setClean()
        return True
    return False


def load_editor_file(view: WindowView, editor: SettingsEditor | RequestEditor, path: str | Path) -> bool:
    try:
        editor.load_file(path)
    except WorkbenchError as exc:
        view.show_message(str(exc), "error")
        return False
    view.editors.setCurrentWidget(view.settings_page if editor is view.settings_editor else view.case_editor)
    view.update_actions()
    return True


def open_editor_file(view: WindowView, editor: SettingsEditor | RequestEditor) -> None:
    path = view.ask_open_path(
        f"Open {editor.title.lower()}", "", "YAML or JSON (*.yml *.yaml *.json);;All files (*)"
    )
    if path:
        load_editor_file(view, editor, path)


def save_editor_as(view: WindowView, editor: SettingsEditor | RequestEditor) -> None:
    suffix = "json" if editor.language == "json" else "yml"
    path = view.ask_save_path(f"Save {editor.title.lower()}", f"{editor.title.lower()}.{suffix}", "")
    if path:
        try:
            editor.save_file(path)
        except WorkbenchError as exc:
            view.show_message(str(exc), "error")


def ask_old_object(view: WindowView) -> Any:
    path = view.ask_open_path(
        "Old object for the UPDATE (cancel to reuse the object)", "", "YAML or JSON (*.yml *.yaml *.json)"
    )
    if not path:
        return None
    try:
        return load_json_or_yaml(read_text(path, "old object"), path)
    except WorkbenchError as exc:
        view.show_message(str(exc), "error")
        return None


def module_for_tools(view: WindowView) -> PolicyModule:
    module = edited_module(view)
    if module is None:
        raise InputError("this needs a compiled module (.wasm) open")
    return module


def _store(view: WindowView) -> Store:
    return Store(view.context.store_root) if view.context.store_root else Store()


def save_policies_archive(
    view: WindowView, refs: list[str] | None = None, output: str | None = None
) -> Task | None:
    """File ▸ Save Policies to Archive…: stored policies into one tarball (``kwctl save``)."""
    if refs is None:
        known = [r for r in view.context.recent.items() if "://" in r]
        text, ok = QInputDialog.getText(
            view.widget(),
            "Save policies",
            "References (comma-separated, already pulled or pushed):",
            text=", ".join(known[:3]),
        )
        if not ok:
            return None
        refs = [r.strip() for r in text.split(",") if r.strip()]
    output = output or view.ask_save_path("Save policies to", "policies.tar.gz", "Archives (*.tar.gz *.tgz)")
    if not output:
        return None
    store, target = _store(view), output

    def work(_ctx: TaskContext) -> list[str]:
        return describe_policies(save_policies(refs or [], target, store))

    def done(lines: list[str]) -> None:
        view.show_message(
            f"Saved {len(lines)} polic{'y' if len(lines) == 1 else 'ies'} to {target}", "success"
        )
        for line in lines:
            view.context.log.app(f"saved {line}")

    return view.context.runner.run(work, "Save policies", on_finished=done, on_failed=view.show_error)


def load_policies_archive(view: WindowView, path: str | None = None) -> Task | None:
    """File ▸ Load Policies from Archive…: a ``save`` / ``kwctl save`` tarball into the policy store."""
    path = path or view.ask_open_path(
        "Load policies from", "", "Archives (*.tar.gz *.tgz *.tar);;All files (*)"
    )
    if not path:
        return None
    store, source = _store(view), path

    def work(_ctx: TaskContext) -> list[str]:
        return describe_policies(load_policies(source, store))

    def done(lines: list[str]) -> None:
        view.show_message(
            f"Loaded {len(lines)} polic{'y' if len(lines) == 1 else 'ies'} into the policy store", "success"
        )
        for line in lines:
            view.context.log.app(f"loaded {line}")

    return view.context.runner.run(work, "Load policies", on_finished=done, on_failed=view.show_error)
