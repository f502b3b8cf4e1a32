"""Push/pull times of a 1.7 MB policy on a loopback registry, workbench vs bare ``requests``.

Usage: ``python benchmarks/bench_oci.py [MODULE.wasm] [--runs N]``

Starts Debian's ``docker-registry`` (plain HTTP, 127.0.0.1, temp storage), then for each run
pushes the module to a fresh repository and pulls it back, with

* the workbench :class:`~workbench.core.oci.client.RegistryClient` (a fresh client per
  operation as the GUI does: /v2/ probe, metadata checks, progress, digest verification,
  deadlines, streaming to a temporary file), and
* the baseline: the fewest distribution-API requests that do the same job with one bare
  ``requests.Session`` (POST + PUT per blob and a manifest PUT; manifest GET + blob GET),
  measured in the same run on the same registry.

Prints medians and the workbench/baseline ratios (the numbers of the previous oras-based
client, for reference: push 237 ms, pull 38 ms, median of 20).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

DEFAULT_MODULE = REPO.parent / "shared" / "fixtures" / "policies" / "kw-tinygo-pod-name-denylist-large.wasm"
LAYER = "application/vnd.wasm.content.layer.v1+wasm"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def bare_push(session: object, base: str, repo: str, data: bytes) -> None:
    import requests

    assert isinstance(session, requests.Session)
    for blob in (b"{}", data):
        start = session.post(f"{base}/v2/{repo}/blobs/uploads/", timeout=10)
        location = start.headers["Location"]
        location = location if location.startswith("http") else base + location
        sep = "&" if "?" in location else "?"
        put = session.put(
            f"{location}{sep}digest={_digest(blob)}",
            data=blob,
            headers={"Content-Type": "application/octet-stream"},
            timeout=10,
        )
        assert put.status_code == 201, put.text
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "config": {"mediaType": "application/vnd.wasm.config.v1+json", "digest": _digest(b"{}"), "size": 2},
        "layers": [{"mediaType": LAYER, "digest": _digest(data), "size": len(data)}],
    }
    put = session.put(
        f"{base}/v2/{repo}/manifests/v1",
        data=json.dumps(manifest).encode(),
        headers={"Content-Type": MANIFEST},
        timeout=10,
    )
    assert put.status_code == 201, put.text


def bare_pull(session: object, base: str, repo: str) -> bytes:
    import requests

    assert isinstance(session, requests.Session)
    manifest = session.get(f"{base}/v2/{repo}/manifests/v1", headers={"Accept": MANIFEST}, timeout=10).json()
    layer = manifest["layers"][0]
    return session.get(f"{base}/v2/{repo}/blobs/{layer['digest']}", timeout=10).content


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", nargs="?", default=str(DEFAULT_MODULE))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    import requests
    from oci.registry import start_registry  # tests/oci/registry.py

    from workbench.core import DockerConfig, RegistryClient, Sources

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
            bare_push_t: list[float] = []
            bare_pull_t: list[float] = []
            ticks: list[int] = []

            def tick(done: int, _total: int) -> None:
                ticks.append(done)

            for run in range(args.runs):
                # distinct repository per run so that no blob is already present
                repo_wb, repo_bare = f"bench/wb{run}", f"bench/bare{run}"
                start = time.perf_counter()
                with RegistryClient(sources=sources, docker_config=DockerConfig()) as client:
                    result = client.push(data, f"{registry.host}/{repo_wb}:v1", force=True, progress=tick)
                wb_push.append(time.perf_counter() - start)
                start = time.perf_counter()
                with RegistryClient(sources=sources, docker_config=DockerConfig()) as client:
                    pulled = client.pull(result.immutable_ref, progress=tick)
                wb_pull.append(time.perf_counter() - start)
                assert pulled == data

                start = time.perf_counter()
                with requests.Session() as session:
                    bare_push(session, registry.url, repo_bare, data)
                bare_push_t.append(time.perf_counter() - start)
                start = time.perf_counter()
                with requests.Session() as session:
                    assert bare_pull(session, registry.url, repo_bare) == data
                bare_pull_t.append(time.perf_counter() - start)
        finally:
            registry.stop()

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:7.1f} ms (min {min(values) * 1000:.1f})"

    print(
        f"module: {module_path.name}, {len(data):,} bytes; {args.runs} runs on {registry.host} (plain HTTP)"
    )
    print(
        f"push  workbench {ms(wb_push)}   bare requests {ms(bare_push_t)}   "
        f"ratio {statistics.median(wb_push) / statistics.median(bare_push_t):.2f}   (oras-based client: 237 ms)"
    )
    print(
        f"pull  workbench {ms(wb_pull)}   bare requests {ms(bare_pull_t)}   "
        f"ratio {statistics.median(wb_pull) / statistics.median(bare_pull_t):.2f}   (oras-based client: 38 ms)"
    )
    print(
        f"first run (cold: endpoint negotiation for an insecure source): workbench push "
        f"{wb_push[0] * 1000:.1f} ms, pull {wb_pull[0] * 1000:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
