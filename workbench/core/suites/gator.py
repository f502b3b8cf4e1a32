"""Gatekeeper ``gator verify`` suites: run them as they are, or convert them to our format.

A gator suite (``apiVersion: test.gatekeeper.sh/v1alpha1``, ``kind: Suite``) lists
``tests``, each a ConstraintTemplate file (Rego in ``spec.targets[0].rego`` plus ``libs``)
and a Constraint file (``spec.parameters`` become the policy's settings, ``spec.match``
its match scope), with ``cases``: an ``object`` file (or an AdmissionReview), optional
``inventory`` files (``data.inventory``) and ``assertions`` on the violations
(``violations: yes | no | N`` and a ``message`` regular expression). The Rego runs from
source in Gatekeeper mode. See docs/suites.md, section "Gatekeeper suites".

Not run: tests marked ``invalid: true`` (they check the Constraint against the template's
schema, which needs Gatekeeper's CRD machinery) and ``skip: true``; the suite's notes say so.
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import re
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.core.errors import InputError, WorkbenchError
from workbench.core.suites.model import CaseSpec, Expectation, PolicySpec, Position, Suite
from workbench.core.yamlio import dump_yaml, load_yaml_all, read_text

if TYPE_CHECKING:
    from workbench.core.suites.loader import _Where

__all__ = ["gator_suite_from_data", "import_gator", "scope_of_match"]

_materialised: Path | None = None
_lock = threading.Lock()


def _cleanup() -> None:
    if _materialised is not None:
        shutil.rmtree(_materialised, ignore_errors=True)


def _scratch() -> Path:
    """A private folder (0700) for template Rego of this process, removed at exit."""
    global _materialised
    with _lock:
        if _materialised is None:
            _materialised = Path(tempfile.mkdtemp(prefix="pwb-gator-"))
            atexit.register(_cleanup)
        return _materialised


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.")
    return slug or "test"


def _documents(base: Path, value: Any, where: _Where, path: list[str | int], what: str) -> list[Any]:
    if not isinstance(value, str) or not value:
        raise where.error(path, f"{what} must be a file path")
    file = base / value
    if not file.is_file():
        raise where.error(path, f"{what} file {value} does not exist (looked for {file})")
    try:
        docs = load_yaml_all(read_text(file, what), f"{what} file {file}")
    except WorkbenchError as exc:
        raise where.error(path, str(exc)) from None
    if not docs:
        raise where.error(path, f"{what} file {value} is empty")
    return docs


def _template(
    doc: Any, where: _Where, path: list[str | int]
) -> tuple[str, list[str], str, dict[str, Any] | None]:
    """(rego, libs, constraint kind, parameters schema) of a ConstraintTemplate."""
    if not isinstance(doc, dict) or doc.get("kind") != "ConstraintTemplate":
        raise where.error(path, "the template file does not hold a ConstraintTemplate")
    spec = doc.get("spec") or {}
    names = ((spec.get("crd") or {}).get("spec") or {}).get("names") or {}
    kind = names.get("kind")
    targets = spec.get("targets") or []
    if not isinstance(targets, list) or not targets or not isinstance(targets[0], dict):
        raise where.error(path, "the ConstraintTemplate has no spec.targets")
    target = targets[0]
    rego = target.get("rego")
    if not isinstance(rego, str) or not rego.strip():
        code = target.get("code")
        if code:
            raise where.error(
                path, "only Rego templates run here (this template's code is another engine, e.g. CEL)"
            )
        raise where.error(path, "the ConstraintTemplate has no spec.targets[0].rego")
    libs = [lib for lib in (target.get("libs") or []) if isinstance(lib, str)]
    schema = ((spec.get("crd") or {}).get("spec") or {}).get("validation", {}).get("openAPIV3Schema")
    return rego, libs, str(kind or ""), schema if isinstance(schema, dict) else None


def _constraint(
    doc: Any, kind: str, where: _Where, path: list[str | int]
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(name, parameters, match) of a Constraint."""
    if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str):
        raise where.error(path, "the constraint file does not hold a Kubernetes object")
    if kind and doc["kind"] != kind:
        raise where.error(path, f"the constraint is a {doc['kind']}, but the template defines {kind}")
    spec = doc.get("spec") or {}
    params = spec.get("parameters") or {}
    match = spec.get("match") or {}
    if not isinstance(params, dict) or not isinstance(match, dict):
        raise where.error(path, "constraint spec.parameters and spec.match must be mappings")
    name = ((doc.get("metadata") or {}).get("name")) or doc["kind"].lower()
    return str(name), params, match


def scope_of_match(match: dict[str, Any]) -> dict[str, Any] | None:
    """A Gatekeeper constraint's ``spec.match`` as our scope mapping (None: matches everything)."""
    from workbench.core.scaffold.admission_request import resource_for_kind

    scope: dict[str, Any] = {}
    rules = []
    for entry in match.get("kinds") or []:
        if not isinstance(entry, dict):
            continue
        groups = [g for g in entry.get("apiGroups") or ["*"] if isinstance(g, str)]
        kinds = [k for k in entry.get("kinds") or ["*"] if isinstance(k, str)]
        resources = sorted(
            {
                "*" if k == "*" else resource_for_kind("" if g == "*" else g, k).plural
                for g in groups
                for k in kinds
            }
        )
        rules.append({"operations": ["*"], "apiGroups": groups, "apiVersions": ["*"], "resources": resources})
    if rules:
        scope["rules"] = rules
    elif match:
        scope["rules"] = [
            {"operations": ["*"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*", "*/*"]}
        ]
    if isinstance(match.get("labelSelector"), dict):
        scope["objectSelector"] = match["labelSelector"]
    if isinstance(match.get("namespaceSelector"), dict):
        scope["namespaceSelector"] = match["namespaceSelector"]
    conditions = []
    for key, negate in (("namespaces", False), ("excludedNamespaces", True)):
        names = [n for n in match.get(key) or [] if isinstance(n, str)]
        if names:
            listed = "[" + ", ".join(f"'{n}'" for n in names) + "]"
            test = f"request.namespace in {listed}"
            if any(n.endswith("*") for n in names):
                prefixes = [n[:-1] for n in names if n.endswith("*")]
                exact = [n for n in names if not n.endswith("*")]
                parts = [f"request.namespace.startsWith('{p}')" for p in prefixes]
                if exact:
                    parts.append("request.namespace in [" + ", ".join(f"'{n}'" for n in exact) + "]")
                test = " || ".join(parts)
            expression = (
                f"!(has(request.namespace) && ({test}))" if negate else f"has(request.namespace) && ({test})"
            )
            conditions.append({"name": key, "expression": expression})
    if conditions:
        scope["matchConditions"] = conditions
    return scope or None


def _object_request(doc: Any) -> dict[str, Any]:
    from workbench.core.suites.loader import build_request

    if isinstance(doc, dict) and doc.get("kind") == "AdmissionReview":
        request = doc.get("request")
        if not isinstance(request, dict):
            raise InputError("the AdmissionReview has no request")
        return copy.deepcopy(request)
    return build_request(operation="CREATE", obj=doc, old_object=None)


def _assertions(raw: Any, where: _Where, path: list[str | int]) -> tuple[tuple[str | int, str | None], ...]:
    if raw is None:
        return (("no", None),)  # gator: no assertions = reviewing the object gives no violations
    if not isinstance(raw, list):
        raise where.error(path, "assertions must be a list")
    out: list[tuple[str | int, str | None]] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise where.error([*path, i], "an assertion must be a mapping")
        unknown = set(item) - {"violations", "message"}
        if unknown:
            raise where.error([*path, i, sorted(unknown)[0]], "unknown key")
        want = item.get("violations", "yes")
        if isinstance(want, bool) or not (want in ("yes", "no") or (isinstance(want, int) and want >= 0)):
            raise where.error([*path, i, "violations"], 'must be a nonnegative integer, "yes", or "no"')
        message = item.get("message")
        if message is not None:
            if not isinstance(message, str):
                raise where.error([*path, i, "message"], "must be a string (a regular expression)")
            try:
                re.compile(message)
            except re.error as exc:
                raise where.error([*path, i, "message"], f"not a valid regular expression: {exc}") from None
        out.append((want, message))
    return tuple(out)


def _expectation(assertions: tuple[tuple[str | int, str | None], ...]) -> Expectation:
    wants_violation = any(w == "yes" or (isinstance(w, int) and w > 0) for w, _ in assertions)
    return Expectation.REJECTED if wants_violation else Expectation.ALLOWED


def _materialise(rego: str, libs: list[str]) -> Path:
    digest = hashlib.sha256("\0".join([rego, *libs]).encode()).hexdigest()[:20]
    folder = _scratch() / digest
    if not folder.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=_scratch()))
        (tmp / "template.rego").write_text(rego, encoding="utf-8")
        for i, lib in enumerate(libs):
            (tmp / f"lib-{i + 1}.rego").write_text(lib, encoding="utf-8")
        try:
            tmp.rename(folder)
        except OSError:  # another thread won the race
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


def gator_suite_from_data(data: dict[str, Any], file: Path, where: _Where) -> Suite:
    """A gator suite as a :class:`Suite` (Rego materialised into a private scratch folder)."""
    suite, _ = _convert(data, file, where, materialise=True)
    return suite


def _convert(
    data: dict[str, Any], file: Path, where: _Where, *, materialise: bool
) -> tuple[Suite, list[dict[str, Any]]]:
    base = file.parent
    unknown = set(data) - {"apiVersion", "kind", "metadata", "tests", "skip"}
    if unknown:
        key = sorted(map(str, unknown))[0]
        raise where.error([key], "unknown key in a gator Suite")
    tests = data.get("tests")
    if not isinstance(tests, list):
        raise where.error(["tests"], "a gator Suite needs a `tests` list")
    policies: dict[str, PolicySpec] = {}
    cases: list[CaseSpec] = []
    notes: list[str] = []
    templates: list[dict[str, Any]] = []
    if data.get("skip") is True:
        notes.append("the whole suite is marked skip: true")
        tests = []
    for ti, test in enumerate(tests):
        tpath: list[str | int] = ["tests", ti]
        if not isinstance(test, dict):
            raise where.error(tpath, "a test must be a mapping")
        extra = set(test) - {"name", "template", "constraint", "cases", "invalid", "skip"}
        if extra:
            raise where.error([*tpath, sorted(map(str, extra))[0]], "unknown key in a gator test")
        name = str(test.get("name") or f"test-{ti + 1}")
        if test.get("skip") is True:
            notes.append(f"test {name}: skip: true, not run")
            continue
        if test.get("invalid") is True:
            notes.append(f"test {name}: invalid: true (Constraint schema check) is not run by the workbench")
            continue
        template_doc = _documents(base, test.get("template"), where, [*tpath, "template"], "template")[0]
        rego, libs, kind, _schema = _template(template_doc, where, [*tpath, "template"])
        constraint_doc = _documents(
            base, test.get("constraint"), where, [*tpath, "constraint"], "constraint"
        )[0]
        cname, params, match = _constraint(constraint_doc, kind, where, [*tpath, "constraint"])
        pid = _slug(name)
        while pid in policies:
            pid += "-2"
        folder = _materialise(rego, libs) if materialise else base
        scope = scope_of_match(match)
        policies[pid] = PolicySpec(
            id=pid,
            module=str(folder) if materialise else f"{pid}/",
            base=base,
            position=Position(file, where.line(tpath)),
            title=f"{name} ({cname})",
            settings=copy.deepcopy(params),
            execution_mode="gatekeeper",
            scope=scope,
            check_scope=scope is not None,
        )
        templates.append(
            {"id": pid, "rego": rego, "libs": libs, "constraint": cname, "params": params, "scope": scope}
        )
        for ci, case in enumerate(test.get("cases") or []):
            cpath: list[str | int] = [*tpath, "cases", ci]
            if not isinstance(case, dict):
                raise where.error(cpath, "a case must be a mapping")
            extra = set(case) - {"name", "object", "inventory", "assertions", "skip"}
            if extra:
                raise where.error([*cpath, sorted(map(str, extra))[0]], "unknown key in a gator case")
            cname_ = str(case.get("name") or f"case-{ci + 1}")
            if case.get("skip") is True:
                notes.append(f"test {name}, case {cname_}: skip: true, not run")
                continue
            objects = _documents(base, case.get("object"), where, [*cpath, "object"], "object")
            if len(objects) > 1:
                notes.append(
                    f"test {name}, case {cname_}: the object file holds {len(objects)} documents; the first is used"
                )
            try:
                request = _object_request(objects[0])
            except WorkbenchError as exc:
                raise where.error([*cpath, "object"], str(exc)) from None
            inventory: list[dict[str, Any]] = []
            for ii, inv in enumerate(case.get("inventory") or []):
                for doc in _documents(base, inv, where, [*cpath, "inventory", ii], "inventory"):
                    if isinstance(doc, dict) and isinstance(doc.get("kind"), str):
                        inventory.append(doc)
            assertions = _assertions(case.get("assertions"), where, [*cpath, "assertions"])
            cases.append(
                CaseSpec(
                    id=f"{pid}/{_slug(cname_)}",
                    policies=(pid,),
                    position=Position(file, where.line(cpath)),
                    expect=_expectation(assertions),
                    request=request,
                    description=cname_,
                    assertions=assertions,
                    inventory=tuple(inventory),
                    source=str(case.get("object")),
                )
            )
    ids = [c.id for c in cases]
    dup = next((i for i in ids if ids.count(i) > 1), None)
    if dup is not None:
        raise where.error(["tests"], f"two cases share the id {dup!r} (rename one)")
    name = str(((data.get("metadata") or {}).get("name")) or file.stem)
    suite = Suite(file, name, policies, tuple(cases), format="gator", notes=tuple(notes))
    return suite, templates


def import_gator(source: str | Path, out: str | Path) -> tuple[list[Path], list[str]]:
    """Write our suite for a gator suite at ``out`` (Rego files beside it, in ``<suite>.rego/<policy>/``).

    Returns the files written and the notes (tests not converted). Paths to objects and
    inventory are written relative to ``out``'s folder.
    """
    from workbench.core.suites.loader import _Where, is_gator_document, parse_positions
    from workbench.core.yamlio import atomic_write

    src = Path(source).absolute()
    target = Path(out).absolute()
    if target.exists() and target.samefile(src):
        raise InputError("the output would overwrite the gator suite; choose another file")
    data, spans = parse_positions(read_text(src, "gator suite"), str(src))
    if not is_gator_document(data):
        raise InputError(f"{src}: not a gator suite (apiVersion test.gatekeeper.sh/v1alpha1, kind Suite)")
    suite, templates = _convert(data, src, _Where(src, spans), materialise=False)
    stem = target.name.removesuffix(".yaml").removesuffix(".yml").removesuffix(".suite")
    rego_root = target.parent / f"{stem}.rego"
    import os

    def rel(p: Path) -> str:
        relative = os.path.relpath(p, target.parent)
        return str(p) if relative.startswith(os.path.join("..", "..")) else relative

    written: list[Path] = []
    policies: dict[str, Any] = {}
    for t in templates:
        folder = rego_root / t["id"]
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in [
            ("template.rego", t["rego"]),
            *((f"lib-{i + 1}.rego", lib) for i, lib in enumerate(t["libs"])),
        ]:
            atomic_write(folder / name, text)
            written.append(folder / name)
        entry: dict[str, Any] = {
            "title": suite.policies[t["id"]].title,
            "module": rel(folder) + "/",
            "executionMode": "gatekeeper",
            "settings": t["params"],
        }
        if t["scope"] is not None:
            entry["scope"] = t["scope"]
        else:
            entry["checkScope"] = False
        policies[t["id"]] = entry
    cases = []
    for case in suite.cases:
        item: dict[str, Any] = {"id": case.id, "description": case.description, "policy": case.policies[0]}
        object_file = (src.parent / case.source).resolve()
        first = load_yaml_all(read_text(object_file, "object"), str(object_file))[0]
        if isinstance(first, dict) and first.get("kind") == "AdmissionReview":
            item["request"] = rel(object_file)
        else:
            item["object"] = rel(object_file)
            item["operation"] = "CREATE"
        item["expect"] = case.expect.value
        if case.inventory:
            item["inventory"] = list(case.inventory)
        item["assertions"] = [
            {"violations": want, **({"message": msg} if msg is not None else {})}
            for want, msg in case.assertions or ()
        ]
        cases.append(item)
    doc = {
        "apiVersion": "workbench.policy/v1",
        "kind": "Suite",
        "name": suite.name,
        "description": f"imported from the gator suite {src.name}",
        "policies": policies,
        "cases": cases,
    }
    header = f"# Converted from the gator verify suite {src} by `policy-workbench suite import-gator`.\n"
    notes = [f"# note: {n}\n" for n in suite.notes]
    text = header + "".join(notes) + dump_yaml(doc)
    from workbench.core.suites.loader import load_suite

    load_suite(target, text=text)  # what we write must read back
    atomic_write(target, text)
    written.append(target)
    return written, list(suite.notes)
