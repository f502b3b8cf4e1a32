"""Session files in kwctl's format: parse kwctl's own files, record, replay strictly in order."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.hostcaps.session import CallbackRequest, SessionRecorder, SessionReplayer
from workbench.core.errors import HostCapabilityError, InputError

# crates/kwctl/tests/data/host-capabilities-sessions/context-aware-demo-namespace-not-found.yml (no field_masks)
KWCTL_SESSION = """\
- type: Exchange
  request: |
    !KubernetesGetResource
    api_version: v1
    kind: Namespace
    name: test-policy
    namespace: null
    disable_cache: false
  response:
    type: Error
    message: Cannot find v1/Namespace named 'test-policy' inside of namespace 'None'
- type: Exchange
  request: |
    !KubernetesListResourceAll
    api_version: networking.k8s.io/v1
    kind: Ingress
    label_selector: null
    field_selector: null
  response:
    type: Success
    payload: |
      {"apiVersion": "v1", "kind": "List", "items": []}
"""


def _get(name: str) -> CallbackRequest:
    return CallbackRequest(
        "KubernetesGetResource",
        {
            "api_version": "v1",
            "kind": "Namespace",
            "name": name,
            "namespace": None,
            "disable_cache": False,
            "field_masks": None,
        },
    )


def test_replays_kwctl_file(tmp_path):
    path = tmp_path / "s.yml"
    path.write_text(KWCTL_SESSION)
    replay = SessionReplayer(path)
    assert replay.remaining == 2
    assert replay.next(_get("test-policy")) == (
        False,
        "Cannot find v1/Namespace named 'test-policy' inside of namespace 'None'",
    )
    listing = CallbackRequest(
        "KubernetesListResourceAll",
        {
            "api_version": "networking.k8s.io/v1",
            "kind": "Ingress",
            "label_selector": None,
            "field_selector": None,
            "field_masks": None,
        },
    )
    ok, payload = replay.next(listing)
    assert ok and payload == '{"apiVersion": "v1", "kind": "List", "items": []}\n'
    with pytest.raises(HostCapabilityError, match="the list of recorded responses is empty"):
        replay.next(listing)


def test_replay_is_strict_fifo(tmp_path):
    path = tmp_path / "s.yml"
    path.write_text(KWCTL_SESSION)
    replay = SessionReplayer(path)
    with pytest.raises(HostCapabilityError, match="Replay error: unexpected request"):
        replay.next(_get("other"))
    assert replay.remaining == 2  # a mismatch consumes nothing


def test_record_round_trip(tmp_path):
    path = tmp_path / "rec.yml"
    recorder = SessionRecorder(path)
    assert not path.exists()  # nothing is written before the run ends
    recorder.save()
    assert yaml.safe_load(path.read_text()) == []
    recorder.record(_get("a"), True, '{"metadata":{"name":"a"}}')
    recorder.record(CallbackRequest("DNSLookupHost", {"host": "example.com"}), False, "offline")
    recorder.save()
    text = path.read_text()
    assert "request: |\n    !KubernetesGetResource\n    api_version: v1\n" in text
    replay = SessionReplayer(path)
    assert replay.next(_get("a")) == (True, '{"metadata":{"name":"a"}}')
    assert replay.next(CallbackRequest("DNSLookupHost", {"host": "example.com"})) == (False, "offline")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{}", "must be a YAML list"),
        ("- type: Other", "expected `type: Exchange`"),
        (
            "- type: Exchange\n  request: 3\n  response: {}",
            r"`request` \(YAML text\) and `response` are required",
        ),
        ("- type: Exchange\n  request: 'x: 1'\n  response: {type: Success}", "not tagged"),
        ("- type: Exchange\n  request: '!A'\n  response: {type: Maybe}", "Success or Error"),
        ("a: [", "not valid YAML"),
    ],
)
def test_invalid_session_files(tmp_path, text, message):
    path = tmp_path / "bad.yml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        SessionReplayer(path)


def test_request_yaml_round_trip():
    request = CallbackRequest(
        "CryptoIsCertificateTrusted", {"request": {"cert": {"encoding": "Pem", "data": [1, 2]}}}
    )
    assert CallbackRequest.from_yaml(request.to_yaml()) == request
    assert CallbackRequest.from_yaml("!OciManifestDigest\nimage: ghcr.io/a/b:1\n").matches(
        CallbackRequest("OciManifestDigest", {"image": "ghcr.io/a/b:1"})
    )


_scalar = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=8)
_fields = st.dictionaries(
    st.from_regex(r"\A[a-z_]{1,10}\Z"),
    st.recursive(
        _scalar,
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3),
        max_leaves=6,
    ),
    max_size=5,
)


@settings(max_examples=60, deadline=None)
@given(st.from_regex(r"\A[A-Z][A-Za-z]{0,20}\Z"), _fields)
def test_request_yaml_property(variant, fields):
    request = CallbackRequest(variant, fields)
    parsed = CallbackRequest.from_yaml(request.to_yaml())
    assert parsed.variant == variant and parsed.matches(request)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_request_parser_never_crashes(text):
    try:
        CallbackRequest.from_yaml(text)
    except InputError:
        pass
