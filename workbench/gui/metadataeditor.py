"""The Metadata editor: a form for every Kubewarden metadata field, a raw YAML tab kept in sync,
live validation with the core's own messages, and undo through a QUndoStack.

The editor's state is the camelCase metadata mapping (what ``metadata.yml``
holds), so a half-edited, invalid state can still be shown, edited and undone.
Every change, from the form or the YAML tab, is a :class:`SetMetadataCommand`
holding the whole mapping before and after.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

from workbench.core import (
    OPERATIONS,
    InputError,
    Metadata,
    MetadataError,
    atomic_write,
    dump_metadata_yaml,
    lint_metadata,
    load_json_or_yaml,
    metadata_errors,
    read_text,
)
from workbench.gui import textdoc
from workbench.gui.codeeditor import CodeEditor
from workbench.gui.metadataform import FIRST_OP_COLUMN, RULE_COLUMNS, USAGE_KEY, build_editor
from workbench.gui.metadatatables import (
    ListTable,
    SetMetadataCommand,
    default_metadata,
    esc,
    fill_table,
    format_list,
    list_of,
    parse_list,
    set_combo,
    strs,
    table_cell,
)

__all__ = ["RULE_COLUMNS", "USAGE_KEY", "MetadataEditor", "SetMetadataCommand", "format_list", "parse_list"]


class MetadataEditor(QWidget):
    """Form + YAML editor of a policy's metadata."""

    #: the mapping after every applied change
    changed = Signal(dict)
    #: (errors, warnings) after every validation
    validated = Signal(list, list)

    YAML_DELAY_MS = 300

    # the widgets, created by metadataform.build_editor
    tabs: QTabWidget
    form_page: QScrollArea
    rules: ListTable
    context_aware: ListTable
    host_caps: ListTable
    annotations: ListTable
    mutating: QCheckBox
    background_audit: QCheckBox
    execution_mode: QComboBox
    policy_type: QComboBox
    protocol_version: QComboBox
    minimum_version: QLineEdit
    well_known: QComboBox
    usage: QPlainTextEdit
    usage_preview: QTextBrowser
    yaml: CodeEditor
    status: QLabel
    _yaml_timer: QTimer

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._data: dict[str, Any] = default_metadata()
        self._updating = False
        self._yaml_error: textdoc.ParseError | None = None
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.annotated = False
        self.protocol_note = False
        #: False while no policy is open (the editor then claims nothing about validity)
        self.has_policy = False
        self.read_only_note = ""
        self._build(dark)
        self.apply_data(self._data, "load")

    # ------------------------------------------------------------------ build
    def _build(self, dark: bool) -> None:
        build_editor(self, dark)

    # ------------------------------------------------------------- state
    @property
    def data(self) -> dict[str, Any]:
        return copy.deepcopy(self._data)

    def set_data(self, data: dict[str, Any], annotated: bool = True) -> None:
        """Load a mapping as the clean state (a new module or an import, not an edit)."""
        self.has_policy = True
        self.annotated = annotated
        self.undo_stack.clear()
        self.apply_data(copy.deepcopy(data), "load")
        self.undo_stack.setClean()

    def set_no_policy(self) -> None:
        """Nothing open: an empty, disabled editor that claims nothing."""
        self.read_only_note = ""
        self.set_data(default_metadata(), annotated=True)
        self.has_policy = False
        self.tabs.setEnabled(False)
        self.validate()

    def set_read_only(self, metadata: Metadata | None, note: str) -> None:
        """Show metadata that cannot be edited here (a Rego source's metadata.yml)."""
        self.read_only_note = note
        self.set_data(
            metadata.to_dict() if metadata is not None else default_metadata(), annotated=metadata is not None
        )
        self.tabs.setEnabled(False)
        self.validate()

    def set_metadata(self, metadata: Metadata | None, fallback: dict[str, Any] | None = None) -> None:
        self.read_only_note = ""
        self.tabs.setEnabled(True)
        if metadata is None:
            self.set_data(fallback or default_metadata(), annotated=False)
        else:
            self.set_data(metadata.to_dict(), annotated=True)

    def metadata(self) -> Metadata | None:
        """The edited metadata, or None while it does not parse."""
        if self._yaml_error is not None:
            return None
        try:
            return Metadata.from_dict(self._data)
        except MetadataError:
            return None

    def metadata_for_export(self) -> Metadata | None:
        """The edited metadata as Annotate writes it (protocolVersion filled in): what the Metadata tab
        validated, so Export Manifest and the tab agree."""
        md = self.metadata()
        if md is not None and md.protocol_version is None:
            md.protocol_version = "v1" if md.execution_mode == "kubewarden-wapc" else "Unknown"
        return md

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def push_change(self, after: dict[str, Any], text: str, key: str = "", source: str = "form") -> None:
        if after == self._data:
            return
        self.undo_stack.push(SetMetadataCommand(self, copy.deepcopy(self._data), after, text, key, source))

    def apply_data(self, data: dict[str, Any], source: str) -> None:
        """Show ``data`` everywhere except the view it came from, then validate."""
        self._data = copy.deepcopy(data)
        self._updating = True
        try:
            self._refresh_form()
            if source != "usage":
                self._set_usage_text((self._data.get("annotations") or {}).get(USAGE_KEY, ""))
            if source != "yaml":
                self._yaml_error = None
                self.yaml.set_error(None)
                self.form_page.setEnabled(True)
                self.usage.setReadOnly(False)
                text = textdoc.dump(self._data, "yaml")
                if self.yaml.toPlainText() != text:
                    self.yaml.setPlainText(text)
        finally:
            self._updating = False
        self.usage_preview.setMarkdown(self.usage.toPlainText())
        self.validate()
        self.changed.emit(self.data)

    # ------------------------------------------------------------- validation
    def validate(self) -> list[str]:
        errors: list[str] = []
        warnings: list[str] = []
        if self._yaml_error is not None:
            errors.append(f"YAML tab: {self._yaml_error}")
        else:
            try:
                md = Metadata.from_dict(self._data)
            except MetadataError as exc:
                errors.append(str(exc))
            else:
                if md.protocol_version is None:
                    # what annotate writes: the module's answer for waPC, "Unknown" otherwise
                    md.protocol_version = "v1" if md.execution_mode == "kubewarden-wapc" else "Unknown"
                    self.protocol_note = True
                else:
                    self.protocol_note = False
                errors.extend(metadata_errors(md))
                warnings.extend(lint_metadata(md))
        self.errors, self.warnings = errors, warnings
        lines = []
        if not self.has_policy:
            self.status.setText("<i>No policy is open: its metadata shows here.</i>")
            self.validated.emit(errors, warnings)
            return errors
        if self.read_only_note:
            lines.append(f"<i>{esc(self.read_only_note)}</i>")
        if self._yaml_error is not None:
            lines.append(
                '<b style="color:#d32f2f">The YAML tab has a syntax error: the form is locked until it is fixed.</b>'
            )
        if errors:
            lines.append('<b style="color:#d32f2f">Metadata is invalid:</b>')
            lines.extend(f'<span style="color:#d32f2f">✖ {esc(e)}</span>' for e in errors)
        else:
            lines.append('<b style="color:#2e7d32">✔ Metadata is valid</b>')
        lines.extend(f'<span style="color:#ef6c00">⚠ {esc(w)}</span>' for w in warnings)
        if self.protocol_note and not errors:
            lines.append("<i>protocolVersion is not set: Annotate &amp; Save sets it from the module.</i>")
        if not self.annotated:
            lines.append("<i>The module is not annotated: this is a starting point to annotate it.</i>")
        self.status.setText("<br>".join(lines))
        self.validated.emit(errors, warnings)
        return errors

    # ------------------------------------------------------------- form → data
    def _form_edited(self, key: str, text: str, merge: bool = True) -> None:
        if self._updating:
            return
        if self._yaml_error is not None:  # never regenerate the YAML over the text being fixed
            self._updating = True
            try:
                self._refresh_form()
            finally:
                self._updating = False
            return
        after = self.data
        if key == "rules":
            after["rules"] = self._rules_from_table()
        elif key == "mutating":
            after["mutating"] = self.mutating.isChecked()
        elif key == "backgroundAudit":
            after["backgroundAudit"] = self.background_audit.isChecked()
        elif key == "executionMode":
            after["executionMode"] = self.execution_mode.currentText()
        elif key == "policyType":
            after["policyType"] = self.policy_type.currentText()
        elif key == "protocolVersion":
            index = self.protocol_version.currentIndex()
            if index == 0:
                after.pop("protocolVersion", None)
            else:
                after["protocolVersion"] = self.protocol_version.currentText()
        elif key == "minimumKubewardenVersion":
            value = self.minimum_version.text().strip()
            if value:
                after["minimumKubewardenVersion"] = value
            else:
                after.pop("minimumKubewardenVersion", None)
        elif key == "contextAwareResources":
            table = self.context_aware.table
            after["contextAwareResources"] = [
                {"apiVersion": table_cell(table, r, 0), "kind": table_cell(table, r, 1)}
                for r in range(table.rowCount())
            ]
        elif key == "hostCapabilities":
            table = self.host_caps.table
            caps = [table_cell(table, r, 0) for r in range(table.rowCount())]
            if caps:
                after["hostCapabilities"] = caps
            else:
                after.pop("hostCapabilities", None)
        elif key == "annotations":
            after["annotations"] = self._annotations_from_table(after.get("annotations"))
        self.push_change(after, text, key if merge else "")

    def _rules_from_table(self) -> list[dict[str, Any]]:
        table = self.rules.table
        rules = []
        for r in range(table.rowCount()):
            ops = [
                op
                for c, op in enumerate(OPERATIONS, start=FIRST_OP_COLUMN)
                if (item := table.item(r, c)) is not None and item.checkState() == Qt.CheckState.Checked
            ]
            rules.append(
                {
                    "apiGroups": parse_list(table_cell(table, r, 0)),
                    "apiVersions": parse_list(table_cell(table, r, 1)),
                    "resources": parse_list(table_cell(table, r, 2)),
                    "operations": ops,
                }
            )
        return rules

    def _annotations_from_table(self, previous: dict[str, str] | None) -> dict[str, str]:
        table = self.annotations.table
        out: dict[str, str] = {}
        for r in range(table.rowCount()):
            out[table_cell(table, r, 0).strip()] = table_cell(table, r, 1)
        usage = (previous or {}).get(USAGE_KEY)
        if usage is not None:
            out[USAGE_KEY] = usage
        return out

    def _add_rule(self) -> None:
        after = self.data
        after.setdefault("rules", []).append(
            {"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}
        )
        self.push_change(after, "Add rule")

    def _add_context_aware(self) -> None:
        after = self.data
        after.setdefault("contextAwareResources", []).append({"apiVersion": "v1", "kind": "Namespace"})
        self.push_change(after, "Add context-aware resource")

    def _add_host_capability(self) -> None:
        after = self.data
        after.setdefault("hostCapabilities", []).append("kubernetes/get_resource")
        self.push_change(after, "Add host capability")

    def add_annotation(self, key: str, value: str) -> None:
        after = self.data
        annotations = dict(after.get("annotations") or {})
        base, n = key, 2
        while key in annotations:
            key = f"{base}-{n}"
            n += 1
        annotations[key] = value
        after["annotations"] = annotations
        self.push_change(after, f"Add annotation {key}")

    def _well_known_chosen(self, index: int) -> None:
        if index > 0:
            key = self.well_known.itemText(index)
            if key not in (self._data.get("annotations") or {}):
                self.add_annotation(key, "")
            self.well_known.setCurrentIndex(0)

    def _remove_row(self, widget: ListTable, key: str, text: str) -> None:
        row = widget.selected_row()
        if row < 0:
            return
        after = self.data
        if key == "annotations":
            keys = [k for k in (after.get("annotations") or {}) if k != USAGE_KEY]
            if row < len(keys):
                del after["annotations"][keys[row]]
        else:
            items = list(after.get(key) or [])
            if row < len(items):
                del items[row]
            if key == "hostCapabilities" and not items:
                after.pop(key, None)
            else:
                after[key] = items
        self.push_change(after, text)

    def _usage_edited(self) -> None:
        if self._updating or self._yaml_error is not None:
            return
        after = self.data
        annotations = dict(after.get("annotations") or {})
        text = self.usage.toPlainText()
        if text:
            annotations[USAGE_KEY] = text
        else:
            annotations.pop(USAGE_KEY, None)
        after["annotations"] = annotations
        self.push_change(after, "Edit usage", "usage", source="usage")

    def _yaml_text_changed(self) -> None:
        if not self._updating:
            self._yaml_timer.start()

    def flush(self) -> None:
        """Apply a pending YAML-tab edit now."""
        if self._yaml_timer.isActive():
            self._yaml_edited()

    def _yaml_edited(self) -> None:
        self._yaml_timer.stop()
        result = textdoc.parse(self.yaml.toPlainText(), "yaml")
        if result.error is not None or not isinstance(result.value, dict):
            error = result.error or textdoc.ParseError(1, 1, "the metadata must be a mapping")
            self._yaml_error = error
            self.yaml.set_error(error.line, error.message)
            self.form_page.setEnabled(False)
            self.usage.setReadOnly(True)
            self.validate()
            return
        self._yaml_error = None
        self.yaml.set_error(None)
        self.form_page.setEnabled(True)
        self.usage.setReadOnly(False)
        if result.value == self._data:
            self.validate()
            return
        self.push_change(result.value, "Edit metadata YAML", "yaml", source="yaml")

    # ------------------------------------------------------------- data → form
    def _set_usage_text(self, text: str) -> None:
        if self.usage.toPlainText() != text:
            self.usage.setPlainText(text)

    def _refresh_form(self) -> None:
        d: dict[str, Any] = self._data
        widgets = (
            self.mutating,
            self.background_audit,
            self.execution_mode,
            self.policy_type,
            self.protocol_version,
            self.minimum_version,
        )
        for w in widgets:
            w.blockSignals(True)
        try:
            self.mutating.setChecked(d.get("mutating") is True)
            self.background_audit.setChecked(d.get("backgroundAudit", True) is not False)
            set_combo(self.execution_mode, str(d.get("executionMode", "kubewarden-wapc")))
            set_combo(self.policy_type, str(d.get("policyType", "kubernetes")))
            protocol = d.get("protocolVersion")
            set_combo(self.protocol_version, str(protocol) if protocol is not None else "(not set)")
            minimum = str(d.get("minimumKubewardenVersion") or "")
            if self.minimum_version.text() != minimum:
                self.minimum_version.setText(minimum)
        finally:
            for w in widgets:
                w.blockSignals(False)

        rules = list_of(d.get("rules"))
        rows = []
        for item in rules:
            rule: dict[str, Any] = item if isinstance(item, dict) else {}
            ops = list_of(rule.get("operations"))
            rows.append(
                [
                    format_list(strs(rule.get("apiGroups"))),
                    format_list(strs(rule.get("apiVersions"))),
                    format_list(strs(rule.get("resources"))),
                    *[op in ops for op in OPERATIONS],
                ]
            )
        fill_table(self.rules.table, rows)

        car = list_of(d.get("contextAwareResources"))
        fill_table(
            self.context_aware.table,
            [[str(c.get("apiVersion", "")), str(c.get("kind", ""))] for c in car if isinstance(c, dict)],
        )
        caps = list_of(d.get("hostCapabilities"))
        fill_table(self.host_caps.table, [[str(c)] for c in caps])
        raw_annotations = d.get("annotations")
        annotations: dict[str, Any] = raw_annotations if isinstance(raw_annotations, dict) else {}
        fill_table(
            self.annotations.table, [[str(k), str(v)] for k, v in annotations.items() if k != USAGE_KEY]
        )

    # ------------------------------------------------------------- files
    def import_file(self, path: str | Path) -> None:
        """Replace the metadata with a metadata.yml (an undoable edit)."""
        data = load_json_or_yaml(read_text(path, "metadata file"), str(path))
        if not isinstance(data, dict):
            raise MetadataError(f"{path}: the metadata must be a mapping")
        self.push_change(data, f"Import {Path(path).name}")

    def export_file(self, path: str | Path) -> None:
        md = self.metadata()
        if md is None or self.errors:
            raise MetadataError("cannot export: " + ("; ".join(self.errors) or "the metadata does not parse"))
        try:
            atomic_write(path, dump_metadata_yaml(md))
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
