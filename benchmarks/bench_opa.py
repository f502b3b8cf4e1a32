"""OPA engine benchmark: per-evaluation cost vs the raw ABI call and vs opa-py-wasm.

Policy: the Gatekeeper fixture ``gk-container-limits-annotated.wasm`` (ABI 1.3,
host builtin ``sprintf``), gatekeeper mode, settings ``{}``.

Measured in one process run, alternating the contenders over several rounds:

* **ours** — ``Session.run`` from ``open_session`` (what ``policy-workbench run``/``bench`` do):
  parsed request + settings → input JSON → Wasm → result decoding →
  AdmissionResponse (+ post-processing), on a warm instance.
* **raw** — the floor for one ``opa_eval`` call on the same warm instance:
  ``json.dumps`` of the input + write into memory + the call + reading the
  result C string (no decoding), with a minimal Python ``sprintf`` (``%v`` only)
  for the module's builtin calls.
* **opa-py-wasm** — PyPI ``opa-wasm`` 0.3.x (it runs on wasmer 1.x, which only has
  wheels up to CPython 3.10, so it lives in its own venv and runs as a
  subprocess), same module, same input, the same minimal ``sprintf``; timed
  around ``OPAPolicy.evaluate`` (input JSON encode → result decode).

Targets: ours ≤ 1.5× raw and ≤ 0.4× opa-py-wasm on a ~3 KB pod request; ours
≤ 1.15× raw on a ~200 KB request.

Usage: ``python benchmarks/bench_opa.py [--iterations N] [--rounds R]
[--opa-py-python PATH | --no-opa-py]``. Without ``--opa-py-python`` a venv is
created under /tmp (``python3.10 -m venv`` + ``pip install opa-wasm[cranelift]``).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbench.core import (  # noqa: E402
    ExecutionMode,
    RunConfig,
    Session,
    ValidationRequest,
    load_module,
    open_session,
)

# the baseline measures the raw OPA ABI, below the public surface (by design)
from workbench.core.engines import runtime  # noqa: E402  # below-surface
from workbench.core.engines.opa import preflight  # noqa: E402  # below-surface
from workbench.core.engines.opa.abi import OpaInstance  # noqa: E402  # below-surface

SHARED = Path(os.environ.get("WORKBENCH_SHARED_DIR", REPO.parent / "shared"))
FIXTURES = SHARED / "fixtures"
MODULE = FIXTURES / "policies" / "gk-container-limits-annotated.wasm"
BASE_REQUEST = FIXTURES / "requests" / "pod-without-resources.json"
OPA_PY_VENV = Path(tempfile.gettempdir()) / "opa-py310"

OPA_PY_SCRIPT = r"""
import json, statistics, sys, time
from opa_wasm import OPAPolicy

def sprintf(fmt, args):
    out = fmt
    for a in args:
        out = out.replace("%v", a if isinstance(a, str) else json.dumps(a), 1)
    return out

module, input_path, iterations, warmup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
doc = json.load(open(input_path))
policy = OPAPolicy(module, builtins={"sprintf": sprintf})
expected = None
for _ in range(warmup):
    expected = policy.evaluate(doc)
samples = []
for _ in range(iterations):
    t = time.perf_counter()
    result = policy.evaluate(doc)
    samples.append(time.perf_counter() - t)
assert result == expected
print(json.dumps({"median_us": statistics.median(samples) * 1e6, "violations": len(result[0]["result"])}))
"""


def minimal_sprintf(name: str, args: list[Any]) -> Any:
    fmt, values = args
    out = fmt
    for value in values:
        out = out.replace("%v", value if isinstance(value, str) else json.dumps(value), 1)
    return out


def make_pod(target_bytes: int) -> dict[str, Any]:
    """An AdmissionRequest for a Pod without resource limits, padded with annotations to ``target_bytes``."""
    document = json.loads(BASE_REQUEST.read_text())
    request = copy.deepcopy(document.get("request", document))
    metadata = request["object"].setdefault("metadata", {})
    annotations = metadata.setdefault("annotations", {})
    metadata.setdefault("labels", {}).update({"app": "bench", "tier": "backend", "team": "platform"})
    i = 0
    while len(json.dumps(request)) < target_bytes:
        annotations[f"bench.example.com/note-{i:05d}"] = f"value {i} " + "x" * 60
        i += 1
    return request


def sample_ours(session: Session, request: ValidationRequest, iterations: int) -> list[float]:
    samples = []
    clock = time.perf_counter
    for _ in range(iterations):
        started = clock()
        session.run(request, {})
        samples.append(clock() - started)
    return samples


def sample_raw(instance: OpaInstance, review: dict[str, Any], iterations: int) -> list[float]:
    """json.dumps + write + opa_eval + read the result string (no guard, no decoding)."""
    ctx = instance._ctx
    opa_eval = instance._opa_eval
    assert opa_eval is not None
    addr, data_addr = instance.data_heap_ptr, instance.data_addr
    samples = []
    clock = time.perf_counter
    instance.store.set_epoch_deadline(1 << 40)
    for _ in range(iterations):
        started = clock()
        text = json.dumps({"parameters": {}, "review": review}, separators=(",", ":")).encode()
        n = len(text)
        instance._write(ctx, addr, text)
        instance._read_cstr(ctx, opa_eval(ctx, 0, 0, data_addr, addr, n, addr + n, 0))
        samples.append(clock() - started)
    return samples


def interleaved(
    session: Session, instance: OpaInstance, request: dict[str, Any], iterations: int, chunk: int
) -> tuple[float, float]:
    """Medians (µs) of ours and raw, alternating in small chunks so machine noise hits both alike."""
    ours: list[float] = []
    raw: list[float] = []
    wrapped = ValidationRequest(request)
    while len(ours) < iterations:
        ours += sample_ours(session, wrapped, chunk)
        raw += sample_raw(instance, request, chunk)
    return statistics.median(ours) * 1e6, statistics.median(raw) * 1e6


def _python310() -> str | None:
    """A working CPython 3.10 (wasmer 1.x has no wheels for newer versions)."""
    candidates = [shutil.which("python3.10")]
    candidates += sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.10*/bin/python3.10"))
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "--version"], capture_output=True).returncode == 0:
            return candidate
    return None


def ensure_opa_py(python: str | None) -> str | None:
    if python:
        return python
    candidate = OPA_PY_VENV / "bin" / "python"
    if candidate.exists():
        return str(candidate)
    base = _python310()
    if base is None:
        print("opa-py-wasm: skipped (no CPython 3.10 for its wasmer 1.x dependency)", file=sys.stderr)
        return None
    subprocess.run([base, "-m", "venv", str(OPA_PY_VENV)], check=True)
    subprocess.run([str(candidate), "-m", "pip", "install", "-q", "opa-wasm[cranelift]"], check=True)
    return str(candidate)


def time_opa_py(python: str, input_path: Path, iterations: int, warmup: int) -> float:
    out = subprocess.run(
        [python, "-c", OPA_PY_SCRIPT, str(MODULE), str(input_path), str(iterations), str(warmup)],
        check=True,
        capture_output=True,
        text=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["violations"] == 2, report
    return float(report["median_us"])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=2000, help="timed evaluations per round (3 KB)")
    parser.add_argument(
        "--big-iterations", type=int, default=200, help="timed evaluations per round (200 KB)"
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--opa-py-python", help="python of a venv with opa-wasm installed")
    parser.add_argument("--no-opa-py", action="store_true")
    args = parser.parse_args()
    if not MODULE.exists():
        print(f"fixtures not found at {FIXTURES}", file=sys.stderr)
        return 2

    module = load_module(MODULE)
    session = open_session(module, RunConfig(execution_mode=ExecutionMode.GATEKEEPER, timeout=10.0))
    instance = OpaInstance(
        runtime.shared_engine(),
        preflight.compiled_module(module),
        dispatcher=minimal_sprintf,
        memory_limit=None,
    )
    instance.set_data(b"{}")

    small, big = make_pod(3 * 1024), make_pod(200 * 1024)
    python = None if args.no_opa_py else ensure_opa_py(args.opa_py_python)
    with tempfile.TemporaryDirectory() as tmp:
        small_input = Path(tmp) / "input-3k.json"
        small_input.write_text(json.dumps({"parameters": {}, "review": small}))

        # both contenders must agree on the verdict before being timed
        outcome = session.run(ValidationRequest(small), {})
        assert outcome.response.allowed is False and outcome.response.message
        raw_out = json.loads(instance.evaluate(json.dumps({"parameters": {}, "review": small}).encode(), 0))
        assert len(raw_out[0]["result"]) == 2

        results: dict[str, list[float]] = {
            "ours": [],
            "raw": [],
            "opa-py": [],
            "ours-200k": [],
            "raw-200k": [],
        }
        for _ in range(20):
            session.run(ValidationRequest(small), {})
        for _ in range(3):
            session.run(ValidationRequest(big), {})
        for round_no in range(args.rounds):
            ours, raw = interleaved(session, instance, small, args.iterations, 20)
            results["ours"].append(ours)
            results["raw"].append(raw)
            if python:
                results["opa-py"].append(time_opa_py(python, small_input, max(args.iterations // 10, 50), 20))
            ours, raw = interleaved(session, instance, big, args.big_iterations, 5)
            results["ours-200k"].append(ours)
            results["raw-200k"].append(raw)
            print(
                f"round {round_no + 1}/{args.rounds}: "
                + ", ".join(f"{k} {v[-1]:.1f} µs" for k, v in results.items() if v)
            )

    med = {k: statistics.median(v) for k, v in results.items() if v}

    def ratio(a: str, b: str) -> float:
        """Median of the per-round ratios (each round interleaves both contenders)."""
        return statistics.median(x / y for x, y in zip(results[a], results[b], strict=True))

    print()
    print(f"request sizes: {len(json.dumps(small))} B and {len(json.dumps(big))} B; policy {MODULE.name}")
    print(f"ours (3 KB, run pipeline)      median {med['ours']:9.1f} µs  ({1e6 / med['ours']:.0f} evals/s)")
    print(f"raw opa_eval (3 KB)            median {med['raw']:9.1f} µs")
    print(f"ratio ours/raw (3 KB)          {ratio('ours', 'raw'):.2f}x   (target <= 1.5)")
    if "opa-py" in med:
        print(f"opa-py-wasm (3 KB)             median {med['opa-py']:9.1f} µs")
        print(f"ratio ours/opa-py-wasm (3 KB)  {ratio('ours', 'opa-py'):.3f}x  (target <= 0.4)")
    print(f"ours (200 KB)                  median {med['ours-200k']:9.1f} µs")
    print(f"raw opa_eval (200 KB)          median {med['raw-200k']:9.1f} µs")
    print(f"ratio ours/raw (200 KB)        {ratio('ours-200k', 'raw-200k'):.2f}x   (target <= 1.15)")
    session.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
