"""``policy-workbench bench MODULE -r REQUEST [...] [--iterations N] [-o json]`` — in-process timing.

One warm policy session (the same pipeline as ``run``: settings validation,
evaluation, post-processing); every iteration goes from the parsed request and
settings to the AdmissionResponse object, input building and result decoding
included. Prints min / median / max per evaluation in µs and evaluations per
second (json keys ``iterations, min_us, median_us, max_us, evals_per_s``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

from workbench.cli.run_cmd import add_run_flags, build_config
from workbench.core import InputError, Session, load_settings, open_session


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="time repeated evaluations of a policy on one request (warm instance)")
    add_run_flags(p)
    p.add_argument("--iterations", "-n", type=int, default=1000, help="timed evaluations (default 1000)")
    p.add_argument("--warmup", type=int, default=20, help="untimed evaluations first (default 20)")
    p.add_argument("-o", "--output", choices=("pretty", "json"), default="pretty")
    p.set_defaults(func=run)


def measure(
    session: Session, request: Any, settings: dict[str, Any], iterations: int, warmup: int
) -> dict[str, Any]:
    """Time ``iterations`` evaluations; returns the report dict."""
    for _ in range(warmup):
        session.run(request, settings)
    samples: list[float] = []
    clock = time.perf_counter
    for _ in range(iterations):
        started = clock()
        session.run(request, settings)
        samples.append(clock() - started)
    total = sum(samples)
    return {
        "iterations": iterations,
        "min_us": round(min(samples) * 1e6, 2),
        "median_us": round(statistics.median(samples) * 1e6, 2),
        "max_us": round(max(samples) * 1e6, 2),
        "evals_per_s": round(iterations / total, 1) if total > 0 else None,
    }


def run(args: argparse.Namespace) -> int:
    if args.iterations < 1:
        raise InputError("--iterations must be at least 1")
    if args.warmup < 0:
        raise InputError("--warmup cannot be negative")
    config = build_config(args)
    explicit = args.settings_path is not None or args.settings_json is not None
    settings = load_settings(args.settings_path, args.settings_json)
    with open_session(args.module, config) as session:
        if not explicit:
            settings = session.default_settings
        request = session.load_request(args.request_path)
        first = session.run(request, settings)
        report = measure(session, request, settings, args.iterations, args.warmup)
    report["allowed"] = first.response.allowed
    report["execution_mode"] = session.execution_mode.value
    report["engine"] = session.label
    if args.output == "json":
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        sys.stdout.write(
            f"policy:      {session.source} ({session.label}, verdict allowed={first.response.allowed})\n"
            f"iterations:  {report['iterations']}\n"
            f"min:         {report['min_us']:.1f} µs\n"
            f"median:      {report['median_us']:.1f} µs\n"
            f"max:         {report['max_us']:.1f} µs\n"
            f"evals/s:     {report['evals_per_s']}\n"
        )
    return 0
