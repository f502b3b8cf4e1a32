"""Encoding builtins: corpus, Go net/url and encoding/hex details, round-trip properties."""

from __future__ import annotations

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins.encoding import (
    base64url_encode_no_pad,
    go_bytes_to_str,
    hex_decode,
    hex_encode,
    urlquery_decode,
    urlquery_decode_object,
    urlquery_encode,
    urlquery_encode_object,
)
from workbench.core.errors import BuiltinError

BUILTINS = (
    "hex.encode",
    "hex.decode",
    "urlquery.encode",
    "urlquery.decode",
    "urlquery.encode_object",
    "urlquery.decode_object",
    "base64url.encode_no_pad",
)


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "hex.decode: encoding/hex: odd length hex string"),
        ("ab\u00e9", "hex.decode: encoding/hex: invalid byte: U+00C3 '\u00c3'"),
        ("a\x01", "hex.decode: encoding/hex: invalid byte: U+0001"),
        ("0g", "hex.decode: encoding/hex: invalid byte: U+0067 'g'"),
    ],
)
def test_hex_decode_errors(text: str, message: str) -> None:
    with pytest.raises(BuiltinError) as info:
        hex_decode(text)
    assert str(info.value) == message
    assert info.value.code == "eval_builtin_error"


def test_invalid_utf8_becomes_one_replacement_per_byte() -> None:
    assert hex_decode("f09f") == "\ufffd\ufffd"
    assert go_bytes_to_str(b"a\xe2\x82") == "a\ufffd\ufffd"
    assert go_bytes_to_str(b"\xed\xa0\x80") == "\ufffd\ufffd\ufffd"  # encoded surrogate: invalid in Go


def test_urlquery_details() -> None:
    assert urlquery_decode("a+b%2Bc") == "a b+c"
    with pytest.raises(BuiltinError, match=r'urlquery\.decode: invalid URL escape "%4"'):
        urlquery_decode("x%4")
    with pytest.raises(BuiltinError) as info:
        urlquery_decode("%\u20ac")  # the 3-byte slice cuts the euro sign: Go quotes the bytes
    assert str(info.value) == 'urlquery.decode: invalid URL escape "%\\xe2\\x82"'
    assert urlquery_decode_object("a=1&&b&c=%20") == {"a": ["1"], "b": [""], "c": [" "]}
    with pytest.raises(BuiltinError, match=r"urlquery\.decode_object: invalid semicolon separator in query"):
        urlquery_decode_object("a=1;b=2")
    assert urlquery_encode_object({"z": RegoSet(["b", "a"]), "k y": [], "é": "~"}) == "z=a&z=b&%C3%A9=~"
    with pytest.raises(BuiltinError, match="operand 1 must be object but got array"):
        urlquery_encode_object([])


def test_base64url_without_padding() -> None:
    assert base64url_encode_no_pad("\xff\xfe") == "w7_Dvg"


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_urlquery_round_trip(text: str) -> None:
    encoded = urlquery_encode(text)
    assert urlquery_decode(encoded) == text
    assert set(encoded) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%+")


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_hex_round_trip(text: str) -> None:
    assert hex_decode(hex_encode(text)) == text


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.text(max_size=6), st.lists(st.text(max_size=6), min_size=1, max_size=3), max_size=4)
)
def test_query_object_round_trip(values: dict[str, list[str]]) -> None:
    encoded = urlquery_encode_object(values)
    assert urlquery_decode_object(encoded) == values
    keys = [part.partition("=")[0] for part in encoded.split("&")] if encoded else []
    assert keys == sorted(keys, key=lambda k: urlquery_decode(k).encode())


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="%0123456789abcdefABCDEFxz+&=;é", max_size=16))
def test_query_parsers_only_raise_builtin_errors(text: str) -> None:
    for call in (urlquery_decode, urlquery_decode_object, hex_decode):
        try:
            call(text)
        except BuiltinError as exc:
            assert exc.code == "eval_builtin_error"
