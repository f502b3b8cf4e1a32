"""kwctl's ``Metadata.validate()`` rules, reproduced exactly, plus lints for surprising cases."""

from __future__ import annotations

from workbench.core.errors import MetadataError
from workbench.core.metadata.model import Metadata, Rule

__all__ = ["lint_metadata", "metadata_errors", "validate_metadata"]


def _asterisk(values: list[str]) -> str | None:
    if "*" in values and len(values) > 1:
        return "No other elements can be defined when '*' is used"
    return None


def _resources(data: list[str]) -> str | None:
    """Port of kwctl's ``validate_resources`` with its order-dependent quirks."""
    with_wildcard_sub: set[str] = set()  # x/*
    sub_with_wildcard_res: set[str] = set()  # */x
    double = single = without_sub = False
    for resource in data:
        if resource == "":
            return "empty resource is not allowed"
        if resource == "*/*":
            double = True
        elif resource == "*":
            single = True
        if "/" not in resource:
            without_sub = resource != "*"  # overwritten per element, as kwctl does
            continue
        res, sub = resource.split("/", 1)
        if res in with_wildcard_sub:
            # kwctl formats the message with the whole resource (sic)
            return f"if '{resource}/*' is present, must not specify {res}"
        if sub in sub_with_wildcard_res:
            return f"if '*/{sub}' is present, must not specify {resource}"
        if sub == "*":
            with_wildcard_sub.add(res)
        if res == "*":
            sub_with_wildcard_res.add(sub)
    if len(data) > 1 and double:
        return "if '*/*' is present, must not specify other resources"
    if single and without_sub:
        return "if '*' is present, must not specify other resources without subresources"
    return None


def _rule_errors(rule: Rule, where: str) -> list[str]:
    errors: list[str] = []
    for attr, key in (
        ("api_groups", "apiGroups"),
        ("api_versions", "apiVersions"),
        ("resources", "resources"),
        ("operations", "operations"),
    ):
        values = getattr(rule, attr)
        if len(values) < 1:
            errors.append(f"{where}.{key}: must contain at least one element")
            continue
        problem = _resources(values) if key == "resources" else _asterisk(values)
        if problem:
            errors.append(f"{where}.{key}: {problem}")
    return errors


def metadata_errors(md: Metadata) -> list[str]:
    """Every validation failure, each naming the field (empty list = valid)."""
    errors: list[str] = []
    if md.protocol_version is None:
        errors.append("protocolVersion: must be set")
    elif md.execution_mode == "kubewarden-wapc" and md.protocol_version == "Unknown":
        errors.append("protocolVersion: Must specify a valid protocol version")
    for i, rule in enumerate(md.rules):
        errors.extend(_rule_errors(rule, f"rules[{i}]"))
    for i, car in enumerate(md.context_aware_resources):
        if not car.api_version:
            errors.append(f"contextAwareResources[{i}].apiVersion: must not be empty")
        if not car.kind:
            errors.append(f"contextAwareResources[{i}].kind: must not be empty")
    return errors


def validate_metadata(md: Metadata) -> None:
    """Raise MetadataError("Metadata is invalid: ...") like ``kwctl annotate`` when invalid."""
    errors = metadata_errors(md)
    if errors:
        raise MetadataError("Metadata is invalid: " + "; ".join(errors))


def lint_metadata(md: Metadata) -> list[str]:
    """Warnings for metadata kwctl accepts but that is probably not what the author meant."""
    warnings: list[str] = []
    for i, rule in enumerate(md.rules):
        res = rule.resources
        plain = [r for r in res if "/" not in r and r != "*"]
        if "*" in res and plain:
            warnings.append(
                f"rules[{i}].resources: '*' together with {', '.join(repr(p) for p in plain)} "
                "is accepted by kwctl only when '*' is not the last resource without a subresource; "
                "'*' already matches every resource"
            )
        for r in res:
            if "/" in r:
                base, sub = r.split("/", 1)
                if sub != "*" and f"{base}/*" in res:
                    warnings.append(f"rules[{i}].resources: {r!r} is already covered by '{base}/*'")
                if base != "*" and f"*/{sub}" in res:
                    warnings.append(f"rules[{i}].resources: {r!r} is already covered by '*/{sub}'")
    if not md.rules:
        warnings.append("rules: the policy declares no rules, so Kubernetes will never send it a request")
    if md.mutating and md.execution_mode in ("opa", "gatekeeper"):
        warnings.append(
            "mutating: Rego policies can only mutate by returning their own patch (opa mode); "
            "gatekeeper mode never mutates"
        )
    if md.annotations is None or "io.kubewarden.policy.title" not in md.annotations:
        warnings.append("annotations: no io.kubewarden.policy.title (used by scaffold manifest and inspect)")
    return warnings
