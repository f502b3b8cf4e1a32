"""OPA "Numbers" builtins implemented by the host: ``numbers.range_step`` (``topdown/numbers.go``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from workbench.core.engines.opa.builtins._operands import operand_error, operand_type_error
from workbench.core.engines.opa.builtins._registry import BuiltinTable, builtin_error
from workbench.core.engines.opa.builtins._values import to_decimal

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["big_int_operand", "int_operand"]

#: beyond this many elements the range is refused (OPA would run until its evaluation is cancelled)
MAX_RANGE_ELEMENTS = 10_000_000

_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


def big_int_operand(name: str, value: Any, pos: int) -> int:
    """OPA's ``BigIntOperand``: any number with an exact integral value."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise operand_type_error(name, pos, value, "number")
    if isinstance(value, int):
        return value
    try:
        exact = to_decimal(value)
    except (ValueError, ArithmeticError):
        exact = Decimal("NaN")
    if not exact.is_finite() or exact != exact.to_integral_value():
        raise operand_error(name, pos, "must be integer number but got floating-point number")
    return int(exact)


def int_operand(name: str, value: Any, pos: int) -> int:
    """OPA's ``IntOperand``: an integer literal that fits Go's ``int``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise operand_type_error(name, pos, value, "number")
    if isinstance(value, float) or not _INT64_MIN <= value <= _INT64_MAX:
        raise operand_error(name, pos, "must be integer number but got floating-point number")
    return value


@BUILTINS.builtin("numbers.range_step", category="Numbers")
def range_step(a: Any, b: Any, step: Any) -> list[int]:
    name = "numbers.range_step"
    x = big_int_operand(name, a, 1)
    y = big_int_operand(name, b, 2)
    s = big_int_operand(name, step, 3)
    if s <= 0:
        raise builtin_error(name, "numbers.range_step: step must be a positive integer")
    if abs(y - x) // s + 1 > MAX_RANGE_ELEMENTS:
        raise builtin_error(name, "timed out before generating all numbers in range")
    if x <= y:
        return list(range(x, y + 1, s))
    return list(range(x, y - 1, -s))
