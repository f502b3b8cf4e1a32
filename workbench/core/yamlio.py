"""YAML/JSON reading and writing shared by the core.

The loader follows YAML 1.2's core schema for booleans (only ``true``/``false``
are booleans; ``yes``/``no``/``on``/``off`` stay strings), as serde_yaml and
Kubernetes tooling do. Errors name the source and the line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from workbench.core.errors import InputError

__all__ = ["atomic_write", "dump_json", "dump_yaml", "load_json_or_yaml", "load_yaml", "load_yaml_all", "needs_escaped_yaml", "read_text"]


class _Loader(yaml.SafeLoader):
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


_Loader.construct_object = _construct_object  # type: ignore[method-assign]


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
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    err = InputError(f"{source} is not valid YAML{where}: {problem}")
    err.line = mark.line + 1 if mark is not None else None  # type: ignore[attr-defined]
    return err


def load_yaml(text: str, source: str = "input") -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source) from None
    except RecursionError:
        raise InputError(f"{source} is nested too deeply") from None


def load_yaml_all(text: str, source: str = "input") -> list[Any]:
    try:
        return [doc for doc in yaml.load_all(text, Loader=_Loader) if doc is not None]
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source) from None
    except RecursionError:
        raise InputError(f"{source} is nested too deeply") from None


def load_json_or_yaml(text: str, source: str = "input") -> Any:
    """JSON when it parses as JSON, else YAML (JSON errors are reported when it looks like JSON)."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[", '"')):
        try:
            return json.loads(text)
        except ValueError as json_exc:  # JSONDecodeError, or an integer beyond Python's digit limit
            try:
                return load_yaml(text, source)
            except InputError as yaml_exc:
                if not isinstance(json_exc, json.JSONDecodeError):
                    raise InputError(f"{source} is not valid JSON: {json_exc}") from None
                err = InputError(
                    f"{source} is not valid JSON at line {json_exc.lineno}, column {json_exc.colno}: {json_exc.msg}"
                )
                err.line = json_exc.lineno  # type: ignore[attr-defined]
                raise err from yaml_exc.__cause__
        except RecursionError:
            raise InputError(f"{source} is nested too deeply") from None
    return load_yaml(text, source)


def read_text(path: str | Path, what: str) -> str:
    """Read a UTF-8 text file (``-`` = stdin) with errors that name it."""
    import sys

    if str(path) == "-":
        return sys.stdin.read()
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{what} {p} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{what} {p} is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{what} {p} cannot be read: permission denied") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} {p} is not UTF-8 text (bad byte at offset {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{what} {p} cannot be read: {exc.strerror}") from None


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


def atomic_write(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` atomically (temp file in the same folder, fsync, rename)."""
    import os
    import tempfile

    target = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
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
            os.chmod(tmp, 0o644)
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
