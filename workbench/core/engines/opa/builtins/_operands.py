"""Operand checks with OPA's exact type-error wording.

OPA (``topdown/builtins``) reports a wrong operand as
``"operand <n> must be <type> but got <type>"`` or, for unions,
``"operand <n> must be one of {a, b} but got <type>"``; the engine prefixes the
builtin name. :func:`operand_type_error` builds that error, :func:`value_type_name`
gives OPA's name of a value's type.
"""

from __future__ import annotations

from typing import Any

from workbench.core.engines.opa.builtins._registry import RegoSet, type_error
from workbench.core.errors import BuiltinError

__all__ = [
    "check_array",
    "check_object",
    "check_string",
    "operand_error",
    "operand_type_error",
    "value_type_name",
]


def value_type_name(value: Any) -> str:
    """OPA's ``ast.ValueName`` of a decoded value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, RegoSet):
        return "set"
    return type(value).__name__


def operand_error(name: str, pos: int, detail: str) -> BuiltinError:
    """``"<name>: operand <pos> <detail>"`` with code ``eval_type_error``."""
    return type_error(name, f"operand {pos} {detail}")


def operand_type_error(name: str, pos: int, value: Any, *expected: str) -> BuiltinError:
    """OPA's ``NewOperandTypeErr``."""
    got = value_type_name(value)
    if len(expected) == 1:
        return operand_error(name, pos, f"must be {expected[0]} but got {got}")
    return operand_error(name, pos, f"must be one of {{{', '.join(expected)}}} but got {got}")


def check_string(name: str, value: Any, pos: int) -> str:
    if not isinstance(value, str):
        raise operand_type_error(name, pos, value, "string")
    return value


def check_array(name: str, value: Any, pos: int) -> list[Any]:
    if not isinstance(value, list):
        raise operand_type_error(name, pos, value, "array")
    return value


def check_object(name: str, value: Any, pos: int) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise operand_type_error(name, pos, value, "object")
    return value
