"""Compile cache for wasmtime modules.

Compiling a TinyGo policy takes seconds; loading its serialized artefact takes
milliseconds. Entries live under ``platformdirs.user_cache_dir("policy-workbench")/modules``
(override with ``POLICY_WORKBENCH_CACHE_DIR``), one file per
``sha256(wasm) + wasmtime version + engine config``.

``Module.deserialize`` runs native code from the file, so only files this installation
wrote are ever loaded: every entry starts with a header holding an HMAC-SHA256 of the
entry key and the serialized bytes, keyed by a random 32-byte secret created once per
cache directory (``hmac.key``, mode 0600). A missing, truncated, tampered or corrupted
entry fails the check, is deleted and the module is recompiled. Entries are written to a
temporary file and renamed into place, so readers never see partial files.

Within one process compiled modules are also memoised per Engine.

A packaged build also ships a **read-only bundled cache** (the demo policies,
precompiled at build time by pointing ``POLICY_WORKBENCH_CACHE_DIR`` at the bundle's
``module-cache`` folder): :func:`bundled_cache_dir` is ``module-cache/modules`` inside
the PyInstaller bundle (or ``$POLICY_WORKBENCH_BUNDLED_CACHE``). It is consulted
first, with the same integrity rules against the ``hmac.key`` shipped next to its
entries (a key that is part of the installation, like the executable itself); an
entry that fails them is skipped, never deleted, and the user cache is used instead.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shutil
import sys
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

import platformdirs
import wasmtime

from workbench.core.engines.runtime import ENGINE_CONFIG_ID, wasmtime_version
from workbench.core.errors import ModuleError

__all__ = ["bundled_cache_dir", "cache_dir", "cache_key", "clear_cache", "compile_module", "forget_compiled"]

_MAGIC = b"PWBCWASM1\n"
_KEY_FILE = "hmac.key"
_MEMO_SIZE = 16
_memo: OrderedDict[tuple[int, str], wasmtime.Module] = OrderedDict()
_memo_lock = threading.Lock()


def cache_dir() -> Path:
    """Where compiled modules are stored (created on demand)."""
    override = os.environ.get("POLICY_WORKBENCH_CACHE_DIR")
    root = Path(override) if override else Path(platformdirs.user_cache_dir("policy-workbench"))
    return root / "modules"


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
    return directory if (directory / _KEY_FILE).is_file() else None


def _load_bundled(engine: wasmtime.Engine, key: str) -> wasmtime.Module | None:
    directory = bundled_cache_dir()
    if directory is None:
        return None
    try:
        secret = (directory / _KEY_FILE).read_bytes()
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
    """Delete every cached module (and the HMAC key); returns the number of entries removed."""
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
    config_id: str = ENGINE_CONFIG_ID,
) -> wasmtime.Module:
    """Compile ``data`` for ``engine``, through the in-process memo and the on-disk cache.

    ``sha256`` is the hex digest of ``data`` (callers already have it). ``config_id``
    names the engine configuration; it must change whenever the engine config does.
    """
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
            directory = cache_dir()
            secret = _secret(directory)
            path = directory / f"{key}.cwasm"
            module = _load(engine, path, key, secret)
        except OSError:
            path = None  # unusable cache directory: compile without caching
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


def _secret(directory: Path) -> bytes:
    directory.mkdir(parents=True, exist_ok=True)
    key_path = directory / _KEY_FILE
    try:
        secret = key_path.read_bytes()
        if len(secret) == 32:
            return secret
    except FileNotFoundError:
        pass
    secret = secrets.token_bytes(32)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".key-")
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, secret)
        os.close(fd)
        try:
            os.link(tmp, key_path)  # first writer wins; others read its key
        except FileExistsError:
            existing = key_path.read_bytes()
            if len(existing) == 32:
                return existing
            os.replace(tmp, key_path)
            return secret
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return secret


def _mac(secret: bytes, key: str, payload: bytes | memoryview) -> bytes:
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


def _store(path: Path, key: str, secret: bytes, payload: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".entry-", suffix=".tmp")
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
