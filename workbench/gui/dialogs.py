"""Dialogs: Push, Pull (open an OCI reference), and the expandable error message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core import WorkbenchError
from workbench.gui.credentials import CredentialStore
from workbench.gui.errors import ErrorInfo, window_wording
from workbench.gui.registry import RegistryOptions
from workbench.gui.tasks import Progress, Task, TaskContext, TaskRunner

__all__ = ["MessageBanner", "PullDialog", "PushDialog", "RegistryForm"]


class MessageBanner(QFrame):
    """An inline message (error / warning / info) with optional expandable details; never modal."""

    dismissed = Signal()

    _COLOURS: ClassVar[dict[str, str]] = {
        "error": "#c62828",
        "warning": "#ef6c00",
        "info": "#1565c0",
        "success": "#2e7d32",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setAccessibleName("Message")
        self.level = "info"
        self.icon = QLabel(self)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("Message text")
        self.details_button = QToolButton(self)
        self.details_button.setText("Details")
        self.details_button.setCheckable(True)
        self.details_button.setAccessibleName("Show details")
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAccessibleName("Dismiss message")
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Message details")
        self.details.setMaximumHeight(160)
        self.details.hide()
        top = QHBoxLayout()
        top.addWidget(self.icon)
        top.addWidget(self.text, 1)
        top.addWidget(self.details_button)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.details)
        self.details_button.toggled.connect(self.details.setVisible)
        self.close_button.clicked.connect(self.dismiss)
        self.hide()

    def show_message(self, text: str, level: str = "info", details: str = "") -> None:
        self.level = level
        colour = self._COLOURS.get(level, "#1565c0")
        self.setStyleSheet(
            f"QFrame#messageBanner {{ border: 1px solid {colour}; border-left: 6px solid {colour}; border-radius: 4px; }}"
        )
        self.icon.setText({"error": "⚠", "warning": "⚠", "success": "✔"}.get(level, "ℹ"))
        self.text.setText(text)
        self.details.setPlainText(details)
        self.details_button.setVisible(bool(details))
        self.details_button.setChecked(False)
        self.details.hide()
        self.show()

    def show_error(self, error: ErrorInfo) -> None:
        level = "warning" if error.cancelled else "error"
        self.show_message(f"<b>{_esc(error.title)}</b>: {_esc(error.message)}", level, error.details)

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RegistryForm(QWidget):
    """Reference, credentials (optionally remembered in the keyring), insecure flag, CA file."""

    def __init__(self, credentials: CredentialStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.credentials = credentials
        self.reference = QLineEdit(self)
        self.reference.setPlaceholderText("registry://ghcr.io/org/policies/my-policy:v0.1.0")
        self.reference.setAccessibleName("OCI reference")
        self.username = QLineEdit(self)
        self.username.setAccessibleName("Username")
        self.username.setPlaceholderText("anonymous when empty")
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.remember = QCheckBox("Remember in the system keyring", self)
        self.remember.setAccessibleName("Remember credentials")
        available, message = credentials.status()
        self.keyring_status = QLabel(message, self)
        self.keyring_status.setWordWrap(True)
        self.keyring_status.setAccessibleName("Keyring status")
        self.remember.setEnabled(available)
        self.insecure = QCheckBox("Insecure: plain HTTP / skip TLS verification", self)
        self.insecure.setAccessibleName("Insecure registry")
        self.ca_file = QLineEdit(self)
        self.ca_file.setAccessibleName("CA certificate file")
        self.ca_file.setPlaceholderText("PEM or DER file (optional)")
        browse = QPushButton("Browse…", self)
        browse.setAccessibleName("Browse for CA file")
        browse.clicked.connect(self._browse_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Reference:", self.reference)
        form.addRow("&Username:", self.username)
        form.addRow("&Password:", self.password)
        form.addRow("", self.remember)
        form.addRow("", self.keyring_status)
        form.addRow("", self.insecure)
        ca_label = QLabel("&CA file:", self)
        ca_label.setBuddy(self.ca_file)  # the label of a row holding a layout needs its buddy set
        form.addRow(ca_label, ca_row)
        self.form_layout = form
        self.reference.editingFinished.connect(self.fill_remembered)

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "CA certificate", "", "Certificates (*.pem *.crt *.der);;All files (*)"
        )
        if path:
            self.ca_file.setText(path)

    def fill_remembered(self) -> None:
        if self.username.text():
            return
        try:
            host = self.options().host
        except WorkbenchError:
            return
        found = self.credentials.get(host)
        if found:
            self.username.setText(found[0])
            self.password.setText(found[1])
            self.remember.setChecked(True)

    def options(self) -> RegistryOptions:
        return RegistryOptions(
            reference=self.reference.text().strip(),
            username=self.username.text().strip(),
            password=self.password.text(),
            insecure=self.insecure.isChecked(),
            ca_file=self.ca_file.text().strip(),
        )

    def remember_if_asked(self) -> str | None:
        """Store the credentials when "remember" is ticked; returns a problem message or None."""
        opts = self.options()
        if not self.remember.isChecked() or not opts.username:
            return None
        return self.credentials.set(opts.host, opts.username, opts.password)


class _TransferDialog(QDialog):
    """Shared body of Push and Pull: form, progress bar, status, run/cancel buttons."""

    action_title = "Transfer"

    def __init__(
        self,
        runner: TaskRunner,
        credentials: CredentialStore,
        work: Callable[[RegistryOptions], Callable[[TaskContext], Any]],
        succeeded: Callable[[Any], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self._work = work
        self._succeeded = succeeded
        self.task: Task | None = None
        self.form = RegistryForm(credentials, self)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(f"{self.action_title} progress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(f"{self.action_title} status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(self)
        self.start_button = self.buttons.addButton(self.action_title, QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setAccessibleName(self.action_title)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.form)
        self.body.addWidget(self.progress)
        self.body.addWidget(self.status)
        self.body.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def work(self, options: RegistryOptions) -> Callable[[TaskContext], Any]:
        """The task function for ``options`` (each dialog defines its own)."""
        return self._work(options)

    def succeeded(self, result: Any) -> None:
        self._succeeded(result)

    def start(self) -> None:
        try:
            options = self.form.options()
            options.oci_reference()
        except WorkbenchError as exc:
            self._show(str(exc), "error")
            return
        problem = self.form.remember_if_asked()
        self.progress.setRange(0, 0)
        self.progress.setValue(0)
        self._show(f"{self.action_title} in progress…", "info")
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.form.setEnabled(False)
        if problem:
            self._show(f"{self.action_title} in progress… ({problem})", "info")
        self.task = self.runner.run(
            self.work(options),
            self.action_title,
            on_finished=self._finished,
            on_failed=self._failed,
            on_progress=self._progress,
        )

    def _progress(self, progress: Progress) -> None:
        if progress.total:
            if self.progress.maximum() != 1000:
                self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * progress.done / progress.total))
            self.progress.setFormat(f"%p% ({progress.done:,} / {progress.total:,} bytes)")

    def _done(self) -> None:
        self.task = None
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.form.setEnabled(True)

    def _finished(self, result: Any) -> None:
        self._done()
        self.progress.setRange(0, 1000)
        self.progress.setValue(1000)
        self.succeeded(result)

    def _failed(self, error: ErrorInfo) -> None:
        self._done()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self._show(
            f"{error.title}: {window_wording(error.message)}", "warning" if error.cancelled else "error"
        )

    def _show(self, text: str, level: str) -> None:
        colour = {"error": "#c62828", "success": "#2e7d32", "warning": "#ef6c00"}.get(level)
        self.status.setText(f'<span style="color:{colour}">{_esc(text)}</span>' if colour else _esc(text))

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def reject(self) -> None:
        if self.task is not None:
            self.task.cancel()
        super().reject()


class PushDialog(_TransferDialog):
    """Push the current module; shows the immutable reference (copyable) when done."""

    action_title = "Push"
    pushed = Signal(object)  # PushResult

    def __init__(
        self,
        runner: TaskRunner,
        credentials: CredentialStore,
        data_provider: Callable[[], bytes],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, credentials, self._push_work, self._push_done, parent)
        self.setWindowTitle("Push policy to an OCI registry")
        self.data_provider = data_provider
        self.result_ref = QLineEdit(self)
        self.result_ref.setReadOnly(True)
        self.result_ref.setAccessibleName("Pushed reference")
        self.result_ref.setPlaceholderText("the immutable reference appears here")
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setAccessibleName("Copy pushed reference")
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.result_ref.text()))
        self.force = QCheckBox("Force: push without metadata (an unannotated module)", self)
        self.force.setAccessibleName("Force push")
        self.force.setToolTip("Like kwctl push --force: push a module that has no Kubewarden metadata")
        self.form.form_layout.addRow("", self.force)
        self.sign_key = QLineEdit(self)
        self.sign_key.setAccessibleName("Signing key file")
        self.sign_key.setPlaceholderText("a private key (PEM) to sign the pushed policy with (optional)")
        self.sign_key.setToolTip("Like kwctl push followed by a cosign-style signature of the pushed digest")
        sign_browse = QPushButton("Browse…", self)
        sign_browse.setAccessibleName("Browse for signing key")
        sign_browse.clicked.connect(self._browse_key)
        sign_row = QHBoxLayout()
        sign_row.addWidget(self.sign_key, 1)
        sign_row.addWidget(sign_browse)
        sign_label = QLabel("&Sign with:", self)
        sign_label.setBuddy(self.sign_key)
        self.form.form_layout.addRow(sign_label, sign_row)
        row = QHBoxLayout()
        row.addWidget(QLabel("Digest:", self))
        row.addWidget(self.result_ref, 1)
        row.addWidget(self.copy_button)
        self.body.insertLayout(self.body.count() - 1, row)
        self.result: Any = None
        self.signature: Any = None

    def _browse_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Signing key", "", "PEM keys (*.pem *.key);;All files (*)"
        )
        if path:
            self.sign_key.setText(path)

    def _push_work(self, options: RegistryOptions) -> Callable[[TaskContext], Any]:
        from workbench.gui.registry import push_module

        data = self.data_provider()
        force = self.force.isChecked()
        key_path = self.sign_key.text().strip()

        def run(ctx: TaskContext) -> Any:
            result = push_module(
                data,
                options,
                force=force,
                progress=lambda done, total: ctx.progress(done, total),
                cancel=ctx.cancel,
            )
            if key_path:
                from workbench.gui.registry import sign_pushed

                self.signature = sign_pushed(result, options, key_path, cancel=ctx.cancel)
            return result

        return run

    def _push_done(self, result: Any) -> None:
        self.result = result
        self.result_ref.setText(result.immutable_ref)
        signed = f"; signed ({self.signature.signature_reference})" if self.signature is not None else ""
        self._show(f"Policy successfully pushed: {result.immutable_ref}{signed}", "success")
        self.pushed.emit(result)


class PullDialog(_TransferDialog):
    """Pull a policy into the local store and open it."""

    action_title = "Pull"
    pulled = Signal(object, str)  # local Path, reference

    def __init__(
        self, runner: TaskRunner, credentials: CredentialStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(runner, credentials, self._pull_work, self._pull_done, parent)
        self.setWindowTitle("Open a policy from an OCI registry")
        self._reference = ""
        self.verify_key = QLineEdit(self)
        self.verify_key.setAccessibleName("Verification key file")
        self.verify_key.setPlaceholderText("a public key (PEM) the policy must be signed with (optional)")
        self.verify_key.setToolTip("Like kwctl pull -k: verify the signatures first, then pull the verified digest")
        verify_label = QLabel("&Verify with:", self)
        verify_label.setBuddy(self.verify_key)
        self.form.form_layout.addRow(verify_label, self.verify_key)

    def _pull_work(self, options: RegistryOptions) -> Callable[[TaskContext], Any]:
        from workbench.gui.registry import pull_module

        self._reference = options.reference
        key = self.verify_key.text().strip()

        def run(ctx: TaskContext) -> Any:
            return pull_module(
                options,
                progress=lambda done, total: ctx.progress(done, total),
                cancel=ctx.cancel,
                verify_key=key,
            )

        return run

    def _pull_done(self, result: Any) -> None:
        self._show(f"Pulled into {result}", "success")
        self.pulled.emit(result, self._reference)
        self.accept()
