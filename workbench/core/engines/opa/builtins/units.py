"""OPA ``units.parse`` and ``units.parse_bytes``.

Ported from OPA's ``topdown/parse_units.go`` and ``parse_bytes.go``:

* ``units.parse`` multiplies the amount (a ``big.Rat``, so exact) by the unit;
  the milli unit is the *float64* ``0.001`` turned into an exact rational, as
  in Go, which is why ``1000m`` is ``1.0000000000`` and not ``1``.  Integral
  results print as integers, others with exactly ten decimals.
* ``units.parse_bytes`` works on ``big.Float`` values of 64-bit precision
  (rounded half to even) and truncates the product to an integer.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from workbench.core.engines.opa.builtins._operands import check_string
from workbench.core.engines.opa.builtins._registry import BuiltinTable, builtin_error
from workbench.core.engines.opa.builtins._values import OpaFloat

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["extract_num_and_unit", "parse_bytes", "parse_units"]

_CATEGORY = "Units"
_MAX_EXPONENT_DIGITS = 6

_KI, _MI, _GI, _TI, _PI, _EI = (1 << (10 * i) for i in range(1, 7))
_SI_K, _SI_M, _SI_G, _SI_T, _SI_P, _SI_E = (10 ** (3 * i) for i in range(1, 7))

_UNITS: dict[str, Fraction] = {
    "m": Fraction(0.001),  # float64 0.001, exactly as big.Rat.SetFloat64 sees it
    "": Fraction(1),
    "k": Fraction(_SI_K),
    "K": Fraction(_SI_K),
    "ki": Fraction(_KI),
    "Ki": Fraction(_KI),
    "M": Fraction(_SI_M),
    "mi": Fraction(_MI),
    "Mi": Fraction(_MI),
    "g": Fraction(_SI_G),
    "G": Fraction(_SI_G),
    "gi": Fraction(_GI),
    "Gi": Fraction(_GI),
    "t": Fraction(_SI_T),
    "T": Fraction(_SI_T),
    "ti": Fraction(_TI),
    "Ti": Fraction(_TI),
    "p": Fraction(_SI_P),
    "P": Fraction(_SI_P),
    "pi": Fraction(_PI),
    "Pi": Fraction(_PI),
    "e": Fraction(_SI_E),
    "E": Fraction(_SI_E),
    "ei": Fraction(_EI),
    "Ei": Fraction(_EI),
}

_BYTE_UNITS: dict[str, int] = {
    "": 1,
    "kb": _SI_K,
    "k": _SI_K,
    "kib": _KI,
    "ki": _KI,
    "mb": _SI_M,
    "m": _SI_M,
    "mib": _MI,
    "mi": _MI,
    "gb": _SI_G,
    "g": _SI_G,
    "gib": _GI,
    "gi": _GI,
    "tb": _SI_T,
    "t": _SI_T,
    "tib": _TI,
    "ti": _TI,
    "pb": _SI_P,
    "p": _SI_P,
    "pib": _PI,
    "pi": _PI,
    "eb": _SI_E,
    "e": _SI_E,
    "eib": _EI,
    "ei": _EI,
}


class ExponentTooLarge(ValueError):
    """The scientific-notation exponent has more than six digits."""


def _is_ascii_digit(ch: str) -> bool:
    return "0" <= ch <= "9"


def extract_num_and_unit(s: str) -> tuple[str, str]:
    """OPA's ``extractNumAndUnit``: split ``"1.5e3Ki"`` into ``("1.5e3", "Ki")``."""
    first_non_num = -1
    idx = 0
    n = len(s)
    while idx < n:
        r = s[idx]
        is_num = _is_ascii_digit(r) or r == "."
        if not is_num and r not in "eE+-":
            first_non_num = idx
            break
        if r in "eE":
            nxt = s[idx + 1] if idx + 1 < n else ""
            if idx == n - 1 or (not _is_ascii_digit(nxt) and nxt not in "+-"):
                first_non_num = idx
                break
            if nxt in "+-":
                idx += 1
            exp_start = idx + 1
            exp_end = exp_start
            while exp_end < n and _is_ascii_digit(s[exp_end]):
                exp_end += 1
            if exp_end - exp_start > _MAX_EXPONENT_DIGITS:
                raise ExponentTooLarge(s)
        idx += 1
    if first_non_num == -1:
        return s, ""
    if first_non_num == 0:
        return "", s
    return s[:first_non_num], s[first_non_num:]


def _go_decimal(num: str) -> Decimal | None:
    """Parse a decimal literal the way ``big.Rat``/``big.Float.SetString`` accept it."""
    if not all(_is_ascii_digit(c) or c in ".eE+-" for c in num):
        return None
    try:
        value = Decimal(num)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _round_to_bits(x: Fraction, bits: int = 64) -> Fraction:
    """Round to a ``bits``-bit mantissa, half to even (big.Float's default)."""
    if x == 0:
        return x
    sign = -1 if x < 0 else 1
    a = abs(x)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e <= a:
        e += 1
    scale = Fraction(2) ** (bits - e)
    scaled = a * scale
    m, rem = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * rem
    if twice > scaled.denominator or (twice == scaled.denominator and m % 2 == 1):
        m += 1
    return sign * m / scale


def _float_string(x: Fraction, prec: int) -> str:
    """``big.Rat.FloatString(prec)``: rounded to nearest, halves away from zero."""
    neg = x < 0
    a = abs(x)
    scaled = a * 10**prec
    q, r = divmod(scaled.numerator, scaled.denominator)
    if 2 * r >= scaled.denominator:
        q += 1
    digits = str(q).rjust(prec + 1, "0")
    text = digits[:-prec] + "." + digits[-prec:]
    return ("-" if neg else "") + text


def parse_units(raw: str) -> int | OpaFloat:
    """``units.parse`` on a string; raises ``ValueError`` with OPA's detail text."""
    s = raw.replace('"', "")
    if " " in s:
        raise ValueError("units.parse: spaces not allowed in resource strings")
    try:
        num, unit = extract_num_and_unit(s)
    except ExponentTooLarge:
        raise ValueError("units.parse: exponent too large") from None
    if num == "":
        raise ValueError("units.parse: no amount provided")
    if len(unit) > 1:
        unit = unit[:1] + unit[1:].lower()
    factor = _UNITS.get(unit)
    if factor is None:
        raise ValueError(f"units.parse: unit {unit} not recognized")
    amount = _go_decimal(num)
    if amount is None:
        raise ValueError("units.parse: could not parse amount to a number")
    result = Fraction(amount) * factor
    if result.denominator == 1:
        return result.numerator
    return OpaFloat(_float_string(result, 10))


def parse_bytes(raw: str) -> int:
    """``units.parse_bytes`` on a string; raises ``ValueError`` with OPA's detail text."""
    s = raw.lower().replace('"', "")
    if " " in s:
        raise ValueError("units.parse_bytes: spaces not allowed in resource strings")
    try:
        num, unit = extract_num_and_unit(s)
    except ExponentTooLarge:
        raise ValueError("units.parse_bytes: exponent too large") from None
    if num == "":
        raise ValueError("units.parse_bytes: no byte amount provided")
    factor = _BYTE_UNITS.get(unit)
    if factor is None:
        raise ValueError(f"units.parse_bytes: byte unit {unit} not recognized")
    amount = _go_decimal(num)
    if amount is None:
        raise ValueError("units.parse_bytes: could not parse byte amount to a number")
    product = _round_to_bits(_round_to_bits(Fraction(amount)) * factor)
    # big.Float.Int truncates towards zero
    q = abs(product.numerator) // product.denominator
    return -q if product < 0 else q


@BUILTINS.builtin("units.parse", category=_CATEGORY)
def units_parse(value: Any) -> int | OpaFloat:
    name = "units.parse"
    text = check_string(name, value, 1)
    try:
        return parse_units(text)
    except ValueError as exc:
        raise builtin_error(name, str(exc)) from None


@BUILTINS.builtin("units.parse_bytes", category=_CATEGORY)
def units_parse_bytes(value: Any) -> int:
    name = "units.parse_bytes"
    text = check_string(name, value, 1)
    try:
        return parse_bytes(text)
    except ValueError as exc:
        raise builtin_error(name, str(exc)) from None
