"""``policy-workbench builtins [-o table|json]``: every OPA v1.20.2 builtin and who provides it.

Status per builtin: ``native`` (compiled into the Wasm module), ``host`` (provided
by the workbench), ``disabled`` (provided, but off unless enabled, e.g.
``http.send``) or ``missing`` (a module calling it cannot be evaluated here).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys

from workbench.core.engines.opa.builtins.status import OPA_VERSION, all_builtins

__all__ = ["register", "run"]

_STATUS_ORDER = ("native", "host", "disabled", "missing")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "builtins",
        help="list the OPA builtins and whether the module or the host provides them",
        description=f"List every builtin of the OPA {OPA_VERSION} capabilities with its status: "
        "native (in the Wasm module), host (provided by the workbench), disabled (provided, off by default) "
        "or missing.",
    )
    p.add_argument(
        "-o", "--output", choices=("table", "json"), default="table", help="output format (default: table)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    entries = all_builtins()
    if args.output == "json":
        sys.stdout.write(json.dumps([e.as_dict() for e in entries], indent=2, ensure_ascii=False) + "\n")
        return 0
    headers = ("NAME", "STATUS", "CATEGORY", "DETERMINISTIC")
    rows = [(e.name, e.status, e.category, e.deterministic) for e in entries]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]
    counts = collections.Counter(e.status for e in entries)
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in _STATUS_ORDER)
    sys.stdout.write("\n".join(lines) + f"\n\n{len(entries)} builtins (OPA {OPA_VERSION}): {summary}\n")
    return 0
