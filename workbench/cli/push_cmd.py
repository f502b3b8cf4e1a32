"""``policy-workbench push MODULE REF [--force] [-o text|json]`` (kwctl ``push``)."""

from __future__ import annotations

import argparse
import json

from workbench.cli._oci_common import add_oci_flags, client_from_args, progress_bar, store_from_args
from workbench.core import fetch_module, parse_oci_reference


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("push", help="push an annotated policy module to an OCI registry")
    p.add_argument("module", metavar="MODULE", help="path, file:// URI, stored registry URI or SHA prefix")
    p.add_argument(
        "uri", metavar="REF", help="destination, e.g. registry://ghcr.io/me/policy:v1 (scheme optional)"
    )
    p.add_argument("-f", "--force", action="store_true", help="push even if the module has no metadata")
    p.add_argument("-o", "--output", choices=("text", "json"), default="text")
    add_oci_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    destination = parse_oci_reference(args.uri)
    path = fetch_module(args.module, store=store_from_args(args), pull=False)
    with client_from_args(args) as client:
        result = client.push(
            path.read_bytes(), destination, force=args.force, progress=progress_bar(f"pushing {destination}")
        )
    if args.output == "json":
        print(json.dumps({"immutable_ref": result.immutable_ref}))
    else:
        print(f"Policy successfully pushed: {result.immutable_ref}")
    return 0
