"""Compile cache benchmark: cold compile vs second load of a large TinyGo policy.

Policy: ``../shared/fixtures/policies/kw-tinygo-pod-name-denylist-large.wasm``
(1.7 MB TinyGo waPC module). Both numbers are measured in this run, with a fresh,
temporary cache directory:

* **cold** — ``compile_module`` on an empty cache: Cranelift compile + serialize +
  HMAC + atomic write.
* **cached** — ``compile_module`` again after dropping the in-process memo: read the
  entry, verify its HMAC-SHA256, ``Module.deserialize``.

Target: cached < 5% of cold.

Usage: ``python benchmarks/bench_cache.py [--module PATH] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEFAULT_MODULE = REPO.parent / "shared" / "fixtures" / "policies" / "kw-tinygo-pod-name-denylist-large.wasm"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", type=Path, default=DEFAULT_MODULE)
    parser.add_argument("--repeat", type=int, default=5, help="cached loads to time (median reported)")
    args = parser.parse_args()
    if not args.module.is_file():
        print(f"error: {args.module} not found", file=sys.stderr)
        return 1
    data = args.module.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    with tempfile.TemporaryDirectory(prefix="wb-cache-bench-") as tmp:
        os.environ["POLICY_WORKBENCH_CACHE_DIR"] = tmp
        from workbench.core.cache import cache_dir, compile_module, forget_compiled  # below-surface
        from workbench.core.engines.runtime import shared_engine  # below-surface

        engine = shared_engine()
        forget_compiled()
        started = time.perf_counter()
        compile_module(engine, data, digest)
        cold = time.perf_counter() - started
        entry_size = sum(p.stat().st_size for p in cache_dir().glob("*.cwasm"))
        loads = []
        for _ in range(args.repeat):
            forget_compiled()
            started = time.perf_counter()
            compile_module(engine, data, digest)
            loads.append(time.perf_counter() - started)
        cached = statistics.median(loads)
    ratio = cached / cold
    print(
        f"module:        {args.module.name} ({len(data) / 1e6:.2f} MB wasm, {entry_size / 1e6:.2f} MB cache entry)"
    )
    print(f"cold compile:  {cold * 1000:9.1f} ms")
    print(f"cached load:   {cached * 1000:9.1f} ms  (median of {args.repeat})")
    print(f"ratio:         {ratio * 100:9.2f} %   (target < 5 %)  {'OK' if ratio < 0.05 else 'MISSED'}")
    return 0 if ratio < 0.05 else 2


if __name__ == "__main__":
    sys.exit(main())
