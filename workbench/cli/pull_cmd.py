"""``policy-workbench pull REF [-o FILE]`` (kwctl ``pull``): into the store, or to a file."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from workbench.cli._oci_common import add_oci_flags, client_from_args, progress_bar, store_from_args
from workbench.cli.verify_cmd import add_verification_flags, verification_options_from_args
from workbench.core import (
    FileReference,
    InputError,
    OciReference,
    fetch_module,
    parse_reference,
    verify_policy,
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pull", help="download a policy into the local store (or to a file with -o)")
    p.add_argument("uri", metavar="REF", help="registry://host/repo:tag (scheme optional) or https:// URL")
    p.add_argument("-o", "--output-path", metavar="FILE", help="write the module here instead of the store")
    add_oci_flags(p)
    add_verification_flags(p)
    p.set_defaults(func=run)


def _write_streamed(target: Path, fill: Callable[[IO[bytes]], object]) -> None:
    """Stream into a temporary file next to ``target``, renamed only once the pull is verified."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".partial-", suffix=".wasm")
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    ref = parse_reference(args.uri)
    if isinstance(ref, FileReference):
        raise InputError(f"'{args.uri}' is a local file: pull takes a registry reference or an http(s) URL")
    with client_from_args(args) as client:
        verification = verification_options_from_args(args)
        if verification is not None:
            # kwctl's order: verify the signatures, then pull exactly the digest they sign
            if not isinstance(ref, OciReference):
                raise InputError(f"{args.uri}: signatures can only be verified for registry references")
            report = verify_policy(ref, verification, client=client)
            ref = ref.with_digest(report.manifest_digest)
            print(f"signatures verified: pulling {ref.uri}", file=sys.stderr)
        if args.output_path is None:
            path = fetch_module(
                ref.uri,
                store=store_from_args(args),
                client=client,
                progress=progress_bar(f"pulling {ref.uri}"),
            )
            print(f"pulled {ref.uri} into {path}", file=sys.stderr)
            return 0
        meter = progress_bar(f"pulling {ref.uri}")
        target = Path(args.output_path).expanduser()
        if target.is_dir():
            name = (
                ref.whole().rsplit("/", 1)[-1]
                if isinstance(ref, OciReference)
                else ref.path.rsplit("/", 1)[-1]
            )
            target = target / name
        remote = ref

        def fill(handle: IO[bytes]) -> None:
            if isinstance(remote, OciReference):
                client.pull_into(remote, handle, progress=meter)
            else:
                client.download_into(remote, handle, progress=meter)

        try:
            _write_streamed(target, fill)
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    print(f"pulled {ref.uri} to {target}", file=sys.stderr)
    return 0
