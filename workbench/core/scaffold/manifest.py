"""ClusterAdmissionPolicy / AdmissionPolicy YAML, exactly like ``kwctl scaffold manifest`` (docs/kubewarden-compat.md §14).

* metadata is validated first;
* ``metadata.name`` = ``title`` or the ``io.kubewarden.policy.title`` annotation, checked as an
  RFC 1123 name (omitted when neither exists);
* ``metadata.annotations`` = only the severity / category annotations, when present;
* ``spec.module`` = the module URI with its scheme (``file:///abs.wasm``, ``registry://host/repo:tag``);
* ``spec.settings`` (default ``{}``), ``spec.rules``, ``spec.mutating``; ``spec.backgroundAudit``
  only when false; ``spec.contextAwareResources`` only for a ClusterAdmissionPolicy, only when
  non-empty and ``allow_context_aware`` (otherwise dropped with a warning).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import yaml

from workbench.core.errors import InputError, MetadataError
from workbench.core.metadata.model import Metadata
from workbench.core.metadata.validate import validate_metadata

__all__ = [
    "MANIFEST_TYPES",
    "ManifestResult",
    "module_uri",
    "scaffold_manifest",
    "validate_policy_name",
]

MANIFEST_TYPES = ("ClusterAdmissionPolicy", "AdmissionPolicy")
API_VERSION = "policies.kubewarden.io/v1"
TITLE_ANNOTATION = "io.kubewarden.policy.title"
COPIED_ANNOTATIONS = ("io.kubewarden.policy.category", "io.kubewarden.policy.severity")
_SCHEMES = ("registry://", "https://", "http://", "file://")
_RFC1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


@dataclasses.dataclass(frozen=True)
class ManifestResult:
    """The CR as a mapping, its YAML text, and warnings to show the user."""

    document: dict[str, Any]
    text: str
    warnings: tuple[str, ...] = ()


def validate_policy_name(name: str) -> str:
    """Return ``name`` if it is an RFC 1123 subdomain (a valid ``metadata.name``), else raise."""
    problems = []
    if not name:
        problems.append("it is empty")
    elif len(name) > 253:
        problems.append("it is longer than 253 characters")
    elif not all(_RFC1123_LABEL.match(label) for label in name.split(".")):
        problems.append(
            "it must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
            "with an alphanumeric character"
        )
    if problems:
        raise InputError(f"invalid policy name {name!r}: {problems[0]}")
    return name


def module_uri(source: str | Path) -> str:
    """The URI kwctl writes in ``spec.module``: a scheme is always present.

    A local file becomes ``file://<absolute path>``; a bare ``host/repo[:tag]`` becomes
    ``registry://…`` with ``:latest`` added when it has neither tag nor digest.
    """
    if isinstance(source, Path):
        return "file://" + str(source.resolve())
    text = source.strip()
    if not text:
        raise InputError("the module reference is empty")
    if text.startswith(_SCHEMES):
        if text.startswith("registry://"):
            return "registry://" + _with_tag(text[len("registry://") :])
        return text
    if Path(text).exists() or text.startswith(("/", "./", "../", "~")):
        return "file://" + str(Path(text).expanduser().resolve())
    return "registry://" + _with_tag(text)


def _with_tag(reference: str) -> str:
    if "@" in reference:
        return reference
    last = reference.rsplit("/", 1)[-1]
    if ":" in last:
        return reference
    return reference + ":latest"


def _metadata_dict(metadata: Metadata | dict[str, Any] | None) -> dict[str, Any]:
    if metadata is None:
        raise MetadataError("the policy is not annotated: scaffolding a manifest needs its metadata")
    if isinstance(metadata, dict):
        metadata = Metadata.from_dict(metadata)
    validate_metadata(metadata)
    return metadata.to_dict()


def scaffold_manifest(
    metadata: Metadata | dict[str, Any] | None,
    module: str | Path,
    kind: str = "ClusterAdmissionPolicy",
    *,
    settings: dict[str, Any] | None = None,
    title: str | None = None,
    allow_context_aware: bool = False,
) -> ManifestResult:
    """Build the Kubewarden CR for a policy.

    ``metadata`` is a :class:`~workbench.core.metadata.Metadata` or its camelCase dict; it is
    validated first (``MetadataError("Metadata is invalid: …")``), as kwctl does.
    """
    if kind not in MANIFEST_TYPES:
        raise InputError(
            f"unknown manifest type {kind!r}: expected ClusterAdmissionPolicy or AdmissionPolicy"
        )
    if settings is not None and not isinstance(settings, dict):
        raise InputError("settings must be a mapping (an object)")
    md = _metadata_dict(metadata)
    annotations: dict[str, str] = dict(md.get("annotations") or {})
    warnings: list[str] = []

    meta: dict[str, Any] = {}
    name = title if title is not None else annotations.get(TITLE_ANNOTATION)
    if name is not None:
        meta["name"] = validate_policy_name(name)
    copied = {key: annotations[key] for key in sorted(COPIED_ANNOTATIONS) if key in annotations}
    if copied:
        meta["annotations"] = copied

    spec: dict[str, Any] = {
        "module": module_uri(module),
        "settings": dict(settings or {}),
        "rules": [
            {
                "apiGroups": list(rule.get("apiGroups", [])),
                "apiVersions": list(rule.get("apiVersions", [])),
                "resources": list(rule.get("resources", [])),
                "operations": list(rule.get("operations", [])),
            }
            for rule in md.get("rules") or []
        ],
        "mutating": bool(md.get("mutating", False)),
    }
    if md.get("backgroundAudit", True) is False:
        spec["backgroundAudit"] = False
    context_aware = [dict(r) for r in md.get("contextAwareResources") or []]
    if context_aware:
        listed = ", ".join(f"{r.get('apiVersion')}/{r.get('kind')}" for r in context_aware)
        if kind == "AdmissionPolicy":
            warnings.append(
                f"the policy reads cluster resources ({listed}) but an AdmissionPolicy cannot be granted "
                "access to them: use a ClusterAdmissionPolicy"
            )
        elif allow_context_aware:
            spec["contextAwareResources"] = [
                {"apiVersion": r.get("apiVersion"), "kind": r.get("kind")} for r in context_aware
            ]
        else:
            warnings.append(
                f"the policy reads cluster resources ({listed}); they were left out of the manifest: "
                "allow context-aware access (--allow-context-aware) to grant them"
            )

    document: dict[str, Any] = {"apiVersion": API_VERSION, "kind": kind}
    if meta:
        document["metadata"] = meta
    document["spec"] = spec
    text = yaml.safe_dump(document, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return ManifestResult(document=document, text=text, warnings=tuple(warnings))
