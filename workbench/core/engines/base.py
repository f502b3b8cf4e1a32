"""The one interface every evaluation engine implements.

``Engine`` implementations: OPA ABI (modes ``opa`` and ``gatekeeper``),
``kubewarden-wapc``, ``wasi`` and Rego-from-source. They never print: policy
output goes to the :data:`LogSink`, results come back as outcomes.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from workbench.core.engines.response import AdmissionResponse
from workbench.core.errors import EvaluationCancelled, OperationCancelled

if TYPE_CHECKING:
    from workbench.core.engines.hostcaps.provider import HostCapabilities
    from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot
    from workbench.core.engines.opa.builtins import BuiltinOptions

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_TIMEOUT",
    "EXECUTION_MODES",
    "MAX_HOST_CALL_BYTES",
    "MAX_HOST_CALL_PAYLOAD",
    "MAX_LOG_BYTES",
    "MAX_LOG_RECORDS",
    "MAX_LOG_RECORD_BYTES",
    "MAX_POLICY_REPLY_BYTES",
    "CancelToken",
    "Engine",
    "EngineOptions",
    "LogRecord",
    "LogSink",
    "SettingsOutcome",
    "ValidationOutcome",
    "ValidationRequest",
    "check_timeout",
    "null_log",
]

EXECUTION_MODES = ("kubewarden-wapc", "opa", "gatekeeper", "wasi")
DEFAULT_TIMEOUT = 2.0
DEFAULT_MEMORY_LIMIT = 256 * 1024 * 1024

# -- what one evaluation may cost the host beyond the guest's own memory cap ----------------
# (see docs/security.md, section "Guest limits"). Above a limit, log output is truncated with
# one note record; an oversized reply or host-call payload traps the guest (a 500 rejection).
_MIB = 1024 * 1024
#: log records kept (and forwarded) per evaluation; the rest are dropped with one note record
MAX_LOG_RECORDS = 10_000
#: bytes of one log record's message (console log, tracing, one stdout/stderr line)
MAX_LOG_RECORD_BYTES = 1 * _MIB
#: bytes of log messages per evaluation (all records together)
MAX_LOG_BYTES = 16 * _MIB
#: bytes of the policy's reply (waPC ``__guest_response``/``__guest_error``, WASI stdout)
MAX_POLICY_REPLY_BYTES = 64 * _MIB
#: bytes of one host-call payload (the request a policy sends to a host capability)
MAX_HOST_CALL_PAYLOAD = 16 * _MIB
#: bytes of host-call payloads and answers per evaluation
MAX_HOST_CALL_BYTES = 64 * _MIB


def check_timeout(timeout: float | None) -> float | None:
    """A deadline must be a finite, positive number of seconds; ``None`` means no deadline."""
    from workbench.core.errors import InputError

    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise InputError(f"the evaluation deadline {timeout!r} is not a number of seconds")
    if not math.isfinite(timeout) or timeout <= 0:
        raise InputError(
            f"the evaluation deadline must be a positive number of seconds (got {timeout}); "
            "use no deadline (None, --no-timeout) to run without one"
        )
    return float(timeout)


@dataclasses.dataclass(frozen=True)
class LogRecord:
    """One line of the log pane.

    ``source`` is ``"policy"`` (console log, tracing host calls, ``print``/``trace``),
    ``"host"`` (host-capability calls), or ``"app"`` (the workbench itself).
    ``level`` is one of trace, debug, info, warning, error.
    """

    level: str
    message: str
    source: str = "policy"
    fields: dict[str, Any] = dataclasses.field(default_factory=dict)
    timestamp: float = dataclasses.field(default_factory=time.time)


LogSink = Callable[[LogRecord], None]


def null_log(_record: LogRecord) -> None:
    """A LogSink that drops everything."""


class CancelToken:
    """Cooperative cancellation shared between a UI and a worker.

    Engines register an interrupter (e.g. a wasmtime epoch bump) with
    :meth:`on_cancel`; transfers poll :attr:`cancelled` / :meth:`check`.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._callbacks: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()

    def on_cancel(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` on cancel (at once if already cancelled); returns an unregister function."""
        with self._lock:
            already = self._event.is_set()
            if not already:
                self._callbacks.append(callback)
        if already:
            callback()

        def unregister() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unregister

    def check(self, what: str = "operation") -> None:
        if self._event.is_set():
            raise OperationCancelled(f"{what} cancelled")

    def check_evaluation(self) -> None:
        if self._event.is_set():
            raise EvaluationCancelled("evaluation cancelled by the user")


@dataclasses.dataclass(frozen=True)
class ValidationRequest:
    """What a policy evaluates: an AdmissionRequest object, or any JSON value when ``raw``."""

    request: Any
    raw: bool = False

    @property
    def uid(self) -> str:
        if isinstance(self.request, dict) and isinstance(self.request.get("uid"), str):
            return self.request["uid"]
        return ""

    @property
    def original_object(self) -> Any:
        """What a mutation is diffed against: ``request.object``, or the whole raw request."""
        if self.raw:
            return self.request
        return self.request.get("object") if isinstance(self.request, dict) else None

    @property
    def object_present(self) -> bool:
        if self.raw:
            return True
        return isinstance(self.request, dict) and self.request.get("object") is not None


@dataclasses.dataclass
class EngineOptions:
    """How an engine runs a policy. Engines ignore what does not apply to them."""

    timeout: float | None = DEFAULT_TIMEOUT
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    entrypoint: str | int | None = None  # OPA: name or id; default id 0 as Kubewarden
    log: LogSink = null_log
    #: host-capability gate and backend (see workbench.core.engines.hostcaps); None = deny all but tracing
    host_capabilities: HostCapabilities | None = None
    #: Rego: Kubernetes objects for data.kubernetes / data.inventory (context-aware), or None
    cluster_snapshot: ClusterSnapshot | None = None
    #: context-aware resources the policy may see ((api_version, kind) pairs); empty = none (kwctl's default
    #: without --allow-context-aware). Rego engines build their inventories only from these types.
    context_aware_resources: tuple[tuple[str, str], ...] = ()
    #: OPA builtin switches and profile, or None for defaults
    builtin_options: BuiltinOptions | None = None
    #: extra OPA builtins registered by the application: name -> callable(*args) -> value
    extra_builtins: dict[str, Callable[..., Any]] = dataclasses.field(default_factory=dict)
    cancel: CancelToken | None = None
    use_cache: bool = True

    def __post_init__(self) -> None:
        from workbench.core.errors import InputError

        self.timeout = check_timeout(self.timeout)
        if isinstance(self.memory_limit, bool) or not isinstance(self.memory_limit, int) or self.memory_limit <= 0:
            raise InputError(f"the memory limit must be a positive number of bytes (got {self.memory_limit!r})")


@dataclasses.dataclass
class ValidationOutcome:
    """Result of one ``validate``: the AdmissionResponse plus what the UI shows around it."""

    response: AdmissionResponse
    #: what the policy itself returned (waPC/WASI ValidationResponse, OPA result set), for display
    policy_output: Any = None
    logs: list[LogRecord] = dataclasses.field(default_factory=list)
    elapsed_s: float = 0.0
    host_calls: list[dict[str, Any]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class SettingsOutcome:
    valid: bool
    message: str | None = None


@runtime_checkable
class Engine(Protocol):
    """An evaluation engine bound to one compiled policy module."""

    execution_mode: str

    def validate(self, request: ValidationRequest, settings: dict[str, Any]) -> ValidationOutcome:
        """Evaluate the request with these settings (settings already validated by the caller)."""
        ...

    def validate_settings(self, settings: dict[str, Any]) -> SettingsOutcome: ...

    def protocol_version(self) -> str:
        """waPC: the policy's ``protocol_version`` answer; ``"Unknown"`` for other engines."""
        ...

    def interrupt(self) -> None:
        """Stop a running evaluation from another thread (it ends with EvaluationCancelled)."""
        ...

    def close(self) -> None: ...
