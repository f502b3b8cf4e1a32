"""``policy-workbench builtins [-o table|json] [--builtins opa|kubewarden]``: every OPA v1.20.2 builtin and who provides it.

Availability per builtin under each builtin profile (see docs/builtins.md):

* ``OPA`` column (``--builtins opa``, what ``eval`` uses): ``native`` (compiled into the Wasm
  module), ``host`` (provided by the workbench), ``disabled`` (provided, but off unless enabled,
  e.g. ``http.send``) or ``missing`` (a module calling it cannot be evaluated here);
* ``KUBEWARDEN`` column (``--builtins kubewarden``, what ``run`` emulates): ``native``, ``host``
  (Kubewarden's policy-server provides it) or ``missing`` (policy-server refuses the module).

``--builtins PROFILE`` lists only the builtins a module can use under that profile.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys

from workbench.core import OPA_VERSION, BuiltinProfile, BuiltinStatus, all_builtins

__all__ = ["register", "run"]

_STATUS_ORDER = ("native", "host", "disabled", "missing")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "builtins",
        help="list the OPA builtins and whether the module or the host provides them, per builtin profile",
        description=f"List every builtin of the OPA {OPA_VERSION} capabilities with its availability "
        "under --builtins opa (native in the Wasm module, host = provided by the workbench, disabled = "
        "provided but off by default, missing) and under --builtins kubewarden (what Kubewarden's "
        "policy-server provides: native, host or missing).",
    )
    p.add_argument(
        "-o", "--output", choices=("table", "json"), default="table", help="output format (default: table)"
    )
    p.add_argument(
        "--builtins",
        choices=[profile.value for profile in BuiltinProfile],
        help="list only the builtins available under this profile",
    )
    p.set_defaults(func=run)


def _available(entry: BuiltinStatus, profile: BuiltinProfile) -> bool:
    status = entry.kubewarden if profile is BuiltinProfile.KUBEWARDEN else entry.status
    return status in ("native", "host", "disabled")


def _summary(entries: list[BuiltinStatus], profile: BuiltinProfile) -> str:
    counts = collections.Counter(
        e.kubewarden if profile is BuiltinProfile.KUBEWARDEN else e.status for e in entries
    )
    return ", ".join(f"{counts[s]} {s}" for s in _STATUS_ORDER if counts[s] or s != "disabled")


def run(args: argparse.Namespace) -> int:
    entries = all_builtins()
    if args.builtins:
        profile = BuiltinProfile(args.builtins)
        entries = [e for e in entries if _available(e, profile)]
    if args.output == "json":
        sys.stdout.write(json.dumps([e.as_dict() for e in entries], indent=2, ensure_ascii=False) + "\n")
        return 0
    headers = ("NAME", "OPA", "KUBEWARDEN", "CATEGORY", "DETERMINISTIC")
    rows = [(e.name, e.status, e.kubewarden, e.category, e.deterministic) for e in entries]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]
    what = f"available under --builtins {args.builtins}" if args.builtins else f"(OPA {OPA_VERSION})"
    footer = [
        f"{len(entries)} builtins {what}",
        f"--builtins opa: {_summary(entries, BuiltinProfile.OPA)}",
        f"--builtins kubewarden: {_summary(entries, BuiltinProfile.KUBEWARDEN)}",
    ]
    sys.stdout.write("\n".join(lines) + "\n\n" + "\n".join(footer) + "\n")
    return 0
