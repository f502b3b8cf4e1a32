"""``policy-workbench inspect MODULE [-o pretty|json|yaml]``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workbench.cli._common import add_registry_flags, emit, resolve_module
from workbench.core.inspect import inspect_module
from workbench.core.yamlio import dump_yaml

_DETAIL_KEYS = ("title", "description", "author", "url", "source", "license")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("inspect", help="what a module is: kind, ABI, metadata, sections, builtins")
    p.add_argument("module", help="path, file:// URI or registry:// reference")
    p.add_argument("-o", "--output", choices=("pretty", "json", "yaml"), default="pretty")
    add_registry_flags(p)
    p.set_defaults(func=run)


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


def pretty(report: dict[str, Any]) -> str:
    lines: list[str] = []
    add = lines.append
    add(f"Module:          {report['path'] or '(bytes)'}")
    add(f"Size:            {_size(report['size'])} ({report['size']} bytes)")
    add(f"SHA-256:         {report['sha256']}")
    add(f"Kind:            {report['kind']} — {report['kind_reason']}")
    if report["abi"]:
        add(f"OPA ABI:         {report['abi']['major']}.{report['abi']['minor']}")
    opa = report.get("opa")
    if opa:
        eps = ", ".join(f"{name} (id {i})" for name, i in sorted(opa["entrypoints"].items(), key=lambda kv: kv[1]))
        add(f"Entrypoints:     {eps or '(none)'}")
        add(f"Builtins needed: {', '.join(opa['required_builtins']) or '(none)'}")
        if opa["missing_builtins"]:
            add(f"Builtins MISSING: {', '.join(opa['missing_builtins'])}")
    md = report["metadata"]
    add("")
    if md is None:
        add("Metadata:        none (not annotated)")
    else:
        annotations = dict(md.get("annotations") or {})
        add("Details")
        for key in _DETAIL_KEYS:
            value = annotations.pop(f"io.kubewarden.policy.{key}", None)
            add(f"  {key + ':':<13}{value if value is not None else '-'}")
        add(f"  {'mutating:':<13}{'yes' if md['mutating'] else 'no'}")
        add(f"  background audit support: {'yes' if md['backgroundAudit'] else 'no'}")
        add(f"  context aware: {'yes' if md['contextAwareResources'] else 'no'}")
        add(f"  policy type:   {md['policyType']}")
        add(f"  execution mode: {md['executionMode']}")
        if md["executionMode"] == "kubewarden-wapc":
            add(f"  protocol version: {md['protocolVersion']}")
        if md.get("minimumKubewardenVersion"):
            add(f"  minimum kubewarden version: {md['minimumKubewardenVersion']}")
        usage = annotations.pop("io.kubewarden.policy.usage", None)
        if annotations:
            add("")
            add("Annotations")
            for key, value in sorted(annotations.items()):
                add(f"  {key}: {value}")
        add("")
        add("Rules")
        add("  " + dump_yaml(md["rules"]).rstrip().replace("\n", "\n  "))
        if md["contextAwareResources"]:
            add("")
            add("Context Aware")
            for car in md["contextAwareResources"]:
                add(f"  - {car['apiVersion']}/{car['kind']}")
        if md.get("hostCapabilities") is not None:
            add("")
            add("Host capabilities")
            for cap in md["hostCapabilities"]:
                add(f"  - {cap}")
        if usage:
            add("")
            add("Usage")
            add("  " + usage.rstrip().replace("\n", "\n  "))
    add("")
    add("Custom sections")
    for section in report["custom_sections"]:
        add(f"  {section['name']} ({section['size']} bytes)")
    add("")
    add("Imports")
    for module, items in report["imports"].items():
        add(f"  {module}: {', '.join(i['name'] for i in items)}")
    if report["warnings"]:
        add("")
        add("Warnings")
        for warning in report["warnings"]:
            add(f"  ! {warning}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    module = resolve_module(args.module, args)
    report = inspect_module(module)
    if args.output == "pretty":
        sys.stdout.write(pretty(report))
    else:
        emit(report, args.output)
    return 0
