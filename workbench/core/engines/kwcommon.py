"""Pieces shared by the Kubewarden-native engines (waPC and WASI).

* parsing the policy's snake_case ``ValidationResponse`` / ``SettingsValidationResponse``
  with serde's strictness (wrong types are errors, unknown keys are ignored);
* a per-evaluation log collector that both forwards to the caller's
  :data:`~workbench.core.engines.base.LogSink` and keeps the records for the outcome;
* the timeout rejection policy-server produces (compat §2.3);
* the engine plumbing: compiling the module, starting a guest call, telling a
  cancellation from a timeout, and the host calls one evaluation made.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import wasmtime

from workbench.core.cache import compile_module
from workbench.core.engines.base import (
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
from workbench.core.errors import EvaluationCancelled, EvaluationError

if TYPE_CHECKING:
    from workbench.core.module import PolicyModule

__all__ = [
    "TIMEOUT_MESSAGE",
    "HostCallWindow",
    "LogCollector",
    "OutputLines",
    "Stopped",
    "begin_call",
    "compile_policy",
    "parse_settings_response",
    "raise_if_cancelled",
    "settings_payload",
    "timeout_rejection",
    "validation_payload",
    "validation_response",
]

TIMEOUT_MESSAGE = "Policy execution interrupted because it exceeded the allowed execution time"


def timeout_rejection(uid: str) -> AdmissionResponse:
    """What policy-server answers when the epoch deadline fires."""
    return AdmissionResponse(uid=uid, allowed=False, status={"message": TIMEOUT_MESSAGE, "code": 500})


def validation_payload(request: ValidationRequest, settings: dict[str, Any]) -> bytes:
    """``{"request": ..., "settings": ...}`` as the SDKs expect it (compact, UTF-8)."""
    return json.dumps(
        {"request": request.request, "settings": settings}, separators=(",", ":"), ensure_ascii=False
    ).encode()


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


def validation_response(request: ValidationRequest, raw: bytes) -> tuple[AdmissionResponse, Any]:
    """Turn the guest's reply into an AdmissionResponse; returns it with the decoded policy output."""
    uid = request.uid
    try:
        decoded = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        text = raw.decode("utf-8", "replace")
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
        decoded = json.loads(raw)
        if not isinstance(decoded, dict):
            raise ValueError("invalid type: expected struct SettingsValidationResponse")
        if "valid" not in decoded:
            raise ValueError("missing field `valid`")
        if not isinstance(decoded["valid"], bool):
            raise ValueError("invalid type for field `valid`: expected a boolean")
        message = decoded.get("message")
        if message is not None and not isinstance(message, str):
            raise ValueError("invalid type for field `message`: expected a string")
    except (UnicodeDecodeError, ValueError) as exc:
        return SettingsOutcome(valid=False, message=f"{error_prefix}{exc}")
    return SettingsOutcome(valid=decoded["valid"], message=message)


class LogCollector:
    """Collects the records of one evaluation and forwards each to the caller's sink."""

    def __init__(self, sink: LogSink) -> None:
        self._sink = sink
        self.records: list[LogRecord] = []

    def __call__(self, record: LogRecord) -> None:
        self.records.append(record)
        try:
            self._sink(record)
        except Exception:  # a broken UI sink must not break the evaluation
            pass

    def emit(self, level: str, message: str, source: str = "policy", **fields: Any) -> None:
        self(LogRecord(level=level, message=message, source=source, fields=fields))


#: most bytes kept from one guest stream during one call (a runaway printer cannot exhaust host memory)
MAX_STREAM_BYTES = 32 * 1024 * 1024


class OutputLines:
    """Line-buffers a guest's stdout/stderr writes into log records (or captures them).

    At most :data:`MAX_STREAM_BYTES` are kept per call; the rest is dropped and
    :attr:`truncated` is set.
    """

    def __init__(self, stream: str, level: str) -> None:
        self.stream = stream
        self.level = level
        self.collector: LogCollector | None = None
        self._buffer = bytearray()
        self.captured = bytearray()
        self.capture = False
        self.truncated = False
        self._seen = 0

    def write(self, data: bytes) -> int:
        self._seen += len(data)
        if self._seen > MAX_STREAM_BYTES:
            self.truncated = True
            return len(data)
        if self.capture:
            self.captured += data
        else:
            self._buffer += data
            while b"\n" in self._buffer:
                line, _, rest = bytes(self._buffer).partition(b"\n")
                self._buffer = bytearray(rest)
                self._emit(line)
        return len(data)

    def flush(self) -> None:
        """Emit a pending partial line and start counting the next call's bytes."""
        if self._buffer:
            line = bytes(self._buffer)
            self._buffer.clear()
            self._emit(line)
        if self.truncated and self.collector is not None:
            self.collector.emit(
                "warning", f"the policy wrote more than {MAX_STREAM_BYTES} bytes to {self.stream}; the rest was dropped",
                source="app",
            )  # fmt: skip
        self.truncated = False
        self._seen = 0

    def _emit(self, line: bytes) -> None:
        if self.collector is not None:
            self.collector.emit(self.level, line.decode("utf-8", "replace").rstrip("\r"), stream=self.stream)


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
    """The settings as the compact JSON the guest reads."""
    return json.dumps(settings, separators=(",", ":"), ensure_ascii=False).encode()


class HostCallWindow:
    """The host calls made since it was opened, for providers that keep a ``history``."""

    def __init__(self, provider: Any) -> None:
        self._history = getattr(provider, "history", None)
        self._first = len(self._history) if self._history is not None else 0

    def calls(self) -> list[Any]:
        return list(self._history[self._first :]) if self._history is not None else []
