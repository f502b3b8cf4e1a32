"""What a module is: the report behind ``inspect`` (CLI) and the Module pane (GUI)."""

from __future__ import annotations

from typing import Any

from workbench.core.metadata import lint_metadata, metadata_errors
from workbench.core.module import KIND_OPA, KIND_UNKNOWN, PolicyModule

__all__ = ["inspect_module", "module_warnings"]


def module_warnings(module: PolicyModule) -> list[str]:
    """Everything worth telling the author about a module, beyond its facts."""
    warnings = list(module.warnings)
    md = module.metadata
    if module.kind == KIND_UNKNOWN:
        warnings.append(f"not a runnable policy: {module.kind_reason}")
    if md is None:
        warnings.append("the module is not annotated (no io.kubewarden.metadata section)")
        return warnings
    for problem in metadata_errors(md):
        warnings.append(f"metadata is invalid: {problem}")
    warnings.extend(f"metadata: {w}" for w in lint_metadata(md))
    if md.minimum_kubewarden_version is not None:
        from workbench.core.errors import MetadataError
        from workbench.core.session import check_minimum_version

        try:
            check_minimum_version(md)
        except MetadataError as exc:  # run refuses it; inspect says so up front
            warnings.append(f"minimumKubewardenVersion: {exc}")
    mode = md.execution_mode
    if mode in ("opa", "gatekeeper") and not module.is_rego:
        warnings.append(f"executionMode {mode} needs an OPA-ABI module, but this one is {module.kind}")
    if mode == "kubewarden-wapc" and module.kind != "kubewarden-wapc":
        warnings.append(f"executionMode kubewarden-wapc needs a waPC module, but this one is {module.kind}")
    if mode == "wasi" and module.kind != "wasi":
        warnings.append(f"executionMode wasi needs a WASI command module, but this one is {module.kind}")
    return warnings


def _opa_facts(module: PolicyModule) -> dict[str, Any] | None:
    if module.kind != KIND_OPA:
        return None
    from workbench.core.engines.opa import preflight

    info = preflight.inspect_opa_module(module)
    warnings: list[str] = []
    if module.metadata is not None:
        warnings.extend(preflight.mode_warnings(module, module.metadata.execution_mode))
    from workbench.core.engines.opa.builtins.profile import kubewarden_missing_builtins

    lacking = kubewarden_missing_builtins(info.required_builtins)
    if lacking:
        warnings.append(
            "Kubewarden's policy-server (Burrego) lacks these builtins, so the policy fails there: "
            f"{', '.join(lacking)} (run it here with --builtins opa; see docs/builtins.md)"
        )
    return {
        "abi_version": info.abi_version_text,
        "entrypoints": dict(info.entrypoints),
        "required_builtins": sorted(info.required_builtins),
        "missing_builtins": sorted(preflight.missing_builtins(module)),
        "kubewarden_missing_builtins": lacking,
        "warnings": warnings,
    }


def inspect_module(module: PolicyModule) -> dict[str, Any]:
    """Stable, machine-readable facts (keys as documented for ``inspect -o json``)."""
    imports: dict[str, list[dict[str, str]]] = {}
    for mod_name, items in module.info.imports_by_module().items():
        imports[mod_name] = [{"name": i.name, "kind": i.kind} for i in items]
    report: dict[str, Any] = {
        "path": str(module.path) if module.path else None,
        "sha256": module.sha256,
        "size": module.size,
        "kind": module.kind,
        "kind_reason": module.kind_reason,
        "abi": {"major": module.abi[0], "minor": module.abi[1]} if module.abi else None,
        "imports": imports,
        "exports": [{"name": e.name, "kind": e.kind} for e in module.info.exports],
        "custom_sections": [{"name": c.name, "size": c.size} for c in module.info.custom_sections],
        "metadata": module.metadata.to_dict() if module.metadata else None,
        "warnings": module_warnings(module),
    }
    opa = _opa_facts(module)
    if opa is not None:
        report["opa"] = opa
        report["warnings"].extend(opa.get("warnings", []))
    return report
