"""Registry credentials in the system keyring, and the degraded mode without one."""

from __future__ import annotations

from typing import Any

from keyring.backends import fail

from workbench.gui.credentials import CredentialStore


def test_keyring_roundtrip(memory_keyring: Any) -> None:
    store = CredentialStore(memory_keyring)
    assert store.available
    assert store.get("localhost:5000") is None
    assert store.set("localhost:5000", "alice", "pw") is None
    assert store.get("localhost:5000") == ("alice", "pw")
    store.delete("localhost:5000")
    assert store.get("localhost:5000") is None


def test_no_keyring_backend_degrades_with_a_message() -> None:
    store = CredentialStore(fail.Keyring())
    available, message = store.status()
    assert not available and "no system keyring available" in message
    assert store.set("h", "u", "p") == message
    assert store.get("h") is None
