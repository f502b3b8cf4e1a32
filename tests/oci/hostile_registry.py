"""A small malicious HTTP(S) server on 127.0.0.1 with scripted behaviours, for registry tests.

A :class:`HostileServer` answers each request with the first :class:`Route` whose method and
path pattern match (404 with an OCI error body otherwise) and records every request
(method, path, headers) so tests can check what the client sent where. Helpers build the
hostile answers: endless bodies, trickles, redirects, challenges. Every loop is bounded in
bytes and in time (:data:`STREAM_SECONDS`, :data:`STREAM_BYTES`), and a client that hangs up
ends the handler at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

#: no hostile answer lasts longer than this
STREAM_SECONDS = 20.0
#: nor sends more than this
STREAM_BYTES = 2 * 1024 * 1024 * 1024

Handler = Callable[["Request", re.Match[str]], None]


@dataclasses.dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]


@dataclasses.dataclass(frozen=True)
class Route:
    method: str  # "GET", "HEAD", "POST", "PUT", "PATCH" or "*"
    pattern: str  # regular expression matched against the whole path (query included)
    handler: Handler


class Request(http.server.BaseHTTPRequestHandler):
    """One request; the helpers below write hostile or ordinary answers."""

    protocol_version = "HTTP/1.1"
    server: _Server

    # -- answers ---------------------------------------------------------------------
    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        for key, value in hdrs.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def send_json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self.send(status, json.dumps(data).encode(), headers)

    def stream(
        self,
        status: int,
        chunk: bytes = b"A" * 65536,
        headers: dict[str, str] | None = None,
        *,
        interval: float = 0.0,
        max_bytes: int = STREAM_BYTES,
        content_length: int | None = None,
    ) -> None:
        """An endless (bounded) body: ``chunk`` again and again, close-delimited."""
        self.send_response(status)
        for key, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(key, value)
        if content_length is not None:
            self.send_header("Content-Length", str(content_length))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        end = time.monotonic() + STREAM_SECONDS
        sent = 0
        try:
            while sent < max_bytes and time.monotonic() < end:
                self.wfile.write(chunk)
                self.wfile.flush()
                sent += len(chunk)
                if interval:
                    time.sleep(interval)
        except OSError:
            pass  # the client hung up: what a good client does
        finally:
            self.server.streamed.append(sent)

    def send_iter(
        self, status: int, parts: Iterator[bytes], length: int, headers: dict[str, str] | None = None
    ) -> None:
        """A body of known ``length`` produced piece by piece (big blobs without holding them)."""
        self.send_response(status)
        for key, value in {"Content-Type": "application/octet-stream", **(headers or {})}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        end = time.monotonic() + STREAM_SECONDS
        try:
            for part in parts:
                if time.monotonic() > end:
                    break
                self.wfile.write(part)
        except OSError:
            pass

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, 64 * 1024 * 1024)) if length else b""

    # -- dispatch --------------------------------------------------------------------
    def _dispatch(self) -> None:
        self.server.recorded.append(
            Recorded(self.command, self.path, {k: v for k, v in self.headers.items()})
        )
        required = self.server.require_authorization
        if required is not None and self.headers.get("Authorization") != required:
            self.body()
            self.send(
                401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {"WWW-Authenticate": 'Basic realm="hostile"'}
            )
            return
        for route in self.server.routes:
            if route.method not in (self.command, "*"):
                continue
            match = re.fullmatch(route.pattern, self.path)
            if match:
                route.handler(self, match)
                return
        self.send_json(404, {"errors": [{"code": "NAME_UNKNOWN", "message": "no such thing"}]})

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    routes: list[Route]
    recorded: list[Recorded]
    streamed: list[int]
    require_authorization: str | None

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up on hostile answers is the expected outcome


class HostileServer:
    """A scripted server; use as a context manager. ``tls=(cert, key)`` serves HTTPS;
    ``require_authorization`` answers 401 (Basic challenge) to requests without that exact header."""

    def __init__(
        self,
        routes: list[Route] | None = None,
        *,
        tls: tuple[Path, Path] | None = None,
        require_authorization: str | None = None,
    ) -> None:
        self._server = _Server(("127.0.0.1", 0), Request)
        self._server.require_authorization = require_authorization
        self._server.routes = list(routes or [])
        self._server.recorded = []
        self._server.streamed = []
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def host(self) -> str:
        return f"{'localhost' if self.scheme == 'https' else '127.0.0.1'}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}"

    @property
    def recorded(self) -> list[Recorded]:
        return self._server.recorded

    @property
    def streamed(self) -> list[int]:
        """Bytes sent by each finished :meth:`Request.stream`."""
        return self._server.streamed

    def wait_streamed(self, count: int = 1, seconds: float = 10.0) -> list[int]:
        """:attr:`streamed` once ``count`` streams have ended (bounded wait)."""
        end = time.monotonic() + seconds
        while len(self._server.streamed) < count and time.monotonic() < end:
            time.sleep(0.02)
        return list(self._server.streamed)

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        self._server.routes.append(Route(method, pattern, handler))

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


# --------------------------------------------------------------------------- ready-made pieces


def ok_probe(request: Request, _match: re.Match[str]) -> None:
    request.send(200, b"{}")


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def policy_manifest(layer: bytes | tuple[str, int]) -> bytes:
    """A Kubewarden manifest naming ``layer`` (bytes, or an explicit (digest, size))."""
    digest, size = (digest_of(layer), len(layer)) if isinstance(layer, bytes) else layer
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.wasm.config.v1+json", "digest": digest_of(b"{}"), "size": 2},
        "layers": [
            {"mediaType": "application/vnd.wasm.content.layer.v1+wasm", "digest": digest, "size": size}
        ],
    }
    return json.dumps(manifest).encode()


def serve_manifest(raw: bytes) -> Handler:
    def handler(request: Request, _match: re.Match[str]) -> None:
        request.send(
            200,
            raw,
            {
                "Content-Type": "application/vnd.oci.image.manifest.v1+json",
                "Docker-Content-Digest": digest_of(raw),
            },
        )

    return handler


def never_answer(seconds: float = 10.0) -> Handler:
    def handler(request: Request, _match: re.Match[str]) -> None:
        time.sleep(min(seconds, STREAM_SECONDS))
        request.close_connection = True

    return handler


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- the CLI under measurement

_MEASURE = """
import json, resource, subprocess, sys, time
start = time.monotonic()
try:
    proc = subprocess.run(sys.argv[2:], capture_output=True, timeout=float(sys.argv[1]))
    code, err = proc.returncode, proc.stderr.decode(errors="replace")
except subprocess.TimeoutExpired as exc:
    code, err = None, "timeout: " + (exc.stderr or b"").decode(errors="replace")
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "stderr": err, "maxrss_kb": usage.ru_maxrss, "seconds": time.monotonic() - start}))
"""


@dataclasses.dataclass(frozen=True)
class CliRun:
    code: int | None  # None: killed at the timeout
    stderr: str
    peak_rss_mb: float  # of the CLI process alone
    seconds: float


def run_cli(args: list[str], *, env: dict[str, str], timeout: float = 60.0) -> CliRun:
    """``python -m workbench ARGS`` in a subprocess; its own peak RSS comes from
    ``getrusage(RUSAGE_CHILDREN)`` in a small parent process that has no other child."""
    import subprocess
    import sys

    measure = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(timeout), sys.executable, "-m", "workbench", *args],
        capture_output=True,
        env=env,
        timeout=timeout + 30,
        check=True,
    )
    data = json.loads(measure.stdout)
    return CliRun(data["code"], data["stderr"], data["maxrss_kb"] / 1024, data["seconds"])
