"""A settings form generated from the policy's ``questions-ui.yml`` (the file Artifact Hub and Rancher
use to render a policy's settings), kept in step with the settings YAML.

Each question becomes a field by its ``type``: ``string``, ``int``, ``boolean``, ``enum`` (its
``options``), ``array[`` (one item per line), ``multiline``, and ``map[`` (YAML). Editing a field
rewrites that key of the settings document (an undoable edit of the Settings editor); editing the
YAML refreshes the fields. Questions of other types are listed as "edit in YAML".
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.core import InputError, WorkbenchError, load_json_or_yaml, read_text

__all__ = ["QUESTIONS_FILES", "Question", "SettingsForm", "find_questions", "load_questions"]

QUESTIONS_FILES = ("questions-ui.yml", "questions-ui.yaml", "questions.yml")
MAX_QUESTIONS = 200


@dataclasses.dataclass(frozen=True)
class Question:
    variable: str
    label: str
    type: str
    description: str = ""
    default: Any = None
    options: tuple[str, ...] = ()
    required: bool = False


def find_questions(policy_path: str | Path) -> Path | None:
    """A ``questions-ui.yml`` next to the policy (its folder), if any."""
    path = Path(policy_path)
    folder = path if path.is_dir() else path.parent
    for name in QUESTIONS_FILES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def load_questions(path: str | Path) -> list[Question]:
    """The questions of a ``questions-ui.yml`` (InputError naming the file on a bad one)."""
    data = load_json_or_yaml(read_text(path, "questions file"), str(path))
    raw = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise InputError(f"{path}: expected a mapping with a 'questions' list")
    out: list[Question] = []
    for index, item in enumerate(raw[:MAX_QUESTIONS]):
        if not isinstance(item, dict) or not isinstance(item.get("variable"), str):
            raise InputError(f"{path}: questions[{index}] needs a 'variable'")
        raw_options = item.get("options")
        options: list[Any] = raw_options if isinstance(raw_options, list) else []
        out.append(
            Question(
                variable=item["variable"],
                label=str(item.get("label") or item["variable"]),
                type=str(item.get("type") or "string"),
                description=str(item.get("description") or ""),
                default=item.get("default"),
                options=tuple(str(o) for o in options),
                required=bool(item.get("required", False)),
            )
        )
    return out


class SettingsForm(QWidget):
    """Fields for the questions; ``changed`` carries the settings mapping after a field edit."""

    changed = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.questions: list[Question] = []
        self.fields: dict[str, QWidget] = {}
        self._settings: dict[str, Any] = {}
        self._loading = False
        self.source = QLabel(self)
        self.source.setWordWrap(True)
        self.source.setAccessibleName("Settings form source")
        self.host = QWidget(self)
        self.form = QFormLayout(self.host)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.host)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.source)
        layout.addWidget(scroll, 1)

    def set_questions(self, questions: list[Question], where: str) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields.clear()
        self.questions = list(questions)
        self.source.setText(f"Generated from {where}; the YAML tab holds the same settings.")
        for question in self.questions:
            field = self._field(question)
            label = question.label + (" *" if question.required else "")
            self.form.addRow(label + ":", field)
            field.setToolTip(question.description)
            field.setAccessibleName(question.label)
            self.fields[question.variable] = field

    def _field(self, q: Question) -> QWidget:
        kind = q.type
        if kind == "boolean":
            box = QCheckBox(self.host)
            box.toggled.connect(lambda _v, q=q: self._edited(q))
            return box
        if kind == "int":
            spin = QSpinBox(self.host)
            spin.setRange(-(2**31), 2**31 - 1)
            spin.valueChanged.connect(lambda _v, q=q: self._edited(q))
            return spin
        if kind == "enum":
            combo = QComboBox(self.host)
            combo.addItem("(not set)", None)
            for option in q.options:
                combo.addItem(option, option)
            combo.currentIndexChanged.connect(lambda _i, q=q: self._edited(q))
            return combo
        if kind.startswith(("array", "sequence", "map")) or kind == "multiline":
            text = QPlainTextEdit(self.host)
            text.setMaximumHeight(90)
            hint = "one item per line" if kind.startswith(("array", "sequence")) else "YAML"
            text.setPlaceholderText(hint if kind != "multiline" else "")
            text.textChanged.connect(lambda q=q: self._edited(q))
            return text
        line = QLineEdit(self.host)
        line.textEdited.connect(lambda _t, q=q: self._edited(q))
        if kind != "string":
            line.setPlaceholderText(f"{kind}: edit in the YAML tab")
            line.setReadOnly(True)
        return line

    # -- settings <-> fields ------------------------------------------------------------
    def show_settings(self, settings: dict[str, Any]) -> None:
        """Fill the fields from the settings mapping (no ``changed`` signal)."""
        self._settings = dict(settings)
        self._loading = True
        try:
            for q in self.questions:
                value = settings.get(q.variable, q.default)
                field = self.fields[q.variable]
                if isinstance(field, QCheckBox):
                    field.setChecked(bool(value))
                elif isinstance(field, QSpinBox):
                    field.setValue(
                        int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
                    )
                elif isinstance(field, QComboBox):
                    field.setCurrentIndex(max(0, field.findData(str(value)) if value is not None else 0))
                elif isinstance(field, QPlainTextEdit):
                    field.setPlainText(self._text_of(q, value))
                elif isinstance(field, QLineEdit):
                    field.setText("" if value is None else str(value))
        finally:
            self._loading = False

    @staticmethod
    def _text_of(q: Question, value: Any) -> str:
        if value is None:
            return ""
        if q.type.startswith(("array", "sequence")) and isinstance(value, list):
            return "\n".join(str(v) for v in value)
        if q.type == "multiline":
            return str(value)
        return yaml.safe_dump(value, default_flow_style=False, sort_keys=False).strip()

    def value_of(self, q: Question) -> Any:
        field = self.fields[q.variable]
        if isinstance(field, QCheckBox):
            return field.isChecked()
        if isinstance(field, QSpinBox):
            return field.value()
        if isinstance(field, QComboBox):
            return field.currentData()
        if isinstance(field, QPlainTextEdit):
            text = field.toPlainText()
            if q.type.startswith(("array", "sequence")):
                return [line.strip() for line in text.splitlines() if line.strip()]
            if q.type == "multiline":
                return text
            try:
                return yaml.safe_load(text) if text.strip() else None
            except yaml.YAMLError:
                raise InputError(f"{q.label}: not valid YAML") from None
        assert isinstance(field, QLineEdit)
        return field.text()

    def _edited(self, q: Question) -> None:
        if self._loading:
            return
        try:
            value = self.value_of(q)
        except WorkbenchError:
            return  # half-typed YAML: the field keeps it until it parses
        settings = dict(self._settings)
        if value in (None, "", []) and not q.required:
            settings.pop(q.variable, None)
        else:
            settings[q.variable] = value
        if settings != self._settings:
            self._settings = settings
            self.changed.emit(dict(settings))


class SettingsPage(QWidget):
    """The Settings tab: the generated form (when the policy has questions) above the YAML editor's tabs."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QTabWidget

        super().__init__(parent)
        self.form = SettingsForm(self)
        self.editor = editor
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Settings views")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(editor, "YAML")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    @property
    def has_form(self) -> bool:
        return self.tabs.indexOf(self.form) >= 0

    def use_questions(self, questions: list[Question], where: str) -> None:
        self.form.set_questions(questions, where)
        if not self.has_form:
            self.tabs.insertTab(0, self.form, "Form")
        self.tabs.setCurrentWidget(self.form)

    def no_questions(self) -> None:
        index = self.tabs.indexOf(self.form)
        if index >= 0:
            self.tabs.removeTab(index)
