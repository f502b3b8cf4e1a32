"""``policy-workbench suite …`` — work with test suite files (docs/suites.md).

* ``suite import-gator IN -o OUT``: convert a Gatekeeper ``gator verify`` suite to our format;
* ``suite check SUITE_OR_DIR …``: read and validate suites without running them;
* ``suite schema``: print the JSON Schema of the suite format.
"""

from __future__ import annotations

import argparse
import json
import sys

from workbench.cli._common import write_out
from workbench.core import SuiteError, import_gator, load_suites, suite_schema


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("suite", help="convert, check or describe policy test suites")
    verbs = p.add_subparsers(dest="suite_command", metavar="SUBCOMMAND", required=True)
    imp = verbs.add_parser(
        "import-gator", help="convert a gator verify suite (kind: Suite) to a *.suite.yaml"
    )
    imp.add_argument("source", metavar="IN", help="the gator suite file")
    imp.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="the suite file to write (e.g. x.suite.yaml)"
    )
    imp.set_defaults(func=run_import)
    check = verbs.add_parser("check", help="read and validate suites without running them")
    check.add_argument("paths", nargs="+", metavar="SUITE_OR_DIR")
    check.set_defaults(func=run_check)
    schema = verbs.add_parser("schema", help="print the JSON Schema of the suite format")
    schema.set_defaults(func=run_schema)


def run_import(args: argparse.Namespace) -> int:
    written, notes = import_gator(args.source, args.output)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    for path in written:
        print(f"wrote {path}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    try:
        suites = load_suites(args.paths)
    except SuiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for suite in suites:
        write_out(
            f"{suite.path}: {len(suite.policies)} policies, {len(suite.cases)} cases ({suite.format})\n"
        )
        for note in suite.notes:
            print(f"note: {note}", file=sys.stderr)
    return 0


def run_schema(_args: argparse.Namespace) -> int:
    write_out(json.dumps(suite_schema(), indent=2) + "\n")
    return 0
