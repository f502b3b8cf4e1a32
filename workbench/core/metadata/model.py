"""Kubewarden policy metadata: the model, parsing like kwctl (serde), validation, lints.

Field names, defaults, the canonical key order and the validation rules follow
docs/kubewarden-compat.md §11 (``crates/policy-evaluator/src/policy_metadata.rs``).
Parsing accepts exactly what kwctl's serde structs accept: unknown keys are
ignored, annotation values must be strings, enums are case-sensitive.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from workbench.core.errors import MetadataError

__all__ = [
    "EXECUTION_MODES",
    "METADATA_SECTION",
    "OPERATIONS",
    "POLICY_TYPES",
    "PROTOCOL_VERSIONS",
    "WELL_KNOWN_ANNOTATIONS",
    "ContextAwareResource",
    "Metadata",
    "Rule",
]

METADATA_SECTION = "io.kubewarden.metadata"
PROTOCOL_VERSIONS = ("v1", "Unknown")
EXECUTION_MODES = ("kubewarden-wapc", "opa", "gatekeeper", "wasi")
POLICY_TYPES = ("kubernetes", "raw")
OPERATIONS = ("CREATE", "UPDATE", "DELETE", "CONNECT", "*")
WELL_KNOWN_ANNOTATIONS = (
    "io.kubewarden.policy.title",
    "io.kubewarden.policy.version",
    "io.kubewarden.policy.description",
    "io.kubewarden.policy.author",
    "io.kubewarden.policy.url",
    "io.kubewarden.policy.source",
    "io.kubewarden.policy.license",
    "io.kubewarden.policy.usage",
    "io.kubewarden.policy.severity",
    "io.kubewarden.policy.category",
    "io.kubewarden.policy.ociUrl",
    "io.artifacthub.displayName",
    "io.artifacthub.resources",
    "io.artifacthub.keywords",
    "io.kubewarden.hidden-ui",
)
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{str(value).lower()}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value}`"
    if isinstance(value, str):
        return f"string {json.dumps(value)}"
    if isinstance(value, list):
        return "a sequence"
    return "a map"


def _expect(value: Any, kind: type | tuple[type, ...], where: str, expected: str) -> Any:
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        raise MetadataError(f"{where}: invalid type: {_type_name(value)}, expected {expected}")
    return value


def _string_list(value: Any, where: str) -> list[str]:
    _expect(value, list, where, "a sequence")
    for i, item in enumerate(value):
        _expect(item, str, f"{where}[{i}]", "a string")
    return list(value)


def _enum(value: Any, allowed: tuple[str, ...], where: str) -> str:
    _expect(value, str, where, "a string")
    if value not in allowed:
        variants = ", ".join(f"`{a}`" for a in allowed)
        raise MetadataError(f"{where}: unknown variant `{value}`, expected one of {variants}")
    return str(value)


@dataclasses.dataclass
class Rule:
    api_groups: list[str]
    api_versions: list[str]
    resources: list[str]
    operations: list[str]

    @classmethod
    def from_dict(cls, data: Any, where: str = "rule") -> Rule:
        _expect(data, dict, where, "struct Rule")
        fields = {}
        for key in ("apiGroups", "apiVersions", "resources", "operations"):
            if key not in data:
                raise MetadataError(f"{where}: missing field `{key}`")
            fields[key] = data[key]
        operations = _expect(fields["operations"], list, f"{where}.operations", "a sequence")
        return cls(
            api_groups=_string_list(fields["apiGroups"], f"{where}.apiGroups"),
            api_versions=_string_list(fields["apiVersions"], f"{where}.apiVersions"),
            resources=_string_list(fields["resources"], f"{where}.resources"),
            operations=[_enum(op, OPERATIONS, f"{where}.operations[{i}]") for i, op in enumerate(operations)],
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "apiGroups": list(self.api_groups),
            "apiVersions": list(self.api_versions),
            "resources": list(self.resources),
            "operations": list(self.operations),
        }


@dataclasses.dataclass(frozen=True, order=True)
class ContextAwareResource:
    api_version: str
    kind: str

    @classmethod
    def from_dict(cls, data: Any, where: str) -> ContextAwareResource:
        _expect(data, dict, where, "struct ContextAwareResource")
        for key in ("apiVersion", "kind"):
            if key not in data:
                raise MetadataError(f"{where}: missing field `{key}`")
        return cls(
            api_version=_expect(data["apiVersion"], str, f"{where}.apiVersion", "a string"),
            kind=_expect(data["kind"], str, f"{where}.kind", "a string"),
        )

    def to_dict(self) -> dict[str, str]:
        return {"apiVersion": self.api_version, "kind": self.kind}


@dataclasses.dataclass
class Metadata:
    """Kubewarden metadata; attribute names are the snake_case of the camelCase keys."""

    rules: list[Rule]
    mutating: bool
    protocol_version: str | None = None
    annotations: dict[str, str] | None = None
    background_audit: bool = True
    execution_mode: str = "kubewarden-wapc"
    policy_type: str = "kubernetes"
    context_aware_resources: list[ContextAwareResource] = dataclasses.field(default_factory=list)
    host_capabilities: list[str] | None = None
    minimum_kubewarden_version: str | None = None

    # -- parsing -------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any) -> Metadata:
        """Parse like kwctl's serde ``Metadata`` (unknown keys ignored)."""
        _expect(data, dict, "metadata", "struct Metadata")
        for key in ("rules", "mutating"):
            if key not in data:
                raise MetadataError(f"metadata: missing field `{key}`")
        rules_raw = _expect(data["rules"], list, "rules", "a sequence")
        rules = [Rule.from_dict(r, f"rules[{i}]") for i, r in enumerate(rules_raw)]
        mutating = _expect(data["mutating"], bool, "mutating", "a boolean")
        protocol = data.get("protocolVersion")
        if protocol is not None:
            protocol = _enum(protocol, PROTOCOL_VERSIONS, "protocolVersion")
        annotations = data.get("annotations")
        if annotations is not None:
            _expect(annotations, dict, "annotations", "a map")
            for key, value in annotations.items():
                _expect(key, str, "annotations", "a string key")
                _expect(value, str, f"annotations.{key}", "a string")
            annotations = dict(annotations)
        background = data.get("backgroundAudit", True)
        if background is None:
            raise MetadataError("backgroundAudit: invalid type: null, expected a boolean")
        _expect(background, bool, "backgroundAudit", "a boolean")
        mode = data.get("executionMode", "kubewarden-wapc")
        mode = _enum(mode, EXECUTION_MODES, "executionMode")
        policy_type = _enum(data.get("policyType", "kubernetes"), POLICY_TYPES, "policyType")
        car_raw = data.get("contextAwareResources", [])
        if car_raw is None:
            raise MetadataError("contextAwareResources: invalid type: null, expected a sequence")
        _expect(car_raw, list, "contextAwareResources", "a sequence")
        car = sorted(
            {ContextAwareResource.from_dict(c, f"contextAwareResources[{i}]") for i, c in enumerate(car_raw)}
        )
        caps = data.get("hostCapabilities")
        if caps is not None:
            caps = _string_list(caps, "hostCapabilities")
        min_version = data.get("minimumKubewardenVersion")
        if min_version is not None:
            _expect(min_version, str, "minimumKubewardenVersion", "a semver version string")
            if not _SEMVER.match(min_version):
                raise MetadataError(
                    f"minimumKubewardenVersion: {min_version!r} is not a valid semantic version (e.g. 1.20.0)"
                )
        return cls(
            rules=rules,
            mutating=mutating,
            protocol_version=protocol,
            annotations=annotations,
            background_audit=background,
            execution_mode=mode,
            policy_type=policy_type,
            context_aware_resources=car,
            host_capabilities=caps,
            minimum_kubewarden_version=min_version,
        )

    @classmethod
    def from_json_bytes(cls, payload: bytes) -> Metadata:
        """Decode the ``io.kubewarden.metadata`` custom section payload."""
        from workbench.core.yamlio import loads_json

        data = loads_json(bytes(payload), f"the {METADATA_SECTION} section", error=MetadataError)
        return cls.from_dict(data)

    # -- writing -------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Keys in kwctl's serde order; optional ones omitted when absent; annotations sorted."""
        out: dict[str, Any] = {
            "protocolVersion": self.protocol_version,
            "rules": [r.to_dict() for r in self.rules],
        }
        if self.annotations is not None:
            out["annotations"] = dict(sorted(self.annotations.items()))
        out["mutating"] = self.mutating
        out["backgroundAudit"] = self.background_audit
        out["executionMode"] = self.execution_mode
        out["policyType"] = self.policy_type
        out["contextAwareResources"] = [c.to_dict() for c in sorted(set(self.context_aware_resources))]
        if self.host_capabilities is not None:
            out["hostCapabilities"] = list(self.host_capabilities)
        if self.minimum_kubewarden_version is not None:
            out["minimumKubewardenVersion"] = self.minimum_kubewarden_version
        return out

    def to_json_bytes(self) -> bytes:
        """Compact UTF-8 JSON, byte-identical to kwctl's ``serde_json::to_vec``."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    # -- convenience ---------------------------------------------------------
    def annotation(self, key: str) -> str | None:
        return (self.annotations or {}).get(key)

    @property
    def title(self) -> str | None:
        return self.annotation("io.kubewarden.policy.title")

    @property
    def context_aware(self) -> bool:
        return bool(self.context_aware_resources)

    def copy(self) -> Metadata:
        return Metadata.from_dict(json.loads(self.to_json_bytes()))
