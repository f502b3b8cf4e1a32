"""Export Manifest: a ClusterAdmissionPolicy / AdmissionPolicy for the open policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.core import WorkbenchError, atomic_write
from workbench.gui.codeeditor import CodeEditor
from workbench.gui.errors import window_wording

__all__ = ["ManifestDialog"]

#: (kind, allow_context_aware, name) -> ManifestResult (raises WorkbenchError)
ManifestBuilder = Callable[[str, bool, str], Any]


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ManifestDialog(QDialog):
    """The manifest text, live, with Save As and Copy."""

    def __init__(self, build: ManifestBuilder, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.build = build
        self.setWindowTitle("Export policy manifest")
        self.kind = QComboBox(self)
        self.kind.addItems(["ClusterAdmissionPolicy", "AdmissionPolicy"])
        self.kind.setAccessibleName("Manifest type")
        self.allow_context_aware = QCheckBox("Allow context-aware resources", self)
        self.allow_context_aware.setAccessibleName("Allow context-aware resources")
        self.title = QLineEdit(self)
        self.title.setAccessibleName("Policy name")
        self.title.setPlaceholderText("metadata.name (default: the policy title annotation)")
        self.text = CodeEditor(self, "yaml", dark)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Manifest YAML")
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)
        self.notes.setAccessibleName("Manifest warnings")
        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("Save As…", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button = buttons.addButton("Copy", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # clicked(bool) must not arrive as the path: the slot takes no argument from the signal
        self.save_button.clicked.connect(lambda _checked=False: self.save_as())
        self.copy_button.clicked.connect(lambda _checked=False: self.copy())
        top = QHBoxLayout()
        top.addWidget(QLabel("Type:", self))
        top.addWidget(self.kind)
        top.addWidget(self.allow_context_aware)
        top.addWidget(QLabel("Name:", self))
        top.addWidget(self.title, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.notes)
        layout.addWidget(buttons)
        self.resize(680, 520)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.allow_context_aware.toggled.connect(self.refresh)
        self.title.textChanged.connect(self.refresh)
        self.result: Any = None
        self.saved_to: str | None = None
        #: asks where to save (tests replace it): suggestion -> path or ""
        self.ask_path: Callable[[str], str] = self._ask_path
        self.refresh()

    def refresh(self) -> None:
        try:
            self.result = self.build(
                self.kind.currentText(), self.allow_context_aware.isChecked(), self.title.text().strip()
            )
        except WorkbenchError as exc:
            self.result = None
            self.text.setPlainText("")
            self.notes.setText(f'<span style="color:#d32f2f">⚠ {_esc(window_wording(str(exc)))}</span>')
            self.save_button.setEnabled(False)
            self.copy_button.setEnabled(False)
            return
        self.text.setPlainText(self.result.text)
        self.notes.setText("<br>".join(f"⚠ {_esc(window_wording(w))}" for w in self.result.warnings))
        self.save_button.setEnabled(True)
        self.copy_button.setEnabled(True)

    def copy(self) -> None:
        from PySide6.QtGui import QGuiApplication

        if self.result is not None:
            QGuiApplication.clipboard().setText(self.result.text)

    def _ask_path(self, suggestion: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Save manifest", suggestion, "YAML (*.yaml *.yml)")
        return path

    def save_as(self, path: str | None = None) -> bool:
        if self.result is None:
            return False
        if path is None:
            path = self.ask_path("policy.yaml")
            if not path:
                return False
        try:
            atomic_write(path, self.result.text)
        except (OSError, WorkbenchError) as exc:
            self.notes.setText(
                f'<span style="color:#d32f2f">⚠ cannot write {_esc(path)}: {_esc(str(exc))}</span>'
            )
            return False
        self.saved_to = path
        self.notes.setText(f'<span style="color:#2e7d32">✔ saved to {_esc(path)}</span>')
        return True
