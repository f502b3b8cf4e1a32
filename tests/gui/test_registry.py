"""Push and pull from the GUI against a real registry (Debian's docker-registry on 127.0.0.1)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gui import policies
from gui.gui_helpers import MemoryKeyring, make_window, open_module
from helpers import REPO_ROOT
from oci.registry import Registry, start_registry
from PySide6.QtCore import QTimer

from workbench.core.module import load_module
from workbench.gui import cmds_files
from workbench.gui.mainwindow import MainWindow

pytestmark = pytest.mark.registry


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    registry = start_registry("plain", tmp_path_factory.mktemp("gui-plain"))
    yield registry
    registry.stop()


@pytest.fixture(scope="module")
def auth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    registry = start_registry("auth", tmp_path_factory.mktemp("gui-auth"))
    yield registry
    registry.stop()


def _push(qtbot: Any, window: MainWindow, reference: str, *, insecure: bool = True, **fields: str) -> Any:
    dialog = cmds_files.show_push_dialog(window)
    assert dialog is not None
    dialog.form.reference.setText(reference)
    dialog.form.insecure.setChecked(insecure)
    for name, value in fields.items():
        getattr(dialog.form, name).setText(value)
    with qtbot.waitSignal(window.context.runner.task_done, timeout=60000):
        dialog.start_button.click()
    return dialog


def test_push_then_pull_and_open(qtbot: Any, window: MainWindow, plain: Registry, fixtures_dir: Path) -> None:
    module = fixtures_dir / "policies/kw-safe-labels-annotated.wasm"
    open_module(qtbot, window, module)
    dialog = _push(qtbot, window, plain.ref("gui/safe-labels", "v1"))
    assert dialog.result is not None, dialog.status.text()
    assert dialog.result_ref.text().startswith(f"{plain.host}/gui/safe-labels@sha256:")
    assert "Policy successfully pushed" in dialog.status.text()
    assert dialog.progress.value() == dialog.progress.maximum()
    dialog.close()

    pull = window.show_pull_dialog(plain.ref("gui/safe-labels", "v1"))
    pull.form.insecure.setChecked(True)
    with qtbot.waitSignal(window.module_loaded, timeout=60000):
        pull.start_button.click()
    assert window.module is not None
    assert window.module.sha256 == load_module(module).sha256
    assert window.open_policy is not None and window.open_policy.title == "safe-labels"
    assert window.context.recent.items()[0] == plain.ref("gui/safe-labels", "v1")


def test_push_force_and_pull_remembers_the_push(
    qtbot: Any, window: MainWindow, plain: Registry, tmp_path: Path
) -> None:
    """Issue 14, defects 5 and 10: the Push dialog has the force option its message refers to, says
    what to click (not `--force`), and the Pull dialog then offers the pushed reference and Insecure."""
    bare = tmp_path / "bare.wasm"
    bare.write_bytes(policies.bare_policy())
    open_module(qtbot, window, bare)
    assert window.module is not None and window.module.metadata is None
    dialog = _push(qtbot, window, plain.ref("gui/bare", "v1"))
    assert dialog.result is None
    status = dialog.status.text()
    assert "--force" not in status and "Force" in status, status
    dialog.force.setChecked(True)
    with qtbot.waitSignal(window.context.runner.task_done, timeout=60000):
        dialog.start_button.click()
    assert dialog.result is not None, dialog.status.text()
    dialog.close()
    pull = window.show_pull_dialog()
    assert pull.form.reference.text() == plain.ref("gui/bare", "v1")
    assert pull.form.insecure.isChecked()
    pull.close()


def test_auth_registry_credentials_remembered_in_keyring(
    qtbot: Any, tmp_path: Path, auth: Registry, fixtures_dir: Path
) -> None:
    keyring = MemoryKeyring()
    window = make_window(qtbot, tmp_path / "s.ini", keyring)
    window.show()
    open_module(qtbot, window, fixtures_dir / "policies/kw-safe-labels-annotated.wasm")
    bad = _push(qtbot, window, auth.ref("gui/auth", "v1"), username=auth.username or "", password="wrong")
    assert bad.result is None
    status = bad.status.text()
    assert "Push failed" in status and "internal error" not in status
    bad.close()

    dialog = cmds_files.show_push_dialog(window)
    assert dialog is not None
    dialog.form.reference.setText(auth.ref("gui/auth", "v1"))
    dialog.form.insecure.setChecked(True)
    dialog.form.username.setText(auth.username or "")
    dialog.form.password.setText(auth.password or "")
    dialog.form.remember.setChecked(True)
    with qtbot.waitSignal(window.context.runner.task_done, timeout=60000):
        dialog.start_button.click()
    assert dialog.result is not None, dialog.status.text()
    assert keyring.secrets, "credentials were not remembered"
    dialog.close()

    again = window.show_pull_dialog(auth.ref("gui/auth", "v1"))
    assert again.form.username.text() == auth.username
    assert again.form.password.text() == auth.password
    again.form.insecure.setChecked(True)
    with qtbot.waitSignal(window.module_loaded, timeout=60000):
        again.start_button.click()
    window.context.runner.shutdown(10000)


def test_heartbeat_during_a_10mb_push(
    qtbot: Any, window: MainWindow, plain: Registry, tmp_path: Path
) -> None:
    big = tmp_path / "big.wasm"
    big.write_bytes(policies.spin_policy(padding=10 * 1024 * 1024))
    open_module(qtbot, window, big)
    assert window.module is not None and window.module.size > 10 * 1024 * 1024
    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    progress_values: list[int] = []
    dialog = cmds_files.show_push_dialog(window)
    assert dialog is not None
    dialog.form.reference.setText(plain.ref("gui/big", "v1"))
    dialog.form.insecure.setChecked(True)
    dialog.progress.valueChanged.connect(progress_values.append)
    qtbot.wait(100)  # let the dialog settle: the heartbeat measures the push only
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(beat)
    timer.start()
    last[0] = started = time.perf_counter()
    with qtbot.waitSignal(window.context.runner.task_done, timeout=120000):
        dialog.start_button.click()
    elapsed = time.perf_counter() - started
    timer.stop()
    assert dialog.result is not None, dialog.status.text()
    worst = max(gaps[1:]) * 1000 if len(gaps) > 1 else 0.0
    print(f"\nheartbeat during a 10 MB push ({elapsed:.2f} s): {len(gaps)} beats, max gap {worst:.1f} ms")
    assert worst < 100, f"the GUI thread stalled for {worst:.1f} ms"
    assert (
        len(progress_values) >= 2 and progress_values[-1] == dialog.progress.maximum()
    )  # the bar moved to the end
    dialog.close()


def test_cancel_a_pull_of_a_missing_policy_reports_not_found(
    qtbot: Any, window: MainWindow, plain: Registry
) -> None:
    dialog = window.show_pull_dialog(plain.ref("gui/does-not-exist", "v9"))
    dialog.form.insecure.setChecked(True)
    with qtbot.waitSignal(window.context.runner.task_done, timeout=60000):
        dialog.start_button.click()
    text = dialog.status.text()
    assert "Pull failed" in text and "internal error" not in text
    assert window.module is None


def test_push_and_sign_with_a_key_file(
    qtbot: Any, window: MainWindow, plain: Registry, tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    pem = tmp_path / "cosign.key"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    open_module(qtbot, window, REPO_ROOT / "resources/demo/policies/require-labels/policy.wasm")
    dialog = cmds_files.show_push_dialog(window)
    assert dialog is not None
    dialog.sign_key.setText(str(pem))
    dialog.form.reference.setText(plain.ref("gui/signed", "v1"))
    dialog.form.insecure.setChecked(True)
    with qtbot.waitSignal(window.context.runner.task_done, timeout=60000):
        dialog.start_button.click()
    assert dialog.result is not None, dialog.status.text()
    assert dialog.signature is not None and dialog.signature.signature_reference.endswith(".sig")
    assert "signed (" in dialog.status.text()
    dialog.close()

    # and verify it end to end in the Pull dialog: the wrong key is refused, the right one opens it
    public = tmp_path / "cosign.pub"
    public.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    other = tmp_path / "other.pub"
    other.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    pull = window.show_pull_dialog()
    pull.form.reference.setText(plain.ref("gui/signed", "v1"))
    pull.form.insecure.setChecked(True)
    pull.verify_key.setText(str(other))
    with qtbot.waitSignal(window.context.runner.task_done, timeout=60000):
        pull.start_button.click()
    failure = pull.status.text()
    assert "internal error" not in failure and ("signature" in failure.lower() or "key" in failure.lower()), failure
    with qtbot.waitSignal(pull.pulled, timeout=60000):
        pull.verify_key.setText(str(public))
        pull.start_button.click()


def test_save_and_load_policies_archive(
    qtbot: Any, window: MainWindow, plain: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = plain.ref("gui/archived", "v1")
    open_module(qtbot, window, REPO_ROOT / "resources/demo/policies/require-labels/policy.wasm")
    dialog = _push(qtbot, window, reference)
    assert dialog.result is not None, dialog.status.text()
    dialog.close()
    pull = window.show_pull_dialog(reference)
    pull.form.insecure.setChecked(True)
    with qtbot.waitSignal(window.module_loaded, timeout=60000):
        pull.start_button.click()
    qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=10000)
    archive = tmp_path / "policies.tar.gz"
    with qtbot.waitSignal(window.context.runner.task_done, timeout=60000):
        assert cmds_files.save_policies_archive(window, [reference], str(archive)) is not None
    assert archive.is_file() and "Saved 1 policy" in window.banner.text.text()
    monkeypatch.setenv("POLICY_WORKBENCH_STORE", str(tmp_path / "other-store"))
    with qtbot.waitSignal(window.context.runner.task_done, timeout=60000):
        assert cmds_files.load_policies_archive(window, str(archive)) is not None
    assert "Loaded 1 policy into the policy store" in window.banner.text.text()
    assert any((tmp_path / "other-store").rglob("*")), "nothing was written to the store"
