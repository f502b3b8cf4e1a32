"""Flags and helpers shared by the OCI verbs (push, pull, policies, rm, digest)."""

from __future__ import annotations

import argparse
import os
import sys

from workbench.cli._common import add_registry_flags
from workbench.core import (
    Credentials,
    InputError,
    ProgressCallback,
    RegistryClient,
    Store,
    load_docker_config,
    load_sources,
)

__all__ = ["add_oci_flags", "add_store_flag", "client_from_args", "progress_bar", "store_from_args"]


def add_store_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="DIR",
        help="policy store root (default: $POLICY_WORKBENCH_STORE or kwctl's ~/.cache/kubewarden/store)",
    )


def add_oci_flags(parser: argparse.ArgumentParser, *, store: bool = True) -> None:
    """kwctl's ``--sources-path``/``--docker-config-json-path`` plus script-friendly credentials."""
    add_registry_flags(parser)
    parser.add_argument("--username", metavar="USER", help="registry user name (overrides the Docker config)")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the registry password (or token) from standard input; needs --username",
    )
    if store:
        add_store_flag(parser)


def _credentials(args: argparse.Namespace) -> Credentials | None:
    username = getattr(args, "username", None)
    from_stdin = getattr(args, "password_stdin", False)
    if from_stdin and not username:
        raise InputError("--password-stdin needs --username")
    if username and not from_stdin:
        raise InputError(
            "--username needs --password-stdin (the password is never taken from the command line)"
        )
    if not username:
        return None
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InputError("--password-stdin: no password on standard input")
    return Credentials(username, password, source="--password-stdin")


def client_from_args(args: argparse.Namespace) -> RegistryClient:
    return RegistryClient(
        sources=load_sources(getattr(args, "sources_path", None)),
        docker_config=load_docker_config(getattr(args, "docker_config_json_path", None)),
        credentials=_credentials(args),
    )


def store_from_args(args: argparse.Namespace) -> Store:
    root = getattr(args, "store", None)
    if root is not None and os.path.exists(root) and not os.path.isdir(root):
        raise InputError(f"--store {root} is a file; give the folder of a policy store")
    return Store(root)


def progress_bar(label: str) -> ProgressCallback | None:
    """A one-line transfer meter on stderr when it is a terminal (nothing in pipes and tests)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label} {done / 1e6:7.2f} / {total / 1e6:.2f} MB {percent:3d}%{end}")
        sys.stderr.flush()

    return show
