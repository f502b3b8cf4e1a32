"""Tests for the Go-compatible base64 and PEM codecs (``_crypto_encoding.py``)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins._crypto_encoding import (
    GoError,
    b64decode,
    b64encode,
    b64url_decode_opa,
    pem_decode,
    pem_encode,
)


@given(st.binary(max_size=200), st.booleans(), st.booleans())
def test_base64_round_trip(data: bytes, url: bool, pad: bool) -> None:
    text = b64encode(data, url=url, pad=pad)
    expected = (base64.urlsafe_b64encode if url else base64.b64encode)(data).decode()
    assert text == (expected if pad else expected.rstrip("="))
    assert b64decode(text, url=url, pad=pad) == data


@given(st.text(max_size=60), st.booleans(), st.booleans())
@settings(max_examples=150)
def test_base64_decode_only_raises_go_errors(text: str, url: bool, pad: bool) -> None:
    try:
        out = b64decode(text, url=url, pad=pad)
    except GoError as exc:
        assert str(exc).startswith("illegal base64 data at input byte ")
    else:
        cleaned = text.replace("\n", "").replace("\r", "")
        alt = "-_" if url else "+/"
        std = cleaned.translate(str.maketrans(alt, "+/"))
        assert out == base64.b64decode(std + "=" * (-len(std) % 4))


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("garbage", 4),
        ("x", 0),
        ("ab=c", 2),
        ("abc", 0),
        ("a===", 1),
        ("ab==x", 4),
        ("ab=", 3),
        ("YW\nJj!", 5),
    ],
)
def test_base64_error_offsets_match_go(text: str, offset: int) -> None:
    with pytest.raises(GoError, match=f"^illegal base64 data at input byte {offset}$"):
        b64decode(text)


def test_base64_ignores_newlines() -> None:
    assert b64decode("YW\r\nJj\n") == b"abc"


def test_opa_base64url_padding_rules() -> None:
    assert b64url_decode_opa("YQ") == b"a"
    assert b64url_decode_opa("YWI") == b"ab"
    assert b64url_decode_opa("YQ==") == b"a"
    with pytest.raises(GoError, match=r"^illegal base64url string: a$"):
        b64url_decode_opa("a")


@given(st.binary(max_size=300), st.sampled_from(["CERTIFICATE", "EC PRIVATE KEY", "X"]))
def test_pem_round_trip(data: bytes, kind: str) -> None:
    text = b"junk before\n" + pem_encode(kind, data) + b"after"
    block, rest = pem_decode(text)
    assert block is not None and block.type == kind and block.data == data
    assert rest == b"after"


@given(st.binary(max_size=200))
@settings(max_examples=150)
def test_pem_decode_is_total(data: bytes) -> None:
    block, rest = pem_decode(b"-----BEGIN " + data)
    if block is None:
        assert rest == b"-----BEGIN " + data


def test_pem_headers_and_bad_trailer() -> None:
    text = b"-----BEGIN A-----\nProc-Type: 4,ENCRYPTED\n\nYWJj\n-----END A-----\n"
    block, _ = pem_decode(text)
    assert block is not None and block.headers == {"Proc-Type": "4,ENCRYPTED"} and block.data == b"abc"
    assert pem_decode(b"-----BEGIN A-----\nYWJj\n-----END B-----\n")[0] is None
    assert pem_decode(b"-----BEGIN A-----\nYW!j\n-----END A-----\n")[0] is None
