"""The one way in: what the user named → a warm :class:`Session` → a :class:`Verdict`.

Every front end (CLI verbs, the window, the demo, suites, compare-engines, benchmarks)
goes through this module, so a source is classified once (:meth:`PolicySource.parse`),
a session is built once (:func:`open_session`) and a verdict is derived once
(:func:`classify`). See docs/architecture.md ("The data path of one evaluation").

Pipeline of one run (kwctl's ``run``; docs/kubewarden-compat.md §2):
source → module (pulled into the store when remote) → metadata → minimum version →
execution mode → engine (compiled once through the cache) → ``validate_settings``
(invalid → :class:`SettingsError` "Provided settings are not valid: …") → ``validate`` →
post-processing (monitor mode, mutation permission, custom message).
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

from workbench.core.engines.base import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_TIMEOUT,
    CancelToken,
    Engine,
    EngineOptions,
    LogRecord,
    LogSink,
    SettingsOutcome,
    ValidationOutcome,
    ValidationRequest,
    check_timeout,
    null_log,
)
from workbench.core.engines.response import AdmissionResponse, PostProcessing, post_process
from workbench.core.errors import InputError, MetadataError, ModuleError, SettingsError, WorkbenchError
from workbench.core.module import KIND_OPA, KIND_UNKNOWN, KIND_WAPC, KIND_WASI, PolicyModule
from workbench.core.requests import load_request, parse_request

if TYPE_CHECKING:
    from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot
    from workbench.core.engines.opa.builtins import BuiltinOptions
    from workbench.core.engines.rego_source import RegoSource
    from workbench.core.manifests import GroupManifest, PolicyManifest
    from workbench.core.metadata import Metadata
    from workbench.core.signatures import VerificationOptions

__all__ = [
    "KUBEWARDEN_COMPAT_VERSION",
    "EngineSession",
    "Evaluation",
    "ExecutionMode",
    "ModuleReport",
    "PolicyKind",
    "PolicyMode",
    "PolicySource",
    "RegistryOptions",
    "RunConfig",
    "Session",
    "SourceKind",
    "Verdict",
    "check_minimum_version",
    "classify",
    "load_policy_module",
    "module_report",
    "open_engine_session",
    "open_session",
    "open_sessions",
    "parse_timeout",
    "resolve_execution_mode",
]

#: the Kubewarden release whose behaviour the workbench reproduces (for minimumKubewardenVersion)
KUBEWARDEN_COMPAT_VERSION = "1.25.0"


# =====================================================================================
# Vocabulary
# =====================================================================================
class SourceKind(StrEnum):
    """What kind of thing the user named as the policy."""

    WASM = "wasm"
    REGO = "rego"
    MANIFEST = "manifest"
    REFERENCE = "reference"


class ExecutionMode(StrEnum):
    """How Kubewarden runs a module (metadata ``executionMode``)."""

    KUBEWARDEN_WAPC = "kubewarden-wapc"
    OPA = "opa"
    GATEKEEPER = "gatekeeper"
    WASI = "wasi"

    @classmethod
    def parse(cls, text: str | ExecutionMode) -> ExecutionMode:
        """kwctl's spellings: ``kubewarden`` and ``wapc`` mean ``kubewarden-wapc``."""
        if isinstance(text, ExecutionMode):
            return text
        value = {"kubewarden": "kubewarden-wapc", "wapc": "kubewarden-wapc"}.get(text, text)
        try:
            return cls(value)
        except ValueError:
            raise ModuleError(
                f"unknown execution mode {text!r}: expected one of {', '.join(m.value for m in cls)}"
            ) from None

    @property
    def is_rego(self) -> bool:
        return self in (ExecutionMode.OPA, ExecutionMode.GATEKEEPER)


class PolicyMode(StrEnum):
    """How a deployed policy acts on its verdict (``spec.mode``)."""

    PROTECT = "protect"
    MONITOR = "monitor"


class PolicyKind(StrEnum):
    """What evaluates the policy."""

    OPA = "opa"
    KUBEWARDEN_WAPC = "kubewarden-wapc"
    WASI = "wasi"
    REGO_SOURCE = "rego-source"
    GROUP = "group"
    UNKNOWN = "unknown"


class Verdict(StrEnum):
    """The outcome of one evaluation, as a user (and a test suite) judges it."""

    ACCEPTED = "accepted"
    MUTATED = "mutated"
    REJECTED = "rejected"
    SETTINGS_ERROR = "settings-error"
    ERROR = "error"
    SKIPPED = "skipped"


def classify(result: ValidationOutcome | AdmissionResponse | Mapping[str, Any] | BaseException) -> Verdict:
    """The one verdict rule.

    * :class:`SettingsError` → settings-error; any other exception → error;
    * a rejection with status code 500 → error (the policy failed: trap, timeout, bad
      answer — Kubewarden's 500 rejection; docs/kubewarden-compat.md §5);
    * a patch → mutated; allowed → accepted; otherwise rejected.
    """
    if isinstance(result, BaseException):
        return Verdict.SETTINGS_ERROR if isinstance(result, SettingsError) else Verdict.ERROR
    if isinstance(result, ValidationOutcome):
        result = result.response
    if isinstance(result, AdmissionResponse):
        allowed, patch, status = result.allowed, result.patch, result.status or {}
    else:
        allowed, patch, status = bool(result.get("allowed")), result.get("patch"), result.get("status") or {}
    if not allowed and isinstance(status, Mapping) and status.get("code") == 500:
        return Verdict.ERROR
    if patch:
        return Verdict.MUTATED
    return Verdict.ACCEPTED if allowed else Verdict.REJECTED


# =====================================================================================
# Sources
# =====================================================================================
_MANIFEST_SUFFIXES = (".yaml", ".yml")
_SNIFF_BYTES = 64 * 1024


def _is_manifest_file(path: Path) -> bool:
    """A YAML file whose first document is a Kubewarden policy kind (sniffed cheaply)."""
    if path.suffix.lower() not in _MANIFEST_SUFFIXES or not path.is_file():
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES).decode("utf-8", "replace")
    except OSError:
        return False
    return bool(
        re.search(r"^apiVersion:\s*['\"]?policies\.kubewarden\.io/", head, re.M)
        and re.search(r"^kind:\s*['\"]?(Cluster)?AdmissionPolicy(Group)?\b", head, re.M)
    )


def _expand(path: Path) -> Path:
    """``~`` and ``~user`` expanded when they can be; left as typed otherwise (``~nobody-here``)."""
    try:
        return path.expanduser()
    except RuntimeError:
        return path


@dataclasses.dataclass(frozen=True)
class PolicySource:
    """What the user named as the policy, classified once.

    ``path`` is set for local files (WASM, REGO, MANIFEST); ``reference`` for remote
    modules (``registry://host/repo:tag`` or an ``http(s)://`` URL), canonicalised by
    Docker's rules (``kubewarden/safe-labels`` → ``registry://docker.io/kubewarden/safe-labels:latest``).
    """

    kind: SourceKind
    text: str
    path: Path | None = None
    reference: str | None = None

    @classmethod
    def parse(cls, text: str | Path, *, base: Path | None = None) -> PolicySource:
        from workbench.core.oci.reference import FileReference, HttpReference, parse_reference

        if isinstance(text, Path):
            return cls._from_path(text, str(text), base)
        if not isinstance(text, str) or not text.strip():
            raise InputError("no policy given (expected a .wasm/.rego file, a policy manifest or a reference)")
        stripped = text.strip()
        local = _expand(Path(stripped))
        if base is not None and not local.is_absolute() and "://" not in stripped:
            local = base / local
        # an existing file or folder always wins over a reference reading of the same text
        if "://" not in stripped and local.exists():
            return cls._from_path(local, text, None)
        if stripped.endswith(".rego") and "://" not in stripped:
            raise InputError(f"Rego file {local} does not exist")
        ref = parse_reference(stripped)
        if isinstance(ref, FileReference):
            return cls._from_path(Path(ref.path), text, base)
        if isinstance(ref, HttpReference):
            return cls(SourceKind.REFERENCE, text, reference=ref.url)
        return cls(SourceKind.REFERENCE, text, reference=ref.uri)

    @classmethod
    def _from_path(cls, path: Path, text: str, base: Path | None) -> PolicySource:
        path = _expand(path)
        if base is not None and not path.is_absolute():
            path = base / path
        if path.is_dir():
            if any(path.rglob("*.rego")):
                return cls(SourceKind.REGO, text, path=path)
            raise InputError(f"{path} is a folder without .rego files (expected a .wasm file or Rego sources)")
        if path.suffix == ".rego":
            if not path.is_file():
                raise InputError(f"Rego file {path} does not exist")
            return cls(SourceKind.REGO, text, path=path)
        if _is_manifest_file(path):
            return cls(SourceKind.MANIFEST, text, path=path)
        if not path.exists():
            raise InputError(f"module {path} does not exist")
        return cls(SourceKind.WASM, text, path=path)

    def describe(self) -> str:
        return self.reference or str(self.path)

    def __str__(self) -> str:
        return self.describe()


@dataclasses.dataclass(frozen=True)
class RegistryOptions:
    """Where remote modules come from (kwctl's ``--sources-path`` and ``--docker-config-json-path``)."""

    sources_path: Path | None = None
    docker_config_json_path: Path | None = None
    store_root: Path | None = None
    #: verify cosign signatures before pulling (kwctl's ``--verification-config-path``/``-k``/``-a``);
    #: the verified digest is what gets pulled (docs/signatures.md)
    verification: VerificationOptions | None = None


# =====================================================================================
# Configuration
# =====================================================================================
def parse_timeout(value: float | str | None) -> float | None:
    """A deadline as typed (text or number) checked by the engines' rule
    (:func:`~workbench.core.engines.base.check_timeout`): finite and positive; ``None`` = no deadline."""
    if value is None or isinstance(value, (int, float)):
        return check_timeout(value)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise InputError(f"the evaluation deadline {value!r} is not a number of seconds") from None
    return check_timeout(seconds)


@dataclasses.dataclass
class RunConfig:
    """Everything a run can be told; defaults are kwctl's."""

    execution_mode: ExecutionMode | None = None
    entrypoint: str | int | None = None
    raw: bool | None = None  # None: from metadata policyType
    timeout: float | None = DEFAULT_TIMEOUT  # None: no deadline
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    post: PostProcessing = dataclasses.field(default_factory=PostProcessing)
    allow_context_aware: bool = False
    allowed_host_capabilities: tuple[str, ...] = ("*",)
    cluster_snapshot: Path | None = None
    record_path: Path | None = None
    replay_path: Path | None = None
    builtins: BuiltinOptions | None = None
    log: LogSink = null_log
    cancel: CancelToken | None = None
    use_cache: bool = True
    registry: RegistryOptions = dataclasses.field(default_factory=RegistryOptions)
    #: resources granted by a policy manifest (overrides the metadata's list and implies permission)
    granted_resources: tuple[tuple[str, str], ...] | None = None
    #: other files this run reads (request, settings): a record path may not be one of them
    input_paths: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        if self.execution_mode is not None and not isinstance(self.execution_mode, ExecutionMode):
            self.execution_mode = ExecutionMode.parse(self.execution_mode)
        if self.timeout is not None:
            self.timeout = parse_timeout(self.timeout)
        if self.memory_limit <= 0:
            raise InputError(f"the memory limit must be positive (got {self.memory_limit} bytes)")
        for name in ("cluster_snapshot", "record_path", "replay_path"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                setattr(self, name, Path(value))


def _version_tuple(version: str) -> tuple[int, int]:
    match = re.match(r"^(\d+)\.(\d+)", version)
    if not match:
        raise MetadataError(f"minimumKubewardenVersion {version!r} is not a semantic version")
    return int(match.group(1)), int(match.group(2))


def check_minimum_version(metadata: Metadata | None) -> None:
    """Refuse a policy that needs a newer Kubewarden (compared as major.minor.0, like kwctl)."""
    if metadata is None or metadata.minimum_kubewarden_version is None:
        return
    if _version_tuple(metadata.minimum_kubewarden_version) > _version_tuple(KUBEWARDEN_COMPAT_VERSION):
        raise MetadataError(
            f"the policy requires Kubewarden {metadata.minimum_kubewarden_version} or newer; "
            f"Policy Workbench implements Kubewarden {KUBEWARDEN_COMPAT_VERSION}"
        )


def resolve_execution_mode(module: PolicyModule, override: ExecutionMode | str | None = None) -> ExecutionMode:
    """The override as given; else the metadata's mode; else kwctl's defaults (Rego must be told)."""
    if override:
        return ExecutionMode.parse(override)
    if module.metadata is not None:
        return ExecutionMode.parse(module.metadata.execution_mode)
    if module.is_rego:
        raise ModuleError(
            "The policy has been created with Rego, please specify which Opa runtime has to be used "
            "(execution mode opa or gatekeeper, or annotate the module with an executionMode)"
        )
    if module.kind == KIND_WASI:
        return ExecutionMode.WASI
    if module.kind == KIND_UNKNOWN:
        raise ModuleError(f"cannot run this module: {module.kind_reason}")
    return ExecutionMode.KUBEWARDEN_WAPC


# =====================================================================================
# Module facts
# =====================================================================================
@dataclasses.dataclass(frozen=True)
class ModuleReport:
    """The facts the window's module pane and ``inspect`` show, computed once in the core."""

    path: str | None
    sha256: str
    size: int
    kind: PolicyKind
    kind_reason: str
    abi: tuple[int, int] | None
    execution_mode: ExecutionMode | None
    imports: dict[str, list[dict[str, str]]]
    exports: tuple[dict[str, str], ...]
    custom_sections: tuple[dict[str, Any], ...]
    metadata: dict[str, Any] | None
    entrypoints: dict[str, int]
    required_builtins: tuple[str, ...]
    missing_builtins: tuple[str, ...]
    warnings: tuple[str, ...]
    #: the full machine-readable form, as ``inspect -o json`` prints it
    facts: dict[str, Any] = dataclasses.field(repr=False, compare=False, default_factory=dict)


def module_report(module: PolicyModule) -> ModuleReport:
    """Inspect a module once (without running it beyond OPA's bounded pre-flight)."""
    from workbench.core.inspect import inspect_module

    facts = inspect_module(module)
    opa = facts.get("opa") or {}
    mode = module.metadata.execution_mode if module.metadata else None
    try:
        kind = PolicyKind(module.kind)
    except ValueError:
        kind = PolicyKind.UNKNOWN
    return ModuleReport(
        path=facts.get("path"),
        sha256=module.sha256,
        size=module.size,
        kind=kind,
        kind_reason=module.kind_reason,
        abi=module.abi,
        execution_mode=ExecutionMode.parse(mode) if mode else None,
        imports=facts.get("imports", {}),
        exports=tuple(facts.get("exports", ())),
        custom_sections=tuple(facts.get("custom_sections", ())),
        metadata=facts.get("metadata"),
        entrypoints=dict(opa.get("entrypoints", {})),
        required_builtins=tuple(opa.get("required_builtins", ())),
        missing_builtins=tuple(opa.get("missing_builtins", ())),
        warnings=tuple(facts.get("warnings", ())),
        facts=facts,
    )


def load_policy_module(
    source: PolicySource | str | Path, registry: RegistryOptions | None = None
) -> PolicyModule:
    """The Wasm module behind a WASM or REFERENCE source (pulled into the store when remote)."""
    from workbench.core.module import load_module

    src = source if isinstance(source, PolicySource) else PolicySource.parse(source)
    if src.kind == SourceKind.WASM:
        assert src.path is not None
        return load_module(src.path)
    if src.kind == SourceKind.REFERENCE:
        from workbench.core.oci.fetch import fetch_module
        from workbench.core.oci.store import Store

        reg = registry or RegistryOptions()
        target = src.reference or src.text
        if reg.verification is not None:
            if not target.startswith("registry://"):
                raise InputError(f"{target}: signatures can only be verified for registry:// references")
            from workbench.core.oci.reference import parse_oci_reference
            from workbench.core.signatures import verify_policy

            report = verify_policy(
                target,
                reg.verification,
                sources_path=reg.sources_path,
                docker_config_json_path=reg.docker_config_json_path,
            )
            target = parse_oci_reference(target).with_digest(report.manifest_digest).uri
        path = fetch_module(
            target,
            store=Store(reg.store_root) if reg.store_root else None,
            sources_path=reg.sources_path,
            docker_config_json_path=reg.docker_config_json_path,
        )
        return load_module(path)
    raise InputError(f"{src.describe()} is a {src.kind} source, not a Wasm module")


# =====================================================================================
# Sessions
# =====================================================================================
@dataclasses.dataclass
class Evaluation:
    """One evaluation folded into a verdict; never raises for a WorkbenchError."""

    verdict: Verdict
    message: str
    outcome: ValidationOutcome | None
    error: WorkbenchError | None
    elapsed_s: float

    @property
    def response(self) -> dict[str, Any] | None:
        return None if self.outcome is None else self.outcome.response.to_dict()


@runtime_checkable
class Session(Protocol):
    """A policy ready to evaluate requests (Wasm engines, Rego source, policy groups)."""

    @property
    def source(self) -> PolicySource: ...

    @property
    def kind(self) -> PolicyKind: ...

    @property
    def execution_mode(self) -> ExecutionMode: ...

    @property
    def raw(self) -> bool: ...

    @property
    def label(self) -> str: ...

    @property
    def module(self) -> PolicyModule | None: ...

    @property
    def manifest(self) -> PolicyManifest | GroupManifest | None: ...

    @property
    def default_settings(self) -> dict[str, Any]: ...

    @property
    def snapshot(self) -> ClusterSnapshot | None:
        """The cluster snapshot (``RunConfig.cluster_snapshot``) the session answers from, read
        once when the session opened; None without one."""
        ...

    def warnings(self) -> list[str]: ...

    def report(self) -> ModuleReport | None: ...

    def load_request(self, source: str | Path | Any) -> ValidationRequest: ...

    def validate_settings(self, settings: dict[str, Any]) -> SettingsOutcome: ...

    def run(
        self, request: ValidationRequest, settings: dict[str, Any], *, check_settings: bool = True
    ) -> ValidationOutcome: ...

    def evaluate(self, request: ValidationRequest, settings: dict[str, Any]) -> Evaluation: ...

    def interrupt(self) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...


def evaluate_with(session: Session, request: ValidationRequest, settings: dict[str, Any]) -> Evaluation:
    """:meth:`Session.evaluate` for any session: run, then fold errors and responses into a verdict."""
    started = time.perf_counter()
    try:
        outcome = session.run(request, settings)
    except WorkbenchError as exc:
        return Evaluation(classify(exc), str(exc), None, exc, time.perf_counter() - started)
    status = outcome.response.status or {}
    message = str(status.get("message") or "")
    return Evaluation(classify(outcome), message, outcome, None, outcome.elapsed_s or time.perf_counter() - started)


def _merge_logs(logged: list[LogRecord], records: list[LogRecord]) -> list[LogRecord]:
    """What went through the session's sink (set-up records first), then the engine's own
    records that did not, without repeating any. Linear: identity, not equality, decides."""
    seen = {id(r) for r in logged}
    return [*logged, *(r for r in records if id(r) not in seen)]


class EngineSession:
    """A :class:`Session` over one engine (OPA ABI, waPC, WASI or Rego source)."""

    def __init__(
        self,
        source: PolicySource,
        config: RunConfig,
        *,
        module: PolicyModule | None = None,
        rego: RegoSource | None = None,
        manifest: PolicyManifest | None = None,
        default_settings: dict[str, Any] | None = None,
    ) -> None:
        if (module is None) == (rego is None):
            raise ValueError("an EngineSession needs exactly one of module and rego")
        self.source = source
        self.config = config
        self.module = module
        self.rego = rego
        self.manifest = manifest
        self.default_settings = dict(default_settings or {})
        self._logs: list[LogRecord] = []
        #: the cluster snapshot, read once (by the engine options below)
        self.snapshot: ClusterSnapshot | None = None
        metadata = module.metadata if module is not None else (rego.metadata if rego else None)
        self.metadata = metadata
        check_minimum_version(metadata)
        self.raw = config.raw if config.raw is not None else bool(metadata and metadata.policy_type == "raw")
        self.engine: Engine
        if module is not None:
            self.execution_mode = resolve_execution_mode(module, config.execution_mode)
            self.kind = PolicyKind(module.kind) if module.kind in (KIND_OPA, KIND_WAPC, KIND_WASI) else PolicyKind.UNKNOWN
            self.label = self.execution_mode.value
            self.engine = self._create_wasm_engine(module)
        else:
            assert rego is not None
            from workbench.core.engines.rego_source import LABEL, RegoSourceEngine, resolve_rego_mode

            override = config.execution_mode.value if config.execution_mode else None
            self.execution_mode = ExecutionMode(resolve_rego_mode(rego, override))
            self.kind = PolicyKind.REGO_SOURCE
            self.label = LABEL
            self.engine = RegoSourceEngine(rego, self.execution_mode.value, self._engine_options(rego_engine=True))
        #: warnings logged while setting up, repeated at the start of every outcome
        self._setup_logs = list(self._logs)

    # -- construction --------------------------------------------------------
    def _log(self, record: LogRecord) -> None:
        self._logs.append(record)
        self.config.log(record)

    def _granted_resources(self) -> tuple[tuple[str, str], ...]:
        cfg, md = self.config, self.metadata
        if cfg.granted_resources is not None:
            return cfg.granted_resources
        if md is None:
            return ()
        if not cfg.allow_context_aware:
            if md.context_aware_resources:
                self._log(
                    LogRecord(
                        "warning",
                        "the policy is context aware but access to cluster resources was not allowed: "
                        "it gets no access to Kubernetes resources",
                        source="app",
                    )
                )
            return ()
        return tuple((c.api_version, c.kind) for c in md.context_aware_resources)

    def _snapshot(self) -> ClusterSnapshot | None:
        if self.config.cluster_snapshot is None:
            return None
        from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot

        return ClusterSnapshot.load(self.config.cluster_snapshot)

    def _engine_options(self, *, rego_engine: bool = False) -> EngineOptions:
        cfg = self.config
        resources = self._granted_resources()
        snapshot = self.snapshot = self._snapshot()
        host_caps = None
        if cfg.record_path is not None:
            from workbench.core.engines.hostcaps.session import check_record_path

            check_record_path(
                cfg.record_path,
                [
                    self.source.path,
                    self.module.path if self.module is not None else None,
                    self.manifest.source_path if self.manifest is not None else None,
                    cfg.cluster_snapshot,
                    cfg.replay_path,
                    *cfg.input_paths,
                ],
            )
        if not rego_engine:
            # waPC/WASI answer host calls through it; the OPA engine reads a replayed session's
            # Kubernetes answers from it to build data.kubernetes / data.inventory
            from workbench.core.engines.hostcaps import build_host_capabilities

            host_caps = build_host_capabilities(
                context_aware_resources=resources,
                allowed_capabilities=cfg.allowed_host_capabilities,
                snapshot=snapshot,
                record_path=cfg.record_path,
                replay_path=cfg.replay_path,
                log=self._log,
            )
        return EngineOptions(
            timeout=cfg.timeout,
            memory_limit=cfg.memory_limit,
            entrypoint=cfg.entrypoint,
            log=self._log,
            host_capabilities=host_caps,
            cluster_snapshot=snapshot,
            context_aware_resources=resources,
            builtin_options=cfg.builtins,
            cancel=cfg.cancel,
            use_cache=cfg.use_cache,
        )

    def _create_wasm_engine(self, module: PolicyModule) -> Engine:
        from workbench.core.engines import create_engine

        return create_engine(module, self.execution_mode.value, self._engine_options())

    # -- facts ---------------------------------------------------------------
    def report(self) -> ModuleReport | None:
        return module_report(self.module) if self.module is not None else None

    def warnings(self) -> list[str]:
        out: list[str] = []
        if self.module is not None:
            from workbench.core.inspect import module_warnings

            out.extend(module_warnings(self.module))
        else:
            from workbench.core.engines.rego_source import LIMITATIONS

            out.append(LIMITATIONS)
        engine_warnings = getattr(self.engine, "warnings", None)
        if callable(engine_warnings):
            out.extend(w for w in engine_warnings() if w not in out)
        return out

    def load_request(self, source: str | Path | Any) -> ValidationRequest:
        if isinstance(source, (str, Path)):
            return load_request(source, raw=self.raw)
        return parse_request(source, raw=self.raw)

    # -- running -------------------------------------------------------------
    def validate_settings(self, settings: dict[str, Any]) -> SettingsOutcome:
        return self.engine.validate_settings(settings)

    def run(
        self, request: ValidationRequest, settings: dict[str, Any], *, check_settings: bool = True
    ) -> ValidationOutcome:
        """Settings validation, evaluation and post-processing, like one ``kwctl run``."""
        self._logs = list(self._setup_logs)
        if request.raw != self.raw:
            request = ValidationRequest(request.request, raw=self.raw)
        if check_settings:
            outcome = self.engine.validate_settings(settings)
            if not outcome.valid:
                raise SettingsError(f"Provided settings are not valid: {outcome.message or ''}".rstrip())
        started = time.perf_counter()
        result = self.engine.validate(request, settings)
        elapsed = time.perf_counter() - started
        result.response = post_process(result.response, self.config.post)
        if not result.elapsed_s:
            result.elapsed_s = elapsed
        result.logs = _merge_logs(self._logs, result.logs)
        return result

    def evaluate(self, request: ValidationRequest, settings: dict[str, Any]) -> Evaluation:
        return evaluate_with(self, request, settings)

    def interrupt(self) -> None:
        self.engine.interrupt()

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _manifest_config(manifest: PolicyManifest, config: RunConfig) -> RunConfig:
    """Deployment options of a policy manifest applied over the caller's config."""
    post = dataclasses.replace(
        config.post,
        policy_id=manifest.name,
        mode=manifest.mode,
        allowed_to_mutate=manifest.mutating,
        custom_rejection_message=manifest.message if manifest.message is not None else config.post.custom_rejection_message,
    )
    changes: dict[str, Any] = {"post": post}
    if manifest.timeout_eval_seconds is not None:
        changes["timeout"] = float(manifest.timeout_eval_seconds)
    if manifest.context_aware_resources:
        changes["granted_resources"] = manifest.context_aware_resources
    return dataclasses.replace(config, **changes)


#: hook for policy groups: (GroupManifest, RunConfig, PolicySource) -> Session (workbench.core.groups)
GroupOpener = Callable[["GroupManifest", RunConfig, PolicySource], Session]


def _open_manifest(
    manifest: PolicyManifest | GroupManifest, source: PolicySource, config: RunConfig
) -> Session:
    from workbench.core.manifests import GroupManifest

    if isinstance(manifest, GroupManifest):
        from workbench.core import groups

        return groups.open_group_session(manifest, config, source)  # type: ignore[no-any-return]
    module_source = PolicySource.parse(manifest.module, base=manifest.base_dir)
    if module_source.kind == SourceKind.MANIFEST:
        raise InputError(f"{manifest.where}: spec.module names another policy manifest")
    session = open_engine_session(module_source, _manifest_config(manifest, config), manifest=manifest)
    return session


def open_engine_session(
    source: PolicySource, config: RunConfig, *, manifest: PolicyManifest | None = None
) -> EngineSession:
    """A session over one engine for a WASM, REFERENCE or REGO source (group members use this too)."""
    settings = manifest.settings if manifest is not None else {}
    if source.kind == SourceKind.REGO:
        from workbench.core.engines.rego_source import load_rego_source

        assert source.path is not None
        return EngineSession(
            source, config, rego=load_rego_source(source.path), manifest=manifest, default_settings=settings
        )
    module = load_policy_module(source, config.registry)
    return EngineSession(source, config, module=module, manifest=manifest, default_settings=settings)


def open_sessions(source: PolicySource | str | Path, config: RunConfig | None = None) -> list[Session]:
    """One session per policy: several for a multi-document manifest, else one."""
    src = source if isinstance(source, PolicySource) else PolicySource.parse(source)
    cfg = config or RunConfig()
    if src.kind != SourceKind.MANIFEST:
        return [open_session(src, cfg)]
    from workbench.core.manifests import load_manifests

    assert src.path is not None
    sessions: list[Session] = []
    try:
        for manifest in load_manifests(src.path):
            sessions.append(_open_manifest(manifest, src, cfg))
    except BaseException:
        for opened in sessions:
            opened.close()
        raise
    return sessions


def open_session(
    source: PolicySource | str | Path | PolicyModule | RegoSource, config: RunConfig | None = None
) -> Session:
    """A warm session for what the user named (see :class:`PolicySource`), or for a module or
    Rego sources already in memory (e.g. a module whose metadata the window is editing, or
    several ``.rego`` files evaluated together).

    A manifest file must hold exactly one policy here; :func:`open_sessions` opens each
    policy of a multi-document manifest.
    """
    cfg = config or RunConfig()
    if isinstance(source, PolicyModule):
        text = str(source.path) if source.path else f"sha256:{source.sha256}"
        return EngineSession(PolicySource(SourceKind.WASM, text, path=source.path), cfg, module=source)
    if not isinstance(source, (PolicySource, str, Path)):
        # (imported only here: a session of a Wasm module needs none of the Rego source engine)
        from workbench.core.engines.rego_source import RegoSource

        if isinstance(source, RegoSource):
            return EngineSession(
                PolicySource(SourceKind.REGO, str(source.path), path=source.path), cfg, rego=source
            )
    src = source if isinstance(source, PolicySource) else PolicySource.parse(source)
    if src.kind == SourceKind.MANIFEST:
        from workbench.core.manifests import load_manifests

        assert src.path is not None
        manifests = load_manifests(src.path)
        if len(manifests) != 1:
            raise InputError(
                f"{src.path} holds {len(manifests)} policies; open them one by one (open_sessions) "
                "or keep one policy per file"
            )
        return _open_manifest(manifests[0], src, cfg)
    return open_engine_session(src, cfg)
