"""YAML/JSON reading and writing shared by the core.

The loader follows YAML 1.2's core schema for booleans (only ``true``/``false``
are booleans; ``yes``/``no``/``on``/``off`` stay strings), as serde_yaml and
Kubernetes tooling do. Errors name the source and the line.

Untrusted documents (requests, settings, sessions, snapshots, policy replies) are
decoded with bounds (see docs/security.md, section "Guest limits"):

* :func:`loads_json` — the one bounded JSON decoder: at most :data:`MAX_NESTING_DEPTH`
  levels (serde_json, which kwctl and policy-server use, refuses 128), no ``NaN`` /
  ``Infinity`` / out-of-range numbers (serde_json refuses them too), no lone UTF-16
  surrogates (they cannot be re-encoded as UTF-8), integers within Python's digit limit;
  every failure is a :class:`~workbench.core.errors.WorkbenchError` of the caller's class.
* YAML: the same nesting limit, and alias expansion is bounded
  (:data:`MAX_YAML_ALIAS_NODES`): "billion laughs" documents are refused, as serde_yaml
  (kwctl) refuses them.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from pathlib import Path
from typing import Any

import yaml

from workbench.core.errors import InputError, WorkbenchError

__all__ = [
    "MAX_NESTING_DEPTH",
    "MAX_YAML_ALIAS_NODES",
    "TEMP_PREFIX",
    "atomic_write",
    "check_json_value",
    "clean_stale_temp_files",
    "current_umask",
    "dump_json",
    "dump_yaml",
    "load_json_or_yaml",
    "load_yaml",
    "load_yaml_all",
    "loads_json",
    "needs_escaped_yaml",
    "read_text",
    "temp_prefix",
]

#: deepest nesting of arrays/objects accepted in any decoded document (serde_json refuses 128 levels)
MAX_NESTING_DEPTH = 127
#: a YAML document may expand through aliases to at most this many nodes, or 10× its own size
MAX_YAML_ALIAS_NODES = 1_000_000

_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPE_TEXT = re.compile(r"\\u[dD][89a-fA-F]")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def check_json_value(
    value: Any,
    source: str,
    *,
    error: type[WorkbenchError] = InputError,
    max_depth: int = MAX_NESTING_DEPTH,
    strings: bool = False,
    floats: bool = False,
) -> None:
    """Refuse a decoded value nested deeper than ``max_depth`` (iteratively, no recursion).

    ``strings``: also refuse lone surrogates in strings and keys; ``floats``: also refuse
    NaN and infinities (YAML's ``.nan``/``.inf``).
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        item, depth = pop()
        kind = type(item)
        if kind is dict or kind is list:
            depth += 1
            if depth > max_depth:
                raise error(f"{source} is nested too deeply (more than {max_depth} levels)")
            if kind is dict:
                if strings:
                    for key in item:
                        if type(key) is str and _SURROGATE.search(key):
                            raise error(f"{source} contains a lone UTF-16 surrogate (not valid Unicode text)")
                children = item.values()
            else:
                children = item
            for child in children:
                ckind = type(child)
                if ckind is dict or ckind is list:
                    push((child, depth))
                elif strings and ckind is str and _SURROGATE.search(child):
                    raise error(f"{source} contains a lone UTF-16 surrogate (not valid Unicode text)")
                elif floats and ckind is float and not math.isfinite(child):
                    raise error(f"{source} contains {child}, which is not a JSON number")
        elif strings and kind is str and _SURROGATE.search(item):
            raise error(f"{source} contains a lone UTF-16 surrogate (not valid Unicode text)")
        elif floats and kind is float and not math.isfinite(item):
            raise error(f"{source} contains {item}, which is not a JSON number")


def loads_json(
    data: bytes | bytearray | str,
    source: str = "input",
    *,
    error: type[WorkbenchError] = InputError,
    max_depth: int = MAX_NESTING_DEPTH,
) -> Any:
    """Decode untrusted JSON with bounds (see module docs); failures raise ``error``."""
    try:
        value = json.loads(data, parse_float=_finite_float, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        err = error(f"{source} is not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
        err.line = exc.lineno  # type: ignore[attr-defined]
        err.json_syntax = True  # type: ignore[attr-defined]
        raise err from None
    except UnicodeDecodeError as exc:
        raise error(f"{source} is not valid UTF-8 (bad byte at offset {exc.start})") from None
    except RecursionError:
        raise error(f"{source} is nested too deeply (more than {max_depth} levels)") from None
    except ValueError as exc:  # integer beyond the digit limit, NaN/Infinity, 1e999
        raise error(f"{source} is not valid JSON: {exc}") from None
    if isinstance(data, str):
        strings = _SURROGATE.search(data) is not None or _SURROGATE_ESCAPE_TEXT.search(data) is not None
        brackets = data.count("[") + data.count("{")
    else:
        strings = _SURROGATE_ESCAPE.search(data) is not None
        brackets = data.count(b"[") + data.count(b"{")
    if strings or brackets > max_depth:
        check_json_value(value, source, error=error, max_depth=max_depth, strings=strings)
    return value


#: libyaml's parser (C) when PyYAML was built with it, else the pure-Python one: the same YAML
#: 1.1 grammar, about ten times faster on the cluster snapshots and settings a suite re-reads
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    pass


# Replace YAML 1.1 booleans with YAML 1.2 core booleans.
_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "found an unhashable mapping key", key_node.start_mark
            ) from None
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate mapping key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _construct_object(self: _Loader, node: yaml.Node, deep: bool = False) -> Any:
    # PyYAML's scalar constructors raise plain ValueError/AttributeError for values such as
    # ``2026-02-30``, ``!!int abc`` or a 5000-digit integer: report them as YAML errors with a line.
    try:
        return yaml.SafeLoader.construct_object(self, node, deep=deep)
    except yaml.YAMLError:
        raise
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        value = node.value if isinstance(node, yaml.ScalarNode) else ""
        shown = value if len(value) <= 40 else value[:40] + "..."
        raise yaml.constructor.ConstructorError(
            None, None, f"cannot read {shown!r} as {node.tag.rsplit(':', 1)[-1]}: {exc}", node.start_mark
        ) from None


_Loader.construct_object = _construct_object  # type: ignore[method-assign,assignment]


def _check_node_graph(node: yaml.Node) -> None:
    """Bound alias expansion and nesting of a composed document (iteratively, each node once).

    A node's expanded size counts every alias as a full copy of its target; the
    document is refused when that exceeds :data:`MAX_YAML_ALIAS_NODES` or ten times its
    distinct nodes, or when an alias refers to a node that contains it.
    """
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        key = id(current)
        if done:
            children = _children(current)
            size = 1 + sum(sizes[id(c)] for c in children)
            depth = (1 + max((depths[id(c)] for c in children), default=0)) if children or not isinstance(
                current, yaml.ScalarNode
            ) else 0
            sizes[key], depths[key] = size, depth
            active.discard(key)
            if depth > MAX_NESTING_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested too deeply (more than {MAX_NESTING_DEPTH} levels)", current.start_mark
                )
            if size > max(MAX_YAML_ALIAS_NODES, 10 * len(sizes)):
                raise yaml.composer.ComposerError(
                    None, None,
                    f"aliases expand the document beyond {max(MAX_YAML_ALIAS_NODES, 10 * len(sizes))} nodes "
                    "(an alias bomb?)",
                    current.start_mark,
                )  # fmt: skip
            continue
        if key in sizes:
            continue
        if key in active:
            raise yaml.composer.ComposerError(
                None, None, "an alias refers to a node that contains it (recursive alias)", current.start_mark
            )
        active.add(key)
        stack.append((current, True))
        for child in _children(current):
            if id(child) in active:
                raise yaml.composer.ComposerError(
                    None, None, "an alias refers to a node that contains it (recursive alias)", child.start_mark
                )
            if id(child) not in sizes:
                stack.append((child, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [item for pair in node.value for item in pair]
    return []


def _document(loader: _Loader, node: yaml.Node | None) -> Any:
    """A composed document's value, once its aliases and nesting are checked."""
    if node is None:
        return None
    _check_node_graph(node)
    return loader.construct_document(node)


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if any(c in value for c in "\x85\u2028\u2029") or yaml.reader.Reader.NON_PRINTABLE.search(value):
        # PyYAML may write these raw (unreadable, or folded into spaces when read back): escape them
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_representer)


def _yaml_error(exc: yaml.YAMLError, source: str) -> InputError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    # libyaml's words for the two limits the pure-Python parser leaves to our own checks
    if "maximum nesting depth" in problem:
        problem = f"nested too deeply (more than {MAX_NESTING_DEPTH} levels)"
    elif "invalid Unicode character escape code" in problem:
        problem = "an escape of a lone UTF-16 surrogate or beyond U+10FFFF (not valid Unicode text)"
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    err = InputError(f"{source} is not valid YAML{where}: {problem}")
    err.line = mark.line + 1 if mark is not None else None  # type: ignore[attr-defined]
    return err


def load_yaml(text: str, source: str = "input") -> Any:
    try:
        loader = _Loader(text)
        try:
            return _document(loader, loader.get_single_node())
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source) from None
    except RecursionError:
        raise InputError(f"{source} is nested too deeply (more than {MAX_NESTING_DEPTH} levels)") from None


def load_yaml_all(text: str, source: str = "input") -> list[Any]:
    try:
        loader = _Loader(text)
        documents: list[Any] = []
        try:
            while loader.check_node():
                document = _document(loader, loader.get_node())
                if document is not None:
                    documents.append(document)
        finally:
            loader.dispose()
        return documents
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source) from None
    except RecursionError:
        raise InputError(f"{source} is nested too deeply (more than {MAX_NESTING_DEPTH} levels)") from None


def load_json_or_yaml(text: str, source: str = "input") -> Any:
    """JSON when it parses as JSON, else YAML (JSON errors are reported when it looks like JSON)."""
    stripped = text.lstrip()
    if stripped[:1] in ("-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"):
        # a bare JSON number (YAML 1.1 would read ``5e-324`` as a string)
        try:
            return loads_json(text, source)
        except InputError:
            pass
    if stripped.startswith(("{", "[", '"')):
        try:
            return loads_json(text, source)
        except InputError as json_exc:
            if not getattr(json_exc, "json_syntax", False):
                raise  # too deep, a huge integer, NaN, a lone surrogate: not something YAML fixes
            try:
                return load_yaml(text, source)
            except InputError as yaml_exc:
                raise json_exc from yaml_exc.__cause__
    return load_yaml(text, source)


def read_text(path: str | Path, what: str, *, limit: int | None = None) -> str:
    """Read a UTF-8 text file (``-`` = stdin) with errors that name it.

    With ``limit``, at most that many bytes are read: a larger file (or endless stream) is an
    InputError that names it, read no further.
    """
    import sys

    name = "stdin" if str(path) == "-" else str(path)
    try:
        if str(path) == "-":
            if limit is None:
                return sys.stdin.read()
            raw = sys.stdin.buffer.read(limit + 1)
        else:
            with open(path, "rb") as handle:
                raw = handle.read() if limit is None else handle.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise InputError(f"{what} {name} is larger than {limit // (1024 * 1024)} MiB; it was not read")
        text = raw.decode("utf-8")
        if "\r" in text:  # universal newlines, as text-mode reading does
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text
    except FileNotFoundError:
        raise InputError(f"{what} {name} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{what} {name} is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{what} {name} cannot be read: permission denied") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} {name} is not UTF-8 text (bad byte at offset {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{what} {name} cannot be read: {exc.strerror}") from None


# Characters PyYAML's emitter writes raw under allow_unicode but its reader treats as line breaks
_RAW_UNSAFE = ("\x85", "\u2028", "\u2029")


def needs_escaped_yaml(value: Any) -> bool:
    """True when a string (key or value) inside ``value`` would not survive PyYAML's unicode output."""
    if isinstance(value, str):
        return any(c in value for c in _RAW_UNSAFE)
    if isinstance(value, dict):
        return any(needs_escaped_yaml(k) or needs_escaped_yaml(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(needs_escaped_yaml(v) for v in value)
    return False


def dump_yaml(value: Any, dumper: type[yaml.SafeDumper] | None = None, **options: Any) -> str:
    """Block-style YAML in key order; readable unicode unless a character would not round-trip."""
    options.setdefault("sort_keys", False)
    options.setdefault("default_flow_style", False)
    return yaml.dump(
        value, Dumper=dumper or _Dumper, allow_unicode=not needs_escaped_yaml(value), **options
    )


def dump_json(value: Any, indent: int | None = 2) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False) + ("\n" if indent else "")


#: every temporary file the workbench creates carries this marker and its creator's pid, so files
#: left by a killed process can be recognised (:func:`clean_stale_temp_files`) without touching others
TEMP_PREFIX = "pwbtmp"
_TEMP_NAME = re.compile(r"^\..*\." + TEMP_PREFIX + r"-(\d+)-[A-Za-z0-9_]+\.tmp$")
#: a stale temporary file is only removed when older than this (a live writer renames within seconds)
STALE_TEMP_AGE = 60.0


def temp_prefix(name: str) -> str:
    """``mkstemp`` prefix for a temporary sibling of ``name`` (suffix ``.tmp``)."""
    return f".{name}.{TEMP_PREFIX}-{os.getpid()}-"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:
        return True
    return True


def clean_stale_temp_files(directory: str | Path, name: str | None = None) -> int:
    """Delete our own temporary files in ``directory`` whose writer is gone; returns how many.

    Only files named by :func:`temp_prefix` (optionally for ``name`` only), owned by this
    user, older than :data:`STALE_TEMP_AGE` and whose creating process no longer runs.
    """
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    now = time.time()
    uid = os.getuid() if hasattr(os, "getuid") else None
    for entry in entries[:100_000]:
        match = _TEMP_NAME.match(entry.name)
        if match is None or (name is not None and not entry.name.startswith(f".{name}.{TEMP_PREFIX}-")):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not entry.is_file(follow_symlinks=False) or (uid is not None and info.st_uid != uid):
                continue
            if now - info.st_mtime < STALE_TEMP_AGE or _pid_alive(int(match.group(1))):
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


def current_umask() -> int:
    """The process umask, read without changing it where the platform allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, fsync, rename).

    A new file gets the mode the umask allows (like ``open``); an existing file keeps its
    mode. Temporary files left by a killed earlier writer of the same target are removed.
    """
    import tempfile

    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    directory = target.parent if str(target.parent) else Path(".")
    clean_stale_temp_files(directory, target.name)
    try:
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".tmp", dir=directory)
    except FileNotFoundError:
        raise InputError(f"cannot write {target}: folder {directory} does not exist") from None
    except PermissionError:
        raise InputError(f"cannot write {target}: permission denied in {directory}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            try:
                os.chmod(tmp, target.stat().st_mode & 0o777)
            except OSError:
                pass
        else:
            os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, IsADirectoryError):
            raise InputError(f"cannot write {target}: it is a directory") from None
        if isinstance(exc, OSError):
            raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
        raise
