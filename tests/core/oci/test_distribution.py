"""The distribution layer's parsers and small parts (challenges, origins, deadlines, redaction)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oci.hostile_registry import HostileServer, Request, ok_probe

from workbench.core.engines.base import CancelToken
from workbench.core.errors import OperationCancelled, RegistryError, RegistryUnavailable
from workbench.core.oci.distribution import (
    MAX_REDIRECTS,
    Deadline,
    Endpoint,
    Origin,
    TransportOptions,
    origin_of,
    parse_challenge,
    read_capped,
)
from workbench.core.oci.reference import redact

# ------------------------------------------------------------------ WWW-Authenticate


@pytest.mark.parametrize(
    ("header", "scheme", "params"),
    [
        (
            'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
            'scope="repository:library/busybox:pull"',
            "bearer",
            {
                "realm": "https://auth.docker.io/token",
                "service": "registry.docker.io",
                "scope": "repository:library/busybox:pull",
            },
        ),
        ('Basic realm="Registry Realm"', "basic", {"realm": "Registry Realm"}),
        ("basic", "basic", {}),
        ('BEARER Realm = "x" , Service=y', "bearer", {"realm": "x", "service": "y"}),
        ('Bearer realm="a\\"b"', "bearer", {"realm": 'a"b'}),
        ('Bearer realm="first",realm="second"', "bearer", {"realm": "first"}),
        ('Bearer realm="x", Basic realm="y"', "bearer", {"realm": "x"}),  # a second challenge is ignored
        ('Bearer scope="repository:a:pull,push"', "bearer", {"scope": "repository:a:pull,push"}),
    ],
)
def test_parse_challenge(header: str, scheme: str, params: dict[str, str]) -> None:
    challenge = parse_challenge(header)
    assert challenge is not None
    assert challenge.scheme == scheme
    assert dict(challenge.params) == params


@pytest.mark.parametrize("header", ["", "   ", '"quoted"', "=x", "Bearer " + "x" * 10_000])
def test_parse_challenge_refuses_garbage(header: str) -> None:
    challenge = parse_challenge(header)
    assert challenge is None or challenge.params == {}


_token = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,10}", fullmatch=True)
_value = st.text(st.characters(codec="ascii", exclude_characters="\r\n\0"), max_size=40)


@settings(max_examples=200, deadline=None)
@given(scheme=_token, params=st.dictionaries(_token, _value, max_size=5))
def test_parse_challenge_roundtrip(scheme: str, params: dict[str, str]) -> None:
    quoted = ", ".join(
        f'{k}="' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for k, v in params.items()
    )
    challenge = parse_challenge(f"{scheme} {quoted}".strip())
    assert challenge is not None and challenge.scheme == scheme.lower()
    expected: dict[str, str] = {}
    for key, value in params.items():
        expected.setdefault(key.lower(), value)
    assert dict(challenge.params) == expected


@given(st.text(max_size=300))
def test_parse_challenge_never_raises(header: str) -> None:
    parse_challenge(header)


# ------------------------------------------------------------------ origins and redaction


def test_origin_of() -> None:
    assert origin_of("https://Example.com/v2/") == Origin("https", "example.com", 443)
    assert origin_of("http://example.com:80/x") == origin_of("http://example.com/y")
    assert origin_of("https://example.com:8443/") != origin_of("https://example.com/")
    assert origin_of("http://example.com/") != origin_of("https://example.com/")
    for bad in ("ftp://x/", "/relative", "https:///nohost"):
        with pytest.raises(ValueError):
            origin_of(bad)


@given(
    user=st.from_regex(r"[A-Za-z0-9._%-]{1,12}", fullmatch=True),
    password=st.from_regex(r"[A-Za-z0-9._%!$&'()*+,;=-]{1,16}", fullmatch=True),
    host=st.from_regex(r"[a-z]{1,8}(\.[a-z]{2,3})?(:[0-9]{1,5})?", fullmatch=True),
    prefix=st.text(st.characters(codec="ascii", exclude_characters="@/:"), max_size=20),
)
def test_redact_removes_userinfo(user: str, password: str, host: str, prefix: str) -> None:
    text = f"{prefix} cannot fetch https://{user}:{password}@{host}/p/x.wasm?v=1 (boom)"
    shown = redact(text)
    assert f"{user}:{password}@" not in shown
    assert f"https://***@{host}/p/x.wasm?v=1" in shown


def test_redact_leaves_plain_text_alone() -> None:
    text = "registry://ghcr.io/org/p@sha256:" + "a" * 64 + " mail me@example.com"
    assert redact(text) == text


# ------------------------------------------------------------------ deadlines


def test_deadline_checks_cancel_and_time() -> None:
    token = CancelToken()
    deadline = Deadline(0.3, "thing", token)
    deadline.check()
    options = TransportOptions(connect_timeout=5, read_timeout=30)
    connect, read = deadline.timeout(options)
    assert connect <= 0.3 and read <= 0.3
    token.cancel()
    with pytest.raises(OperationCancelled):
        deadline.check()
    late = Deadline(0.05, "late thing")
    time.sleep(0.06)
    with pytest.raises(RegistryUnavailable, match=r"late thing did not finish within 0\.05 s"):
        late.check()
    start = time.monotonic()
    with pytest.raises(RegistryUnavailable):
        Deadline(0.1, "sleepy").sleep(5)
    assert time.monotonic() - start < 1


# ------------------------------------------------------------------ redirects and bodies


def _endpoint(server: HostileServer) -> Endpoint:
    return Endpoint(
        server.host,
        scheme="http",
        context=None,
        credentials=None,
        options=TransportOptions(connect_timeout=1, read_timeout=2, retries=0),
        registry_name=server.host,
    )


def test_redirect_loops_are_bounded() -> None:
    with HostileServer() as server:
        server.add("GET", r"/loop", lambda r, m: r.send(302, b"", {"Location": "/loop"}))
        endpoint = _endpoint(server)
        with pytest.raises(RegistryError, match="redirected more than"):
            endpoint.request("GET", server.url + "/loop", Deadline(5, "loop"))
        endpoint.close()
    assert len(server.recorded) == MAX_REDIRECTS + 1


def test_chunked_bodies_are_read_and_capped() -> None:
    def chunked(request: Request, _match: object) -> None:
        request.send_response(200)
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        for _ in range(3):
            request.wfile.write(b"5\r\nhello\r\n")
        request.wfile.write(b"0\r\n\r\n")

    with HostileServer() as server:
        server.add("GET", r"/v2/", ok_probe)
        server.add("GET", r"/chunked", chunked)
        endpoint = _endpoint(server)
        response = endpoint.request("GET", server.url + "/chunked", Deadline(5, "chunked"))
        assert (
            read_capped(response, Deadline(5, "x"), endpoint.options, limit=100, what="body") == b"hello" * 3
        )
        response = endpoint.request("GET", server.url + "/chunked", Deadline(5, "chunked"))
        with pytest.raises(RegistryError, match="limit"):
            read_capped(response, Deadline(5, "x"), endpoint.options, limit=12, what="body")
        endpoint.close()


def test_content_encoding_is_refused() -> None:
    with HostileServer() as server:
        server.add(
            "GET", r"/gz", lambda r, m: r.send(200, b"\x1f\x8b" + b"\0" * 20, {"Content-Encoding": "gzip"})
        )
        endpoint = _endpoint(server)
        response = endpoint.request("GET", server.url + "/gz", Deadline(5, "gz"))
        with pytest.raises(RegistryError, match="Content-Encoding"):
            read_capped(response, Deadline(5, "x"), endpoint.options, limit=100, what="body")
        assert server.recorded[0].headers.get("Accept-Encoding") == "identity"
        endpoint.close()


# ------------------------------------------------------------------ redirects and Authorization


@pytest.mark.parametrize(
    ("old", "new", "stripped"),
    [
        ("https://r.example.com/v2/x", "https://cdn.example.net/blob", True),  # another host
        ("https://r.example.com/v2/x", "https://r.example.com:8443/blob", True),  # another port
        ("http://r.example.com/v2/x", "https://r.example.com/blob", False),  # upgrade, default ports
        ("https://r.example.com/v2/x", "http://r.example.com/blob", True),  # downgrade
        ("https://r.example.com/v2/x", "https://r.example.com/other", False),  # same origin
    ],
)
def test_what_requests_does_by_default(old: str, new: str, stripped: bool) -> None:
    """requests' own rule (Session.should_strip_auth), which our hand-followed redirects tighten:
    we also drop the header on the http->https upgrade (another origin) and refuse downgrades."""
    import requests

    assert requests.Session().should_strip_auth(old, new) is stripped
    assert (origin_of(old) != origin_of(new)) is (stripped or old.startswith("http:"))


def test_https_to_http_redirect_is_refused(tmp_path_factory: pytest.TempPathFactory) -> None:
    from oci.registry import make_self_signed

    from workbench.core.oci.sources import Sources

    cert, key = make_self_signed(tmp_path_factory.mktemp("redirect-tls"))
    with HostileServer() as plain, HostileServer(tls=(cert, key)) as server:
        plain.add("GET", r"/blob", lambda r, m: r.send(200, b"x"))
        server.add("GET", r"/v2/p/blobs/.*", lambda r, m: r.send(302, b"", {"Location": f"{plain.url}/blob"}))
        sources = Sources.from_dict(
            {"source_authorities": {server.host: [{"type": "Path", "path": str(cert)}]}}
        )
        endpoint = Endpoint(
            server.host,
            scheme="https",
            context=sources.ssl_context(server.host),
            credentials=None,
            options=TransportOptions(connect_timeout=1, read_timeout=2, retries=0),
            registry_name=server.host,
        )
        endpoint.authorization = "Bearer secret-token"
        with pytest.raises(RegistryError, match="from HTTPS to plain HTTP"):
            endpoint.request("GET", server.url + "/v2/p/blobs/sha256:" + "0" * 64, Deadline(5, "blob"))
        endpoint.close()
        assert plain.recorded == []
        assert server.recorded[0].headers["Authorization"] == "Bearer secret-token"
