"""The Workspace pane: policies → cases, a pass / fail / skip / stale icon on every case and policy.

Selecting a case shows it in the editors and its last result; files dropped on the tree are
added to the workspace (``files_dropped``). Status icons are painted, so they follow the palette.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.gui.workspace import CaseStatus, Workspace, WsCase, WsPolicy

__all__ = ["STATUS_COLOURS", "WorkspaceTree", "case_status", "status_icon"]

STATUS_COLOURS = {
    CaseStatus.PASSED: "#2e7d32",
    CaseStatus.FAILED: "#c62828",
    CaseStatus.SKIPPED: "#757575",
    CaseStatus.STALE: "#ef8f00",
    CaseStatus.NOT_RUN: "#9e9e9e",
}
_GLYPHS = {
    CaseStatus.PASSED: "✔",
    CaseStatus.FAILED: "✖",
    CaseStatus.SKIPPED: "–",
    CaseStatus.STALE: "↻",
    CaseStatus.NOT_RUN: "",
}
_ICONS: dict[CaseStatus, QIcon] = {}


def status_icon(status: CaseStatus) -> QIcon:
    """A filled circle with a glyph (hollow for "not run"), painted once per status."""
    cached = _ICONS.get(status)
    if cached is not None:
        return cached
    size = 32
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(STATUS_COLOURS[status])
    rect = QRectF(3, 3, size - 6, size - 6)
    if status == CaseStatus.NOT_RUN:
        pen = painter.pen()
        pen.setColor(colour)
        pen.setWidthF(3)
        painter.setPen(pen)
        painter.drawEllipse(rect)
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(rect)
        font = QFont()
        font.setPixelSize(19)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(rect.translated(QPointF(0, -1)), Qt.AlignmentFlag.AlignCenter, _GLYPHS[status])
    painter.end()
    icon = QIcon(pixmap)
    _ICONS[status] = icon
    return icon


def case_status(case: WsCase, current_digest: str | None) -> CaseStatus:
    """The icon of a case: its last result against its expectation, stale when the inputs changed."""
    result = case.result
    if result is None:
        return CaseStatus.NOT_RUN
    if current_digest is not None and result.digest != current_digest:
        return CaseStatus.STALE
    if result.passed is False:
        return CaseStatus.FAILED
    if result.verdict == "skipped":
        return CaseStatus.SKIPPED
    return CaseStatus.PASSED


def policy_status(statuses: list[CaseStatus]) -> CaseStatus:
    for status in (CaseStatus.FAILED, CaseStatus.STALE, CaseStatus.NOT_RUN):
        if status in statuses:
            return status
    if statuses and all(s == CaseStatus.SKIPPED for s in statuses):
        return CaseStatus.SKIPPED
    return CaseStatus.PASSED if statuses else CaseStatus.NOT_RUN


class _Tree(QTreeWidget):
    files_dropped = Signal(list)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)
        else:
            super().dropEvent(event)


class WorkspaceTree(QWidget):
    """The tree with a one-line summary above it."""

    case_selected = Signal(object, object)  # WsPolicy, WsCase
    policy_selected = Signal(object)  # WsPolicy
    files_dropped = Signal(list)  # list[Path]
    run_case_requested = Signal(object, object)
    run_policy_requested = Signal(object)
    remove_case_requested = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace: Workspace | None = None
        self.summary = QLabel(self)
        self.summary.setAccessibleName("Workspace summary")
        self.summary.setWordWrap(True)
        self.tree = _Tree(self)
        self.tree.setObjectName("workspaceTree")
        self.tree.setAccessibleName("Workspace")
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QSize(16, 16))
        self.tree.setAcceptDrops(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.setToolTip(
            "Select a case to edit and run it; drop .wasm, .rego, manifest or request files here"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.files_dropped.connect(self.files_dropped)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self._items: dict[int, QTreeWidgetItem] = {}
        self._digests: dict[int, str | None] = {}

    # -- content ---------------------------------------------------------------------
    def set_workspace(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.rebuild()

    def rebuild(self, select: WsCase | None = None) -> None:
        self.tree.blockSignals(True)
        try:
            self.tree.clear()
            self._items.clear()
            ws = self.workspace
            if ws is None:
                return
            for policy in ws.policies:
                p_item = QTreeWidgetItem([policy.title])
                p_item.setData(0, Qt.ItemDataRole.UserRole, (policy, None))
                kind = "Rego source" if policy.is_rego else "WebAssembly"
                p_item.setToolTip(0, f"{policy.title}\n{kind}: {Path(policy.module).name}")
                self.tree.addTopLevelItem(p_item)
                self._items[id(policy)] = p_item
                for case in policy.cases:
                    c_item = QTreeWidgetItem([self._case_text(case)])
                    c_item.setData(0, Qt.ItemDataRole.UserRole, (policy, case))
                    p_item.addChild(c_item)
                    self._items[id(case)] = c_item
                p_item.setExpanded(True)
        finally:
            self.tree.blockSignals(False)
        self.refresh()
        if select is not None:
            self.select_case(select)

    @staticmethod
    def _case_text(case: WsCase) -> str:
        marker = " *" if case.dirty else ""
        return case.name + marker

    def set_digest(self, case: WsCase, digest: str | None) -> None:
        self._digests[id(case)] = digest

    def refresh(self) -> None:
        """Update icons, texts and the summary from the cases' results."""
        ws = self.workspace
        counts = dict.fromkeys(CaseStatus, 0)
        if ws is None:
            self.summary.setText("")
            return
        for policy in ws.policies:
            statuses = []
            for case in policy.cases:
                status = case_status(case, self._digests.get(id(case)))
                statuses.append(status)
                counts[status] += 1
                item = self._items.get(id(case))
                if item is not None:
                    item.setIcon(0, status_icon(status))
                    item.setText(0, self._case_text(case))
                    tip = f"{case.name}: expect {case.expect or 'nothing'}"
                    if case.result is not None:
                        tip += f"\nlast run: {case.result.verdict}" + (
                            f" — {case.result.reason}" if case.result.passed is False else ""
                        )
                        if status == CaseStatus.STALE:
                            tip += "\n(stale: the inputs changed since that run)"
                    item.setToolTip(0, tip)
            p_item = self._items.get(id(policy))
            if p_item is not None:
                p_item.setIcon(0, status_icon(policy_status(statuses)))
        parts = [
            f"{counts[s]} {s.value.replace('-', ' ')}"
            for s in (
                CaseStatus.PASSED,
                CaseStatus.FAILED,
                CaseStatus.SKIPPED,
                CaseStatus.STALE,
                CaseStatus.NOT_RUN,
            )
            if counts[s]
        ]
        title = ws.title + (" *" if ws.dirty else "")
        self.summary.setText(f"<b>{_esc(title)}</b><br>" + (" · ".join(parts) or "no cases"))

    # -- selection -------------------------------------------------------------------
    def select_case(self, case: WsCase) -> None:
        item = self._items.get(id(case))
        if item is not None and self.tree.currentItem() is not item:
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(item)
            self.tree.blockSignals(False)

    def selected(self) -> tuple[WsPolicy | None, WsCase | None]:
        item = self.tree.currentItem()
        if item is None:
            return None, None
        policy, case = item.data(0, Qt.ItemDataRole.UserRole)
        return policy, case

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if current is None:
            return
        policy, case = current.data(0, Qt.ItemDataRole.UserRole)
        if case is not None:
            self.case_selected.emit(policy, case)
        else:
            self.policy_selected.emit(policy)

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None:
            return
        policy, case = item.data(0, Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        if case is not None:
            menu.addAction("Run Case", lambda: self.run_case_requested.emit(policy, case))
            menu.addAction("Remove Case", lambda: self.remove_case_requested.emit(policy, case))
        menu.addAction("Run the Policy's Cases", lambda: self.run_policy_requested.emit(policy))
        menu.popup(self.tree.viewport().mapToGlobal(pos))
        self._menu = menu


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
