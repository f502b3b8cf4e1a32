"""Registry credentials from the Docker config, credential helpers, or explicit flags.

Lookup order for a registry host (as kwctl's ``docker_credential`` crate):
explicit ``--username``/``--password-stdin`` → ``credHelpers[host]`` → ``auths[host]``
(``auth`` base64 or ``username``/``password``) → ``credsStore`` → anonymous.
Identity tokens are not supported (kwctl neither): anonymous with a warning.

Secrets never appear in ``repr()``, logs or error messages.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import logging
import os
import subprocess
from pathlib import Path
from typing import Any

from workbench.core.errors import InputError

__all__ = [
    "Credentials",
    "DockerConfig",
    "docker_config_dir",
    "load_docker_config",
]

log = logging.getLogger(__name__)

#: keys Docker uses for Docker Hub in ``auths``
_DOCKER_HUB_KEYS = ("https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io")
HELPER_TIMEOUT = 15.0


@dataclasses.dataclass(frozen=True)
class Credentials:
    """Username and password for Basic auth (or a token exchange)."""

    username: str
    password: str = dataclasses.field(repr=False)
    source: str = "explicit"

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=<hidden>, source={self.source!r})"


def docker_config_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``DIR`` from ``--docker-config-json-path``, else ``$DOCKER_CONFIG``, else ``~/.docker``."""
    if override is not None:
        return Path(os.path.expanduser(os.fspath(override)))
    env = os.environ.get("DOCKER_CONFIG")
    if env:
        return Path(os.path.expanduser(env))
    return Path.home() / ".docker"


def _host_keys(host: str) -> list[str]:
    keys = [host, f"https://{host}", f"http://{host}", f"https://{host}/v1/", f"https://{host}/v2/"]
    if host in _DOCKER_HUB_KEYS or host == "docker.io":
        keys = [*_DOCKER_HUB_KEYS, *keys]
    return keys


def _normalise_key(key: str) -> str:
    text = key
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text.split("/", 1)[0]


@dataclasses.dataclass
class DockerConfig:
    """The parts of ``config.json`` that matter for registry auth."""

    auths: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    creds_store: str | None = None
    cred_helpers: dict[str, str] = dataclasses.field(default_factory=dict)
    path: Path | None = None

    def __repr__(self) -> str:  # never show auth blobs
        return (
            f"DockerConfig(path={self.path!s}, hosts={sorted(self.auths)}, creds_store={self.creds_store!r})"
        )

    def _auth_entry(self, host: str) -> dict[str, Any] | None:
        for key in _host_keys(host):
            if key in self.auths:
                return self.auths[key]
        for key, entry in self.auths.items():
            if _normalise_key(key) == host:
                return entry
        return None

    def _helper_for(self, host: str) -> str | None:
        for key in _host_keys(host):
            if key in self.cred_helpers:
                return self.cred_helpers[key]
        return None

    def lookup(self, host: str) -> Credentials | None:
        """Credentials for ``host[:port]`` or ``None`` (anonymous)."""
        helper = self._helper_for(host)
        if helper:
            return _run_helper(helper, host)
        entry = self._auth_entry(host)
        if entry:
            creds = _decode_entry(entry, host)
            if creds is not None:
                return creds
            if entry.get("identitytoken"):
                log.warning("identity tokens are not supported for %s: pulling/pushing anonymously", host)
                return None
        if self.creds_store:
            return _run_helper(self.creds_store, host)
        return None


def _decode_entry(entry: dict[str, Any], host: str) -> Credentials | None:
    auth = entry.get("auth")
    if isinstance(auth, str) and auth:
        try:
            decoded = base64.b64decode(auth, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise InputError(
                f"Docker config: the 'auth' entry for {host} is not valid base64 'user:password'"
            ) from exc
        user, sep, password = decoded.partition(":")
        if not sep:
            raise InputError(f"Docker config: the 'auth' entry for {host} is not of the form 'user:password'")
        return Credentials(user, password, source="docker-config")
    name, secret = entry.get("username"), entry.get("password")
    if isinstance(name, str) and name and isinstance(secret, str):
        return Credentials(name, secret, source="docker-config")
    return None


def _run_helper(name: str, host: str) -> Credentials | None:
    binary = f"docker-credential-{name}"
    server = "https://index.docker.io/v1/" if host in _DOCKER_HUB_KEYS else host
    try:
        proc = subprocess.run(
            [binary, "get"],
            input=server.encode(),
            capture_output=True,
            timeout=HELPER_TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        log.warning("credential helper %s not found in PATH; using anonymous access for %s", binary, host)
        return None
    except subprocess.TimeoutExpired as exc:
        raise InputError(f"credential helper {binary} did not answer within {HELPER_TIMEOUT:.0f} s") from exc
    if proc.returncode != 0:
        # helpers print "credentials not found in native keychain" for unknown hosts
        log.info("credential helper %s has no credentials for %s", binary, host)
        return None
    try:
        payload = json.loads(proc.stdout)
        user, secret = payload["Username"], payload["Secret"]
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"credential helper {binary} returned an unexpected answer") from exc
    if user == "<token>":
        log.warning("identity tokens are not supported for %s: using anonymous access", host)
        return None
    return Credentials(str(user), str(secret), source=binary)


def load_docker_config(directory: str | os.PathLike[str] | None = None) -> DockerConfig:
    """Read ``<dir>/config.json`` (see :func:`docker_config_dir`); missing file → empty config."""
    folder = docker_config_dir(directory)
    file = folder / "config.json"
    if not file.exists():
        if directory is not None:
            log.warning("%s does not exist: no registry credentials from the Docker config", file)
        return DockerConfig(path=None)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read Docker config {file}: {exc.__class__.__name__}") from exc
    if not isinstance(data, dict):
        raise InputError(f"Docker config {file} is not a JSON object")
    auths = data.get("auths") or {}
    helpers = data.get("credHelpers") or {}
    store = data.get("credsStore")
    if not isinstance(auths, dict) or not isinstance(helpers, dict):
        raise InputError(f"Docker config {file}: 'auths' and 'credHelpers' must be objects")
    return DockerConfig(
        auths={str(k): v for k, v in auths.items() if isinstance(v, dict)},
        creds_store=store if isinstance(store, str) and store else None,
        cred_helpers={str(k): str(v) for k, v in helpers.items()},
        path=file,
    )
