"""The public surface of the Policy Workbench core: the only module front ends import.

The CLI (``workbench.cli``), the window (``workbench.gui``), the benchmarks and the demo
import names from ``workbench.core`` and nothing deeper; ``tests/core/test_exported_members.py``
pins :data:`__all__`, and ``tests/test_front_ends_use_public_core.py`` fails when a front end
imports a private core module. See ``docs/architecture.md``.

Names are resolved lazily (PEP 562) so that ``import workbench.core`` stays cheap: the
CLI's ``--version`` must not load wasmtime, Qt-free or not. The table maps each public
name to the module that defines it; the ``TYPE_CHECKING`` block gives type checkers the
same names.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: public name -> defining module (relative to this package)
_EXPORTS: dict[str, str] = {
    # errors
    "WorkbenchError": "errors",
    "InputError": "errors",
    "RequestError": "errors",
    "SettingsError": "errors",
    "ModuleError": "errors",
    "UnsupportedAbiError": "errors",
    "MetadataError": "errors",
    "EvaluationError": "errors",
    "EvaluationTimeout": "errors",
    "EvaluationCancelled": "errors",
    "PolicyTrap": "errors",
    "MissingBuiltinError": "errors",
    "BuiltinError": "errors",
    "HostCapabilityError": "errors",
    "RegistryError": "errors",
    "RegistryAuthError": "errors",
    "RegistryNotFound": "errors",
    "RegistryTLSError": "errors",
    "RegistryUnavailable": "errors",
    "StoreError": "errors",
    "SignatureError": "errors",
    "OperationCancelled": "errors",
    # the one way in: sources, sessions, verdicts
    "PolicySource": "session",
    "SourceKind": "session",
    "Session": "session",
    "RunConfig": "session",
    "RegistryOptions": "session",
    "open_session": "session",
    "load_policy_module": "session",
    "Verdict": "session",
    "classify": "session",
    "ExecutionMode": "session",
    "PolicyMode": "session",
    "PolicyKind": "session",
    "ModuleReport": "session",
    "module_report": "session",
    "open_sessions": "session",
    "Evaluation": "session",
    "parse_timeout": "session",
    "KUBEWARDEN_COMPAT_VERSION": "session",
    # Kubewarden policy manifests
    "PolicyManifest": "manifests",
    "GroupManifest": "manifests",
    "GroupMember": "manifests",
    "ManifestKind": "manifests",
    "load_manifests": "manifests",
    # engine vocabulary
    "CancelToken": "engines.base",
    "LogRecord": "engines.base",
    "LogSink": "engines.base",
    "ValidationRequest": "engines.base",
    "ValidationOutcome": "engines.base",
    "SettingsOutcome": "engines.base",
    "AdmissionResponse": "engines.response",
    "PostProcessing": "engines.response",
    "DEFAULT_TIMEOUT": "engines.base",
    "DEFAULT_MEMORY_LIMIT": "engines.base",
    "BuiltinOptions": "engines.opa.builtins",
    "BuiltinProfile": "engines.opa.builtins",
    "KubewardenMissingBuiltinError": "engines.opa.builtins",
    "kubewarden_missing_builtins": "engines.opa.builtins",
    "EngineOptions": "engines.base",
    "OpaEngine": "engines.opa.engine",
    "BuiltinStatus": "engines.opa.builtins.status",
    "OPA_VERSION": "engines.opa.builtins.status",
    "all_builtins": "engines.opa.builtins.status",
    # modules, metadata, inspection, annotation
    "PolicyModule": "module",
    "load_module": "module",
    "Metadata": "metadata",
    "inspect_module": "inspect",
    "module_warnings": "inspect",
    "annotate_module": "annotate",
    "rego_source_facts": "engines.rego_source",
    # requests, settings, files
    "load_request": "requests",
    "parse_request": "requests",
    "load_settings": "requests",
    "dump_yaml": "yamlio",
    "load_json_or_yaml": "yamlio",
    "read_text": "yamlio",
    "atomic_write": "yamlio",
    # scaffolds
    "scaffold_metadata": "scaffold.metadata",
    "scaffold_manifest": "scaffold.manifest",
    "scaffold_admission_request": "scaffold.admission_request",
    "wrap_admission_review": "scaffold.admission_request",
    "resource_for_kind": "scaffold.admission_request",
    "request_template": "scaffold.templates",
    "template_names": "scaffold.templates",
    "TEMPLATE_KINDS": "scaffold.templates",
    # signatures (cosign / Sigstore; see docs/signatures.md)
    "VerificationOptions": "signatures",
    "VerificationReport": "signatures",
    "VerificationConfig": "signatures",
    "SignatureInfo": "signatures",
    "SignerKind": "signatures",
    "RequirementResult": "signatures",
    "CertificateIdentity": "signatures",
    "SignResult": "signatures",
    "TrustRoot": "signatures",
    "PublicKey": "signatures",
    "PrivateKey": "signatures",
    "verify_policy": "signatures",
    "evaluate_policy": "signatures",
    "list_signatures": "signatures",
    "sign_policy": "signatures",
    "verification_options": "signatures",
    "scaffold_verification_config": "signatures",
    "parse_verification_config": "signatures",
    "load_verification_config": "signatures",
    "load_trust_root": "signatures",
    "trust_root_from_pem_files": "signatures",
    "load_public_key_file": "signatures",
    "load_private_key_file": "signatures",
    # policy groups, air-gap (see docs/kubewarden-parity.md)
    "GroupSession": "groups",
    "GroupOutcome": "groups",
    "MemberOutcome": "groups",
    "open_group_session": "groups",
    "ExpressionError": "group_expr",
    "ExpressionErrorKind": "group_expr",
    "GroupExpression": "group_expr",
    "check_group_expression": "group_expr",
    "parse_group_expression": "group_expr",
    "save_policies": "airgap",
    "load_policies": "airgap",
    "describe_policies": "airgap",
    "SavedPolicy": "airgap",
    "LoadedPolicy": "airgap",
    "scaffold_vap": "scaffold.vap",
    "scaffold_artifacthub": "scaffold.artifacthub",
    # test suites (docs/suites.md)
    "CaseResult": "suites",
    "CaseRunner": "suites",
    "CaseSpec": "suites",
    "CaseStatus": "suites",
    "Expectation": "suites",
    "ImpactChange": "suites",
    "OutputFormat": "suites",
    "PolicySpec": "suites",
    "Position": "suites.model",
    "Suite": "suites",
    "SuiteError": "suites",
    "SuiteRun": "suites",
    "SuiteUpdate": "suites",
    "apply_updates": "suites",
    "compare_runs": "suites",
    "default_jobs": "suites",
    "discover_suites": "suites",
    "format_run": "suites",
    "impact_overrides": "suites",
    "import_gator": "suites",
    "load_suite": "suites",
    "load_suites": "suites",
    "parse_shard": "suites",
    "plan_jobs": "suites",
    "plan_updates": "suites",
    "render_updates": "suites",
    "run_impact": "suites",
    "run_suites": "suites",
    "shard_of": "suites",
    "suite_schema": "suites",
    # match scope
    "FailurePolicy": "scope",
    "MatchRules": "scope",
    "ScopeDecision": "scope",
    "ScopeOutcome": "scope",
    "ScopeStep": "scope",
    "check_scope": "scope",
    "check_session_scope": "scope",
    "match_rules_of": "scope",
    # demo
    "load_demo": "demo",
    "run_headless_demo": "demo",
    # the window's needs (helper G): registry, metadata vocabulary, Rego tools, run history
    "Comparison": "compare",
    "compare_engines": "compare",
    "Credentials": "oci.credentials",
    "DockerConfig": "oci.credentials",
    "OciReference": "oci.reference",
    "parse_oci_reference": "oci.reference",
    "Sources": "oci.sources",
    "load_sources": "oci.sources",
    "RegistryClient": "oci.client",
    "PushResult": "oci.client",
    "Store": "oci.store",
    "load_docker_config": "oci.credentials",
    "ProgressCallback": "oci.client",
    "TransportOptions": "oci.client",
    "fetch_module": "oci.fetch",
    "FileReference": "oci.reference",
    "parse_reference": "oci.reference",
    "EXECUTION_MODES": "metadata",
    "OPERATIONS": "metadata",
    "POLICY_TYPES": "metadata",
    "WELL_KNOWN_ANNOTATIONS": "metadata",
    "dump_metadata_yaml": "metadata",
    "lint_metadata": "metadata",
    "metadata_errors": "metadata",
    "HistoryEntry": "history",
    "HistoryStore": "history",
    "compare_entries": "history",
    "default_history_path": "history",
    "text_digest": "history",
    "INSTALL_HINT": "demo_registry",
    "find_registry_binary": "demo_registry",
    "push_demo_policy": "demo_registry",
    "start_demo_registry": "demo_registry",
    "OPA_MISSING_HELP": "rego_build",
    "build_wasm": "rego_build",
    "find_opa": "rego_build",
    "RegoSource": "engines.rego_source",
    "load_rego_source": "engines.rego_source",
    "default_entrypoint": "engines.rego_source",
    "resolve_rego_mode": "engines.rego_source",
    "load_yaml": "yamlio",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    try:
        module_name = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'workbench.core' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"{__name__}.{module_name}"), name)
    globals()[name] = value  # resolve once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # the same names, for type checkers and IDEs
    from workbench.core.airgap import (
        LoadedPolicy,
        SavedPolicy,
        describe_policies,
        load_policies,
        save_policies,
    )
    from workbench.core.annotate import annotate_module
    from workbench.core.compare import Comparison, compare_engines
    from workbench.core.demo import load_demo, run_headless_demo
    from workbench.core.demo_registry import (
        INSTALL_HINT,
        find_registry_binary,
        push_demo_policy,
        start_demo_registry,
    )
    from workbench.core.engines.base import (
        DEFAULT_MEMORY_LIMIT,
        DEFAULT_TIMEOUT,
        CancelToken,
        EngineOptions,
        LogRecord,
        LogSink,
        SettingsOutcome,
        ValidationOutcome,
        ValidationRequest,
    )
    from workbench.core.engines.opa.builtins import (
        BuiltinOptions,
        BuiltinProfile,
        KubewardenMissingBuiltinError,
        kubewarden_missing_builtins,
    )
    from workbench.core.engines.opa.builtins.status import OPA_VERSION, BuiltinStatus, all_builtins
    from workbench.core.engines.opa.engine import OpaEngine
    from workbench.core.engines.rego_source import (
        RegoSource,
        default_entrypoint,
        load_rego_source,
        rego_source_facts,
        resolve_rego_mode,
    )
    from workbench.core.engines.response import AdmissionResponse, PostProcessing
    from workbench.core.errors import (
        BuiltinError,
        EvaluationCancelled,
        EvaluationError,
        EvaluationTimeout,
        HostCapabilityError,
        InputError,
        MetadataError,
        MissingBuiltinError,
        ModuleError,
        OperationCancelled,
        PolicyTrap,
        RegistryAuthError,
        RegistryError,
        RegistryNotFound,
        RegistryTLSError,
        RegistryUnavailable,
        RequestError,
        SettingsError,
        SignatureError,
        StoreError,
        UnsupportedAbiError,
        WorkbenchError,
    )
    from workbench.core.group_expr import (
        ExpressionError,
        ExpressionErrorKind,
        GroupExpression,
        check_group_expression,
        parse_group_expression,
    )
    from workbench.core.groups import GroupOutcome, GroupSession, MemberOutcome, open_group_session
    from workbench.core.history import (
        HistoryEntry,
        HistoryStore,
        compare_entries,
        default_history_path,
        text_digest,
    )
    from workbench.core.inspect import inspect_module, module_warnings
    from workbench.core.manifests import (
        GroupManifest,
        GroupMember,
        ManifestKind,
        PolicyManifest,
        load_manifests,
    )
    from workbench.core.metadata import (
        EXECUTION_MODES,
        OPERATIONS,
        POLICY_TYPES,
        WELL_KNOWN_ANNOTATIONS,
        Metadata,
        dump_metadata_yaml,
        lint_metadata,
        metadata_errors,
    )
    from workbench.core.module import PolicyModule, load_module
    from workbench.core.oci.client import ProgressCallback, PushResult, RegistryClient, TransportOptions
    from workbench.core.oci.credentials import Credentials, DockerConfig, load_docker_config
    from workbench.core.oci.fetch import fetch_module
    from workbench.core.oci.reference import FileReference, OciReference, parse_oci_reference, parse_reference
    from workbench.core.oci.sources import Sources, load_sources
    from workbench.core.oci.store import Store
    from workbench.core.rego_build import OPA_MISSING_HELP, build_wasm, find_opa
    from workbench.core.requests import load_request, load_settings, parse_request
    from workbench.core.scaffold.admission_request import (
        resource_for_kind,
        scaffold_admission_request,
        wrap_admission_review,
    )
    from workbench.core.scaffold.artifacthub import scaffold_artifacthub
    from workbench.core.scaffold.manifest import scaffold_manifest
    from workbench.core.scaffold.metadata import scaffold_metadata
    from workbench.core.scaffold.templates import TEMPLATE_KINDS, request_template, template_names
    from workbench.core.scaffold.vap import scaffold_vap
    from workbench.core.scope import (
        FailurePolicy,
        MatchRules,
        ScopeDecision,
        ScopeOutcome,
        ScopeStep,
        check_scope,
        check_session_scope,
        match_rules_of,
    )
    from workbench.core.session import (
        KUBEWARDEN_COMPAT_VERSION,
        Evaluation,
        ExecutionMode,
        ModuleReport,
        PolicyKind,
        PolicyMode,
        PolicySource,
        RegistryOptions,
        RunConfig,
        Session,
        SourceKind,
        Verdict,
        classify,
        load_policy_module,
        module_report,
        open_session,
        open_sessions,
        parse_timeout,
    )
    from workbench.core.signatures import (
        CertificateIdentity,
        PrivateKey,
        PublicKey,
        RequirementResult,
        SignatureInfo,
        SignerKind,
        SignResult,
        TrustRoot,
        VerificationConfig,
        VerificationOptions,
        VerificationReport,
        evaluate_policy,
        list_signatures,
        load_private_key_file,
        load_public_key_file,
        load_trust_root,
        load_verification_config,
        parse_verification_config,
        scaffold_verification_config,
        sign_policy,
        trust_root_from_pem_files,
        verification_options,
        verify_policy,
    )
    from workbench.core.suites import (
        CaseResult,
        CaseRunner,
        CaseSpec,
        CaseStatus,
        Expectation,
        ImpactChange,
        OutputFormat,
        PolicySpec,
        Suite,
        SuiteError,
        SuiteRun,
        SuiteUpdate,
        apply_updates,
        compare_runs,
        default_jobs,
        discover_suites,
        format_run,
        impact_overrides,
        import_gator,
        load_suite,
        load_suites,
        parse_shard,
        plan_jobs,
        plan_updates,
        render_updates,
        run_impact,
        run_suites,
        shard_of,
        suite_schema,
    )
    from workbench.core.suites.model import Position
    from workbench.core.yamlio import atomic_write, dump_yaml, load_json_or_yaml, load_yaml, read_text
