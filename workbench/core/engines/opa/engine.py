"""OPA / Gatekeeper execution modes over the OPA Wasm ABI (Kubewarden's Rego runtime, docs/kubewarden-compat.md §7).

* **opa**: ``input = {"request": <request>}``, ``data = settings`` (+
  ``data.kubernetes`` inventory); the result set's ``[0].result.response`` is
  the AdmissionResponse (``uid`` overwritten with the request uid).
* **gatekeeper**: ``input = {"parameters": settings, "review": <request>}``,
  ``data = {}`` (+ ``data.inventory``); violations' ``msg`` joined with ``", "``.

One warm :class:`~workbench.core.engines.opa.abi.OpaInstance` is reused across
evaluations (data loaded once per distinct value, heap reset to the data mark
by every evaluation) and rebuilt after a trap, timeout or cancellation.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workbench.core.engines import runtime
from workbench.core.engines.base import (
    EngineOptions,
    LogRecord,
    SettingsOutcome,
    ValidationOutcome,
    ValidationRequest,
)
from workbench.core.engines.opa import adapters, preflight
from workbench.core.engines.opa.abi import Deadline, OpaInstance
from workbench.core.engines.opa.adapters import CANNOT_INTERPRET, GATEKEEPER_RAW
from workbench.core.engines.opa.builtins.profile import missing_builtin_error, profile_missing_builtins
from workbench.core.engines.response import AdmissionResponse, internal_error
from workbench.core.errors import (
    BuiltinError,
    EvaluationError,
    MissingBuiltinError,
    ModuleError,
    SettingsError,
)
from workbench.core.yamlio import loads_json

if TYPE_CHECKING:
    from workbench.core.module import PolicyModule

__all__ = ["CANNOT_INTERPRET", "GATEKEEPER_RAW", "OpaEngine"]

_encode = adapters.encode_json


def _call_registered(entry: Callable[[Any, list[Any]], Any], engine: OpaEngine, args: list[Any]) -> Any:
    return entry(engine._builtin_ctx, args)


class _BadResult(EvaluationError):
    """The module's result set is not JSON within the decoding bounds."""


def _decode_result(raw: bytes) -> Any:
    """The result set text of an evaluation, decoded with the bounds of every untrusted document."""
    try:
        return loads_json(raw, "the policy's result set", error=_BadResult)
    except _BadResult as exc:
        raise _BadResult(f"Cannot deserialize policy evaluation result: {exc}") from None


class OpaEngine:
    """:class:`~workbench.core.engines.base.Engine` for OPA ABI modules in ``opa`` or ``gatekeeper`` mode."""

    def __init__(
        self, module: PolicyModule, execution_mode: str, options: EngineOptions | None = None
    ) -> None:
        if execution_mode not in ("opa", "gatekeeper"):
            raise ModuleError(f"the OPA engine runs modes opa and gatekeeper, not {execution_mode!r}")
        self.module = module
        self.execution_mode = execution_mode
        self.options = options or EngineOptions()
        self._engine = runtime.shared_engine()
        self._compiled = preflight.compiled_module(module, use_cache=self.options.use_cache)
        self.info = preflight.inspect_opa_module(
            module, timeout=self.options.timeout, memory_limit=self.options.memory_limit
        )
        self._builtins = self._resolve_builtins()
        self.missing = sorted(name for name in self.info.builtins if name not in self._builtins)
        # the builtin profile (kubewarden) may withhold more; see docs/builtins.md
        self.missing = sorted(
            {*self.missing, *profile_missing_builtins(self.info.builtins, self.options.builtin_options)}
        )
        self._default_entrypoint = self.options.entrypoint
        self._default_entrypoint_id: int | None = None
        self._static_warnings = preflight.mode_warnings(module, execution_mode, self.options.entrypoint)
        self._dynamic_warnings: list[str] = []
        self._instance: OpaInstance | None = None
        self._lock = threading.RLock()
        self._deadline = Deadline(self._engine)
        self._logs: list[LogRecord] = []
        self._builtin_ctx: Any = None
        self._settings_key: bytes | None = None
        self._data_json: bytes = b"{}"
        self._inventory: dict[str, Any] | None = None
        self._inventory_built = False
        self._unregister_cancel: Callable[[], None] | None = None
        if self.options.cancel is not None:
            self._unregister_cancel = self.options.cancel.on_cancel(self.interrupt)

    # -- introspection ------------------------------------------------------------
    @property
    def abi_version(self) -> tuple[int, int]:
        return self.info.abi_version

    def entrypoints(self) -> dict[str, int]:
        return dict(self.info.entrypoints)

    def required_builtins(self) -> list[str]:
        return self.info.required_builtins

    def missing_builtins(self) -> list[str]:
        return list(self.missing)

    def warnings(self) -> list[str]:
        """Static mode/entrypoint warnings plus what evaluations revealed (deduplicated)."""
        out = [*self._static_warnings]
        if self.missing:
            out.append(str(missing_builtin_error(self.missing, self.options.builtin_options)))
        out.extend(w for w in self._dynamic_warnings if w not in out)
        return out

    def resolve_entrypoint(self, entrypoint: str | int | None = None) -> int:
        if entrypoint is None:
            if self._default_entrypoint_id is None:
                self._default_entrypoint_id = preflight.resolve_entrypoint(
                    self.info, self._default_entrypoint
                )
            return self._default_entrypoint_id
        return preflight.resolve_entrypoint(self.info, entrypoint)

    # -- builtins -------------------------------------------------------------------
    def _resolve_builtins(self) -> dict[str, Callable[[list[Any]], Any]]:
        """name -> call(args) for every builtin the module needs; extras override the registry.

        Network builtins (``http.send``, ``net.lookup_ip_addr``) are always resolved: they
        refuse to run unless the evaluation's ``BuiltinOptions`` allow them, after checking
        their operands like OPA does.
        """
        from workbench.core.engines.opa.builtins._registry import REGISTRY

        table: dict[str, Callable[[list[Any]], Any]] = {}
        for name in self.info.builtins:
            extra = self.options.extra_builtins.get(name)
            if extra is not None:
                table[name] = self._extra(name, extra)
                continue
            entry = REGISTRY.get(name)
            if entry is not None:
                table[name] = functools.partial(_call_registered, entry, self)
        return table

    @staticmethod
    def _extra(name: str, fn: Callable[..., Any]) -> Callable[[list[Any]], Any]:
        """An application builtin: its BuiltinErrors are reported as ``<name>: <message>`` like OPA's."""

        def call(args: list[Any]) -> Any:
            try:
                return fn(*args)
            except BuiltinError as exc:
                if str(exc).startswith(f"{name}: "):
                    raise
                raise BuiltinError(f"{name}: {exc}", code=exc.code) from exc

        return call

    def _dispatch(self, name: str, args: list[Any]) -> Any:
        fn = self._builtins.get(name)
        if fn is None:
            raise MissingBuiltinError([name])
        return fn(args)

    # -- instance management -------------------------------------------------------
    def _emit(self, level: str, message: str) -> None:
        record = LogRecord(level=level, message=message, source="policy")
        self._logs.append(record)
        self.options.log(record)

    def _instance_ready(self) -> OpaInstance:
        instance = self._instance
        if instance is None or instance.broken:
            if instance is not None:
                instance.close()
            self._instance = None
            instance = OpaInstance(
                self._engine,
                self._compiled,
                dispatcher=self._dispatch,
                log=self._emit,
                memory_limit=self.options.memory_limit,
                deadline=self._deadline,
                hold_ticker=True,
                timeout=self.options.timeout,
            )
            self._instance = instance
        return instance

    def _begin(self) -> None:
        from workbench.core.engines.opa.builtins._registry import BuiltinContext, BuiltinOptions

        if self.missing:
            raise missing_builtin_error(self.missing, self.options.builtin_options)
        self._deadline.reset_cancel()
        if self.options.cancel is not None:
            self.options.cancel.check_evaluation()
        self._logs = []
        self._builtin_ctx = BuiltinContext(
            options=self.options.builtin_options or BuiltinOptions(),
            log=lambda message: self._emit("info", message),
        )

    def _run(self, input_json: bytes, data_json: bytes, entrypoint_id: int) -> bytes:
        """Evaluate with data reloaded only when it changed; one retry-free guarded call."""
        instance = self._instance_ready()
        if instance.data_json != data_json:
            instance.set_data(data_json, self.options.timeout)
        return instance.evaluate(input_json, entrypoint_id, self.options.timeout)

    # -- data -----------------------------------------------------------------------
    def _inventory_value(self) -> dict[str, Any] | None:
        """The context-aware inventory, or None when the policy is granted no resources.

        Only objects of the granted ``context_aware_resources`` types are included
        (Kubewarden fetches exactly those); granted types with no snapshot give an
        empty inventory.
        """
        if self._inventory_built:
            return self._inventory
        replayer = getattr(self.options.host_capabilities, "replayer", None)
        if replayer is not None and self.options.context_aware_resources and self.options.cluster_snapshot is None:
            inventory: dict[str, Any] | None = self._replayed_inventory(replayer)
        else:
            inventory = adapters.build_inventory(
                self.execution_mode, self.options.context_aware_resources, self.options.cluster_snapshot
            )
        self._inventory, self._inventory_built = inventory, True
        return inventory

    def _replayed_inventory(self, replayer: Any) -> dict[str, Any]:
        """The inventory from a replayed kwctl session: its list-all and plural-name answers for the
        granted resource types (kwctl's Rego runtime pre-fetches exactly those)."""
        from workbench.core.engines.hostcaps.snapshot import plural_name
        from workbench.core.engines.opa.inventory import inventory_from_lists

        resources = [(str(a), str(k)) for a, k in self.options.context_aware_resources]
        lists, plurals = replayer.take_kubernetes_inventory(resources)
        for api_version, kind in resources:
            if (api_version, kind) not in lists:
                self._emit(
                    "warning",
                    f"the replayed session {replayer.path} has no list of {api_version}/{kind} objects: "
                    "the policy sees none",
                )
        return inventory_from_lists(self.execution_mode, lists, plurals, plural_name)

    def _data_for(self, settings: dict[str, Any]) -> bytes:
        if self.execution_mode == "gatekeeper":
            inventory = self._inventory_value()
            return (
                b"{}"
                if inventory is None
                else _encode(adapters.gatekeeper_data(inventory), "cluster inventory")
            )
        key = _encode(settings, "settings")
        if key == self._settings_key:
            return self._data_json
        inventory = self._inventory_value()
        if inventory is None:
            data_json = key
        else:
            data = adapters.opa_data(settings, inventory, lambda message: self._emit("warning", message))
            data_json = _encode(data, "settings")
        self._settings_key, self._data_json = key, data_json
        return data_json

    # -- Engine protocol ------------------------------------------------------------
    def validate(self, request: ValidationRequest, settings: dict[str, Any]) -> ValidationOutcome:
        if not isinstance(settings, dict):
            raise SettingsError("Invalid settings in CRD, not an object")
        started = time.perf_counter()
        with self._lock:
            uid = request.uid
            if self.execution_mode == "gatekeeper" and request.raw:
                return ValidationOutcome(
                    internal_error(uid, GATEKEEPER_RAW), elapsed_s=time.perf_counter() - started
                )
            self._begin()
            entrypoint_id = self.resolve_entrypoint()
            request_json = _encode(request.request, "request")
            if self.execution_mode == "gatekeeper":
                input_json = adapters.gatekeeper_input_json(request_json, _encode(settings, "settings"))
            else:
                input_json = adapters.opa_input_json(request_json)
            data_json = self._data_for(settings)
            try:
                output = _decode_result(self._run(input_json, data_json, entrypoint_id))
            except _BadResult as exc:
                return ValidationOutcome(
                    response=internal_error(uid, str(exc)),
                    logs=list(self._logs),
                    elapsed_s=time.perf_counter() - started,
                )
            if self.execution_mode == "gatekeeper":
                response = self._gatekeeper_response(uid, output)
            else:
                response = self._opa_response(uid, output)
            return ValidationOutcome(
                response=response,
                policy_output=output,
                logs=list(self._logs),
                elapsed_s=time.perf_counter() - started,
            )

    def _opa_response(self, uid: str, output: Any) -> AdmissionResponse:
        response = adapters.opa_response(uid, output)
        if response is None:
            warning = (
                f"opa mode: the result of entrypoint {self.resolve_entrypoint()} has no `response` object "
                f"({CANNOT_INTERPRET})"
            )
            self._note(warning)
            record = LogRecord(level="warning", message=warning, source="app")
            self._logs.append(record)
            self.options.log(record)
            return internal_error(uid, CANNOT_INTERPRET)
        return response

    @staticmethod
    def _gatekeeper_response(uid: str, output: Any) -> AdmissionResponse:
        return adapters.gatekeeper_response(uid, output)

    def _note(self, warning: str) -> None:
        if warning not in self._dynamic_warnings:
            self._dynamic_warnings.append(warning)

    def validate_settings(self, settings: dict[str, Any]) -> SettingsOutcome:
        """Rego policies have no settings validation: always valid (as Kubewarden)."""
        return SettingsOutcome(valid=True)

    def protocol_version(self) -> str:
        return "Unknown"

    def interrupt(self) -> None:
        """Stop the running evaluation (it ends with EvaluationCancelled within one epoch tick)."""
        self._deadline.interrupt()

    def close(self) -> None:
        with self._lock:
            if self._instance is not None:
                self._instance.close()
            self._instance = None
        if self._unregister_cancel is not None:
            self._unregister_cancel()
            self._unregister_cancel = None
        closer = getattr(self.options.host_capabilities, "close", None)
        if closer is not None:
            closer()  # a replayed session warns about interactions the run did not use

    # -- raw evaluation API ---------------------------------------------------------
    def evaluate(self, input: Any, data: Any = None, entrypoint: str | int | None = None) -> list[Any]:
        """Evaluate an entrypoint on arbitrary ``input``/``data``; returns the OPA result set."""
        data_json = b"{}" if data is None else _encode(data, "data")
        input_json = _encode(input, "input")
        with self._lock:
            self._begin()
            entrypoint_id = self.resolve_entrypoint(entrypoint)
            try:
                result = _decode_result(self._run(input_json, data_json, entrypoint_id))
            except _BadResult as exc:
                raise EvaluationError(str(exc)) from None
        if not isinstance(result, list):
            raise EvaluationError(f"the policy returned a result set that is not an array: {result!r}")
        return result

    def evaluate_raw_input(
        self, input_json: bytes, entrypoint: str | int | None = None, data_json: bytes | None = None
    ) -> bytes:
        """Bytes in, bytes out: the input JSON text goes straight into Wasm memory.

        ``input_json`` must be valid JSON (ABI 1.2+ modules treat malformed input
        as undefined). ``data_json`` defaults to the data of the previous
        evaluation (``{}`` initially).
        """
        with self._lock:
            self._begin()
            entrypoint_id = self.resolve_entrypoint(entrypoint)
            instance = self._instance_ready()
            if data_json is not None and instance.data_json != data_json:
                instance.set_data(data_json, self.options.timeout)
            return instance.evaluate(input_json, entrypoint_id, self.options.timeout)

    # -- tests and diagnostics -----------------------------------------------------
    def memory_size(self) -> int:
        """Linear memory size of the warm instance (0 before the first evaluation)."""
        return 0 if self._instance is None else self._instance.memory_size()

    def __enter__(self) -> OpaEngine:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
