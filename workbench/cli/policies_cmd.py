"""``policy-workbench policies [-o text|json]`` (kwctl ``policies``): what is in the local store."""

from __future__ import annotations

import argparse
import json

from workbench.cli._oci_common import add_store_flag, store_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("policies", help="list the policies in the local store")
    p.add_argument("-o", "--output", choices=("text", "json"), default="text")
    add_store_flag(p)
    p.set_defaults(func=run)


def decimal_size(size: int) -> str:
    """humansize DECIMAL as kwctl: ``652.53 kB``, ``1 MB``, ``512 B``."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            if unit == "B":
                return f"{int(value)} B"
            text = f"{value:.2f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def _flag(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def run(args: argparse.Namespace) -> int:
    policies = store_from_args(args).list_policies()
    if args.output == "json":
        rows = [
            {
                "uri": p.uri,
                "path": str(p.path),
                "sha256": p.sha256,
                "size": p.size,
                "title": p.title,
                "mutating": p.mutating,
                "contextAware": p.context_aware,
            }
            for p in policies
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    header = ("Policy", "Mutating", "Context aware", "SHA-256", "Size")
    table = [header] + [
        (p.uri, _flag(p.mutating), _flag(p.context_aware), p.sha_prefix, decimal_size(p.size))
        for p in policies
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for index, row in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    return 0
