"""``policy-workbench annotate MODULE -m metadata.yml -o OUT [-u README.md] [--in-place]``."""

from __future__ import annotations

import argparse
import sys

from workbench.cli._common import add_registry_flags, resolve_module, safe_text
from workbench.core import annotate_module


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("annotate", help="embed Kubewarden metadata into a module (like kwctl annotate)")
    p.add_argument("module", help="path, file:// URI or registry:// reference")
    p.add_argument("-m", "--metadata-path", required=True, help="metadata.yml (YAML or JSON)")
    p.add_argument("-o", "--output-path", required=True, help="annotated module to write (atomically)")
    p.add_argument("-u", "--usage-path", help="Markdown file stored as io.kubewarden.policy.usage")
    p.add_argument("--in-place", action="store_true", help="allow OUT to be the input module")
    add_registry_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    module = resolve_module(args.module, args)
    result = annotate_module(
        module,
        args.metadata_path,
        output=args.output_path,
        usage_path=args.usage_path,
        in_place=args.in_place,
    )
    for warning in result.warnings:
        sys.stderr.write(safe_text(f"warning: {warning}\n", sys.stderr))
    return 0
