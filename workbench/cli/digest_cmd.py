"""``policy-workbench digest REF`` (kwctl ``digest``): prints ``<uri as typed>@sha256:<hex>``."""

from __future__ import annotations

import argparse

from workbench.cli._oci_common import add_oci_flags, client_from_args
from workbench.core import parse_oci_reference


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("digest", help="print the manifest digest of a policy in a registry")
    p.add_argument("uri", metavar="REF", help="registry://host/repo:tag (scheme optional)")
    add_oci_flags(p, store=False)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ref = parse_oci_reference(args.uri)
    with client_from_args(args) as client:
        digest = client.digest(ref)
    print(f"{args.uri}@{digest}")
    return 0
