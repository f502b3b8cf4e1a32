"""``policy-workbench`` command line: argparse front end over :mod:`workbench.core`.

Each verb lives in its own module under :mod:`workbench.cli` exposing
``register(subparsers)``; the module adds its sub-parser and sets
``func=<callable(args) -> int>`` as default. This module only dispatches and
maps :class:`~workbench.core.errors.WorkbenchError` to ``error: <message>`` on
stderr with a non-zero exit code (never a traceback for a user error).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from workbench import __version__
from workbench.core import WorkbenchError

#: verb modules, in help order; each defines ``register(subparsers)``
COMMAND_MODULES: tuple[str, ...] = (
    "inspect_cmd",
    "annotate_cmd",
    "run_cmd",
    "eval_cmd",
    "bench_cmd",
    "scaffold_cmd",
    "demo_cmd",
    "test_cmd",
    "suite_cmd",
    "push_cmd",
    "pull_cmd",
    "policies_cmd",
    "rm_cmd",
    "digest_cmd",
    "verify_cmd",
    "sign_cmd",
    "save_cmd",
    "load_cmd",
    "builtins_cmd",
    "gui_cmd",
)

EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _modules_for(args: Sequence[str]) -> tuple[str, ...]:
    """Only the verb module the command line names (start-up stays fast); all of them for help."""
    for arg in args:
        if arg in ("-h", "--help"):
            return COMMAND_MODULES
        if arg.startswith("-"):
            continue
        name = f"{arg.replace('-', '_')}_cmd"
        return (name,) if name in COMMAND_MODULES else COMMAND_MODULES
    if "--version" in args:
        return ()
    return ("gui_cmd",) if "gui_cmd" in COMMAND_MODULES else COMMAND_MODULES


def build_parser(modules: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policy-workbench",
        description="Inspect, annotate, run and ship Kubernetes admission policies compiled to WebAssembly.",
    )
    parser.add_argument("--version", action="version", version=f"policy-workbench {__version__}")
    parser.add_argument("--no-color", action="store_true", help="plain output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES if modules is None else modules:
        importlib.import_module(f"workbench.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_modules_for(args_list))
    args = parser.parse_args(args_list)
    func = getattr(args, "func", None)
    if func is None:
        if "gui_cmd" in COMMAND_MODULES:
            args = parser.parse_args(["gui", *args_list])
            func = args.func
        else:
            parser.print_help()
            return EXIT_USAGE
    try:
        return int(func(args) or 0)
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # stdout closed early (e.g. piped into head): not an error worth a traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def entry_point() -> NoReturn:
    """Process entry (console script, ``python -m workbench``): :func:`main`, flush, then ``os._exit``.

    wasmtime-wasi runs guest stdio through tokio worker threads that outlive the evaluation;
    when they race the interpreter's and libc's exit-time teardown the process sometimes
    aborts (Rust "panic in a function that cannot unwind", exit 134) *after* printing a correct
    answer. A hard exit once everything is flushed avoids that teardown.
    """
    try:
        code = main()
    except SystemExit as exc:  # argparse usage errors, --help, --version
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            print(exc.code, file=sys.stderr)
            code = EXIT_USER_ERROR
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    entry_point()
