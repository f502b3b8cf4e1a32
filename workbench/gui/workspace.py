"""What the window has open: a workspace of policies and their cases (no Qt here).

A workspace is a file in the demo manifest's format (``resources/demo/demo.yml``, documented in
``workbench/core/demo.py``): ``policies`` with their module, settings, run options and
``requests`` (the cases) with the expected verdict and message. The window keeps every text in
memory (the editors edit the selected case), ties each result to a digest of the inputs that
produced it, and writes the file back atomically on Save. A bare module is an unsaved workspace
with one policy and one scratch case.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

from workbench.core import InputError, atomic_write, dump_yaml, load_json_or_yaml, read_text

__all__ = [
    "EXPECTATIONS",
    "CaseResult",
    "CaseStatus",
    "Workspace",
    "WsCase",
    "WsPolicy",
    "inputs_digest",
    "judge",
    "load_workspace",
    "save_workspace",
]

EXPECTATIONS = ("accepted", "rejected", "mutated", "settings-error", "error", "skipped", "allowed")


class CaseStatus(StrEnum):
    NOT_RUN = "not-run"
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    STALE = "stale"


def judge(expect: str | None, message: str | None, verdict: str, got_message: str) -> tuple[bool | None, str]:
    """(passed, why) of a verdict against a case's expectation; passed is None without one.

    The expected message is a substring or a regular expression of the message; a verdict alone
    never passes when the message shows another reason.
    """
    if not expect:
        return None, ""
    verdict_ok = verdict == expect or (expect == "allowed" and verdict in ("accepted", "mutated"))
    if not verdict_ok:
        return False, f"expected {expect}, got {verdict}" + (f": {got_message}" if got_message else "")
    if message:
        found = message in got_message
        if not found:
            try:
                found = re.search(message, got_message) is not None
            except re.error:
                found = False
        if not found:
            return False, f"expected {expect} with message {message!r}, got {got_message!r}"
    return True, f"expected {expect}, got {verdict}"


def inputs_digest(*parts: Any) -> str:
    """A stable digest of everything a run depends on (module, metadata, settings, request, options)."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


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
    request_path: Path | None = None
    expect: str | None = None
    message: str | None = None
    #: None: the policy's settings
    settings_text: str | None = None
    settings_path: Path | None = None
    result: CaseResult | None = None
    saved: tuple[str, str | None] = ("", None)
    scratch: bool = False

    @property
    def dirty(self) -> bool:
        return (self.request_text, self.settings_text) != self.saved

    def mark_saved(self) -> None:
        self.saved = (self.request_text, self.settings_text)


@dataclasses.dataclass(eq=False)
class WsPolicy:
    id: str
    title: str
    module: str  # a path, or a registry reference
    engine: str = "wasm"  # wasm | rego-source
    execution_mode: str | None = None
    entrypoint: str | None = None
    settings_text: str = "{}\n"
    settings_path: Path | None = None
    allow_context_aware: bool = False
    cluster_snapshot: Path | None = None
    description: str = ""
    cases: list[WsCase] = dataclasses.field(default_factory=list)
    saved_settings: str = "{}\n"

    @property
    def is_rego(self) -> bool:
        return self.engine == "rego-source" or self.module.endswith(".rego")

    @property
    def dirty(self) -> bool:
        return self.settings_text != self.saved_settings or any(c.dirty for c in self.cases)

    def case_named(self, name: str) -> WsCase | None:
        return next((c for c in self.cases if c.name == name), None)

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

    @property
    def title(self) -> str:
        return self.path.name if self.path is not None else "Unsaved workspace"

    @property
    def dirty(self) -> bool:
        return self.structure_changed or any(p.dirty for p in self.policies)

    def policy(self, policy_id: str) -> WsPolicy | None:
        return next((p for p in self.policies if p.id == policy_id), None)

    def unique_policy_id(self, base: str) -> str:
        slug = re.sub(r"[^a-z0-9-]+", "-", base.lower()).strip("-") or "policy"
        candidate, n = slug, 2
        while self.policy(candidate) is not None:
            candidate = f"{slug}-{n}"
            n += 1
        return candidate

    def add_module(self, module: str | Path, title: str | None = None) -> WsPolicy:
        """Add a policy for ``module`` (a .wasm or .rego path, or a reference) with one scratch case."""
        text = str(module)
        stem = Path(text).parent.name if text.endswith("policy.rego") or text.endswith("policy.wasm") else Path(text).stem
        policy = WsPolicy(
            id=self.unique_policy_id(stem or "policy"),
            title=title or stem or text,
            module=text,
            engine="rego-source" if text.endswith(".rego") else "wasm",
        )
        policy.cases.append(WsCase(name="scratch", request_text="", scratch=True))
        self.policies.append(policy)
        self.structure_changed = True
        return policy


def _read(path: Path, what: str) -> str:
    return read_text(path, what)


def _rel(root: Path, path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _resolve(root: Path, value: Any, where: str, *, required: bool = False) -> Path | None:
    if value is None:
        if required:
            raise InputError(f"{where} is missing")
        return None
    if not isinstance(value, str):
        raise InputError(f"{where} must be a path string")
    path = (root / value).resolve()
    if not path.exists():
        raise InputError(f"{where} points to {value}, which does not exist")
    return path


def load_workspace(path: str | Path) -> Workspace:
    """Read a workspace (a ``demo.yml``-format file, or a folder holding ``demo.yml``)."""
    path = Path(path)
    if path.is_dir():
        path = path / "demo.yml"
    data = load_json_or_yaml(read_text(path, "workspace"), str(path))
    if not isinstance(data, dict) or not isinstance(data.get("policies"), list):
        raise InputError(f"{path}: expected a mapping with a 'policies' list")
    root = path.parent.resolve()
    ws = Workspace(root=root, path=path.resolve())
    for i, raw in enumerate(data["policies"]):
        where = f"{path.name}: policies[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise InputError(f"{where} needs an id")
        module_text = raw.get("module")
        if not isinstance(module_text, str):
            raise InputError(f"{where}.module is missing")
        module_path = root / module_text
        module = str(module_path.resolve()) if module_path.exists() or "://" not in module_text else module_text
        settings_path = _resolve(root, raw.get("settings"), f"{where}.settings")
        settings_text = _read(settings_path, "settings file") if settings_path else "{}\n"
        policy = WsPolicy(
            id=raw["id"],
            title=str(raw.get("title") or raw["id"]),
            module=module,
            engine=str(raw.get("engine", "wasm")),
            execution_mode=raw.get("execution_mode"),
            entrypoint=raw.get("entrypoint"),
            settings_text=settings_text,
            settings_path=settings_path,
            allow_context_aware=bool(raw.get("allow_context_aware", False)),
            cluster_snapshot=_resolve(root, raw.get("cluster_snapshot"), f"{where}.cluster_snapshot"),
            description=str(raw.get("description") or ""),
            saved_settings=settings_text,
        )
        for j, rc in enumerate(raw.get("requests") or []):
            cwhere = f"{where}.requests[{j}]"
            if not isinstance(rc, dict):
                raise InputError(f"{cwhere} must be a mapping")
            expect = rc.get("expect")
            if expect is not None and expect not in EXPECTATIONS:
                raise InputError(f"{cwhere}.expect must be one of {', '.join(EXPECTATIONS)}")
            request_path = _resolve(root, rc.get("request"), f"{cwhere}.request", required=True)
            assert request_path is not None
            case_settings = _resolve(root, rc.get("settings"), f"{cwhere}.settings")
            case = WsCase(
                name=str(rc.get("name") or f"request {j + 1}"),
                request_text=_read(request_path, "request file"),
                request_path=request_path,
                expect=expect,
                message=rc.get("message"),
                settings_text=_read(case_settings, "settings file") if case_settings else None,
                settings_path=case_settings,
            )
            case.mark_saved()
            policy.cases.append(case)
        ws.policies.append(policy)
    return ws


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "case"


def save_workspace(ws: Workspace, path: str | Path | None = None) -> Path:
    """Write the workspace file and every edited settings / request file (atomically)."""
    target = Path(path) if path is not None else ws.path
    if target is None:
        raise InputError("choose a file to save the workspace to")
    target = target.resolve()
    root = target.parent
    policies: list[dict[str, Any]] = []
    for policy in ws.policies:
        if policy.settings_path is None and policy.settings_text.strip() not in ("", "{}"):
            policy.settings_path = root / "settings" / f"{policy.id}.yml"
        if policy.settings_path is not None and (policy.dirty or not policy.settings_path.exists()):
            policy.settings_path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(policy.settings_path, policy.settings_text)
        policy.saved_settings = policy.settings_text
        entry: dict[str, Any] = {"id": policy.id, "title": policy.title}
        if policy.description:
            entry["description"] = policy.description
        module_path = Path(policy.module)
        entry["module"] = _rel(root, module_path) if module_path.exists() else policy.module
        if policy.engine != "wasm":
            entry["engine"] = policy.engine
        for key in ("execution_mode", "entrypoint"):
            if getattr(policy, key):
                entry[key] = getattr(policy, key)
        if policy.settings_path is not None:
            entry["settings"] = _rel(root, policy.settings_path)
        if policy.allow_context_aware:
            entry["allow_context_aware"] = True
        if policy.cluster_snapshot is not None:
            entry["cluster_snapshot"] = _rel(root, policy.cluster_snapshot) + (
                "/" if policy.cluster_snapshot.is_dir() else ""
            )
        cases = []
        for case in policy.cases:
            if not case.request_text.strip():
                continue  # an empty scratch case is not worth a file
            if case.request_path is None:
                language_suffix = ".json" if case.request_text.lstrip().startswith(("{", "[")) else ".yaml"
                case.request_path = root / "cases" / policy.id / (_slug(case.name) + language_suffix)
            if case.dirty or not case.request_path.exists():
                case.request_path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(case.request_path, case.request_text)
            if case.settings_text is not None:
                if case.settings_path is None:
                    case.settings_path = root / "settings" / f"{policy.id}-{_slug(case.name)}.yml"
                case.settings_path.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(case.settings_path, case.settings_text)
            case.scratch = False
            case.mark_saved()
            item: dict[str, Any] = {"name": case.name, "request": _rel(root, case.request_path)}
            if case.settings_path is not None and case.settings_text is not None:
                item["settings"] = _rel(root, case.settings_path)
            item["expect"] = case.expect or "accepted"
            if case.message:
                item["message"] = case.message
            cases.append(item)
        entry["requests"] = cases
        policies.append(entry)
    header = "# Policy Workbench workspace (the demo manifest format, see workbench/core/demo.py)\n"
    atomic_write(target, header + dump_yaml({"policies": policies}))
    ws.path = target
    ws.root = root
    ws.structure_changed = False
    return target
