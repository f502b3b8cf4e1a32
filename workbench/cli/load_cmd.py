"""``policy-workbench load --input FILE`` (kwctl ``load``): policies from a ``save`` tarball into the store."""

from __future__ import annotations

import argparse
import sys

from workbench.cli._oci_common import add_store_flag, store_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "load", help="load policies from a tar.gz file made by save (or kwctl save) into the store"
    )
    p.add_argument("--input", required=True, metavar="FILE", help="the tar.gz file to load")
    add_store_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.core import describe_policies, load_policies

    loaded = load_policies(args.input, store_from_args(args))
    for policy, line in zip(loaded, describe_policies(loaded), strict=True):
        note = " (replaced a different module)" if policy.replaced else ""
        note += " (warning: not a WebAssembly module)" if policy.not_wasm else ""
        print(f"loaded {line}{note}", file=sys.stderr)
    return 0
