"""OPA ``units.parse`` / ``units.parse_bytes``: corpus, exact arithmetic, property tests."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext
from workbench.core.engines.opa.builtins._values import OpaFloat
from workbench.core.engines.opa.builtins.units import extract_num_and_unit, parse_bytes, parse_units
from workbench.core.errors import BuiltinError

NAMES = ("units.parse", "units.parse_bytes")


@pytest.mark.parametrize("case", corpus_params(*NAMES))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


def call(name: str, *args: object) -> object:
    return REGISTRY[name](BuiltinContext(), list(args))


def test_milli_is_the_float64_value() -> None:
    # OPA multiplies by big.Rat.SetFloat64(0.001), which is not exactly 1/1000
    result = parse_units("1000m")
    assert isinstance(result, OpaFloat)
    assert result.text == "1.0000000000"
    assert parse_units("2m").text == "0.0020000000"


def test_exact_big_results() -> None:
    assert parse_units("18446744073709551617") == 18446744073709551617
    assert parse_units("1.5Ei") == 1729382256910270464
    assert parse_units("-0.5") == OpaFloat("-0.5000000000")


def test_parse_bytes_rounds_to_64_bit_floats() -> None:
    assert parse_bytes("9007199254740993") == 9007199254740993
    assert parse_bytes("18446744073709551617") == 18446744073709551616
    assert parse_bytes("-1.5k") == -1500


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("units.parse", "1e1000000", "units.parse: units.parse: exponent too large"),
        ("units.parse", "1.2.3", "units.parse: units.parse: could not parse amount to a number"),
        ("units.parse", "1-2k", "units.parse: units.parse: could not parse amount to a number"),
        (
            "units.parse_bytes",
            "1.5.5k",
            "units.parse_bytes: units.parse_bytes: could not parse byte amount to a number",
        ),
        ("units.parse_bytes", "1e1234567kb", "units.parse_bytes: units.parse_bytes: exponent too large"),
        ("units.parse_bytes", "\u0663k", "units.parse_bytes: units.parse_bytes: no byte amount provided"),
    ],
)
def test_errors(name: str, value: str, message: str) -> None:
    with pytest.raises(BuiltinError) as info:
        call(name, value)
    assert str(info.value) == message


def test_extract_num_and_unit() -> None:
    assert extract_num_and_unit("1.5e3Ki") == ("1.5e3", "Ki")
    assert extract_num_and_unit("10e") == ("10", "e")
    assert extract_num_and_unit("1e+") == ("1e+", "")
    assert extract_num_and_unit("Mi") == ("", "Mi")


# -- property tests ------------------------------------------------------------

SUFFIXES = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
SUFFIXES.update({s + "i": 1024 ** (i + 1) for i, s in enumerate("KMGTPE")})


@settings(max_examples=150, deadline=None)
@given(st.integers(-(10**30), 10**30), st.sampled_from(sorted(SUFFIXES)))
def test_integer_amounts_multiply_exactly(amount: int, suffix: str) -> None:
    assert parse_units(f"{amount}{suffix}") == amount * SUFFIXES[suffix]


@settings(max_examples=150, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9))
def test_decimal_amounts_are_exact(amount: Decimal) -> None:
    text = format(amount, "f")
    result = parse_units(text + "k")
    expected = Fraction(amount) * 1000
    if expected.denominator == 1:
        assert result == expected.numerator
    else:
        assert isinstance(result, OpaFloat)
        assert Fraction(Decimal(result.text)) == expected


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10**12), st.sampled_from(["", "k", "kb", "ki", "kib", "m", "mb", "mib", "g", "gib"]))
def test_parse_bytes_of_integers(amount: int, unit: str) -> None:
    factor = {"": 1, "k": 10**3, "kb": 10**3, "ki": 2**10, "kib": 2**10, "m": 10**6, "mb": 10**6}
    factor.update({"mib": 2**20, "g": 10**9, "gib": 2**30})
    assert parse_bytes(f"{amount}{unit.upper()}") == amount * factor[unit]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='0123456789.eE+-kKmMgGiIbB "x', max_size=16))
def test_parsers_never_crash(text: str) -> None:
    for name in NAMES:
        try:
            result = call(name, text)
        except BuiltinError:
            continue
        assert isinstance(result, (int, OpaFloat))
