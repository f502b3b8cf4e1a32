"""``policy-workbench test [SUITE_OR_DIR ...]`` — run policy test suites (docs/suites.md).

Exit status: 0 when every selected case passes, 1 when any fails (or, with ``--against``,
when any outcome changed), 2 when a suite cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from workbench.cli._common import write_out
from workbench.core import (
    CancelToken,
    CaseResult,
    InputError,
    OutputFormat,
    SuiteError,
    WorkbenchError,
    apply_updates,
    default_jobs,
    format_run,
    load_suites,
    parse_shard,
    plan_jobs,
    plan_updates,
    render_updates,
    run_impact,
    run_suites,
)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNREADABLE = 2


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "test",
        help="run policy test suites (*.suite.yaml, gator verify suites) and report",
        description="Run every case of the suites (files, or folders searched for *.suite.yaml).",
    )
    p.add_argument(
        "paths", nargs="*", default=["."], metavar="SUITE_OR_DIR", help="suite files or folders (default .)"
    )
    p.add_argument(
        "-k",
        dest="keyword",
        metavar="EXPR",
        help="only cases whose suite/case/policy/tags match (and, or, not)",
    )
    p.add_argument(
        "--tag", action="append", default=[], metavar="T", help="only cases with this tag (repeatable: any)"
    )
    p.add_argument(
        "-j", "--jobs", type=_workers, metavar="N", help=f"worker processes (default: CPUs, {default_jobs()})"
    )
    p.add_argument(
        "-o",
        "--output",
        choices=[f.value for f in OutputFormat],
        default="table",
        help="report format (default table)",
    )
    p.add_argument("--fail-fast", action="store_true", help="stop at the first failing case")
    p.add_argument(
        "--update", action="store_true", help="rewrite failing expectations from the results (review diff)"
    )
    p.add_argument(
        "--yes", action="store_true", help="with --update: write the files (else only print the diff)"
    )
    p.add_argument("--shard", metavar="K/N", help="run only shard K of N (stable hash of the case id)")
    p.add_argument(
        "--against", metavar="MODULE_OR_REF", help="impact analysis: run the cases against this version too"
    )
    p.add_argument("--policy", metavar="ID", help="with --against: the suite policy to replace")
    p.add_argument("-v", "--verbose", action="store_true", help="show messages of passing cases too")
    p.set_defaults(func=run)


def _progress(stream: TextIO) -> object:
    if not stream.isatty():
        return None

    def show(done: int, total: int, result: CaseResult) -> None:
        stream.write(f"\r{done}/{total} {result.name[:60]:<60}")
        if done == total:
            stream.write("\r" + " " * 80 + "\r")
        stream.flush()

    return show


def _impact_report(changes: list, fmt: str) -> str:  # type: ignore[type-arg]
    import json

    if fmt == "json":
        return (
            json.dumps(
                [
                    {
                        "case": c.before.case_id,
                        "policy": c.before.policy_id,
                        "suite": str(c.before.suite),
                        "line": c.before.line,
                        "changes": list(c.changes),
                        "before": {
                            "verdict": c.before.got,
                            "message": c.before.message,
                            "patch": c.before.patch,
                        },
                        "after": {"verdict": c.after.got, "message": c.after.message, "patch": c.after.patch},
                    }
                    for c in changes
                ],
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    if not changes:
        return "no case changes its verdict, message or patch\n"
    lines = []
    for c in changes:
        lines.append(f"{c.before.name}  ({', '.join(c.changes)})  {c.before.suite}:{c.before.line}")
        lines.append(f"    before: {c.before.got}" + (f"  {c.before.message}" if c.before.message else ""))
        lines.append(f"    after:  {c.after.got}" + (f"  {c.after.message}" if c.after.message else ""))
        if "patch" in c.changes:
            lines.append(f"    patch before: {c.before.patch}")
            lines.append(f"    patch after:  {c.after.patch}")
    lines.append(f"\n{len(changes)} case(s) change")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.yes and not args.update:
        raise InputError("--yes only goes with --update")
    if args.policy and not args.against:
        raise InputError("--policy only goes with --against")
    if args.against and args.update:
        raise InputError("--against and --update do not go together")
    try:
        suites = load_suites(args.paths)
    except SuiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    for suite in suites:
        for note in suite.notes:
            print(f"note: {suite.path}: {note}", file=sys.stderr)
    shard = parse_shard(args.shard) if args.shard else None
    jobs = plan_jobs(suites, keyword=args.keyword, tags=args.tag, shard=shard, policy=args.policy)
    workers = args.jobs or default_jobs()
    cancel = CancelToken()
    try:
        if args.against:
            _before, _after, changes = run_impact(
                suites, jobs, args.against, args.policy, workers=workers, cancel=cancel
            )
            write_out(_impact_report(changes, "json" if args.output == "json" else "table"))
            return EXIT_FAILED if changes else EXIT_OK
        result = run_suites(
            suites,
            jobs,
            workers=workers,
            cancel=cancel,
            progress=_progress(sys.stderr),  # type: ignore[arg-type]
            fail_fast=args.fail_fast,
        )
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    write_out(format_run(result, args.output, verbose=args.verbose))
    if not jobs:
        print("note: no case matches the selection", file=sys.stderr)
    if args.update:
        updates = [u for u in plan_updates(suites, result) if u.changed or u.notes]
        diff = render_updates(updates)
        if not diff:
            print("nothing to update", file=sys.stderr)
            return EXIT_OK if result.ok else EXIT_FAILED
        sys.stderr.write(diff)
        if not args.yes:
            print("review the diff above; run again with --update --yes to write it", file=sys.stderr)
            return EXIT_FAILED
        try:
            written = apply_updates(updates)
        except WorkbenchError as exc:
            raise InputError(f"--update: {exc}") from None
        for path in written:
            print(f"updated {path}", file=sys.stderr)
        return EXIT_OK
    return EXIT_OK if result.ok else EXIT_FAILED
