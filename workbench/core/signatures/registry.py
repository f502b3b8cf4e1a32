"""Where cosign keeps signatures in a registry, read and written with the OCI client.

cosign "triangulates" a signed image ``host/repo@sha256:<hex>`` to the tag
``host/repo:sha256-<hex>.sig`` in the same repository. That tag is an OCI image manifest
with one layer per signature (media type ``application/vnd.dev.cosign.simplesigning.v1+json``,
blob = the simple-signing payload, annotations = signature, certificate, chain, bundle)
and a go-containerregistry image config listing the layers. :func:`signature_manifest_bytes`
writes manifest and config byte for byte as cosign does. Every read is bounded (manifest
size by the client, at most 1000 layers as cosign, 1 MiB per payload).
See docs/signatures.md, section "Storage format".
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.core.errors import InputError, RegistryNotFound, SignatureError
from workbench.core.oci.artifact import ACCEPTED_MANIFEST_TYPES, MANIFEST_MEDIA_TYPE, sha256_digest
from workbench.core.oci.reference import DEFAULT_REGISTRY, OciReference, parse_reference
from workbench.core.signatures.payload import MAX_PAYLOAD_SIZE, SIMPLE_SIGNING_MEDIA_TYPE, go_json_string
from workbench.core.yamlio import loads_json

if TYPE_CHECKING:
    from workbench.core.oci.client import RegistryClient
    from workbench.core.oci.distribution import CancelLike

__all__ = [
    "CONFIG_MEDIA_TYPE",
    "MAX_SIGNATURE_LAYERS",
    "SignatureDescriptor",
    "SignatureManifest",
    "docker_reference",
    "fetch_signature_manifest",
    "make_client",
    "resolve_digest",
    "signature_manifest_bytes",
    "signature_reference",
]

CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json"
#: cosign's limit on signature layers (``pkg/oci/mutate/signatures.go``)
MAX_SIGNATURE_LAYERS = 1000
_SHA256_RE = re.compile(r"sha256:[0-9a-f]{64}")


@dataclasses.dataclass(frozen=True)
class SignatureDescriptor:
    """One layer of a signature manifest, and its blob when it was downloaded."""

    media_type: str
    digest: str
    size: int
    annotations: dict[str, str]
    blob: bytes | None = None


@dataclasses.dataclass(frozen=True)
class SignatureManifest:
    reference: OciReference  # host/repo:sha256-<hex>.sig
    digest: str
    layers: tuple[SignatureDescriptor, ...]


def make_client(
    sources_path: str | Path | None = None, docker_config_json_path: str | Path | None = None
) -> RegistryClient:
    """A client configured as kwctl's flags say (``--sources-path``, ``--docker-config-json-path``)."""
    from workbench.core.oci.client import RegistryClient
    from workbench.core.oci.credentials import load_docker_config
    from workbench.core.oci.sources import load_sources

    return RegistryClient(
        sources=load_sources(sources_path), docker_config=load_docker_config(docker_config_json_path)
    )


def as_reference(ref: str | OciReference) -> OciReference:
    """An OCI reference; local files and http(s) URLs have no registry to keep signatures in."""
    if isinstance(ref, OciReference):
        return ref
    parsed = parse_reference(ref)
    if not isinstance(parsed, OciReference):
        raise InputError(f"Verification only works with OCI images: {ref!r} is not a registry reference")
    return parsed


def docker_reference(ref: OciReference) -> str:
    """The ``docker-reference`` cosign puts in the payload (go-containerregistry's ``Repository.Name()``)."""
    registry = "index.docker.io" if ref.registry == DEFAULT_REGISTRY else ref.registry
    return f"{registry}/{ref.repository}"


def signature_reference(ref: OciReference, digest: str) -> OciReference:
    """``host/repo:sha256-<hex>.sig`` for the manifest ``digest`` of ``ref``'s repository."""
    algorithm, _, hex_digest = digest.partition(":")
    return OciReference(
        ref.registry, ref.repository, f"{algorithm}-{hex_digest}.sig", None, original=ref.original
    )


def resolve_digest(client: RegistryClient, ref: OciReference, cancel: CancelLike | None = None) -> str:
    """The manifest digest of ``ref`` (its own digest when it has one and it exists)."""
    digest = client.head_manifest(ref, cancel=cancel)
    if digest is None:
        raise RegistryNotFound(f"{ref.whole()} not found: nothing to verify or sign")
    if ref.digest and digest != ref.digest:
        raise SignatureError(f"registry returned digest {digest} for {ref.whole()}")
    return digest


def _descriptor(value: object, index: int, where: str) -> SignatureDescriptor:
    if not isinstance(value, dict):
        raise SignatureError(f"{where}: layer {index} is not an object")
    media_type, digest, size = value.get("mediaType"), value.get("digest"), value.get("size")
    annotations = value.get("annotations") or {}
    if not isinstance(media_type, str) or not isinstance(digest, str) or not _SHA256_RE.fullmatch(digest):
        raise SignatureError(f"{where}: layer {index} has no media type or sha256 digest")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise SignatureError(f"{where}: layer {index} has no valid size")
    if not isinstance(annotations, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in annotations.items()
    ):
        raise SignatureError(f"{where}: layer {index} has annotations that are not strings")
    return SignatureDescriptor(media_type, digest, size, dict(annotations))


def fetch_signature_manifest(
    client: RegistryClient,
    ref: OciReference,
    digest: str,
    *,
    cancel: CancelLike | None = None,
    download: bool = True,
) -> SignatureManifest | None:
    """The ``.sig`` manifest of ``ref@digest`` with its signature payloads, or None when there is none."""
    sig_ref = signature_reference(ref, digest)
    try:
        raw, _media_type, manifest_digest = client.manifest_bytes(
            sig_ref, accept=ACCEPTED_MANIFEST_TYPES, cancel=cancel
        )
    except RegistryNotFound:
        return None
    where = f"signature manifest {sig_ref.whole()}"
    document = loads_json(raw, where, error=SignatureError)
    if not isinstance(document, dict) or not isinstance(document.get("layers"), list):
        raise SignatureError(f"{where} is not an image manifest with layers")
    layers_json = document["layers"]
    if len(layers_json) > MAX_SIGNATURE_LAYERS:
        raise SignatureError(
            f"{where} has {len(layers_json)} layers, over cosign's limit of {MAX_SIGNATURE_LAYERS}"
        )
    layers: list[SignatureDescriptor] = []
    for index, value in enumerate(layers_json, start=1):
        descriptor = _descriptor(value, index, where)
        if (
            download
            and descriptor.media_type == SIMPLE_SIGNING_MEDIA_TYPE
            and descriptor.size <= MAX_PAYLOAD_SIZE
        ):
            blob = client.blob_bytes(sig_ref, descriptor.digest, max_size=MAX_PAYLOAD_SIZE, cancel=cancel)
            descriptor = dataclasses.replace(descriptor, blob=blob)
        layers.append(descriptor)
    return SignatureManifest(sig_ref, manifest_digest, tuple(layers))


# --------------------------------------------------------------------------- writing, as cosign


def _go_object(items: Sequence[tuple[str, str]]) -> str:
    """A JSON object from already-encoded members, in the given order."""
    return "{" + ",".join(f"{go_json_string(key)}:{value}" for key, value in items) + "}"


def _annotations_json(annotations: Mapping[str, str]) -> str:
    ordered = sorted(annotations, key=lambda k: k.encode("utf-8"))
    return _go_object([(key, go_json_string(annotations[key])) for key in ordered])


def config_bytes(layer_digests: Sequence[str]) -> bytes:
    """go-containerregistry's config for ``empty.Image`` + appended layers (cosign's signature image)."""
    history = ",".join('{"created":"0001-01-01T00:00:00Z"}' for _ in layer_digests)
    diff_ids = ",".join(go_json_string(d) for d in layer_digests)
    text = (
        '{"architecture":"","created":"0001-01-01T00:00:00Z","history":['
        + history
        + '],"os":"","rootfs":{"type":"layers","diff_ids":['
        + diff_ids
        + ']},"config":{}}'
    )
    return text.encode("utf-8")


def signature_manifest_bytes(layers: Sequence[SignatureDescriptor]) -> tuple[bytes, bytes]:
    """``(manifest, config)`` bytes of a signature image with ``layers``, as cosign writes them."""
    config = config_bytes([layer.digest for layer in layers])
    config_descriptor = _go_object(
        [
            ("mediaType", go_json_string(CONFIG_MEDIA_TYPE)),
            ("size", str(len(config))),
            ("digest", go_json_string(sha256_digest(config))),
        ]
    )
    layer_json = []
    for layer in layers:
        members = [
            ("mediaType", go_json_string(layer.media_type)),
            ("size", str(layer.size)),
            ("digest", go_json_string(layer.digest)),
        ]
        if layer.annotations:
            members.append(("annotations", _annotations_json(layer.annotations)))
        layer_json.append(_go_object(members))
    manifest = _go_object(
        [
            ("schemaVersion", "2"),
            ("mediaType", go_json_string(MANIFEST_MEDIA_TYPE)),
            ("config", config_descriptor),
            ("layers", "[" + ",".join(layer_json) + "]"),
        ]
    )
    return manifest.encode("utf-8"), config
