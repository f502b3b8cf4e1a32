"""Tests for the cryptobyte-like DER reader (``_crypto_der.py``)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import _crypto_der as d
from workbench.core.engines.opa.builtins._crypto_der import Der, parse_oid


def _encode_base128(v: int) -> bytes:
    out = [v & 0x7F]
    v >>= 7
    while v:
        out.append(0x80 | (v & 0x7F))
        v >>= 7
    return bytes(reversed(out))


def _encode_oid(oid: tuple[int, ...]) -> bytes:
    body = _encode_base128(oid[0] * 40 + oid[1]) + b"".join(_encode_base128(c) for c in oid[2:])
    return bytes([d.OBJECT_IDENTIFIER, len(body)]) + body


_oids = st.tuples(st.integers(0, 2), st.integers(0, 39), st.lists(st.integers(0, 2**31 - 1), max_size=6)).map(
    lambda t: (t[0], t[1], *t[2])
)


@given(_oids)
def test_oid_round_trip(oid: tuple[int, ...]) -> None:
    assert Der(_encode_oid(oid)).read_oid() == oid


def test_oid_limits_and_minimal_encoding() -> None:
    assert parse_oid(b"\x2a\x80\x01") is None  # non-minimal component
    assert parse_oid(b"") is None
    assert parse_oid(b"\x2a\x88\x80\x80\x80\x00") is None  # beyond 31 bits
    assert parse_oid(b"\x81\x00") == (2, 48)


@given(st.binary(max_size=64))
@settings(max_examples=200)
def test_reader_is_total(data: bytes) -> None:
    for method in (
        "read_any",
        "read_any_element",
        "read_big_int",
        "read_int64",
        "read_uint64",
        "read_oid",
        "read_bool",
        "read_bit_string",
        "read_utc_time",
        "read_generalized_time",
    ):
        getattr(Der(data), method)()
    r = Der(data)
    r.read_optional(d.context(0, True))
    r.read_optional_int(d.context(0, True), 0)
    r.skip_optional(d.context(1))


def test_length_rules() -> None:
    assert Der(b"\x04\x81\x05hello").read(d.OCTET_STRING) is None  # long form for a short length
    assert Der(b"\x04\x82\x00\x05hello").read(d.OCTET_STRING) is None  # leading zero length byte
    assert Der(b"\x04\x80hello").read(d.OCTET_STRING) is None  # indefinite length
    assert Der(b"\x04\x05hello").read(d.OCTET_STRING) == b"hello"
    assert Der(b"\x04\x06hello").read(d.OCTET_STRING) is None  # truncated


def test_integers() -> None:
    assert Der(b"\x02\x01\xff").read_big_int() == -1
    assert Der(b"\x02\x02\x00\x7f").read_big_int() is None  # non-minimal
    assert Der(b"\x02\x02\x00\x80").read_uint64() == 128
    assert Der(b"\x02\x01\x80").read_uint64() is None


def test_bit_string_and_bool() -> None:
    bs = Der(b"\x03\x02\x07\x80").read_bit_string()
    assert bs is not None and bs.bit_length == 1 and bs.at(0) == 1 and bs.right_align() == b"\x01"
    assert Der(b"\x03\x02\x07\x81").read_bit_string() is None  # padding bits set
    assert Der(b"\x01\x01\x01").read_bool() is None
    assert Der(b"\x01\x01\xff").read_bool() is True


def test_times() -> None:
    assert Der(b"\x17\x0d491231235959Z").read_utc_time() == dt.datetime(
        2049, 12, 31, 23, 59, 59, tzinfo=dt.UTC
    )
    assert Der(b"\x17\x0d500101000000Z").read_utc_time() == dt.datetime(1950, 1, 1, tzinfo=dt.UTC)
    assert Der(b"\x17\x0b5001010000Z").read_utc_time() == dt.datetime(1950, 1, 1, tzinfo=dt.UTC)
    assert Der(b"\x17\x11500101000000+0000").read_utc_time() is None
    t = Der(b"\x18\x1320300101000000+0130").read_generalized_time()
    assert t is not None and t.utcoffset() == dt.timedelta(hours=1, minutes=30)
    assert Der(b"\x18\x0f20300230000000Z").read_generalized_time() is None
