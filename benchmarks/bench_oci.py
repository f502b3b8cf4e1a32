"""Push/pull times of a 1.7 MB policy on a loopback registry, workbench vs bare oras-py.

Usage: ``python benchmarks/bench_oci.py [MODULE.wasm] [--runs N]``

Starts Debian's ``docker-registry`` (plain HTTP, 127.0.0.1, temp storage), then for each run
pushes the module to a fresh tag and pulls it back, with
* the workbench :class:`~workbench.core.oci.client.RegistryClient` (verification, progress
  callbacks, a fresh client per operation as the GUI does), and
* bare ``oras.client.OrasClient`` push/pull of the same file (the baseline, same run).
Prints medians and the workbench/oras ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

DEFAULT_MODULE = REPO.parent / "shared" / "fixtures" / "policies" / "kw-tinygo-pod-name-denylist-large.wasm"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", nargs="?", default=str(DEFAULT_MODULE))
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    import oras.client
    from oci.registry import start_registry  # tests/oci/registry.py

    from workbench.core.oci.client import RegistryClient
    from workbench.core.oci.credentials import DockerConfig
    from workbench.core.oci.sources import Sources

    module_path = Path(args.module)
    data = module_path.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            registry = start_registry("plain", Path(tmp) / "registry")
        except BaseException as exc:  # pytest.skip when the binary is missing
            print(f"cannot start docker-registry: {exc}", file=sys.stderr)
            return 2
        try:
            sources = Sources(insecure_sources=frozenset({registry.host}))
            wb_push: list[float] = []
            wb_pull: list[float] = []
            or_push: list[float] = []
            or_pull: list[float] = []
            ticks: list[int] = []

            def tick(done: int, _total: int) -> None:
                ticks.append(done)

            for run in range(args.runs):
                # distinct repository per run so that no blob is already present
                repo_wb, repo_or = f"bench/wb{run}", f"bench/oras{run}"
                start = time.perf_counter()
                with RegistryClient(sources=sources, docker_config=DockerConfig()) as client:
                    result = client.push(
                        data,
                        f"{registry.host}/{repo_wb}:v1",
                        force=True,
                        progress=tick,
                    )
                wb_push.append(time.perf_counter() - start)
                start = time.perf_counter()
                with RegistryClient(sources=sources, docker_config=DockerConfig()) as client:
                    pulled = client.pull(result.immutable_ref, progress=tick)
                wb_pull.append(time.perf_counter() - start)
                assert pulled == data

                baseline = oras.client.OrasClient(hostname=registry.host, insecure=True)
                start = time.perf_counter()
                baseline.push(
                    target=f"{registry.host}/{repo_or}:v1",
                    files=[f"{module_path}:application/vnd.wasm.content.layer.v1+wasm"],
                    disable_path_validation=True,
                    quiet=True,
                )
                or_push.append(time.perf_counter() - start)
                out = Path(tmp) / f"out{run}"
                start = time.perf_counter()
                files = baseline.pull(target=f"{registry.host}/{repo_or}:v1", outdir=str(out))
                or_pull.append(time.perf_counter() - start)
                assert Path(files[0]).read_bytes() == data
        finally:
            registry.stop()

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:7.1f} ms (min {min(values) * 1000:.1f})"

    print(
        f"module: {module_path.name}, {len(data):,} bytes; {args.runs} runs on {registry.host} (plain HTTP)"
    )
    print(
        f"push  workbench {ms(wb_push)}   oras-py {ms(or_push)}   ratio {statistics.median(wb_push) / statistics.median(or_push):.2f}"
    )
    print(
        f"pull  workbench {ms(wb_pull)}   oras-py {ms(or_pull)}   ratio {statistics.median(wb_pull) / statistics.median(or_pull):.2f}"
    )
    print(
        f"first run (cold: endpoint negotiation for an insecure source): workbench push "
        f"{wb_push[0] * 1000:.1f} ms, pull {wb_pull[0] * 1000:.1f} ms; later runs reuse the endpoint "
        "plan cached per process (still a fresh client per operation)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
