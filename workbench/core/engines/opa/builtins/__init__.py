"""Host-provided OPA builtins, one module per OPA category, one table (:data:`REGISTRY`)."""

from workbench.core.engines.opa.builtins._registry import (
    REGISTRY,
    UNDEFINED,
    Builtin,
    BuiltinContext,
    BuiltinOptions,
    BuiltinTable,
    RegoSet,
    builtin_error,
    type_error,
)
from workbench.core.engines.opa.builtins.profile import (
    BuiltinProfile,
    KubewardenMissingBuiltinError,
    kubewarden_missing_builtins,
    kubewarden_profile,
    missing_builtin_error,
    profile_missing_builtins,
)

__all__ = [
    "REGISTRY",
    "UNDEFINED",
    "Builtin",
    "BuiltinContext",
    "BuiltinOptions",
    "BuiltinProfile",
    "BuiltinTable",
    "KubewardenMissingBuiltinError",
    "RegoSet",
    "builtin_error",
    "kubewarden_missing_builtins",
    "kubewarden_profile",
    "missing_builtin_error",
    "profile_missing_builtins",
    "type_error",
]
