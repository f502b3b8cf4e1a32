"""http.send against a real HTTP server on 127.0.0.1 started by the test."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext, BuiltinOptions
from workbench.core.engines.opa.builtins._values import loads
from workbench.core.engines.opa.builtins.http import http_send
from workbench.core.errors import BuiltinError


class _Handler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return

    def _reply(
        self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Multi", "one")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            return

    def _handle(self) -> None:
        type(self).hits.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length).decode() if length else ""
        if self.path == "/json":
            self._reply(200, b'{"a": [1, 2.5], "b": null}', "application/json; charset=utf-8")
        elif self.path == "/yaml":
            self._reply(200, b"a: 1\nb: [x, yes]\n", "application/x-yaml; charset=utf-8")
        elif self.path == "/text":
            self._reply(200, b'{"not": "decoded"}', "text/plain")
        elif self.path == "/echo":
            echo = {
                "method": self.command,
                "body": payload,
                "header": self.headers.get("X-Test", ""),
                "agent": self.headers.get("User-Agent", ""),
                "type": self.headers.get("Content-Type", ""),
            }
            self._reply(201, json.dumps(echo).encode(), "application/json")
        elif self.path == "/redirect":
            self._reply(302, b"", "text/plain", {"Location": "/json"})
        elif self.path == "/slow":
            time.sleep(0.6)
            self._reply(200, b"late", "text/plain")
        else:
            self._reply(404, b"missing", "text/plain")

    do_GET = _handle
    do_POST = _handle
    do_PUT = _handle
    do_DELETE = _handle


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _ctx() -> BuiltinContext:
    return BuiltinContext(options=BuiltinOptions(allow_http_send=True, http_timeout=5.0))


def test_disabled_by_default(server: str) -> None:
    with pytest.raises(
        BuiltinError, match=r"^http.send: disabled in Policy Workbench; enable network builtins"
    ):
        http_send(BuiltinContext(), {"method": "get", "url": f"{server}/json"})
    entry = REGISTRY["http.send"]
    assert not entry.enabled_by_default and not entry.deterministic and entry.needs_context


def test_get_json(server: str) -> None:
    response = http_send(_ctx(), {"method": "get", "url": f"{server}/json"})
    assert response["status_code"] == 200
    assert response["status"] == "200 OK"
    assert response["body"] == {"a": [1, 2.5], "b": None}
    assert response["raw_body"] == '{"a": [1, 2.5], "b": null}'
    assert response["headers"]["x-multi"] == ["one"]
    assert response["headers"]["content-type"] == ["application/json; charset=utf-8"]


def test_yaml_text_and_forced_decoding(server: str) -> None:
    assert http_send(_ctx(), {"method": "GET", "url": f"{server}/yaml"})["body"] == {"a": 1, "b": ["x", True]}
    assert http_send(_ctx(), {"method": "GET", "url": f"{server}/text"})["body"] is None
    forced = http_send(_ctx(), {"method": "GET", "url": f"{server}/text", "force_json_decode": True})
    assert forced["body"] == {"not": "decoded"}


def test_post_body_and_headers(server: str) -> None:
    response = http_send(
        _ctx(),
        {"method": "post", "url": f"{server}/echo", "body": {"k": [1, 2]}, "headers": {"X-Test": "yes"}},
    )
    assert response["status_code"] == 201
    assert response["body"]["method"] == "POST"
    assert response["body"]["body"] == '{"k":[1,2]}'
    assert response["body"]["header"] == "yes"
    assert response["body"]["agent"].startswith("Policy-Workbench/")
    assert response["body"]["type"] == ""  # no form content type added behind the policy's back
    raw = http_send(_ctx(), {"method": "put", "url": f"{server}/echo", "raw_body": "plain text"})
    assert raw["body"]["body"] == "plain text"


def test_error_status_is_a_response(server: str) -> None:
    response = http_send(_ctx(), {"method": "get", "url": f"{server}/nope"})
    assert response["status_code"] == 404
    assert response["raw_body"] == "missing"


def test_redirects(server: str) -> None:
    assert http_send(_ctx(), {"method": "get", "url": f"{server}/redirect"})["status_code"] == 302
    followed = http_send(_ctx(), {"method": "get", "url": f"{server}/redirect", "enable_redirect": True})
    assert followed["status_code"] == 200
    assert followed["body"]["a"] == [1, 2.5]


def test_memoised_per_evaluation(server: str) -> None:
    ctx = _ctx()
    before = len(_Handler.hits)
    first = http_send(ctx, {"method": "get", "url": f"{server}/json"})
    second = http_send(ctx, {"method": "get", "url": f"{server}/json"})
    assert first is second
    assert len(_Handler.hits) == before + 1
    ctx.reset()
    http_send(ctx, {"method": "get", "url": f"{server}/json"})
    assert len(_Handler.hits) == before + 2


def test_timeout(server: str) -> None:
    request = {"method": "get", "url": f"{server}/slow", "timeout": "150ms"}
    with pytest.raises(BuiltinError, match=r"^http.send: Get http://127.0.0.1:\d+/slow: request timed out$"):
        http_send(_ctx(), request)
    quiet = http_send(_ctx(), {**request, "raise_error": False})
    assert quiet["status_code"] == 0
    assert quiet["error"]["code"] == "eval_http_send_network_error"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/"
    with pytest.raises(BuiltinError, match=r"^http.send: Get \"http://127.0.0.1:\d+/\": "):
        http_send(_ctx(), {"method": "get", "url": url})
    result = http_send(_ctx(), {"method": "get", "url": url, "raise_error": False})
    assert result["status_code"] == 0
    assert result["error"]["message"].startswith(f'Get "{url}"')


def test_request_validation() -> None:
    with pytest.raises(
        BuiltinError, match=r'^http.send: operand 1 invalid request parameters\(s\): \{"bogus"\}$'
    ):
        http_send(_ctx(), {"method": "get", "url": "http://127.0.0.1/", "bogus": 1})
    with pytest.raises(
        BuiltinError, match=r'^http.send: operand 1 missing required request parameters\(s\): \{"url"\}$'
    ):
        http_send(_ctx(), {"method": "get"})
    with pytest.raises(BuiltinError, match=r"^http.send: operand 1 must be object but got string$"):
        http_send(_ctx(), "http://127.0.0.1/")
    with pytest.raises(BuiltinError, match=r"^http.send: invalid value for raise_error field$"):
        http_send(_ctx(), {"method": "get", "url": "http://127.0.0.1/", "raise_error": "no"})


def test_body_is_go_json(server: str) -> None:
    response = http_send(
        _ctx(), {"method": "post", "url": f"{server}/echo", "body": loads('{"z": "<&>", "a": 1.50}')}
    )
    assert response["body"]["body"] == '{"a":1.50,"z":"\\u003c\\u0026\\u003e"}'


def test_header_names_are_canonical(server: str) -> None:
    response = http_send(_ctx(), {"method": "get", "url": f"{server}/echo", "headers": {"x-test": "lower"}})
    assert response["body"]["header"] == "lower"


def test_request_option_errors(server: str) -> None:
    cases = [
        ({"enable_redirect": "true"}, 'strconv.ParseBool: parsing "\\"true\\"": invalid syntax'),
        ({"force_json_decode": 1}, 'invalid value for "force_json_decode" field'),
        ({"max_retry_attempts": -1}, 'invalid value -1 for field "max_retry_attempts"'),
        (
            {"timeout": "5 minutes"},
            'invalid timeout value "5 minutes": time: unknown unit " minutes" in duration "5 minutes"',
        ),
        ({"headers": {"a": 1}}, 'invalid type for headers value "1"'),
        ({"headers": []}, "invalid type for headers key"),
    ]
    for extra, message in cases:
        request = {"method": "get", "url": f"{server}/json", **extra}
        with pytest.raises(BuiltinError) as info:
            http_send(_ctx(), request)
        assert str(info.value) == f"http.send: {message}"
        quiet = http_send(_ctx(), {**request, "raise_error": False})
        assert quiet == {
            "status_code": 0,
            "error": {"code": "eval_http_send_internal_error", "message": message},
        }
    with pytest.raises(
        BuiltinError, match=r"'timeout' must be one of \{string, number\} but got boolean"
    ) as info:
        http_send(_ctx(), {"method": "get", "url": f"{server}/json", "timeout": True})
    assert info.value.code == "eval_type_error"


def test_validation_error_without_raising() -> None:
    result = http_send(_ctx(), {"method": "get", "bogus": 1, "raise_error": False})
    assert result["status_code"] == 0
    assert result["error"]["code"] == "eval_http_send_internal_error"
    assert result["error"]["message"].endswith(
        'http.send: operand 1 invalid request parameters(s): {"bogus"}'
    )


def test_unsupported_scheme_and_bad_url() -> None:
    with pytest.raises(BuiltinError, match=r'^http.send: Get "ftp://x/": unsupported protocol scheme "ftp"$'):
        http_send(_ctx(), {"method": "get", "url": "ftp://x/"})
    result = http_send(_ctx(), {"method": "get", "url": "http://a b/", "raise_error": False})
    assert result["error"] == {
        "code": "eval_http_send_network_error",
        "message": 'parse "http://a b/": invalid character " " in host name',
    }


def _self_signed(tmp_path) -> tuple[str, str, str]:
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    cert_file = tmp_path / "cert.pem"
    key_file = tmp_path / "key.pem"
    cert_file.write_text(cert_pem)
    key_file.write_text(key_pem)
    return cert_pem, str(cert_file), str(key_file)


def test_https_with_custom_ca(tmp_path) -> None:
    import ssl

    cert_pem, cert_file, key_file = _self_signed(tmp_path)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"https://127.0.0.1:{httpd.server_address[1]}/json"
        trusted = http_send(_ctx(), {"method": "get", "url": url, "tls_ca_cert": cert_pem})
        assert trusted["body"]["a"] == [1, 2.5]
        insecure = http_send(_ctx(), {"method": "get", "url": url, "tls_insecure_skip_verify": True})
        assert insecure["status_code"] == 200
        untrusted = http_send(_ctx(), {"method": "get", "url": url, "raise_error": False})
        assert untrusted["error"]["code"] == "eval_http_send_network_error"
        assert "certificate" in untrusted["error"]["message"]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
