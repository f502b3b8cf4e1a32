"""Kubewarden policy metadata: model, kwctl-exact validation, lints, metadata.yml I/O."""

from workbench.core.metadata.io import (
    dump_metadata_json,
    dump_metadata_yaml,
    load_metadata_file,
    parse_metadata_text,
)
from workbench.core.metadata.model import (
    EXECUTION_MODES,
    METADATA_SECTION,
    OPERATIONS,
    POLICY_TYPES,
    PROTOCOL_VERSIONS,
    WELL_KNOWN_ANNOTATIONS,
    ContextAwareResource,
    Metadata,
    Rule,
)
from workbench.core.metadata.validate import lint_metadata, metadata_errors, validate_metadata

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
    "dump_metadata_json",
    "dump_metadata_yaml",
    "lint_metadata",
    "load_metadata_file",
    "metadata_errors",
    "parse_metadata_text",
    "validate_metadata",
]
