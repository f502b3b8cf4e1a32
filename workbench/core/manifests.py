"""Kubewarden policy manifests: the custom resources a cluster runs (``policies.kubewarden.io/v1``).

``ClusterAdmissionPolicy`` / ``AdmissionPolicy`` name one module with its settings and
deployment options; ``ClusterAdmissionPolicyGroup`` / ``AdmissionPolicyGroup`` name several
member policies combined by a boolean expression. ``kwctl run`` accepts such a manifest
as the policy (kwctl >= 1.26): the module, settings, ``mode``, ``message``, ``mutating``,
``rules``, ``timeoutEvalSeconds`` and ``contextAwareResources`` come from it. See
docs/kubewarden-parity.md ("Policy manifests").

Kubernetes prunes unknown fields of a custom resource, so unknown keys under ``spec`` are
ignored here as well; a known key of the wrong type is an error naming the file, the
document and the field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from workbench.core.errors import InputError
from workbench.core.yamlio import load_yaml_all, read_text

__all__ = [
    "API_VERSION",
    "GROUP_KINDS",
    "POLICY_KINDS",
    "GroupManifest",
    "GroupMember",
    "ManifestKind",
    "PolicyManifest",
    "is_manifest_document",
    "load_manifests",
    "parse_manifest",
]

API_VERSION = "policies.kubewarden.io/v1"


class ManifestKind(StrEnum):
    CLUSTER_ADMISSION_POLICY = "ClusterAdmissionPolicy"
    ADMISSION_POLICY = "AdmissionPolicy"
    CLUSTER_ADMISSION_POLICY_GROUP = "ClusterAdmissionPolicyGroup"
    ADMISSION_POLICY_GROUP = "AdmissionPolicyGroup"

    @property
    def namespaced(self) -> bool:
        return self in (ManifestKind.ADMISSION_POLICY, ManifestKind.ADMISSION_POLICY_GROUP)

    @property
    def is_group(self) -> bool:
        return self in (ManifestKind.CLUSTER_ADMISSION_POLICY_GROUP, ManifestKind.ADMISSION_POLICY_GROUP)


POLICY_KINDS = (ManifestKind.CLUSTER_ADMISSION_POLICY, ManifestKind.ADMISSION_POLICY)
GROUP_KINDS = (ManifestKind.CLUSTER_ADMISSION_POLICY_GROUP, ManifestKind.ADMISSION_POLICY_GROUP)
_API_GROUP = API_VERSION.split("/", 1)[0]


@dataclasses.dataclass(frozen=True)
class _Common:
    """What policies and groups share: identity, scope, deployment options."""

    kind: ManifestKind
    name: str
    namespace: str | None
    mode: str  # protect | monitor
    message: str | None
    rules: tuple[dict[str, Any], ...]
    namespace_selector: dict[str, Any] | None
    object_selector: dict[str, Any] | None
    match_conditions: tuple[dict[str, Any], ...]
    failure_policy: str  # Fail | Ignore
    background_audit: bool
    source_path: Path | None
    #: 0-based index of the document in a multi-document file
    document: int

    @property
    def where(self) -> str:
        base = str(self.source_path) if self.source_path else "manifest"
        return f"{base} (document {self.document + 1}, {self.kind} {self.name})"

    @property
    def base_dir(self) -> Path | None:
        return self.source_path.parent if self.source_path else None


@dataclasses.dataclass(frozen=True)
class PolicyManifest(_Common):
    """A ``ClusterAdmissionPolicy`` or ``AdmissionPolicy``."""

    module: str
    settings: dict[str, Any]
    mutating: bool
    timeout_eval_seconds: int | None
    context_aware_resources: tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True)
class GroupMember:
    """One policy of a group (``spec.policies.<name>``)."""

    name: str
    module: str
    settings: dict[str, Any]
    timeout_eval_seconds: int | None
    context_aware_resources: tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True)
class GroupManifest(_Common):
    """A ``ClusterAdmissionPolicyGroup`` or ``AdmissionPolicyGroup``."""

    policies: tuple[GroupMember, ...]
    expression: str


# -- field readers -----------------------------------------------------------------------
def _where(ctx: str, field: str) -> str:
    return f"{ctx}: field `{field}`"


def _opt(spec: Mapping[str, Any], key: str, kind: type | tuple[type, ...], ctx: str, what: str) -> Any:
    value = spec.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InputError(f"{_where(ctx, key)} must be {what}, got {type(value).__name__}")
    return value


def _list_of_maps(spec: Mapping[str, Any], key: str, ctx: str) -> tuple[dict[str, Any], ...]:
    value = _opt(spec, key, list, ctx, "a list")
    if value is None:
        return ()
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise InputError(f"{_where(ctx, f'{key}[{i}]')} must be a mapping, got {type(item).__name__}")
    return tuple(value)


def _context_aware(spec: Mapping[str, Any], ctx: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for i, item in enumerate(_list_of_maps(spec, "contextAwareResources", ctx)):
        api, kind = item.get("apiVersion"), item.get("kind")
        if not isinstance(api, str) or not isinstance(kind, str):
            raise InputError(
                f"{_where(ctx, f'contextAwareResources[{i}]')} needs string `apiVersion` and `kind`"
            )
        out.append((api, kind))
    return tuple(out)


def _timeout_eval(spec: Mapping[str, Any], ctx: str) -> int | None:
    value = _opt(spec, "timeoutEvalSeconds", int, ctx, "a whole number of seconds")
    if value is not None and value <= 0:
        raise InputError(f"{_where(ctx, 'timeoutEvalSeconds')} must be at least 1 (got {value})")
    return value  # type: ignore[no-any-return]


def _settings(spec: Mapping[str, Any], ctx: str) -> dict[str, Any]:
    value = _opt(spec, "settings", dict, ctx, "a mapping")
    return dict(value) if value else {}


def _module(spec: Mapping[str, Any], ctx: str, field: str = "module") -> str:
    value = spec.get("module")
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{_where(ctx, field)} is required (the policy's module reference)")
    return value.strip()


def is_manifest_document(doc: Any) -> bool:
    """Whether a YAML document is one of the Kubewarden policy kinds."""
    if not isinstance(doc, dict):
        return False
    api = doc.get("apiVersion")
    return (
        isinstance(api, str)
        and api.split("/", 1)[0] == _API_GROUP
        and doc.get("kind") in {k.value for k in ManifestKind}
    )


def parse_manifest(doc: Any, source_path: Path | None = None, document: int = 0) -> PolicyManifest | GroupManifest:
    """One manifest document; raises :class:`InputError` naming the file, document and field."""
    base = f"{source_path or 'manifest'} (document {document + 1})"
    if not isinstance(doc, dict):
        raise InputError(f"{base}: not a mapping")
    kind_text = doc.get("kind")
    if kind_text not in {k.value for k in ManifestKind}:
        raise InputError(
            f"{base}: kind {kind_text!r} is not a Kubewarden policy "
            f"(expected one of {', '.join(k.value for k in ManifestKind)})"
        )
    api = doc.get("apiVersion")
    if not isinstance(api, str) or api.split("/", 1)[0] != _API_GROUP:
        raise InputError(f"{base}: apiVersion {api!r} is not {API_VERSION}")
    kind = ManifestKind(kind_text)
    meta = doc.get("metadata") or {}
    if not isinstance(meta, dict):
        raise InputError(f"{base}: `metadata` must be a mapping")
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        name = "policy-from-manifest"
    namespace = meta.get("namespace")
    if namespace is not None and not isinstance(namespace, str):
        raise InputError(f"{base}: `metadata.namespace` must be a string")
    if kind.namespaced and not namespace:
        namespace = "default"
    ctx = f"{base}, {kind.value} {name}"
    spec = doc.get("spec")
    if not isinstance(spec, dict):
        raise InputError(f"{ctx}: `spec` is required and must be a mapping")
    mode = _opt(spec, "mode", str, ctx, "a string") or "protect"
    if mode not in ("protect", "monitor"):
        raise InputError(f"{_where(ctx, 'mode')} must be protect or monitor, got {mode!r}")
    failure = _opt(spec, "failurePolicy", str, ctx, "a string") or "Fail"
    if failure not in ("Fail", "Ignore"):
        raise InputError(f"{_where(ctx, 'failurePolicy')} must be Fail or Ignore, got {failure!r}")
    background = _opt(spec, "backgroundAudit", bool, ctx, "true or false")
    common: dict[str, Any] = {
        "kind": kind,
        "name": name,
        "namespace": namespace if kind.namespaced else None,
        "mode": mode,
        "message": _opt(spec, "message", str, ctx, "a string"),
        "rules": _list_of_maps(spec, "rules", ctx),
        "namespace_selector": _opt(spec, "namespaceSelector", dict, ctx, "a label selector"),
        "object_selector": _opt(spec, "objectSelector", dict, ctx, "a label selector"),
        "match_conditions": _list_of_maps(spec, "matchConditions", ctx),
        "failure_policy": failure,
        "background_audit": True if background is None else background,
        "source_path": source_path,
        "document": document,
    }
    if not kind.is_group:
        mutating = _opt(spec, "mutating", bool, ctx, "true or false")
        return PolicyManifest(
            **common,
            module=_module(spec, ctx),
            settings=_settings(spec, ctx),
            mutating=bool(mutating),
            timeout_eval_seconds=_timeout_eval(spec, ctx),
            context_aware_resources=_context_aware(spec, ctx),
        )
    members_raw = spec.get("policies")
    if not isinstance(members_raw, dict) or not members_raw:
        raise InputError(f"{_where(ctx, 'policies')} must map member names to policies")
    members: list[GroupMember] = []
    for member_name, member in members_raw.items():
        mctx = f"{ctx}, member {member_name}"
        if not isinstance(member_name, str) or not member_name:
            raise InputError(f"{ctx}: member names in `policies` must be strings")
        if not isinstance(member, dict):
            raise InputError(f"{mctx}: must be a mapping")
        members.append(
            GroupMember(
                name=member_name,
                module=_module(member, mctx),
                settings=_settings(member, mctx),
                timeout_eval_seconds=_timeout_eval(member, mctx),
                context_aware_resources=_context_aware(member, mctx),
            )
        )
    expression = spec.get("expression")
    if not isinstance(expression, str) or not expression.strip():
        raise InputError(f"{_where(ctx, 'expression')} is required for a policy group")
    if not isinstance(spec.get("message"), str):
        raise InputError(f"{_where(ctx, 'message')} is required for a policy group")
    return GroupManifest(**common, policies=tuple(members), expression=expression)


def load_manifests(path: str | Path) -> list[PolicyManifest | GroupManifest]:
    """Every Kubewarden policy in a (multi-document) YAML file; other documents are errors."""
    file = Path(path)
    text = read_text(file, "policy manifest")
    docs = [d for d in load_yaml_all(text, f"policy manifest {file}") if d is not None]
    if not docs:
        raise InputError(f"policy manifest {file} is empty")
    return [parse_manifest(doc, file, i) for i, doc in enumerate(docs)]
