"""The ``.sig`` image: naming, cosign's manifest/config bytes, bounded reads."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oci.registry import Registry

from workbench.core.errors import InputError, SignatureError
from workbench.core.oci.artifact import MANIFEST_MEDIA_TYPE
from workbench.core.oci.client import RegistryClient
from workbench.core.oci.reference import parse_oci_reference
from workbench.core.signatures.payload import SIMPLE_SIGNING_MEDIA_TYPE
from workbench.core.signatures.registry import (
    MAX_SIGNATURE_LAYERS,
    SignatureDescriptor,
    _descriptor,
    as_reference,
    config_bytes,
    docker_reference,
    fetch_signature_manifest,
    signature_manifest_bytes,
    signature_reference,
)

DIGEST = "sha256:" + "cd" * 32


def test_only_registry_references() -> None:
    assert as_reference("registry://h:5000/a/b:v1").tag == "v1"
    for text in ("./policy.wasm", "https://example.com/p.wasm", "file:///p.wasm"):
        with pytest.raises(InputError, match="Verification only works with OCI images"):
            as_reference(text)


def test_names() -> None:
    ref = parse_oci_reference("registry://ghcr.io/kubewarden/policies/safe-labels:v1.0.0")
    assert (
        signature_reference(ref, DIGEST).whole()
        == f"ghcr.io/kubewarden/policies/safe-labels:sha256-{'cd' * 32}.sig"
    )
    assert docker_reference(ref) == "ghcr.io/kubewarden/policies/safe-labels"
    assert docker_reference(parse_oci_reference("busybox")) == "index.docker.io/library/busybox"


def test_manifest_and_config_bytes_are_go_containerregistry_style() -> None:
    layers = [
        SignatureDescriptor(SIMPLE_SIGNING_MEDIA_TYPE, "sha256:" + "1" * 64, 10, {"b": "2", "a": "<1>"}),
        SignatureDescriptor(SIMPLE_SIGNING_MEDIA_TYPE, "sha256:" + "2" * 64, 11, {}),
    ]
    manifest, config = signature_manifest_bytes(layers)
    assert config == config_bytes(["sha256:" + "1" * 64, "sha256:" + "2" * 64])
    assert b" " not in manifest and b"\\u003c1\\u003e" in manifest  # Go escapes <, >
    assert manifest.startswith(
        b'{"schemaVersion":2,"mediaType":"' + MANIFEST_MEDIA_TYPE.encode() + b'","config":'
    )
    document = json.loads(manifest)
    assert list(document["layers"][0]["annotations"]) == ["a", "b"]
    assert "annotations" not in document["layers"][1]
    assert json.loads(config)["history"] == [{"created": "0001-01-01T00:00:00Z"}] * 2


@pytest.mark.registry
def test_fetch_is_none_without_signatures_and_bounded(
    plain_client: RegistryClient, plain_registry: Registry
) -> None:
    ref = parse_oci_reference(plain_registry.ref("sigs/bounded", "v1"))
    assert fetch_signature_manifest(plain_client, ref, DIGEST) is None
    sig_ref = signature_reference(ref, DIGEST)
    many = [SignatureDescriptor("x/y", "sha256:" + "3" * 64, 1, {})] * (MAX_SIGNATURE_LAYERS + 1)
    manifest, config = signature_manifest_bytes(many)
    plain_client.put_blob(sig_ref, config)
    plain_client.put_blob(sig_ref, b"z")
    # the registry checks that blobs exist: point every layer at the uploaded one
    uploaded = hashlib.sha256(b"z").hexdigest().encode()
    manifest = manifest.replace(b"sha256:" + b"3" * 64, b"sha256:" + uploaded)
    plain_client.put_manifest(sig_ref, manifest, MANIFEST_MEDIA_TYPE)
    with pytest.raises(SignatureError, match="over cosign's limit of 1000"):
        fetch_signature_manifest(plain_client, ref, DIGEST)


_values = (
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=80) | st.just("sha256:" + "a" * 64)
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        _values,
        st.dictionaries(
            st.sampled_from(["mediaType", "digest", "size", "annotations"]),
            _values | st.dictionaries(st.text(max_size=5), _values, max_size=3),
            max_size=4,
        ),
    )
)
def test_layer_descriptor_parser_only_raises_signature_error(value: object) -> None:
    try:
        descriptor = _descriptor(value, 1, "fuzz")
    except SignatureError as exc:
        assert str(exc).startswith("fuzz: layer 1")
        return
    assert (descriptor.size >= 0 and descriptor.digest.startswith("sha256:")) or len(descriptor.digest) == 71
