"""``policy-workbench rm REF|SHA`` (kwctl ``rm``): delete a policy from the local store."""

from __future__ import annotations

import argparse
import sys

from workbench.cli._oci_common import add_store_flag, store_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rm", help="remove a policy from the local store")
    p.add_argument("uri", metavar="REF", help="stored URI (registry://…, https://…) or SHA-256 prefix")
    add_store_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    removed = store_from_args(args).remove(args.uri)
    print(f"removed {removed.uri}", file=sys.stderr)
    return 0
