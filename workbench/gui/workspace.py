"""What the window has open: a workspace — a policy test suite (``*.suite.yaml``, docs/suites.md) —
held as editable texts (no Qt here).

:func:`load_workspace` reads a suite with the core's loader (:func:`workbench.core.suites.load_suite`,
so every check and error message is the CLI's) and keeps, next to each policy and case, its
original YAML entry. Reading and writing the file is :mod:`workbench.gui.workspace_io`. The editors edit the texts;
:func:`to_suite` turns the current texts back
into a core :class:`~workbench.core.suites.Suite` for the core's suite runner, and
:func:`save_workspace` writes the suite file: untouched entries as they were written, edited
cases with their request in a file under ``cases/``. A bare module is an unsaved workspace with
one policy and one scratch case.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from workbench.core import (
    CaseSpec,
    Expectation,
    InputError,
    PolicySource,
    PolicySpec,
    Position,
    SourceKind,
    Suite,
)

__all__ = [
    "EXPECTATIONS",
    "CaseResult",
    "CaseStatus",
    "Workspace",
    "WsCase",
    "WsPolicy",
    "inputs_digest",
    "parse_text",
    "settings_of",
    "slug",
    "to_suite",
]

EXPECTATIONS = tuple(e.value for e in Expectation)


class CaseStatus(StrEnum):
    NOT_RUN = "not-run"
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    STALE = "stale"


def inputs_digest(*parts: Any) -> str:
    """A stable digest of everything a run depends on (module, metadata, settings, request, options)."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def parse_text(text: str) -> Any:
    """A YAML or JSON document (YAML is a superset); InputError naming the line when it does not parse."""
    try:
        return yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(f"not valid YAML or JSON{where}: {getattr(exc, 'problem', None) or exc}") from None


@dataclasses.dataclass(eq=False)
class CaseResult:
    """The last run of a case: the window's record of it and the digest of its inputs."""

    verdict: str
    message: str
    digest: str
    passed: bool | None
    reason: str
    record: Any = None  # the result view's RunRecord


@dataclasses.dataclass(eq=False)
class WsCase:
    name: str
    request_text: str
    id: str = ""
    request_path: Path | None = None
    expect: str | None = None
    message: str | None = None
    #: None: the policy's settings
    settings_text: str | None = None
    result: CaseResult | None = None
    saved: tuple[str, str | None] = ("", None)
    scratch: bool = False
    spec: CaseSpec | None = None
    raw: dict[str, Any] | None = None  # the suite entry as written (kept when not edited)
    #: the request text the ``spec`` was loaded with
    spec_text: str = ""
    #: where the entry is in the file (new cases come last)
    order: int = 1 << 30

    @property
    def dirty(self) -> bool:
        return (self.request_text, self.settings_text) != self.saved

    def mark_saved(self) -> None:
        self.saved = (self.request_text, self.settings_text)


@dataclasses.dataclass(eq=False)
class WsPolicy:
    id: str
    title: str
    module: str  # an absolute path, or a registry reference
    execution_mode: str | None = None
    entrypoint: str | int | None = None
    #: None: not given (the manifest's settings, else {})
    settings_text: str | None = None
    allow_context_aware: bool = False
    cluster_snapshot: Path | None = None
    description: str = ""
    cases: list[WsCase] = dataclasses.field(default_factory=list)
    saved_settings: str | None = None
    spec: PolicySpec | None = None
    raw: dict[str, Any] | None = None

    @property
    def is_rego(self) -> bool:
        return self.module.endswith(".rego") or (
            Path(self.module).is_dir() and any(Path(self.module).glob("*.rego"))
        )

    @property
    def dirty(self) -> bool:
        return self.settings_text != self.saved_settings or any(c.dirty for c in self.cases)

    def case_named(self, name: str) -> WsCase | None:
        return next((c for c in self.cases if c.name == name or (c.id and c.id == name)), None)

    def unique_case_name(self, base: str) -> str:
        name, n = base, 2
        while self.case_named(name) is not None:
            name = f"{base} ({n})"
            n += 1
        return name


@dataclasses.dataclass(eq=False)
class Workspace:
    root: Path
    policies: list[WsPolicy] = dataclasses.field(default_factory=list)
    path: Path | None = None  # None: unsaved
    structure_changed: bool = False
    name: str = ""
    description: str = ""

    @property
    def title(self) -> str:
        return self.path.name if self.path is not None else "Unsaved workspace"

    @property
    def dirty(self) -> bool:
        return self.structure_changed or any(p.dirty for p in self.policies)

    def policy(self, policy_id: str) -> WsPolicy | None:
        return next((p for p in self.policies if p.id == policy_id), None)

    def unique_policy_id(self, base: str) -> str:
        stem = slug(base) or "policy"
        candidate, n = stem, 2
        while self.policy(candidate) is not None:
            candidate = f"{stem}-{n}"
            n += 1
        return candidate

    def add_module(self, module: str | Path, title: str | None = None) -> WsPolicy:
        """Add a policy for ``module`` (a .wasm, .rego, manifest path, or a reference) with one scratch case."""
        text = str(module)
        path = Path(text)
        generic = path.stem in ("policy", "manifest") and path.parent.name
        stem = path.parent.name if generic else path.stem
        policy = WsPolicy(
            id=self.unique_policy_id(stem or "policy"), title=title or stem or text, module=text
        )
        policy.cases.append(WsCase(name="scratch", request_text="", scratch=True))
        self.policies.append(policy)
        self.structure_changed = True
        return policy


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# -- back to a core Suite ------------------------------------------------------------------
def _request_of(case: WsCase) -> dict[str, Any]:
    if case.spec is not None and case.request_text == case.spec_text:
        return case.spec.request  # as the core's loader built it (an object + operation, too)
    value = parse_text(case.request_text)
    if (
        isinstance(value, dict)
        and value.get("kind") == "AdmissionReview"
        and isinstance(value.get("request"), dict)
    ):
        value = value["request"]
    if not isinstance(value, dict):
        raise InputError(f"{case.name}: the request must be an AdmissionReview or AdmissionRequest object")
    return value


def settings_of(text: str | None, what: str) -> dict[str, Any] | None:
    if text is None:
        return None
    value = parse_text(text)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{what}: the settings must be a mapping")
    return value


def policy_spec(ws: Workspace, policy: WsPolicy, module: str | None = None) -> PolicySpec:
    """The policy as the core runner takes it, with the edited settings (and ``module`` instead, if given)."""
    settings = settings_of(policy.settings_text, policy.title)
    if policy.spec is not None:
        return dataclasses.replace(
            policy.spec,
            settings=settings,
            module=module or policy.spec.module,
            execution_mode=policy.execution_mode,
            entrypoint=policy.entrypoint,
            allow_context_aware=policy.allow_context_aware,
            cluster_snapshot=policy.cluster_snapshot,
        )
    return PolicySpec(
        id=policy.id,
        module=module or policy.module,
        base=ws.root,
        position=Position(ws.path or ws.root / "workspace.suite.yaml", 1),
        title=policy.title,
        settings=settings,
        execution_mode=policy.execution_mode,
        entrypoint=policy.entrypoint,
        allow_context_aware=policy.allow_context_aware,
        cluster_snapshot=policy.cluster_snapshot,
    )


def case_spec(ws: Workspace, policy: WsPolicy, case: WsCase, index: int) -> CaseSpec:
    request = _request_of(case)
    settings = settings_of(case.settings_text, case.name)
    expect = Expectation.parse(case.expect) if case.expect else Expectation.ALLOWED
    base = case.spec
    if base is not None:
        return dataclasses.replace(
            base,
            id=f"{index}:{base.id}",
            policies=(policy.id,),
            request=request,
            settings=settings,
            expect=expect,
            message=case.message,
        )
    return CaseSpec(
        id=f"{index}:{slug(case.name) or 'case'}",
        policies=(policy.id,),
        position=Position(ws.path or ws.root / "workspace.suite.yaml", 1),
        expect=expect,
        request=request,
        description=case.name,
        settings=settings,
        message=case.message,
    )


def to_suite(
    ws: Workspace, pairs: list[tuple[WsPolicy, WsCase]], modules: dict[str, str] | None = None
) -> tuple[Suite, list[tuple[WsPolicy, WsCase]], list[str]]:
    """A core Suite of ``pairs`` (one case entry per pair, in order) with the current texts.

    Returns the suite, the pairs it holds (same order as its cases) and the problems of the
    pairs left out (a request that does not parse...)."""
    modules = modules or {}
    policies: dict[str, PolicySpec] = {}
    cases: list[CaseSpec] = []
    kept: list[tuple[WsPolicy, WsCase]] = []
    problems: list[str] = []
    for policy, case in pairs:
        try:
            if policy.id not in policies:
                policies[policy.id] = policy_spec(ws, policy, modules.get(policy.id))
            cases.append(case_spec(ws, policy, case, len(cases)))
        except InputError as exc:
            problems.append(f"{policy.title} ← {case.name}: {exc}")
            continue
        kept.append((policy, case))
    path = ws.path or ws.root / "workspace.suite.yaml"
    return (
        Suite(path=path, name=ws.name or "workspace", policies=policies, cases=tuple(cases)),
        kept,
        problems,
    )


def source_kind(module: str) -> SourceKind:
    return PolicySource.parse(module).kind
