"""Process-wide wasmtime plumbing for the OPA engine.

* one :class:`wasmtime.Engine` per configuration (epoch interruption on),
  shared by every OPA instance of the process;
* compilation through the project's compile cache (``workbench.core.cache``)
  plus an in-process ``sha256 -> Module`` memo, so the preflight inspection and
  the evaluation engine compile a module once;
* one shared epoch ticker thread per engine, running only while at least one
  evaluation is in flight;
* a per-store epoch-deadline callback (:class:`Watchdog`) that turns an
  expired deadline or a cancel request into an interruption of *that* store
  only, so cancelling one evaluation never disturbs another one running on the
  same shared engine.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable
from typing import Any

import wasmtime
import wasmtime._bindings as _ffi

__all__ = [
    "TICK_SECONDS",
    "Ticker",
    "Watchdog",
    "compile_module",
    "shared_engine",
    "ticker",
]

#: epoch tick period: the deadline resolution of every evaluation
TICK_SECONDS = 0.01

_lock = threading.Lock()
_engines: dict[str, wasmtime.Engine] = {}
_tickers: dict[int, Ticker] = {}
_modules: dict[tuple[int, str], wasmtime.Module] = {}
_MODULE_MEMO_LIMIT = 32


def shared_engine() -> wasmtime.Engine:
    """The wasmtime engine every OPA instance uses (epoch interruption enabled)."""
    with _lock:
        engine = _engines.get("opa")
        if engine is None:
            config = wasmtime.Config()
            config.epoch_interruption = True
            engine = wasmtime.Engine(config)
            _engines["opa"] = engine
        return engine


def compile_module(engine: wasmtime.Engine, data: bytes, sha256: str, *, use_cache: bool = True) -> wasmtime.Module:
    """Compile ``data`` (memoised per engine and sha256; through the disk cache when available)."""
    key = (id(engine), sha256)
    with _lock:
        module = _modules.get(key)
    if module is not None:
        return module
    module = None
    if use_cache:
        try:
            from workbench.core.cache import compile_module as cached_compile
        except ImportError:
            cached_compile = None
        if cached_compile is not None:
            module = cached_compile(engine, data, sha256)
    if module is None:
        module = wasmtime.Module(engine, data)
    with _lock:
        if len(_modules) >= _MODULE_MEMO_LIMIT:
            _modules.pop(next(iter(_modules)))
        _modules[key] = module
    return module


class Ticker:
    """Increments an engine's epoch every :data:`TICK_SECONDS` while evaluations run."""

    def __init__(self, engine: wasmtime.Engine, interval: float = TICK_SECONDS) -> None:
        self._engine = engine
        self._interval = interval
        self._active = 0
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._thread: threading.Thread | None = None

    def enter(self) -> None:
        with self._lock:
            self._active += 1
            if self._active == 1:
                self._running.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="opa-epoch-ticker", daemon=True)
                self._thread.start()

    def leave(self) -> None:
        with self._lock:
            self._active -= 1
            if self._active <= 0:
                self._active = 0
                self._running.clear()

    @property
    def active(self) -> int:
        return self._active

    def _run(self) -> None:
        while True:
            self._running.wait()
            time.sleep(self._interval)
            self._engine.increment_epoch()


def ticker(engine: wasmtime.Engine) -> Ticker:
    """The shared ticker of ``engine``."""
    with _lock:
        found = _tickers.get(id(engine))
        if found is None:
            found = Ticker(engine)
            _tickers[id(engine)] = found
        return found


_CALLBACK_TYPE = _ffi._wasmtime_store_epoch_deadline_callback.argtypes[1]
_FINALIZER_TYPE = _ffi._wasmtime_store_epoch_deadline_callback.argtypes[3]


class Watchdog:
    """Deadline and cancellation for one store, checked at every epoch tick.

    wasmtime calls the callback when the store's epoch deadline is reached (one
    tick after :meth:`arm`); it either re-arms for the next tick or interrupts
    the store with an error. After the interrupted call, :attr:`reason` says
    why (``"timeout"`` or ``"cancelled"``).
    """

    def __init__(self, store: wasmtime.Store, is_cancelled: Callable[[], bool]) -> None:
        self._store = store
        self._is_cancelled = is_cancelled
        self.deadline: float | None = None
        self.reason: str | None = None
        self._callback = _CALLBACK_TYPE(self._on_deadline)
        _ffi.wasmtime_store_epoch_deadline_callback(store.ptr(), self._callback, None, _FINALIZER_TYPE())

    def arm(self, timeout: float | None) -> None:
        """Start a guarded call: deadline ``timeout`` seconds from now (None = no deadline)."""
        self.reason = None
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self._store.set_epoch_deadline(1)

    def _on_deadline(self, _context: Any, _data: Any, delta: Any, kind: Any) -> int:
        if self._is_cancelled():
            self.reason = "cancelled"
        elif self.deadline is not None and time.monotonic() >= self.deadline:
            self.reason = "timeout"
        else:
            delta[0] = 1
            kind[0] = 0  # WASMTIME_UPDATE_DEADLINE_CONTINUE
            return 0
        error = _ffi.wasmtime_error_new(b"policy evaluation interrupted (" + self.reason.encode() + b")")
        return ctypes.cast(error, ctypes.c_void_p).value or 0
