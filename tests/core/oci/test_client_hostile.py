"""RegistryClient against a malicious registry on 127.0.0.1 (tests/oci/hostile_registry.py).

Each test names the finding of issue 13 it covers. Every scripted answer is bounded in bytes
and time; every client call here runs under :func:`helpers.timed`.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from core.oci.wasmgen import METADATA, module
from helpers import timed
from oci.hostile_registry import (
    HostileServer,
    Request,
    closed_port,
    digest_of,
    never_answer,
    ok_probe,
    policy_manifest,
    run_cli,
    serve_manifest,
)
from oci.registry import make_self_signed

from workbench.core.errors import (
    RegistryAuthError,
    RegistryError,
    RegistryNotFound,
    RegistryTLSError,
    RegistryUnavailable,
)
from workbench.core.oci.client import RegistryClient, TransportOptions
from workbench.core.oci.credentials import Credentials, DockerConfig
from workbench.core.oci.sources import Sources

pytestmark = pytest.mark.registry

OPTIONS = TransportOptions(connect_timeout=1.0, read_timeout=3.0, retries=1, backoff=0.05)
CREDS = Credentials("alice", "hostile-test-pw", source="test")
BASIC = "Basic " + base64.b64encode(b"alice:hostile-test-pw").decode()
WASM = module(metadata=METADATA, seed=b"hostile")




def _client(
    server: HostileServer,
    *,
    credentials: Credentials | None = None,
    options: TransportOptions = OPTIONS,
    ca: Path | None = None,
) -> RegistryClient:
    if ca is not None:
        sources = Sources.from_dict(
            {"source_authorities": {server.host: [{"type": "Path", "path": str(ca)}]}}
        )
    else:
        sources = Sources(insecure_sources=frozenset({server.host}))
    return RegistryClient(
        sources=sources, docker_config=DockerConfig(), credentials=credentials, options=options
    )


def _policy_routes(server: HostileServer, blob: bytes = WASM) -> None:
    server.add("GET", r"/v2/", ok_probe)
    server.add("GET", r"/v2/p/manifests/.*", serve_manifest(policy_manifest(blob)))


# ------------------------------------------------------------------ finding 2: size limits


def _endless(request: Request, _match: re.Match[str]) -> None:
    request.stream(200)


def test_endless_manifest_is_cut_at_the_limit() -> None:
    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add("GET", r"/v2/p/manifests/.*", _endless)
        with _client(server) as client, timed(10), pytest.raises(RegistryError, match="limit"):
            client.pull(f"{server.host}/p:v1")
        with _client(server) as client, timed(10), pytest.raises(RegistryError, match="limit"):
            client.manifest_bytes(f"{server.host}/p:v1")
    assert server.streamed and max(server.streamed) < 64 * 1024 * 1024


def test_declared_huge_manifest_is_refused_before_reading() -> None:
    def huge(request: Request, _match: re.Match[str]) -> None:
        request.stream(200, content_length=10**12)

    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add("GET", r"/v2/p/manifests/.*", huge)
        with _client(server) as client, timed(10), pytest.raises(RegistryError, match="over the"):
            client.pull(f"{server.host}/p:v1")


def test_endless_probe_body_is_never_read() -> None:
    with HostileServer() as server:
        server.add("GET", r"/v2/", _endless)
        server.add("GET", r"/v2/p/manifests/.*", serve_manifest(policy_manifest(WASM)))
        server.add("GET", r"/v2/p/blobs/.*", lambda r, m: r.send(200, WASM))
        with _client(server) as client, timed(10):
            assert client.pull(f"{server.host}/p:v1") == WASM
        sent = server.wait_streamed()
    assert sent and max(sent) < 64 * 1024 * 1024  # the old client read 2 GiB of it


def test_endless_error_body_is_capped() -> None:
    def endless_404(request: Request, _match: re.Match[str]) -> None:
        request.stream(404, b'{"errors":[' + b" " * 65536)

    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add("*", r"/v2/p/.*", endless_404)
        with _client(server) as client, timed(10), pytest.raises(RegistryNotFound):
            client.pull(f"{server.host}/p:v1")


def test_endless_token_reply_is_capped() -> None:
    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add(
            "GET",
            r"/v2/p/manifests/.*",
            lambda r, m: r.send(401, b"{}", {"WWW-Authenticate": f'Bearer realm="{server.url}/token"'}),
        )
        server.add("GET", r"/token.*", _endless)
        with _client(server) as client, timed(10), pytest.raises(RegistryError, match="limit"):
            client.pull(f"{server.host}/p:v1")


# ------------------------------------------------------------------ finding 6: deadlines


def _trickle(request: Request, _match: re.Match[str]) -> None:
    request.stream(200, b"\0", {"Content-Type": "application/octet-stream"}, interval=0.5, max_bytes=120)


def test_trickled_blob_ends_at_the_deadline_without_retry() -> None:
    options = TransportOptions(
        connect_timeout=1.0, read_timeout=3.0, retries=2, backoff=0.05, blob_deadline=2.0
    )
    with HostileServer() as server:
        _policy_routes(server)
        server.add("GET", r"/v2/p/blobs/.*", _trickle)
        start = time.monotonic()
        with (
            _client(server, options=options) as client,
            timed(5),
            pytest.raises(RegistryUnavailable, match="did not finish within 2 s"),
        ):
            client.pull(f"{server.host}/p:v1")
        assert time.monotonic() - start >= 1.9
        blob_gets = [r for r in server.recorded if "/blobs/" in r.path]
    assert len(blob_gets) == 1  # no retry after a partial body


def test_trickled_manifest_ends_at_the_manifest_deadline() -> None:
    options = TransportOptions(read_timeout=3.0, retries=2, manifest_deadline=1.5)
    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add("GET", r"/v2/p/manifests/.*", _trickle)
        with (
            _client(server, options=options) as client,
            timed(4),
            pytest.raises(RegistryUnavailable, match=r"within 1\.5 s"),
        ):
            client.manifest_bytes(f"{server.host}/p:v1")


def test_a_server_that_never_answers_is_bounded_by_the_deadline() -> None:
    options = TransportOptions(connect_timeout=1.0, read_timeout=30.0, retries=3, manifest_deadline=1.0)
    with HostileServer() as server:
        server.add("GET", r"/v2/", never_answer(8))
        with _client(server, options=options) as client, timed(4), pytest.raises(RegistryUnavailable):
            client.digest(f"{server.host}/p:v1")


def test_closed_port_is_prompt_and_typed() -> None:
    host = f"127.0.0.1:{closed_port()}"
    client = RegistryClient(
        sources=Sources(insecure_sources=frozenset({host})), docker_config=DockerConfig(), options=OPTIONS
    )
    with client, timed(5), pytest.raises(RegistryUnavailable, match="cannot reach"):
        client.head_manifest(f"{host}/p:v1")


# ------------------------------------------------------------------ finding 10: hostile JSON


def test_deeply_nested_manifest_is_a_registry_error() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add("GET", r"/v2/p/manifests/.*", serve_manifest(deep))
        with _client(server) as client, timed(10), pytest.raises(RegistryError, match="nested too deeply"):
            client.pull(f"{server.host}/p:v1")
        with _client(server) as client:  # the raw bytes are still available, bounded
            raw, _media, digest = client.manifest_bytes(f"{server.host}/p:v1")
            assert raw == deep and digest == digest_of(deep)


@pytest.mark.parametrize(
    "reply",
    [b"[1, 2]", b"not json", b'{"token": 5}', b'{"token": "a\\r\\nX-Evil: 1"}', b"[" * 50_000],
)
def test_malformed_token_replies_are_typed(reply: bytes) -> None:
    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add(
            "GET",
            r"/v2/p/manifests/.*",
            lambda r, m: r.send(
                401, b"{}", {"WWW-Authenticate": f'Bearer realm="{server.url}/token",scope="x"'}
            ),
        )
        server.add("GET", r"/token.*", lambda r, m: r.send(200, reply))
        with _client(server) as client, timed(10), pytest.raises(RegistryAuthError, match="token"):
            client.pull(f"{server.host}/p:v1")


def test_a_401_loop_is_bounded() -> None:
    """The registry refuses every token it hands out: one exchange, then a typed error."""
    with HostileServer() as server:
        counter = iter(range(10_000))
        server.add("GET", r"/v2/", ok_probe)
        server.add(
            "*",
            r"/v2/p/.*",
            lambda r, m: r.send(
                401, b"{}", {"WWW-Authenticate": f'Bearer realm="{server.url}/token",scope="s"'}
            ),
        )
        server.add("GET", r"/token.*", lambda r, m: r.send_json(200, {"token": f"t{next(counter)}"}))
        with (
            _client(server, credentials=CREDS) as client,
            timed(10),
            pytest.raises(RegistryAuthError, match="refused the credentials"),
        ):
            client.pull(f"{server.host}/p:v1")
        assert len([r for r in server.recorded if r.path.startswith("/token")]) == 1
        assert len(server.recorded) <= 4


# ------------------------------------------------------------------ finding 5: credentials and origins


def test_push_never_sends_credentials_to_an_upload_host_of_another_origin() -> None:
    with HostileServer() as storage, HostileServer(require_authorization=BASIC) as server:
        storage.add("PUT", r"/upload/.*", lambda r, m: (r.body(), r.send(201))[1])
        server.add("GET", r"/v2/", ok_probe)
        server.add("HEAD", r"/v2/p/blobs/.*", lambda r, m: r.send(404))
        server.add(
            "POST",
            r"/v2/p/blobs/uploads/",
            lambda r, m: r.send(202, b"", {"Location": f"{storage.url}/upload/session?state=1"}),
        )

        def put_manifest(request: Request, _match: re.Match[str]) -> None:
            body = request.body()
            request.send(201, b"", {"Docker-Content-Digest": digest_of(body)})

        server.add("PUT", r"/v2/p/manifests/.*", put_manifest)
        with _client(server, credentials=CREDS) as client, timed(10):
            result = client.push(WASM, f"{server.host}/p:v1")
        assert result.digest.startswith("sha256:")
        uploads = [r for r in storage.recorded if r.method == "PUT"]
        assert len(uploads) == 2  # config and layer went to the storage host ...
        assert all("Authorization" not in r.headers for r in storage.recorded)  # ... without credentials
        assert any(r.headers.get("Authorization") == BASIC for r in server.recorded)


def test_redirect_to_another_origin_drops_the_authorization() -> None:
    with HostileServer() as cdn, HostileServer(require_authorization=BASIC) as server:
        cdn.add("GET", r"/blob", lambda r, m: r.send(200, WASM, {"Content-Type": "application/octet-stream"}))
        _policy_routes(server)
        server.add("GET", r"/v2/p/blobs/.*", lambda r, m: r.send(307, b"", {"Location": f"{cdn.url}/blob"}))
        with _client(server, credentials=CREDS) as client, timed(10):
            assert client.pull(f"{server.host}/p:v1") == WASM
        assert [r.path for r in cdn.recorded] == ["/blob"]
        assert "Authorization" not in cdn.recorded[0].headers
        assert server.recorded[-1].headers.get("Authorization") == BASIC


@pytest.fixture(scope="module")
def tls_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_self_signed(tmp_path_factory.mktemp("hostile-tls"))


def test_https_registry_cannot_send_credentials_to_a_plain_http_realm(tls_pair: tuple[Path, Path]) -> None:
    with HostileServer() as realm, HostileServer(tls=tls_pair) as server:
        realm.add("GET", r"/token.*", lambda r, m: r.send_json(200, {"token": "stolen"}))
        server.add("GET", r"/v2/", ok_probe)
        server.add(
            "GET",
            r"/v2/p/manifests/.*",
            lambda r, m: r.send(
                401, b"{}", {"WWW-Authenticate": f'Bearer realm="{realm.url}/token",service="x"'}
            ),
        )
        with (
            _client(server, credentials=CREDS, ca=tls_pair[0]) as client,
            timed(10),
            pytest.raises(RegistryAuthError, match="plain-HTTP token realm"),
        ):
            client.pull(f"{server.host}/p:v1")
        assert realm.recorded == []  # nothing, not even an anonymous request


def test_https_realm_gets_basic_credentials_and_the_token_is_used(tls_pair: tuple[Path, Path]) -> None:
    """The normal Bearer flow still works: Basic to the HTTPS realm, the token to the registry only."""
    with HostileServer(tls=tls_pair) as server:
        challenge = {
            "WWW-Authenticate": f'Bearer realm="{server.url}/token",service="svc",scope="repository:p:pull"'
        }

        def guarded(handler):  # type: ignore[no-untyped-def]
            def wrapped(request: Request, match: re.Match[str]) -> None:
                if request.headers.get("Authorization") != "Bearer good-token":
                    request.send(401, b"{}", challenge)
                else:
                    handler(request, match)

            return wrapped

        server.add("GET", r"/v2/", ok_probe)
        server.add(
            "GET",
            r"/token\?service=svc&scope=repository%3Ap%3Apull",
            lambda r, m: r.send_json(
                200, {"token": "good-token"} if r.headers.get("Authorization") == BASIC else {"token": "anon"}
            ),
        )
        server.add("GET", r"/v2/p/manifests/.*", guarded(serve_manifest(policy_manifest(WASM))))
        server.add("GET", r"/v2/p/blobs/.*", guarded(lambda r, m: r.send(200, WASM)))
        with _client(server, credentials=CREDS, ca=tls_pair[0]) as client, timed(10):
            assert client.pull(f"{server.host}/p:v1") == WASM
        token_requests = [r for r in server.recorded if r.path.startswith("/token")]
        assert len(token_requests) == 1 and token_requests[0].headers["Authorization"] == BASIC


# ------------------------------------------------------------------ finding 3: planted CA bundle


def _ca_certificate(path: Path) -> Path:
    """A CA certificate with a subject of its own (not the server's ``CN=localhost``)."""
    folder = path.parent / f"{path.stem}-ca"
    folder.mkdir()
    cert, _key = make_self_signed(folder, "legit registry CA", server_names=False)
    path.write_bytes(cert.read_bytes())
    return path


def test_planted_ca_bundle_is_not_trusted(tls_pair: tuple[Path, Path], tmp_path: Path) -> None:
    """A bundle planted at the old /tmp name (trusting the attacker's certificate) changes nothing."""
    import os
    import tempfile

    import certifi

    legit_cert = _ca_certificate(tmp_path / "legit.pem")  # what sources.yaml trusts for the host
    extra = Sources.from_dict(
        {"source_authorities": {"x": [{"type": "Path", "path": str(legit_cert)}]}}
    ).authorities("x")
    bundle = Path(certifi.where()).read_bytes().rstrip(b"\n") + b"\n" + b"".join(extra)
    planted = Path(tempfile.gettempdir()) / (
        f"policy-workbench-ca-{os.getuid()}-{hashlib.sha256(bundle).hexdigest()[:16]}.pem"
    )
    planted.write_bytes(bundle + tls_pair[0].read_bytes())  # plus the attacker's certificate
    try:
        with HostileServer(tls=tls_pair) as server:
            _policy_routes(server)
            server.add("GET", r"/v2/p/blobs/.*", lambda r, m: r.send(200, WASM))
            with _client(server, ca=legit_cert) as client, timed(10), pytest.raises(RegistryTLSError):
                client.pull(f"{server.host}/p:v1")
    finally:
        planted.unlink(missing_ok=True)


# ------------------------------------------------------------------ the new raw building blocks


def test_raw_blocks_against_a_scripted_registry() -> None:
    blob = b"hello blob"
    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add("HEAD", r"/v2/p/manifests/missing", lambda r, m: r.send(404))
        server.add(
            "HEAD",
            r"/v2/p/manifests/v1",
            lambda r, m: r.send(200, b"", {"Docker-Content-Digest": digest_of(b"m")}),
        )
        server.add("GET", r"/v2/p/blobs/(sha256:[0-9a-f]+)", lambda r, m: r.send(200, blob))
        with _client(server) as client, timed(10):
            assert client.head_manifest(f"{server.host}/p:missing") is None
            assert client.head_manifest(f"{server.host}/p:v1") == digest_of(b"m")
            assert client.blob_bytes(f"{server.host}/p", digest_of(blob), max_size=100) == blob
            with pytest.raises(RegistryError, match="limit"):
                client.blob_bytes(f"{server.host}/p", digest_of(blob), max_size=5)
            with pytest.raises(RegistryError, match="corrupt"):
                client.blob_bytes(f"{server.host}/p", digest_of(b"other"), max_size=100)


# ------------------------------------------------------------------ the CLI: peak RSS, error lines


def _cli_env(tmp_path: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV"}}
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        DOCKER_CONFIG=str(tmp_path / "docker"),
        POLICY_WORKBENCH_STORE=str(tmp_path / "store"),
        NO_PROXY="127.0.0.1,localhost",
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def _sources(tmp_path: Path, host: str) -> str:
    path = tmp_path / "sources.yaml"
    path.write_text(f'insecure_sources: ["{host}"]\n')
    return str(path)


def test_cli_pull_of_an_endless_manifest_has_bounded_memory(tmp_path: Path) -> None:
    """Finding 2: the old client read the whole reply (GBs of RSS); now a prompt error line."""
    env = _cli_env(tmp_path)
    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add("GET", r"/v2/p/manifests/.*", _endless)
        run = run_cli(
            ["pull", f"{server.host}/p:v1", "--sources-path", _sources(tmp_path, server.host)], env=env
        )
    print(f"endless manifest: {run.seconds:.2f} s, peak RSS {run.peak_rss_mb:.0f} MB")
    assert run.code == 1, run.stderr
    assert run.stderr.startswith("error: ") and "Traceback" not in run.stderr and "limit" in run.stderr
    assert run.seconds < 15
    assert run.peak_rss_mb < 250


def test_cli_pull_of_a_deep_manifest_is_an_error_line(tmp_path: Path) -> None:
    """Finding 10 (registry part): no RecursionError traceback."""
    deep = b"[" * 100_000 + b"]" * 100_000
    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add("GET", r"/v2/p/manifests/.*", serve_manifest(deep))
        run = run_cli(
            ["pull", f"{server.host}/p:v1", "--sources-path", _sources(tmp_path, server.host)],
            env=_cli_env(tmp_path),
        )
    assert run.code == 1 and run.stderr.startswith("error: ") and "Traceback" not in run.stderr, run.stderr


def _big_blob(size: int) -> tuple[str, list[int]]:
    """Digest of a module-looking blob of ``size`` bytes: ``\\0asm`` header then zeros."""
    sha = hashlib.sha256()
    for part in _blob_parts(size):
        sha.update(part)
    return "sha256:" + sha.hexdigest(), []


def _blob_parts(size: int) -> Iterator[bytes]:
    head = b"\0asm\x01\x00\x00\x00"
    yield head
    left = size - len(head)
    zeros = bytes(1 << 20)
    while left > 0:
        yield zeros[: min(left, len(zeros))]
        left -= min(left, len(zeros))


@pytest.mark.parametrize("to_file", [False, True])
def test_cli_pull_of_a_big_blob_streams_to_disk(tmp_path: Path, to_file: bool) -> None:
    """Finding 18: a 128 MiB blob costs far less than its size in RSS (the old client held it twice)."""
    size = 128 * 1024 * 1024
    digest, _ = _big_blob(size)
    env = _cli_env(tmp_path)
    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add("GET", r"/v2/small/manifests/.*", serve_manifest(policy_manifest(WASM)))
        server.add("GET", r"/v2/small/blobs/.*", lambda r, m: r.send(200, WASM))
        server.add("GET", r"/v2/big/manifests/.*", serve_manifest(policy_manifest((digest, size))))
        server.add("GET", r"/v2/big/blobs/.*", lambda r, m: r.send_iter(200, _blob_parts(size), size))
        sources = _sources(tmp_path, server.host)
        extra = ["-o", str(tmp_path / "out.wasm")] if to_file else []
        small = run_cli(["pull", f"{server.host}/small:v1", "--sources-path", sources, *extra], env=env)
        big = run_cli(["pull", f"{server.host}/big:v1", "--sources-path", sources, *extra], env=env)
    print(
        f"128 MiB blob: {big.seconds:.2f} s, peak RSS {big.peak_rss_mb:.0f} MB (small pull {small.peak_rss_mb:.0f} MB)"
    )
    assert small.code == 0 and big.code == 0, big.stderr
    target = tmp_path / "out.wasm" if to_file else tmp_path / "store" / "registry" / server.host / "big:v1"
    assert target.stat().st_size == size
    assert big.peak_rss_mb - small.peak_rss_mb < 40


def test_cli_never_echoes_a_url_password(tmp_path: Path) -> None:
    """Finding 20: ``http://user:pass@host/...`` — the password appears in no message."""
    env = _cli_env(tmp_path)
    port = closed_port()
    with HostileServer() as server:
        server.add("GET", r"/missing\.wasm", lambda r, m: r.send(404, b"nope"))
        server.add("GET", r"/junk\.wasm", lambda r, m: r.send(200, b"<html>"))
        for url in (
            f"http://alice:pa55word-secret@127.0.0.1:{port}/x.wasm",
            f"http://alice:pa55word-secret@{server.host}/missing.wasm",
            f"http://alice:pa55word-secret@{server.host}/junk.wasm",
            f"http://alice:pa55word-secret@{server.host}:99999/x.wasm",
            "registry://alice:pa55word-secret@127.0.0.1/x:v1",
        ):
            run = run_cli(["pull", url], env=env)
            assert run.code == 1 and run.stderr.startswith("error: "), run.stderr
            assert "pa55word-secret" not in run.stderr, run.stderr


def test_http_query_is_part_of_the_store_key(tmp_path: Path) -> None:
    """Finding 20: ``x.wasm?v=2`` is fetched even when ``x.wasm?v=1`` is stored."""
    from workbench.core.oci.fetch import fetch_module
    from workbench.core.oci.store import Store

    first, second = module(seed=b"v1"), module(seed=b"v2")
    with HostileServer() as server:
        server.add("GET", r"/x\.wasm\?v=1", lambda r, m: r.send(200, first))
        server.add("GET", r"/x\.wasm\?v=2", lambda r, m: r.send(200, second))
        server.add("GET", r"/x\.wasm", lambda r, m: r.send(200, WASM))
        store = Store(tmp_path / "store")
        with _client(server) as client:
            one = fetch_module(f"http://{server.host}/x.wasm?v=1", store=store, client=client)
            two = fetch_module(f"http://{server.host}/x.wasm?v=2", store=store, client=client)
            plain = fetch_module(f"http://{server.host}/x.wasm", store=store, client=client)
    assert (one.read_bytes(), two.read_bytes(), plain.read_bytes()) == (first, second, WASM)
    assert plain == tmp_path / "store" / "http" / server.host / "x.wasm"  # kwctl's key without a query
    assert sorted(p.uri for p in store.list_policies()) == [
        f"http://{server.host}/x.wasm",
        f"http://{server.host}/x.wasm?v=1",
        f"http://{server.host}/x.wasm?v=2",
    ]


def test_an_upload_whose_answer_is_lost_is_not_sent_again() -> None:
    """Retries are for requests that never left (and for GET/HEAD); a lost upload answer is an error."""

    def hang_up(request: Request, _match: re.Match[str]) -> None:
        request.body()
        request.close_connection = True  # no answer at all

    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add("PUT", r"/v2/p/manifests/.*", hang_up)
        options = TransportOptions(connect_timeout=1.0, read_timeout=3.0, retries=3, backoff=0.01)
        with _client(server, options=options) as client, timed(10), pytest.raises(RegistryUnavailable):
            client.put_manifest(f"{server.host}/p:v1", b"{}", "application/vnd.oci.image.manifest.v1+json")
        assert len([r for r in server.recorded if r.method == "PUT"]) == 1


def test_tag_pages_are_followed_on_the_same_origin_only_and_bounded() -> None:
    with HostileServer() as other, HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add(
            "GET",
            r"/v2/p/tags/list",
            lambda r, m: r.send_json(
                200, {"tags": ["a", "b"]}, {"Link": '</v2/p/tags/list?last=b&n=2>; rel="next"'}
            ),
        )
        server.add("GET", r"/v2/p/tags/list\?last=b&n=2", lambda r, m: r.send_json(200, {"tags": ["c"]}))
        server.add(
            "GET",
            r"/v2/q/tags/list",
            lambda r, m: r.send_json(
                200, {"tags": []}, {"Link": f'<{other.url}/v2/q/tags/list?x=1>; rel="next"'}
            ),
        )
        server.add(
            "GET",
            r"/v2/loop/tags/list.*",
            lambda r, m: r.send_json(
                200, {"tags": ["t"]}, {"Link": '</v2/loop/tags/list?again=1>; rel="next"'}
            ),
        )
        server.add("GET", r"/v2/bad/tags/list", lambda r, m: r.send_json(200, {"tags": [1, {"x": 2}]}))
        with _client(server) as client, timed(20):
            assert client.tags(f"{server.host}/p:v1") == ["a", "b", "c"]
            with pytest.raises(RegistryError, match="another origin"):
                client.tags(f"{server.host}/q:v1")
            with pytest.raises(RegistryError, match="more than 100 tag pages"):
                client.tags(f"{server.host}/loop:v1")
            with pytest.raises(RegistryError, match="malformed tag list"):
                client.tags(f"{server.host}/bad:v1")
        assert other.recorded == []
