"""Suite runner benchmark: parallel speed-up, per-case runner overhead, re-run after an edit.

Three measurements, each against a baseline measured in the same run (see docs/suites.md):

1. **parallel** — a 1,000-case suite over the demo's three Kubewarden policies
   (require-labels, set-image-pull-policy, namespace-label-required), whole ``run_suites`` wall
   time with ``workers=2`` against ``workers=1`` (worker start-up included). Target ≥ 1.7×
   faster on a 2-core machine (run it on an otherwise idle machine; the load is printed).
2. **overhead** — require-labels, 1,000 cases: loading the suite (YAML, schema, request files)
   plus ``run_suites`` (scope check, evaluation, comparison) in one process, against the bare
   ``Session.evaluate`` calls on the same pre-parsed requests and settings. Target: the
   runner's own share ≤ 20% of the evaluation time.
3. **re-run** — a 100-case suite run once through a kept runner, then one case edited in the
   file and the suite re-read and re-run with the same (warm) runner: nothing is recompiled or
   re-opened. Target ≤ 1.2× the time of its 100 evaluations alone.

Usage: ``python benchmarks/bench_suites.py [--cases N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbench.core import CaseRunner, load_suite, open_session, run_suites  # noqa: E402

DEMO = REPO / "resources" / "demo"
POLICIES: dict[str, dict[str, Any]] = {
    "labels": {
        "module": str(DEMO / "policies/require-labels/policy.wasm"),
        "settings": str(DEMO / "settings/require-labels.yml"),
    },
    "pull": {
        "module": str(DEMO / "policies/set-image-pull-policy/policy.wasm"),
        "settings": {"pull_policy": "Always"},
    },
    "ns": {
        "module": str(DEMO / "policies/namespace-label-required/policy.wasm"),
        "settings": str(DEMO / "settings/namespace-label-required.yml"),
        "allowContextAware": True,
        "context": {"clusterSnapshot": str(DEMO / "cluster")},
    },
}
REQUESTS = [
    "pod-compliant.json",
    "pod-missing-labels.json",
    "pod-needs-pull-policy.json",
    "pod-untrusted-registry.json",
]


def write_suite(folder: Path, name: str, count: int, policies: list[str]) -> Path:
    """``count`` cases round-robin over ``policies`` and the demo requests; expectations are
    whatever the policy answers (filled in by a first run), so every case passes."""
    cases: list[dict[str, str]] = []
    for i in range(count):
        policy = policies[i % len(policies)]
        request = REQUESTS[(i // len(policies)) % len(REQUESTS)]
        cases.append(
            {
                "id": f"{policy}-{i}",
                "policy": policy,
                "request": str(DEMO / "requests" / request),
                "expect": "allowed",
            }
        )
    doc: dict[str, Any] = {"policies": {p: POLICIES[p] for p in policies}, "cases": cases}
    path = folder / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    suite = load_suite(path)
    run = run_suites([suite], workers=1)
    for case, result in zip(cases, run.results, strict=True):
        case["expect"] = result.got
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def bare_evaluations(path: Path, policy: str) -> float:
    """Seconds of Session.evaluate alone for every case of the suite (warm sessions, parsed inputs)."""
    suite = load_suite(path)
    spec = suite.policies[policy]
    settings = spec.settings or {}
    with open_session(spec.module) as session:
        requests = [session.load_request(case.request) for case in suite.cases]
        session.evaluate(requests[0], settings)  # warm
        started = time.perf_counter()
        for request in requests:
            session.evaluate(request, settings)
        return time.perf_counter() - started


_RUN_IN_FRESH_PROCESS = """
import sys, time
sys.path.insert(0, {repo!r})
from workbench.core import load_suite, run_suites
from workbench.core.suites.runner import _preload
_preload()  # the program's own imports are not the run's time (the CLI pays them at start-up)
started = time.perf_counter()
run = run_suites([load_suite({path!r})], workers={workers})
elapsed = time.perf_counter() - started
assert run.ok and run.workers == {workers}, "the benchmark suite must pass"
print(elapsed)
"""


def measure_parallel(path: Path, rounds: int) -> tuple[float, float, float, float]:
    """(run -j1, run -j2, CLI -j1, CLI -j2) in seconds, best of ``rounds``.

    *run*: loading the suite and running it in a fresh interpreter whose imports are done, as
    ``policy-workbench test -j N`` does after start-up (worker start-up counted). *CLI*: the whole
    ``python -m workbench test -j N SUITE`` command, interpreter start-up and imports included.
    """
    import subprocess

    runs: dict[int, list[float]] = {1: [], 2: []}
    clis: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(rounds):
        for workers in (1, 2):
            code = _RUN_IN_FRESH_PROCESS.format(repo=str(REPO), path=str(path), workers=workers)
            out = subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=600
            )
            runs[workers].append(float(out.stdout.strip().splitlines()[-1]))
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "workbench", "test", "-j", str(workers), "-o", "json", str(path)],
                check=True,
                capture_output=True,
                timeout=600,
                cwd=REPO,
            )
            clis[workers].append(time.perf_counter() - started)
    return min(runs[1]), min(runs[2]), min(clis[1]), min(clis[2])


def measure_overhead(path: Path, rounds: int) -> tuple[float, float, float]:
    """(load + run, load alone, bare evaluations) in seconds, best of ``rounds``."""
    runner_times, load_times, eval_times = [], [], []
    warm = CaseRunner([load_suite(path)])
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            suite = load_suite(path)
            loaded = time.perf_counter()
            run = run_suites([suite], workers=1, runner=warm)
            runner_times.append(time.perf_counter() - started)
            load_times.append(loaded - started)
            assert run.ok
            eval_times.append(bare_evaluations(path, "labels"))
    finally:
        warm.close()
    return min(runner_times), min(load_times), min(eval_times)


def measure_rerun(path: Path, rounds: int) -> tuple[float, float]:
    rerun_times, eval_times = [], []
    runner = CaseRunner([load_suite(path)])
    try:
        assert run_suites([load_suite(path)], workers=1, runner=runner).ok  # first run: sessions open
        original = path.read_text()
        for i in range(rounds):
            # edit one case (its id) as a user would, then re-read and re-run everything
            path.write_text(original.replace("id: labels-0\n", f"id: labels-0-edit{i}\n", 1))
            started = time.perf_counter()
            run = run_suites([load_suite(path)], workers=1, runner=runner)
            rerun_times.append(time.perf_counter() - started)
            assert run.ok
            eval_times.append(bare_evaluations(path, "labels"))
        path.write_text(original)
    finally:
        runner.close()
    return min(rerun_times), min(eval_times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="bench-suites-") as tmp:
        folder = Path(tmp)
        mixed = write_suite(folder, "mixed.suite.yaml", args.cases, ["labels", "pull", "ns"])
        labels = write_suite(folder, "labels.suite.yaml", args.cases, ["labels"])
        small = write_suite(folder, "small.suite.yaml", 100, ["labels"])

        one, two, cli_one, cli_two = measure_parallel(mixed, args.rounds)
        print(f"\n1. parallel, {args.cases} cases over 3 Kubewarden policies (best of {args.rounds})")
        print(
            f"   load+run  -j 1: {one:.3f}s   -j 2: {two:.3f}s   speed-up {one / two:.2f}x   (target >= 1.70x)"
        )
        print(
            f"   whole CLI -j 1: {cli_one:.3f}s   -j 2: {cli_two:.3f}s   speed-up {cli_one / cli_two:.2f}x"
            "   (interpreter start-up and imports included)"
        )

        total, load_s, evals = measure_overhead(labels, args.rounds)
        n = args.cases
        print(f"\n2. runner overhead, {n} cases on require-labels (load + run vs bare evaluations)")
        print(
            f"   load + run: {total * 1000:.1f} ms   evaluations alone: {evals * 1000:.1f} ms   "
            f"overhead {(total - evals) / n * 1e6:.1f} us per case over {evals / n * 1e6:.1f} us = "
            f"{(total - evals) / evals * 100:.1f}%   (target <= 20%)"
        )
        print(
            f"   of which reading the suite file (YAML, schema, request files): {load_s / n * 1e6:.1f} us per case; "
            f"scope check, comparison and results: {(total - load_s - evals) / n * 1e6:.1f} us per case "
            f"= {(total - load_s - evals) / evals * 100:.1f}%"
        )

        rerun, evals100 = measure_rerun(small, args.rounds)
        ratio = rerun / evals100
        print("\n3. re-run of a 100-case suite after editing one case (kept runner: nothing recompiled)")
        print(
            f"   re-run: {rerun * 1000:.1f} ms   evaluations alone: {evals100 * 1000:.1f} ms   ratio {ratio:.2f}x   (target <= 1.20x)"
        )
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
