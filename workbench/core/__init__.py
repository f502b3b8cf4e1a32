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
    # demo
    "load_demo": "demo",
    "run_headless_demo": "demo",
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
    from workbench.core.annotate import annotate_module
    from workbench.core.demo import load_demo, run_headless_demo
    from workbench.core.engines.base import (
        DEFAULT_MEMORY_LIMIT,
        DEFAULT_TIMEOUT,
        CancelToken,
        LogRecord,
        LogSink,
        SettingsOutcome,
        ValidationOutcome,
        ValidationRequest,
    )
    from workbench.core.engines.opa.builtins import BuiltinOptions
    from workbench.core.engines.rego_source import rego_source_facts
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
        StoreError,
        UnsupportedAbiError,
        WorkbenchError,
    )
    from workbench.core.inspect import inspect_module, module_warnings
    from workbench.core.manifests import (
        GroupManifest,
        GroupMember,
        ManifestKind,
        PolicyManifest,
        load_manifests,
    )
    from workbench.core.metadata import Metadata
    from workbench.core.module import PolicyModule, load_module
    from workbench.core.requests import load_request, load_settings, parse_request
    from workbench.core.scaffold.admission_request import (
        resource_for_kind,
        scaffold_admission_request,
        wrap_admission_review,
    )
    from workbench.core.scaffold.manifest import scaffold_manifest
    from workbench.core.scaffold.metadata import scaffold_metadata
    from workbench.core.scaffold.templates import TEMPLATE_KINDS, request_template, template_names
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
    from workbench.core.yamlio import atomic_write, dump_yaml, load_json_or_yaml, read_text
