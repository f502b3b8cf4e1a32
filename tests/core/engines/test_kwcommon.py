"""Parsing of the policies' own responses (ValidationResponse / SettingsValidationResponse)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kwtest import pod_request

from workbench.core.engines.base import ValidationRequest
from workbench.core.engines.kwcommon import (
    OutputLines,
    describe_trap,
    parse_settings_response,
    validation_response,
)

REQUEST = ValidationRequest(pod_request())


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ({"accepted": "yes"}, "invalid type for field `accepted`: expected a boolean"),
        ({"accepted": False, "code": 70000}, "invalid type for field `code`: expected u16"),
        ({"accepted": False, "message": 3}, "invalid type for field `message`: expected a string"),
        (
            {"accepted": True, "warnings": [1]},
            "invalid type for field `warnings`: expected a sequence of strings",
        ),
        (
            {"accepted": True, "audit_annotations": {"a": 1}},
            "invalid type for field `audit_annotations`: expected a map of strings",
        ),
        ([], "invalid type: expected struct ValidationResponse"),
    ],
)
def test_invalid_validation_responses(reply, message):
    response, decoded = validation_response(REQUEST, json.dumps(reply).encode())
    assert response.code == 500 and not response.allowed
    assert (
        response.message == f"internal server error: Cannot deserialize policy validation response: {message}"
    )
    assert decoded == reply


def test_full_sdk_response_with_nulls():
    reply = {
        "accepted": False,
        "message": "no",
        "code": 403,
        "mutated_object": None,
        "audit_annotations": {"k": "v"},
        "warnings": ["w"],
    }
    response, _ = validation_response(REQUEST, json.dumps(reply).encode())
    assert response.to_dict() == {
        "uid": "uid-nginx",
        "allowed": False,
        "status": {"message": "no", "code": 403},
        "auditAnnotations": {"k": "v"},
        "warnings": ["w"],
    }


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
def test_validation_response_never_raises(raw):
    response, _ = validation_response(REQUEST, raw)
    assert response.uid == "uid-nginx"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
def test_settings_response_never_raises(raw):
    outcome = parse_settings_response(raw, "error: ")
    assert outcome.valid in (True, False)
    if not outcome.valid and outcome.message and outcome.message.startswith("error: "):
        assert len(outcome.message) > len("error: ")


def test_settings_response_forms():
    assert parse_settings_response(b'{"valid":true,"message":null}', "e: ").valid
    bad = parse_settings_response(b'{"valid":"no"}', "e: ")
    assert (bad.valid, bad.message) == (False, "e: invalid type for field `valid`: expected a boolean")
    assert parse_settings_response(b"{}", "e: ").message == "e: missing field `valid`"


def test_output_lines_split_and_flush():
    from workbench.core.engines.kwcommon import LogCollector

    collector = LogCollector(lambda _r: None)
    out = OutputLines("stdout", "info")
    out.collector = collector
    out.write(b"one\ntw")
    out.write(b"o\r\nthree")
    out.flush()
    assert [r.message for r in collector.records] == ["one", "two", "three"]


def test_describe_trap():
    text = (
        "error while executing at wasm backtrace:\n    0: 0x1 - f\n\nCaused by:\n    wasm trap: out of bounds"
    )
    assert describe_trap(text, 0, 1 << 20) == "wasm trap: out of bounds"
    assert describe_trap(text, 900 * 1024, 1 << 20).endswith("(memory: 0.9 MiB used of the 1 MiB limit)")


def test_output_is_capped(monkeypatch):
    from workbench.core.engines import kwcommon
    from workbench.core.engines.kwcommon import LogCollector

    monkeypatch.setattr(kwcommon, "MAX_STREAM_BYTES", 10)
    collector = LogCollector(lambda _r: None)
    out = OutputLines("stdout", "info")
    out.collector = collector
    out.write(b"abc\n")
    out.write(b"0123456789\n")  # over the cap: dropped
    out.flush()
    assert collector.records[0].message == "abc"
    assert collector.records[-1].source == "app" and "dropped" in collector.records[-1].message
    out.write(b"next\n")  # the cap is per call
    assert collector.records[-1].message == "next"
