"""``policy-workbench inspect MODULE [-o pretty|json|yaml]``."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli._common import add_registry_flags, emit, resolve_module, write_out
from workbench.core import PolicySource, SourceKind, dump_yaml, module_report

_DETAIL_KEYS = ("title", "description", "author", "url", "source", "license")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("inspect", help="what a module is: kind, ABI, metadata, sections, builtins")
    p.add_argument(
        "module",
        metavar="POLICY",
        help="a .wasm file or file:// URI, a registry:// / https:// / short reference (pulled when not in "
        "the store), a Kubewarden policy manifest (its module), or .rego source",
    )
    p.add_argument("-o", "--output", choices=("pretty", "json", "yaml"), default="pretty")
    p.add_argument(
        "--show-signatures",
        action="store_true",
        help="also list the policy's cosign signatures in its registry, with signer identity (network)",
    )
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


def rego_report(source: PolicySource) -> dict[str, Any]:
    """What ``inspect`` can say of Rego source without compiling it."""
    from workbench.core import rego_source_facts

    assert source.path is not None
    return rego_source_facts(source.path)


def pretty_rego(report: dict[str, Any]) -> str:
    lines = [
        f"Rego source:     {report['path']}",
        "Kind:            rego-source — evaluated by the embedded interpreter (compile with "
        "`opa build -t wasm` to run it as Kubewarden does)",
        f"Execution mode:  {report['execution_mode']}",
        f"Entrypoint:      {report['entrypoint']}",
        "",
        "Files",
        *(f"  {f}" for f in report["files"]),
        "",
        "Rules",
        *(f"  {pkg}: {', '.join(rules) or '(none)'}" for pkg, rules in report["rules"].items()),
    ]
    if report.get("metadata_path"):
        lines += ["", f"Metadata:        {report['metadata_path']}"]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    source = PolicySource.parse(args.module)
    if source.kind == SourceKind.REGO:
        facts = rego_report(source)
        if args.output == "pretty":
            write_out(pretty_rego(facts))
        else:
            emit(facts, args.output)
        return 0
    module = resolve_module(args.module, args)
    report = module_report(module).facts
    signatures = None
    if getattr(args, "show_signatures", False):
        from workbench.cli.verify_cmd import pretty_signatures, signature_dict, signature_listing

        infos = signature_listing(args)
        signatures = (pretty_signatures(infos), [signature_dict(info) for info in infos])
    if args.output == "pretty":
        write_out(pretty(report) + (signatures[0] if signatures else ""))
    else:
        emit({**report, "signatures": signatures[1]} if signatures else report, args.output)
    return 0
