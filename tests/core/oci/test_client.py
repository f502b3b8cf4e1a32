"""RegistryClient against a real registry (Debian's docker-registry on 127.0.0.1)."""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import json
import socket
import threading
from pathlib import Path

import pytest
import requests
from core.oci.wasmgen import METADATA, module
from helpers import timed
from oci.fixtures import FAST, make_client
from oci.registry import Registry, free_port

from workbench.core.engines.base import CancelToken
from workbench.core.errors import (
    InputError,
    ModuleError,
    OperationCancelled,
    RegistryAuthError,
    RegistryNotFound,
    RegistryTLSError,
    RegistryUnavailable,
)
from workbench.core.oci.artifact import CONFIG_MEDIA_TYPE, LAYER_MEDIA_TYPE, MANIFEST_MEDIA_TYPE
from workbench.core.oci.client import RegistryClient, TransportOptions
from workbench.core.oci.credentials import Credentials, DockerConfig
from workbench.core.oci.sources import Sources, load_sources

pytestmark = pytest.mark.registry

ANNOTATED = module(metadata=METADATA, seed=b"client-tests")
MB10 = 10 * 1024 * 1024




# ------------------------------------------------------------------ round trips


@pytest.mark.parametrize("variant", ["plain", "auth", "tls"])
def test_push_then_pull_is_byte_identical(variant: str, request: pytest.FixtureRequest) -> None:
    client: RegistryClient = request.getfixturevalue(f"{variant}_client")
    registry: Registry = request.getfixturevalue(f"{variant}_registry")
    ref = registry.ref("policies/roundtrip", "v0.1.0")
    result = client.push(ANNOTATED, ref)
    assert result.immutable_ref == f"{registry.host}/policies/roundtrip@{result.digest}"
    assert client.pull(ref) == ANNOTATED
    assert client.pull(result.immutable_ref) == ANNOTATED
    assert client.digest(ref) == result.digest


def test_manifest_and_media_types_raw_over_http(
    plain_client: RegistryClient, plain_registry: Registry
) -> None:
    result = plain_client.push(ANNOTATED, plain_registry.ref("policies/raw", "v1"))
    http = plain_registry.http()
    response = http.get(
        f"{plain_registry.url}/v2/policies/raw/manifests/v1",
        headers={"Accept": MANIFEST_MEDIA_TYPE},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == MANIFEST_MEDIA_TYPE
    assert response.headers["Docker-Content-Digest"] == result.digest
    assert "sha256:" + hashlib.sha256(response.content).hexdigest() == result.digest
    manifest = response.json()
    assert manifest["schemaVersion"] == 2
    assert manifest["mediaType"] == MANIFEST_MEDIA_TYPE
    assert manifest["config"]["mediaType"] == CONFIG_MEDIA_TYPE
    assert [layer["mediaType"] for layer in manifest["layers"]] == [LAYER_MEDIA_TYPE]
    assert "annotations" not in manifest["layers"][0]  # kwctl adds no layer title
    config = http.get(f"{plain_registry.url}/v2/policies/raw/blobs/{manifest['config']['digest']}", timeout=5)
    assert config.content == b"{}"
    layer = http.get(
        f"{plain_registry.url}/v2/policies/raw/blobs/{manifest['layers'][0]['digest']}", timeout=5
    )
    assert layer.content == ANNOTATED
    # annotations per docs/kubewarden-compat.md §14
    annotations = manifest["annotations"]
    assert annotations["io.kubewarden.policy.title"] == "tiny"
    assert annotations["io.kubewarden.policy.description"] == "padded"
    assert annotations["org.opencontainers.image.source"] == "https://example.com/tiny"
    assert "io.kubewarden.policy.usage" not in annotations
    assert plain_client.manifest(plain_registry.ref("policies/raw", "v1")) == manifest


def test_tags_and_digests(plain_client: RegistryClient, plain_registry: Registry) -> None:
    first = plain_client.push(ANNOTATED, plain_registry.ref("policies/tags", "v1"))
    again = plain_client.push(ANNOTATED, plain_registry.ref("policies/tags", "v2"))
    assert first.digest == again.digest  # same manifest bytes
    other_module = module(metadata=METADATA, seed=b"another")
    other = plain_client.push(other_module, f"{plain_registry.host}/policies/tags")  # no tag: latest
    assert other.digest != first.digest
    assert sorted(plain_client.tags(plain_registry.ref("policies/tags"))) == ["latest", "v1", "v2"]
    assert plain_client.digest(f"registry://{plain_registry.host}/policies/tags:latest") == other.digest
    assert plain_client.pull(f"{plain_registry.host}/policies/tags@{first.digest}") == ANNOTATED
    assert plain_client.pull(f"{plain_registry.host}/policies/tags") == other_module
    # re-tag: v1 moves to the other module
    plain_client.push(other_module, plain_registry.ref("policies/tags", "v1"))
    assert plain_client.digest(plain_registry.ref("policies/tags", "v1")) == other.digest


def test_push_guards(plain_client: RegistryClient, plain_registry: Registry, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--force"):
        plain_client.push(module(seed=b"bare"), plain_registry.ref("policies/bare"))
    forced = plain_client.push(module(seed=b"bare"), plain_registry.ref("policies/bare"), force=True)
    assert "annotations" not in plain_client.manifest(forced.immutable_ref)
    with pytest.raises(InputError, match="Rego"):
        plain_client.push(module(rego=True), plain_registry.ref("policies/rego"), force=True)
    with pytest.raises(ModuleError):
        plain_client.push(b"not wasm", plain_registry.ref("policies/junk"), force=True)
    path = tmp_path / "p.wasm"
    path.write_bytes(ANNOTATED)
    assert plain_client.push(path, plain_registry.ref("policies/from-path")).digest  # a path works too


def test_pull_refuses_non_wasm_layers(plain_client: RegistryClient, plain_registry: Registry) -> None:
    """A manifest with the right media type but a non-Wasm blob: error, nothing returned."""
    http = plain_registry.http()
    blob = b"#!/bin/sh\necho not wasm\n"
    digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    start = http.post(f"{plain_registry.url}/v2/policies/fake/blobs/uploads/", timeout=5)
    location = start.headers["Location"]
    location = location if location.startswith("http") else plain_registry.url + location
    sep = "&" if "?" in location else "?"
    assert http.put(f"{location}{sep}digest={digest}", data=blob, timeout=5).status_code == 201
    config_digest = "sha256:" + hashlib.sha256(b"{}").hexdigest()
    start = http.post(f"{plain_registry.url}/v2/policies/fake/blobs/uploads/", timeout=5)
    location = start.headers["Location"]
    location = location if location.startswith("http") else plain_registry.url + location
    sep = "&" if "?" in location else "?"
    http.put(f"{location}{sep}digest={config_digest}", data=b"{}", timeout=5)
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "config": {"mediaType": CONFIG_MEDIA_TYPE, "digest": config_digest, "size": 2},
        "layers": [{"mediaType": LAYER_MEDIA_TYPE, "digest": digest, "size": len(blob)}],
    }
    put = http.put(
        f"{plain_registry.url}/v2/policies/fake/manifests/v1",
        data=json.dumps(manifest),
        headers={"Content-Type": MANIFEST_MEDIA_TYPE},
        timeout=5,
    )
    assert put.status_code == 201
    with pytest.raises(ModuleError, match=r"\\0asm"):
        plain_client.pull(plain_registry.ref("policies/fake", "v1"))
    # a manifest without the wasm layer type
    manifest["layers"][0]["mediaType"] = "application/vnd.oci.image.layer.v1.tar"
    http.put(
        f"{plain_registry.url}/v2/policies/fake/manifests/v2",
        data=json.dumps(manifest),
        headers={"Content-Type": MANIFEST_MEDIA_TYPE},
        timeout=5,
    )
    with pytest.raises(Exception, match="not a Kubewarden policy"):
        plain_client.pull(plain_registry.ref("policies/fake", "v2"))


# ------------------------------------------------------------------ typed errors, fast


def test_wrong_password(auth_registry: Registry, tmp_path: Path) -> None:
    secret = "definitely-wrong-password"
    client = make_client(auth_registry, tmp_path, credentials=Credentials("alice", secret, "test"))
    with client, timed(5), pytest.raises(RegistryAuthError) as info:
        client.push(ANNOTATED, auth_registry.ref("policies/denied"))
    message = str(info.value)
    assert secret not in message
    assert "alice" in message and "password" in message


def test_no_credentials_on_an_auth_registry(
    auth_registry: Registry, auth_client: RegistryClient, tmp_path: Path
) -> None:
    auth_client.push(ANNOTATED, auth_registry.ref("policies/private"))
    anonymous = make_client(auth_registry, tmp_path)
    with anonymous, timed(5), pytest.raises(RegistryAuthError, match="requires authentication"):
        anonymous.pull(auth_registry.ref("policies/private"))


def test_credentials_from_docker_config(auth_registry: Registry, tmp_path: Path) -> None:
    import base64

    from workbench.core.oci.credentials import load_docker_config
    from workbench.core.oci.sources import load_sources

    token = base64.b64encode(f"{auth_registry.username}:{auth_registry.password}".encode()).decode()
    (tmp_path / "config.json").write_text(json.dumps({"auths": {auth_registry.host: {"auth": token}}}))
    client = RegistryClient(
        sources=load_sources(auth_registry.sources_yaml(tmp_path)),
        docker_config=load_docker_config(tmp_path),
        options=FAST,
    )
    with client:
        result = client.push(ANNOTATED, auth_registry.ref("policies/docker-config"))
        assert client.pull(result.immutable_ref) == ANNOTATED


def test_missing_repository_and_unknown_tag(plain_client: RegistryClient, plain_registry: Registry) -> None:
    with timed(5), pytest.raises(RegistryNotFound, match="repository not found"):
        plain_client.pull(plain_registry.ref("policies/never-pushed"))
    plain_client.push(ANNOTATED, plain_registry.ref("policies/known", "v1"))
    with timed(5), pytest.raises(RegistryNotFound, match="not found"):
        plain_client.pull(plain_registry.ref("policies/known", "v9"))
    with timed(5), pytest.raises(RegistryNotFound):
        plain_client.digest(plain_registry.ref("policies/known", "v9"))


def test_tls_without_the_ca(tls_registry: Registry) -> None:
    client = RegistryClient(sources=Sources(), docker_config=DockerConfig(), options=FAST)
    with client, timed(5), pytest.raises(RegistryTLSError) as info:
        client.pull(tls_registry.ref("policies/x"))
    assert "source_authorities" in str(info.value)


def test_tls_insecure_source_falls_back_to_unverified(
    tls_registry: Registry, tls_client: RegistryClient
) -> None:
    tls_client.push(ANNOTATED, tls_registry.ref("policies/insecure", "v1"))
    client = RegistryClient(
        sources=Sources(insecure_sources=frozenset({tls_registry.host})),
        docker_config=DockerConfig(),
        options=FAST,
    )
    with client:
        assert client.pull(tls_registry.ref("policies/insecure", "v1")) == ANNOTATED


def test_plain_http_needs_insecure_sources(plain_registry: Registry) -> None:
    client = RegistryClient(sources=Sources(), docker_config=DockerConfig(), options=FAST)
    with client, timed(5), pytest.raises(RegistryTLSError, match="insecure_sources"):
        client.pull(plain_registry.ref("policies/x"))


@pytest.mark.parametrize("insecure", [False, True])
def test_registry_down(insecure: bool) -> None:
    port = free_port()  # nothing listens there
    host = f"127.0.0.1:{port}"
    sources = Sources(insecure_sources=frozenset({host}) if insecure else frozenset())
    client = RegistryClient(sources=sources, docker_config=DockerConfig(), options=FAST)
    with client, timed(5), pytest.raises(RegistryUnavailable) as info:
        client.pull(f"{host}/policies/x:v1")
    assert host in str(info.value) or "127.0.0.1" in str(info.value)


def test_registry_that_never_answers_times_out() -> None:
    """A listening socket that never replies: the read timeout bounds the wait."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    host = f"127.0.0.1:{server.getsockname()[1]}"
    options = TransportOptions(connect_timeout=1.0, read_timeout=0.5, retries=1, backoff=0.05)
    client = RegistryClient(sources=Sources(), docker_config=DockerConfig(), options=options)
    try:
        with client, timed(5), pytest.raises(RegistryUnavailable, match="did not answer in time"):
            client.pull(f"{host}/policies/x:v1")
    finally:
        server.close()


# ------------------------------------------------------------------ progress, cancel, concurrency


def _big_module() -> bytes:
    return module(metadata=METADATA, padding=MB10)


def test_big_push_and_pull_progress(plain_client: RegistryClient, plain_registry: Registry) -> None:
    data = _big_module()
    assert len(data) > MB10
    pushed: list[tuple[int, int]] = []
    result = plain_client.push(
        data, plain_registry.ref("policies/big", "v1"), progress=lambda d, t: pushed.append((d, t))
    )
    assert len(pushed) > 10
    assert all(total == len(data) for _done, total in pushed)
    dones = [done for done, _ in pushed]
    assert dones == sorted(dones) and len(set(dones)) == len(dones)
    assert dones[-1] == len(data)
    pulled: list[tuple[int, int]] = []
    assert plain_client.pull(result.immutable_ref, progress=lambda d, t: pulled.append((d, t))) == data
    dones = [done for done, _ in pulled]
    assert dones == sorted(dones) and dones[-1] == len(data) and len(dones) > 10
    # pushing again: the blob exists, progress jumps straight to the total
    again: list[tuple[int, int]] = []
    plain_client.push(
        data, plain_registry.ref("policies/big", "v2"), progress=lambda d, t: again.append((d, t))
    )
    assert again == [(len(data), len(data))]


def test_cancel_push_mid_transfer(plain_client: RegistryClient, plain_registry: Registry) -> None:
    data = module(metadata=METADATA, padding=MB10, seed=b"cancel-push")
    token = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done > total // 4:
            token.cancel()

    with timed(5), pytest.raises(OperationCancelled):
        plain_client.push(
            data, plain_registry.ref("policies/cancelled", "v1"), progress=progress, cancel=token
        )
    assert seen and seen[-1] < len(data)
    # nothing was tagged, and the client is still usable afterwards
    with pytest.raises(RegistryNotFound):
        plain_client.digest(plain_registry.ref("policies/cancelled", "v1"))
    assert plain_client.push(ANNOTATED, plain_registry.ref("policies/after-cancel")).digest


def test_cancel_pull_mid_transfer(plain_client: RegistryClient, plain_registry: Registry) -> None:
    data = module(metadata=METADATA, padding=MB10, seed=b"cancel-pull")
    ref = plain_client.push(data, plain_registry.ref("policies/cancel-pull", "v1")).immutable_ref
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        if done > total // 4:
            token.cancel()

    with timed(5), pytest.raises(OperationCancelled):
        plain_client.pull(ref, progress=progress, cancel=token)
    token_before = CancelToken()
    token_before.cancel()
    with pytest.raises(OperationCancelled):
        plain_client.pull(ref, cancel=token_before)
    assert plain_client.pull(ref) == data


def test_concurrent_pulls(plain_registry: Registry, tmp_path: Path) -> None:
    data = module(metadata=METADATA, padding=512 * 1024, seed=b"concurrent")
    with make_client(plain_registry, tmp_path) as client:
        ref = client.push(data, plain_registry.ref("policies/concurrent", "v1")).immutable_ref
    results: list[bytes] = []
    errors: list[BaseException] = []

    sources = load_sources(plain_registry.sources_yaml(tmp_path))  # written once, read by all

    def worker() -> None:
        try:
            with RegistryClient(
                sources=sources, docker_config=DockerConfig(), options=FAST
            ) as own:  # one per worker
                for _ in range(3):
                    results.append(own.pull(ref))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert len(results) == 12 and all(r == data for r in results)


def test_shared_client_is_serialised(plain_client: RegistryClient, plain_registry: Registry) -> None:
    ref = plain_client.push(ANNOTATED, plain_registry.ref("policies/shared", "v1")).immutable_ref
    out: list[bytes] = []
    threads = [threading.Thread(target=lambda: out.append(plain_client.pull(ref))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert out == [ANNOTATED] * 4


def test_raw_registry_is_reachable_without_product_code(plain_registry: Registry) -> None:
    assert requests.get(f"{plain_registry.url}/v2/", timeout=5).status_code == 200


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers 503 to everything and counts requests."""

    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        body = b'{"errors":[{"code":"UNAVAILABLE","message":"maintenance"}]}'
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_server_errors_are_retried_a_bounded_number_of_times(tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{server.server_address[1]}"
    options = TransportOptions(connect_timeout=1.0, read_timeout=2.0, retries=2, backoff=0.05)
    client = RegistryClient(
        sources=Sources(insecure_sources=frozenset({host})), docker_config=DockerConfig(), options=options
    )
    try:
        with client, timed(5), pytest.raises(RegistryUnavailable, match="HTTP 503"):
            client.pull(f"{host}/policies/x:v1")
    finally:
        server.shutdown()
        server.server_close()
    # the /v2/ probe (503 still counts as an answer) and the manifest GET: 1 + retries attempts each
    assert _Flaky.hits == 2 * (options.retries + 1)


# ------------------------------------------------------------------ chunked uploads, raw building blocks


@pytest.mark.parametrize("variant", ["plain", "auth", "tls"])
def test_chunked_upload_round_trip(variant: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    registry: Registry = request.getfixturevalue(f"{variant}_registry")
    creds = (
        Credentials(registry.username or "", registry.password or "", source="test")
        if registry.username
        else None
    )
    sources = load_sources(registry.sources_yaml(tmp_path))
    options = dataclasses.replace(FAST, upload_chunk_size=256 * 1024)
    data = module(metadata=METADATA, padding=1024 * 1024 + 17, seed=f"chunked-{variant}".encode())
    seen: list[int] = []
    with RegistryClient(
        sources=sources, docker_config=DockerConfig(), credentials=creds, options=options
    ) as client:
        result = client.push(
            data, registry.ref("policies/chunked", "v1"), progress=lambda d, t: seen.append(d)
        )
        assert client.pull(result.immutable_ref) == data
    assert seen == sorted(seen) and seen[-1] == len(data)


def test_raw_building_blocks_on_a_real_registry(
    plain_client: RegistryClient, plain_registry: Registry
) -> None:
    """What signatures are built on: blobs and manifests of any media type, by tag or digest."""
    ref = plain_registry.ref("policies/raw-blocks", "v1")
    assert plain_client.head_manifest(ref) is None
    blob = b'{"critical": {"identity": {}}}'
    blob_digest = plain_client.put_blob(ref, blob)
    assert blob_digest == "sha256:" + hashlib.sha256(blob).hexdigest()
    assert plain_client.put_blob(ref, blob) == blob_digest  # exists: skipped
    assert plain_client.blob_bytes(ref, blob_digest, max_size=1024) == blob
    config_digest = plain_client.put_blob(ref, b"{}")
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": MANIFEST_MEDIA_TYPE,
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": config_digest,
                "size": 2,
            },
            "layers": [
                {
                    "mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                    "digest": blob_digest,
                    "size": len(blob),
                }
            ],
        },
        separators=(",", ":"),
    ).encode()
    digest = plain_client.put_manifest(ref, manifest, MANIFEST_MEDIA_TYPE)
    assert digest == "sha256:" + hashlib.sha256(manifest).hexdigest()
    assert plain_client.head_manifest(ref) == digest
    raw, media_type, got = plain_client.manifest_bytes(ref, accept=MANIFEST_MEDIA_TYPE)
    assert (raw, media_type, got) == (manifest, MANIFEST_MEDIA_TYPE, digest)
    by_digest = f"{plain_registry.host}/policies/raw-blocks@{digest}"
    assert plain_client.manifest_bytes(by_digest)[0] == manifest
    assert plain_client.head_manifest(f"{plain_registry.host}/policies/raw-blocks:nope") is None
    with pytest.raises(RegistryNotFound):
        plain_client.manifest_bytes(f"{plain_registry.host}/policies/raw-blocks:nope")
    with pytest.raises(InputError):
        plain_client.put_manifest(
            f"{plain_registry.host}/policies/raw-blocks@sha256:{'0' * 64}", manifest, "x/y"
        )
