"""The Result view: verdict, message/code, warnings, audit annotations, mutation diff, raw response, history."""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import json
import time
from typing import Any

import jsonpatch
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.core.engines.base import ValidationOutcome
from workbench.gui.errors import ErrorInfo

__all__ = ["ResultView", "RunRecord", "classify", "mutation_diff"]

ACCEPTED, REJECTED, ERROR = "accepted", "rejected", "error"
_VERDICT_STYLE = {
    ACCEPTED: ("✔ ACCEPTED", "#2e7d32"),
    REJECTED: ("✖ REJECTED", "#c62828"),
    ERROR: ("⚠ ERROR", "#ef6c00"),
}


@dataclasses.dataclass
class RunRecord:
    """One run of the session, kept for the history list."""

    number: int
    policy: str
    request_label: str
    request: Any  # the AdmissionRequest (or raw value) evaluated
    original: Any  # what a mutation is diffed against: request.object, or the raw request
    settings: dict[str, Any]
    outcome: ValidationOutcome | None = None
    error: ErrorInfo | None = None
    started: float = dataclasses.field(default_factory=time.time)
    wall_s: float = 0.0
    #: the editors' texts and syntaxes at run time, to restore them from the history
    request_text: tuple[str, str] | None = None
    settings_text: tuple[str, str] | None = None

    @property
    def verdict(self) -> str:
        return classify(self.outcome, self.error)

    @property
    def label(self) -> str:
        stamp = datetime.datetime.fromtimestamp(self.started).strftime("%H:%M:%S")
        return f"#{self.number} {stamp}  {self.verdict.upper()}  {self.policy} ← {self.request_label}"


def classify(outcome: ValidationOutcome | None, error: ErrorInfo | None) -> str:
    if error is not None or outcome is None:
        return ERROR
    response = outcome.response
    if response.allowed:
        return ACCEPTED
    # policy-server answers 500 when it could not evaluate (internal error, deadline exceeded)
    if response.code == 500:
        return ERROR
    return REJECTED


def mutation_diff(original: Any, patch_ops: list[dict[str, Any]] | None) -> tuple[str, str] | None:
    """(before, after) pretty JSON of the object around a JSON Patch, or None without a patch."""
    if not patch_ops:
        return None
    after = jsonpatch.apply_patch(original, patch_ops, in_place=False)
    dump = lambda v: json.dumps(v, indent=2, sort_keys=False, ensure_ascii=False)  # noqa: E731
    return dump(original), dump(after)


def _mono(widget: QWidget) -> None:
    widget.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))


def _text_view(name: str, parent: QWidget) -> QPlainTextEdit:
    view = QPlainTextEdit(parent)
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setAccessibleName(name)
    _mono(view)
    return view


class DiffView(QWidget):
    """Object before / after the mutation, side by side, changed lines highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.before = _text_view("Object before mutation", self)
        self.after = _text_view("Object after mutation", self)
        self.before.verticalScrollBar().valueChanged.connect(self.after.verticalScrollBar().setValue)
        self.after.verticalScrollBar().valueChanged.connect(self.before.verticalScrollBar().setValue)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for title, view in (("Before", self.before), ("After", self.after)):
            column = QVBoxLayout()
            column.addWidget(QLabel(f"<b>{title}</b>", self))
            column.addWidget(view, 1)
            layout.addLayout(column, 1)
        self.changed_lines: tuple[list[int], list[int]] = ([], [])

    def set_texts(self, before: str, after: str) -> None:
        a, b = before.splitlines(), after.splitlines()
        left: list[int] = []
        right: list[int] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if tag in ("replace", "delete"):
                left.extend(range(i1, i2))
            if tag in ("replace", "insert"):
                right.extend(range(j1, j2))
        self.before.setPlainText(before)
        self.after.setPlainText(after)
        self._mark(self.before, left, QColor(229, 57, 53, 70))
        self._mark(self.after, right, QColor(67, 160, 71, 70))
        self.changed_lines = (left, right)

    @staticmethod
    def _mark(view: QPlainTextEdit, lines: list[int], colour: QColor) -> None:
        selections = []
        for line in lines:
            block = view.document().findBlockByNumber(line)
            sel = QTextEdit.ExtraSelection()
            sel.format.setBackground(colour)
            sel.format.setProperty(sel.format.Property.FullWidthSelection, True)
            sel.cursor = QTextCursor(block)
            selections.append(sel)
        view.setExtraSelections(selections)

    def clear(self) -> None:
        self.set_texts("", "")


class ResultView(QWidget):
    """Verdict banner + detail tabs, with the session's run history on the left."""

    history_selected = Signal(object)  # RunRecord
    #: double-click / Enter on a history entry: put its request and settings back in the editors
    history_restore = Signal(object)  # RunRecord

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records: list[RunRecord] = []
        self.current: RunRecord | None = None

        self.history = QListWidget(self)
        self.history.setAccessibleName("Run history")
        self.history.currentRowChanged.connect(self._history_row)
        self.history.itemActivated.connect(
            lambda item: self.history_restore.emit(self.records[self.history.row(item)])
        )
        self.history.setToolTip(
            "Runs since the application started: select one to show its result, "
            "double-click (or Enter) to load its request and settings again"
        )

        self.verdict = QLabel("No run yet", self)
        self.verdict.setObjectName("verdictLabel")
        self.verdict.setAccessibleName("Verdict")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict.setMinimumHeight(44)
        self._style_verdict(None)

        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Verdict message")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code = QLabel(self)
        self.code.setAccessibleName("Status code")
        self.elapsed = QLabel(self)
        self.elapsed.setAccessibleName("Evaluation time")
        self.warnings = QLabel(self)
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName("Warnings")
        for label in (self.message, self.code, self.elapsed, self.warnings):
            label.setTextFormat(Qt.TextFormat.PlainText)  # policy messages are text, never markup
        summary = QFormLayout()
        summary.addRow("Message:", self.message)
        summary.addRow("Code:", self.code)
        summary.addRow("Warnings:", self.warnings)
        summary.addRow("Time:", self.elapsed)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Result details")
        self.annotations = QTableWidget(0, 2, self)
        self.annotations.setHorizontalHeaderLabels(["Audit annotation", "Value"])
        self.annotations.horizontalHeader().setStretchLastSection(True)
        self.annotations.setAccessibleName("Audit annotations")
        self.patch = _text_view("JSON Patch", self)
        self.diff = DiffView(self)
        self.raw = _text_view("Raw AdmissionResponse", self)
        self.details = _text_view("Error details", self)
        self.tabs.addTab(self.annotations, "Audit annotations")
        self.tabs.addTab(self.diff, "Mutation diff")
        self.tabs.addTab(self.patch, "JSON Patch")
        self.tabs.addTab(self.raw, "Raw response")
        self.tabs.addTab(self.details, "Details")

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.verdict)
        top_layout.addLayout(summary)
        top_layout.addWidget(self.tabs, 1)

        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(QLabel("History (runs since the application started):", self))
        bottom_layout.addWidget(self.history, 1)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("resultSplitter")
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

    def _style_verdict(self, verdict: str | None, mutated: bool = False) -> None:
        if verdict is None:
            self.verdict.setText("No run yet")
            self.verdict.setStyleSheet("QLabel#verdictLabel { font-size: 16pt; padding: 6px; }")
            return
        text, colour = _VERDICT_STYLE[verdict]
        self.verdict.setText(text + (" · MUTATED" if mutated else ""))
        self.verdict.setStyleSheet(
            f"QLabel#verdictLabel {{ font-size: 18pt; font-weight: bold; color: white; background: {colour};"
            " border-radius: 6px; padding: 6px; }"
        )

    def add_record(self, record: RunRecord) -> None:
        self.records.append(record)
        item = QListWidgetItem(record.label)
        item.setForeground(QColor(_VERDICT_STYLE[record.verdict][1]))
        self.history.addItem(item)
        self.history.blockSignals(True)
        self.history.setCurrentRow(len(self.records) - 1)
        self.history.blockSignals(False)
        self.show_record(record)

    def _history_row(self, row: int) -> None:
        if 0 <= row < len(self.records):
            self.show_record(self.records[row])
            self.history_selected.emit(self.records[row])

    @property
    def verdict_name(self) -> str | None:
        return self.current.verdict if self.current else None

    def show_record(self, record: RunRecord) -> None:
        self.current = record
        verdict = record.verdict
        self._style_verdict(verdict)
        self.annotations.setRowCount(0)
        self.patch.clear()
        self.diff.clear()
        self.raw.clear()
        self.details.clear()
        if record.error is not None:
            self.message.setText(record.error.message)
            self.code.setText("—")
            self.warnings.setText("—")
            self.elapsed.setText(f"{record.wall_s * 1000:.1f} ms (wall)")
            self.details.setPlainText(record.error.details or record.error.message)
            self.tabs.setCurrentWidget(self.details)
            return
        assert record.outcome is not None
        response = record.outcome.response
        if response.patch:
            self._style_verdict(verdict, mutated=True)
        self.message.setText(response.message or ("(no message)" if not response.allowed else "—"))
        self.code.setText(str(response.code) if response.code is not None else "—")
        self.warnings.setText("\n".join(response.warnings) if response.warnings else "none")
        self.elapsed.setText(
            f"{record.outcome.elapsed_s * 1000:.1f} ms evaluation, {record.wall_s * 1000:.1f} ms wall"
        )
        for key, value in sorted((response.audit_annotations or {}).items()):
            row = self.annotations.rowCount()
            self.annotations.insertRow(row)
            self.annotations.setItem(row, 0, QTableWidgetItem(key))
            self.annotations.setItem(row, 1, QTableWidgetItem(str(value)))
        self.raw.setPlainText(json.dumps(response.to_dict(), indent=2, ensure_ascii=False))
        patch_ops = response.patch_operations()
        if patch_ops:
            self.patch.setPlainText(json.dumps(patch_ops, indent=2, ensure_ascii=False))
            try:
                texts = mutation_diff(record.original, patch_ops)
            except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
                self.details.setPlainText(f"the patch does not apply to the request object: {exc}")
                texts = None
            if texts is not None:
                self.diff.set_texts(*texts)
                self.tabs.setCurrentWidget(self.diff)
                return
        self.tabs.setCurrentWidget(self.annotations if response.audit_annotations else self.raw)
