"""Host-provided OPA builtins, one module per OPA category, one table (:data:`REGISTRY`)."""

from workbench.core.engines.opa.builtins._registry import (
    REGISTRY,
    UNDEFINED,
    Builtin,
    BuiltinContext,
    BuiltinOptions,
    RegoSet,
    builtin,
    builtin_error,
    type_error,
)

__all__ = [
    "REGISTRY",
    "UNDEFINED",
    "Builtin",
    "BuiltinContext",
    "BuiltinOptions",
    "RegoSet",
    "builtin",
    "builtin_error",
    "type_error",
]
