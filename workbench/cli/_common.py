"""Helpers shared by CLI verbs: policy arguments, output formats, verbose logging, safe printing.

Every verb that takes a policy classifies it with :meth:`workbench.core.PolicySource.parse`
(the one classifier) and opens it with :func:`workbench.core.open_session` or
:func:`workbench.core.load_policy_module`, so all verbs accept the same forms.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, TextIO

from workbench.core import (
    LogRecord,
    LogSink,
    PolicyModule,
    PolicySource,
    RegistryOptions,
    SourceKind,
    dump_yaml,
    load_policy_module,
)

__all__ = [
    "add_registry_flags",
    "emit",
    "registry_options",
    "resolve_module",
    "safe_text",
    "stderr_log",
    "write_out",
]

#: C0 and C1 control characters except tab and newline, plus DEL
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_text(text: str, stream: TextIO | None = None) -> str:
    """Text from an untrusted module or policy, made harmless for a terminal.

    On a terminal, control characters (escape sequences could retitle the window, move
    the cursor or hide output) are shown as ``\\xNN`` / ``\\uNNNN``; a pipe or file gets
    the text unchanged (docs/security.md, "Terminal output").
    """
    target = stream if stream is not None else sys.stdout
    isatty = getattr(target, "isatty", None)
    if not (callable(isatty) and isatty()):
        return text

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(escape, text)


def write_out(text: str, stream: TextIO | None = None) -> None:
    target = stream if stream is not None else sys.stdout
    target.write(safe_text(text, target))


def add_registry_flags(parser: argparse.ArgumentParser) -> None:
    """The kwctl flags that locate registries, credentials and the store."""
    parser.add_argument("--sources-path", metavar="FILE", help="kwctl sources.yaml (insecure registries, CAs)")
    parser.add_argument(
        "--docker-config-json-path", metavar="DIR", help="folder holding the Docker config.json with credentials"
    )


def registry_options(args: argparse.Namespace | None) -> RegistryOptions:
    if args is None:
        return RegistryOptions()

    def path(name: str) -> Path | None:
        value = getattr(args, name, None)
        return Path(value) if value else None

    return RegistryOptions(
        sources_path=path("sources_path"),
        docker_config_json_path=path("docker_config_json_path"),
        store_root=path("store"),
    )


def resolve_module(arg: str, args: argparse.Namespace | None = None) -> PolicyModule:
    """The Wasm module a verb works on: a path, ``file://`` URI, or a reference (pulled first).

    A policy manifest stands for the module it names; Rego source has no module (the
    caller offers what it can do with sources, or this is a clear error).
    """
    source = PolicySource.parse(arg)
    if source.kind == SourceKind.MANIFEST:
        from workbench.core import InputError, load_manifests

        assert source.path is not None
        manifests = load_manifests(source.path)
        modules = [m.module for m in manifests if hasattr(m, "module")]
        if len(modules) != 1:
            raise InputError(f"{source.path}: expected one policy with a module, found {len(modules)}")
        source = PolicySource.parse(modules[0], base=source.path.parent)
    if source.kind == SourceKind.REGO:
        from workbench.core import InputError

        raise InputError(
            f"{source.path} is Rego source, not a compiled module: this command needs a .wasm "
            "(build one with `opa build -t wasm`), while run, bench and test evaluate Rego source directly"
        )
    return load_policy_module(source, registry_options(args))


def emit(value: Any, fmt: str) -> None:
    if fmt == "json":
        write_out(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "yaml":
        write_out(dump_yaml(value))
    else:
        raise ValueError(fmt)


def stderr_log(verbose: bool) -> LogSink:
    """Log records on stderr: the workbench's own warnings always, the policy's only with ``-v``."""

    def sink(record: LogRecord) -> None:
        if verbose or (record.source == "app" and record.level in ("warning", "error")):
            fields = f" {json.dumps(record.fields, ensure_ascii=False)}" if record.fields and verbose else ""
            line = f"[{record.source} {record.level}] {record.message}{fields}\n"
            sys.stderr.write(safe_text(line, sys.stderr))

    return sink
