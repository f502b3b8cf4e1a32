"""``policy-workbench sign REF -k PRIVATE_KEY [-a KEY=VALUE]``: a cosign key signature in the registry.

The signature is what ``cosign sign --key KEY --tlog-upload=false -a KEY=VALUE REF`` writes
(kwctl has no signing verb). An encrypted PEM key takes its password from
``$COSIGN_PASSWORD``, as cosign does. See docs/signatures.md, section "Signing".
"""

from __future__ import annotations

import argparse
import os

from workbench.cli._common import add_registry_flags
from workbench.core import InputError, load_private_key_file, sign_policy

__all__ = ["parse_annotations", "register", "run"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sign", help="sign a policy in its registry with a private key (cosign format)")
    p.add_argument("uri", metavar="REF", help="registry://host/repo:tag (scheme optional)")
    p.add_argument(
        "-k", "--key", required=True, metavar="FILE", help="PEM private key (ECDSA, RSA or Ed25519)"
    )
    p.add_argument(
        "-a",
        "--annotation",
        dest="annotations",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="annotation to put in the signed payload (repeatable)",
    )
    add_registry_flags(p)
    p.set_defaults(func=run)


def parse_annotations(items: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"annotation {item!r} is not KEY=VALUE")
        values[key] = value
    return values


def run(args: argparse.Namespace) -> int:
    annotations = parse_annotations(args.annotations)
    password = os.environ.get("COSIGN_PASSWORD")
    key = load_private_key_file(args.key, password.encode("utf-8") if password else None)
    result = sign_policy(
        args.uri,
        key,
        annotations,
        sources_path=args.sources_path,
        docker_config_json_path=args.docker_config_json_path,
    )
    if result.added:
        print(f"Policy signed: {result.reference}")
    else:
        print(f"Policy already signed with this key and payload: {result.reference}")
    print(f"Signature: {result.signature_reference} (key {result.key_fingerprint})")
    return 0
