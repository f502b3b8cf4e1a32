"""sprintf: the OPA corpus, Go fmt details, OPA's number conversion, and property tests."""

from __future__ import annotations

import math

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins._gofmt import (
    BIGINT,
    FLOAT64,
    INT64,
    STRING,
    GoArg,
    format_float,
    go_quote,
    go_sprintf,
)
from workbench.core.engines.opa.builtins._values import OpaFloat, loads
from workbench.core.engines.opa.builtins.sprintf import go_arg_of, opa_atoi64, sprintf
from workbench.core.errors import BuiltinError


@pytest.mark.parametrize("case", corpus_params("sprintf"))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("42", INT64, 42),
        ("-9223372036854775808", INT64, -(1 << 63)),
        ("9223372036854775808", BIGINT, 1 << 63),
        ("1000.0", INT64, 1000),
        ("-0.0", INT64, 0),
        ("1.000", INT64, 1),
        ("1.5e+18", FLOAT64, 1.5e18),  # util.Atoi64 takes no exponent; the point makes it a float
        ("3.25", FLOAT64, 3.25),
        ("2.5e-07", FLOAT64, 2.5e-07),
        ("1e+21", STRING, "1e+21"),
        ("1e-10", STRING, "1e-10"),  # an exponent without a point is passed as its text
        ("1e2", STRING, "1e2"),
        ("100000000000000000000.0", FLOAT64, 1e20),  # over 19 characters: not util.Atoi64's
        ('"s"', STRING, "s"),
        ("true", STRING, "true"),
        ("null", STRING, "null"),
        ('{"b": [1, "x"], "a": {}}', STRING, '{"a": {}, "b": [1, "x"]}'),
    ],
)
def test_number_and_term_conversion(text: str, kind: str, value: object) -> None:
    assert go_arg_of(loads(text)) == GoArg(kind, value)


@pytest.mark.parametrize(
    ("fmt", "want"),
    [
        ("%G", "%!G(string=1e-10)"),
        ("%g", "%!g(string=1e-10)"),
        ("%e", "%!e(string=1e-10)"),
        ("%f", "%!f(string=1e-10)"),
        ("%d", "%!d(string=1e-10)"),
        ("%v", "1e-10"),
        ("%s", "1e-10"),
        ("%T", "string"),
    ],
)
def test_exponent_without_point_is_a_string_for_every_verb(fmt: str, want: str) -> None:
    """OPA v1.20.2: sprintf("%G", [1e-10]) is %!G(string=1e-10), not 1E-10 (issue 13)."""
    assert sprintf(fmt, loads("[1e-10]")) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("0", 0),
        ("-9223372036854775808", -(1 << 63)),
        ("9223372036854775807", (1 << 63) - 1),
        ("9223372036854775808", None),
        ("12.000", 12),
        ("12.010", None),
        ("1e3", None),
        ("1.0.0", None),
        ("", None),
        ("-", None),
        ("1234567890123456789.0", None),  # 21 characters
    ],
)
def test_opa_atoi64(text: str, want: int | None) -> None:
    assert opa_atoi64(text) == want


def test_sets_print_as_rego_sets() -> None:
    assert sprintf("%v", [RegoSet([3, 1, "a"])]) == '{1, 3, "a"}'
    assert sprintf("%v", [RegoSet()]) == "set()"


@pytest.mark.parametrize(
    ("fmt", "args", "want"),
    [
        ("%6.2f|", "[3.14159]", "  3.14|"),
        ("%-10.3e|", "[1234.5678]", "1.235e+03 |"),
        ("%#g", "[1.5]", "1.50000"),
        ("%g", "[123456789.5]", "1.234567895e+08"),
        ("%.3g", "[1234.5]", "1.23e+03"),
        ("%x", "[-255]", "-ff"),
        ("%O %#o %#b %#X", "[8, 8, 5, 255]", "0o10 010 0b101 0XFF"),
        ("%c|%q|%U|%#U", "[65, 65, 128512, 128512]", "A|'A'|U+1F600|U+1F600 '\U0001f600'"),
        ("%08.3f", "[-3.14159]", "-003.142"),
        ("%-08d|", "[42]", "42      |"),
        ("%.0f %.0f %.0f", "[0.5, 1.5, -0.4]", "0 2 -0"),
        ("%.2f", "[2.675]", "2.67"),
        ("% x|%#X", '["hi", "hi"]', "68 69|0X6869"),
        ("%+q|%#q", '["\u00e9", "a"]', '"\\u00e9"|`a`'),
        ("%[2]*[1]d", "[12, 5]", "   12"),
        ("%.*d", "[-1, 7]", "%!(BADPREC)7"),
        ("%*d", '["x", 7]', "%!(BADWIDTH)7"),
        ("%[0]d", "[1]", "%!d(BADINDEX)"),
        ("%d %d", "[1, 2, 3]", "1 2%!(EXTRA int64=3)"),
        ("%[1]d", "[1, 2]", "1"),
        ("%e", "[123456789012345678901234567890]", "%!e(big.Int=123456789012345678901234567890)"),
        (
            "%x|%#x|%+d|%08d",
            "[-4096, 255, 123456789012345678901, 123456789012345678901]",
            "-1000|0xff|+123456789012345678901|123456789012345678901",
        ),
    ],
)
def test_go_fmt_details(fmt: str, args: str, want: str) -> None:
    assert sprintf(fmt, loads(args)) == want


def test_operand_errors() -> None:
    with pytest.raises(BuiltinError, match="operand 2 must be array but got set") as info:
        sprintf("%v", RegoSet([1]))
    assert info.value.code == "eval_type_error"


def test_quote_escapes_like_go() -> None:
    assert go_quote("a\x01\u00e9\u200b\U0001f600\t\x7f") == '"a\\x01\u00e9\\u200b\U0001f600\\t\\x7f"'
    assert go_quote("\u00e9", ascii_only=True) == '"\\u00e9"'
    assert go_quote('a"b\\c\n\x01é\u00a0') == '"a\\"b\\\\c\\n\\x01é\\u00a0"'


def test_quote_of_lone_surrogates_and_raw_bytes() -> None:
    # a JSON "\ud800" escape is U+FFFD in Go; surrogateescape bytes are raw invalid UTF-8
    assert go_quote("a\ud800") == '"a\ufffd"'
    assert go_quote("a\ud800", ascii_only=True) == '"a\\ufffd"'
    assert go_quote("a\udcff", raw_bytes=True) == '"a\\xff"'
    assert go_quote("a\ud800", raw_bytes=True) == '"a\ufffd"'


finite = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(finite, st.integers(min_value=0, max_value=30))
def test_fixed_precision_matches_correct_rounding(value: float, prec: int) -> None:
    assert format_float(value, "e", prec) == format(value, f".{prec}e")
    assert format_float(value, "f", prec) == format(value, f".{prec}f")


@settings(max_examples=150, deadline=None)
@given(finite)
def test_shortest_forms_round_trip(value: float) -> None:
    for verb in "egf":
        assert float(format_float(value, verb, -1)) == value
    assert float.fromhex(format_float(value, "x", -1)) == value
    mant, _, exp = format_float(abs(value), "b", -1).partition("p")
    assert math.ldexp(int(mant), int(exp)) == abs(value)


values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        finite.map(lambda f: OpaFloat(repr(f))),
        st.text(max_size=6),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="%-+# 0123456789.*[]vdsqxXeEfFgGbcoOtTUpz!a\u00e9", max_size=24),
    st.lists(values, max_size=4),
)
def test_any_format_and_arguments_give_a_string(fmt: str, args: list) -> None:
    assert isinstance(sprintf(fmt, args), str)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abc %-+#0123456789.*[]vdsq", max_size=16))
def test_percent_free_text_is_copied(fmt: str) -> None:
    text = fmt.replace("%", "")
    assert go_sprintf(text, []) == text


@given(n=st.integers(-(1 << 63), (1 << 63) - 1), zeros=st.integers(0, 3))
def test_opa_atoi64_reads_every_int64(n: int, zeros: int) -> None:
    text = str(n) + ("." + "0" * zeros if zeros else "")
    assert opa_atoi64(text) == (n if len(text.lstrip("-")) <= 19 else None)


@given(text=st.text(alphabet="0123456789-+.eE", max_size=25))
def test_opa_atoi64_never_fails(text: str) -> None:
    value = opa_atoi64(text)
    assert value is None or (-(1 << 63) <= value < (1 << 63) and "e" not in text.lower())
