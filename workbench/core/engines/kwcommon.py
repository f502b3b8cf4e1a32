"""Pieces shared by the Kubewarden-native engines (waPC and WASI).

* parsing the policy's snake_case ``ValidationResponse`` / ``SettingsValidationResponse``
  with serde's strictness (wrong types are errors, unknown keys are ignored);
* a per-evaluation log collector that both forwards to the caller's
  :data:`~workbench.core.engines.base.LogSink` and keeps the records for the outcome;
* the timeout rejection policy-server produces (docs/kubewarden-compat.md §5);
* the engine plumbing: compiling the module, starting a guest call, telling a
  cancellation from a timeout, and the host calls one evaluation made;
* the guards every host function runs under: :func:`host_function` turns any failure
  inside a host function into a guest trap (:class:`GuestTrap`), :func:`read_guest` /
  :func:`write_guest` trap on out-of-range pointers instead of clamping them, and
  :class:`HostBudget` caps the bytes a guest can make the host keep per evaluation
  (limits in :mod:`workbench.core.engines.base`, see docs/security.md, "Guest limits").
"""

from __future__ import annotations

import ctypes
import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import wasmtime

from workbench.core.cache import compile_module
from workbench.core.engines.base import (
    MAX_HOST_CALL_BYTES,
    MAX_HOST_CALL_PAYLOAD,
    MAX_LOG_BYTES,
    MAX_LOG_RECORD_BYTES,
    MAX_LOG_RECORDS,
    MAX_POLICY_REPLY_BYTES,
    EngineOptions,
    LogRecord,
    LogSink,
    SettingsOutcome,
    ValidationRequest,
)
from workbench.core.engines.response import (
    AdmissionResponse,
    from_policy_validation_response,
    internal_error,
)
from workbench.core.engines.runtime import Watchdog, shared_engine
from workbench.core.errors import (
    EvaluationCancelled,
    EvaluationError,
    PolicyTrap,
    RequestError,
    SettingsError,
    WorkbenchError,
)
from workbench.core.yamlio import loads_json

if TYPE_CHECKING:
    from workbench.core.module import PolicyModule

__all__ = [
    "TIMEOUT_MESSAGE",
    "GuestTrap",
    "HostBudget",
    "HostCallWindow",
    "LogCollector",
    "OutputLines",
    "Stopped",
    "begin_call",
    "check_reply_size",
    "compile_policy",
    "decode_reply",
    "host_function",
    "parse_settings_response",
    "raise_if_cancelled",
    "read_guest",
    "settings_payload",
    "timeout_rejection",
    "validation_payload",
    "validation_response",
    "write_guest",
]

TIMEOUT_MESSAGE = "Policy execution interrupted because it exceeded the allowed execution time"


def timeout_rejection(uid: str) -> AdmissionResponse:
    """What policy-server answers when the epoch deadline fires."""
    return AdmissionResponse(uid=uid, allowed=False, status={"message": TIMEOUT_MESSAGE, "code": 500})


def _encode(value: Any, what: str, error: type[WorkbenchError]) -> bytes:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    except UnicodeEncodeError as exc:
        raise error(
            f"the {what} cannot be sent to the policy: it contains a lone UTF-16 surrogate "
            f"({exc.object[exc.start:exc.end]!a}), which is not valid Unicode text"
        ) from None
    except ValueError as exc:  # NaN / Infinity: not JSON, the guest's parser would refuse it
        raise error(f"the {what} cannot be sent to the policy: {exc} (NaN and Infinity are not JSON)") from None
    except RecursionError:
        raise error(f"the {what} is nested too deeply to be sent to the policy") from None
    except TypeError as exc:
        raise error(f"the {what} cannot be encoded as JSON: {exc}") from None


def validation_payload(request: ValidationRequest, settings: dict[str, Any]) -> bytes:
    """``{"request": ..., "settings": ...}`` as the SDKs expect it (compact, UTF-8).

    Settings that are not JSON (NaN, Infinity, lone surrogates) raise SettingsError, such a
    request RequestError: they are refused before the guest sees them.
    """
    settings_json = settings_payload(settings)
    request_json = _encode(request.request, "request", RequestError)
    return b'{"request":' + request_json + b',"settings":' + settings_json + b"}"


def _type_error(field: str, expected: str) -> EvaluationError:
    return EvaluationError(f"invalid type for field `{field}`: expected {expected}")


def _check_policy_response(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise EvaluationError("invalid type: expected struct ValidationResponse")
    if "accepted" not in data:
        raise EvaluationError("missing field `accepted`")
    if not isinstance(data["accepted"], bool):
        raise _type_error("accepted", "a boolean")
    message = data.get("message")
    if message is not None and not isinstance(message, str):
        raise _type_error("message", "a string")
    code = data.get("code")
    if code is not None and (isinstance(code, bool) or not isinstance(code, int) or not 0 <= code <= 65535):
        raise _type_error("code", "u16")
    warnings = data.get("warnings")
    if warnings is not None and (
        not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings)
    ):
        raise _type_error("warnings", "a sequence of strings")
    annotations = data.get("audit_annotations")
    if annotations is not None and (
        not isinstance(annotations, dict) or not all(isinstance(v, str) for v in annotations.values())
    ):
        raise _type_error("audit_annotations", "a map of strings")
    return data


def decode_reply(raw: bytes, what: str = "policy reply") -> Any:
    """A guest's JSON reply, decoded with the bounds of :func:`workbench.core.yamlio.loads_json`
    (too deep, huge integers, NaN → :class:`EvaluationError`)."""
    return loads_json(raw, what, error=EvaluationError)


def validation_response(request: ValidationRequest, raw: bytes) -> tuple[AdmissionResponse, Any]:
    """Turn the guest's reply into an AdmissionResponse; returns it with the decoded policy output."""
    uid = request.uid
    try:
        decoded = decode_reply(raw)
    except EvaluationError as exc:
        text = raw[:4096].decode("utf-8", "replace")
        return internal_error(uid, f"Cannot deserialize policy validation response: {exc}"), text
    try:
        policy_response = _check_policy_response(decoded)
    except EvaluationError as exc:
        return internal_error(uid, f"Cannot deserialize policy validation response: {exc}"), decoded
    try:
        response = from_policy_validation_response(
            uid, request.original_object, policy_response, object_present=request.object_present
        )
    except EvaluationError as exc:
        return internal_error(uid, f"Cannot convert policy validation response: {exc}"), decoded
    return response, decoded


def parse_settings_response(raw: bytes, error_prefix: str) -> SettingsOutcome:
    """Parse ``{"valid": bool, "message"?: str}``; a malformed reply is an invalid-settings outcome."""
    try:
        decoded = decode_reply(raw, "settings validation response")
        if not isinstance(decoded, dict):
            raise ValueError("invalid type: expected struct SettingsValidationResponse")
        if "valid" not in decoded:
            raise ValueError("missing field `valid`")
        if not isinstance(decoded["valid"], bool):
            raise ValueError("invalid type for field `valid`: expected a boolean")
        message = decoded.get("message")
        if message is not None and not isinstance(message, str):
            raise ValueError("invalid type for field `message`: expected a string")
    except (EvaluationError, ValueError) as exc:
        return SettingsOutcome(valid=False, message=f"{error_prefix}{exc}")
    return SettingsOutcome(valid=decoded["valid"], message=message)


class LogCollector:
    """Collects the records of one evaluation and forwards each to the caller's sink.

    At most :data:`~workbench.core.engines.base.MAX_LOG_RECORDS` records and
    :data:`~workbench.core.engines.base.MAX_LOG_BYTES` of messages are kept (messages are
    cut at :data:`~workbench.core.engines.base.MAX_LOG_RECORD_BYTES`); the rest is dropped
    and one ``app`` warning says so.
    """

    def __init__(self, sink: LogSink) -> None:
        self._sink = sink
        self.records: list[LogRecord] = []
        self._bytes = 0
        self.dropped = 0

    def __call__(self, record: LogRecord) -> None:
        if self.dropped:
            self.dropped += 1
            return
        size = len(record.message)
        if size > MAX_LOG_RECORD_BYTES:
            record = LogRecord(
                level=record.level,
                message=record.message[:MAX_LOG_RECORD_BYTES] + f"... [{size - MAX_LOG_RECORD_BYTES} more characters dropped]",
                source=record.source,
                fields=record.fields,
                timestamp=record.timestamp,
            )  # fmt: skip
            size = len(record.message)
        if len(self.records) >= MAX_LOG_RECORDS or self._bytes + size > MAX_LOG_BYTES:
            self.dropped = 1
            self._forward(
                LogRecord(
                    level="warning",
                    message=f"the policy logged more than {MAX_LOG_RECORDS} records or {MAX_LOG_BYTES // (1024 * 1024)} "
                    "MiB in one evaluation; the rest of its log was dropped",
                    source="app",
                )
            )  # fmt: skip
            return
        self._bytes += size
        self._forward(record)

    def _forward(self, record: LogRecord) -> None:
        self.records.append(record)
        try:
            self._sink(record)
        except Exception:  # a broken UI sink must not break the evaluation
            pass

    def emit(self, level: str, message: str, source: str = "policy", **fields: Any) -> None:
        self(LogRecord(level=level, message=message, source=source, fields=fields))


#: most bytes kept from one guest stream during one call (a runaway printer cannot exhaust host memory)
MAX_STREAM_BYTES = MAX_POLICY_REPLY_BYTES


class OutputLines:
    """Line-buffers a guest's stdout/stderr writes into log records (or captures them).

    At most ``limit`` bytes (default :data:`MAX_STREAM_BYTES`) are kept per call; the
    rest is dropped and :attr:`truncated` is set. Lines are split in linear time (the
    buffer is scanned from a moving offset, never re-copied per line).
    """

    def __init__(self, stream: str, level: str, limit: int | None = None) -> None:
        self.stream = stream
        self.level = level
        self.limit = MAX_STREAM_BYTES if limit is None else limit
        self.collector: LogCollector | None = None
        self._buffer = bytearray()
        self.captured = bytearray()
        self.capture = False
        self.truncated = False
        self._seen = 0

    def write(self, data: bytes) -> int:
        size = len(data)
        room = self.limit - self._seen
        self._seen += size
        if room <= 0:
            self.truncated = True
            return size
        if size > room:
            self.truncated = True
            data = data[:room]
        if self.capture:
            self.captured += data
            return size
        buffer = self._buffer
        buffer += data
        start = 0
        while True:
            end = buffer.find(b"\n", start)
            if end < 0:
                break
            self._emit(bytes(buffer[start:end]))
            start = end + 1
        if start:
            del buffer[:start]
        if len(buffer) > MAX_LOG_RECORD_BYTES:  # one endless line: emit what we have
            self._emit(bytes(buffer))
            buffer.clear()
        return size

    def flush(self) -> None:
        """Emit a pending partial line and start counting the next call's bytes."""
        if self._buffer:
            line = bytes(self._buffer)
            self._buffer.clear()
            self._emit(line)
        if self.truncated and self.collector is not None:
            self.collector.emit(
                "warning", f"the policy wrote more than {self.limit} bytes to {self.stream}; the rest was dropped",
                source="app",
            )  # fmt: skip
        self.truncated = False
        self._seen = 0

    def _emit(self, line: bytes) -> None:
        if self.collector is not None and not self.collector.dropped:
            self.collector.emit(self.level, line.decode("utf-8", "replace").rstrip("\r"), stream=self.stream)


# -- host-function guards ----------------------------------------------------------------
class GuestTrap(PolicyTrap):
    """Raised inside a host function to trap the guest (bad pointer, over budget, host failure)."""


def host_function(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a host function: any failure in it becomes a :class:`GuestTrap` naming ``name``.

    wasmtime-py turns an exception raised by a host function into a trap and re-raises
    it from the guest call; the engines catch :class:`GuestTrap` there and answer with
    Kubewarden's 500 rejection (or an initialisation error).
    """

    @functools.wraps(fn)
    def guarded(*args: Any) -> Any:
        try:
            return fn(*args)
        except GuestTrap:
            raise
        except RecursionError:
            raise GuestTrap(f"host function {name} failed: the policy's data is nested too deeply") from None
        except Exception as exc:  # everything else a guest could provoke in host code
            raise GuestTrap(f"host function {name} failed: {type(exc).__name__}: {exc}") from None

    return guarded


def _memory_bounds(memory: wasmtime.Memory, store: Any, ptr: int, length: int, what: str) -> tuple[int, int]:
    ptr &= 0xFFFFFFFF
    length &= 0xFFFFFFFF
    size = memory.data_len(store)
    if ptr + length > size:
        raise GuestTrap(
            f"{what}: the policy passed an out-of-range buffer ({length} bytes at {ptr}; memory is {size} bytes)"
        )
    return ptr, length


def read_guest(
    memory: wasmtime.Memory, store: Any, ptr: int, length: int, what: str, limit: int | None = None
) -> bytes:
    """Copy ``length`` bytes at ``ptr`` out of guest memory (one copy); trap when out of range.

    With ``limit`` only the first ``limit`` bytes are copied (the range is still checked whole).
    """
    ptr, length = _memory_bounds(memory, store, ptr, length, what)
    if limit is not None:
        length = min(length, limit)
    if not length:
        return b""
    base = ctypes.addressof(memory.data_ptr(store).contents)
    return ctypes.string_at(base + ptr, length)


def write_guest(memory: wasmtime.Memory, store: Any, ptr: int, data: bytes, what: str) -> None:
    """Copy ``data`` into guest memory at ``ptr``; trap when it does not fit."""
    ptr, _ = _memory_bounds(memory, store, ptr, len(data), what)
    if data:
        base = ctypes.addressof(memory.data_ptr(store).contents)
        ctypes.memmove(base + ptr, data, len(data))


class HostBudget:
    """Bytes of host-call traffic one evaluation may cause (reset by :meth:`reset`)."""

    def __init__(self) -> None:
        self.used = 0

    def reset(self) -> None:
        self.used = 0

    def payload(self, length: int, what: str) -> None:
        """Account for a payload the guest sends; trap when it is over a limit."""
        length &= 0xFFFFFFFF
        if length > MAX_HOST_CALL_PAYLOAD:
            raise GuestTrap(
                f"{what}: the policy sent {length} bytes, more than the limit of {MAX_HOST_CALL_PAYLOAD} bytes"
            )
        self.spend(length, what)

    def spend(self, length: int, what: str) -> None:
        self.used += length
        if self.used > MAX_HOST_CALL_BYTES:
            raise GuestTrap(
                f"{what}: the policy's host calls exceeded {MAX_HOST_CALL_BYTES // (1024 * 1024)} MiB in one evaluation"
            )


def check_reply_size(length: int, what: str) -> None:
    """Trap a guest whose reply is larger than :data:`~workbench.core.engines.base.MAX_POLICY_REPLY_BYTES`."""
    if (length & 0xFFFFFFFF) > MAX_POLICY_REPLY_BYTES:
        raise GuestTrap(
            f"{what}: the policy's reply of {length & 0xFFFFFFFF} bytes is larger than the limit of "
            f"{MAX_POLICY_REPLY_BYTES // (1024 * 1024)} MiB"
        )


def describe_trap(error_text: str, memory_bytes: int, memory_limit: int) -> str:
    """One-line description of a wasmtime failure (the backtrace goes to the log instead).

    When the guest was using at least 3/4 of its memory cap the usage is appended, as the
    cap is then the likely cause (wasmtime reports only the guest's reaction, e.g. a trap
    after ``memory.grow`` returned -1).
    """
    lines = [line.strip() for line in error_text.strip().splitlines() if line.strip()]
    summary = lines[-1] if lines else "the policy failed"
    if memory_limit > 0 and memory_bytes * 4 >= memory_limit * 3:
        mib = 1024 * 1024
        summary += f" (memory: {memory_bytes / mib:.1f} MiB used of the {memory_limit // mib} MiB limit)"
    return summary


# -- engine plumbing ------------------------------------------------------------
class Stopped(Exception):
    """The watchdog ended a guest call; ``reason`` says why (``"cancelled"`` or a timeout)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def raise_if_cancelled(stop: Stopped) -> None:
    """A user cancellation becomes :class:`EvaluationCancelled`; a timeout is left to the caller."""
    if stop.reason == "cancelled":
        raise EvaluationCancelled("evaluation cancelled by the user") from None


def compile_policy(
    module: PolicyModule, options: EngineOptions
) -> tuple[wasmtime.Engine, wasmtime.Module, set[str]]:
    """The shared wasmtime engine, the (cached) compiled module and the names it exports."""
    engine = shared_engine()
    compiled = compile_module(engine, module.data, module.sha256, use_cache=options.use_cache)
    return engine, compiled, {e.name for e in compiled.exports}


def begin_call(options: EngineOptions, watchdog: Watchdog) -> LogCollector:
    """Start one guest call: refuse when already cancelled, re-arm the watchdog, fresh log."""
    if options.cancel is not None and options.cancel.cancelled:
        raise EvaluationCancelled("evaluation cancelled by the user")
    watchdog.reset_cancel()
    return LogCollector(options.log)


def settings_payload(settings: dict[str, Any]) -> bytes:
    """The settings as the compact JSON the guest reads (SettingsError when they are not JSON)."""
    return _encode(settings, "settings", SettingsError)


class HostCallWindow:
    """The host calls made since it was opened, for providers that keep a ``history``."""

    def __init__(self, provider: Any) -> None:
        self._history = getattr(provider, "history", None)
        self._first = len(self._history) if self._history is not None else 0

    def calls(self) -> list[Any]:
        return list(self._history[self._first :]) if self._history is not None else []
