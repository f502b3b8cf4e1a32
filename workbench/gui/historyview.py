"""The History pane: every run kept in the core's SQLite history; reopen one, compare two."""

from __future__ import annotations

import datetime
import json
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core import HistoryEntry, HistoryStore, compare_entries, text_digest
from workbench.gui.resultview import VERDICT_STYLE, RunRecord
from workbench.gui.workspace import WsCase, WsPolicy

__all__ = ["HistoryPane", "WindowHistory"]


class WindowHistory:
    """The window's side of the history store: RunRecords in, HistoryEntries out."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store
        self.listeners: list[Any] = []

    def add_record(self, policy: WsPolicy, case: WsCase, record: RunRecord) -> int:
        return self.add_records([(policy, case, record)])[0]

    def add_records(self, runs: list[tuple[WsPolicy, WsCase, RunRecord]]) -> list[int]:
        """Store runs in one transaction (a suite run) and tell the listeners once."""
        ids = self.store.add_many([self.entry(p, c, r) for p, c, r in runs])
        for listener in self.listeners:
            listener()
        return ids

    @staticmethod
    def entry(policy: WsPolicy, case: WsCase, record: RunRecord) -> HistoryEntry:
        response = record.outcome.response.to_dict() if record.outcome is not None else None
        request_text = record.request_text[0] if record.request_text else ""
        settings_text = record.settings_text[0] if record.settings_text else ""
        return HistoryEntry(
            policy=policy.title,
            policy_source=policy.module,
            policy_digest=record.digest[:64] or text_digest(policy.module),
            inputs_digest=record.digest or text_digest(request_text + settings_text),
            request_text=request_text,
            settings_text=settings_text,
            verdict=record.verdict,
            message=record.message,
            elapsed_s=record.outcome.elapsed_s if record.outcome is not None else 0.0,
            wall_s=record.wall_s,
            case_name=case.name,
            expected=case.expect,
            passed=record.passed,
            response=response,
            started=record.started,
        )


class HistoryPane(QWidget):
    """Newest runs first; select one to reopen it, two to compare them."""

    reopen_requested = Signal(object)  # HistoryEntry

    LIMIT = 300

    def __init__(self, history: WindowHistory | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.entries: list[HistoryEntry] = []
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(["Time", "Policy", "Case", "Verdict", "Expectation"])
        self.table.setAccessibleName("Run history")
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.reopen_button = QPushButton("Reopen", self)
        self.reopen_button.setAccessibleName("Reopen run")
        self.reopen_button.setToolTip("Restore the run's request and settings into a scratch case")
        self.compare_button = QPushButton("Compare", self)
        self.compare_button.setAccessibleName("Compare two runs")
        self.compare_button.setToolTip(
            "Select two runs to see what differs (verdict, message, patch, inputs)"
        )
        self.info = QLabel(self)
        self.info.setAccessibleName("History size")
        self.comparison = QPlainTextEdit(self)
        self.comparison.setReadOnly(True)
        self.comparison.setAccessibleName("Run comparison")
        self.comparison.setPlaceholderText("Select two runs and click Compare")
        buttons = QHBoxLayout()
        buttons.addWidget(self.info, 1)
        buttons.addWidget(self.reopen_button)
        buttons.addWidget(self.compare_button)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(buttons)
        top_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(top)
        splitter.addWidget(self.comparison)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self.reopen_button.clicked.connect(lambda: self.reopen_selected())
        self.compare_button.clicked.connect(lambda: self.compare_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemActivated.connect(lambda _item: self.reopen_selected())
        if history is not None:  # refreshed in its own event: a suite run stores many runs at once
            history.listeners.append(lambda: QTimer.singleShot(20, self.refresh))
        self.refresh()

    def refresh(self) -> None:
        if self.history is None:
            self.info.setText("No run history (the history database could not be opened)")
            self._selection_changed()
            return
        self.entries = self.history.store.recent(self.LIMIT)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            stamp = datetime.datetime.fromtimestamp(entry.started).strftime("%Y-%m-%d %H:%M:%S")
            expectation = (
                "" if entry.passed is None else ("✔ " if entry.passed else "✖ ") + (entry.expected or "")
            )
            cells = (stamp, entry.policy, entry.case_name or "", entry.verdict, expectation)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setForeground(QColor(VERDICT_STYLE.get(entry.verdict, VERDICT_STYLE["error"])[1]))
                self.table.setItem(row, column, item)
        self.info.setText(f"{self.history.store.count()} run(s) kept (at most {self.history.store.max_runs})")
        self._selection_changed()

    def selected_entries(self) -> list[HistoryEntry]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self.entries[r] for r in rows if r < len(self.entries)]

    def _selection_changed(self) -> None:
        selected = self.selected_entries()
        self.reopen_button.setEnabled(len(selected) == 1)
        self.compare_button.setEnabled(len(selected) == 2)

    def reopen_selected(self) -> HistoryEntry | None:
        selected = self.selected_entries()
        if len(selected) != 1:
            return None
        self.reopen_requested.emit(selected[0])
        return selected[0]

    def compare_selected(self) -> list[str]:
        selected = self.selected_entries()
        if len(selected) != 2:
            return []
        newer, older = selected[0], selected[1]
        differences = compare_entries(older, newer)
        head = f"run {older.id} ({older.verdict}) → run {newer.id} ({newer.verdict})\n\n"
        self.comparison.setPlainText(
            head + ("\n".join(differences) or "No difference: same verdict, message and patch.")
        )
        return differences

    @staticmethod
    def describe(entry: HistoryEntry) -> str:
        return json.dumps({"verdict": entry.verdict, "message": entry.message}, ensure_ascii=False)
