"""``policy-workbench demo`` — run the bundled demo headless and print the verdict table."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the bundled offline demo without a window and print the verdicts")
    p.add_argument("--root", type=Path, help="demo folder (default: the bundled resources/demo)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.core import run_headless_demo

    return run_headless_demo(root=args.root)
