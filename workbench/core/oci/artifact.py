"""The Kubewarden OCI artifact: media types, config blob, manifest and annotations (docs/kubewarden-compat.md §14, docs/oci.md)."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from workbench.core.errors import InputError

__all__ = [
    "CONFIG_BLOB",
    "CONFIG_MEDIA_TYPE",
    "LAYER_MEDIA_TYPE",
    "MANIFEST_MEDIA_TYPE",
    "METADATA_SECTION",
    "WASM_MAGIC",
    "ModuleFacts",
    "build_manifest",
    "check_pushable",
    "manifest_annotations",
    "module_facts",
    "sha256_digest",
]

LAYER_MEDIA_TYPE = "application/vnd.wasm.content.layer.v1+wasm"
CONFIG_MEDIA_TYPE = "application/vnd.wasm.config.v1+json"
MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"
#: kwctl's config blob: the two bytes ``{}``
CONFIG_BLOB = b"{}"
METADATA_SECTION = "io.kubewarden.metadata"
WASM_MAGIC = b"\0asm"
SOURCE_ANNOTATION = "io.kubewarden.policy.source"
OCI_SOURCE_ANNOTATION = "org.opencontainers.image.source"
TITLE_ANNOTATION = "io.kubewarden.policy.title"

#: accepted manifest types when pulling
ACCEPTED_MANIFEST_TYPES = (
    MANIFEST_MEDIA_TYPE,
    "application/vnd.docker.distribution.manifest.v2+json",
)


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclasses.dataclass(frozen=True)
class ModuleFacts:
    """What push / the store need to know about a module."""

    metadata: dict[str, Any] | None  # the io.kubewarden.metadata JSON (camelCase keys)
    is_rego: bool  # exports opa_* (OPA / Gatekeeper ABI)

    @property
    def annotations(self) -> dict[str, str]:
        raw = (self.metadata or {}).get("annotations") or {}
        return {str(k): str(v) for k, v in raw.items() if isinstance(v, str)} if isinstance(raw, dict) else {}

    @property
    def title(self) -> str | None:
        return self.annotations.get(TITLE_ANNOTATION)

    @property
    def mutating(self) -> bool | None:
        if self.metadata is None:
            return None
        value = self.metadata.get("mutating")
        return value if isinstance(value, bool) else None

    @property
    def context_aware(self) -> bool | None:
        if self.metadata is None:
            return None
        return bool(self.metadata.get("contextAwareResources"))


def module_facts(data: bytes) -> ModuleFacts:
    """Metadata and the Rego marker of module bytes (ModuleError / MetadataError when unreadable)."""
    from workbench.core.module import PolicyModule

    module = PolicyModule.from_bytes(data)
    metadata = module.metadata.to_dict() if module.metadata is not None else None
    return ModuleFacts(metadata, module.is_rego)


def check_pushable(facts: ModuleFacts, *, force: bool) -> None:
    """kwctl's push guard: annotated modules only, unless ``force``; never an unannotated Rego module."""
    if facts.metadata is not None:
        return
    if facts.is_rego:
        raise InputError(
            "cannot push a Rego policy without metadata, even with --force: annotate it first "
            "(annotate MODULE -m metadata.yml -o annotated.wasm) so the execution mode is recorded"
        )
    if not force:
        raise InputError(
            "the policy is not annotated with Kubewarden metadata: annotate it first "
            "(annotate MODULE -m metadata.yml -o annotated.wasm) or push anyway with --force"
        )


def manifest_annotations(facts: ModuleFacts) -> dict[str, str]:
    """Metadata annotations minus multi-line values, trimmed, plus ``org.opencontainers.image.source``."""
    out: dict[str, str] = {}
    for key, value in facts.annotations.items():
        if _line_count(value) > 1:
            continue
        out[key] = value.strip()
    if OCI_SOURCE_ANNOTATION not in out and SOURCE_ANNOTATION in out:
        out[OCI_SOURCE_ANNOTATION] = out[SOURCE_ANNOTATION]
    return out


def _line_count(text: str) -> int:
    """Rust's ``str::lines().count()``: a trailing newline does not start a new line."""
    if not text:
        return 0
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
    return len(parts)


def build_manifest(module: bytes, annotations: dict[str, str]) -> dict[str, Any]:
    """The OCI image manifest kwctl pushes (one wasm layer, ``{}`` config)."""
    manifest: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "config": {
            "mediaType": CONFIG_MEDIA_TYPE,
            "digest": sha256_digest(CONFIG_BLOB),
            "size": len(CONFIG_BLOB),
        },
        "layers": [
            {
                "mediaType": LAYER_MEDIA_TYPE,
                "digest": sha256_digest(module),
                "size": len(module),
            }
        ],
    }
    if annotations:
        manifest["annotations"] = dict(annotations)
    return manifest
