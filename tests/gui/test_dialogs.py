"""Dialog building blocks: the message banner, the registry form, and the push/pull dialogs' states.

Successful pushes and pulls through these dialogs run against a real registry in
``tests/gui/test_registry.py``.
"""

from __future__ import annotations

from typing import Any

from gui.gui_helpers import MemoryKeyring

from workbench.core.errors import OperationCancelled, RegistryUnavailable
from workbench.gui.credentials import CredentialStore
from workbench.gui.dialogs import MessageBanner, PullDialog, PushDialog, RegistryForm
from workbench.gui.errors import describe_error
from workbench.gui.tasks import TaskRunner


def test_banner_levels_details_and_dismiss(qtbot: Any) -> None:
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.show_message("plain info")
    assert banner.isVisible() and banner.level == "info" and not banner.details_button.isVisible()
    banner.show_message("broken", "error", details="trace lines")
    assert banner.level == "error" and banner.details_button.isVisibleTo(banner)
    assert banner.details.toPlainText() == "trace lines" and not banner.details.isVisibleTo(banner)
    with qtbot.waitSignal(banner.dismissed, timeout=1000):
        banner.dismiss()
    assert not banner.isVisible()


def test_banner_escapes_error_text(qtbot: Any) -> None:
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.show_error(describe_error(RegistryUnavailable("cannot reach <host> & retry"), "Pull"))
    assert "&lt;host&gt; &amp; retry" in banner.text.text()
    assert banner.level == "error"
    banner.show_error(describe_error(OperationCancelled("pull cancelled"), "Pull"))
    assert banner.level == "warning"


def test_registry_form_options_and_keyring(qtbot: Any) -> None:
    keyring = MemoryKeyring()
    form = RegistryForm(CredentialStore(keyring))
    qtbot.addWidget(form)
    form.reference.setText("  registry://127.0.0.1:5000/policies/p:v1  ")
    form.username.setText(" alice ")
    form.password.setText(" secret ")
    form.insecure.setChecked(True)
    options = form.options()
    assert (options.reference, options.username, options.password, options.insecure) == (
        "registry://127.0.0.1:5000/policies/p:v1",
        "alice",
        " secret ",  # passwords are taken verbatim
        True,
    )
    assert options.host == "127.0.0.1:5000"
    assert form.remember_if_asked() is None  # not ticked: nothing stored
    assert CredentialStore(keyring).get("127.0.0.1:5000") is None
    form.remember.setChecked(True)
    assert form.remember_if_asked() is None
    # a new form fills the remembered credentials for the same host
    other = RegistryForm(CredentialStore(keyring))
    qtbot.addWidget(other)
    other.reference.setText("registry://127.0.0.1:5000/policies/other:v2")
    other.fill_remembered()
    assert (other.username.text(), other.password.text(), other.remember.isChecked()) == (
        "alice",
        " secret ",
        True,
    )
    # an unparsable reference leaves the fields alone
    third = RegistryForm(CredentialStore(keyring))
    qtbot.addWidget(third)
    third.reference.setText("::::")
    third.fill_remembered()
    assert third.username.text() == ""


def test_dialog_refuses_an_empty_reference_without_starting(qtbot: Any) -> None:
    runner = TaskRunner()
    dialog = PullDialog(runner, CredentialStore(MemoryKeyring()))
    qtbot.addWidget(dialog)
    dialog.start()
    assert dialog.task is None and dialog.start_button.isEnabled()
    assert "enter an OCI reference" in dialog.status.text()
    runner.shutdown(5000)


def test_failed_push_reports_and_re_enables(qtbot: Any) -> None:
    runner = TaskRunner()
    dialog = PushDialog(runner, CredentialStore(MemoryKeyring()), lambda: b"\0asm\x01\0\0\0")
    qtbot.addWidget(dialog)
    dialog.form.reference.setText("registry://127.0.0.1:1/policies/nowhere:v1")  # nothing listens on port 1
    dialog.form.insecure.setChecked(True)
    with qtbot.waitSignal(runner.task_done, timeout=60000):
        dialog.start()
        assert not dialog.start_button.isEnabled() and dialog.cancel_button.isEnabled()
        assert not dialog.form.isEnabled()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=5000)
    assert (
        dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled() and dialog.form.isEnabled()
    )
    assert "Push failed" in dialog.status.text() and dialog.result is None
    assert dialog.result_ref.text() == ""
    runner.shutdown(5000)


def test_ca_file_label_is_a_mnemonic_not_a_literal_ampersand(qtbot: Any) -> None:
    """Issue 14, defect 10: the Push / Pull dialogs showed a literal "&CA file:"."""
    from PySide6.QtWidgets import QLabel

    form = RegistryForm(CredentialStore(MemoryKeyring()))
    qtbot.addWidget(form)
    labels = [label for label in form.findChildren(QLabel) if label.text() == "&CA file:"]
    assert len(labels) == 1 and labels[0].buddy() is form.ca_file  # rendered as "CA file:" with Alt+C
    for label in form.findChildren(QLabel):
        if "&" in label.text():
            assert label.buddy() is not None, label.text()
