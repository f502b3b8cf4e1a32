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
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.core import (
    EXECUTION_MODES,
    OPERATIONS,
    POLICY_TYPES,
    WELL_KNOWN_ANNOTATIONS,
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
from workbench.gui.codeeditor import CodeEditor, with_find_bar

__all__ = ["USAGE_KEY", "MetadataEditor", "SetMetadataCommand", "format_list", "parse_list"]

USAGE_KEY = "io.kubewarden.policy.usage"
RULE_COLUMNS = ("API groups", "API versions", "Resources", *OPERATIONS)
_FIRST_OP_COLUMN = 3
_MERGE_ID = 7001


def format_list(values: list[str]) -> str:
    """Rule cell text: comma-separated, the core group ``""`` shown as ``""``."""
    return ", ".join('""' if v == "" else v for v in values)


def parse_list(text: str) -> list[str]:
    """Inverse of :func:`format_list`; an empty cell is an empty list."""
    if not text.strip():
        return []
    out = []
    for part in text.split(","):
        item = part.strip()
        out.append("" if item in ('""', "''") else item)
    return out


def default_metadata() -> dict[str, Any]:
    return {
        "rules": [
            {"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}
        ],
        "mutating": False,
        "backgroundAudit": True,
        "executionMode": "kubewarden-wapc",
        "policyType": "kubernetes",
        "contextAwareResources": [],
    }


class SetMetadataCommand(QUndoCommand):
    """Replace the whole metadata mapping; consecutive edits of one field merge."""

    def __init__(
        self,
        editor: MetadataEditor,
        before: dict[str, Any],
        after: dict[str, Any],
        text: str,
        key: str,
        source: str,
    ) -> None:
        super().__init__(text)
        self.editor = editor
        self.before = before
        self.after = after
        self.key = key
        self.source = source
        self._first = True

    def id(self) -> int:
        return _MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetMetadataCommand) or other.key != self.key or not self.key:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        source = self.source if self._first else "undo"
        self._first = False
        self.editor.apply_data(self.after, source)

    def undo(self) -> None:
        self.editor.apply_data(self.before, "undo")


def _item(text: str, editable: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class _ListTable(QWidget):
    """A small table with Add / Remove buttons."""

    def __init__(self, columns: tuple[str, ...], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(columns), self)
        self.table.setHorizontalHeaderLabels(list(columns))
        self.table.setAccessibleName(name)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(90)
        self.add_button = QPushButton("Add", self)
        self.add_button.setAccessibleName(f"Add to {name.lower()}")
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setAccessibleName(f"Remove from {name.lower()}")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def selected_row(self) -> int:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return rows[0] if rows else self.table.rowCount() - 1


class MetadataEditor(QWidget):
    """Form + YAML editor of a policy's metadata."""

    #: the mapping after every applied change
    changed = Signal(dict)
    #: (errors, warnings) after every validation
    validated = Signal(list, list)

    YAML_DELAY_MS = 300

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
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Metadata views")

        form_host = QWidget(self)
        form = QVBoxLayout(form_host)

        self.rules = _ListTable(RULE_COLUMNS, "Rules", self)
        self.rules.table.setToolTip(
            'Comma-separated lists; "" is the core API group. Tick the operations each rule matches.'
        )
        header = self.rules.table.horizontalHeader()
        header.setMinimumSectionSize(40)
        for col in range(_FIRST_OP_COLUMN, len(RULE_COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.rules.table.setMinimumWidth(500)
        rules_box = QGroupBox("Rules", self)
        QVBoxLayout(rules_box).addWidget(self.rules)
        form.addWidget(rules_box)

        general = QGroupBox("Behaviour", self)
        grid = QFormLayout(general)
        self.mutating = QCheckBox("Mutating (returns mutated objects)", self)
        self.mutating.setAccessibleName("Mutating")
        self.background_audit = QCheckBox("Background audit", self)
        self.background_audit.setAccessibleName("Background audit")
        self.execution_mode = QComboBox(self)
        self.execution_mode.addItems(list(EXECUTION_MODES))
        self.execution_mode.setAccessibleName("Execution mode")
        self.policy_type = QComboBox(self)
        self.policy_type.addItems(list(POLICY_TYPES))
        self.policy_type.setAccessibleName("Policy type")
        self.protocol_version = QComboBox(self)
        self.protocol_version.addItems(["(not set)", "v1", "Unknown"])
        self.protocol_version.setAccessibleName("Protocol version")
        self.protocol_version.setToolTip("Annotate & Save sets it from the module (waPC) or to Unknown")
        self.minimum_version = QLineEdit(self)
        self.minimum_version.setPlaceholderText("e.g. 1.20.0 (optional)")
        self.minimum_version.setAccessibleName("Minimum Kubewarden version")
        grid.addRow(self.mutating)
        grid.addRow(self.background_audit)
        grid.addRow("Execution &mode:", self.execution_mode)
        grid.addRow("Policy &type:", self.policy_type)
        grid.addRow("&Protocol version:", self.protocol_version)
        grid.addRow("Minimum &Kubewarden version:", self.minimum_version)
        form.addWidget(general)

        self.context_aware = _ListTable(("apiVersion", "kind"), "Context-aware resources", self)
        ca_box = QGroupBox("Context-aware resources (cluster objects the policy may read)", self)
        QVBoxLayout(ca_box).addWidget(self.context_aware)
        form.addWidget(ca_box)

        self.host_caps = _ListTable(("Host capability pattern",), "Host capabilities", self)
        self.host_caps.table.setToolTip("e.g. kubernetes/get_resource, oci/v2/*; empty = not declared")
        hc_box = QGroupBox("Host capabilities", self)
        QVBoxLayout(hc_box).addWidget(self.host_caps)
        form.addWidget(hc_box)

        self.annotations = _ListTable(("Key", "Value"), "Annotations", self)
        self.well_known = QComboBox(self)
        self.well_known.setAccessibleName("Well-known annotation to add")
        self.well_known.addItem("Add well-known key…")
        self.well_known.addItems([k for k in WELL_KNOWN_ANNOTATIONS if k != USAGE_KEY])
        an_box = QGroupBox("Annotations", self)
        an_layout = QVBoxLayout(an_box)
        an_layout.addWidget(self.well_known)
        an_layout.addWidget(self.annotations)
        form.addWidget(an_box)
        form.addStretch(1)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)
        self.form_page = scroll
        self.tabs.addTab(scroll, "&Form")

        usage_host = QSplitter(Qt.Orientation.Horizontal, self)
        self.usage = QPlainTextEdit(usage_host)
        self.usage.setAccessibleName("Usage (Markdown)")
        self.usage.setPlaceholderText("How to use the policy, in Markdown (io.kubewarden.policy.usage)")
        self.usage_preview = QTextBrowser(usage_host)
        self.usage_preview.setAccessibleName("Usage preview")
        self.tabs.addTab(usage_host, "&Usage")

        self.yaml = CodeEditor(self, "yaml", dark)
        self.yaml.setAccessibleName("Metadata YAML")
        self.yaml.setUndoRedoEnabled(False)  # undo goes through the metadata undo stack
        self.tabs.addTab(with_find_bar(self.yaml, self), "&YAML")

        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Metadata validation")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

        self._yaml_timer = QTimer(self)
        self._yaml_timer.setSingleShot(True)
        self._yaml_timer.setInterval(self.YAML_DELAY_MS)
        self._yaml_timer.timeout.connect(self._yaml_edited)

        # form signals
        self.rules.table.itemChanged.connect(lambda _i: self._form_edited("rules", "Edit rules", merge=False))
        self.rules.add_button.clicked.connect(self._add_rule)
        self.rules.remove_button.clicked.connect(lambda: self._remove_row(self.rules, "rules", "Remove rule"))
        self.mutating.toggled.connect(
            lambda _v: self._form_edited("mutating", "Toggle mutating", merge=False)
        )
        self.background_audit.toggled.connect(
            lambda _v: self._form_edited("backgroundAudit", "Toggle background audit", merge=False)
        )
        self.execution_mode.currentIndexChanged.connect(
            lambda _i: self._form_edited("executionMode", "Change execution mode", merge=False)
        )
        self.policy_type.currentIndexChanged.connect(
            lambda _i: self._form_edited("policyType", "Change policy type", merge=False)
        )
        self.protocol_version.currentIndexChanged.connect(
            lambda _i: self._form_edited("protocolVersion", "Change protocol version", merge=False)
        )
        self.minimum_version.textEdited.connect(
            lambda _t: self._form_edited("minimumKubewardenVersion", "Edit minimum version")
        )
        self.context_aware.table.itemChanged.connect(
            lambda _i: self._form_edited("contextAwareResources", "Edit context-aware resources", merge=False)
        )
        self.context_aware.add_button.clicked.connect(self._add_context_aware)
        self.context_aware.remove_button.clicked.connect(
            lambda: self._remove_row(
                self.context_aware, "contextAwareResources", "Remove context-aware resource"
            )
        )
        self.host_caps.table.itemChanged.connect(
            lambda _i: self._form_edited("hostCapabilities", "Edit host capabilities", merge=False)
        )
        self.host_caps.add_button.clicked.connect(self._add_host_capability)
        self.host_caps.remove_button.clicked.connect(
            lambda: self._remove_row(self.host_caps, "hostCapabilities", "Remove host capability")
        )
        self.annotations.table.itemChanged.connect(
            lambda _i: self._form_edited("annotations", "Edit annotations", merge=False)
        )
        self.annotations.add_button.clicked.connect(lambda: self.add_annotation("example.com/key", ""))
        self.annotations.remove_button.clicked.connect(
            lambda: self._remove_row(self.annotations, "annotations", "Remove annotation")
        )
        self.well_known.activated.connect(self._well_known_chosen)
        self.usage.textChanged.connect(self._usage_edited)
        self.yaml.textChanged.connect(self._yaml_text_changed)

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
        self.set_data(metadata.to_dict() if metadata is not None else default_metadata(), annotated=metadata is not None)
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
            lines.append(f"<i>{_esc(self.read_only_note)}</i>")
        if self._yaml_error is not None:
            lines.append(
                '<b style="color:#d32f2f">The YAML tab has a syntax error: the form is locked until it is fixed.</b>'
            )
        if errors:
            lines.append('<b style="color:#d32f2f">Metadata is invalid:</b>')
            lines.extend(f'<span style="color:#d32f2f">✖ {_esc(e)}</span>' for e in errors)
        else:
            lines.append('<b style="color:#2e7d32">✔ Metadata is valid</b>')
        lines.extend(f'<span style="color:#ef6c00">⚠ {_esc(w)}</span>' for w in warnings)
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
                {"apiVersion": _cell(table, r, 0), "kind": _cell(table, r, 1)}
                for r in range(table.rowCount())
            ]
        elif key == "hostCapabilities":
            table = self.host_caps.table
            caps = [_cell(table, r, 0) for r in range(table.rowCount())]
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
                for c, op in enumerate(OPERATIONS, start=_FIRST_OP_COLUMN)
                if (item := table.item(r, c)) is not None and item.checkState() == Qt.CheckState.Checked
            ]
            rules.append(
                {
                    "apiGroups": parse_list(_cell(table, r, 0)),
                    "apiVersions": parse_list(_cell(table, r, 1)),
                    "resources": parse_list(_cell(table, r, 2)),
                    "operations": ops,
                }
            )
        return rules

    def _annotations_from_table(self, previous: dict[str, str] | None) -> dict[str, str]:
        table = self.annotations.table
        out: dict[str, str] = {}
        for r in range(table.rowCount()):
            out[_cell(table, r, 0).strip()] = _cell(table, r, 1)
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

    def _remove_row(self, widget: _ListTable, key: str, text: str) -> None:
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
        d = self._data
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
            _set_combo(self.execution_mode, str(d.get("executionMode", "kubewarden-wapc")))
            _set_combo(self.policy_type, str(d.get("policyType", "kubernetes")))
            protocol = d.get("protocolVersion")
            _set_combo(self.protocol_version, str(protocol) if protocol is not None else "(not set)")
            minimum = str(d.get("minimumKubewardenVersion") or "")
            if self.minimum_version.text() != minimum:
                self.minimum_version.setText(minimum)
        finally:
            for w in widgets:
                w.blockSignals(False)

        rules = d.get("rules") if isinstance(d.get("rules"), list) else []
        rows = []
        for rule in rules:
            rule = rule if isinstance(rule, dict) else {}
            ops = rule.get("operations") if isinstance(rule.get("operations"), list) else []
            rows.append(
                [
                    format_list(_strs(rule.get("apiGroups"))),
                    format_list(_strs(rule.get("apiVersions"))),
                    format_list(_strs(rule.get("resources"))),
                    *[op in ops for op in OPERATIONS],
                ]
            )
        _fill(self.rules.table, rows)

        car = d.get("contextAwareResources") if isinstance(d.get("contextAwareResources"), list) else []
        _fill(
            self.context_aware.table,
            [[str(c.get("apiVersion", "")), str(c.get("kind", ""))] for c in car if isinstance(c, dict)],
        )
        caps = d.get("hostCapabilities") if isinstance(d.get("hostCapabilities"), list) else []
        _fill(self.host_caps.table, [[str(c)] for c in caps])
        annotations = d.get("annotations") if isinstance(d.get("annotations"), dict) else {}
        _fill(self.annotations.table, [[str(k), str(v)] for k, v in annotations.items() if k != USAGE_KEY])

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


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _strs(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


def _set_combo(box: QComboBox, text: str) -> None:
    index = box.findText(text)
    if index < 0:
        box.addItem(text)
        index = box.count() - 1
    if box.currentIndex() != index:
        box.setCurrentIndex(index)


def _fill(table: QTableWidget, rows: list[list[Any]]) -> None:
    """Show ``rows`` (str = text cell, bool = checkbox cell), touching only what differs."""
    table.blockSignals(True)
    try:
        if table.rowCount() != len(rows):
            table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = table.item(r, c)
                if isinstance(value, bool):
                    state = Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
                    if item is None:
                        item = _item("", editable=False)
                        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                        table.setItem(r, c, item)
                    if item.checkState() != state:
                        item.setCheckState(state)
                else:
                    if item is None:
                        table.setItem(r, c, _item(value))
                    elif item.text() != value:
                        item.setText(value)
    finally:
        table.blockSignals(False)
