"""What the window has open: a workspace — a policy test suite (``*.suite.yaml``, docs/suites.md) —
held as editable texts (no Qt here).

:func:`load_workspace` reads a suite with the core's loader (:func:`workbench.core.suites.load_suite`,
so every check and error message is the CLI's) and keeps, next to each policy and case, its
original YAML entry. The editors edit the texts; :func:`to_suite` turns the current texts back
into a core :class:`~workbench.core.suites.Suite` for the core's suite runner, and
:func:`save_workspace` writes the suite file: untouched entries as they were written, edited
cases with their request in a file under ``cases/``. A bare module is an unsaved workspace with
one policy and one scratch case.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from workbench.core import InputError, PolicySource, SourceKind, atomic_write, dump_yaml, read_text
from workbench.core.suites import CaseSpec, Expectation, PolicySpec, Suite, load_suite
from workbench.core.suites.model import Position

__all__ = [
    "EXPECTATIONS",
    "CaseResult",
    "CaseStatus",
    "Workspace",
    "WsCase",
    "WsPolicy",
    "inputs_digest",
    "load_workspace",
    "parse_text",
    "save_workspace",
    "to_suite",
]

EXPECTATIONS = tuple(e.value for e in Expectation)
SUITE_HEADER = "# Policy Workbench test suite (format: docs/suites.md); written by the window\n"


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
        return self.module.endswith(".rego") or (Path(self.module).is_dir() and any(Path(self.module).glob("*.rego")))

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
        slug = _slug(base) or "policy"
        candidate, n = slug, 2
        while self.policy(candidate) is not None:
            candidate = f"{slug}-{n}"
            n += 1
        return candidate

    def add_module(self, module: str | Path, title: str | None = None) -> WsPolicy:
        """Add a policy for ``module`` (a .wasm, .rego, manifest path, or a reference) with one scratch case."""
        text = str(module)
        path = Path(text)
        generic = path.stem in ("policy", "manifest") and path.parent.name
        stem = path.parent.name if generic else path.stem
        policy = WsPolicy(id=self.unique_policy_id(stem or "policy"), title=title or stem or text, module=text)
        policy.cases.append(WsCase(name="scratch", request_text="", scratch=True))
        self.policies.append(policy)
        self.structure_changed = True
        return policy


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _document_text(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _settings_text(base: Path, raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return read_text(base / raw, "settings file")
    return dump_yaml(raw) if raw else "{}\n"


def _module_text(spec: PolicySpec) -> str:
    source = PolicySource.parse(spec.module, base=spec.base)
    if source.path is not None:
        return str(source.path)
    return source.reference or source.text


def load_workspace(path: str | Path) -> Workspace:
    """Read a suite (a ``*.suite.yaml`` file, or a folder holding one) as a workspace."""
    file = Path(path)
    if file.is_dir():
        found = sorted(file.glob("*.suite.yaml")) + sorted(file.glob("*.suite.yml"))
        if not found:
            raise InputError(f"{file}: no *.suite.yaml file in this folder")
        file = found[0]
    suite = load_suite(file)
    raw_doc = yaml.safe_load(read_text(suite.path, "suite file"))
    base = suite.base
    ws = Workspace(root=base, path=suite.path, name=suite.name, description=suite.description)
    raw_policies = raw_doc.get("policies") or {}
    for pid, spec in suite.policies.items():
        raw = copy.deepcopy(raw_policies.get(pid) or {})
        settings = _settings_text(base, raw.get("settings"))
        ws.policies.append(
            WsPolicy(
                id=pid,
                title=spec.title or pid,
                module=_module_text(spec),
                execution_mode=spec.execution_mode,
                entrypoint=spec.entrypoint,
                settings_text=settings,
                saved_settings=settings,
                allow_context_aware=spec.allow_context_aware,
                cluster_snapshot=spec.cluster_snapshot,
                description=spec.description,
                spec=spec,
                raw=raw,
            )
        )
    raw_cases = raw_doc.get("cases") or []
    for index, case in enumerate(suite.cases):
        raw = copy.deepcopy(raw_cases[index]) if index < len(raw_cases) else {}
        request_file = raw.get("request") if isinstance(raw.get("request"), str) else None
        if request_file is not None:
            request_path = (base / request_file).resolve()
            text = read_text(request_path, "request file")
        else:
            request_path = None
            text = _document_text(case.request)
        settings = _settings_text(base, raw.get("settings"))
        for pid in case.policies:
            policy = ws.policy(pid)
            if policy is None:
                continue
            item = WsCase(
                name=case.description or case.id,
                request_text=text,
                id=case.id,
                request_path=request_path,
                expect=case.expect.value,
                message=case.message,
                settings_text=settings,
                spec=case,
                raw=raw,
            )
            item.mark_saved()
            policy.cases.append(item)
    return ws


# -- back to a core Suite ------------------------------------------------------------------
def _request_of(case: WsCase) -> dict[str, Any]:
    if case.spec is not None and not case.dirty:
        return case.spec.request
    value = parse_text(case.request_text)
    if isinstance(value, dict) and value.get("kind") == "AdmissionReview" and isinstance(value.get("request"), dict):
        value = value["request"]
    if not isinstance(value, dict):
        raise InputError(f"{case.name}: the request must be an AdmissionReview or AdmissionRequest object")
    return value


def _settings_of(text: str | None, what: str) -> dict[str, Any] | None:
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
    settings = _settings_of(policy.settings_text, policy.title)
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
    settings = _settings_of(case.settings_text, case.name)
    expect = Expectation.parse(case.expect) if case.expect else Expectation.ALLOWED
    base = case.spec
    if base is not None:
        return dataclasses.replace(
            base, id=f"{index}:{base.id}", policies=(policy.id,), request=request, settings=settings, expect=expect, message=case.message
        )
    return CaseSpec(
        id=f"{index}:{_slug(case.name) or 'case'}",
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
    return Suite(path=path, name=ws.name or "workspace", policies=policies, cases=tuple(cases)), kept, problems


# -- saving -------------------------------------------------------------------------------
def _rel(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _policy_entry(root: Path, policy: WsPolicy) -> dict[str, Any]:
    entry = copy.deepcopy(policy.raw) if policy.raw is not None else {}
    module = Path(policy.module)
    if policy.raw is None or "module" not in entry:
        entry["module"] = _rel(root, module) if module.exists() else policy.module
    entry.setdefault("title", policy.title)
    if policy.settings_text != policy.saved_settings or policy.raw is None:
        if policy.settings_text is None:
            entry.pop("settings", None)
        else:
            target = entry.get("settings")
            if isinstance(target, str):
                atomic_write(root / target, policy.settings_text)
            else:
                entry["settings"] = _settings_of(policy.settings_text, policy.title) or {}
    for key, value in (("executionMode", policy.execution_mode), ("entrypoint", policy.entrypoint)):
        if value is not None:
            entry[key] = value
    if policy.allow_context_aware:
        entry["allowContextAware"] = True
    else:
        entry.pop("allowContextAware", None)
    context = dict(entry.get("context") or {})
    if policy.cluster_snapshot is not None:
        context["clusterSnapshot"] = _rel(root, policy.cluster_snapshot) + ("/" if policy.cluster_snapshot.is_dir() else "")
    else:
        context.pop("clusterSnapshot", None)
    if context:
        entry["context"] = context
    else:
        entry.pop("context", None)
    return entry


def _case_entry(root: Path, policy: WsPolicy, case: WsCase, used_ids: set[str]) -> dict[str, Any] | None:
    if not case.request_text.strip():
        return None  # an empty scratch case is not worth keeping
    if case.raw is not None and not case.dirty:
        entry = copy.deepcopy(case.raw)
    else:
        entry = {k: v for k, v in (case.raw or {}).items() if k in ("id", "description", "tags", "code", "warnings")}
        if case.request_path is None or case.raw is None:
            suffix = ".json" if case.request_text.lstrip().startswith(("{", "[")) else ".yaml"
            case.request_path = root / "cases" / policy.id / ((_slug(case.name) or "case") + suffix)
        case.request_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(case.request_path, case.request_text)
        entry["request"] = _rel(root, case.request_path)
        if case.settings_text is not None:
            entry["settings"] = _settings_of(case.settings_text, case.name) or {}
    entry["policy"] = policy.id
    entry.pop("policies", None)
    case_id = str(entry.get("id") or _slug(case.name) or "case")
    base_id, n = case_id, 2
    while case_id in used_ids:
        case_id = f"{base_id}-{n}"
        n += 1
    used_ids.add(case_id)
    entry["id"] = case_id
    entry.setdefault("description", case.name)
    entry["expect"] = case.expect or "allowed"
    if case.message:
        entry["message"] = case.message
    else:
        entry.pop("message", None)
    ordered = {k: entry[k] for k in ("id", "description", "policy") if k in entry}
    ordered.update({k: v for k, v in entry.items() if k not in ordered})
    return ordered


def save_workspace(ws: Workspace, path: str | Path | None = None) -> Path:
    """Write the suite file (atomically) and every edited request or settings file."""
    target = Path(path) if path is not None else ws.path
    if target is None:
        raise InputError("choose a file to save the workspace to")
    target = target.resolve()
    if not target.name.endswith((".suite.yaml", ".suite.yml")):
        target = target.with_name(target.name.removesuffix(".yaml").removesuffix(".yml") + ".suite.yaml")
    root = target.parent
    if ws.path is not None and root != ws.root.resolve():
        raise InputError(f"save the workspace next to its files ({ws.root}) so that its relative paths stay valid")
    policies = {policy.id: _policy_entry(root, policy) for policy in ws.policies}
    cases: list[dict[str, Any]] = []
    used: set[str] = set()
    for policy in ws.policies:
        for case in policy.cases:
            entry = _case_entry(root, policy, case, used)
            if entry is not None:
                cases.append(entry)
    document: dict[str, Any] = {"apiVersion": "workbench.policy/v1", "kind": "Suite", "name": ws.name or target.name.split(".")[0]}
    if ws.description:
        document["description"] = ws.description
    document["policies"] = policies
    document["cases"] = cases
    text = SUITE_HEADER + dump_yaml(document)
    load_suite(target, text)  # never write a suite the loader would refuse
    atomic_write(target, text)
    for policy in ws.policies:
        policy.saved_settings = policy.settings_text
        if policy.raw is None:
            policy.raw = policies[policy.id]
        for case in policy.cases:
            case.scratch = False
            case.mark_saved()
    ws.path = target
    ws.root = root
    ws.structure_changed = False
    return target


def source_kind(module: str) -> SourceKind:
    return PolicySource.parse(module).kind
