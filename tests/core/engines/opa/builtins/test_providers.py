"""Tests for ``providers.aws.sign_req`` (``workbench/core/engines/opa/builtins/providers.py``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from builtin_corpus import corpus_lines
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.conformance.builtins import run_case
from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext
from workbench.core.engines.opa.builtins._values import OpaFloat
from workbench.core.errors import BuiltinError

NAME = "providers.aws.sign_req"


def _corpus_cases() -> list[Any]:
    return [pytest.param(case, id=f"case-{i}") for i, case in enumerate(corpus_lines(NAME), 1)] or [
        pytest.param(None, id="no-corpus")
    ]


@pytest.mark.parametrize("case", _corpus_cases())
def test_corpus(case: dict[str, Any] | None) -> None:
    assert case is not None, f"no {NAME} case in the committed corpus"
    ok, want, got = run_case(case)
    assert ok, f"want {want}\n got {got}"


def sign(request: Any, config: Any, time_ns: Any) -> Any:
    return REGISTRY[NAME](BuiltinContext(), [request, config, time_ns])


CONFIG = {
    "aws_access_key": "AKIDEXAMPLE",
    "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "aws_region": "us-east-1",
    "aws_service": "iam",
}
WHEN = int(dt.datetime(2015, 8, 30, 12, 36, tzinfo=dt.UTC).timestamp()) * 1_000_000_000


def test_aws_documentation_example() -> None:
    """The worked example of AWS's Signature Version 4 documentation (GET ListUsers)."""
    request = {
        "method": "GET",
        "url": "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
        "headers": {"content-type": "application/x-www-form-urlencoded; charset=utf-8"},
    }
    out = sign(request, CONFIG, WHEN)
    assert out["headers"]["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request,"
        "SignedHeaders=content-type;host;x-amz-date,"
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    )
    assert out["headers"]["x-amz-date"] == "20150830T123600Z"
    assert out["headers"]["host"] == "iam.amazonaws.com"
    assert out["method"] == "GET" and out["url"] == request["url"]
    assert request["headers"] == {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}


def test_s3_session_token_and_unsigned_payload() -> None:
    config = {**CONFIG, "aws_service": "s3", "aws_session_token": "TOKEN"}
    out = sign({"method": "PUT", "url": "https://b.s3.amazonaws.com/k", "raw_body": "data"}, config, WHEN)
    headers = out["headers"]
    assert headers["x-amz-content-sha256"] == hashlib.sha256(b"data").hexdigest()
    assert headers["x-amz-security-token"] == "TOKEN"
    assert (
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token," in headers["Authorization"]
    )
    unsigned = sign(
        {"method": "GET", "url": "https://b.s3.amazonaws.com/k"},
        {**config, "disable_payload_signing": True},
        WHEN,
    )
    assert unsigned["headers"]["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"


def test_ignored_headers_are_kept_but_not_signed() -> None:
    request = {"method": "GET", "url": "https://x.example/", "headers": {"User-Agent": "ua", "X-Custom": "v"}}
    out = sign(request, CONFIG, WHEN)
    assert out["headers"]["User-Agent"] == "ua" and out["headers"]["X-Custom"] == "v"
    assert "SignedHeaders=host;x-amz-date;x-custom," in out["headers"]["Authorization"]


def test_json_body_is_marshalled_like_go() -> None:
    a = sign({"method": "POST", "url": "https://x.example/", "body": {"b": 1, "a": "<"}}, CONFIG, WHEN)
    b = sign(
        {"method": "POST", "url": "https://x.example/", "raw_body": '{"a":"\\u003c","b":1}'}, CONFIG, WHEN
    )
    assert a["headers"]["Authorization"] == b["headers"]["Authorization"]


@pytest.mark.parametrize(
    ("request_", "config", "time_ns", "message", "code"),
    [
        ("x", CONFIG, 0, "operand 1 must be object but got string", "eval_type_error"),
        ({}, [], 0, "operand 1 must be object but got array", "eval_type_error"),
        (
            {},
            {**CONFIG, "aws_region": 1},
            0,
            'operand 2 invalid values for required AWS config parameters(s): {"aws_region"}',
            "eval_type_error",
        ),
        (
            {"method": "GET", "url": "https://x"},
            CONFIG,
            "0",
            "operand 1 must be number but got string",
            "eval_type_error",
        ),
        (
            {"method": "GET", "url": "https://x"},
            CONFIG,
            OpaFloat("1.5"),
            "operand 3 could not convert time_ns value into a unix timestamp",
            "eval_type_error",
        ),
        (
            {"url": "https://x", "bogus": 1, "alpha": 2},
            CONFIG,
            0,
            'operand 1 invalid request parameters(s): {"alpha", "bogus"}',
            "eval_type_error",
        ),
        (
            {"url": "https://x"},
            CONFIG,
            0,
            'operand 1 missing required request parameters(s): {"method"}',
            "eval_type_error",
        ),
        (
            {"method": 1, "url": 2},
            CONFIG,
            0,
            'operand 1 invalid values for required request parameters(s): {"method", "url"}',
            "eval_type_error",
        ),
        (
            {"method": "GET", "url": "https://x", "headers": []},
            CONFIG,
            0,
            "operand 0 must be object but got array",
            "eval_type_error",
        ),
        (
            {"method": "GET", "url": "https://x"},
            {**CONFIG, "disable_payload_signing": "yes"},
            0,
            "operand 2 invalid value for 'disable_payload_signing' in AWS config",
            "eval_type_error",
        ),
        (
            {"method": "GET", "url": "https://x:port"},
            CONFIG,
            0,
            'parse "https://x:port": invalid port ":port" after host',
            "eval_builtin_error",
        ),
    ],
)
def test_errors(request_: Any, config: Any, time_ns: Any, message: str, code: str) -> None:
    with pytest.raises(BuiltinError) as info:
        sign(request_, config, time_ns)
    assert str(info.value) == f"{NAME}: {message}"
    assert info.value.code == code


@given(
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=4),
    st.text(max_size=30),
    st.integers(-(2**63), 2**63 - 1),
)
@settings(max_examples=100)
def test_signing_is_deterministic_and_total(headers: dict[str, str], path: str, ts: int) -> None:
    request = {"method": "GET", "url": "https://h.example/" + path, "headers": headers}
    try:
        first = sign(request, CONFIG, ts)
    except BuiltinError as exc:
        assert str(exc).startswith(f"{NAME}: parse ")
        return
    assert first == sign(request, CONFIG, ts)
    assert first["headers"]["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
