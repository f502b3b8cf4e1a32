"""``policy-workbench scaffold metadata|manifest|admission-request``."""

from __future__ import annotations

import argparse
import sys

from workbench.cli._common import add_registry_flags, resolve_module


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scaffold", help="generate metadata.yml, policy manifests and admission requests")
    scaffold = p.add_subparsers(dest="scaffold_command", metavar="WHAT", required=True)

    md = scaffold.add_parser("metadata", help="print a starting metadata.yml for a module")
    md.add_argument("module", help="path, file:// URI or registry:// reference")
    add_registry_flags(md)
    md.set_defaults(func=run_metadata)


def run_metadata(args: argparse.Namespace) -> int:
    from workbench.core.scaffold.metadata import scaffold_metadata

    sys.stdout.write(scaffold_metadata(resolve_module(args.module, args)))
    return 0
