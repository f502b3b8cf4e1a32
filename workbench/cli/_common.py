"""Helpers shared by CLI verbs: module arguments, output formats, verbose logging."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.core.engines.base import LogRecord
from workbench.core.module import PolicyModule, load_module
from workbench.core.yamlio import dump_yaml

__all__ = ["add_registry_flags", "emit", "resolve_module", "stderr_log"]


def looks_like_reference(arg: str) -> bool:
    if "://" in arg:
        return not arg.startswith("file://")
    if Path(arg).exists():
        return False
    first = arg.split("/", 1)[0]
    return "/" in arg and ("." in first or ":" in first or first == "localhost")


def add_registry_flags(parser: argparse.ArgumentParser) -> None:
    """The kwctl flags that locate registries, credentials and the store."""
    parser.add_argument("--sources-path", metavar="FILE", help="kwctl sources.yaml (insecure registries, CAs)")
    parser.add_argument(
        "--docker-config-json-path", metavar="DIR", help="folder holding the Docker config.json with credentials"
    )


def resolve_module(arg: str, args: argparse.Namespace | None = None) -> PolicyModule:
    """A local path / file:// URI, or an OCI or HTTP reference (pulled into the store first)."""
    if arg.startswith("file://"):
        return load_module(arg[len("file://") :])
    if looks_like_reference(arg):
        from workbench.core import oci

        kwargs: dict[str, Any] = {}
        if args is not None:
            for name in ("sources_path", "docker_config_json_path"):
                value = getattr(args, name, None)
                if value is not None:
                    kwargs[name] = value
        return load_module(oci.fetch_module(arg, **kwargs))
    return load_module(arg)


def emit(value: Any, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "yaml":
        sys.stdout.write(dump_yaml(value))
    else:
        raise ValueError(fmt)


def stderr_log(verbose: bool):
    def sink(record: LogRecord) -> None:
        if record.source == "app" or verbose or record.level in ("warning", "error"):
            fields = f" {json.dumps(record.fields, ensure_ascii=False)}" if record.fields and verbose else ""
            print(f"[{record.source} {record.level}] {record.message}{fields}", file=sys.stderr)

    return sink
