"""``sprintf``: Go's ``fmt.Sprintf`` over OPA values, exactly as OPA v1.20.2 calls it.

OPA hands each array element to Go's ``fmt`` as:

* a number: ``int64`` when it is integral and fits (``1000.0`` too), a
  ``*big.Int`` for larger integer literals, a ``float64`` when it has a
  fractional part, and otherwise (an integral float literal beyond int64, such
  as ``1e+21``) its literal text as a ``string``;
* a string as itself;
* anything else (null, booleans, arrays, objects, sets) as its Rego term text
  (``[1, "a"]``, ``{"a": 1}`` with sorted keys, ``true``), also a ``string``.

The formatting itself is :mod:`._gofmt`, a port of Go's ``fmt`` package.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from workbench.core.engines.opa.builtins._gofmt import BIGINT, FLOAT64, INT64, STRING, GoArg, go_sprintf
from workbench.core.engines.opa.builtins._operands import check_array, check_string
from workbench.core.engines.opa.builtins._registry import builtin
from workbench.core.engines.opa.builtins._values import OpaFloat, term_string

__all__ = ["go_arg_of", "sprintf"]

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


def go_arg_of(value: Any) -> GoArg:
    """The Go value OPA's ``sprintf`` passes to ``fmt`` for one OPA value."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return GoArg(STRING, term_string(value))
    if isinstance(value, str):
        return GoArg(STRING, value)
    if isinstance(value, int):
        if _INT64_MIN <= value <= _INT64_MAX:
            return GoArg(INT64, value)
        return GoArg(BIGINT, value)
    text = value.text if isinstance(value, OpaFloat) else repr(value)
    try:
        exact = Decimal(text)
    except InvalidOperation:
        return GoArg(STRING, text)
    if not exact.is_finite():
        return GoArg(STRING, text)
    if exact == exact.to_integral_value():
        if _INT64_MIN <= exact <= _INT64_MAX:
            return GoArg(INT64, int(exact))
        return GoArg(STRING, text)
    return GoArg(FLOAT64, float(value))


@builtin("sprintf", category="Strings")
def sprintf(fmt: Any, values: Any) -> str:
    fmt = check_string("sprintf", fmt, 1)
    values = check_array("sprintf", values, 2)
    return go_sprintf(fmt, [go_arg_of(v) for v in values])
