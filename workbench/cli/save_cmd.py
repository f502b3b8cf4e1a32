"""``policy-workbench save REF... -o FILE`` (kwctl ``save``): stored policies into a tarball for air-gapped use."""

from __future__ import annotations

import argparse
import sys

from workbench.cli._oci_common import add_store_flag, store_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "save",
        help="save policies from the local store to a tar.gz file (kwctl's layout, for air-gapped clusters)",
    )
    p.add_argument("policies", nargs="+", metavar="REF", help="stored URI, short reference or SHA-256 prefix")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="path of the tar.gz file to write")
    add_store_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.core import describe_policies, save_policies

    saved = save_policies(args.policies, args.output, store_from_args(args))
    for line in describe_policies(saved):
        print(f"saved {line}", file=sys.stderr)
    return 0
