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
        self.wfile.write(body)

    def _handle(self) -> None:
        type(self).hits.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length).decode() if length else ""
        if self.path == "/json":
            self._reply(200, b'{"a": [1, 2.5], "b": null}', "application/json; charset=utf-8")
        elif self.path == "/yaml":
            self._reply(200, b"a: 1\nb: [x, y]\n", "application/yaml")
        elif self.path == "/text":
            self._reply(200, b'{"not": "decoded"}', "text/plain")
        elif self.path == "/echo":
            echo = {"method": self.command, "body": payload, "header": self.headers.get("X-Test", "")}
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
    assert http_send(_ctx(), {"method": "GET", "url": f"{server}/yaml"})["body"] == {"a": 1, "b": ["x", "y"]}
    assert http_send(_ctx(), {"method": "GET", "url": f"{server}/text"})["body"] is None
    forced = http_send(_ctx(), {"method": "GET", "url": f"{server}/text", "force_json_decode": True})
    assert forced["body"] == {"not": "decoded"}


def test_post_body_and_headers(server: str) -> None:
    response = http_send(
        _ctx(),
        {"method": "post", "url": f"{server}/echo", "body": {"k": [1, 2]}, "headers": {"X-Test": "yes"}},
    )
    assert response["status_code"] == 201
    assert response["body"] == {"method": "POST", "body": '{"k":[1,2]}', "header": "yes"}
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
    with pytest.raises(BuiltinError, match=r"^http.send: Get \""):
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
    with pytest.raises(BuiltinError, match='invalid value for "raise_error" field'):
        http_send(_ctx(), {"method": "get", "url": "http://127.0.0.1/", "raise_error": "no"})
