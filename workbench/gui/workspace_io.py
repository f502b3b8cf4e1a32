"""Reading and writing workspaces: a suite file (docs/suites.md) in, the same format out (no Qt here).

:func:`load_workspace` reads a suite with the core's loader (so every check and error message
is the CLI's) and keeps, next to each policy and case, its original YAML entry;
:func:`save_workspace` writes untouched entries as they were written and edited cases with
their request in a file under ``cases/``, and checks the result with the core's loader
before replacing the file.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from workbench.core import (
    InputError,
    PolicySource,
    PolicySpec,
    atomic_write,
    dump_yaml,
    load_suite,
    read_text,
)
from workbench.gui.workspace import Workspace, WsCase, WsPolicy, settings_of, slug

__all__ = ["SUITE_HEADER", "load_workspace", "save_workspace"]

SUITE_HEADER = "# Policy Workbench test suite (format: docs/suites.md); written by the window\n"


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
        raw = copy.deepcopy(raw_cases[index]) if index < len(raw_cases) else {}  # shared by its policies
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
                spec_text=text,
                raw=raw,
                order=index,
            )
            item.mark_saved()
            policy.cases.append(item)
    return ws


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
                entry["settings"] = settings_of(policy.settings_text, policy.title) or {}
    for key, value in (("executionMode", policy.execution_mode), ("entrypoint", policy.entrypoint)):
        if value is not None:
            entry[key] = value
    if policy.allow_context_aware:
        entry["allowContextAware"] = True
    else:
        entry.pop("allowContextAware", None)
    context = dict(entry.get("context") or {})
    if policy.cluster_snapshot is not None:
        context["clusterSnapshot"] = _rel(root, policy.cluster_snapshot) + (
            "/" if policy.cluster_snapshot.is_dir() else ""
        )
    else:
        context.pop("clusterSnapshot", None)
    if context:
        entry["context"] = context
    else:
        entry.pop("context", None)
    return entry


def _unchanged(case: WsCase) -> bool:
    """Written as loaded: same texts and the same expectation as its entry says."""
    raw = case.raw
    if raw is None or case.dirty:
        return False
    return (raw.get("expect"), raw.get("message")) == (case.expect, case.message) or (
        raw.get("expect") == "accepted" and case.expect == "allowed" and raw.get("message") == case.message
    )


def _case_entry(root: Path, policy: WsPolicy, case: WsCase, used_ids: set[str]) -> dict[str, Any] | None:
    """The suite entry of an edited or new case (its request goes to a file under ``cases/``)."""
    if not case.request_text.strip():
        return None  # an empty scratch case is not worth keeping
    entry = {
        k: v for k, v in (case.raw or {}).items() if k in ("id", "description", "tags", "code", "warnings")
    }
    if case.request_path is None or case.raw is None or case.dirty:
        if case.request_path is None or case.raw is None:
            suffix = ".json" if case.request_text.lstrip().startswith(("{", "[")) else ".yaml"
            case.request_path = root / "cases" / policy.id / ((slug(case.name) or "case") + suffix)
        case.request_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(case.request_path, case.request_text)
    assert case.request_path is not None
    entry["request"] = _rel(root, case.request_path)
    case.spec = None  # the request is now the file's text
    if case.settings_text is not None:
        entry["settings"] = settings_of(case.settings_text, case.name) or {}
    entry["policy"] = policy.id
    case_id = str(entry.get("id") or slug(case.name) or "case")
    base_id, n = case_id, 2
    while case_id in used_ids:
        case_id = f"{base_id}-{policy.id}" if n == 2 else f"{base_id}-{n}"
        n += 1
    used_ids.add(case_id)
    entry["id"] = case_id
    entry.setdefault("description", case.name)
    entry["expect"] = case.expect or "allowed"
    if case.message:
        entry["message"] = case.message
    ordered: dict[str, Any] = {k: entry[k] for k in ("id", "description", "policy") if k in entry}
    ordered.update({k: v for k, v in entry.items() if k not in ordered})
    case.raw = ordered
    return ordered


def _case_entries(root: Path, ws: Workspace) -> list[dict[str, Any]]:
    """Every case in the order of the file (new ones last); an entry shared by several policies once."""
    pairs = [
        (case.order, pi, ci, policy, case)
        for pi, policy in enumerate(ws.policies)
        for ci, case in enumerate(policy.cases)
    ]
    pairs.sort(key=lambda item: item[:3])
    unchanged = {id(case.raw) for *_rest, case in pairs if _unchanged(case)}
    used = {
        str(case.raw.get("id"))
        for *_rest, case in pairs
        if id(case.raw) in unchanged and case.raw is not None
    }
    written: set[int] = set()
    entries: list[dict[str, Any]] = []
    for position, (*_rest, policy, case) in enumerate(pairs):
        if case.raw is not None and id(case.raw) in unchanged:
            if id(case.raw) not in written:
                written.add(id(case.raw))
                entries.append(copy.deepcopy(case.raw))
            case.order = position
            continue
        entry = _case_entry(root, policy, case, used)
        if entry is not None:
            case.order = position
            entries.append(entry)
    return entries


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
        raise InputError(
            f"save the workspace next to its files ({ws.root}) so that its relative paths stay valid"
        )
    policies = {policy.id: _policy_entry(root, policy) for policy in ws.policies}
    cases = _case_entries(root, ws)
    document: dict[str, Any] = {
        "apiVersion": "workbench.policy/v1",
        "kind": "Suite",
        "name": ws.name or target.name.split(".")[0],
    }
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
