"""The Settings and Request editors (code editors with their own actions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core import (
    TEMPLATE_KINDS,
    InputError,
    WorkbenchError,
    atomic_write,
    read_text,
    request_template,
    scaffold_admission_request,
    wrap_admission_review,
)
from workbench.gui import textdoc
from workbench.gui.codeeditor import DocumentEditor, escape_html
from workbench.gui.workspace import EXPECTATIONS

__all__ = ["CaseEditor", "RequestEditor", "SettingsEditor", "describe_request"]

#: the operations a plain object can be wrapped into (the core's admission-request scaffolding)
OPERATIONS = ("CREATE", "UPDATE", "DELETE")


class _FileBackedEditor(DocumentEditor):
    """A DocumentEditor that remembers the file it was loaded from / saved to."""

    def __init__(self, title: str, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(title, parent, dark)
        self.path: Path | None = None

    def load_file(self, path: str | Path) -> None:
        path = Path(path)
        text = read_text(path, f"{self.title.lower()} file")
        language = "json" if path.suffix.lower() == ".json" else textdoc.detect_language(text)
        self.set_text(text, language)
        self.path = path

    def save_file(self, path: str | Path | None = None) -> Path:
        target = Path(path) if path is not None else self.path
        if target is None:
            raise InputError(f"choose a file to save the {self.title.lower()} to")
        try:
            atomic_write(target, self.text())
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
        self.path = target
        self.mark_clean()
        return target


class SettingsEditor(_FileBackedEditor):
    """Policy settings: a YAML or JSON object (empty = ``{}``)."""

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__("Settings", parent, dark)
        self.scope_label = QLabel(self)
        self.scope_label.setAccessibleName("Settings scope")
        self.toolbar.insertWidget(0, self.scope_label)
        self.validate_button = QPushButton("&Validate settings", self)
        self.validate_button.setAccessibleName("Validate settings")
        self.validate_button.setToolTip("Ask the policy whether these settings are valid")
        self.toolbar.insertWidget(self.toolbar.count() - 1, self.validate_button)
        self.set_text("{}\n", "yaml")

    def problem(self) -> str | None:
        """Why the settings cannot be used, or None."""
        result = self.result
        if result.error is not None:
            return f"settings: invalid {self.language.upper()} at line {result.error.line}: {result.error.message}"
        if not result.empty and result.value is not None and not isinstance(result.value, dict):
            return "settings must be a mapping (an object), e.g. {} or key: value"
        return None

    def settings(self) -> dict[str, Any]:
        problem = self.problem()
        if problem is not None:
            raise InputError(problem)
        value = self.result.value
        return dict(value) if isinstance(value, dict) else {}

    def describe_ok(self, result: textdoc.ParseResult) -> str:
        if result.empty or result.value is None:
            return "no settings ({})"
        if not isinstance(result.value, dict):
            return "⚠ settings must be a mapping (an object)"
        return f"{len(result.value)} setting(s)"


def describe_request(value: Any) -> str:
    """One line about a request document: "AdmissionReview · CREATE Pod default/web"."""
    if not isinstance(value, dict):
        return "a raw request (not an object)" if value is not None else "no request"
    wrapper = ""
    request: dict[str, Any] = value
    if value.get("kind") == "AdmissionReview":
        wrapper = "AdmissionReview · "
        inner = value.get("request")
        request = inner if isinstance(inner, dict) else {}
    if "operation" in request or "uid" in request:
        kind = request.get("kind", {}).get("kind", "?") if isinstance(request.get("kind"), dict) else "?"
        where = "/".join(str(p) for p in (request.get("namespace"), request.get("name")) if p)
        return f"{wrapper}{request.get('operation', '?')} {kind} {where}".strip()
    if "apiVersion" in value and "kind" in value:
        return f"a plain {value['kind']} object: wrap it into an AdmissionReview to run it"
    return f"{wrapper}a raw request"


def is_plain_object(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("apiVersion"), str)
        and isinstance(value.get("kind"), str)
        and value.get("kind") != "AdmissionReview"
        and "request" not in value
        and "operation" not in value
    )


class RequestEditor(_FileBackedEditor):
    """The request: an AdmissionReview, an AdmissionRequest, or a raw JSON value."""

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__("Request", parent, dark)
        self.templates_button = QToolButton(self)
        self.templates_button.setText("&Templates")
        self.templates_button.setAccessibleName("Request templates")
        self.templates_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.templates_button)
        for kind in TEMPLATE_KINDS:
            sub = menu.addMenu(kind)
            for operation in OPERATIONS:
                action = sub.addAction(operation)
                action.triggered.connect(lambda _c=False, k=kind, o=operation: self.use_template(k, o))
        self.templates_button.setMenu(menu)
        self.wrap_button = QToolButton(self)
        self.wrap_button.setText("&Wrap object")
        self.wrap_button.setAccessibleName("Wrap object into AdmissionReview")
        self.wrap_button.setToolTip("Turn a plain Kubernetes object into an AdmissionReview")
        self.wrap_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        wrap_menu = QMenu(self.wrap_button)
        for operation in OPERATIONS:
            action = wrap_menu.addAction(operation)
            action.triggered.connect(lambda _c=False, o=operation: self._wrap_requested(o))
        self.wrap_button.setMenu(wrap_menu)
        self.toolbar.insertWidget(self.toolbar.count() - 1, self.templates_button)
        self.toolbar.insertWidget(self.toolbar.count() - 1, self.wrap_button)
        #: set by the window: asks the user for the old object of an UPDATE (returns None to reuse the object)
        self.ask_old_object: Any = None
        self.parsed.connect(self._update_wrap)

    def use_template(self, kind: str, operation: str) -> None:
        self.set_text(
            textdoc.dump(request_template(kind, operation), self.language), self.language, clean=False
        )
        self.path = None

    def _update_wrap(self, result: textdoc.ParseResult) -> None:
        self.wrap_button.setEnabled(result.ok and is_plain_object(result.value))

    def _wrap_requested(self, operation: str) -> None:
        old = None
        if operation == "UPDATE" and callable(self.ask_old_object):
            old = self.ask_old_object()
        try:
            self.wrap_object(operation, old)
        except WorkbenchError as exc:
            self.status.setText(f'<span style="color:#d32f2f">⚠ {escape_html(str(exc))}</span>')

    def wrap_object(self, operation: str, old_object: Any = None) -> None:
        """Replace a plain object with an AdmissionReview (like ``scaffold admission-request``)."""
        result = self.result
        if result.error is not None or not is_plain_object(result.value):
            raise InputError("the request editor does not hold a plain Kubernetes object to wrap")
        obj = result.value
        if operation == "UPDATE" and old_object is None:
            old_object = obj
        review = wrap_admission_review(scaffold_admission_request(operation, obj, old_object))
        self.set_text(textdoc.dump(review, self.language), self.language, clean=False)

    def problem(self) -> str | None:
        result = self.result
        if result.error is not None:
            return f"request: invalid {self.language.upper()} at line {result.error.line}: {result.error.message}"
        if result.empty:
            return "the request is empty: pick a template or load a request file"
        if is_plain_object(result.value):
            return "the request is a plain Kubernetes object: wrap it into an AdmissionReview first"
        return None

    def describe_ok(self, result: textdoc.ParseResult) -> str:
        return describe_request(result.value)


class CaseEditor(QWidget):
    """A case: its expectation (verdict and message) above the request editor."""

    #: the expectation was edited: (expect or None, message or None)
    expectation_changed = Signal(object, object)

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.request = RequestEditor(self, dark)
        self.expect = QComboBox(self)
        self.expect.setAccessibleName("Expected verdict")
        self.expect.addItem("(no expectation)", None)
        for name in EXPECTATIONS:
            self.expect.addItem(name, name)
        self.message = QLineEdit(self)
        self.message.setAccessibleName("Expected message")
        self.message.setPlaceholderText("text or regular expression the message must contain (optional)")
        self.name_label = QLabel(self)
        self.name_label.setAccessibleName("Case name")
        row = QHBoxLayout()
        row.setContentsMargins(4, 4, 4, 0)
        row.setSpacing(6)
        row.addWidget(self.name_label)
        row.addSpacing(12)
        row.addWidget(QLabel("Expect:", self))
        row.addWidget(self.expect)
        row.addWidget(QLabel("Message:", self))
        row.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(row)
        layout.addWidget(self.request, 1)
        self._loading = False
        self.expect.currentIndexChanged.connect(lambda _i: self._edited())
        self.message.textEdited.connect(lambda _t: self._edited())

    def set_expectation(self, name: str, expect: str | None, message: str | None) -> None:
        self._loading = True
        try:
            self.name_label.setText(f"<b>{escape_html(name)}</b>")
            index = self.expect.findData(expect) if expect else 0
            self.expect.setCurrentIndex(max(0, index))
            self.message.setText(message or "")
        finally:
            self._loading = False

    def expectation(self) -> tuple[str | None, str | None]:
        return self.expect.currentData(), (self.message.text().strip() or None)

    def _edited(self) -> None:
        if not self._loading:
            self.expectation_changed.emit(*self.expectation())
