"""wasmtime plumbing shared by every Wasm engine: one Engine per config, deadlines, cancellation.

* :func:`shared_engine` — one ``wasmtime.Engine`` per configuration for the whole process
  (epoch interruption always on), so compiled modules can be shared and cached.
* :class:`EpochTicker` — a daemon thread per Engine that bumps the epoch every
  :data:`TICK_SECONDS` while at least one evaluation is running, and sleeps otherwise.
* :class:`Watchdog` — installs an epoch-deadline *callback* on a Store (wasmtime's
  ``wasmtime_store_epoch_deadline_callback``; wasmtime-py 50 has the binding but no
  wrapper). At every tick the callback checks the evaluation's own deadline and cancel
  flag and either lets the guest continue for one more tick or traps it. Deadlines are
  therefore per evaluation: cancelling one policy (:meth:`Watchdog.interrupt` sets its
  flag and bumps the epoch so the check happens at once) never disturbs another one
  running on the same Engine.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import threading
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import wasmtime
from wasmtime import _bindings as _ffi_bindings
from wasmtime import _ffi as ffi

__all__ = [
    "COMPACT_CONFIG_ID",
    "ENGINE_CONFIG_ID",
    "TICK_SECONDS",
    "EpochTicker",
    "Watchdog",
    "address_space_limited",
    "config_id_of",
    "default_config_id",
    "shared_engine",
    "ticker_for",
    "wasmtime_version",
]

#: how often a running evaluation's deadline / cancel flag is checked
TICK_SECONDS = 0.01
#: the engine configuration the workbench uses; part of the compile-cache key
ENGINE_CONFIG_ID = "epoch_interruption=1;opt=speed"
#: the same with small virtual-memory reservations, used when the address space is limited
#: (``ulimit -v``): wasmtime's default reserves 4 GiB plus guard regions per linear memory
COMPACT_CONFIG_ID = "epoch_interruption=1;opt=speed;reservation=compact"
#: compact configuration: reserve nothing beyond a memory's size, 64 KiB guard, 1 MiB growth room
#: (memories move when they grow; code gets explicit bounds checks)
_COMPACT_GUARD = 64 * 1024
_COMPACT_GROWTH = 1024 * 1024

_ENGINES: dict[str, wasmtime.Engine] = {}
_TICKERS: dict[int, EpochTicker] = {}
_LOCK = threading.Lock()

_CALLBACK_TYPE = _ffi_bindings._wasmtime_store_epoch_deadline_callback.argtypes[1]
_FINALIZER_TYPE = _ffi_bindings._wasmtime_store_epoch_deadline_callback.argtypes[3]
_NO_FINALIZER = _FINALIZER_TYPE(lambda _data: None)
_UPDATE_CONTINUE = 0


@functools.cache
def wasmtime_version() -> str:
    """The installed wasmtime-py's version (part of every compile-cache key), read once.

    The wheel's ``wasmtime-<version>.dist-info`` folder beside the package names it; only when
    that is not one clear answer is ``importlib.metadata`` asked (it searches every path entry and
    parses the metadata file: ~4 ms, paid by every process that opens a session)."""
    package = Path(wasmtime.__file__).resolve().parent
    try:
        found = [
            entry.name.removeprefix("wasmtime-").removesuffix(".dist-info")
            for entry in package.parent.iterdir()
            if entry.name.startswith("wasmtime-") and entry.name.endswith(".dist-info")
        ]
    except OSError:
        found = []
    if len(found) == 1 and found[0]:
        return found[0]
    return metadata.version("wasmtime")


def address_space_limited() -> bool:
    """True when the process has a finite virtual-memory limit (``ulimit -v`` / RLIMIT_AS)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return False
    try:
        soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    except (OSError, ValueError):
        return False
    return soft != resource.RLIM_INFINITY


def default_config_id() -> str:
    """The configuration this process uses: compact under an address-space limit, else the default."""
    return COMPACT_CONFIG_ID if address_space_limited() else ENGINE_CONFIG_ID


def config_id_of(engine: wasmtime.Engine) -> str:
    """The configuration id a shared engine was made with (for compile-cache keys)."""
    with _LOCK:
        for config_id, known in _ENGINES.items():
            if known is engine:
                return config_id
    return ENGINE_CONFIG_ID


def shared_engine(config_id: str | None = None) -> wasmtime.Engine:
    """The process-wide Engine for ``config_id`` (default: :func:`default_config_id`).

    Raises :class:`~workbench.core.errors.EvaluationError` when wasmtime cannot create it.
    """
    if config_id is None:
        config_id = default_config_id()
    if config_id not in (ENGINE_CONFIG_ID, COMPACT_CONFIG_ID):
        raise ValueError(f"unknown engine configuration {config_id!r}")
    with _LOCK:
        engine = _ENGINES.get(config_id)
        if engine is None:
            config = wasmtime.Config()
            config.epoch_interruption = True
            config.cranelift_opt_level = "speed"
            if config_id == COMPACT_CONFIG_ID:
                config.memory_reservation = 0
                config.memory_guard_size = _COMPACT_GUARD
                config.memory_reservation_for_growth = _COMPACT_GROWTH
            try:
                engine = wasmtime.Engine(config)
            except wasmtime.WasmtimeError as exc:
                from workbench.core.errors import EvaluationError

                raise EvaluationError(f"cannot start the WebAssembly runtime (wasmtime): {exc}") from None
            _ENGINES[config_id] = engine
        return engine


class EpochTicker:
    """Bumps an Engine's epoch every ``TICK_SECONDS`` while evaluations are active."""

    def __init__(self, engine: wasmtime.Engine) -> None:
        self._engine = engine
        self._active = 0
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._active == 0:
                    self._cond.wait()
            time.sleep(TICK_SECONDS)
            self._engine.increment_epoch()

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        with self._cond:
            self._active += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="wasm-epoch-ticker", daemon=True)
                self._thread.start()
            self._cond.notify()
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1

    def bump(self) -> None:
        self._engine.increment_epoch()


def ticker_for(engine: wasmtime.Engine) -> EpochTicker:
    with _LOCK:
        ticker = _TICKERS.get(id(engine))
        if ticker is None:
            ticker = EpochTicker(engine)
            _TICKERS[id(engine)] = ticker
        return ticker


class Watchdog:
    """Deadline + cancellation for one Store.

    Use ``with watchdog.guard(timeout):`` around every call into the guest; afterwards
    :attr:`reason` tells why the guest was stopped (``"timeout"``, ``"cancelled"`` or None).
    """

    def __init__(self, engine: wasmtime.Engine) -> None:
        self._ticker = ticker_for(engine)
        self._deadline: float | None = None
        self._cancelled = False
        self.reason: str | None = None
        self._callback: Any = _CALLBACK_TYPE(self._on_deadline)

    def attach(self, store: wasmtime.Store) -> None:
        """Install the deadline callback on a new Store."""
        _ffi_bindings.wasmtime_store_epoch_deadline_callback(store.ptr(), self._callback, None, _NO_FINALIZER)
        store.set_epoch_deadline(1)

    def _on_deadline(self, _context: Any, _data: Any, delta: Any, kind: Any) -> int:
        reason = None
        if self._cancelled:
            reason = "cancelled"
        elif self._deadline is not None and time.monotonic() >= self._deadline:
            reason = "timeout"
        if reason is not None:
            self.reason = reason
            error = ffi.wasmtime_error_new(f"workbench: evaluation {reason}".encode())
            return ctypes.cast(error, ctypes.c_void_p).value or 0
        delta[0] = 1
        kind[0] = _UPDATE_CONTINUE
        return 0

    @contextlib.contextmanager
    def guard(self, store: wasmtime.Store, timeout: float | None) -> Iterator[None]:
        self.reason = None
        self._deadline = None if timeout is None else time.monotonic() + timeout
        store.set_epoch_deadline(1)
        with self._ticker.active():
            yield
        self._deadline = None

    def interrupt(self) -> None:
        """Stop the running guest call (from any thread) at the next epoch check."""
        self._cancelled = True
        self._ticker.bump()

    def reset_cancel(self) -> None:
        self._cancelled = False

    @property
    def cancelled(self) -> bool:
        return self._cancelled
