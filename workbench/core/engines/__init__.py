"""Evaluation engines behind one interface (:class:`~workbench.core.engines.base.Engine`).

:func:`create_engine` picks the implementation for an execution mode. Engine
classes are imported lazily so that importing the core stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from workbench.core.engines.base import (
    EXECUTION_MODES,
    CancelToken,
    Engine,
    EngineOptions,
    LogRecord,
    SettingsOutcome,
    ValidationOutcome,
    ValidationRequest,
)
from workbench.core.engines.response import AdmissionResponse, PostProcessing, post_process
from workbench.core.errors import ModuleError

if TYPE_CHECKING:
    from workbench.core.engines.rego_source import RegoSource
    from workbench.core.module import PolicyModule

__all__ = [
    "ENGINE_CLASSES",
    "EXECUTION_MODES",
    "AdmissionResponse",
    "CancelToken",
    "Engine",
    "EngineOptions",
    "LogRecord",
    "PostProcessing",
    "SettingsOutcome",
    "ValidationOutcome",
    "ValidationRequest",
    "create_engine",
    "normalise_execution_mode",
    "post_process",
]

#: execution mode -> "module:Class"; every class is constructed as Class(module, execution_mode, options)
ENGINE_CLASSES: dict[str, str] = {
    "opa": "workbench.core.engines.opa.engine:OpaEngine",
    "gatekeeper": "workbench.core.engines.opa.engine:OpaEngine",
    "kubewarden-wapc": "workbench.core.engines.wapc:WapcEngine",
    "wasi": "workbench.core.engines.wasi:WasiEngine",
    "rego-source": "workbench.core.engines.rego_source:RegoSourceEngine",
}

_ALIASES = {"kubewarden": "kubewarden-wapc", "wapc": "kubewarden-wapc"}


def normalise_execution_mode(value: str) -> str:
    """Accept kwctl's spellings (``kubewarden`` and ``kubewarden-wapc``) and return the serde name."""
    mode = _ALIASES.get(value, value)
    if mode not in EXECUTION_MODES:
        raise ModuleError(
            f"unknown execution mode {value!r}: expected one of {', '.join(EXECUTION_MODES)}"
        )
    return mode


def engine_class(execution_mode: str) -> Any:
    target = ENGINE_CLASSES[execution_mode]
    module_name, _, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def create_engine(module: PolicyModule | RegoSource, execution_mode: str, options: EngineOptions | None = None) -> Engine:
    """Build (and compile, through the cache) the engine that runs ``module`` in ``execution_mode``.

    ``rego-source`` takes a :class:`~workbench.core.engines.rego_source.RegoSource`; a compiled
    module there is a :class:`ModuleError`, never an internal error.
    """
    if execution_mode == "rego-source":
        from workbench.core.engines.rego_source import RegoSource, RegoSourceEngine

        if isinstance(module, RegoSource):
            return RegoSourceEngine(module, execution_mode, options or EngineOptions())
        raise ModuleError(
            "a compiled Wasm module cannot run in the rego-source engine: open the policy's .rego "
            "files instead (the interpreter evaluates Rego source), or run the module as opa or gatekeeper"
        )
    mode = normalise_execution_mode(execution_mode)
    cls = engine_class(mode)
    return cls(module, mode, options or EngineOptions())  # type: ignore[no-any-return]
