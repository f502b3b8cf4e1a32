"""The simple-signing payload: cosign's exact bytes, and a parser that never fails uncleanly."""

from __future__ import annotations

import json

import pytest
from helpers import REPO_ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.errors import SignatureError
from workbench.core.signatures.payload import (
    COSIGN_SIGNATURE_TYPE,
    build_payload,
    go_json_string,
    parse_payload,
)

DATA = REPO_ROOT / "tests" / "data" / "signatures"
DIGEST = "sha256:" + "ab" * 32


def test_build_reproduces_real_cosign_payloads_byte_for_byte() -> None:
    """Both payloads were written by real ``cosign sign`` (see tests/data/signatures/README.md)."""
    keyed = (DATA / "keyed-payload.json").read_bytes()
    keyless = (DATA / "keyless-2021-payload.json").read_bytes()
    assert (
        build_payload(
            "registry-testing.svc.lan/busybox",
            "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b",
        )
        == keyed
    )
    assert (
        build_payload(
            "registry-testing.svc.lan/kubewarden/disallow-service-nodeport",
            "sha256:5f481572d088dc4023afb35fced9530ced3d9b03bf7299c6f492163cb9f0452e",
        )
        == keyless
    )


def test_annotations_go_into_optional_sorted_like_go() -> None:
    payload = build_payload("h/r", DIGEST, {"stable": "true", "env": "prod", "Z": "1"})
    assert payload.endswith(b'"optional":{"Z":"1","env":"prod","stable":"true"}}')
    parsed = parse_payload(payload, "t")
    assert parsed.annotations == {"Z": "1", "env": "prod", "stable": "true"}
    assert parsed.has_annotations({"env": "prod"}) and not parsed.has_annotations({"env": "dev"})


def test_go_string_escapes() -> None:
    assert (
        go_json_string('a<b>&"\\\n\t\x01é\u2028') == '"a\\u003cb\\u003e\\u0026\\"\\\\\\n\\t\\u0001é\\u2028"'
    )
    with pytest.raises(SignatureError, match="surrogate"):
        go_json_string("\ud800")


def test_build_refuses_a_non_digest() -> None:
    with pytest.raises(SignatureError, match="not a sha256 digest"):
        build_payload("h/r", "latest")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"not json", "not valid JSON"),
        (b"[]", "document is not a JSON object"),
        (b'{"critical":1}', "'critical' is not a JSON object"),
        (b'{"critical":{"identity":{},"image":{},"type":"x"}}', "docker-reference"),
        (
            b'{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"d"},"type":"t"},'
            b'"optional":[]}',
            "'optional' is neither null nor an object",
        ),
    ],
)
def test_parse_errors_name_the_problem(document: bytes, message: str) -> None:
    with pytest.raises(SignatureError, match=message) as info:
        parse_payload(document, "layer 3")
    assert str(info.value).startswith("layer 3")


def test_parse_ignores_unknown_members_like_sigstore() -> None:
    doc = {
        "critical": {
            "identity": {"docker-reference": "r"},
            "image": {"docker-manifest-digest": DIGEST},
            "type": COSIGN_SIGNATURE_TYPE,
            "extra": 1,
        },
        "optional": {"creator": "x", "n": 3},
        "more": True,
    }
    parsed = parse_payload(json.dumps(doc).encode(), "t")
    assert parsed.manifest_digest == DIGEST
    assert parsed.annotations == {"creator": "x"}  # only string values are annotations


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(reference=texts, annotations=st.dictionaries(texts, texts, max_size=5))
def test_build_then_parse_round_trips(reference: str, annotations: dict[str, str]) -> None:
    payload = build_payload(reference, DIGEST, annotations)
    parsed = parse_payload(payload, "t")
    assert (parsed.docker_reference, parsed.manifest_digest, parsed.type) == (
        reference,
        DIGEST,
        COSIGN_SIGNATURE_TYPE,
    )
    assert parsed.annotations == annotations
    # Go's encoding is valid JSON with the same content
    assert json.loads(payload) == {
        "critical": {
            "identity": {"docker-reference": reference},
            "image": {"docker-manifest-digest": DIGEST},
            "type": COSIGN_SIGNATURE_TYPE,
        },
        "optional": annotations or None,
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode())))
def test_parser_only_ever_raises_signature_error(data: bytes) -> None:
    try:
        parse_payload(data, "fuzz")
    except SignatureError as exc:
        assert str(exc).startswith("fuzz")
