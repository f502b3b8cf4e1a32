"""``sprintf``: Go's ``fmt.Sprintf`` over OPA values, exactly as OPA v1.20.2 calls it.

OPA hands each array element to Go's ``fmt`` as (see docs/builtins.md, "sprintf: what OPA hands to Go's fmt"):

* a number, decided by its *text* (OPA numbers are JSON number text), in this order:

  1. ``int64`` when OPA's ``util.Atoi64`` accepts the text: an optional sign, at
     most 19 characters of digits, optionally a point followed only by zeros
     (``1000.0``, ``-0.0``), no exponent, and no overflow;
  2. ``*big.Int`` for a longer plain integer literal;
  3. ``float64`` when the text has a decimal point (``3.14``, ``2.5e-07``,
     ``1.5e+18``);
  4. otherwise the text itself as a ``string``: an exponent literal without a
     point (``1e+21``, ``1e-10``, ``1e2``) reaches ``fmt`` as a string for every
     verb, so ``%G`` of ``1e-10`` prints ``%!G(string=1e-10)``, ``%d`` of ``1e+20``
     ``%!d(string=1e+20)`` and ``%v`` the text unchanged;

* a string as itself;
* anything else (null, booleans, arrays, objects, sets) as its Rego term text
  (``[1, "a"]``, ``{"a": 1}`` with sorted keys, ``true``), also a ``string``.

The formatting itself is :mod:`._gofmt`, a port of Go's ``fmt`` package. Under the
``kubewarden`` builtin profile the host ``sprintf`` is Burrego's instead (:mod:`._gtmpl`).
"""

from __future__ import annotations

import math
from typing import Any

from workbench.core.engines.opa.builtins._gofmt import BIGINT, FLOAT64, INT64, STRING, GoArg, go_sprintf
from workbench.core.engines.opa.builtins._gtmpl import burrego_sprintf
from workbench.core.engines.opa.builtins._operands import check_array, check_string
from workbench.core.engines.opa.builtins._registry import BuiltinContext, BuiltinTable
from workbench.core.engines.opa.builtins._values import OpaFloat, term_string
from workbench.core.engines.opa.builtins.profile import BuiltinProfile

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["go_arg_of", "opa_atoi64", "sprintf", "sprintf_builtin"]

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


def opa_atoi64(text: str) -> int | None:
    """OPA's ``util.Atoi64`` (behind ``ast.Number.Int``): trailing decimal zeros allowed, no exponent."""
    negative = text[:1] == "-"
    body = text[1:] if text[:1] in ("-", "+") else text
    if not body or len(body) > 19:
        return None
    whole, point, fraction = body.partition(".")
    if not whole.isascii() or not whole.isdigit() or fraction.strip("0") or (point and "." in fraction):
        return None
    value = -int(whole) if negative else int(whole)
    return value if _INT64_MIN <= value <= _INT64_MAX else None


def go_arg_of(value: Any) -> GoArg:
    """The Go value OPA's ``sprintf`` passes to ``fmt`` for one OPA value."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return GoArg(STRING, term_string(value))
    if isinstance(value, str):
        return GoArg(STRING, value)
    text = (
        str(value) if isinstance(value, int) else value.text if isinstance(value, OpaFloat) else repr(value)
    )
    as_int = opa_atoi64(text)
    if as_int is not None:
        return GoArg(INT64, as_int)
    if isinstance(value, int):
        return GoArg(BIGINT, value)
    if "." in text and math.isfinite(value):
        return GoArg(FLOAT64, float(value))
    return GoArg(STRING, text)


def sprintf(fmt: Any, values: Any) -> str:
    """OPA's ``sprintf``."""
    fmt = check_string("sprintf", fmt, 1)
    values = check_array("sprintf", values, 2)
    return go_sprintf(fmt, [go_arg_of(v) for v in values])


@BUILTINS.builtin("sprintf", category="Strings", needs_context=True)
def sprintf_builtin(ctx: BuiltinContext, fmt: Any, values: Any) -> str:
    """The host ``sprintf``: OPA's, or Burrego's under the ``kubewarden`` profile."""
    if ctx.options.profile is BuiltinProfile.KUBEWARDEN:
        return burrego_sprintf(fmt, values)
    return sprintf(fmt, values)
