"""The public surface of the core is pinned (httpx's ``test_exported_members``, for ``workbench.core``).

Front ends import only ``workbench.core`` (see docs/architecture.md, "The public surface"). Adding or removing
a public name is a deliberate change: update :data:`EXPECTED` here in the same change. Each name must be
registered twice in ``workbench/core/__init__.py`` -- in ``_EXPORTS`` (name -> defining module, resolved
lazily) and in the ``TYPE_CHECKING`` import block (for type checkers) -- and both must agree.
"""

from __future__ import annotations

import ast
import inspect

import pytest
from helpers import REPO_ROOT

import workbench.core

INIT = REPO_ROOT / "workbench" / "core" / "__init__.py"

#: the exported names, sorted; update deliberately together with ``workbench/core/__init__.py``
EXPECTED: list[str] = [
    "AdmissionResponse",
    "BuiltinError",
    "BuiltinOptions",
    "BuiltinProfile",
    "BuiltinStatus",
    "CancelToken",
    "CaseResult",
    "CaseRunner",
    "CaseSpec",
    "CaseStatus",
    "CertificateIdentity",
    "Comparison",
    "Credentials",
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_TIMEOUT",
    "DockerConfig",
    "EXECUTION_MODES",
    "EngineOptions",
    "Evaluation",
    "EvaluationCancelled",
    "EvaluationError",
    "EvaluationTimeout",
    "ExecutionMode",
    "Expectation",
    "ExpressionError",
    "ExpressionErrorKind",
    "FailurePolicy",
    "FileReference",
    "GroupExpression",
    "GroupManifest",
    "GroupMember",
    "GroupOutcome",
    "GroupSession",
    "HistoryEntry",
    "HistoryStore",
    "HostCapabilityError",
    "INSTALL_HINT",
    "ImpactChange",
    "InputError",
    "KUBEWARDEN_COMPAT_VERSION",
    "KubewardenMissingBuiltinError",
    "LoadedPolicy",
    "LogRecord",
    "LogSink",
    "ManifestKind",
    "MatchRules",
    "MemberOutcome",
    "Metadata",
    "MetadataError",
    "MissingBuiltinError",
    "ModuleError",
    "ModuleReport",
    "OPA_MISSING_HELP",
    "OPA_VERSION",
    "OPERATIONS",
    "OciReference",
    "OpaEngine",
    "OperationCancelled",
    "OutputFormat",
    "POLICY_TYPES",
    "PolicyKind",
    "PolicyManifest",
    "PolicyMode",
    "PolicyModule",
    "PolicySource",
    "PolicySpec",
    "PolicyTrap",
    "Position",
    "PostProcessing",
    "PrivateKey",
    "ProgressCallback",
    "PublicKey",
    "PushResult",
    "RegistryAuthError",
    "RegistryClient",
    "RegistryError",
    "RegistryNotFound",
    "RegistryOptions",
    "RegistryTLSError",
    "RegistryUnavailable",
    "RegoSource",
    "RequestError",
    "RequirementResult",
    "RunConfig",
    "SavedPolicy",
    "ScopeDecision",
    "ScopeOutcome",
    "ScopeStep",
    "Session",
    "SettingsError",
    "SettingsOutcome",
    "SignResult",
    "SignatureError",
    "SignatureInfo",
    "SignerKind",
    "SourceKind",
    "Sources",
    "Store",
    "StoreError",
    "Suite",
    "SuiteError",
    "SuiteRun",
    "SuiteUpdate",
    "TEMPLATE_KINDS",
    "TransportOptions",
    "TrustRoot",
    "UnsupportedAbiError",
    "ValidationOutcome",
    "ValidationRequest",
    "Verdict",
    "VerificationConfig",
    "VerificationOptions",
    "VerificationReport",
    "WELL_KNOWN_ANNOTATIONS",
    "WorkbenchError",
    "all_builtins",
    "annotate_module",
    "apply_updates",
    "atomic_write",
    "build_wasm",
    "check_group_expression",
    "check_scope",
    "check_session_scope",
    "classify",
    "compare_engines",
    "compare_entries",
    "compare_runs",
    "default_entrypoint",
    "default_history_path",
    "default_jobs",
    "describe_policies",
    "discover_suites",
    "dump_metadata_yaml",
    "dump_yaml",
    "evaluate_policy",
    "fetch_module",
    "find_opa",
    "find_registry_binary",
    "format_run",
    "impact_overrides",
    "import_gator",
    "inspect_module",
    "kubewarden_missing_builtins",
    "lint_metadata",
    "list_signatures",
    "load_demo",
    "load_docker_config",
    "load_json_or_yaml",
    "load_manifests",
    "load_module",
    "load_policies",
    "load_policy_module",
    "load_private_key_file",
    "load_public_key_file",
    "load_rego_source",
    "load_request",
    "load_settings",
    "load_sources",
    "load_suite",
    "load_suites",
    "load_trust_root",
    "load_verification_config",
    "load_yaml",
    "match_rules_of",
    "metadata_errors",
    "module_report",
    "module_warnings",
    "open_group_session",
    "open_session",
    "open_sessions",
    "parse_group_expression",
    "parse_oci_reference",
    "parse_reference",
    "parse_request",
    "parse_shard",
    "parse_timeout",
    "parse_verification_config",
    "plan_jobs",
    "plan_updates",
    "push_demo_policy",
    "read_text",
    "rego_source_facts",
    "render_updates",
    "request_template",
    "resolve_rego_mode",
    "resource_for_kind",
    "run_headless_demo",
    "run_impact",
    "run_suites",
    "save_policies",
    "scaffold_admission_request",
    "scaffold_artifacthub",
    "scaffold_manifest",
    "scaffold_metadata",
    "scaffold_vap",
    "scaffold_verification_config",
    "shard_of",
    "sign_policy",
    "start_demo_registry",
    "suite_schema",
    "template_names",
    "text_digest",
    "trust_root_from_pem_files",
    "verification_options",
    "verify_policy",
    "wrap_admission_review",
]


def test_all_is_the_pinned_sorted_list() -> None:
    assert workbench.core.__all__ == sorted(workbench.core.__all__)
    assert len(set(workbench.core.__all__)) == len(workbench.core.__all__)
    missing = sorted(set(EXPECTED) - set(workbench.core.__all__))
    added = sorted(set(workbench.core.__all__) - set(EXPECTED))
    assert not missing and not added, (
        f"workbench.core.__all__ changed; update EXPECTED deliberately. Gone: {missing}. New: {added}"
    )
    assert workbench.core.__all__ == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_every_name_resolves_and_is_listed_by_dir(name: str) -> None:
    value = getattr(workbench.core, name)
    assert value is not None
    assert name in dir(workbench.core)
    if inspect.isclass(value) or inspect.isfunction(value):
        # a class or function is exported under its own name, from inside the core
        assert getattr(value, "__name__", name) == name
        assert getattr(value, "__module__", "workbench.core").startswith("workbench.core")


def _type_checking_imports() -> dict[str, str]:
    """Name -> module (relative to workbench.core) of the ``if TYPE_CHECKING:`` block."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom) and statement.module, ast.dump(statement)
                assert statement.module.startswith("workbench.core."), statement.module
                for alias in statement.names:
                    assert alias.asname is None, alias.asname
                    names[alias.name] = statement.module.removeprefix("workbench.core.")
    return names


def test_type_checking_block_states_the_same_names_from_the_same_modules() -> None:
    exports: dict[str, str] = vars(workbench.core)["_EXPORTS"]
    assert _type_checking_imports() == exports
