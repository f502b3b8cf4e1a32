"""The ``run`` pipeline shared by the CLI, the GUI and the benchmarks (compat §2.8).

pull/load → metadata → minimum version → execution mode → engine →
``validate_settings`` (invalid → :class:`SettingsError` "Provided settings are
not valid: …") → ``validate`` → post-processing (§2.2).
"""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from workbench.core.engines import (
    CancelToken,
    Engine,
    EngineOptions,
    LogRecord,
    PostProcessing,
    SettingsOutcome,
    ValidationOutcome,
    ValidationRequest,
    create_engine,
    normalise_execution_mode,
    post_process,
)
from workbench.core.engines.base import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT, LogSink, null_log
from workbench.core.errors import MetadataError, ModuleError, SettingsError
from workbench.core.module import KIND_UNKNOWN, KIND_WASI, PolicyModule

if TYPE_CHECKING:
    from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot
    from workbench.core.metadata import Metadata

__all__ = [
    "KUBEWARDEN_COMPAT_VERSION",
    "BaseSession",
    "PolicySession",
    "RunConfig",
    "check_minimum_version",
    "resolve_execution_mode",
    "run_policy",
]

#: the Kubewarden release whose behaviour the workbench reproduces (for minimumKubewardenVersion)
KUBEWARDEN_COMPAT_VERSION = "1.25.0"


@dataclasses.dataclass
class RunConfig:
    """Everything ``run`` can be told; defaults are kwctl's."""

    execution_mode: str | None = None
    entrypoint: str | int | None = None
    raw: bool | None = None  # None: from metadata policyType
    timeout: float | None = DEFAULT_TIMEOUT
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    post: PostProcessing = dataclasses.field(default_factory=PostProcessing)
    allow_context_aware: bool = False
    allowed_host_capabilities: tuple[str, ...] = ("*",)
    cluster_snapshot: str | Path | None = None
    record_path: str | Path | None = None
    replay_path: str | Path | None = None
    builtin_options: Any = None
    log: LogSink = null_log
    cancel: CancelToken | None = None
    use_cache: bool = True


def _version_tuple(version: str) -> tuple[int, int]:
    match = re.match(r"^(\d+)\.(\d+)", version)
    if not match:
        raise MetadataError(f"minimumKubewardenVersion {version!r} is not a semantic version")
    return int(match.group(1)), int(match.group(2))


def check_minimum_version(module: PolicyModule) -> None:
    """Refuse a policy that needs a newer Kubewarden (compared as major.minor.0, like kwctl)."""
    md = module.metadata
    if md is None or md.minimum_kubewarden_version is None:
        return
    if _version_tuple(md.minimum_kubewarden_version) > _version_tuple(KUBEWARDEN_COMPAT_VERSION):
        raise MetadataError(
            f"the policy requires Kubewarden {md.minimum_kubewarden_version} or newer; "
            f"Policy Workbench implements Kubewarden {KUBEWARDEN_COMPAT_VERSION}"
        )


def resolve_execution_mode(module: PolicyModule, override: str | None = None) -> str:
    """``-e`` as given; else the metadata's mode; else kwctl's defaults (Rego must be told)."""
    if override:
        return normalise_execution_mode(override)
    if module.metadata is not None:
        return module.metadata.execution_mode
    if module.is_rego:
        raise ModuleError(
            "The policy has been created with Rego, please specify which Opa runtime has to be used "
            "(-e opa or -e gatekeeper, or annotate the module with an executionMode)"
        )
    if module.kind == KIND_WASI:
        return "wasi"
    if module.kind == KIND_UNKNOWN:
        raise ModuleError(f"cannot run this module: {module.kind_reason}")
    return "kubewarden-wapc"


class BaseSession:
    """What every session shares: logs, settings check, evaluation, post-processing, lifetime.

    A subclass sets ``config``, ``raw``, ``engine``, ``_logs`` and ``_setup_logs`` (the
    records every outcome starts with) in its ``__init__``.
    """

    config: RunConfig
    raw: bool
    engine: Engine
    _logs: list[LogRecord]
    _setup_logs: list[LogRecord]

    def _log(self, record: LogRecord) -> None:
        self._logs.append(record)
        self.config.log(record)

    def _context_aware_resources(self, md: Metadata | None) -> tuple[tuple[str, str], ...]:
        """The resources the policy may read; warns when it asks without permission."""
        if not self.config.allow_context_aware or md is None:
            if md is not None and md.context_aware_resources and not self.config.allow_context_aware:
                self._log(
                    LogRecord(
                        "warning",
                        "the policy is context aware but --allow-context-aware was not given: "
                        "it gets no access to Kubernetes resources",
                        source="app",
                    )
                )
            return ()
        return tuple((c.api_version, c.kind) for c in md.context_aware_resources)

    def _load_snapshot(self) -> ClusterSnapshot | None:
        if self.config.cluster_snapshot is None:
            return None
        from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot

        return ClusterSnapshot.load(self.config.cluster_snapshot)

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
        result.logs = list(self._logs) + [r for r in result.logs if r not in self._logs]
        return result

    def interrupt(self) -> None:
        self.engine.interrupt()

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class PolicySession(BaseSession):
    """A loaded policy with a warm engine, for repeated runs (GUI, bench)."""

    def __init__(self, module: PolicyModule, config: RunConfig | None = None) -> None:
        self.module = module
        self.config = config or RunConfig()
        check_minimum_version(module)
        self.execution_mode = resolve_execution_mode(module, self.config.execution_mode)
        md = module.metadata
        self.raw = self.config.raw if self.config.raw is not None else bool(md and md.policy_type == "raw")
        self._logs = []
        self.engine = create_engine(module, self.execution_mode, self._engine_options())
        #: warnings logged while setting up (e.g. context aware without permission), repeated in every outcome
        self._setup_logs = list(self._logs)

    # -- construction --------------------------------------------------------
    def _engine_options(self) -> EngineOptions:
        cfg = self.config
        resources = self._context_aware_resources(self.module.metadata)
        snapshot = self._load_snapshot()
        host_caps = None
        if self.execution_mode in ("kubewarden-wapc", "wasi"):
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
            builtin_options=cfg.builtin_options,
            cancel=cfg.cancel,
            use_cache=cfg.use_cache,
        )


def run_policy(
    module: PolicyModule,
    request: ValidationRequest,
    settings: dict[str, Any],
    config: RunConfig | None = None,
) -> ValidationOutcome:
    """One-shot ``run``."""
    with PolicySession(module, config) as session:
        return session.run(request, settings)
