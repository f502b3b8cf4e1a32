"""``python -m workbench.conformance builtins DIR [--builtin NAME]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workbench.conformance")
    sub = parser.add_subparsers(dest="suite", required=True)
    b = sub.add_parser("builtins", help="OPA host builtins against a directory of *.jsonl cases")
    b.add_argument("directory", type=Path)
    b.add_argument("--builtin", action="append", help="only these builtins (repeatable)")
    b.add_argument("-q", "--quiet", action="store_true", help="do not list failures")
    ns = parser.parse_args(argv)
    if not ns.directory.is_dir():
        print(f"error: {ns.directory} is not a directory", file=sys.stderr)
        return 2
    from workbench.conformance.builtins import run_directory

    results = run_directory(ns.directory)
    if ns.builtin:
        results = [r for r in results if r.builtin in set(ns.builtin)]
    failed = [r for r in results if not r.ok]
    if not ns.quiet:
        for r in failed:
            print(f"FAIL {r.path}:{r.line} {r.builtin} args={json.dumps(r.args, ensure_ascii=False)[:300]}")
            print(f"     want: {r.want[:500]}")
            print(f"     got:  {r.got[:500]}")
    if not results:
        print("error: no cases found", file=sys.stderr)
        return 2
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
