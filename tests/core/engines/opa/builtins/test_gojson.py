"""Tests for the Go ``encoding/json`` port (``_gojson.py``): syntax errors, decoding, marshalling."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins._crypto_encoding import GoError
from workbench.core.engines.opa.builtins._gojson import (
    format_float_g,
    go_quote_char,
    go_unmarshal,
    json_float,
    marshal,
    opa_unmarshal,
)

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@given(_json_values)
def test_unmarshal_matches_python_on_valid_json(value: object) -> None:
    assert opa_unmarshal(json.dumps(value)) == value
    assert opa_unmarshal(marshal(value)) == value


@given(st.text(max_size=40))
@settings(max_examples=200)
def test_unmarshal_only_raises_go_errors(text: str) -> None:
    try:
        opa_unmarshal(text)
    except GoError:
        pass


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("notjson", "invalid character 'o' in literal null (expecting 'u')"),
        ("", "EOF"),
        ("  ", "EOF"),
        ("{", "unexpected EOF"),
        ('{"a" 1}', "invalid character '1' after object key"),
        ('{"a":1 "b"}', "invalid character '\"' after object key:value pair"),
        ("[1 2]", "invalid character '2' after array element"),
        ("{1:2}", "invalid character '1' looking for beginning of object key string"),
        ('"\x01"', "invalid character '\\x01' in string literal"),
        ('"\\x"', "invalid character 'x' in string escape code"),
        ('"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"),
        ("-x", "invalid character 'x' in numeric literal"),
        ("1.x", "invalid character 'x' after decimal point in numeric literal"),
        ("1ex", "invalid character 'x' in exponent of numeric literal"),
        ("{} x", "invalid character 'x' looking for beginning of value"),
        ("{} {}", "error: invalid character '{' after top-level value"),
        ('{} "s"', "error: invalid character 's' after top-level value"),
        ("{} true", "error: invalid character '%!s(bool=true)' after top-level value"),
        ("{} ]", "invalid character ']' looking for beginning of value"),
        ("'", "invalid character '\\'' looking for beginning of value"),
    ],
)
def test_go_error_messages(text: str, message: str) -> None:
    with pytest.raises(GoError) as info:
        opa_unmarshal(text)
    assert str(info.value) == message


def test_trailing_null_is_accepted_like_opa() -> None:
    assert opa_unmarshal("{} null") == {}


def test_marshal_sorts_and_escapes() -> None:
    assert marshal({"b": [1, 2.5], "a": "<x>&\u2028"}) == '{"a":"\\u003cx\\u003e\\u0026\\u2028","b":[1,2.5]}'


def test_quote_char() -> None:
    assert go_quote_char(0xC3) == "'Ã'"
    assert go_quote_char(0x7F) == "'\\x7f'"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "unexpected end of JSON input"),
        ("{", "unexpected end of JSON input"),
        ("{} x", "invalid character 'x' after top-level value"),
        ("{}{}", "invalid character '{' after top-level value"),
        ("nul", "invalid character ' ' in literal null (expecting 'l')"),
    ],
)
def test_unmarshal_errors_like_json_unmarshal(text: str, message: str) -> None:
    with pytest.raises(GoError) as info:
        go_unmarshal(text)
    assert str(info.value) == message
    assert go_unmarshal(' {"a": [1]} ') == {"a": [1]}


def test_marshal_indent_and_float64() -> None:
    assert marshal({"a": [1, {}]}, prefix=">", indent="  ") == '{\n>  "a": [\n>    1,\n>    {}\n>  ]\n>}'
    assert marshal([1e21, 0.000001, 1e-7], float64=True) == "[1e+21,0.000001,1e-7]"
    assert marshal({"k": "\ud800"}) == '{"k":"\ufffd"}'


@pytest.mark.parametrize(
    ("value", "text"),
    [(1e21, "1e+21"), (123456.0, "123456"), (1234567.0, "1.234567e+06"), (0.0001, "0.0001"), (1e-5, "1e-05")],
)
def test_format_float_g(value: float, text: str) -> None:
    assert format_float_g(value) == text


def test_json_float_matches_es6() -> None:
    assert json_float(-0.0) == "-0"
    assert json_float(1e-7) == "1e-7"
    assert json_float(123.5) == "123.5"
