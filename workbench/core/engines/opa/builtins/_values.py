"""Conversions between OPA values and Python values.

* :func:`loads` parses JSON keeping the exact text of non-integer numbers
  (``1000.0`` stays a float literal, ``1e+21`` keeps its spelling) in
  :class:`OpaFloat`, a ``float`` subclass, so ``sprintf`` can tell ``1000``
  from ``1000.0`` exactly as OPA does.
* :func:`dumps` writes compact JSON; a :class:`RegoSet` becomes an array sorted
  in OPA's value order.
* :func:`compare` is OPA's total order over values
  (null < boolean < number < string < array < object < set).
* :func:`canonical_key` gives a string unique per value, used for set
  membership.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

from workbench.core.engines.opa.builtins._registry import RegoSet

__all__ = ["OpaFloat", "canonical_key", "compare", "dumps", "loads", "sort_values", "to_decimal"]


class OpaFloat(float):
    """A JSON number that is not an integer literal; remembers its source text."""

    __slots__ = ("text",)

    def __new__(cls, text: str) -> OpaFloat:
        obj = super().__new__(cls, float(text))
        obj.text = text
        return obj

    def __repr__(self) -> str:
        return self.text


def loads(text: str | bytes) -> Any:
    """Parse JSON text into Python values (non-integers become :class:`OpaFloat`)."""
    return json.loads(text, parse_float=OpaFloat)


def to_decimal(number: int | float) -> Decimal:
    """The exact decimal value of a JSON number (using the source text when known)."""
    if isinstance(number, OpaFloat):
        return Decimal(number.text)
    if isinstance(number, float):
        return Decimal(repr(number))
    return Decimal(number)


def _type_rank(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1
    if isinstance(value, (int, float)):
        return 2
    if isinstance(value, str):
        return 3
    if isinstance(value, list):
        return 4
    if isinstance(value, dict):
        return 5
    if isinstance(value, RegoSet):
        return 6
    raise TypeError(f"not an OPA value: {type(value).__name__}")


def compare(a: Any, b: Any) -> int:
    """OPA's ordering of two values: -1, 0 or 1."""
    ra, rb = _type_rank(a), _type_rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        return 0
    if ra == 1:
        return (a > b) - (a < b)
    if ra == 2:
        da, db = to_decimal(a), to_decimal(b)
        return (da > db) - (da < db)
    if ra == 3:
        ba, bb = a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass")
        return (ba > bb) - (ba < bb)
    if ra == 4:
        for x, y in zip(a, b, strict=False):
            c = compare(x, y)
            if c:
                return c
        return (len(a) > len(b)) - (len(a) < len(b))
    if ra == 5:
        ka = sort_values(list(a.keys()))
        kb = sort_values(list(b.keys()))
        for x, y in zip(ka, kb, strict=False):
            c = compare(x, y)
            if c:
                return c
            c = compare(a[x], b[y])
            if c:
                return c
        return (len(ka) > len(kb)) - (len(ka) < len(kb))
    sa, sb = sort_values(list(a)), sort_values(list(b))
    for x, y in zip(sa, sb, strict=False):
        c = compare(x, y)
        if c:
            return c
    return (len(sa) > len(sb)) - (len(sa) < len(sb))


def sort_values(values: list[Any]) -> list[Any]:
    """Values sorted in OPA's order."""
    return sorted(values, key=cmp_to_key(compare))


def canonical_key(value: Any) -> str:
    """A string that is equal for equal OPA values (numbers by value, sets unordered)."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return repr(value)
        d = to_decimal(value).normalize()
        return "n" + format(d, "f") if d == d.to_integral_value() else "n" + str(d)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical_key(v) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted((canonical_key(k), canonical_key(v)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, RegoSet):
        return "<" + ",".join(sorted(canonical_key(v) for v in value)) + ">"
    raise TypeError(f"not an OPA value: {type(value).__name__}")


def _plain(value: Any) -> Any:
    if isinstance(value, RegoSet):
        return [_plain(v) for v in sort_values(list(value))]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k if isinstance(k, str) else dumps(k): _plain(v) for k, v in value.items()}
    return value


def _float_text(value: float) -> str:
    if isinstance(value, OpaFloat):
        return value.text
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def dumps(value: Any) -> str:
    """Compact JSON text for an OPA value (sets become sorted arrays)."""
    return _dump(_plain(value))


def _dump(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("non-finite number cannot be encoded as JSON")
        return _float_text(value)
    if isinstance(value, (int, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _dump(v) for k, v in value.items()) + "}"
    raise TypeError(f"not an OPA value: {type(value).__name__}")
