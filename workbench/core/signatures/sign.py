"""Sign a policy in its registry exactly as ``cosign sign --key KEY -a K=V REF`` does.

The policy reference is resolved to its manifest digest; the simple-signing payload for
that digest (with the annotations under ``optional``) is signed with the private key;
the payload becomes a new layer of the ``sha256-<hex>.sig`` image, appended to the
signatures already there (a signature by the same key over the same payload is not
added twice, like cosign's duplicate detector), and the image is pushed with cosign's
manifest and config bytes. No Rekor upload (offline), which is what
``cosign sign --tlog-upload=false`` produces. See docs/signatures.md, section "Signing".
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.errors import SignatureError
from workbench.core.oci.artifact import MANIFEST_MEDIA_TYPE, sha256_digest
from workbench.core.oci.reference import OciReference
from workbench.core.signatures.keys import PrivateKey, decode_signature, load_private_key
from workbench.core.signatures.payload import SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, build_payload
from workbench.core.signatures.registry import (
    SignatureDescriptor,
    as_reference,
    docker_reference,
    fetch_signature_manifest,
    make_client,
    resolve_digest,
    signature_manifest_bytes,
    signature_reference,
)

if TYPE_CHECKING:
    from workbench.core.oci.client import RegistryClient
    from workbench.core.oci.distribution import CancelLike

__all__ = ["SignResult", "sign_policy"]


@dataclasses.dataclass(frozen=True)
class SignResult:
    reference: str  # host/repo@sha256:... that was signed
    signature_reference: str  # host/repo:sha256-<hex>.sig
    signature_manifest_digest: str
    layer_digest: str
    key_fingerprint: str
    #: False when an equivalent signature was already there (nothing pushed)
    added: bool


def _annotations(annotations: Mapping[str, str] | None) -> dict[str, str]:
    values = dict(annotations or {})
    for key, value in values.items():
        if not isinstance(key, str) or not isinstance(value, str) or not key:
            raise SignatureError(f"signature annotation {key!r}={value!r}: keys and values must be strings")
    return values


def sign_policy(
    ref: str | OciReference,
    private_key: PrivateKey | bytes,
    annotations: Mapping[str, str] | None = None,
    *,
    password: bytes | None = None,
    client: RegistryClient | None = None,
    sources_path: str | Path | None = None,
    docker_config_json_path: str | Path | None = None,
    cancel: CancelLike | None = None,
) -> SignResult:
    """Sign the policy at ``ref`` with ``private_key`` (a :class:`PrivateKey` or PEM bytes)."""
    key = (
        private_key
        if isinstance(private_key, PrivateKey)
        else load_private_key(private_key, "private key", password)
    )
    values = _annotations(annotations)
    oci = as_reference(ref)
    own = client is None
    active = client if client is not None else make_client(sources_path, docker_config_json_path)
    try:
        digest = resolve_digest(active, oci, cancel)
        payload = build_payload(docker_reference(oci), digest, values)
        layer_digest = sha256_digest(payload)
        public = key.public_key
        existing = fetch_signature_manifest(active, oci, digest, cancel=cancel)
        layers = list(existing.layers) if existing is not None else []
        for layer in layers:
            if layer.digest != layer_digest or SIGNATURE_ANNOTATION not in layer.annotations:
                continue
            try:
                present = decode_signature(layer.annotations[SIGNATURE_ANNOTATION], "existing signature")
            except SignatureError:
                continue
            if public.verify(present, payload) and existing is not None:
                return SignResult(
                    f"{oci.name}@{digest}",
                    existing.reference.whole(),
                    existing.digest,
                    layer_digest,
                    public.fingerprint,
                    added=False,
                )
        signature = base64.b64encode(key.sign(payload)).decode("ascii")
        layers.append(
            SignatureDescriptor(
                SIMPLE_SIGNING_MEDIA_TYPE,
                layer_digest,
                len(payload),
                {SIGNATURE_ANNOTATION: signature},
                payload,
            )
        )
        manifest, config = signature_manifest_bytes(layers)
        sig_ref = signature_reference(oci, digest)
        active.put_blob(sig_ref, config, cancel=cancel)
        active.put_blob(sig_ref, payload, cancel=cancel)
        manifest_digest = active.put_manifest(sig_ref, manifest, MANIFEST_MEDIA_TYPE, cancel=cancel)
    finally:
        if own:
            active.close()
    return SignResult(
        f"{oci.name}@{digest}", sig_ref.whole(), manifest_digest, layer_digest, public.fingerprint, True
    )
