"""HostCapabilities dispatch: gating messages, tracing, offline answers, history and host log records."""

from __future__ import annotations

import json

import pytest
from kwtest import DEMO_CLUSTER

from workbench.core.engines.hostcaps import build_host_capabilities, parse_callback_request
from workbench.core.errors import HostCapabilityError, InputError

NS = ("v1", "Namespace")


def _provider(**kwargs):
    records = []
    kwargs.setdefault("context_aware_resources", [NS])
    provider = build_host_capabilities(log=records.append, **kwargs)
    return provider, records


def _get(name):
    return json.dumps(
        {"api_version": "v1", "kind": "Namespace", "name": name, "disable_cache": False}
    ).encode()


def test_kubernetes_get_from_snapshot():
    provider, records = _provider(snapshot=DEMO_CLUSTER)
    reply = json.loads(provider.call("kubewarden", "kubernetes", "get_resource", _get("team-a")))
    assert reply["metadata"]["name"] == "team-a"
    [entry] = provider.history
    assert entry["variant"] == "KubernetesGetResource" and entry["ok"] and entry["source"] == "offline"
    assert records[-1].source == "host" and "kubernetes/get_resource" in records[-1].message


def test_list_calls():
    provider, _ = _provider(snapshot=DEMO_CLUSTER, context_aware_resources=[("v1", "Pod")])
    payload = json.dumps(
        {"api_version": "v1", "kind": "Pod", "namespace": "team-a", "label_selector": "app=web"}
    )
    reply = json.loads(
        provider.call("kubewarden", "kubernetes", "list_resources_by_namespace", payload.encode())
    )
    assert [p["metadata"]["name"] for p in reply["items"]] == ["web-0"]
    payload = json.dumps({"api_version": "v1", "kind": "Pod", "field_selector": "metadata.namespace=sandbox"})
    reply = json.loads(provider.call("kubewarden", "kubernetes", "list_resources_all", payload.encode()))
    assert [p["metadata"]["name"] for p in reply["items"]] == ["scratch"]


@pytest.mark.parametrize(
    ("binding", "namespace", "operation", "payload", "kwargs", "message"),
    [
        ("other", "kubernetes", "get_resource", b"{}", {}, "unknown binding: other"),
        (
            "kubewarden", "oci", "v1/manifest_digest", b'"ghcr.io/a/b:1"', {"allowed_capabilities": ["kubernetes/*"]},
            "Policy has not been granted access to the 'oci/v1/manifest_digest' host capability. The violation has been reported.",
        ),
        (
            "kubewarden", "kubernetes", "get_resource",
            b'{"api_version":"v1","kind":"Secret","name":"s","namespace":"x","disable_cache":false}', {},
            "Policy has not been granted access to Kubernetes v1/Secret resources. The violation has been reported.",
        ),
        (
            "kubewarden", "kubernetes", "explode", b"{}", {},
            "Policy has not been granted access to the 'kubernetes/explode' host capability",
        ),
        ("kubewarden", "kubernetes", "get_resource", b"{nope", {}, "Cannot decode the kubernetes/get_resource request"),
        ("kubewarden", "kubernetes", "get_resource", b'{"api_version":"v1"}', {}, "missing field `kind`"),
        ("kubewarden", "kubernetes", "get_resource", _get("team-a"), {}, "no cluster snapshot is loaded"),
        ("kubewarden", "oci", "v1/oci_manifest", b'"ghcr.io/a/b:1"', {}, "needs an OCI registry"),
        ("kubewarden", "net", "v1/dns_lookup_host", b'"example.com"', {}, "needs DNS"),
        (
            "kubewarden", "kubernetes", "can_i",
            b'{"subject_access_review":{"user":"u","resource_attributes":{"resource":"pods","verb":"get"}},"disable_cache":false}',
            {}, "kubernetes/can_i needs a live cluster",
        ),
        ("kubewarden", "tracing", "nope", b"{}", {}, "unknown operation: tracing/nope"),
    ],
)  # fmt: skip
def test_refusals(binding, namespace, operation, payload, kwargs, message):
    provider, records = _provider(**kwargs)
    with pytest.raises(HostCapabilityError) as info:
        provider.call(binding, namespace, operation, payload)
    assert message in str(info.value)
    assert provider.history[-1]["ok"] is False and message in provider.history[-1]["error"]
    assert records[-1].source == "host" and records[-1].level == "warning"


def test_tracing_is_never_gated_nor_recorded():
    provider, records = _provider(allowed_capabilities=[])
    payload = json.dumps({"level": "WARN", "message": "hello", "pod": "p"}).encode()
    assert provider.call("kubewarden", "tracing", "log", payload) == b""
    assert provider.history == []
    record = records[-1]
    assert (record.level, record.message, record.source, record.fields) == (
        "warning",
        "hello",
        "policy",
        {"pod": "p"},
    )
    provider.call("kubewarden", "tracing", "log", b"not json")
    assert records[-1].message == "not json"


def test_per_call_log_sink():
    provider, default_records = _provider(snapshot=DEMO_CLUSTER)
    mine = []
    provider.call("kubewarden", "kubernetes", "get_resource", _get("team-a"), log=mine.append)
    assert default_records == [] and mine[0].source == "host"


def test_crypto_answered_offline():
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "self")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    spec = {"encoding": "Der", "data": list(cert.public_bytes(serialization.Encoding.DER))}
    provider, _ = _provider()
    payload = json.dumps({"cert": spec, "cert_chain": [spec]}).encode()
    reply = json.loads(provider.call("kubewarden", "crypto", "v1/is_certificate_trusted", payload))
    assert reply == {"trusted": True, "reason": ""}
    assert provider.history[-1]["variant"] == "CryptoIsCertificateTrusted"


def test_record_and_replay_exclusive(tmp_path):
    with pytest.raises(InputError, match="mutually exclusive"):
        build_host_capabilities(
            context_aware_resources=(), record_path=tmp_path / "a", replay_path=tmp_path / "b"
        )


def test_context_aware_resource_forms():
    class Resource:
        api_version = "v1"
        kind = "Namespace"

    for item in (Resource(), {"apiVersion": "v1", "kind": "Namespace"}, ("v1", "Namespace")):
        provider = build_host_capabilities(context_aware_resources=[item])
        assert provider.context_aware == frozenset({NS})


@pytest.mark.parametrize(
    ("namespace", "operation", "payload", "variant", "fields"),
    [
        ("oci", "v1/manifest_digest", b'"img"', "OciManifestDigest", {"image": "img"}),
        ("oci", "v1/oci_manifest_config", b'"img"', "OciManifestAndConfig", {"image": "img"}),
        ("net", "v1/dns_lookup_host", b'"h"', "DNSLookupHost", {"host": "h"}),
        (
            "oci", "v1/verify", b'{"SigstorePubKeyVerify":{"image":"i","pub_keys":["k"]}}',
            "SigstorePubKeyVerify", {"image": "i", "pub_keys": ["k"], "annotations": None},
        ),
        (
            "oci", "v2/verify", b'{"type":"SigstoreGithubActionsVerify","image":"i","owner":"o"}',
            "SigstoreGithubActionsVerify", {"image": "i", "owner": "o", "repo": None, "annotations": None},
        ),
    ],
)  # fmt: skip
def test_callback_request_variants(namespace, operation, payload, variant, fields):
    request = parse_callback_request(namespace, operation, payload)
    assert (request.variant, request.fields) == (variant, fields)


# -- backends behind the gate (issue 11: a provider protocol, not one large class) -------------
def test_backends_satisfy_the_protocol(tmp_path):
    from workbench.core.engines.hostcaps.provider import (
        CapabilityBackend,
        DenyAllBackend,
        RecordingBackend,
        ReplayBackend,
        SnapshotBackend,
    )
    from workbench.core.engines.hostcaps.session import SessionRecorder, SessionReplayer

    replay_file = tmp_path / "session.yml"
    replay_file.write_text("[]\n")
    for backend in (
        DenyAllBackend(),
        SnapshotBackend(),
        ReplayBackend(SessionReplayer(replay_file)),
        RecordingBackend(DenyAllBackend(), SessionRecorder(tmp_path / "rec.yml")),
    ):
        assert isinstance(backend, CapabilityBackend)


def test_deny_all_backend_refuses_what_the_gate_allows():
    from workbench.core.engines.hostcaps.provider import DenyAllBackend, HostCapabilities

    gate = HostCapabilities(context_aware_resources=[("v1", "Namespace")], backend=DenyAllBackend())
    payload = json.dumps({"api_version": "v1", "kind": "Namespace", "name": "default"}).encode()
    with pytest.raises(HostCapabilityError, match="no host capabilities are available"):
        gate.call("kubewarden", "kubernetes", "get_resource", payload)
    assert gate.history[-1]["source"] == "refused" and gate.replayer is None


def test_recording_backend_records_answers_and_refusals(tmp_path):
    record = tmp_path / "record.yml"
    caps = build_host_capabilities(
        context_aware_resources=[("v1", "Namespace")], snapshot=DEMO_CLUSTER, record_path=record
    )
    ok = json.dumps({"api_version": "v1", "kind": "Namespace", "name": "default"}).encode()
    missing = json.dumps({"api_version": "v1", "kind": "Namespace", "name": "no-such-namespace"}).encode()
    caps.call("kubewarden", "kubernetes", "get_resource", ok)
    with pytest.raises(HostCapabilityError):
        caps.call("kubewarden", "kubernetes", "get_resource", missing)
    assert not record.exists()  # written once, at the end of the run
    caps.close()
    text = record.read_text()
    assert text.count("type: Kubernetes") == 2 or text.count("KubernetesGetResource") == 2
    replayed = build_host_capabilities(context_aware_resources=[("v1", "Namespace")], replay_path=record)
    assert replayed.replayer is not None and replayed.replayer.remaining == 2
    assert json.loads(replayed.call("kubewarden", "kubernetes", "get_resource", ok))["metadata"]["name"] == "default"
    with pytest.raises(HostCapabilityError):
        replayed.call("kubewarden", "kubernetes", "get_resource", missing)
