"""Start-up of the packaged bundle: launch → first verdict, vs the source tree, and with vs without the bundled cache.

Needs a built bundle (``packaging/build.sh`` → ``dist/policy-workbench``). Every figure is a
fresh process with an empty ``HOME`` (no user cache), median of ``--repeat`` runs, all in this run:

* **source** (baseline) — ``.venv/bin/python -m workbench run <demo policy>``;
* **bundle** — ``dist/policy-workbench/policy-workbench run …`` (module from the bundled read-only cache);
* **bundle, no bundled cache** — the same with ``POLICY_WORKBENCH_BUNDLED_CACHE`` pointed at an empty
  folder, so the module is compiled on first use (what the precompiled cache saves);
* **bundle --version** — interpreter + CLI start-up alone.

Usage: ``python benchmarks/bench_bundle_startup.py [--bundle DIR] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(command: list[str], env: dict[str, str], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as home:
            run_env = {
                **env,
                "HOME": home,
                "XDG_CACHE_HOME": f"{home}/.cache",
                "XDG_CONFIG_HOME": f"{home}/.config",
            }
            started = time.perf_counter()
            proc = subprocess.run(command, env=run_env, capture_output=True, text=True, check=False)
            samples.append(time.perf_counter() - started)
            if proc.returncode != 0:
                raise SystemExit(f"error: {' '.join(command)} failed: {proc.stderr[-500:]}")
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=REPO / "dist" / "policy-workbench")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    exe = args.bundle / "policy-workbench"
    if not exe.is_file():
        print(f"error: {exe} not found: run packaging/build.sh first", file=sys.stderr)
        return 1
    demo = REPO / "resources" / "demo"
    run_args = [
        "run",
        str(demo / "policies" / "require-labels" / "policy.wasm"),
        "-r",
        str(demo / "requests" / "pod-missing-labels.json"),
        "-s",
        str(demo / "settings" / "require-labels.yml"),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_WORKBENCH_")}
    with tempfile.TemporaryDirectory() as empty:
        figures = {
            "source (baseline)": timed([sys.executable, "-m", "workbench", *run_args], env, args.repeat),
            "bundle": timed([str(exe), *run_args], env, args.repeat),
            "bundle, no bundled cache": timed(
                [str(exe), *run_args], {**env, "POLICY_WORKBENCH_BUNDLED_CACHE": empty}, args.repeat
            ),
            "bundle --version": timed([str(exe), "--version"], env, args.repeat),
        }
    base = figures["source (baseline)"]
    print(f"launch -> first verdict, median of {args.repeat} fresh processes (empty HOME)")
    for name, seconds in figures.items():
        print(f"  {name:<26} {seconds * 1000:7.0f} ms   x{seconds / base:.2f} of source")
    saved = figures["bundle, no bundled cache"] - figures["bundle"]
    print(f"bundled precompiled cache saves {saved * 1000:.0f} ms on a first run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
