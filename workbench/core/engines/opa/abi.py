"""The OPA Wasm ABI (1.0 – 1.3) on wasmtime: one :class:`OpaInstance` per store.

Flows (see ``docs/opa-wasm-abi.md``):

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

Memory is accessed through ``Memory.data_ptr`` re-fetched after every guest
call (memory may move when it grows).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import sys
from collections.abc import Callable
from typing import Any

import wasmtime

from workbench.core.engines.opa import runtime
from workbench.core.engines.opa.builtins._registry import UNDEFINED, RegoSet
from workbench.core.engines.opa.builtins._values import dumps, loads
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

try:  # added by the builtins work; keeps sets distinct from arrays
    from workbench.core.engines.opa.builtins._values import parse_rego_value as _parse_rego_value
except ImportError:  # pragma: no cover - depends on the builtins package version
    _parse_rego_value = None

__all__ = [
    "PAGE_SIZE",
    "TIMEOUT_MESSAGE",
    "BuiltinDispatcher",
    "OpaInstance",
    "check_opa_exports",
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
        is_cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        export_names = {e.name for e in module.exports}
        check_opa_exports(export_names)
        self._engine = engine
        self._dispatcher = dispatcher
        self._log = log or (lambda _level, _message: None)
        self._memory_limit = memory_limit
        self._pending: BaseException | None = None
        self.broken = False
        self.store = wasmtime.Store(engine)
        if memory_limit is not None:
            self.store.set_limits(memory_size=memory_limit)
        self._watchdog = runtime.Watchdog(self.store, is_cancelled)
        self._ticker = runtime.ticker(engine)

        min_pages = 2
        for imp in module.imports:
            if imp.module == "env" and imp.name == "memory" and isinstance(imp.type, wasmtime.MemoryType):
                min_pages = imp.type.limits.min
        if memory_limit is not None and min_pages * PAGE_SIZE > memory_limit:
            raise PolicyTrap(
                f"the policy needs at least {min_pages * PAGE_SIZE} bytes of memory, more than the "
                f"memory limit of {memory_limit} bytes"
            )
        self.memory = wasmtime.Memory(self.store, wasmtime.MemoryType(wasmtime.Limits(min_pages, None)))
        linker = wasmtime.Linker(engine)
        linker.define(self.store, "env", "memory", self.memory)
        linker.define_func("env", "opa_abort", wasmtime.FuncType([_I32], []), self._abort, access_caller=True)
        linker.define_func("env", "opa_println", wasmtime.FuncType([_I32], []), self._println, access_caller=True)
        for arity in range(5):
            linker.define_func(
                "env",
                f"opa_builtin{arity}",
                wasmtime.FuncType([_I32] * (arity + 2), [_I32]),
                self._make_builtin(arity),
                access_caller=True,
            )
        instance = self._guard(lambda: linker.instantiate(self.store, module), None)
        exports = instance.exports(self.store)

        self.abi_version = (
            int(exports["opa_wasm_abi_version"].value(self.store)),  # type: ignore[union-attr]
            int(exports["opa_wasm_abi_minor_version"].value(self.store))  # type: ignore[union-attr]
            if "opa_wasm_abi_minor_version" in export_names
            else 0,
        )
        if self.abi_version[0] != 1:
            raise UnsupportedAbiError(
                f"unsupported OPA ABI: version {self.abi_version[0]}.{self.abi_version[1]} (only 1.x is supported)"
            )
        ex: dict[str, Any] = {name: exports[name] for name in export_names if isinstance(exports[name], wasmtime.Func)}
        self._malloc = ex["opa_malloc"]
        self._json_parse = ex["opa_json_parse"]
        self._json_dump = ex["opa_json_dump"]
        self._value_parse = ex.get("opa_value_parse")
        self._value_dump = ex.get("opa_value_dump")
        self._heap_get = ex["opa_heap_ptr_get"]
        self._heap_set = ex["opa_heap_ptr_set"]
        self._ctx_new = ex["opa_eval_ctx_new"]
        self._ctx_set_input = ex["opa_eval_ctx_set_input"]
        self._ctx_set_data = ex["opa_eval_ctx_set_data"]
        self._ctx_set_entrypoint = ex["opa_eval_ctx_set_entrypoint"]
        self._ctx_get_result = ex["opa_eval_ctx_get_result"]
        self._eval = ex["eval"]
        self._opa_eval = ex.get("opa_eval") if self.abi_version[1] >= 2 else None
        #: "opa_eval" (ABI >= 1.2 fast path) or "context" (1.0/1.1 calls)
        self.flow = "opa_eval" if self._opa_eval is not None else "context"

        def read_maps() -> tuple[dict[str, int], dict[str, int]]:
            return (
                self._dump_json(self.store, ex["builtins"](self.store)),
                self._dump_json(self.store, ex["entrypoints"](self.store)),
            )

        builtins_map, entrypoints_map = self._guard(read_maps, None)
        if not isinstance(builtins_map, dict) or not isinstance(entrypoints_map, dict):
            raise UnsupportedAbiError("unsupported OPA ABI: `builtins`/`entrypoints` did not return objects")
        #: builtin name -> id (only the builtins the host must supply)
        self.builtins: dict[str, int] = {str(k): int(v) for k, v in builtins_map.items()}
        self.builtin_names: dict[int, str] = {v: k for k, v in self.builtins.items()}
        #: entrypoint name -> id
        self.entrypoints: dict[str, int] = {str(k): int(v) for k, v in entrypoints_map.items()}
        self.base_heap_ptr: int = self._guard(lambda: self._heap_get(self.store), None)
        self.data_addr = 0
        self.data_heap_ptr = self.base_heap_ptr
        self.data_json: bytes | None = None

    # -- memory helpers -------------------------------------------------------
    def _base(self, store: Any) -> int:
        return ctypes.addressof(self.memory.data_ptr(store).contents)

    def _read_cstr(self, store: Any, addr: int) -> bytes:
        size = self.memory.data_len(store)
        if addr <= 0 or addr >= size:
            raise PolicyTrap(f"the policy returned an invalid string address {addr}")
        base = self._base(store)
        if _memchr is not None:
            found = _memchr(base + addr, 0, size - addr)
            if not found:
                raise PolicyTrap("the policy returned an unterminated string")
            return ctypes.string_at(base + addr, found - base - addr)
        data = bytes(self.memory.read(store, addr, size))
        end = data.find(b"\0")
        if end < 0:
            raise PolicyTrap("the policy returned an unterminated string")
        return data[:end]

    def _ensure_size(self, store: Any, end: int) -> None:
        size = self.memory.data_len(store)
        if end <= size:
            return
        pages = -(-(end - size) // PAGE_SIZE)
        try:
            self.memory.grow(store, pages)
        except wasmtime.WasmtimeError:
            raise PolicyTrap(self._oom_message()) from None

    def _write(self, store: Any, addr: int, data: bytes) -> None:
        self._ensure_size(store, addr + len(data))
        ctypes.memmove(self._base(store) + addr, data, len(data))

    def _oom_message(self) -> str:
        limit = self._memory_limit
        if limit is None:
            return "the policy ran out of memory"
        return f"the policy exceeded its memory limit of {limit} bytes ({limit // (1024 * 1024)} MiB)"

    def _dump_json(self, store: Any, value_addr: int) -> Any:
        if value_addr == 0:
            return None
        text_addr = self._json_dump(store, value_addr)
        return loads(self._read_cstr(store, text_addr))

    def memory_size(self) -> int:
        """Current linear memory size in bytes."""
        return int(self.memory.data_len(self.store))

    def heap_ptr(self) -> int:
        return int(self._guard(lambda: self._heap_get(self.store), None))

    # -- host functions ---------------------------------------------------------
    def _abort(self, caller: wasmtime.Caller, addr: int) -> None:
        try:
            message = self._read_cstr(caller, addr).decode("utf-8", "replace")
        except WorkbenchError:
            message = "(unreadable message)"
        if message == "opa_malloc: failed":
            error = PolicyTrap(f"{self._oom_message()} (OPA abort: {message})")
        else:
            error = PolicyTrap(f"the policy aborted: {message}")
        error.abort_message = message  # type: ignore[attr-defined]
        self._pending = error
        raise error

    def _println(self, caller: wasmtime.Caller, addr: int) -> None:
        try:
            message = self._read_cstr(caller, addr).decode("utf-8", "replace")
        except WorkbenchError as exc:
            message = f"(unreadable opa_println message: {exc})"
        self._log("info", message)

    def _make_builtin(self, arity: int) -> Callable[..., int]:
        def call(caller: wasmtime.Caller, builtin_id: int, _ctx: int, *addrs: int) -> int:
            try:
                return self._call_builtin(caller, builtin_id, addrs)
            except BaseException as exc:
                if self._pending is None:
                    self._pending = exc
                raise

        call.__name__ = f"opa_builtin{arity}"
        return call

    def _read_arg(self, caller: wasmtime.Caller, addr: int) -> Any:
        if self._value_dump is not None and _parse_rego_value is not None:
            return _parse_rego_value(self._read_cstr(caller, self._value_dump(caller, addr)).decode("utf-8"))
        return loads(self._read_cstr(caller, self._json_dump(caller, addr)))

    def _call_builtin(self, caller: wasmtime.Caller, builtin_id: int, addrs: tuple[int, ...]) -> int:
        name = self.builtin_names.get(builtin_id)
        if name is None:
            raise BuiltinError(f"not implemented: built-in function id {builtin_id} is not in the module's builtins map")
        if self._dispatcher is None:
            raise BuiltinError(f"{name}: builtins are not available while inspecting a module")
        args = [self._read_arg(caller, addr) for addr in addrs]
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
        if _contains_set(result) and self._value_parse is not None:
            text, parse = rego_text(result).encode("utf-8"), self._value_parse
        else:
            text, parse = dumps(result).encode("utf-8"), self._json_parse
        addr = self._malloc(caller, len(text))
        self._write(caller, addr, text)
        value = parse(caller, addr, len(text))
        if value == 0:
            raise BuiltinError(f"{name}: the module could not parse the builtin's result")
        return int(value)

    # -- guarded calls ----------------------------------------------------------
    def _guard(self, fn: Callable[[], Any], timeout: float | None) -> Any:
        """Run guest calls under the watchdog; map every failure to a WorkbenchError."""
        self._pending = None
        self._watchdog.arm(timeout)
        self._ticker.enter()
        try:
            return fn()
        except BaseException as exc:
            self.broken = True
            pending, self._pending = self._pending, None
            reason = self._watchdog.reason
            if reason == "cancelled":
                raise EvaluationCancelled("evaluation cancelled by the user") from None
            if reason == "timeout":
                raise EvaluationTimeout(TIMEOUT_MESSAGE) from None
            if pending is not None:
                if pending is exc:
                    raise
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
        finally:
            self._ticker.leave()

    def _near_memory_limit(self) -> bool:
        if self._memory_limit is None:
            return False
        return self.memory.data_len(self.store) + PAGE_SIZE > self._memory_limit

    # -- data and evaluation ----------------------------------------------------
    def set_data(self, data_json: bytes, timeout: float | None = None) -> None:
        """Load ``data`` (JSON text) once; evaluations then reset the heap to just after it."""
        if self.broken:
            raise EvaluationError("internal: OPA instance used after a failure")
        store = self.store

        def load() -> None:
            self._heap_set(store, self.base_heap_ptr)
            addr = self._malloc(store, len(data_json))
            self._write(store, addr, data_json)
            value = self._json_parse(store, addr, len(data_json))
            if value == 0:
                raise InputError("the policy data is not valid JSON")
            self.data_addr = int(value)
            self.data_heap_ptr = int(self._heap_get(store))

        self.data_json = None
        self._guard(load, timeout)
        self.data_json = data_json

    def evaluate(self, input_json: bytes, entrypoint: int, timeout: float | None = None) -> bytes:
        """Evaluate ``entrypoint`` on the input JSON text; returns the result set as JSON text."""
        if self.broken:
            raise EvaluationError("internal: OPA instance used after a failure")
        if self.data_json is None:
            self.set_data(b"{}", timeout)
        store = self.store
        n = len(input_json)
        addr = self.data_heap_ptr
        opa_eval = self._opa_eval

        if opa_eval is not None:

            def run() -> bytes:
                self._write(store, addr, input_json)
                result = opa_eval(store, 0, entrypoint, self.data_addr, addr, n, addr + n, 0)
                return self._read_cstr(store, result)

        else:

            def run() -> bytes:
                self._write(store, addr, input_json)
                self._heap_set(store, addr + n)
                value = self._json_parse(store, addr, n)
                if value == 0:
                    raise InputError("the policy input is not valid JSON")
                ctx = self._ctx_new(store)
                self._ctx_set_input(store, ctx, value)
                self._ctx_set_data(store, ctx, self.data_addr)
                self._ctx_set_entrypoint(store, ctx, entrypoint)
                self._eval(store, ctx)
                result = self._ctx_get_result(store, ctx)
                if result == 0:
                    raise PolicyTrap("the policy produced no result set")
                return self._read_cstr(store, self._json_dump(store, result))

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
