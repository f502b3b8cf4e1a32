"""The OPA Wasm ABI (1.0 – 1.3) on wasmtime: one :class:`OpaInstance` per store.

Flows (OPA's published Wasm ABI; docs/kubewarden-compat.md covers how Kubewarden drives it):

* ABI ≥ 1.2 with an ``opa_eval`` export: one call per evaluation; the host
  writes the input JSON right after the data heap mark and ``opa_eval`` resets
  the heap itself.
* ABI 1.0/1.1: the eval-context calls; the host resets the heap to the data
  mark (``opa_heap_ptr_set``), writes the input in place, parses it, and runs
  ``opa_eval_ctx_*`` + ``eval``.

Host side: ``env.memory`` is provided by the host (growable, capped with
``store.set_limits``), ``opa_abort`` becomes :class:`PolicyTrap`,
``opa_println`` goes to the log, ``opa_builtin0..4`` call a dispatcher
``(name, args) -> value`` given by the engine. Exceptions raised on the host
side of a call are recorded, the guest is trapped, and the original exception
is re-raised once the call has unwound. After any failed call the instance is
marked :attr:`~OpaInstance.broken` and must be rebuilt.

Guest exports are called through ``wasmtime_func_call_unchecked`` and host
functions are ``wasmtime_func_new_unchecked`` trampolines (signatures checked
once at load): a call costs a few µs instead of wasmtime-py's tens of µs of
per-call type conversion. Memory is addressed through the raw data pointer,
re-fetched after every guest call (memory may move when it grows).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import sys
import time
import weakref
from collections.abc import Callable
from typing import Any

import wasmtime
import wasmtime._bindings as _ffi

from workbench.core.engines.opa.builtins._registry import UNDEFINED, RegoSet
from workbench.core.engines.opa.builtins._values import dumps, loads, parse_rego_value
from workbench.core.engines.runtime import ticker_for
from workbench.core.errors import (
    BuiltinError,
    EvaluationCancelled,
    EvaluationError,
    EvaluationTimeout,
    InputError,
    PolicyTrap,
    UnsupportedAbiError,
    WorkbenchError,
)
from workbench.core.yamlio import loads_json

__all__ = [
    "MIN_INITIAL_PAGES",
    "PAGE_SIZE",
    "TIMEOUT_MESSAGE",
    "BuiltinDispatcher",
    "Deadline",
    "OpaInstance",
    "check_opa_exports",
    "initial_pages",
    "rego_text",
]

PAGE_SIZE = 65536
TIMEOUT_MESSAGE = "Policy execution interrupted because it exceeded the allowed execution time"

#: (name, args) -> value | UNDEFINED; raises BuiltinError
BuiltinDispatcher = Callable[[str, list[Any]], Any]
LogFn = Callable[[str, str], None]  # (level, message)

_I32 = wasmtime.ValType.i32()

_CORE_EXPORTS = (
    "opa_malloc",
    "opa_json_parse",
    "opa_json_dump",
    "opa_heap_ptr_get",
    "opa_heap_ptr_set",
    "builtins",
    "entrypoints",
)
_CTX_EXPORTS = (
    "opa_eval_ctx_new",
    "opa_eval_ctx_set_input",
    "opa_eval_ctx_set_data",
    "opa_eval_ctx_set_entrypoint",
    "opa_eval_ctx_get_result",
    "eval",
)


def _load_memchr() -> Any:
    try:
        libc = ctypes.CDLL(None) if sys.platform != "win32" else ctypes.cdll.msvcrt
        fn = libc.memchr
    except (OSError, AttributeError):  # pragma: no cover - exotic platforms
        name = ctypes.util.find_library("c")
        if name is None:
            return None
        fn = ctypes.CDLL(name).memchr
    fn.restype = ctypes.c_void_p
    fn.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    return fn


_memchr = _load_memchr()


_VAL_RAW = _ffi.wasmtime_val_raw_t
_TRAP_PTR = ctypes.POINTER(_ffi.wasm_trap_t)
_UNCHECKED_CALLBACK = _ffi.wasmtime_func_unchecked_callback_t
_call_unchecked = _ffi._wasmtime_func_call_unchecked  # the raw ctypes function (no wrapper frame)
_NO_FINALIZER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)()
_EXPECTED_ARITY: dict[str, tuple[int, int]] = {
    "opa_malloc": (1, 1),
    "opa_json_parse": (2, 1),
    "opa_value_parse": (2, 1),
    "opa_json_dump": (1, 1),
    "opa_value_dump": (1, 1),
    "opa_heap_ptr_get": (0, 1),
    "opa_heap_ptr_set": (1, 0),
    "opa_eval_ctx_new": (0, 1),
    "opa_eval_ctx_set_input": (2, 0),
    "opa_eval_ctx_set_data": (2, 0),
    "opa_eval_ctx_set_entrypoint": (2, 0),
    "opa_eval_ctx_get_result": (1, 1),
    "eval": (1, 1),
    "opa_eval": (7, 1),
    "builtins": (0, 1),
    "entrypoints": (0, 1),
}


class _Call:
    """An i32-only guest export called without wasmtime-py's per-call type conversion.

    The signature is checked once (all i32, expected arity), which is what makes
    ``wasmtime_func_call_unchecked`` safe here. Costs a few µs instead of tens.
    """

    __slots__ = ("_buf", "_busy", "_func", "_nparams", "_ref", "_size", "name")

    def __init__(self, name: str, func: wasmtime.Func, store: wasmtime.Store) -> None:
        ty = func.type(store)
        params, results = ty.params, ty.results
        expected = _EXPECTED_ARITY[name]
        i32 = wasmtime.ValType.i32()
        if (len(params), len(results)) != expected or any(t != i32 for t in (*params, *results)):
            raise UnsupportedAbiError(
                f"unsupported OPA ABI: export {name} has an unexpected signature "
                f"({len(params)} params, {len(results)} results; expected {expected[0]} i32 params and "
                f"{expected[1]} i32 result)"
            )
        self.name = name
        self._func = func  # keeps the wasmtime_func_t alive
        self._ref = ctypes.byref(func._func)
        self._nparams = len(params)
        self._size = max(len(params), len(results), 1)
        self._buf = (_VAL_RAW * self._size)()
        self._busy = False

    def __call__(self, ctx: Any, *args: int) -> int:
        # the preallocated buffer is reused unless this export is re-entered from a host callback
        buf = (_VAL_RAW * self._size)() if self._busy else self._buf
        self._busy = True
        try:
            for i, arg in enumerate(args):
                buf[i].i32 = arg
            trap = _TRAP_PTR()
            error = _call_unchecked(ctx, self._ref, buf, self._size, ctypes.byref(trap))
        finally:
            self._busy = False
        if error:
            raise wasmtime.WasmtimeError._from_ptr(error)
        if trap:
            raise wasmtime.Trap._from_ptr(trap)
        return buf[0].i32 & 0xFFFFFFFF


def check_opa_exports(export_names: set[str] | frozenset[str]) -> None:
    """Raise :class:`UnsupportedAbiError` unless the module speaks OPA Wasm ABI 1.x."""
    if "entrypoints" not in export_names or "opa_wasm_abi_version" not in export_names:
        raise UnsupportedAbiError(
            "unsupported OPA ABI: the module has no `entrypoints` export and no `opa_wasm_abi_version` "
            "global, i.e. it predates OPA Wasm ABI 1.0 (OPA < 0.27); rebuild it with a current "
            "`opa build -t wasm`"
        )
    missing = [name for name in (*_CORE_EXPORTS, *_CTX_EXPORTS) if name not in export_names]
    if missing:
        raise UnsupportedAbiError(
            "unsupported OPA ABI: the module lacks the required exports " + ", ".join(missing)
        )


def rego_text(value: Any) -> str:
    """Rego value text (sets as ``{…}`` / ``set()``), for ``opa_value_parse``."""
    if isinstance(value, RegoSet):
        if not len(value):
            return "set()"
        return "{" + ",".join(rego_text(item) for item in value) + "}"
    if isinstance(value, list):
        return "[" + ",".join(rego_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(rego_text(k) + ":" + rego_text(v) for k, v in value.items()) + "}"
    return dumps(value)


def _contains_set(value: Any) -> bool:
    if isinstance(value, RegoSet):
        return True
    if isinstance(value, list):
        return any(_contains_set(v) for v in value)
    if isinstance(value, dict):
        return any(_contains_set(v) for v in value.values())
    return False


_DEADLINE_CALLBACK = _ffi._wasmtime_store_epoch_deadline_callback.argtypes[1]


class Deadline:
    """Deadline and cancel flag of the evaluations of one engine, checked at every epoch tick.

    Same mechanism as :class:`workbench.core.engines.runtime.Watchdog` (an epoch-deadline
    callback per store, so interrupting one evaluation never disturbs another on the
    shared engine), without per-call context managers: arming costs one
    ``set_epoch_deadline``. The shared epoch ticker is held running by
    :meth:`hold_ticker` while an instance is warm instead of being started and
    stopped around every call.
    """

    def __init__(self, engine: wasmtime.Engine) -> None:
        self._ticker = ticker_for(engine)
        self.deadline: float | None = None
        self.reason: str | None = None
        self.cancelled = False
        self._callback = _DEADLINE_CALLBACK(self._on_deadline)

    def attach(self, store: wasmtime.Store) -> None:
        _ffi.wasmtime_store_epoch_deadline_callback(store.ptr(), self._callback, None, _NO_FINALIZER)
        store.set_epoch_deadline(1)

    def arm(self, store: wasmtime.Store, timeout: float | None) -> None:
        self.reason = None
        self.deadline = None if timeout is None else time.monotonic() + timeout
        store.set_epoch_deadline(1)

    def hold_ticker(self, owner: object) -> weakref.finalize:
        """Keep the shared epoch ticker running until ``owner`` is closed or garbage collected.

        Call the returned finalizer to release it early.
        """
        hold = self._ticker.active()
        hold.__enter__()
        return weakref.finalize(owner, hold.__exit__, None, None, None)

    def _on_deadline(self, _context: Any, _data: Any, delta: Any, kind: Any) -> int:
        if self.cancelled:
            self.reason = "cancelled"
        elif self.deadline is not None and time.monotonic() >= self.deadline:
            self.reason = "timeout"
        else:
            delta[0] = 1
            kind[0] = 0  # WASMTIME_UPDATE_DEADLINE_CONTINUE
            return 0
        error = _ffi.wasmtime_error_new(f"workbench: OPA evaluation {self.reason}".encode())
        return ctypes.cast(error, ctypes.c_void_p).value or 0

    def interrupt(self) -> None:
        """Stop the running call (from any thread) at the next epoch check."""
        self.cancelled = True
        self._ticker.bump()

    def reset_cancel(self) -> None:
        self.cancelled = False


#: OPA's JS SDK and Burrego start an OPA module with at least this many pages: ``opa build`` may
#: declare a minimum below the end of its data segments (it fixes the minimum before adding the last data)
MIN_INITIAL_PAGES = 5


def initial_pages(declared_min: int, declared_max: int | None, memory_limit: int | None) -> int:
    """Pages to create ``env.memory`` with: max(declared minimum, 5), within the memory cap and the
    declared maximum (never below the declared minimum)."""
    pages = max(declared_min, MIN_INITIAL_PAGES)
    if memory_limit is not None:
        pages = min(pages, max(declared_min, memory_limit // PAGE_SIZE))
    if declared_max is not None:
        pages = min(pages, max(declared_min, declared_max))
    return pages


def _id_map(value: Any, export: str) -> dict[str, int]:
    """A ``builtins``/``entrypoints`` map must be an object of name -> non-negative i32 id."""
    if not isinstance(value, dict):
        raise UnsupportedAbiError(f"unsupported OPA ABI: `{export}` did not return an object")
    out: dict[str, int] = {}
    for key, item in value.items():
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item < 2**31:
            raise UnsupportedAbiError(
                f"unsupported OPA ABI: `{export}` maps {str(key)[:80]!r} to {str(item)[:80]!r}, not to an id"
            )
        out[str(key)] = item
    return out


class OpaInstance:
    """One instantiated OPA module in its own store, reusable across evaluations."""

    def __init__(
        self,
        engine: wasmtime.Engine,
        module: wasmtime.Module,
        *,
        dispatcher: BuiltinDispatcher | None = None,
        log: LogFn | None = None,
        memory_limit: int | None = None,
        deadline: Deadline | None = None,
        hold_ticker: bool = False,
        timeout: float | None = None,
    ) -> None:
        """``timeout`` bounds the guest code run while setting up (start function, ``builtins`` and
        ``entrypoints`` maps), like every evaluation; ``memory_limit`` caps the store from the start."""
        export_names = {e.name for e in module.exports}
        check_opa_exports(export_names)
        self._dispatcher = dispatcher
        self._log = log or (lambda _level, _message: None)
        self._memory_limit = memory_limit
        self._pending: BaseException | None = None
        self._callbacks: list[Any] = []  # ctypes callbacks must outlive the store
        self.broken = False
        self.store = wasmtime.Store(engine)
        self._ctx = self.store._context()
        if memory_limit is not None:
            self.store.set_limits(memory_size=memory_limit)
        self._deadline = deadline or Deadline(engine)
        self._deadline.attach(self.store)
        self._ticker = ticker_for(engine)
        self._ticking = False
        self._release_ticker: weakref.finalize | None = None

        min_pages, max_pages = 2, None
        for imp in module.imports:
            if imp.module == "env" and imp.name == "memory" and isinstance(imp.type, wasmtime.MemoryType):
                min_pages, max_pages = imp.type.limits.min, imp.type.limits.max
        if memory_limit is not None and min_pages * PAGE_SIZE > memory_limit:
            raise PolicyTrap(
                f"the policy needs at least {min_pages * PAGE_SIZE} bytes of memory, more than the "
                f"memory limit of {memory_limit} bytes"
            )
        pages = initial_pages(min_pages, max_pages, memory_limit)
        try:
            self.memory = wasmtime.Memory(self.store, wasmtime.MemoryType(wasmtime.Limits(pages, None)))
        except wasmtime.WasmtimeError as exc:  # e.g. the address space cannot hold the reservation
            raise PolicyTrap(f"cannot create the policy's memory of {pages} pages: {exc}") from None
        self._mem_ref = ctypes.byref(self.memory._memory)
        linker = wasmtime.Linker(engine)
        linker.define(self.store, "env", "memory", self.memory)
        linker.define(self.store, "env", "opa_abort", self._host_func(1, 0, self._abort))
        linker.define(self.store, "env", "opa_println", self._host_func(1, 0, self._println))
        for arity in range(5):
            linker.define(
                self.store, "env", f"opa_builtin{arity}", self._host_func(arity + 2, 1, self._builtin)
            )
        instance = self._guard(lambda: linker.instantiate(self.store, module), timeout)
        exports = instance.exports(self.store)

        major = exports["opa_wasm_abi_version"]
        minor = (
            exports["opa_wasm_abi_minor_version"] if "opa_wasm_abi_minor_version" in export_names else None
        )
        self.abi_version = (
            int(major.value(self.store)) if isinstance(major, wasmtime.Global) else 0,
            int(minor.value(self.store)) if isinstance(minor, wasmtime.Global) else 0,
        )
        if self.abi_version[0] != 1:
            raise UnsupportedAbiError(
                f"unsupported OPA ABI: version {self.abi_version[0]}.{self.abi_version[1]} (only 1.x is supported)"
            )
        calls: dict[str, _Call] = {}
        for name in _EXPECTED_ARITY:
            func = exports[name] if name in export_names else None
            if isinstance(func, wasmtime.Func):
                calls[name] = _Call(name, func, self.store)
        self._malloc = calls["opa_malloc"]
        self._json_parse = calls["opa_json_parse"]
        self._json_dump = calls["opa_json_dump"]
        self._value_parse = calls.get("opa_value_parse")
        self._value_dump = calls.get("opa_value_dump")
        self._heap_get = calls["opa_heap_ptr_get"]
        self._heap_set = calls["opa_heap_ptr_set"]
        self._ctx_new = calls["opa_eval_ctx_new"]
        self._ctx_set_input = calls["opa_eval_ctx_set_input"]
        self._ctx_set_data = calls["opa_eval_ctx_set_data"]
        self._ctx_set_entrypoint = calls["opa_eval_ctx_set_entrypoint"]
        self._ctx_get_result = calls["opa_eval_ctx_get_result"]
        self._eval = calls["eval"]
        self._opa_eval = calls.get("opa_eval") if self.abi_version[1] >= 2 else None
        #: "opa_eval" (ABI >= 1.2 fast path) or "context" (1.0/1.1 calls)
        self.flow = "opa_eval" if self._opa_eval is not None else "context"

        ctx = self._ctx

        def read_maps() -> tuple[Any, Any]:
            return (
                self._dump_json(ctx, calls["builtins"](ctx)),
                self._dump_json(ctx, calls["entrypoints"](ctx)),
            )

        builtins_map, entrypoints_map = self._guard(read_maps, timeout)
        #: builtin name -> id (only the builtins the host must supply)
        self.builtins: dict[str, int] = _id_map(builtins_map, "builtins")
        self.builtin_names: dict[int, str] = {v: k for k, v in self.builtins.items()}
        #: entrypoint name -> id
        self.entrypoints: dict[str, int] = _id_map(entrypoints_map, "entrypoints")
        self.base_heap_ptr: int = self._guard(lambda: self._heap_get(ctx), timeout)
        self.data_addr = 0
        self.data_heap_ptr = self.base_heap_ptr
        self.data_json: bytes | None = None
        if hold_ticker:
            self._release_ticker = self._deadline.hold_ticker(self)
            self._ticking = True

    def close(self) -> None:
        """Release the ticker hold; the instance cannot be used afterwards."""
        self.broken = True
        if self._release_ticker is not None:
            self._release_ticker()
            self._ticking = False

    # -- host functions (unchecked trampolines) --------------------------------
    def _host_func(self, nparams: int, nresults: int, fn: Callable[..., int | None]) -> wasmtime.Func:
        def callback(_env: Any, caller: Any, args: Any, _nargs: int) -> int:
            try:
                ctx = _ffi.wasmtime_caller_context(caller)
                result = fn(ctx, *[args[i].i32 & 0xFFFFFFFF for i in range(nparams)])
                if nresults:
                    args[0].i32 = result
                return 0
            except BaseException as exc:
                if self._pending is None:
                    self._pending = exc
                trap = wasmtime.Trap("host function failed")._consume()
                return ctypes.cast(trap, ctypes.c_void_p).value or 0

        c_callback = _UNCHECKED_CALLBACK(callback)
        self._callbacks.append(c_callback)
        ty = wasmtime.FuncType([_I32] * nparams, [_I32] * nresults)
        raw = _ffi.wasmtime_func_t()
        _ffi.wasmtime_func_new_unchecked(
            self._ctx, ty.ptr(), c_callback, None, _NO_FINALIZER, ctypes.byref(raw)
        )
        return wasmtime.Func._from_raw(raw)

    def _abort(self, ctx: Any, addr: int) -> None:
        try:
            message = self._read_cstr(ctx, addr).decode("utf-8", "replace")
        except WorkbenchError:
            message = "(unreadable message)"
        if message == "opa_malloc: failed":
            error = PolicyTrap(f"{self._oom_message()} (OPA abort: {message})")
        else:
            error = PolicyTrap(f"the policy aborted: {message}")
        error.abort_message = message  # type: ignore[attr-defined]
        raise error

    def _println(self, ctx: Any, addr: int) -> None:
        try:
            message = self._read_cstr(ctx, addr).decode("utf-8", "replace")
        except WorkbenchError as exc:
            message = f"(unreadable opa_println message: {exc})"
        self._log("info", message)

    def _builtin(self, ctx: Any, builtin_id: int, _unused_ctx: int, *addrs: int) -> int:
        name = self.builtin_names.get(builtin_id)
        if name is None:
            raise BuiltinError(
                f"not implemented: built-in function id {builtin_id} is not in the module's builtins map"
            )
        if self._dispatcher is None:
            raise BuiltinError(f"{name}: builtins are not available while inspecting a module")
        args = [self._read_arg(ctx, addr) for addr in addrs]
        try:
            result = self._dispatcher(name, args)
        except WorkbenchError:
            raise
        except RecursionError as exc:
            raise BuiltinError(f"{name}: value nested too deeply ({exc})") from exc
        except Exception as exc:  # a bug or unexpected input inside a builtin implementation
            raise BuiltinError(f"{name}: {type(exc).__name__}: {exc}") from exc
        if result is UNDEFINED:
            return 0
        try:
            if _contains_set(result) and self._value_parse is not None:
                text, parse = rego_text(result).encode("utf-8"), self._value_parse
            else:
                text, parse = dumps(result).encode("utf-8"), self._json_parse
        except (TypeError, ValueError) as exc:
            raise BuiltinError(f"{name}: result cannot be encoded: {exc}") from exc
        addr = self._malloc(ctx, len(text))
        self._write(ctx, addr, text)
        value = parse(ctx, addr, len(text))
        if value == 0:
            raise BuiltinError(f"{name}: the module could not parse the builtin's result")
        return value

    def _read_arg(self, ctx: Any, addr: int) -> Any:
        if self._value_dump is not None:
            return parse_rego_value(self._read_cstr(ctx, self._value_dump(ctx, addr)))
        return loads(self._read_cstr(ctx, self._json_dump(ctx, addr)))

    # -- memory helpers -------------------------------------------------------
    def _base(self, ctx: Any) -> int:
        return ctypes.addressof(_ffi.wasmtime_memory_data(ctx, self._mem_ref).contents)

    def _size(self, ctx: Any) -> int:
        return int(_ffi.wasmtime_memory_data_size(ctx, self._mem_ref))

    def _read_cstr(self, ctx: Any, addr: int) -> bytes:
        size = self._size(ctx)
        if addr <= 0 or addr >= size:
            raise PolicyTrap(f"the policy returned an invalid string address {addr}")
        base = self._base(ctx)
        if _memchr is not None:
            found = _memchr(base + addr, 0, size - addr)
            if not found:
                raise PolicyTrap("the policy returned an unterminated string")
            return ctypes.string_at(base + addr, found - base - addr)
        data = ctypes.string_at(base + addr, size - addr)
        end = data.find(b"\0")
        if end < 0:
            raise PolicyTrap("the policy returned an unterminated string")
        return data[:end]

    def _write(self, ctx: Any, addr: int, data: bytes) -> None:
        end = addr + len(data)
        size = self._size(ctx)
        if end > size:
            pages = -(-(end - size) // PAGE_SIZE)
            previous = ctypes.c_uint64()
            error = _ffi.wasmtime_memory_grow(ctx, self._mem_ref, pages, ctypes.byref(previous))
            if error:
                wasmtime.WasmtimeError._from_ptr(error)  # takes ownership, freed with the object
                raise PolicyTrap(self._oom_message())
        ctypes.memmove(self._base(ctx) + addr, data, len(data))

    def _oom_message(self) -> str:
        limit = self._memory_limit
        if limit is None:
            return "the policy ran out of memory"
        return f"the policy exceeded its memory limit of {limit} bytes ({limit // (1024 * 1024)} MiB)"

    def _dump_json(self, ctx: Any, value_addr: int) -> Any:
        if value_addr == 0:
            return None
        text = self._read_cstr(ctx, self._json_dump(ctx, value_addr))
        return loads_json(text, "the module's builtins/entrypoints map", error=UnsupportedAbiError)

    def memory_size(self) -> int:
        """Current linear memory size in bytes."""
        return self._size(self._ctx)

    def heap_ptr(self) -> int:
        return int(self._guard(lambda: self._heap_get(self._ctx), None))

    # -- guarded calls ----------------------------------------------------------
    def _guard(self, fn: Callable[[], Any], timeout: float | None) -> Any:
        """Run guest calls under the watchdog; map every failure to a WorkbenchError."""
        self._pending = None
        self._deadline.arm(self.store, timeout)
        try:
            if self._ticking or timeout is None:
                return fn()
            with self._ticker.active():
                return fn()
        except BaseException as exc:
            self.broken = True
            pending, self._pending = self._pending, None
            reason = self._deadline.reason
            if reason == "cancelled":
                raise EvaluationCancelled("evaluation cancelled by the user") from None
            if reason == "timeout":
                raise EvaluationTimeout(TIMEOUT_MESSAGE) from None
            if pending is not None and pending is not exc:
                raise pending.with_traceback(pending.__traceback__) from None
            if isinstance(exc, WorkbenchError):
                raise
            if isinstance(exc, wasmtime.Trap):
                if self._near_memory_limit():
                    raise PolicyTrap(f"{self._oom_message()} ({exc.message})") from None
                raise PolicyTrap(f"the policy trapped: {exc.message}") from None
            if isinstance(exc, wasmtime.WasmtimeError):
                raise PolicyTrap(f"the policy failed: {exc}") from None
            raise

    def _near_memory_limit(self) -> bool:
        if self._memory_limit is None:
            return False
        return self._size(self._ctx) + PAGE_SIZE > self._memory_limit

    # -- data and evaluation ----------------------------------------------------
    def set_data(self, data_json: bytes, timeout: float | None = None) -> None:
        """Load ``data`` (JSON text) once; evaluations then reset the heap to just after it."""
        if self.broken:
            raise EvaluationError("internal: OPA instance used after a failure")
        ctx = self._ctx

        def load() -> None:
            self._heap_set(ctx, self.base_heap_ptr)
            addr = self._malloc(ctx, len(data_json))
            self._write(ctx, addr, data_json)
            value = self._json_parse(ctx, addr, len(data_json))
            if value == 0:
                raise InputError("the policy data is not valid JSON")
            self.data_addr = value
            self.data_heap_ptr = self._heap_get(ctx)

        self.data_json = None
        try:
            self._guard(load, timeout)
        except InputError:
            self.broken = False
            self.data_addr, self.data_heap_ptr = 0, self.base_heap_ptr
            raise
        self.data_json = data_json

    def evaluate(self, input_json: bytes, entrypoint: int, timeout: float | None = None) -> bytes:
        """Evaluate ``entrypoint`` on the input JSON text; returns the result set as JSON text."""
        if self.broken:
            raise EvaluationError("internal: OPA instance used after a failure")
        if self.data_json is None:
            self.set_data(b"{}", timeout)
        ctx = self._ctx
        n = len(input_json)
        addr = self.data_heap_ptr
        data_addr = self.data_addr
        opa_eval = self._opa_eval

        if opa_eval is not None:

            def run() -> bytes:
                self._write(ctx, addr, input_json)
                return self._read_cstr(ctx, opa_eval(ctx, 0, entrypoint, data_addr, addr, n, addr + n, 0))

        else:

            def run() -> bytes:
                self._write(ctx, addr, input_json)
                self._heap_set(ctx, addr + n)
                value = self._json_parse(ctx, addr, n)
                if value == 0:
                    raise InputError("the policy input is not valid JSON")
                eval_ctx = self._ctx_new(ctx)
                self._ctx_set_input(ctx, eval_ctx, value)
                self._ctx_set_data(ctx, eval_ctx, data_addr)
                self._ctx_set_entrypoint(ctx, eval_ctx, entrypoint)
                self._eval(ctx, eval_ctx)
                result = self._ctx_get_result(ctx, eval_ctx)
                if result == 0:
                    raise PolicyTrap("the policy produced no result set")
                return self._read_cstr(ctx, self._json_dump(ctx, result))

        try:
            return self._guard(run, timeout)  # type: ignore[no-any-return]
        except InputError:
            # a rejected input leaves the instance intact: the heap is reset on the next call
            self.broken = False
            raise

    def evaluate_value(self, input_value: Any, entrypoint: int, timeout: float | None = None) -> Any:
        """Convenience: encode ``input_value`` as JSON, evaluate, decode the result set."""
        try:
            text = json.dumps(input_value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise InputError(f"the policy input cannot be encoded as JSON: {exc}") from None
        return loads(self.evaluate(text.encode("utf-8"), entrypoint, timeout))
