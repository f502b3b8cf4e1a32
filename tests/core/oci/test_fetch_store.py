"""fetch_module + the kwctl store layout, against a real registry and a real HTTP server."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from core.oci.wasmgen import METADATA, module
from oci.registry import Registry

from workbench.core.engines.base import CancelToken
from workbench.core.errors import ModuleError, OperationCancelled, RegistryNotFound
from workbench.core.oci.client import RegistryClient
from workbench.core.oci.fetch import fetch_module
from workbench.core.oci.store import Store

pytestmark = pytest.mark.registry


def test_pull_into_store_with_kwctl_layout(
    plain_client: RegistryClient, plain_registry: Registry, tmp_path: Path
) -> None:
    store = Store(tmp_path / "store")
    data = module(metadata=METADATA, seed=b"store-layout")
    plain_client.push(data, plain_registry.ref("kubewarden/policies/safe-labels", "v0.1.7"))
    path = fetch_module(
        plain_registry.ref("kubewarden/policies/safe-labels", "v0.1.7"), store=store, client=plain_client
    )
    assert (
        path
        == tmp_path
        / "store"
        / "registry"
        / plain_registry.host
        / "kubewarden"
        / "policies"
        / "safe-labels:v0.1.7"
    )
    assert path.read_bytes() == data
    [listed] = store.list_policies()
    assert listed.uri == f"registry://{plain_registry.host}/kubewarden/policies/safe-labels:v0.1.7"
    assert listed.sha256 == hashlib.sha256(data).hexdigest()
    assert listed.title == "tiny"


def test_tag_cache_and_latest_repull(
    plain_client: RegistryClient, plain_registry: Registry, tmp_path: Path
) -> None:
    store = Store(tmp_path)
    first, second = module(metadata=METADATA, seed=b"one"), module(metadata=METADATA, seed=b"two")
    plain_client.push(first, plain_registry.ref("policies/cache", "v1"))
    plain_client.push(first, f"{plain_registry.host}/policies/cache")  # latest
    v1 = fetch_module(plain_registry.ref("policies/cache", "v1"), store=store, client=plain_client)
    latest = fetch_module(f"{plain_registry.host}/policies/cache", store=store, client=plain_client)
    assert latest.name == "cache:latest"  # tagless stored as :latest
    # move both tags to a new module: v1 is served from the cache, latest is re-pulled
    plain_client.push(second, plain_registry.ref("policies/cache", "v1"))
    plain_client.push(second, f"{plain_registry.host}/policies/cache")
    assert (
        fetch_module(
            plain_registry.ref("policies/cache", "v1"), store=store, client=plain_client
        ).read_bytes()
        == first
    )
    assert (
        fetch_module(
            f"registry://{plain_registry.host}/policies/cache:latest", store=store, client=plain_client
        )
        == latest
    )
    assert latest.read_bytes() == second
    assert v1.read_bytes() == first


def test_failed_or_cancelled_pull_writes_nothing(
    plain_client: RegistryClient, plain_registry: Registry, tmp_path: Path
) -> None:
    store = Store(tmp_path / "store")
    ref = plain_registry.ref("policies/nothing-written", "v1")
    with pytest.raises(RegistryNotFound):
        fetch_module(ref, store=store, client=plain_client)
    plain_client.push(module(metadata=METADATA, padding=4 * 1024 * 1024), ref)
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        if done > total // 3:
            token.cancel()

    with pytest.raises(OperationCancelled):
        fetch_module(ref, store=store, client=plain_client, progress=progress, cancel=token)
    assert not store.path_for(ref).exists()
    assert [p for p in (tmp_path / "store").rglob("*") if p.is_file()] == []


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def test_http_download_into_store(http_server: tuple[str, Path], tmp_path: Path) -> None:
    host, root = http_server
    data = module(seed=b"over-http")
    (root / "policies").mkdir()
    (root / "policies" / "p.wasm").write_bytes(data)
    (root / "junk.wasm").write_bytes(b"<html>not wasm</html>")
    store = Store(tmp_path / "store")
    from oci.fixtures import FAST

    from workbench.core.oci.credentials import DockerConfig
    from workbench.core.oci.sources import Sources

    client = RegistryClient(sources=Sources(), docker_config=DockerConfig(), options=FAST)
    seen: list[tuple[int, int]] = []
    path = fetch_module(
        f"http://{host}/policies/p.wasm",
        store=store,
        client=client,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert path == tmp_path / "store" / "http" / host / "policies" / "p.wasm"
    assert path.read_bytes() == data
    assert seen[-1] == (len(data), len(data))
    assert [p.uri for p in store.list_policies()] == [f"http://{host}/policies/p.wasm"]
    with pytest.raises(ModuleError, match="not a WebAssembly module"):
        fetch_module(f"http://{host}/junk.wasm", store=store, client=client)
    assert not store.path_for(f"http://{host}/junk.wasm").exists()
    with pytest.raises(RegistryNotFound):
        fetch_module(f"http://{host}/missing.wasm", store=store, client=client)


class _LyingRegistry(http.server.BaseHTTPRequestHandler):
    """Serves a manifest whose layer digest does not match the blob it returns."""

    blob = module(seed=b"actual-bytes")
    claimed = module(seed=b"claimed-bytes")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/v2/":
            self._send(200, b"{}", "application/json")
        elif "/manifests/" in self.path:
            manifest = {
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {
                    "mediaType": "application/vnd.wasm.config.v1+json",
                    "digest": "sha256:" + "0" * 64,
                    "size": 2,
                },
                "layers": [
                    {
                        "mediaType": "application/vnd.wasm.content.layer.v1+wasm",
                        "digest": "sha256:" + hashlib.sha256(self.claimed).hexdigest(),
                        "size": len(self.blob),
                    }
                ],
            }
            self._send(200, json.dumps(manifest).encode(), "application/vnd.oci.image.manifest.v1+json")
        elif "/blobs/" in self.path:
            self._send(200, self.blob, "application/octet-stream")
        else:
            self._send(404, b'{"errors":[{"code":"NAME_UNKNOWN"}]}', "application/json")

    do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_layer_digest_mismatch_is_refused(tmp_path: Path) -> None:
    from oci.fixtures import FAST

    from workbench.core.errors import RegistryError
    from workbench.core.oci.credentials import DockerConfig
    from workbench.core.oci.sources import Sources

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _LyingRegistry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{server.server_address[1]}"
    store = Store(tmp_path / "store")
    client = RegistryClient(
        sources=Sources(insecure_sources=frozenset({host})), docker_config=DockerConfig(), options=FAST
    )
    try:
        with client, pytest.raises(RegistryError, match="corrupt"):
            fetch_module(f"{host}/policies/liar:v1", store=store, client=client)
    finally:
        server.shutdown()
        server.server_close()
    assert not store.path_for(f"{host}/policies/liar:v1").exists()
