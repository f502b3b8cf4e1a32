"""The Policy tab: compact facts about the open policy, and its Rego source when it is one.

Kind and why, engine, OPA ABI, entrypoint (choose the one to run), builtins needed and missing,
custom sections, sha256, size, warnings — from the core's :class:`~workbench.core.ModuleReport`.
Sections with nothing to say (no builtins for a non-OPA module, no warnings) are hidden instead
of showing empty boxes.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.gui.codeeditor import CodeEditor
from workbench.gui.evaluation import LoadedPolicy
from workbench.gui.findbar import with_find_bar

__all__ = ["ModulePane", "rego_error_line"]


def rego_error_line(message: str) -> int | None:
    """The line a Rego parse error points to (``file.rego:12:3: ...`` or ``line 12``), if any."""
    match = re.search(r"\.rego:(\d+)(?::\d+)?", message) or re.search(r"\bline (\d+)", message)
    return int(match.group(1)) if match else None


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _readonly_line(parent: QWidget, name: str) -> QLineEdit:
    """Long single-line facts (paths, digests): selectable, scrolls instead of widening the pane."""
    line = QLineEdit("—", parent)
    line.setReadOnly(True)
    line.setFrame(False)
    line.setMinimumWidth(80)
    line.setAccessibleName(name)
    return line


def _fact(parent: QWidget, name: str) -> QLabel:
    label = QLabel("—", parent)
    label.setAccessibleName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ModulePane(QWidget):
    """Facts about the open policy (module or Rego source)."""

    entrypoint_changed = Signal(object)  # str name or None

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.loaded: LoadedPolicy | None = None
        self.hint = QLabel(
            "Open a policy (.wasm, .rego, a policy manifest or a registry reference), open a workspace, "
            "or drop files on the Workspace pane.",
            self,
        )
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Policy hint")

        facts = QGroupBox("Policy", self)
        form = QFormLayout(facts)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.source = _readonly_line(self, "Policy source")
        self.kind = _fact(self, "Policy kind")
        self.engine = _fact(self, "Engine")
        self.abi = _fact(self, "OPA ABI")
        self.mode = _fact(self, "Execution mode")
        self.sha = _readonly_line(self, "SHA-256")
        self.size_fact = _fact(self, "Module size")
        self.builtins = _fact(self, "Builtins needed")
        self.sections = _fact(self, "Custom sections")
        self.entrypoint = QComboBox(self)
        self.entrypoint.setAccessibleName("Entrypoint")
        self.entrypoint.setToolTip("The OPA entrypoint to evaluate (Kubewarden uses id 0)")
        self.form = form
        form.addRow("Source:", self.source)
        form.addRow("Kind:", self.kind)
        form.addRow("Engine:", self.engine)
        form.addRow("Execution mode:", self.mode)
        form.addRow("OPA ABI:", self.abi)
        form.addRow("&Entrypoint:", self.entrypoint)
        form.addRow("Builtins:", self.builtins)
        form.addRow("SHA-256:", self.sha)
        form.addRow("Size:", self.size_fact)
        form.addRow("Sections:", self.sections)

        self.group_box = QGroupBox("Policy group", self)
        group_form = QFormLayout(self.group_box)
        self.group_expression = _fact(self, "Group expression")
        self.group_members = _fact(self, "Group members")
        group_form.addRow("Expression:", self.group_expression)
        group_form.addRow("Members:", self.group_members)

        self.warnings_box = QGroupBox("Warnings", self)
        self.warnings = _fact(self, "Policy warnings")
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        QVBoxLayout(self.warnings_box).addWidget(self.warnings)

        self.rego = CodeEditor(None, "rego", dark)
        self.rego.setReadOnly(True)
        self.rego.setAccessibleName("Rego source")
        self.rego_box = QGroupBox("Rego source", self)
        rego_layout = QVBoxLayout(self.rego_box)
        rego_layout.setContentsMargins(4, 4, 4, 4)
        rego_layout.addWidget(with_find_bar(self.rego, self.rego_box))

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.hint)
        top_layout.addWidget(facts)
        top_layout.addWidget(self.group_box)
        top_layout.addWidget(self.warnings_box)
        top_layout.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(self.rego_box)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self.facts_box = facts
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.description.setAccessibleName("Policy description")
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top_layout.insertWidget(1, self.description)
        self.entrypoint.currentIndexChanged.connect(self._entrypoint_selected)
        self.clear()

    def _row_visible(self, field: QWidget, visible: bool) -> None:
        self.form.setRowVisible(field, visible)

    def clear(self) -> None:
        self.loaded = None
        for widget in (self.source, self.kind, self.engine, self.abi, self.mode, self.sha, self.size_fact):
            widget.setText("—")
        self.entrypoint.clear()
        self.entrypoint.setEnabled(False)
        self.hint.show()
        self.facts_box.hide()
        self.warnings_box.hide()
        self.rego_box.hide()
        self.description.hide()
        self.group_box.hide()

    def show_policy(self, loaded: LoadedPolicy, shown: str | None = None, description: str = "") -> None:
        """Show ``loaded``; ``shown`` is its source as the pane writes it (relative to the workspace),
        ``description`` what the workspace says about the policy."""
        self.loaded = loaded
        self.description.setText(description)
        self.description.setVisible(bool(description))
        self.hint.hide()
        self.facts_box.show()
        report = loaded.report
        self.source.setText(shown or loaded.text)
        self.source.setCursorPosition(0)
        self.source.setToolTip(loaded.text)
        self.engine.setText(loaded.label)
        if report is not None:
            self.kind.setText(f"<b>{_esc(report.kind.value)}</b> — {_esc(report.kind_reason)}")
            mode = report.execution_mode.value if report.execution_mode else None
            self.mode.setText(f"{mode} (from metadata)" if mode else "not annotated")
            self.abi.setText(f"{report.abi[0]}.{report.abi[1]}" if report.abi else "—")
            self.sha.setText(report.sha256)
            self.size_fact.setText(f"{report.size:,} bytes")
            missing = set(report.missing_builtins)
            self.builtins.setText(
                ", ".join(("✖ " if n in missing else "") + n for n in report.required_builtins) or "none"
            )
            sections = [f"{s.get('name')} ({int(s.get('size', 0)):,} B)" for s in report.custom_sections]
            self.sections.setText(", ".join(sections) or "none")
        elif loaded.is_group:
            self.kind.setText(
                f"<b>policy group</b> — {len(loaded.group_members)} member(s), one verdict by expression"
            )
            self.mode.setText("per member")
            self.sha.setText(loaded.sha256)
            self.size_fact.setText("—")
        else:
            self.kind.setText("<b>rego-source</b> — evaluated from source by the embedded Rego interpreter")
            self.mode.setText(loaded.execution_mode)
            self.sha.setText(loaded.sha256)
            self.size_fact.setText(
                f"{sum(len(t) for t in loaded.rego_texts):,} characters in {len(loaded.rego_files)} file(s)"
            )
        is_opa = report is not None and report.kind.value == "opa"
        self._row_visible(self.abi, is_opa)
        self._row_visible(self.builtins, is_opa and bool(report and report.required_builtins))
        self._row_visible(self.entrypoint, is_opa)
        self._row_visible(self.size_fact, True)
        self._row_visible(self.sections, report is not None and bool(report.custom_sections))
        self.entrypoint.blockSignals(True)
        self.entrypoint.clear()
        entrypoints = report.entrypoints if report is not None else {}
        for name, ident in sorted(entrypoints.items(), key=lambda item: item[1]):
            self.entrypoint.addItem(f"{ident}: {name}", name)
        self.entrypoint.setEnabled(bool(entrypoints))
        self.entrypoint.blockSignals(False)
        self.show_group(loaded)
        self.warnings.setText("\n".join(f"⚠ {w}" for w in loaded.warnings))
        self.warnings_box.setVisible(bool(loaded.warnings))
        if loaded.is_rego:
            parts = []
            for path, text in zip(loaded.rego_files, loaded.rego_texts, strict=False):
                parts.append(text if len(loaded.rego_files) == 1 else f"# --- {path.name}\n{text}")
            self.rego.setPlainText("\n".join(parts))
            self.rego.set_error(None)
            self.rego_box.show()
        else:
            self.rego_box.hide()

    def show_group(self, loaded: LoadedPolicy) -> None:
        """A policy group's expression (checked) and members; hidden for single policies."""
        self.group_box.setVisible(loaded.is_group)
        if not loaded.is_group:
            return
        problems = "".join(
            f"<br><span style='color:#d32f2f'>✖ {_esc(p)}</span>" for p in loaded.expression_problems
        )
        verdict = "" if problems else " <span style='color:#2e7d32'>✔ valid</span>"
        self.group_expression.setText(f"<code>{_esc(loaded.group_expression)}</code>{verdict}{problems}")
        self.group_members.setText(
            "<br>".join(f"<b>{_esc(name)}</b>: {_esc(module)}" for name, module in loaded.group_members)
        )

    def show_rego_error(self, text: str, message: str) -> None:
        """A Rego source that does not load: its text, with the line the error points to marked."""
        self.rego.setPlainText(text)
        line = rego_error_line(message)
        self.rego.set_error(line, message)
        if line is not None:
            self.rego.go_to_line(line)
        self.rego_box.show()

    def selected_entrypoint(self) -> Any:
        if not self.entrypoint.isEnabled() or self.entrypoint.currentIndex() < 0:
            return None
        return self.entrypoint.currentData()

    def select_entrypoint(self, name: str) -> bool:
        index = self.entrypoint.findData(name)
        if index >= 0:
            self.entrypoint.setCurrentIndex(index)
        return index >= 0

    def _entrypoint_selected(self, _index: int) -> None:
        self.entrypoint_changed.emit(self.selected_entrypoint())
