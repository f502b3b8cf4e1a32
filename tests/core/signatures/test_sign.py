"""Signing on the real registry: cosign's layout, appended layers, no duplicates."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from core.oci.wasmgen import METADATA, module
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from oci.registry import Registry

from workbench.core.errors import InputError, RegistryNotFound, SignatureError
from workbench.core.oci.client import RegistryClient
from workbench.core.oci.reference import parse_oci_reference
from workbench.core.signatures.keys import PrivateKey, load_public_key
from workbench.core.signatures.payload import SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, parse_payload
from workbench.core.signatures.registry import signature_reference
from workbench.core.signatures.sign import sign_policy

pytestmark = pytest.mark.registry


def _key() -> PrivateKey:
    return PrivateKey(ec.generate_private_key(ec.SECP256R1()), "test")


def test_signature_image_is_cosigns(plain_client: RegistryClient, plain_registry: Registry) -> None:
    ref = plain_registry.ref("sign/layout", "v1")
    plain_client.push(module(metadata=METADATA, seed=b"layout"), ref)
    digest = plain_client.head_manifest(ref)
    key = _key()
    result = sign_policy(ref, key, {"env": "prod"}, client=plain_client)
    oci = parse_oci_reference(ref)
    sig_ref = signature_reference(oci, digest or "")
    assert (
        result.signature_reference == sig_ref.whole() == f"{oci.name}:{(digest or '').replace(':', '-')}.sig"
    )
    raw, media_type, manifest_digest = plain_client.manifest_bytes(sig_ref)
    assert manifest_digest == result.signature_manifest_digest
    assert media_type == "application/vnd.oci.image.manifest.v1+json"
    manifest = json.loads(raw)
    assert list(manifest) == ["schemaVersion", "mediaType", "config", "layers"]
    assert manifest["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json"
    (layer,) = manifest["layers"]
    assert list(layer) == ["mediaType", "size", "digest", "annotations"]
    assert layer["mediaType"] == SIMPLE_SIGNING_MEDIA_TYPE
    assert list(layer["annotations"]) == [SIGNATURE_ANNOTATION]
    config = plain_client.blob_bytes(sig_ref, manifest["config"]["digest"], max_size=4096)
    assert json.loads(config) == {
        "architecture": "",
        "created": "0001-01-01T00:00:00Z",
        "history": [{"created": "0001-01-01T00:00:00Z"}],
        "os": "",
        "rootfs": {"type": "layers", "diff_ids": [layer["digest"]]},
        "config": {},
    }
    payload = plain_client.blob_bytes(sig_ref, layer["digest"], max_size=4096)
    parsed = parse_payload(payload, "t")
    assert (parsed.docker_reference, parsed.manifest_digest) == (oci.name, digest)
    assert parsed.annotations == {"env": "prod"}
    public = load_public_key(
        key.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "k",
    )
    assert public.verify(base64.b64decode(layer["annotations"][SIGNATURE_ANNOTATION]), payload)
    assert layer["digest"] == "sha256:" + hashlib.sha256(payload).hexdigest() == result.layer_digest


def test_signing_appends_and_does_not_duplicate(
    plain_client: RegistryClient, plain_registry: Registry
) -> None:
    ref = plain_registry.ref("sign/append", "v1")
    plain_client.push(module(metadata=METADATA, seed=b"append"), ref)
    alice, bob = _key(), _key()
    first = sign_policy(ref, alice, client=plain_client)
    again = sign_policy(ref, alice, client=plain_client)
    assert first.added and not again.added
    assert again.signature_manifest_digest == first.signature_manifest_digest
    with_annotation = sign_policy(ref, alice, {"a": "b"}, client=plain_client)
    by_bob = sign_policy(ref, bob, client=plain_client)
    assert with_annotation.added and by_bob.added
    oci = parse_oci_reference(ref)
    manifest = json.loads(
        plain_client.manifest_bytes(signature_reference(oci, first.reference.split("@")[1]))[0]
    )
    assert len(manifest["layers"]) == 3
    # bob's payload equals alice's first one (same digest, no annotations): same blob, another signature
    assert manifest["layers"][0]["digest"] == manifest["layers"][2]["digest"]


def test_sign_errors(plain_client: RegistryClient, plain_registry: Registry) -> None:
    with pytest.raises(RegistryNotFound):
        sign_policy(plain_registry.ref("sign/none", "v1"), _key(), client=plain_client)
    with pytest.raises(InputError, match="not a PEM private key"):
        sign_policy(plain_registry.ref("sign/none", "v1"), b"junk", client=plain_client)
    ref = plain_registry.ref("sign/err", "v1")
    plain_client.push(module(metadata=METADATA, seed=b"err"), ref)
    with pytest.raises(SignatureError, match="keys and values must be strings"):
        sign_policy(ref, _key(), {"": "x"}, client=plain_client)
