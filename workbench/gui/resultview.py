"""The Result view: the selected case's last run — verdict, expectation, decision path, mutation diff,
raw response and OPA result set — each page picked from a vertical list that never clips.

A result is always shown with the inputs that produced it: the window marks it *stale* (a bar
above the verdict) the moment the module, metadata, settings, request or run options change.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import json
import time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.core import ValidationOutcome
from workbench.gui.diffview import DiffView, apply_patch
from workbench.gui.errors import ErrorInfo

__all__ = ["VERDICT_STYLE", "DecisionStep", "ResultView", "RunRecord"]

VERDICT_STYLE = {
    "accepted": ("✔ ACCEPTED", "#2e7d32"),
    "mutated": ("✔ MUTATED", "#1565c0"),
    "rejected": ("✖ REJECTED", "#c62828"),
    "settings-error": ("⚠ SETTINGS ERROR", "#ef6c00"),
    "error": ("⚠ ERROR", "#ef6c00"),
    "skipped": ("– SKIPPED", "#616161"),
}


@dataclasses.dataclass(frozen=True)
class DecisionStep:
    """One step of how the verdict came about: scope, settings, engine, post-processing."""

    title: str
    status: str  # ok | failed | skipped | info
    detail: str
    lines: tuple[str, ...] = ()


@dataclasses.dataclass
class RunRecord:
    """One run, with everything needed to show it, restore its inputs and judge it."""

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
    verdict_name: str = ""
    digest: str = ""
    case_name: str | None = None
    expect: str | None = None
    expect_message: str | None = None
    passed: bool | None = None
    reason: str = ""
    decision: tuple[DecisionStep, ...] = ()
    history_id: int | None = None

    @property
    def verdict(self) -> str:
        if self.verdict_name:
            return self.verdict_name
        if self.error is not None or self.outcome is None:
            return "error"
        response = self.outcome.response
        if response.allowed:
            return "mutated" if response.patch else "accepted"
        return "error" if response.code == 500 else "rejected"

    @property
    def message(self) -> str:
        if self.error is not None:
            return self.error.message
        if self.outcome is not None:
            return self.outcome.response.message or ""
        return ""

    @property
    def label(self) -> str:
        stamp = datetime.datetime.fromtimestamp(self.started).strftime("%H:%M:%S")
        return f"#{self.number} {stamp}  {self.verdict.upper()}  {self.policy} ← {self.request_label}"


def _mono(widget: QWidget) -> None:
    widget.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))


def _text_view(name: str, parent: QWidget) -> QPlainTextEdit:
    view = QPlainTextEdit(parent)
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setAccessibleName(name)
    _mono(view)
    return view


def _label(name: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # policy text is never markup
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


_STEP_MARK = {
    "ok": ("✔", "#2e7d32"),
    "failed": ("✖", "#c62828"),
    "skipped": ("–", "#757575"),
    "info": ("•", "#1565c0"),
}


def decision_html(steps: tuple[DecisionStep, ...]) -> str:
    out = []
    for number, step in enumerate(steps, 1):
        mark, colour = _STEP_MARK.get(step.status, ("•", "#1565c0"))
        out.append(
            f"<p><span style='color:{colour};font-weight:bold'>{mark} {number}. {html.escape(step.title)}</span><br>"
            f"{html.escape(step.detail)}</p>"
        )
        if step.lines:
            items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in step.lines[:200])
            out.append(f"<ul>{items}</ul>")
    return "".join(out) or "<p>No run yet.</p>"


class ResultView(QWidget):
    """Verdict + stale bar + pages (Summary, Decision path, Mutation diff, JSON Patch, Raw response,
    OPA result set, Details) picked from a vertical list."""

    save_as_case_requested = Signal(object)  # RunRecord

    PAGES = (
        "Summary",
        "Decision path",
        "Mutation diff",
        "JSON Patch",
        "Raw response",
        "OPA result set",
        "Details",
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current: RunRecord | None = None
        self.stale = False

        self.verdict = QLabel("No run yet", self)
        self.verdict.setObjectName("verdictLabel")
        self.verdict.setAccessibleName("Verdict")
        self.verdict.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict.setMinimumHeight(40)
        self.stale_label = QLabel(self)
        self.stale_label.setObjectName("staleLabel")
        self.stale_label.setAccessibleName("Stale result")
        self.stale_label.setWordWrap(True)
        self.stale_label.setStyleSheet(
            "QLabel#staleLabel { background: #fff3cd; color: #5c4400; border: 1px solid #e0b000;"
            " border-radius: 4px; padding: 4px; }"
        )
        self.stale_label.hide()
        self.expectation = QLabel(self)
        self.expectation.setAccessibleName("Expectation")
        self.expectation.setWordWrap(True)
        self.save_case_button = QPushButton("Save as Case…", self)
        self.save_case_button.setAccessibleName("Save as case")
        self.save_case_button.setToolTip("Keep these inputs as a case, with this outcome as its expectation")
        self.save_case_button.setEnabled(False)
        self.save_case_button.clicked.connect(
            lambda: self.current and self.save_as_case_requested.emit(self.current)
        )

        self.message = _label("Verdict message", self)
        self.code = _label("Status code", self)
        self.elapsed = _label("Evaluation time", self)
        self.warnings = _label("Warnings", self)
        self.annotations = QTableWidget(0, 2, self)
        self.annotations.setHorizontalHeaderLabels(["Audit annotation", "Value"])
        self.annotations.horizontalHeader().setStretchLastSection(True)
        # the key column is as wide as its header (and longest key), never clipped
        self.annotations.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.annotations.setAccessibleName("Audit annotations")
        summary = QWidget(self)
        form = QFormLayout(summary)
        form.setContentsMargins(4, 0, 0, 0)
        form.addRow("Message:", self.message)
        form.addRow("Code:", self.code)
        form.addRow("Warnings:", self.warnings)
        form.addRow("Time:", self.elapsed)
        form.addRow(self.annotations)

        self.decision = QTextBrowser(self)
        self.decision.setAccessibleName("Decision path")
        self.diff = DiffView(self)
        self.patch = _text_view("JSON Patch", self)
        self.raw = _text_view("Raw AdmissionResponse", self)
        self.result_set = _text_view("OPA result set", self)
        self.details = _text_view("Error details", self)

        self.pages = QListWidget(self)
        self.pages.setObjectName("resultPages")
        self.pages.setAccessibleName("Result pages")
        self.stack = QStackedWidget(self)
        self._page_widgets: dict[str, QWidget] = {}
        for name, widget in zip(
            self.PAGES,
            (summary, self.decision, self.diff, self.patch, self.raw, self.result_set, self.details),
            strict=True,
        ):
            self.pages.addItem(name)
            self.stack.addWidget(widget)
            self._page_widgets[name] = widget
        self.pages.setCurrentRow(0)
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)
        width = max(self.pages.fontMetrics().horizontalAdvance(name) for name in self.PAGES) + 28
        self.pages.setFixedWidth(width)
        self.pages.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

        top = QHBoxLayout()
        top.addWidget(self.expectation, 1)
        top.addWidget(self.save_case_button)
        body = QHBoxLayout()
        body.addWidget(self.pages)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.verdict)
        layout.addWidget(self.stale_label)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self.clear()

    # -- pages -----------------------------------------------------------------------------
    def show_page(self, name: str) -> None:
        self.pages.setCurrentRow(self.PAGES.index(name))

    @property
    def current_page(self) -> str:
        return self.PAGES[self.pages.currentRow()]

    def _page_enabled(self, name: str, enabled: bool) -> None:
        item = self.pages.item(self.PAGES.index(name))
        flags = item.flags()
        item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if enabled else flags & ~Qt.ItemFlag.ItemIsEnabled)

    # -- content ---------------------------------------------------------------------------
    def _style_verdict(self, verdict: str | None) -> None:
        if verdict is None:
            self.verdict.setStyleSheet("QLabel#verdictLabel { font-size: 15pt; padding: 4px; }")
            return
        text, colour = VERDICT_STYLE.get(verdict, VERDICT_STYLE["error"])
        self.verdict.setText(text)
        self.verdict.setStyleSheet(
            f"QLabel#verdictLabel {{ font-size: 17pt; font-weight: bold; color: white; background: {colour};"
            " border-radius: 6px; padding: 4px; }"
        )

    def clear(self, text: str = "No run yet") -> None:
        """No result (another policy opened, another case selected without a run)."""
        self.current = None
        self.verdict.setText(text)
        self._style_verdict(None)
        self.set_stale(False)
        self.expectation.setText("")
        self.save_case_button.setEnabled(False)
        for label in (self.message, self.code, self.warnings, self.elapsed):
            label.setText("—")
        self.annotations.setRowCount(0)
        self.decision.setHtml(decision_html(()))
        self.diff.clear()
        for view in (self.patch, self.raw, self.result_set, self.details):
            view.clear()
        for name in ("Mutation diff", "JSON Patch", "OPA result set", "Details"):
            self._page_enabled(name, False)
        self.show_page("Summary")

    def set_stale(self, stale: bool, why: str = "") -> None:
        self.stale = stale
        self.stale_label.setText(
            "↻ Stale: " + (why or "the inputs changed since this run") + " — run again (F5) to update."
        )
        self.stale_label.setVisible(stale)

    @property
    def verdict_name(self) -> str | None:
        return self.current.verdict if self.current else None

    def show_record(self, record: RunRecord, stale: bool = False) -> None:
        previous_page = self.current_page
        self.clear()
        self.current = record
        verdict = record.verdict
        self._style_verdict(verdict)
        self.set_stale(stale)
        self.save_case_button.setEnabled(True)
        if record.expect:
            mark = "✔" if record.passed else "✖"
            colour = "#2e7d32" if record.passed else "#c62828"
            self.expectation.setText(
                f"<span style='color:{colour}'><b>{mark}</b> {html.escape(record.reason)}</span>"
            )
        else:
            self.expectation.setText("<i>No expectation for this case</i>")
        self.decision.setHtml(decision_html(record.decision))
        if record.error is not None:
            self.message.setText(record.error.message)
            self.elapsed.setText(f"{record.wall_s * 1000:.1f} ms (wall)")
            self.details.setPlainText(record.error.details or record.error.message)
            self._page_enabled("Details", True)
            self.show_page(previous_page if previous_page in ("Decision path", "Details") else "Summary")
            return
        if record.outcome is None:  # skipped
            self.message.setText(record.reason or "the request does not reach the policy")
            self.show_page("Decision path")
            return
        outcome = record.outcome
        response = outcome.response
        self.message.setText(response.message or ("(no message)" if not response.allowed else "—"))
        self.code.setText(str(response.code) if response.code is not None else "—")
        self.warnings.setText("\n".join(response.warnings) if response.warnings else "none")
        self.elapsed.setText(
            f"{outcome.elapsed_s * 1000:.1f} ms evaluation, {record.wall_s * 1000:.1f} ms wall"
        )
        for key, value in sorted((response.audit_annotations or {}).items()):
            row = self.annotations.rowCount()
            self.annotations.insertRow(row)
            self.annotations.setItem(row, 0, QTableWidgetItem(key))
            self.annotations.setItem(row, 1, QTableWidgetItem(str(value)))
        self.raw.setPlainText(json.dumps(response.to_dict(), indent=2, ensure_ascii=False))
        if outcome.policy_output is not None and isinstance(outcome.policy_output, list):
            self.result_set.setPlainText(json.dumps(outcome.policy_output, indent=2, ensure_ascii=False))
            self._page_enabled("OPA result set", True)
        patch_ops = response.patch_operations()
        if patch_ops:
            self.patch.setPlainText(json.dumps(patch_ops, indent=2, ensure_ascii=False))
            self._page_enabled("JSON Patch", True)
            try:
                after = apply_patch(record.original, patch_ops)
            except Exception as exc:  # a patch that does not apply is shown, never raised
                self.details.setPlainText(f"the patch does not apply to the request object: {exc}")
                self._page_enabled("Details", True)
            else:
                self.diff.set_documents(record.original, after)
                self._page_enabled("Mutation diff", True)
                self.show_page("Mutation diff")
                return
        keep = (
            previous_page
            if previous_page in ("Decision path", "Raw response", "OPA result set")
            else "Summary"
        )
        if keep == "OPA result set" and not self.result_set.toPlainText():
            keep = "Summary"
        self.show_page(keep)
