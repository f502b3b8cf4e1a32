"""Reading ``*.suite.yaml`` files: YAML with line numbers, JSON Schema validation, typed suites.

Every problem is an :class:`InputError` whose message starts with ``FILE:LINE:`` and names
the field (``cases[3].expect``), so a typo never passes silently and never shows a
traceback. Relative paths resolve against the suite file's folder. See docs/suites.md.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import gc
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import jsonschema
import yaml

from workbench.core.errors import InputError, WorkbenchError
from workbench.core.suites.model import CaseSpec, Expectation, PolicySpec, Position, Suite
from workbench.core.yamlio import load_json_or_yaml, read_text

__all__ = [
    "SUITE_SUFFIXES",
    "SuiteError",
    "discover_suites",
    "load_suite",
    "load_suites",
    "parse_positions",
    "suite_schema",
]

SUITE_SUFFIXES = (".suite.yaml", ".suite.yml")
#: suites are small text files: refuse anything larger (a bounded read)
MAX_SUITE_BYTES = 16 * 1024 * 1024
_MAX_ERRORS = 8


class SuiteError(InputError):
    """A suite file that cannot be read; ``file`` and ``line`` say where."""

    def __init__(self, message: str, file: Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line


# -- YAML with positions -----------------------------------------------------------------
#: libyaml's parser when PyYAML was built with it (much faster on large suites), else the pure-Python one
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """YAML 1.2 booleans (``yes``/``no`` stay strings, as in Kubernetes tooling); duplicate keys are errors."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """PyYAML's tag resolution for a loader with implicit resolvers only (no path resolvers,
        no catch-all ones; checked below), without building a list on each of the tens of
        thousands of calls the parser makes for a large suite."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return str(tag)
            return str(self.DEFAULT_SCALAR_TAG)
        return str(self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG)


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
if _Loader.yaml_path_resolvers or None in _Loader.yaml_implicit_resolvers:  # what _Loader.resolve relies on
    raise RuntimeError("this PyYAML has path or catch-all resolvers: _Loader.resolve would skip them")


class Span(NamedTuple):
    """Where a value is written: 1-based line and column of the value and of its key (for
    mapping entries; else the value again), and the character offsets in the text.
    (A tuple: a suite of a thousand cases records tens of thousands of them.)"""

    line: int
    column: int
    start: int
    end: int
    key_line: int
    key_column: int
    key_start: int


Path_ = tuple[str | int, ...]


_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _span(node: yaml.Node, key: yaml.Node | None) -> Span:
    anchor = key or node
    return Span(
        node.start_mark.line + 1,
        node.start_mark.column + 1,
        node.start_mark.index,
        node.end_mark.index,
        anchor.start_mark.line + 1,
        anchor.start_mark.column + 1,
        anchor.start_mark.index,
    )


class _Builder:
    """Builds the document from the composed nodes in one pass.

    Plain strings (nearly everything in a suite) are taken from the node directly; other
    scalars go through the safe constructor. A node reached again through an alias is shared,
    not rebuilt (no exponential "billion laughs" expansion). With ``record``, every value's
    span is noted on the way (:func:`parse_positions`); without, positions are found later,
    only for the paths asked about (:class:`_NodeSpans`)."""

    def __init__(self, loader: Any, *, record: bool, text: str) -> None:
        self.loader = loader
        self.record = record
        self.spans: dict[Path_, Span] = {}
        self.built: dict[int, Any] = {}
        # what a text without them cannot hold: aliases are written ``*name``; merge keys ``<<``
        # or with an explicit tag naming ``merge`` (most suites have neither: no bookkeeping then)
        self.aliases = "*" in text
        self.merges = "<<" in text or "merge" in text

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _STR_TAG:
            return node.value
        return self.loader.construct_object(node, deep=True)

    def build(self, node: yaml.Node, path: Path_, key: yaml.Node | None) -> Any:
        record = self.record
        if record:
            self.spans[path] = _span(node, key)
        kind = type(node)  # the composer makes these three classes, never subclasses
        if kind is yaml.ScalarNode:
            return node.value if node.tag == _STR_TAG else self.loader.construct_object(node, deep=True)
        if self.aliases:
            known = self.built.get(id(node))
            if known is not None:
                return known
        if kind is yaml.SequenceNode:
            items: list[Any] = []
            if self.aliases:
                self.built[id(node)] = items
            for i, item in enumerate(node.value):
                items.append(self.build(item, (*path, i) if record else path, None))
            return items
        if kind is yaml.MappingNode:
            merged = 0  # how many leading entries came from merge keys (<<)
            if self.merges:
                explicit = sum(1 for k, _ in node.value if k.tag != _MERGE_TAG)
                self.loader.flatten_mapping(node)  # merged entries first, in PyYAML's order
                merged = len(node.value) - explicit
            mapping: dict[Any, Any] = {}
            if self.aliases:
                self.built[id(node)] = mapping
            written: set[Any] = set()  # keys written in this mapping itself
            for index, (key_node, value_node) in enumerate(node.value):
                if type(key_node) is yaml.ScalarNode:
                    name = key_node.value if key_node.tag == _STR_TAG else self.scalar(key_node)
                else:
                    name = None
                if name is None or isinstance(name, (list, dict)):
                    raise yaml.constructor.ConstructorError(
                        None, None, "mapping keys must be scalars", key_node.start_mark
                    )
                if index >= merged:  # a key written here overrides a merged one, not another written one
                    if name in written:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate mapping key {name!r}", key_node.start_mark
                        )
                    written.add(name)
                mapping[name] = self.build(value_node, (*path, name) if record else path, key_node)
            return mapping
        raise yaml.constructor.ConstructorError(None, None, f"unexpected node {node.tag}", node.start_mark)


class _NodeSpans:
    """The spans of a built document, looked up in its composed nodes when asked for: a
    suite needs one position a case and a few for an error, not one for each of its values."""

    def __init__(self, root: yaml.Node | None, loader: Any) -> None:
        self.root = root
        self.loader = loader
        self._found: dict[Path_, tuple[yaml.Node, yaml.Node | None]] = {}

    def _find(self, path: Path_) -> tuple[yaml.Node, yaml.Node | None] | None:
        if not path:
            return None if self.root is None else (self.root, None)
        known = self._found.get(path)
        if known is not None:
            return known
        above = self._find(path[:-1])  # the containers above: found once, remembered
        if above is None:
            return None
        node, part = above[0], path[-1]
        found: tuple[yaml.Node, yaml.Node | None] | None = None
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            found = (node.value[part], None)
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in reversed(node.value):  # flattened while building: the last one won
                if isinstance(key_node, yaml.ScalarNode) and _key_value(self.loader, key_node) == part:
                    found = (value_node, key_node)
                    break
        if found is not None and not isinstance(found[0], yaml.ScalarNode):
            self._found[path] = found
        return found

    def key_line(self, path: Path_) -> int | None:
        """``get(path).key_line`` without building the span (asked once for every case)."""
        found = self._find(path)
        if found is None:
            return None
        node, key = found
        return int((key or node).start_mark.line) + 1

    def get(self, path: Path_) -> Span | None:
        found = self._find(path)
        return None if found is None else _span(*found)


def _key_value(loader: Any, node: yaml.ScalarNode) -> Any:
    if node.tag == _STR_TAG:
        return node.value
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, AttributeError, OverflowError):
        return None


def _parse(text: str, source: str, *, record: bool) -> tuple[Any, dict[Path_, Span] | _NodeSpans]:
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, {}
            builder = _Builder(loader, record=record, text=text)
            data = builder.build(node, (), None)
            spans: dict[Path_, Span] | _NodeSpans = builder.spans if record else _NodeSpans(node, loader)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise SuiteError(f"{source}:{line or 1}: not valid YAML: {problem}", Path(source), line) from None
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise SuiteError(f"{source}: not valid YAML: {exc}", Path(source)) from None
    except RecursionError:
        raise SuiteError(f"{source}: nested too deeply", Path(source)) from None
    return data, spans


def parse_positions(text: str, source: str) -> tuple[Any, dict[Path_, Span]]:
    """The document and a map from each path (keys and list indexes) to its :class:`Span`."""
    data, spans = _parse(text, source, record=True)
    assert isinstance(spans, dict)
    return data, spans


def _field(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


class _Where:
    """Turns a path into ``FILE:LINE: field`` using the spans of the parsed file."""

    def __init__(self, file: Path, spans: dict[Path_, Span] | _NodeSpans) -> None:
        self.file = file
        self.spans = spans
        #: files read while loading this suite ((path, what) -> parsed value): each is read once
        self.files: dict[tuple[str, str], Any] = {}

    def line(self, path: Sequence[str | int]) -> int:
        p = tuple(path)
        if isinstance(self.spans, _NodeSpans):
            line = self.spans.key_line(p)
            if line is not None:
                return line
        span = self.spans.get(p)
        while span is None and p:
            p = p[:-1]
            span = self.spans.get(p)
        return span.key_line if span else 1

    def error(self, path: Sequence[str | int], message: str) -> SuiteError:
        line = self.line(path)
        return SuiteError(f"{self.file}:{line}: {_field(path)}: {message}", self.file, line)


# -- schema ------------------------------------------------------------------------------
@functools.cache
def suite_schema() -> dict[str, Any]:
    """The JSON Schema of the suite format (shipped in the package)."""
    text = resources.files("workbench.core.suites").joinpath("suite.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with every local ``$ref`` replaced by its definition (the schema is not
    recursive): validating a 1,000-case suite then spends no time resolving references."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = suite_schema()
    return jsonschema.Draft202012Validator(_inline_refs(schema, schema.get("$defs", {})))


def _const_as_enum(node: Any) -> Any:
    """``const: X`` written as ``enum: [X]`` (the same constraint): fastjsonschema 2.22 cannot
    generate a ``const`` check without its detailed exceptions, which would double the code."""
    if isinstance(node, dict):
        out = {k: _const_as_enum(v) for k, v in node.items() if k != "const"}
        if "const" in node:
            out["enum"] = [node["const"]]
        return out
    if isinstance(node, list):
        return [_const_as_enum(v) for v in node]
    return node


def _fast_schema() -> dict[str, Any]:
    """The schema as fastjsonschema compiles it: references inlined, draft-07 keywords."""
    schema = suite_schema()
    inlined = _const_as_enum(_inline_refs(schema, schema.get("$defs", {})))
    inlined["$schema"] = "http://json-schema.org/draft-07/schema#"  # same keywords, fastjsonschema's draft
    inlined.pop("$id", None)
    return inlined  # type: ignore[no-any-return]


def _schema_digest() -> str:
    text = resources.files("workbench.core.suites").joinpath("suite.schema.json").read_bytes()
    return hashlib.sha256(text).hexdigest()


def render_schema_check() -> str:
    """The source of ``workbench/core/suites/schema_check.py``: the suite schema compiled to
    Python by fastjsonschema ahead of time, stamped with the schema's digest (docs/suites.md,
    "Validation"). Compiling it at run time cost ~45 ms per process; the shipped module is
    imported from its bytecode cache, or compiled in a few milliseconds without one. Regenerate
    after editing ``suite.schema.json`` with ``write_schema_check()`` (a test fails until then)."""
    import fastjsonschema

    # the yes/no is all that is used: no copies of the schema in the exceptions (half the code)
    code = fastjsonschema.compile_to_code(_fast_schema(), detailed_exceptions=False)
    return (
        "# Generated from suite.schema.json by workbench.core.suites.loader.render_schema_check():\n"
        "# do not edit (see docs/suites.md, \"Validation\").\n"
        "# ruff: noqa\n"
        "# mypy: ignore-errors\n"
        f"SCHEMA_SHA256 = {_schema_digest()!r}\n" + code
    )


def write_schema_check() -> Path:
    """Regenerate ``schema_check.py`` next to this module (written atomically)."""
    from workbench.core.yamlio import atomic_write

    target = Path(__file__).with_name("schema_check.py")
    atomic_write(target, render_schema_check())
    return target


@functools.cache
def _fast_check() -> Callable[[Any], Any]:
    """The quick yes/no for a valid suite (most of them): the shipped, pre-compiled validator
    when it was generated from this schema, else one compiled now. The errors of an invalid
    suite come from jsonschema, which lists them all with paths."""
    try:
        from workbench.core.suites import schema_check
    except ImportError:  # pragma: no cover - the module ships with the package
        schema_check = None  # type: ignore[assignment]
    if schema_check is not None and getattr(schema_check, "SCHEMA_SHA256", None) == _schema_digest():
        return schema_check.validate  # type: ignore[no-any-return]
    import fastjsonschema

    return fastjsonschema.compile(_fast_schema(), detailed_exceptions=False)  # type: ignore[no-any-return]


def _schema_errors(data: Any, where: _Where) -> list[SuiteError]:
    import fastjsonschema

    try:
        _fast_check()(data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass  # invalid: let jsonschema explain every problem
    out: list[tuple[int, SuiteError]] = []
    for err in _validator().iter_errors(data):
        path = list(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = set((err.schema.get("properties") or {}).keys())
            extra = [k for k in err.instance if k not in allowed]
            for key in extra:
                hint = _close_match(str(key), allowed)
                e = where.error([*path, key], "unknown key" + (f" (did you mean `{hint}`?)" if hint else ""))
                out.append((e.line or 0, e))
            continue
        if err.validator in ("oneOf", "anyOf") and err.context:
            # the most specific reason among the alternatives
            best = jsonschema.exceptions.best_match(err.context)
            message = best.message if best is not None else err.message
        else:
            message = err.message
        if err.validator == "required" and isinstance(err.instance, dict):
            message = message.replace("is a required property", "is required")
        e = where.error(path, message)
        out.append((e.line or 0, e))
    out.sort(key=lambda item: item[0])
    return [e for _, e in out]


def _close_match(key: str, allowed: Iterable[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
    return found[0] if found else None


# -- values ------------------------------------------------------------------------------
def _read_file_value(base: Path, value: str, where: _Where, path: Sequence[str | int], what: str) -> Any:
    key = (value, what)
    if key not in where.files:  # a file named by many cases is read once; the value is shared (read-only)
        where.files[key] = _read_file_uncached((base / value).expanduser(), value, where, path, what)
    return where.files[key]


def _read_file_uncached(file: Path, value: str, where: _Where, path: Sequence[str | int], what: str) -> Any:
    if not file.is_file():
        raise where.error(path, f"{what} file {value} does not exist (looked for {file})")
    try:
        if file.stat().st_size > MAX_SUITE_BYTES:
            raise where.error(
                path, f"{what} file {value} is larger than {MAX_SUITE_BYTES // (1024 * 1024)} MiB"
            )
        return load_json_or_yaml(read_text(file, what), f"{what} file {file}")
    except SuiteError:
        raise
    except WorkbenchError as exc:
        raise where.error(path, str(exc)) from None


def _path_or_object(base: Path, value: Any, where: _Where, path: Sequence[str | int], what: str) -> Any:
    if isinstance(value, str):
        return _read_file_value(base, value, where, path, what)
    return value  # fresh from the parser, owned by this suite


def _settings(base: Path, value: Any, where: _Where, path: Sequence[str | int]) -> dict[str, Any] | None:
    if value is None:
        return None
    data = _path_or_object(base, value, where, path, "settings")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise where.error(path, f"settings must be a mapping, got {type(data).__name__}")
    return data


def _policy(pid: str, raw: dict[str, Any], base: Path, where: _Where) -> PolicySpec:
    path: list[str | int] = ["policies", pid]
    context = raw.get("context") or {}

    def local(key: str, value: str | None) -> Path | None:
        if value is None:
            return None
        target = (base / value).expanduser()
        if not target.exists():
            raise where.error([*path, "context", key], f"{value} does not exist (looked for {target})")
        return target

    module = raw["module"]
    # a registry reference (kubewarden/safe-labels:v1) need not exist here; a local-looking path must
    local_looking = module.endswith((".wasm", ".rego", ".yaml", ".yml")) or module.startswith((".", "/"))
    if (
        local_looking
        and not re.match(r"^[a-z][a-z0-9+.-]*://", module)
        and not (base / module).expanduser().exists()
    ):
        raise where.error([*path, "module"], f"{module} does not exist (looked for {base / module})")
    return PolicySpec(
        id=pid,
        module=module,
        base=base,
        position=Position(where.file, where.line(path)),
        title=raw.get("title") or pid,
        description=raw.get("description") or "",
        settings=_settings(base, raw.get("settings"), where, [*path, "settings"]),
        execution_mode=raw.get("executionMode"),
        entrypoint=raw.get("entrypoint"),
        raw=raw.get("raw"),
        mode=raw.get("mode"),
        mutating=raw.get("mutating"),
        message=raw.get("message"),
        timeout=raw.get("timeout", 2.0),
        allow_context_aware=bool(raw.get("allowContextAware", False)),
        allowed_host_capabilities=tuple(raw.get("allowedHostCapabilities") or ("*",)),
        cluster_snapshot=local("clusterSnapshot", context.get("clusterSnapshot")),
        replay=local("replay", context.get("replay")),
        scope=copy.deepcopy(raw.get("scope")),
        check_scope=bool(raw.get("checkScope", True)),
    )


def build_request(
    *,
    operation: str,
    obj: Any,
    old_object: Any,
    namespace: str | None = None,
    name: str | None = None,
    resource: str | None = None,
    subresource: str | None = None,
    user_info: dict[str, Any] | None = None,
    dry_run: bool | None = None,
) -> dict[str, Any]:
    """An AdmissionRequest from objects (the core's scaffolding), with the case's overrides."""
    from workbench.core.scaffold.admission_request import (
        SCAFFOLD_UID,
        SCAFFOLD_USER_INFO,
        scaffold_admission_request,
        split_api_version,
    )

    if operation == "CONNECT":
        if not isinstance(obj, dict) or not isinstance(obj.get("kind"), str):
            raise InputError("a CONNECT case needs `object` (the options object, e.g. PodExecOptions)")
        if not resource or not subresource:
            raise InputError("a CONNECT case needs `resource` (e.g. pods) and `subresource` (e.g. exec)")
        group, version = split_api_version(str(obj.get("apiVersion") or "v1"))
        request: dict[str, Any] = {
            "uid": SCAFFOLD_UID,
            "kind": {"group": group, "version": version, "kind": obj["kind"]},
            "resource": {"group": "", "version": "v1", "resource": resource},
            "operation": "CONNECT",
            "userInfo": copy.deepcopy(SCAFFOLD_USER_INFO),
            "object": copy.deepcopy(obj),
        }
        request["requestKind"] = dict(request["kind"])
        request["requestResource"] = dict(request["resource"])
    elif operation == "DELETE" and obj is None:
        if old_object is None:
            raise InputError("a DELETE case needs `object` or `oldObject` (the object being deleted)")
        request = scaffold_admission_request("DELETE", old_object)
    else:
        if obj is None:
            raise InputError(f"a {operation} case needs `object`")
        request = scaffold_admission_request(operation, obj, old_object)
    if resource and operation != "CONNECT":
        for key in ("resource", "requestResource"):
            request[key]["resource"] = resource
    if subresource:
        request["subResource"] = subresource
        request["requestSubResource"] = subresource
    if namespace is not None:
        if namespace:
            request["namespace"] = namespace
        else:
            request.pop("namespace", None)
    if name is not None:
        request["name"] = name
    if user_info is not None:
        request["userInfo"] = copy.deepcopy(user_info)
    if dry_run is not None:
        request["dryRun"] = dry_run
    return request


def _case(
    index: int, raw: dict[str, Any], base: Path, where: _Where, policies: dict[str, PolicySpec]
) -> CaseSpec:
    path: list[str | int] = ["cases", index]
    cid = raw["id"]
    wanted = raw.get("policy")
    if wanted is None:
        ids = tuple(policies)
    else:
        ids = (wanted,) if isinstance(wanted, str) else tuple(wanted)
        for pid in ids:
            if pid not in policies:
                raise where.error(
                    [*path, "policy"], f"no policy {pid!r} in `policies` (known: {', '.join(policies)})"
                )
    has_request, has_object = "request" in raw, ("object" in raw or "oldObject" in raw)
    if has_request == has_object:
        raise where.error(
            path, "give either `request` (an AdmissionReview) or `object`/`oldObject` with `operation`"
        )
    object_only = ("operation", "namespace", "name", "resource", "subresource", "userInfo", "dryRun")
    if has_request:
        for key in object_only:
            if key in raw:
                raise where.error(
                    [*path, key], "only allowed with `object` (a request file is used as it is)"
                )
        document = _path_or_object(base, raw["request"], where, [*path, "request"], "request")
        if isinstance(document, dict) and document.get("kind") == "AdmissionReview" and "request" in document:
            document = document["request"]
        if not isinstance(document, dict):
            raise where.error(
                [*path, "request"],
                f"expected an AdmissionReview or AdmissionRequest, got {type(document).__name__}",
            )
        request = document
        source = raw["request"] if isinstance(raw["request"], str) else "inline request"
    else:
        obj = (
            _path_or_object(base, raw["object"], where, [*path, "object"], "object")
            if "object" in raw
            else None
        )
        old = (
            _path_or_object(base, raw["oldObject"], where, [*path, "oldObject"], "oldObject")
            if "oldObject" in raw
            else None
        )
        operation = raw.get("operation") or ("UPDATE" if old is not None and obj is not None else "CREATE")
        if obj is None and operation != "DELETE":
            raise where.error([*path, "oldObject"], f"a {operation} case needs `object`")
        try:
            request = build_request(
                operation=operation,
                obj=obj,
                old_object=old,
                namespace=raw.get("namespace"),
                name=raw.get("name"),
                resource=raw.get("resource"),
                subresource=raw.get("subresource"),
                user_info=raw.get("userInfo"),
                dry_run=raw.get("dryRun"),
            )
        except WorkbenchError as exc:
            raise where.error(path, str(exc)) from None
        source = raw["object"] if isinstance(raw.get("object"), str) else f"{operation} of an inline object"
    expect = Expectation.parse(raw["expect"])
    message = raw.get("message")
    if message is not None:
        try:
            re.compile(message)
        except re.error as exc:
            raise where.error([*path, "message"], f"not a valid regular expression: {exc}") from None
    for i, pattern in enumerate(raw.get("warnings") or ()):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise where.error([*path, "warnings", i], f"not a valid regular expression: {exc}") from None
    if ("patched" in raw or "patch" in raw) and expect is not Expectation.MUTATED:
        key = "patched" if "patched" in raw else "patch"
        raise where.error(
            [*path, key], f"only meaningful with `expect: mutated` (this case expects {expect})"
        )
    patched = (
        _path_or_object(base, raw["patched"], where, [*path, "patched"], "patched object")
        if "patched" in raw
        else None
    )
    patch = None
    if "patch" in raw:
        patch = _path_or_object(base, raw["patch"], where, [*path, "patch"], "patch")
        if not isinstance(patch, list) or not all(isinstance(op, dict) for op in patch):
            raise where.error([*path, "patch"], "a JSON Patch must be a list of operations")
    assertions = None
    if "assertions" in raw:
        assertions = []
        for i, item in enumerate(raw["assertions"]):
            pattern = item.get("message")
            if pattern is not None:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise where.error(
                        [*path, "assertions", i, "message"], f"not a valid regular expression: {exc}"
                    ) from None
            assertions.append((item.get("violations", "yes"), pattern))
    inventory: list[dict[str, Any]] = []
    for i, item in enumerate(raw.get("inventory") or ()):
        value = _path_or_object(base, item, where, [*path, "inventory", i], "inventory")
        docs = value if isinstance(value, list) else [value]
        for doc in docs:
            if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str):
                raise where.error([*path, "inventory", i], "inventory entries must be Kubernetes objects")
            inventory.append(doc)
    return CaseSpec(
        id=cid,
        policies=ids,
        position=Position(where.file, where.line(path)),
        expect=expect,
        request=request,
        description=raw.get("description") or "",
        settings=_settings(base, raw.get("settings"), where, [*path, "settings"]),
        message=message,
        code=raw.get("code"),
        warnings=tuple(raw["warnings"]) if "warnings" in raw else None,
        patched=patched,
        patch=patch,
        tags=tuple(raw.get("tags") or ()),
        source=source,
        assertions=tuple(assertions) if assertions is not None else None,
        inventory=tuple(inventory),
    )


def _read_suite_text(file: Path) -> str:
    try:
        size = file.stat().st_size
    except FileNotFoundError:
        raise SuiteError(f"{file}: suite file does not exist", file) from None
    except OSError as exc:
        raise SuiteError(f"{file}: cannot read: {exc.strerror or exc}", file) from None
    if size > MAX_SUITE_BYTES:
        raise SuiteError(f"{file}: larger than {MAX_SUITE_BYTES // (1024 * 1024)} MiB; not a suite", file)
    try:
        return read_text(file, "suite file")
    except WorkbenchError as exc:
        raise SuiteError(str(exc), file) from None


def is_gator_document(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and data.get("kind") == "Suite"
        and str(data.get("apiVersion") or "").startswith("test.gatekeeper.sh/")
    )


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a suite is built.

    Reading a suite allocates tens of thousands of small objects (YAML nodes and marks, then
    the values) and no reference cycles, so every collection the allocations trigger finds
    nothing; the full ones walk every object of the program too, and made reading a 1,000-case
    suite up to twice as slow. The pause is bounded by the suite's size (MAX_SUITE_BYTES) and
    the collector is resumed however the reading ends."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def load_suite(path: str | Path, text: str | None = None) -> Suite:
    """Read and check one suite file (ours, or a gator ``kind: Suite``)."""
    with _collector_paused():
        return _load_suite(path, text)


def _load_suite(path: str | Path, text: str | None) -> Suite:
    file = Path(path).absolute()
    if text is None:
        text = _read_suite_text(file)
    data, spans = _parse(text, str(file), record=False)
    where = _Where(file, spans)
    if is_gator_document(data):
        from workbench.core.suites.gator import gator_suite_from_data

        return gator_suite_from_data(data, file, where)
    if not isinstance(data, dict):
        raise SuiteError(f"{file}:1: a suite is a mapping with `policies` and `cases`", file, 1)
    errors = _schema_errors(data, where)
    if errors:
        if len(errors) == 1:
            raise errors[0]
        shown = errors[:_MAX_ERRORS]
        more = f"\n  ... and {len(errors) - len(shown)} more" if len(errors) > len(shown) else ""
        first = shown[0]
        raise SuiteError(
            f"{len(errors)} problems in the suite:\n  " + "\n  ".join(str(e) for e in shown) + more,
            file,
            first.line,
        )
    base = file.parent
    policies = {pid: _policy(pid, raw, base, where) for pid, raw in data["policies"].items()}
    cases: list[CaseSpec] = []
    seen: dict[str, int] = {}  # case id -> its index
    for i, raw in enumerate(data["cases"]):
        if raw["id"] in seen:
            first_line = where.line(["cases", seen[raw["id"]]])
            raise where.error(
                ["cases", i, "id"], f"duplicate case id {raw['id']!r} (first at line {first_line})"
            )
        seen[raw["id"]] = i
        cases.append(_case(i, raw, base, where, policies))
    return Suite(
        path=file,
        name=data.get("name") or file.name.removesuffix(".yaml").removesuffix(".yml").removesuffix(".suite"),
        policies=policies,
        cases=tuple(cases),
        description=data.get("description") or "",
    )


def discover_suites(paths: Sequence[str | Path]) -> list[Path]:
    """Suite files named on the command line: files as given, folders searched recursively for
    ``*.suite.yaml``/``*.suite.yml`` (sorted). A folder without suites is an error."""
    found: list[Path] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            hits = sorted(
                {
                    f
                    for suffix in SUITE_SUFFIXES
                    for f in p.rglob(f"*{suffix}")
                    if f.is_file()
                    and not any(
                        part.startswith(".") or part == "node_modules" for part in f.relative_to(p).parts[:-1]
                    )
                }
            )
            if not hits:
                raise SuiteError(f"{p}: no *.suite.yaml files in this folder", p)
            found.extend(hits)
        elif p.is_file():
            found.append(p)
        else:
            raise SuiteError(f"{p}: no such suite file or folder", p)
    unique: list[Path] = []
    for f in found:
        if f.absolute() not in {u.absolute() for u in unique}:
            unique.append(f)
    return unique


def load_suites(paths: Sequence[str | Path]) -> list[Suite]:
    return [load_suite(p) for p in discover_suites(paths)]
