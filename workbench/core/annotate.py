"""``annotate``: embed Kubewarden metadata into a module, like ``kwctl annotate`` (docs/kubewarden-compat.md §13).

Differences from kwctl, all on purpose: every existing ``io.kubewarden.metadata``
section is removed before the new one is appended (kwctl leaves stale ones);
the tool annotation is ``io.kubewarden.policy-workbench``, and a user-supplied
``io.kubewarden.kwctl`` value is dropped with a warning, as kwctl replaces it with its own
version (it would claim a kwctl that did not annotate the module; see
docs/kubewarden-parity.md, section "Annotations"); the output is written atomically and
never over the input unless asked.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from workbench import __version__
from workbench.core.errors import InputError, MetadataError, ModuleError
from workbench.core.metadata import METADATA_SECTION, Metadata, lint_metadata, validate_metadata
from workbench.core.module import KIND_WAPC, PolicyModule
from workbench.core.wasm.writer import rename_import_module, replace_custom_section
from workbench.core.yamlio import atomic_write, read_text

__all__ = [
    "HOST_CAPABILITY_LEAVES",
    "KWCTL_ANNOTATION",
    "TOOL_ANNOTATION",
    "AnnotateResult",
    "annotate_module",
    "check_backend",
    "detect_host_capabilities",
    "prepare_metadata",
    "write_annotated",
]

TOOL_ANNOTATION = "io.kubewarden.policy-workbench"
#: kwctl's own tool annotation: only kwctl writes it, so a user-supplied value is not carried over
KWCTL_ANNOTATION = "io.kubewarden.kwctl"
USAGE_ANNOTATION = "io.kubewarden.policy.usage"
HOST_CAPABILITY_LEAVES = (
    "oci/v1/verify",
    "oci/v1/manifest_digest",
    "oci/v1/oci_manifest",
    "oci/v1/oci_manifest_config",
    "oci/v2/verify",
    "net/v1/dns_lookup_host",
    "crypto/v1/is_certificate_trusted",
    "kubernetes/list_resources_by_namespace",
    "kubernetes/list_resources_all",
    "kubernetes/get_resource",
    "kubernetes/can_i",
)


@dataclasses.dataclass(frozen=True)
class AnnotateResult:
    metadata: Metadata
    data: bytes
    output: Path | None
    warnings: tuple[str, ...]


def check_backend(module: PolicyModule, execution_mode: str) -> None:
    """kwctl's backend detector: the declared mode must fit the module (Rego = any ``opa_*`` export)."""
    rego = module.is_rego
    if execution_mode in ("opa", "gatekeeper") and not rego:
        raise MetadataError(
            "Wrong value inside of policy's metadata for 'executionMode'. "
            "The policy has not been created using Rego"
        )
    if execution_mode == "kubewarden-wapc" and rego:
        raise MetadataError(
            "Wrong value inside of policy's metadata for 'executionMode'. This policy has been created using Rego"
        )


def detect_protocol_version(module: PolicyModule) -> str:
    """Ask a waPC module for its protocol version by running its ``protocol_version`` operation."""
    from workbench.core.engines import EngineOptions, create_engine

    try:
        engine = create_engine(module, "kubewarden-wapc", EngineOptions())
    except ModuleNotFoundError as exc:
        raise ModuleError(
            "cannot annotate a waPC module: the waPC engine needed to ask the module for its protocol "
            f"version is not available ({exc})"
        ) from None
    try:
        return engine.protocol_version()
    finally:
        engine.close()


def detect_host_capabilities(module: PolicyModule) -> list[str]:
    """kwctl's data-segment heuristic (docs/kubewarden-compat.md §13): capabilities whose strings occur in the data."""
    blob = b"\xff".join(seg.data for seg in module.info.data_segments)
    found: list[str] = []
    operations = {leaf.rsplit("/", 1)[1] for leaf in HOST_CAPABILITY_LEAVES}
    for leaf in HOST_CAPABILITY_LEAVES:
        namespace, _, operation = leaf.rpartition("/")
        namespace = namespace.split("/")[0]
        if namespace.encode() not in blob or operation.encode() not in blob:
            continue
        longer = [o for o in operations if o != operation and o.startswith(operation)]
        if longer:
            start = 0
            standalone = False
            op = operation.encode()
            while (idx := blob.find(op, start)) != -1:
                if not any(blob.startswith(o.encode(), idx) for o in longer):
                    standalone = True
                    break
                start = idx + 1
            if not standalone:
                continue
        found.append(leaf)
    return found


def _pattern_covers(pattern: str, leaf: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith("/*"):
        return leaf.startswith(pattern[:-1])
    return pattern == leaf


def prepare_metadata(
    module: PolicyModule,
    metadata: Metadata,
    usage: str | None = None,
    protocol_version: str | None = None,
) -> tuple[Metadata, list[str]]:
    """The metadata as annotate writes it (protocol version, tool annotation, usage), validated."""
    md = metadata.copy()
    check_backend(module, md.execution_mode)
    if md.execution_mode == "kubewarden-wapc":
        if module.kind != KIND_WAPC:
            raise MetadataError(
                f"executionMode is kubewarden-wapc but the module is {module.kind} ({module.kind_reason})"
            )
        md.protocol_version = protocol_version or detect_protocol_version(module)
    else:
        md.protocol_version = "Unknown"
    annotations = dict(md.annotations or {})
    dropped_kwctl = annotations.pop(KWCTL_ANNOTATION, None)
    annotations[TOOL_ANNOTATION] = __version__
    if usage is not None:
        annotations[USAGE_ANNOTATION] = usage
    md.annotations = annotations
    validate_metadata(md)
    warnings = lint_metadata(md)
    if dropped_kwctl is not None:
        warnings.append(
            f"{KWCTL_ANNOTATION}: {dropped_kwctl!r} from the metadata was not carried over (only kwctl writes "
            f"that annotation, with its own version; this module is annotated by {TOOL_ANNOTATION})"
        )
    detected = detect_host_capabilities(module)
    declared = md.host_capabilities or []
    for leaf in detected:
        if not any(_pattern_covers(p, leaf) for p in declared):
            warnings.append(
                f"hostCapabilities: the module seems to use {leaf} but the metadata does not declare it"
            )
    return md, warnings


def write_annotated(module: PolicyModule, metadata: Metadata) -> bytes:
    """Module bytes with every old metadata section removed and the new one appended."""
    data = replace_custom_section(module.data, METADATA_SECTION, metadata.to_json_bytes())
    # Javy (JS) policies import kubewarden:javy/host.call; the policy-server provides it as host.call
    return rename_import_module(data, "kubewarden:javy/host", "call", "host")


def annotate_module(
    module: PolicyModule,
    metadata_path: str | Path | None = None,
    *,
    metadata: Metadata | None = None,
    output: str | Path | None = None,
    usage_path: str | Path | None = None,
    in_place: bool = False,
    protocol_version: str | None = None,
) -> AnnotateResult:
    """Annotate ``module``; write to ``output`` (atomically) when given."""
    if metadata is None:
        if metadata_path is None:
            raise InputError("annotate needs a metadata file (-m metadata.yml)")
        from workbench.core.metadata import load_metadata_file

        metadata = load_metadata_file(metadata_path)
    usage = read_text(usage_path, "usage file") if usage_path is not None else None
    out_path = Path(output) if output is not None else None
    if out_path is not None and module.path is not None and not in_place:
        try:
            same = out_path.resolve() == module.path.resolve() or (
                out_path.exists() and out_path.samefile(module.path)
            )
        except OSError:
            same = False
        if same:
            raise InputError(
                f"refusing to overwrite the input module {module.path}; choose another output or pass --in-place"
            )
    md, warnings = prepare_metadata(module, metadata, usage, protocol_version)
    data = write_annotated(module, md)
    if out_path is not None:
        atomic_write(out_path, data)
    return AnnotateResult(md, data, out_path, tuple(warnings))
