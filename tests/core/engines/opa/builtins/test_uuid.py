"""uuid.parse / uuid.rfc4122: corpus, google/uuid parsing rules, per-evaluation memo."""

from __future__ import annotations

import re
import uuid as pyuuid

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import REGISTRY, UNDEFINED, BuiltinContext
from workbench.core.engines.opa.builtins.uuid import new_v4, parse_uuid, uuid_parse, uuid_rfc4122
from workbench.core.errors import BuiltinError

BUILTINS = ("uuid.parse",)


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


def test_version_1_fields() -> None:
    result = uuid_parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
    assert result == {
        "version": 1,
        "variant": "RFC4122",
        "time": 886630433151182400,
        "nodeid": "00-c0-4f-d4-30-c8",
        "macvariables": "global:unicast",
        "clocksequence": 180,
    }


def test_version_2_adds_id_and_domain() -> None:
    result = uuid_parse("000003e8-9dad-21d1-8001-03c04fd430c8")
    assert result["version"] == 2
    assert result["id"] == 1000
    assert result["domain"] == "Group"
    assert result["macvariables"] == "local:multicast"


def test_variants_and_mac_bits() -> None:
    assert uuid_parse("00000000-0000-4000-c000-000000000000")["variant"] == "Microsoft"
    assert uuid_parse("00000000-0000-4000-e000-000000000000")["variant"] == "Future"
    assert uuid_parse("00000000-0000-1000-8000-010000000000")["macvariables"] == "global:multicast"
    assert uuid_parse("00000000-0000-1000-8000-020000000000")["macvariables"] == "local:unicast"


def test_google_uuid_format_rules() -> None:
    # 38 characters: the first and last are dropped without checking they are braces.
    assert uuid_parse("xc8f1a9c2-7a2b-4b2d-9c4e-1f2a3b4c5d6ey")["version"] == 4
    assert uuid_parse("URN:UUID:c8f1a9c2-7a2b-4b2d-9c4e-1f2a3b4c5d6e")["version"] == 4
    assert uuid_parse("c8f1a9c2_7a2b-4b2d-9c4e-1f2a3b4c5d6e") is UNDEFINED
    assert uuid_parse("c8f1a9c2-7a2b-4b2d-9c4e-1f2a3b4c5d6g") is UNDEFINED
    assert uuid_parse("é" * 18) is UNDEFINED  # 36 bytes but not hex


def test_time_wraps_like_int64() -> None:
    # the largest 60-bit timestamp overflows Go's int64 nanoseconds
    result = uuid_parse("ffffffff-ffff-1fff-8000-000000000000")
    assert -(2**63) <= result["time"] < 2**63


def test_type_error() -> None:
    try:
        uuid_parse(1)
    except BuiltinError as exc:
        assert str(exc) == "uuid.parse: operand 1 must be string but got number"
        assert exc.code == "eval_type_error"
    else:
        raise AssertionError("expected a type error")


def test_rfc4122_memoised_per_evaluation() -> None:
    ctx = BuiltinContext()
    first = uuid_rfc4122(ctx, "a")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first)
    assert uuid_rfc4122(ctx, "a") == first
    assert uuid_rfc4122(ctx, "b") != first
    ctx.reset()
    assert uuid_rfc4122(ctx, "a") != first
    entry = REGISTRY["uuid.rfc4122"]
    assert entry.needs_context and not entry.deterministic


def test_new_v4_sets_version_and_variant() -> None:
    text = new_v4(b"\xff" * 16)
    assert text == "ffffffff-ffff-4fff-bfff-ffffffffffff"
    assert pyuuid.UUID(text).version == 4


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=50), st.text(alphabet="0123456789abcdefABCDEF-{}urn:", max_size=46)))
def test_parser_never_crashes(text: str) -> None:
    result = uuid_parse(text)
    assert result is UNDEFINED or isinstance(result, dict)


@settings(max_examples=200, deadline=None)
@given(st.uuids())
def test_round_trip_with_python_uuid(value: pyuuid.UUID) -> None:
    for text in (str(value), value.hex, "{" + str(value) + "}", value.urn):
        assert parse_uuid(text) == value.bytes
    result = uuid_parse(str(value))
    assert result["version"] == value.bytes[6] >> 4
