"""The Module pane: what the inspector knows about the open module.

Kind and why, OPA ABI, entrypoints (choose the one to run), builtins needed and
missing, custom sections, sha256, size, warnings. The facts are gathered in a
worker (:func:`gather_report`, Qt-free) because OPA modules are compiled and
instantiated to read their entrypoints.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.errors import WorkbenchError
from workbench.core.module import KIND_OPA, KIND_UNKNOWN, PolicyModule

__all__ = ["ModulePane", "ModuleReport", "gather_report"]


@dataclasses.dataclass(frozen=True)
class ModuleReport:
    """A loaded module and everything the pane shows about it."""

    module: PolicyModule
    source: str  # path or OCI reference as the user gave it
    warnings: tuple[str, ...] = ()
    entrypoints: dict[str, int] = dataclasses.field(default_factory=dict)
    builtins_needed: tuple[str, ...] = ()
    builtins_missing: tuple[str, ...] = ()
    abi_text: str | None = None
    #: seconds spent compiling (or loading from the compile cache) while opening
    compile_s: float | None = None


def gather_report(module: PolicyModule, source: str) -> ModuleReport:
    """Inspect ``module`` (may compile an OPA module: run it in a worker)."""
    from workbench.core.inspect import module_warnings

    warnings = list(module_warnings(module))
    compile_s = _warm_up(module, warnings)
    entrypoints: dict[str, int] = {}
    needed: list[str] = []
    missing: list[str] = []
    abi_text = f"{module.abi[0]}.{module.abi[1]}" if module.abi else None
    if module.kind == KIND_OPA:
        from workbench.core.engines.opa import preflight

        try:
            info = preflight.inspect_opa_module(module)
        except WorkbenchError as exc:
            warnings.append(f"OPA pre-flight failed: {exc}")
        else:
            entrypoints = dict(info.entrypoints)
            needed = info.required_builtins
            missing = preflight.missing_builtins(module)
            abi_text = info.abi_version_text
            if missing:
                warnings.append(
                    "the policy needs OPA builtins that are not implemented: " + ", ".join(missing)
                )
            mode = module.execution_mode
            if mode in ("opa", "gatekeeper"):
                warnings.extend(w for w in preflight.mode_warnings(module, mode) if w not in warnings)
    return ModuleReport(
        module, source, tuple(warnings), entrypoints, tuple(needed), tuple(missing), abi_text, compile_s
    )


def _warm_up(module: PolicyModule, warnings: list[str]) -> float | None:
    """Compile the module now (through the shared cache) so the first Run does not wait for it."""
    if module.kind == KIND_UNKNOWN:
        return None
    import time

    from workbench.core.cache import compile_module
    from workbench.core.engines.runtime import shared_engine

    started = time.perf_counter()
    try:
        compile_module(shared_engine(), module.data, module.sha256)
    except WorkbenchError as exc:
        warnings.append(f"the module does not compile: {exc}")
        return None
    return time.perf_counter() - started


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _readonly_line(parent: QWidget) -> QLineEdit:
    """Long single-line facts (paths, digests): selectable, scrolls instead of widening the pane."""
    line = QLineEdit("—", parent)
    line.setReadOnly(True)
    line.setFrame(False)
    line.setMinimumWidth(80)
    return line


def _selectable(label: QLabel) -> QLabel:
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class ModulePane(QWidget):
    """Facts about the module plus the open buttons."""

    entrypoint_changed = Signal(object)  # str name or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: ModuleReport | None = None

        self.open_button = QPushButton("&Open…", self)
        self.open_button.setAccessibleName("Open module file")
        self.pull_button = QPushButton("Open &reference…", self)
        self.pull_button.setAccessibleName("Open OCI reference")
        self.recent = QComboBox(self)
        self.recent.setAccessibleName("Recent modules")
        self.recent.setToolTip("Recently opened modules")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.pull_button)

        self.hint = QLabel("Open a .wasm policy, drop one here, or open an OCI reference.", self)
        self.hint.setWordWrap(True)

        facts = QGroupBox("Module", self)
        form = QFormLayout(facts)
        self.source = _readonly_line(self)
        self.source.setAccessibleName("Module source")
        self.kind = _selectable(QLabel("—", self))
        self.kind.setAccessibleName("Module kind")
        self.abi = QLabel("—", self)
        self.abi.setAccessibleName("OPA ABI")
        self.mode = QLabel("—", self)
        self.mode.setAccessibleName("Execution mode")
        self.sha = _readonly_line(self)
        self.sha.setAccessibleName("SHA-256")
        self.size = QLabel("—", self)
        self.size.setAccessibleName("Module size")
        self.entrypoint = QComboBox(self)
        self.entrypoint.setAccessibleName("Entrypoint")
        self.entrypoint.setToolTip("The OPA entrypoint to evaluate (Kubewarden uses id 0)")
        form.addRow("Source:", self.source)
        form.addRow("Kind:", self.kind)
        form.addRow("OPA ABI:", self.abi)
        form.addRow("Execution mode:", self.mode)
        form.addRow("&Entrypoint:", self.entrypoint)
        form.addRow("SHA-256:", self.sha)
        form.addRow("Size:", self.size)

        self.builtins = QListWidget(self)
        self.builtins.setAccessibleName("Builtins needed")
        self.sections = QListWidget(self)
        self.sections.setAccessibleName("Custom sections")
        self.warnings = QListWidget(self)
        self.warnings.setAccessibleName("Module warnings")
        self.warnings.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.recent)
        layout.addWidget(self.hint)
        layout.addWidget(facts)
        layout.addWidget(QLabel("Builtins needed (✖ = missing):", self))
        layout.addWidget(self.builtins, 1)
        layout.addWidget(QLabel("Custom sections:", self))
        layout.addWidget(self.sections, 1)
        layout.addWidget(QLabel("Warnings:", self))
        layout.addWidget(self.warnings, 1)
        self.entrypoint.currentIndexChanged.connect(self._entrypoint_selected)
        self.clear()

    def clear(self) -> None:
        self.report = None
        for label in (self.source, self.kind, self.abi, self.mode, self.sha, self.size):
            label.setText("—")
        self.entrypoint.clear()
        self.entrypoint.setEnabled(False)
        self.builtins.clear()
        self.sections.clear()
        self.warnings.clear()

    def show_report(self, report: ModuleReport) -> None:
        self.report = report
        module = report.module
        self.hint.hide()
        self.source.setText(report.source)
        self.source.setCursorPosition(0)
        self.source.setToolTip(report.source)
        self.kind.setText(f"<b>{_esc(module.kind)}</b> — {_esc(module.kind_reason)}")
        self.abi.setText(report.abi_text or "—")
        self.mode.setText(
            module.execution_mode + " (from metadata)" if module.execution_mode else "not annotated"
        )
        self.sha.setText(module.sha256)
        self.sha.setCursorPosition(0)
        self.size.setText(f"{module.size:,} bytes")
        self.entrypoint.blockSignals(True)
        self.entrypoint.clear()
        for name, ident in sorted(report.entrypoints.items(), key=lambda item: item[1]):
            self.entrypoint.addItem(f"{ident}: {name}", name)
        self.entrypoint.setEnabled(bool(report.entrypoints))
        self.entrypoint.blockSignals(False)
        self.builtins.clear()
        missing = set(report.builtins_missing)
        for name in report.builtins_needed:
            self.builtins.addItem(("✖ " if name in missing else "✔ ") + name)
        if not report.builtins_needed:
            self.builtins.addItem("none" if module.kind == KIND_OPA else "not an OPA module")
        self.sections.clear()
        for section in module.info.custom_sections:
            self.sections.addItem(f"{section.name} ({section.size:,} bytes)")
        self.warnings.clear()
        for warning in report.warnings:
            self.warnings.addItem("⚠ " + warning)
        if not report.warnings:
            self.warnings.addItem("none")

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

    def set_recent(self, items: list[str]) -> None:
        self.recent.blockSignals(True)
        self.recent.clear()
        self.recent.addItem("Recent modules…")
        for item in items:
            self.recent.addItem(item, item)
        self.recent.setEnabled(bool(items))
        self.recent.blockSignals(False)
