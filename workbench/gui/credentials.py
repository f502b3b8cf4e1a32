"""Registry credentials remembered in the system keyring (``keyring``), when there is one.

Without a usable backend (a headless machine, or keyring's ``fail`` backend)
nothing is stored and :meth:`CredentialStore.status` explains why, so the
dialog can say so instead of failing.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["SERVICE", "CredentialStore"]

SERVICE = "policy-workbench-registry"


class CredentialStore:
    def __init__(self, backend: Any = None) -> None:
        self._backend = backend

    def _keyring(self) -> Any:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    def status(self) -> tuple[bool, str]:
        """(available, message): whether credentials can be remembered, and why not."""
        try:
            backend = self._keyring()
        except Exception as exc:
            return False, f"no system keyring available ({exc}); credentials will not be remembered"
        priority = getattr(backend, "priority", 1)
        module = type(backend).__module__
        if module.startswith(("keyring.backends.fail", "keyring.backends.null")) or (
            isinstance(priority, (int, float))
            and priority <= 0
            and not module.startswith("keyring.backends.chainer")
        ):
            return False, "no system keyring available; credentials will not be remembered"
        if module.startswith("keyring.backends.chainer") and not getattr(backend, "backends", None):
            return False, "no system keyring available; credentials will not be remembered"
        return True, f"credentials are stored in the system keyring ({type(backend).__name__})"

    @property
    def available(self) -> bool:
        return self.status()[0]

    def get(self, host: str) -> tuple[str, str] | None:
        if not self.available:
            return None
        try:
            raw = self._keyring().get_password(SERVICE, host)
        except Exception:
            return None
        if not raw:
            return None
        try:
            data = json.loads(raw)
            return str(data["username"]), str(data["password"])
        except (ValueError, KeyError, TypeError):
            return None

    def set(self, host: str, username: str, password: str) -> str | None:
        """Remember the credentials; returns an error message instead of raising."""
        ok, message = self.status()
        if not ok:
            return message
        try:
            self._keyring().set_password(
                SERVICE, host, json.dumps({"username": username, "password": password})
            )
        except Exception as exc:
            return f"could not store the credentials in the keyring: {exc}"
        return None

    def delete(self, host: str) -> None:
        if not self.available:
            return
        try:
            self._keyring().delete_password(SERVICE, host)
        except Exception:
            return
