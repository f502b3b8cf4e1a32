"""A ValidatingAdmissionPolicy + binding turned into a Kubewarden CEL policy, as ``kwctl scaffold vap`` does.

kwctl's conversion (``src/scaffold/vap.rs``; docs/kubewarden-parity.md, section "Scaffolds"):

* ``kind: ClusterAdmissionPolicy``, ``metadata`` = the *binding*'s metadata;
* ``spec.module`` = the CEL policy (default ``ghcr.io/kubewarden/policies/cel-policy:latest``,
  with a warning when it is ``latest`` or has no tag);
* ``spec.settings``: ``failurePolicy`` (the VAP's), ``variables``, ``paramKind`` + the binding's
  ``paramRef`` (both or neither, else an error), ``validations`` — in that order;
* ``spec.rules`` from ``matchConstraints.resourceRules`` (apiGroups, apiVersions, resources,
  operations; other rule fields dropped), ``spec.mutating: false``, then ``matchPolicy``,
  the binding's ``matchResources.namespaceSelector`` and the VAP's ``objectSelector`` when set;
* ``matchConditions`` and ``auditAnnotations`` are not supported by the CEL policy yet: they are
  dropped with kwctl's warnings.

Kubernetes objects keep the field order of their Go/k8s-openapi types (alphabetical JSON names)
and the text is serde_yaml's (:mod:`workbench.core.scaffold.kwyaml`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from workbench.core.errors import InputError
from workbench.core.scaffold.kwyaml import dump_kwctl_yaml

__all__ = ["DEFAULT_CEL_POLICY", "VapResult", "convert_vap", "scaffold_vap"]

DEFAULT_CEL_POLICY = "ghcr.io/kubewarden/policies/cel-policy:latest"
LATEST_WARNING = (
    "Using the 'latest' version of the CEL policy could lead to unexpected behavior. It is recommended to "
    "use a specific version to avoid breaking changes."
)
NOT_A_REFERENCE_WARNING = "The CEL policy module specified is not a valid OCI reference"
AUDIT_ANNOTATIONS_WARNING = (
    "auditAnnotations are not supported by Kubewarden's CEL policy yet. They will be ignored."
)
MATCH_CONDITIONS_WARNING = (
    "matchConditions are not supported by Kubewarden's CEL policy yet. They will be ignored."
)

_API_VERSION = "admissionregistration.k8s.io/v1"
_OPERATIONS = ("CREATE", "UPDATE", "DELETE", "CONNECT", "*")
# k8s-openapi field order (alphabetical JSON names) of the objects copied into the manifest
_OBJECT_META = ("annotations", "creationTimestamp", "deletionGracePeriodSeconds", "deletionTimestamp",
                "finalizers", "generateName", "generation", "labels", "managedFields", "name", "namespace",
                "ownerReferences", "resourceVersion", "selfLink", "uid")  # fmt: skip
_VARIABLE = ("expression", "name")
_VALIDATION = ("expression", "message", "messageExpression", "reason")
_PARAM_KIND = ("apiVersion", "kind")
_PARAM_REF = ("name", "namespace", "parameterNotFoundAction", "selector")
_LABEL_SELECTOR = ("matchExpressions", "matchLabels")
_SELECTOR_REQUIREMENT = ("key", "operator", "values")


@dataclasses.dataclass(frozen=True)
class VapResult:
    document: dict[str, Any]
    text: str
    warnings: tuple[str, ...] = ()


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> InputError:
        return InputError(f"{self.source}: {where}: {problem}")

    def mapping(self, value: Any, where: str) -> dict[str, Any] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, got {type(value).__name__}")
        return value

    def string(self, value: Any, where: str, *, required: bool = False) -> str | None:
        if value is None:
            if required:
                raise self.fail(where, "missing field")
            return None
        if not isinstance(value, str):
            raise self.fail(where, f"expected a string, got {type(value).__name__}")
        return value

    def strings(self, value: Any, where: str) -> list[str] | None:
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, "expected a list of strings")
        return list(value)

    def items(self, value: Any, where: str) -> list[Any] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, got {type(value).__name__}")
        return value

    def struct(
        self, value: Any, where: str, order: tuple[str, ...], *, strings: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        data = self.mapping(value, where) or {}
        out: dict[str, Any] = {}
        for key in order:
            if data.get(key) is None:
                continue
            if key in strings:
                out[key] = self.string(data[key], f"{where}.{key}")
            else:
                out[key] = data[key]
        return out

    def selector(self, value: Any, where: str) -> dict[str, Any] | None:
        if value is None:
            return None
        selector = self.struct(value, where, _LABEL_SELECTOR)
        if "matchLabels" in selector:
            labels = self.mapping(selector["matchLabels"], f"{where}.matchLabels") or {}
            for key, label in labels.items():
                self.string(label, f"{where}.matchLabels.{key}")
            selector["matchLabels"] = dict(sorted(labels.items()))
        if "matchExpressions" in selector:
            requirements = self.items(selector["matchExpressions"], f"{where}.matchExpressions") or []
            selector["matchExpressions"] = [
                self.struct(
                    r, f"{where}.matchExpressions[{i}]", _SELECTOR_REQUIREMENT, strings=("key", "operator")
                )
                for i, r in enumerate(requirements)
            ]
        return selector


def _check_object(doc: Any, kind: str, reader: _Reader) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise InputError(f"{reader.source}: cannot convert given data into a {kind}: expected a mapping")
    if doc.get("kind") != kind or doc.get("apiVersion") != _API_VERSION:
        raise InputError(
            f"{reader.source}: cannot convert given data into a {kind}: expected apiVersion {_API_VERSION} "
            f"and kind {kind}, got {doc.get('apiVersion')!r} and {doc.get('kind')!r}"
        )
    return doc


def _metadata(value: Any, reader: _Reader) -> dict[str, Any]:
    meta = reader.struct(value, "metadata", _OBJECT_META)
    for key in ("labels", "annotations"):
        if key in meta:
            mapping = reader.mapping(meta[key], f"metadata.{key}") or {}
            meta[key] = dict(sorted(mapping.items()))
    return meta


def _rules(constraints: dict[str, Any], reader: _Reader) -> list[dict[str, Any]]:
    rules = reader.items(constraints.get("resourceRules"), "spec.matchConstraints.resourceRules") or []
    out: list[dict[str, Any]] = []
    for i, rule in enumerate(rules):
        where = f"spec.matchConstraints.resourceRules[{i}]"
        data = reader.mapping(rule, where) or {}
        operations = reader.strings(data.get("operations"), f"{where}.operations") or []
        for op in operations:
            if op not in _OPERATIONS:
                raise InputError(
                    f"{reader.source}: error converting VAP matchConstraints into rules: unknown operation {op!r}"
                )
        out.append(
            {
                "apiGroups": reader.strings(data.get("apiGroups"), f"{where}.apiGroups") or [],
                "apiVersions": reader.strings(data.get("apiVersions"), f"{where}.apiVersions") or [],
                "resources": reader.strings(data.get("resources"), f"{where}.resources") or [],
                "operations": operations,
            }
        )
    return out


def _cel_policy_warnings(module: str) -> list[str]:
    from workbench.core.oci.reference import parse_oci_reference

    if "://" in module:
        return [NOT_A_REFERENCE_WARNING]
    try:
        parsed = parse_oci_reference(module)
    except InputError:
        return [NOT_A_REFERENCE_WARNING]
    last = module.rsplit("/", 1)[-1]
    explicit_tag = ":" in last.split("@", 1)[0]
    if parsed.digest and not explicit_tag:
        return []
    if not explicit_tag or parsed.tag == "latest":
        return [LATEST_WARNING]
    return []


def convert_vap(
    vap: Any, binding: Any, cel_policy: str = DEFAULT_CEL_POLICY, *, vap_source: str = "policy",
    binding_source: str = "binding",
) -> VapResult:  # fmt: skip
    """The ClusterAdmissionPolicy for a parsed ValidatingAdmissionPolicy and its binding."""
    vr, br = _Reader(vap_source), _Reader(binding_source)
    vap = _check_object(vap, "ValidatingAdmissionPolicy", vr)
    binding = _check_object(binding, "ValidatingAdmissionPolicyBinding", br)
    warnings = _cel_policy_warnings(cel_policy)
    spec = vr.mapping(vap.get("spec"), "spec") or {}
    binding_spec = br.mapping(binding.get("spec"), "spec") or {}
    if spec.get("auditAnnotations") is not None:
        warnings.append(AUDIT_ANNOTATIONS_WARNING)
    if spec.get("matchConditions") is not None:
        warnings.append(MATCH_CONDITIONS_WARNING)

    settings: dict[str, Any] = {}
    failure = vr.string(spec.get("failurePolicy"), "spec.failurePolicy")
    if failure is not None:
        settings["failurePolicy"] = failure
    variables = vr.items(spec.get("variables"), "spec.variables")
    if variables is not None:
        settings["variables"] = [
            vr.struct(v, f"spec.variables[{i}]", _VARIABLE, strings=_VARIABLE)
            for i, v in enumerate(variables)
        ]
        for i, variable in enumerate(settings["variables"]):
            for key in _VARIABLE:
                if key not in variable:
                    raise vr.fail(f"spec.variables[{i}].{key}", "missing field")
    param_kind, param_ref = spec.get("paramKind"), binding_spec.get("paramRef")
    if (param_kind is None) != (param_ref is None):
        raise InputError("Both paramKind and paramRef must be present together, or both absent")
    if param_kind is not None:
        settings["paramKind"] = vr.struct(param_kind, "spec.paramKind", _PARAM_KIND, strings=_PARAM_KIND)
        ref = br.struct(
            param_ref, "spec.paramRef", _PARAM_REF, strings=("name", "namespace", "parameterNotFoundAction")
        )
        if "selector" in ref:
            ref["selector"] = br.selector(ref["selector"], "spec.paramRef.selector")
        settings["paramRef"] = ref
    validations = vr.items(spec.get("validations"), "spec.validations")
    if validations is not None:
        settings["validations"] = [
            vr.struct(v, f"spec.validations[{i}]", _VALIDATION, strings=_VALIDATION)
            for i, v in enumerate(validations)
        ]
        for i, validation in enumerate(settings["validations"]):
            if "expression" not in validation:
                raise vr.fail(f"spec.validations[{i}].expression", "missing field")

    constraints = vr.mapping(spec.get("matchConstraints"), "spec.matchConstraints") or {}
    match_resources = br.mapping(binding_spec.get("matchResources"), "spec.matchResources") or {}
    manifest_spec: dict[str, Any] = {
        "module": cel_policy,
        "settings": settings,
        "rules": _rules(constraints, vr),
        "mutating": False,
    }
    match_policy = vr.string(constraints.get("matchPolicy"), "spec.matchConstraints.matchPolicy")
    if match_policy is not None:
        manifest_spec["matchPolicy"] = match_policy
    namespace_selector = br.selector(
        match_resources.get("namespaceSelector"), "spec.matchResources.namespaceSelector"
    )
    if namespace_selector is not None:
        manifest_spec["namespaceSelector"] = namespace_selector
    object_selector = vr.selector(constraints.get("objectSelector"), "spec.matchConstraints.objectSelector")
    if object_selector is not None:
        manifest_spec["objectSelector"] = object_selector
    document = {
        "apiVersion": "policies.kubewarden.io/v1",
        "kind": "ClusterAdmissionPolicy",
        "metadata": _metadata(binding.get("metadata"), br),
        "spec": manifest_spec,
    }
    return VapResult(document, dump_kwctl_yaml(document), tuple(warnings))


def scaffold_vap(
    policy_path: str | Path, binding_path: str | Path, cel_policy: str = DEFAULT_CEL_POLICY
) -> VapResult:
    """``kwctl scaffold vap -p POLICY -b BINDING [--cel-policy REF]`` from two YAML files."""
    from workbench.core.yamlio import load_yaml, read_text

    vap = load_yaml(read_text(policy_path, "ValidatingAdmissionPolicy file"), str(policy_path))
    binding = load_yaml(read_text(binding_path, "ValidatingAdmissionPolicyBinding file"), str(binding_path))
    return convert_vap(
        vap, binding, cel_policy, vap_source=str(policy_path), binding_source=str(binding_path)
    )
