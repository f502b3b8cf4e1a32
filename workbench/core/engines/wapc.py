"""Kubewarden ``kubewarden-wapc`` engine: a waPC host on wasmtime (docs/kubewarden-compat.md §3.2).

The guest gets the waPC imports (module ``wapc``) and WASI preview1 with nothing from
the host: no preopened directories, no environment, no network, no inherited stdio
(stdout/stderr go to the policy log). After instantiation ``_start`` (TinyGo's
``main`` registers the handlers and may leave with ``proc_exit(0)``) and then
``wapc_init`` are called when the module exports them. One instance serves every call,
like Kubewarden; it is rebuilt after a trap, a timeout or a cancellation.

Operations: ``validate`` (payload ``{"request", "settings"}``), ``validate_settings``
and ``protocol_version``. Host calls go to the
:class:`~workbench.core.engines.hostcaps.HostCapabilities` provider of the options
(``kubewarden/tracing/log`` and ``__console_log`` become policy log records).

Untrusted-code limits: a per-call deadline (``EngineOptions.timeout``; a timeout ends
``validate`` with policy-server's 500 rejection, see
:func:`~workbench.core.engines.kwcommon.timeout_rejection`), a memory cap per instance
(``EngineOptions.memory_limit`` via ``Store.set_limits``) and cancellation
(:meth:`WapcEngine.interrupt` / ``EngineOptions.cancel`` → :class:`EvaluationCancelled`).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import wasmtime
from wasmtime import FuncType, ValType

from workbench.core.engines.base import (
    MAX_LOG_BYTES,
    MAX_LOG_RECORD_BYTES,
    EngineOptions,
    SettingsOutcome,
    ValidationOutcome,
    ValidationRequest,
)
from workbench.core.engines.kwcommon import (
    TIMEOUT_MESSAGE,
    GuestTrap,
    HostBudget,
    HostCallWindow,
    LogCollector,
    OutputLines,
    Stopped,
    begin_call,
    check_reply_size,
    compile_policy,
    decode_reply,
    describe_trap,
    host_function,
    parse_settings_response,
    raise_if_cancelled,
    read_guest,
    settings_payload,
    timeout_rejection,
    validation_payload,
    validation_response,
    write_guest,
)
from workbench.core.engines.response import internal_error
from workbench.core.engines.runtime import Watchdog
from workbench.core.errors import (
    EvaluationError,
    EvaluationTimeout,
    HostCapabilityError,
    ModuleError,
    PolicyTrap,
)

if TYPE_CHECKING:
    from workbench.core.module import PolicyModule

__all__ = ["WapcEngine", "default_host_capabilities"]

_I32 = ValType.i32()


class _GuestError(Exception):
    """``__guest_call`` returned 0; the message is what the guest passed to ``__guest_error``."""


class _Trapped(Exception):
    """The guest trapped (or a host function failed); the instance is gone."""


def default_host_capabilities(log: Any = None) -> Any:
    """The provider used when the options carry none: tracing only, every capability refused."""
    from workbench.core.engines.base import null_log
    from workbench.core.engines.hostcaps import build_host_capabilities

    return build_host_capabilities(context_aware_resources=(), allowed_capabilities=(), log=log or null_log)


class _Instance:
    __slots__ = ("guest_call", "memory", "store")

    def __init__(self, store: wasmtime.Store, guest_call: wasmtime.Func, memory: wasmtime.Memory) -> None:
        self.store = store
        self.guest_call = guest_call
        self.memory = memory


class WapcEngine:
    """Runs a Kubewarden waPC policy module (see module docs)."""

    def __init__(
        self,
        module: PolicyModule,
        execution_mode: str = "kubewarden-wapc",
        options: EngineOptions | None = None,
    ) -> None:
        self.module = module
        self.execution_mode = execution_mode
        self.options = options or EngineOptions()
        self._engine, self._compiled, exports = compile_policy(module, self.options)
        missing = [name for name in ("__guest_call", "memory") if name not in exports]
        if missing:
            raise ModuleError(
                "not a waPC policy module: it does not export " + " and ".join(f"`{m}`" for m in missing)
            )
        self._provider = self.options.host_capabilities or default_host_capabilities(self.options.log)
        self._watchdog = Watchdog(self._engine)
        self._lock = threading.RLock()
        self._instance: _Instance | None = None
        # per-call state used by the host functions
        self._op = b""
        self._msg = b""
        self._response: bytes | None = None
        self._error: bytes | None = None
        self._host_response = b""
        self._host_error = b""
        self._log = LogCollector(self.options.log)
        self._stdout = OutputLines("stdout", "info", MAX_LOG_BYTES)
        self._stderr = OutputLines("stderr", "warning", MAX_LOG_BYTES)
        self._budget = HostBudget()
        self._linker = self._build_linker()
        self._unregister = self.options.cancel.on_cancel(self.interrupt) if self.options.cancel else None

    # -- public API -------------------------------------------------------------
    def validate(self, request: ValidationRequest, settings: dict[str, Any]) -> ValidationOutcome:
        started = time.perf_counter()
        with self._lock:
            log = self._begin()
            host_calls = HostCallWindow(self._provider)
            policy_output: Any = None
            try:
                raw = self._call("validate", validation_payload(request, settings))
            except Stopped as stop:
                raise_if_cancelled(stop)
                response = timeout_rejection(request.uid)
                log.emit("error", response.message or "", source="app")
            except (_GuestError, _Trapped) as exc:
                response = internal_error(request.uid, f"Guest call failure: {exc}")
                log.emit("error", f"policy failed: {exc}", source="app")
            else:
                response, policy_output = validation_response(request, raw)
            return ValidationOutcome(
                response=response,
                policy_output=policy_output,
                logs=log.records,
                elapsed_s=time.perf_counter() - started,
                host_calls=host_calls.calls(),
            )

    def validate_settings(self, settings: dict[str, Any]) -> SettingsOutcome:
        with self._lock:
            self._begin()
            prefix = "Error invoking settings validation callback: "
            try:
                raw = self._call("validate_settings", settings_payload(settings))
            except Stopped as stop:
                raise_if_cancelled(stop)
                return SettingsOutcome(valid=False, message=prefix + TIMEOUT_MESSAGE)
            except (_GuestError, _Trapped) as exc:
                return SettingsOutcome(valid=False, message=f"{prefix}Guest call failure: {exc}")
            return parse_settings_response(raw, "error: ")

    def protocol_version(self) -> str:
        """The guest's answer to ``protocol_version`` (``"v1"`` for today's SDKs)."""
        with self._lock:
            self._begin()
            try:
                raw = self._call("protocol_version", b"")
            except Stopped as stop:
                raise_if_cancelled(stop)
                raise EvaluationTimeout("protocol_version exceeded the allowed execution time") from None
            except _GuestError as exc:
                raise EvaluationError(f"cannot get the policy protocol version: {exc}") from None
            except _Trapped as exc:
                raise PolicyTrap(f"cannot get the policy protocol version: {exc}") from None
            try:
                version = decode_reply(raw, "protocol version reply")
            except EvaluationError as exc:
                raise EvaluationError(f"cannot parse the policy protocol version {raw[:80]!r}: {exc}") from None
            if not isinstance(version, str):
                raise EvaluationError(f"the policy protocol version is not a string: {version!r}")
            return version

    def interrupt(self) -> None:
        self._watchdog.interrupt()

    def close(self) -> None:
        with self._lock:
            self._instance = None
            if self._unregister is not None:
                self._unregister()
                self._unregister = None
            closer = getattr(self._provider, "close", None)
            if closer is not None:
                closer()

    # -- guest calls ------------------------------------------------------------
    def _begin(self) -> LogCollector:
        self._log = begin_call(self.options, self._watchdog)
        self._budget.reset()
        self._stdout.collector = self._log
        self._stderr.collector = self._log
        return self._log

    def _call(self, operation: str, payload: bytes) -> bytes:
        instance = self._instance or self._instantiate()
        self._op, self._msg = operation.encode(), payload
        self._response = self._error = None
        try:
            with self._watchdog.guard(instance.store, self.options.timeout):
                result = instance.guest_call(instance.store, len(self._op), len(self._msg))
        except GuestTrap as exc:
            self._instance = None
            if self._watchdog.reason is not None:
                raise Stopped(self._watchdog.reason) from None
            self._log.emit("debug", f"guest failure: {exc}", source="app")
            raise _Trapped(str(exc)) from None
        except (wasmtime.Trap, wasmtime.WasmtimeError, HostCapabilityError) as exc:
            self._instance = None
            raise self._failure(exc, instance) from None
        except Exception as exc:  # a bug in a host function: report it, never keep a half-run instance
            self._instance = None
            raise _Trapped(f"host function failed: {exc!r}") from exc
        finally:
            self._stdout.flush()
            self._stderr.flush()
        if result == 1:
            return self._response or b""
        raise _GuestError((self._error or b"").decode("utf-8", "replace"))

    def _failure(self, exc: Exception, instance: _Instance) -> Exception:
        reason = self._watchdog.reason
        if reason is not None:
            return Stopped(reason)
        if isinstance(exc, wasmtime.ExitTrap):
            return _Trapped(f"the policy exited with status {exc.code}")
        text = str(exc).strip() or type(exc).__name__
        try:
            size = instance.memory.data_len(instance.store)
        except wasmtime.WasmtimeError:
            size = 0
        self._log.emit("debug", f"guest failure: {text}", source="app")
        return _Trapped(describe_trap(text, size, self.options.memory_limit))

    def _instantiate(self) -> _Instance:
        store = wasmtime.Store(self._engine)
        store.set_limits(memory_size=self.options.memory_limit)
        wasi = wasmtime.WasiConfig()
        wasi.argv = ["policy.wasm"]
        wasi.stdout_custom = self._stdout.write
        wasi.stderr_custom = self._stderr.write
        store.set_wasi(wasi)
        self._watchdog.attach(store)
        try:
            with self._watchdog.guard(store, self.options.timeout):
                try:
                    instance = self._linker.instantiate(store, self._compiled)
                except wasmtime.WasmtimeError as exc:
                    if self._watchdog.reason is None:
                        raise ModuleError(f"cannot instantiate the policy: {str(exc).strip()}") from None
                    raise
                exports = instance.exports(store)
                memory = exports["memory"]
                guest_call = exports["__guest_call"]
                if not isinstance(memory, wasmtime.Memory) or not isinstance(guest_call, wasmtime.Func):
                    raise ModuleError("not a waPC policy module: `memory`/`__guest_call` have the wrong kind")
                self._instance = _Instance(store, guest_call, memory)
                for init in ("_start", "wapc_init"):
                    func = exports.get(init)
                    if isinstance(func, wasmtime.Func):
                        try:
                            func(store)
                        except wasmtime.ExitTrap as exit_trap:
                            if exit_trap.code != 0:
                                raise
        except wasmtime.ExitTrap as exc:
            self._instance = None
            raise PolicyTrap(f"the policy initialisation exited with status {exc.code}") from None
        except GuestTrap as exc:
            self._instance = None
            if self._watchdog.reason is not None:
                raise Stopped(self._watchdog.reason) from None
            raise PolicyTrap(f"the policy initialisation failed: {exc}") from None
        except (wasmtime.Trap, wasmtime.WasmtimeError) as exc:
            self._instance = None
            if self._watchdog.reason is not None:
                raise Stopped(self._watchdog.reason) from None
            text = str(exc).strip() or type(exc).__name__
            raise PolicyTrap(
                f"the policy initialisation failed: {describe_trap(text, 0, self.options.memory_limit)}"
            ) from None
        except ModuleError:
            self._instance = None
            raise
        finally:
            self._stdout.flush()
            self._stderr.flush()
        assert self._instance is not None
        return self._instance

    # -- host functions ---------------------------------------------------------
    def _build_linker(self) -> wasmtime.Linker:
        linker = wasmtime.Linker(self._engine)
        linker.define_wasi()

        def memory_of(caller: Any) -> wasmtime.Memory:
            if self._instance is not None:
                return self._instance.memory
            memory = caller.get("memory")
            if not isinstance(memory, wasmtime.Memory):
                raise GuestTrap("the policy does not export its memory")
            return memory

        def read(caller: Any, ptr: int, length: int, what: str, limit: int | None = None) -> bytes:
            return read_guest(memory_of(caller), caller, ptr, length, what, limit)

        def write(caller: Any, ptr: int, data: bytes, what: str) -> None:
            write_guest(memory_of(caller), caller, ptr, data, what)

        def guest_request(caller: Any, op_ptr: int, msg_ptr: int) -> None:
            write(caller, op_ptr, self._op, "__guest_request")
            write(caller, msg_ptr, self._msg, "__guest_request")

        def guest_response(caller: Any, ptr: int, length: int) -> None:
            check_reply_size(length, "__guest_response")
            self._response = read(caller, ptr, length, "__guest_response")

        def guest_error(caller: Any, ptr: int, length: int) -> None:
            check_reply_size(length, "__guest_error")
            self._error = read(caller, ptr, length, "__guest_error")

        def host_call(
            caller: Any, bd_ptr: int, bd_len: int, ns_ptr: int, ns_len: int, op_ptr: int, op_len: int,
            ptr: int, length: int,
        ) -> int:  # fmt: skip
            budget = self._budget
            for size in (bd_len, ns_len, op_len, length):
                budget.payload(size, "__host_call")
            binding = read(caller, bd_ptr, bd_len, "__host_call").decode("utf-8", "replace")
            namespace = read(caller, ns_ptr, ns_len, "__host_call").decode("utf-8", "replace")
            operation = read(caller, op_ptr, op_len, "__host_call").decode("utf-8", "replace")
            payload = read(caller, ptr, length, "__host_call")
            try:
                response = self._provider.call(binding, namespace, operation, payload, log=self._log)
                budget.spend(len(response), "__host_call")
                self._host_response = response
                self._host_error = b""
                return 1
            except HostCapabilityError as exc:
                self._host_response = b""
                self._host_error = str(exc).encode()
                return 0

        def console_log(caller: Any, ptr: int, length: int) -> None:
            data = read(caller, ptr, length, "__console_log", 0 if self._log.dropped else MAX_LOG_RECORD_BYTES + 4)
            if data:
                self._log.emit("info", data.decode("utf-8", "replace"), console=True)

        def host_response(caller: Any, ptr: int) -> None:
            write(caller, ptr, self._host_response, "__host_response")

        def host_error(caller: Any, ptr: int) -> None:
            write(caller, ptr, self._host_error, "__host_error")

        def define(name: str, ty: FuncType, fn: Any, access_caller: bool = True) -> None:
            linker.define_func("wapc", name, ty, host_function(name, fn), access_caller=access_caller)

        define("__guest_request", FuncType([_I32, _I32], []), guest_request)
        define("__guest_response", FuncType([_I32, _I32], []), guest_response)
        define("__guest_error", FuncType([_I32, _I32], []), guest_error)
        define("__host_call", FuncType([_I32] * 8, [_I32]), host_call)
        define("__host_response_len", FuncType([], [_I32]), lambda: len(self._host_response), False)
        define("__host_response", FuncType([_I32], []), host_response)
        define("__host_error_len", FuncType([], [_I32]), lambda: len(self._host_error), False)
        define("__host_error", FuncType([_I32], []), host_error)
        define("__console_log", FuncType([_I32, _I32], []), console_log)
        return linker
