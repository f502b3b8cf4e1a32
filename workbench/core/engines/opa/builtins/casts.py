"""OPA "Types (deprecated)" builtins: the ``cast_*`` functions (``topdown/casts.go``).

Deprecated since OPA v0.13 but still callable. Each returns its operand when it
has the named type (``cast_set`` also converts an array) and is a type error
otherwise.
"""

from __future__ import annotations

from typing import Any

from workbench.core.engines.opa.builtins._operands import operand_type_error
from workbench.core.engines.opa.builtins._registry import BuiltinTable, RegoSet
from workbench.core.engines.opa.builtins._values import sort_values

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__: list[str] = []

_CATEGORY = "Types (deprecated)"


@BUILTINS.builtin("cast_array", category=_CATEGORY)
def cast_array(x: Any) -> list[Any]:
    if isinstance(x, list):
        return x
    if isinstance(x, RegoSet):
        return sort_values(list(x))
    raise operand_type_error("cast_array", 1, x, "array", "set")


@BUILTINS.builtin("cast_set", category=_CATEGORY)
def cast_set(x: Any) -> RegoSet:
    if isinstance(x, list):
        return RegoSet(x)
    if isinstance(x, RegoSet):
        return x
    raise operand_type_error("cast_set", 1, x, "array", "set")


@BUILTINS.builtin("cast_string", category=_CATEGORY)
def cast_string(x: Any) -> str:
    if isinstance(x, str):
        return x
    raise operand_type_error("cast_string", 1, x, "string")


@BUILTINS.builtin("cast_boolean", category=_CATEGORY)
def cast_boolean(x: Any) -> bool:
    if isinstance(x, bool):
        return x
    raise operand_type_error("cast_boolean", 1, x, "boolean")


@BUILTINS.builtin("cast_null", category=_CATEGORY)
def cast_null(x: Any) -> None:
    if x is None:
        return None
    raise operand_type_error("cast_null", 1, x, "null")


@BUILTINS.builtin("cast_object", category=_CATEGORY)
def cast_object(x: Any) -> dict[Any, Any]:
    if isinstance(x, dict):
        return x
    raise operand_type_error("cast_object", 1, x, "object")
