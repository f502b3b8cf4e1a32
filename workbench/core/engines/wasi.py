"""Kubewarden ``wasi`` engine: WASI command modules (docs/kubewarden-compat.md §3.3).

Every call instantiates the module afresh and runs ``_start`` with
``argv = ["policy.wasm", "validate"]`` (request ``{"request", "settings"}`` on stdin)
or ``["policy.wasm", "validate-settings"]`` (settings on stdin); the answer is read
from stdout, stderr goes to the policy log (as warnings). ``proc_exit(0)`` or a normal
return is success; any other exit status or trap fails the call: ``validate`` answers
``allowed:false, code 500`` with stderr as the message, ``validate_settings`` answers
``valid:false`` with it (the trap/exit text is used when stderr is empty).

Host capabilities: ``host.call`` and ``kubewarden:javy/host``.``call``
``(bd_ptr, bd_len, ns_ptr, ns_len, op_ptr, op_len, payload_ptr, payload_len) -> i32``
return **0 on success and 1 on error** and append the reply (or the error text) to the
guest's stdin.

stdin: wasmtime-py 50 can only give WASI a stdin *file* (``WasiConfig.stdin_file``;
the C API's ``wasi_config_set_stdin_bytes`` is not wrapped and is fixed at start
anyway), while host calls must append to stdin during the run. So the engine shadows
``wasi_snapshot_preview1.fd_read`` in the linker (``allow_shadowing``) with its own
implementation over an in-memory buffer for fd 0; the rest of WASI is wasmtime's.
Calling wasmtime's original ``fd_read`` from a host function is not possible (it needs
the calling instance's memory export), but it is not needed either: with no preopened
directories the only descriptors are 0, 1 and 2, and reading stdout/stderr or an
unknown descriptor answers ``EBADF`` exactly as WASI does.
"""

from __future__ import annotations

import struct
import threading
import time
from typing import TYPE_CHECKING, Any

import wasmtime
from wasmtime import FuncType, ValType

from workbench.core.engines.base import (
    MAX_LOG_BYTES,
    MAX_POLICY_REPLY_BYTES,
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
    compile_policy,
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
from workbench.core.engines.response import AdmissionResponse
from workbench.core.engines.runtime import Watchdog
from workbench.core.engines.wapc import default_host_capabilities
from workbench.core.errors import HostCapabilityError, ModuleError

if TYPE_CHECKING:
    from workbench.core.module import PolicyModule

__all__ = ["WasiEngine"]

_I32 = ValType.i32()
_ERRNO_SUCCESS = 0
_ERRNO_BADF = 8
_ERRNO_FAULT = 21


class _Run:
    """State of one WASI execution."""

    def __init__(self, stdin: bytes, log: LogCollector) -> None:
        self.stdin = bytearray(stdin)
        self.stdin_pos = 0
        self.stdout = OutputLines("stdout", "info", MAX_POLICY_REPLY_BYTES)
        self.stdout.capture = True
        self.stderr = OutputLines("stderr", "warning", MAX_LOG_BYTES)
        self.stderr.capture = True
        self.budget = HostBudget()
        self.log = log
        self.memory: wasmtime.Memory | None = None


class _Failure(Exception):
    def __init__(self, message: str, stderr: str) -> None:
        super().__init__(message)
        self.stderr = stderr

    @property
    def text(self) -> str:
        return self.stderr or str(self)


class WasiEngine:
    """Runs a Kubewarden WASI policy (see module docs)."""

    def __init__(
        self, module: PolicyModule, execution_mode: str = "wasi", options: EngineOptions | None = None
    ) -> None:
        self.module = module
        self.execution_mode = execution_mode
        self.options = options or EngineOptions()
        self._engine, self._compiled, exports = compile_policy(module, self.options)
        if "_start" not in exports:
            raise ModuleError("not a WASI command module: it does not export `_start`")
        self._provider = self.options.host_capabilities or default_host_capabilities(self.options.log)
        self._watchdog = Watchdog(self._engine)
        self._lock = threading.RLock()
        self._run: _Run | None = None
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
                stdout = self._execute(
                    ["policy.wasm", "validate"], validation_payload(request, settings), log
                )
            except Stopped as stop:
                raise_if_cancelled(stop)
                response = timeout_rejection(request.uid)
                log.emit("error", TIMEOUT_MESSAGE, source="app")
            except _Failure as failure:
                response = AdmissionResponse(
                    uid=request.uid, allowed=False, status={"message": failure.text, "code": 500}
                )
                log.emit("error", f"policy failed: {failure}", source="app")
            else:
                response, policy_output = validation_response(request, stdout)
            return ValidationOutcome(
                response=response,
                policy_output=policy_output,
                logs=log.records,
                elapsed_s=time.perf_counter() - started,
                host_calls=host_calls.calls(),
            )

    def validate_settings(self, settings: dict[str, Any]) -> SettingsOutcome:
        with self._lock:
            log = self._begin()
            try:
                stdout = self._execute(["policy.wasm", "validate-settings"], settings_payload(settings), log)
            except Stopped as stop:
                raise_if_cancelled(stop)
                return SettingsOutcome(valid=False, message=TIMEOUT_MESSAGE)
            except _Failure as failure:
                return SettingsOutcome(valid=False, message=failure.text)
            return parse_settings_response(stdout, "Cannot deserialize settings validation response: ")

    def protocol_version(self) -> str:
        """WASI policies have no protocol-version call."""
        return "Unknown"

    def interrupt(self) -> None:
        self._watchdog.interrupt()

    def close(self) -> None:
        if self._unregister is not None:
            self._unregister()
            self._unregister = None
        closer = getattr(self._provider, "close", None)
        if closer is not None:
            closer()

    # -- execution --------------------------------------------------------------
    def _begin(self) -> LogCollector:
        return begin_call(self.options, self._watchdog)

    def _execute(self, argv: list[str], stdin: bytes, log: LogCollector) -> bytes:
        run = _Run(stdin, log)
        self._run = run
        store = wasmtime.Store(self._engine)
        store.set_limits(memory_size=self.options.memory_limit)
        wasi = wasmtime.WasiConfig()
        wasi.argv = argv
        wasi.stdout_custom = run.stdout.write
        wasi.stderr_custom = run.stderr.write
        store.set_wasi(wasi)
        self._watchdog.attach(store)
        error: str | None = None
        try:
            with self._watchdog.guard(store, self.options.timeout):
                instance = self._linker.instantiate(store, self._compiled)
                exports = instance.exports(store)
                memory = exports.get("memory")
                run.memory = memory if isinstance(memory, wasmtime.Memory) else None
                start = exports.get("_start")
                if not isinstance(start, wasmtime.Func):
                    raise ModuleError("not a WASI command module: `_start` is not a function")
                start(store)
        except wasmtime.ExitTrap as exc:
            if exc.code != 0:
                error = f"the policy exited with status {exc.code}"
        except GuestTrap as exc:
            if self._watchdog.reason is not None:
                raise Stopped(self._watchdog.reason) from None
            log.emit("debug", f"guest failure: {exc}", source="app")
            error = str(exc)
        except (wasmtime.Trap, wasmtime.WasmtimeError) as exc:
            if self._watchdog.reason is not None:
                raise Stopped(self._watchdog.reason) from None
            text = str(exc).strip() or type(exc).__name__
            size = 0
            if run.memory is not None:
                try:
                    size = run.memory.data_len(store)
                except wasmtime.WasmtimeError:
                    size = 0
            log.emit("debug", f"guest failure: {text}", source="app")
            error = describe_trap(text, size, self.options.memory_limit)
        finally:
            self._run = None
        for stream in (run.stdout, run.stderr):
            if stream.truncated:
                log.emit(
                    "warning",
                    f"the policy wrote too much to {stream.stream}; the excess was dropped",
                    source="app",
                )
        stderr = bytes(run.stderr.captured).decode("utf-8", "replace").strip()
        if stderr:
            for line in stderr.splitlines():
                log.emit("warning", line, stream="stderr")
        if error is not None:
            raise _Failure(error, stderr)
        if run.stdout.truncated:
            raise _Failure(f"the policy's reply is larger than the limit of {MAX_POLICY_REPLY_BYTES} bytes", "")
        return bytes(run.stdout.captured)

    # -- host functions ---------------------------------------------------------
    def _memory(self, caller: Any) -> wasmtime.Memory:
        run = self._run
        if run is not None and run.memory is not None:
            return run.memory
        memory = caller.get("memory")
        if not isinstance(memory, wasmtime.Memory):
            raise GuestTrap("the policy does not export its memory")
        return memory

    def _build_linker(self) -> wasmtime.Linker:
        linker = wasmtime.Linker(self._engine)
        linker.allow_shadowing = True
        linker.define_wasi()

        def fd_read(caller: Any, fd: int, iovs: int, iovs_len: int, nread_ptr: int) -> int:
            run = self._run
            if fd != 0 or run is None:
                return _ERRNO_BADF
            memory = self._memory(caller)
            try:
                count = iovs_len & 0xFFFFFFFF
                vectors = read_guest(memory, caller, iovs, 8 * count, "fd_read")
                total = 0
                for i in range(count):
                    ptr, length = struct.unpack_from("<II", vectors, 8 * i)
                    chunk = bytes(run.stdin[run.stdin_pos : run.stdin_pos + length])
                    write_guest(memory, caller, ptr, chunk, "fd_read")
                    run.stdin_pos += len(chunk)
                    total += len(chunk)
                    if len(chunk) < length:
                        break
                write_guest(memory, caller, nread_ptr, struct.pack("<I", total), "fd_read")
            except GuestTrap:
                return _ERRNO_FAULT  # an out-of-range buffer: EFAULT, as wasmtime's own WASI answers
            return _ERRNO_SUCCESS

        def host_call(
            caller: Any, bd_ptr: int, bd_len: int, ns_ptr: int, ns_len: int, op_ptr: int, op_len: int,
            ptr: int, length: int,
        ) -> int:  # fmt: skip
            run = self._run
            memory = self._memory(caller)
            budget = run.budget if run is not None else HostBudget()
            for size in (bd_len, ns_len, op_len, length):
                budget.payload(size, "host.call")

            def read(p: int, n: int) -> bytes:
                return read_guest(memory, caller, p, n, "host.call")

            binding = read(bd_ptr, bd_len).decode("utf-8", "replace")
            namespace = read(ns_ptr, ns_len).decode("utf-8", "replace")
            operation = read(op_ptr, op_len).decode("utf-8", "replace")
            payload = read(ptr, length)
            log = run.log if run is not None else None
            try:
                reply = self._provider.call(binding, namespace, operation, payload, log=log)
                status = 0
            except HostCapabilityError as exc:
                reply = str(exc).encode()
                status = 1
            budget.spend(len(reply), "host.call")
            if run is not None:
                run.stdin += reply
            return status

        linker.define_func(
            "wasi_snapshot_preview1", "fd_read", FuncType([_I32] * 4, [_I32]), host_function("fd_read", fd_read),
            access_caller=True,
        )  # fmt: skip
        host_type = FuncType([_I32] * 8, [_I32])
        guarded_call = host_function("host.call", host_call)
        linker.define_func("host", "call", host_type, guarded_call, access_caller=True)
        linker.define_func("kubewarden:javy/host", "call", host_type, guarded_call, access_caller=True)
        return linker
