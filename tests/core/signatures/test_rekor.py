"""Rekor bundles: the real public-good SET verifies with Rekor's real key; any change breaks it."""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest
from helpers import REPO_ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.errors import SignatureError
from workbench.core.signatures.keys import load_public_key_file
from workbench.core.signatures.rekor import canonical_set_payload, parse_bundle

DATA = REPO_ROOT / "tests" / "data" / "signatures"


def _real():
    bundle = parse_bundle((DATA / "keyless-2021-bundle.json").read_text(), "layer 1")
    key = load_public_key_file(DATA / "rekor-2021.pub")
    return bundle, key


def test_real_bundle_set_verifies() -> None:
    bundle, key = _real()
    assert bundle.log_id == key.fingerprint.removeprefix("SHA256:")  # the log id is the key's hash
    assert bundle.integrated_time == 1634714717 and bundle.log_index == 783607
    assert bundle.signed_at.isoformat() == "2021-10-20T07:25:17+00:00"
    assert key.verify(bundle.signed_entry_timestamp, canonical_set_payload(bundle))


@pytest.mark.parametrize("field", ["integrated_time", "log_index", "body"])
def test_changed_bundle_fails_the_set(field: str) -> None:
    bundle, key = _real()
    value = getattr(bundle, field)
    changed = dataclasses.replace(
        bundle, **{field: value + 1 if isinstance(value, int) else value[:-4] + "AAAA"}
    )
    assert not key.verify(changed.signed_entry_timestamp, canonical_set_payload(changed))


def test_entry_matches_the_real_signature_and_nothing_else() -> None:
    bundle, _key = _real()
    payload = (DATA / "keyless-2021-payload.json").read_bytes()
    signature = base64.b64decode((DATA / "keyless-2021-signature.b64").read_text())
    cert = (DATA / "keyless-2021-certificate.pem").read_bytes()
    bundle.check_entry_matches(signature=signature, payload=payload, certificate_pem=cert, where="layer 1")
    with pytest.raises(SignatureError, match="logs a different signature"):
        bundle.check_entry_matches(
            signature=signature[:-1] + b"x", payload=payload, certificate_pem=cert, where="l"
        )
    with pytest.raises(SignatureError, match="logs a different payload"):
        bundle.check_entry_matches(
            signature=signature, payload=payload + b" ", certificate_pem=cert, where="l"
        )
    with pytest.raises(SignatureError, match="logs a different certificate"):
        bundle.check_entry_matches(signature=signature, payload=payload, certificate_pem=b"x", where="l")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON"),
        ("{}", "no Payload object"),
        ('{"Payload":{"body":"a","logID":"b","integratedTime":"1","logIndex":1}}', "not integers"),
        ('{"Payload":{"body":"a","logID":"b","integratedTime":1,"logIndex":1}}', "no SignedEntryTimestamp"),
        (
            '{"SignedEntryTimestamp":"!!","Payload":{"body":"a","logID":"b","integratedTime":1,"logIndex":1}}',
            "not base64",
        ),
        ('{"Payload":{"logID":"b","integratedTime":1,"logIndex":1}}', "lacks its body"),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(SignatureError, match=message):
        parse_bundle(text, "layer 1")


def test_entry_of_another_kind_is_refused() -> None:
    bundle, _ = _real()
    body = base64.b64encode(json.dumps({"kind": "intoto", "spec": {}}).encode()).decode()
    other = dataclasses.replace(bundle, body=body)
    with pytest.raises(SignatureError, match="not rekord/hashedrekord"):
        other.check_entry_matches(signature=b"", payload=b"", certificate_pem=b"", where="l")


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["SignedEntryTimestamp", "Payload", "body", "integratedTime", "logIndex", "logID", "x"]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=100), _json.map(json.dumps)))
def test_bundle_parser_only_raises_signature_error(text: str) -> None:
    try:
        bundle = parse_bundle(text, "fuzz")
    except SignatureError as exc:
        assert str(exc).startswith("fuzz")
        return
    canonical_set_payload(bundle)  # a parsed bundle can always be canonicalised
    try:
        bundle.check_entry_matches(signature=b"s", payload=b"p", certificate_pem=b"c", where="fuzz")
    except SignatureError:
        pass
