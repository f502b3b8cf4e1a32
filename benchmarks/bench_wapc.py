"""waPC engine benchmark: per-``validate`` cost vs the plain waPC host recipe, plus compile vs cached load.

Policy: ``../shared/fixtures/policies/kw-tinygo-pod-name-denylist-large.wasm`` (TinyGo,
Kubewarden Go SDK), request ``requests/pod-named-test-pod.json``, settings
``{"denied_names": ["foo"]}`` (the pod is accepted; the policy logs through
``kubewarden/tracing/log`` host calls on every evaluation).

Contenders, measured in the same run on the same compiled module, alternating rounds:

* **ours** — ``WapcEngine.validate``: payload JSON, guest call under a deadline watchdog,
  tracing host calls → log records, ValidationResponse checks, AdmissionResponse.
* **baseline** — the minimal ``WapcHost`` recipe of the project's platform notes (kept outside the repository)
  (copied below; fuel off, WASI stdout discarded, and ``wr`` fixed to return nothing), doing
  the least a host must: ``json.dumps`` of the payload, the guest call, ``json.loads``
  of the reply.

Target: ours ≤ 1.3× baseline (median per validate). Also prints cold compile vs
cached load of the same module (temporary cache directory).

Usage: ``python benchmarks/bench_wapc.py [--iterations N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import wasmtime
from wasmtime import FuncType, Linker, Store, ValType, WasiConfig

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
FIXTURES = REPO.parent / "shared" / "fixtures"

I32 = ValType.i32()


# --- baseline: the platform-notes recipe ------------------------------------------------------
class WapcHost:
    def __init__(self, engine, module, fuel=None, host_handler=None, wasi_stdout=None, epoch_ticks=1_000_000):
        self.store = Store(engine)
        self.fuel = fuel
        if fuel is not None:
            self.store.set_fuel(fuel)
        self.store.set_epoch_deadline(epoch_ticks)  # required when epoch_interruption is on
        w = WasiConfig()
        if wasi_stdout:
            w.stdout_file = wasi_stdout
            w.stderr_file = wasi_stdout  # properties!
        self.store.set_wasi(w)
        self.host_handler = host_handler or (lambda b, ns, op, p: (True, b""))
        self._op = self._msg = self._host_resp = self._host_err = b""
        self._resp = self._err = None
        self.logs = []
        lk = Linker(engine)
        lk.define_wasi()
        d = lk.define_func

        def rd(c, p, n):
            return bytes(c.get("memory").read(c, p, p + n))

        def wr(c, p, data):
            # the notes' lambda returned write()'s result, which wasmtime-py rejects from a
            # void host function ("callback produced results") once a reply is non-empty
            c.get("memory").write(c, data, p)

        def guest_request(c, op_ptr, msg_ptr):
            wr(c, op_ptr, self._op)
            wr(c, msg_ptr, self._msg)

        def guest_response(c, p, n):
            self._resp = rd(c, p, n)

        def guest_error(c, p, n):
            self._err = rd(c, p, n)

        def host_call(c, bp, bl, np_, nl, op, ol, pp, pl):
            ok, data = self.host_handler(
                rd(c, bp, bl).decode(), rd(c, np_, nl).decode(), rd(c, op, ol).decode(), rd(c, pp, pl)
            )
            self._host_resp, self._host_err = (data, b"") if ok else (b"", data)
            return 1 if ok else 0

        d("wapc", "__guest_request", FuncType([I32, I32], []), guest_request, access_caller=True)
        d("wapc", "__guest_response", FuncType([I32, I32], []), guest_response, access_caller=True)
        d("wapc", "__guest_error", FuncType([I32, I32], []), guest_error, access_caller=True)
        d("wapc", "__host_call", FuncType([I32] * 8, [I32]), host_call, access_caller=True)
        d("wapc", "__host_response_len", FuncType([], [I32]), lambda: len(self._host_resp))
        d(
            "wapc",
            "__host_response",
            FuncType([I32], []),
            lambda c, p: wr(c, p, self._host_resp),
            access_caller=True,
        )
        d("wapc", "__host_error_len", FuncType([], [I32]), lambda: len(self._host_err))
        d(
            "wapc",
            "__host_error",
            FuncType([I32], []),
            lambda c, p: wr(c, p, self._host_err),
            access_caller=True,
        )
        d(
            "wapc", "__console_log", FuncType([I32, I32], []),
            lambda c, p, n: self.logs.append(rd(c, p, n).decode()), access_caller=True,
        )  # fmt: skip
        inst = lk.instantiate(self.store, module)
        ex = inst.exports(self.store)
        self.guest_call = ex["__guest_call"]
        for init in ("_start", "wapc_init"):
            if init in ex:
                try:
                    ex[init](self.store)
                except wasmtime.ExitTrap as e:
                    if e.code != 0:
                        raise

    def call(self, op: str, payload: bytes) -> bytes:
        self._op, self._msg, self._resp, self._err = op.encode(), payload, None, None
        if self.fuel is not None:
            self.store.set_fuel(self.fuel)
        if self.guest_call(self.store, len(self._op), len(self._msg)) == 1:
            return self._resp or b""
        raise RuntimeError(f"guest error: {self._err!r}")


def _time(fn, iterations: int) -> list[float]:
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--module", type=Path, default=FIXTURES / "policies" / "kw-tinygo-pod-name-denylist-large.wasm"
    )
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.module.is_file():
        print(f"error: {args.module} not found", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="wb-wapc-bench-") as tmp:
        os.environ["POLICY_WORKBENCH_CACHE_DIR"] = tmp
        from workbench.core.cache import compile_module, forget_compiled  # below-surface
        from workbench.core.engines.base import EngineOptions, ValidationRequest  # below-surface
        from workbench.core.engines.runtime import shared_engine  # below-surface
        from workbench.core.engines.wapc import WapcEngine  # below-surface
        from workbench.core.module import load_module  # below-surface

        policy = load_module(args.module)
        engine = shared_engine()
        started = time.perf_counter()
        compiled = compile_module(engine, policy.data, hashlib.sha256(policy.data).hexdigest())
        cold = time.perf_counter() - started
        forget_compiled()
        started = time.perf_counter()
        compiled = compile_module(engine, policy.data, policy.sha256)
        cached = time.perf_counter() - started

        document = json.loads((FIXTURES / "requests" / "pod-named-test-pod.json").read_text())
        request = document["request"] if document.get("kind") == "AdmissionReview" else document
        settings = {"denied_names": ["foo"]}

        ours = WapcEngine(policy, "kubewarden-wapc", EngineOptions())
        vreq = ValidationRequest(request)
        assert ours.validate(vreq, settings).response.allowed

        host = WapcHost(engine, compiled)

        def baseline() -> None:
            reply = host.call("validate", json.dumps({"request": request, "settings": settings}).encode())
            json.loads(reply)

        def ours_validate() -> None:
            ours.validate(vreq, settings)

        baseline()
        ours_validate()
        ours_samples: list[float] = []
        base_samples: list[float] = []
        for _ in range(args.rounds):
            base_samples += _time(baseline, args.iterations)
            ours_samples += _time(ours_validate, args.iterations)

    base = statistics.median(base_samples)
    mine = statistics.median(ours_samples)
    ratio = mine / base
    print(f"module:             {args.module.name}")
    print(f"cold compile:       {cold * 1000:9.1f} ms")
    print(f"cached load:        {cached * 1000:9.1f} ms  ({cached / cold * 100:.2f} % of cold)")
    print(f"baseline validate:  {base * 1e6:9.1f} µs  (median of {len(base_samples)})")
    print(f"ours validate:      {mine * 1e6:9.1f} µs  (median of {len(ours_samples)})")
    print(f"ratio ours/base:    {ratio:9.2f} ×   (target ≤ 1.3 ×)  {'OK' if ratio <= 1.3 else 'MISSED'}")
    return 0 if ratio <= 1.3 else 2


if __name__ == "__main__":
    sys.exit(main())
