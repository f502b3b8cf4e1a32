"""Impact view: run a policy's cases against another version of it (a file or a registry reference)
and list the cases whose verdict, message or patch change — the core's ``test --against``."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core import ImpactChange, plan_jobs, run_impact
from workbench.gui.errors import ErrorInfo
from workbench.gui.tasks import Task, TaskContext
from workbench.gui.view import WindowView
from workbench.gui.workspace import WsPolicy, to_suite

__all__ = ["ImpactDialog", "choose_and_run_impact", "run_impact_of"]

POLICY_FILTER = "Policies (*.wasm *.rego *.yaml *.yml);;All files (*)"


class ImpactDialog(QDialog):
    """The cases that change, before → after."""

    def __init__(
        self,
        policy: str,
        against: str,
        changes: list[ImpactChange],
        total: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.changes = changes
        self.setWindowTitle(f"Impact of another version of {policy}")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Impact summary")
        what = (
            f"{len(changes)} of {total} case(s) change" if changes else f"none of the {total} case(s) changes"
        )
        self.summary.setText(f"{policy} against {against}: {what}.")
        self.table = QTableWidget(len(changes), 4, self)
        self.table.setHorizontalHeaderLabels(["Case", "Before", "After", "What changes"])
        self.table.setAccessibleName("Changed cases")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for row, change in enumerate(changes):
            before = f"{change.before.got}: {change.before.message}".rstrip(": ")
            after = f"{change.after.got}: {change.after.message}".rstrip(": ")
            cells = (change.before.case_id.split(":", 1)[-1], before, after, ", ".join(change.changes))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column == 2:
                    item.setForeground(QColor("#c62828"))
                self.table.setItem(row, column, item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 420)


def choose_and_run_impact(view: WindowView) -> Task | None:
    policy = view.open_policy
    if policy is None:
        view.show_message("Select a policy (or one of its cases) first", "warning")
        return None
    against = view.ask_open_path(f"Another version of {policy.title}", "", POLICY_FILTER)
    if not against:
        against, ok = QInputDialog.getText(
            view.widget(), "Another version", "Registry reference (e.g. registry://ghcr.io/org/policy:v2):"
        )
        if not ok or not against.strip():
            return None
    return run_impact_of(view, policy, against.strip())


def run_impact_of(view: WindowView, policy: WsPolicy, against: str) -> Task | None:
    """Run ``policy``'s cases with its module and with ``against`` in the background; show the changes."""
    suite, kept, problems = to_suite(view.workspace, [(policy, c) for c in policy.cases])
    if not kept:
        view.show_message(
            "Nothing to compare: " + ("; ".join(problems) or "the policy has no case"), "warning"
        )
        return None
    jobs = plan_jobs([suite])

    def work(ctx: TaskContext) -> tuple[list[ImpactChange], int]:
        _before, _after, changes = run_impact([suite], jobs, against, policy.id, workers=1, cancel=ctx.cancel)
        return changes, len(jobs)

    def done(value: tuple[list[ImpactChange], int]) -> None:
        changes, total = value
        view.context.log.app(
            f"impact of {against} on {policy.title}: {len(changes)} of {total} case(s) change"
        )
        dialog = ImpactDialog(policy.title, against, changes, total, view.widget())
        dialog.show()
        view.impact_dialog = dialog

    def failed(error: ErrorInfo) -> None:
        view.show_error(error)

    return view.context.runner.run(work, "Impact", on_finished=done, on_failed=failed)


def changed_case_ids(dialog: Any) -> list[str]:
    return [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
