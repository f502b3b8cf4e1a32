"""Compile cache for wasmtime modules.

Compiling a TinyGo policy takes seconds; loading its serialized artefact takes
milliseconds. Entries live under ``platformdirs.user_cache_dir("policy-workbench")/modules``
(override with ``POLICY_WORKBENCH_CACHE_DIR``), one file per
``sha256(wasm) + wasmtime version + engine config``.

``Module.deserialize`` runs native code from the file, so only files this installation
wrote are ever loaded: every entry starts with a header holding an HMAC-SHA256 of the
entry key and the serialized bytes, keyed by a random 32-byte secret created once per
user. The secret lives **outside** the entries' folder: ``cache-hmac.key`` in
``platformdirs.user_config_dir("policy-workbench")`` (mode 0600, folder 0700), or
``hmac.key`` in ``$POLICY_WORKBENCH_CACHE_DIR`` itself when that override is set (the
entries are in its ``modules`` subfolder). A key or an entries folder that is not owned
by the user, not a plain file/folder, or writable by group or others is refused: the
module is then compiled without the cache. A missing, truncated, tampered or corrupted
entry fails the check, is deleted and the module is recompiled. Entries are written to a
temporary file and renamed into place, so readers never see partial files; temporary
files left by a killed process are removed when the cache is first used. The cache must
not be shared between users (see docs/security.md, "Compiled-module cache").

Within one process compiled modules are also memoised per Engine.

A packaged build also ships a **read-only bundled cache** (the demo policies,
precompiled at build time by pointing ``POLICY_WORKBENCH_CACHE_DIR`` at the bundle's
``module-cache`` folder): :func:`bundled_cache_dir` is ``module-cache/modules`` inside
the PyInstaller bundle (or ``$POLICY_WORKBENCH_BUNDLED_CACHE``). It is consulted
first, with the same integrity rules against the ``hmac.key`` shipped with it (in
``module-cache``, or next to the entries for bundles built before the key moved; a key
that is part of the installation, like the executable itself); an entry that fails them
is skipped, never deleted, and the user cache is used instead.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shutil
import stat
import sys
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import platformdirs
import wasmtime

from workbench.core.engines.runtime import ENGINE_CONFIG_ID, config_id_of, wasmtime_version
from workbench.core.errors import ModuleError
from workbench.core.yamlio import clean_stale_temp_files, temp_prefix

__all__ = [
    "bundled_cache_dir",
    "cache_dir",
    "cache_key",
    "clear_cache",
    "compile_module",
    "forget_compiled",
    "key_path",
]

_MAGIC = b"PWBCWASM1\n"
_KEY_FILE = "hmac.key"
_USER_KEY_FILE = "cache-hmac.key"
_cleaned: set[str] = set()
_MEMO_SIZE = 16
_memo: OrderedDict[tuple[int, str], wasmtime.Module] = OrderedDict()
_memo_lock = threading.Lock()


def cache_dir() -> Path:
    """Where compiled modules are stored (created on demand)."""
    override = os.environ.get("POLICY_WORKBENCH_CACHE_DIR")
    root = Path(override) if override else Path(platformdirs.user_cache_dir("policy-workbench"))
    return root / "modules"


def key_path() -> Path:
    """Where the user cache's HMAC secret lives (outside the entries' folder, see module docs)."""
    override = os.environ.get("POLICY_WORKBENCH_CACHE_DIR")
    if override:
        return Path(override) / _KEY_FILE
    return Path(platformdirs.user_config_dir("policy-workbench")) / _USER_KEY_FILE


def _bundled_key(directory: Path) -> Path | None:
    for candidate in (directory.parent / _KEY_FILE, directory / _KEY_FILE):
        if candidate.is_file():
            return candidate
    return None


def bundled_cache_dir() -> Path | None:
    """The read-only cache shipped with a packaged build, or None."""
    override = os.environ.get("POLICY_WORKBENCH_BUNDLED_CACHE")
    bundle = getattr(sys, "_MEIPASS", None)
    if override:
        directory = Path(override)
    elif bundle:
        directory = Path(bundle) / "module-cache" / "modules"
    else:
        return None
    return directory if _bundled_key(directory) is not None else None


def _load_bundled(engine: wasmtime.Engine, key: str) -> wasmtime.Module | None:
    directory = bundled_cache_dir()
    key_file = _bundled_key(directory) if directory is not None else None
    if directory is None or key_file is None:
        return None
    try:
        secret = key_file.read_bytes()
        blob = (directory / f"{key}.cwasm").read_bytes()
    except OSError:
        return None
    header = len(_MAGIC) + 32
    if len(secret) != 32 or len(blob) <= header or not blob.startswith(_MAGIC):
        return None
    payload = memoryview(blob)[header:]
    if not hmac.compare_digest(blob[len(_MAGIC) : header], _mac(secret, key, payload)):
        return None
    try:
        return wasmtime.Module.deserialize(engine, bytes(payload))
    except wasmtime.WasmtimeError:
        return None  # e.g. built for other CPU features: compile through the user cache


def cache_key(sha256: str, config_id: str = ENGINE_CONFIG_ID) -> str:
    """File-name-safe key: sha256 of (wasm digest, wasmtime version, engine config)."""
    material = f"{sha256}\0wasmtime={wasmtime_version()}\0{config_id}".encode()
    return hashlib.sha256(material).hexdigest()


def forget_compiled() -> None:
    """Drop the in-process memo (the next :func:`compile_module` goes to disk or compiles)."""
    with _memo_lock:
        _memo.clear()


def clear_cache() -> int:
    """Delete every cached module (the HMAC key is kept); returns the number of entries removed."""
    directory = cache_dir()
    with _memo_lock:
        _memo.clear()
    if not directory.exists():
        return 0
    count = sum(1 for p in directory.glob("*.cwasm"))
    shutil.rmtree(directory, ignore_errors=True)
    return count


def compile_module(
    engine: wasmtime.Engine,
    data: bytes,
    sha256: str,
    *,
    use_cache: bool = True,
    config_id: str | None = None,
) -> wasmtime.Module:
    """Compile ``data`` for ``engine``, through the in-process memo and the on-disk cache.

    ``sha256`` is the hex digest of ``data`` (callers already have it). ``config_id``
    names the engine configuration (default: the one ``engine`` was made with); it must change
    whenever the engine config does.
    """
    if config_id is None:
        config_id = config_id_of(engine)
    memo_key = (id(engine), sha256)
    if use_cache:
        with _memo_lock:
            module = _memo.get(memo_key)
            if module is not None:
                _memo.move_to_end(memo_key)
                return module
    module = None
    key = cache_key(sha256, config_id)
    path: Path | None = None
    secret: bytes | None = None
    if use_cache:
        module = _load_bundled(engine, key)
    if use_cache and module is None:
        try:
            directory = _private_dir(cache_dir())
            secret = _secret(key_path())
            path = directory / f"{key}.cwasm"
            module = _load(engine, path, key, secret)
        except (OSError, _Untrusted):
            path = None  # unusable or untrusted cache: compile without caching
    if module is None:
        module = _compile(engine, data)
        if path is not None and secret is not None:
            try:
                _store(path, key, secret, module.serialize())
            except (OSError, wasmtime.WasmtimeError):
                pass  # a cache we cannot write only costs time
    if use_cache:
        with _memo_lock:
            _memo[memo_key] = module
            while len(_memo) > _MEMO_SIZE:
                _memo.popitem(last=False)
    return module


def _compile(engine: wasmtime.Engine, data: bytes) -> wasmtime.Module:
    try:
        return wasmtime.Module(engine, data)
    except wasmtime.WasmtimeError as exc:
        raise ModuleError(f"the WebAssembly module does not compile: {exc}") from exc


class _Untrusted(Exception):
    """A cache folder or key another user could have written: the cache is not used."""


def _check_owner(path: Path, info: os.stat_result, kind: str) -> None:
    uid = os.getuid() if hasattr(os, "getuid") else None
    if uid is not None and info.st_uid != uid:
        raise _Untrusted(f"{kind} {path} is not owned by this user")


def _private_dir(directory: Path) -> Path:
    """Create ``directory`` (0700) or check an existing one is ours; one of ours that group or
    others may write is made private (0700) first (entries planted meanwhile fail the HMAC)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode):
        raise _Untrusted(f"cache folder {directory} is not a folder")
    _check_owner(directory, info, "cache folder")
    if info.st_mode & 0o022:
        os.chmod(directory, 0o700)
    if str(directory) not in _cleaned:
        _cleaned.add(str(directory))
        clean_stale_temp_files(directory)
    return directory


def _secret(key_file: Path) -> bytes:
    """The user's HMAC secret, created on first use (0600 in a 0700 folder); refused when another
    user could have written it."""
    directory = _private_dir(key_file.parent)
    try:
        info = os.lstat(key_file)
    except FileNotFoundError:
        info = None
    replace = False
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            raise _Untrusted(f"cache key {key_file} is not a plain file")
        _check_owner(key_file, info, "cache key")
        if info.st_mode & 0o077:
            replace = True  # others could have read or replaced it: never trust it, start over
        else:
            secret = key_file.read_bytes()
            if len(secret) == 32:
                return secret
    secret = secrets.token_bytes(32)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=temp_prefix(key_file.name), suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, secret)
        os.close(fd)
        if replace:
            os.replace(tmp, key_file)
            return secret
        try:
            os.link(tmp, key_file)  # first writer wins; others read its key
        except FileExistsError:
            existing = key_file.read_bytes()
            if len(existing) == 32:
                return existing
            os.replace(tmp, key_file)
            return secret
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return secret


def _mac(secret: bytes, key: str, payload: bytes | bytearray | memoryview) -> bytes:
    mac = hmac.new(secret, key.encode() + b"\0", hashlib.sha256)
    mac.update(payload)
    return mac.digest()


def _load(engine: wasmtime.Engine, path: Path, key: str, secret: bytes) -> wasmtime.Module | None:
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    header = len(_MAGIC) + 32
    valid = len(blob) > header and blob.startswith(_MAGIC)
    if valid:
        payload = memoryview(blob)[header:]
        valid = hmac.compare_digest(blob[len(_MAGIC) : header], _mac(secret, key, payload))
    if valid:
        try:
            return wasmtime.Module.deserialize(engine, bytes(payload))
        except wasmtime.WasmtimeError:
            valid = False
    try:
        path.unlink()  # corrupted or foreign: never trusted, recompiled by the caller
    except OSError:
        pass
    return None


def _store(path: Path, key: str, secret: bytes, payload: bytes | bytearray) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path.name), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC)
            handle.write(_mac(secret, key, payload))
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
