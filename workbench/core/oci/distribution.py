"""A small client for the OCI distribution API on ``requests`` (see docs/oci.md).

One :class:`Endpoint` is one registry origin (scheme, host, port and TLS settings).
It sends the distribution requests (``/v2/`` probe, manifests, blobs, uploads, tags)
with:

* connect/read timeouts on every request and a per-operation :class:`Deadline` that
  also bounds slow bodies (the socket timeout shrinks to the time left);
* bounded retries with backoff for connection failures and 429/5xx answers, never
  after a body has started to arrive;
* auth negotiated from the ``WWW-Authenticate`` challenge (Basic, or a Bearer token
  from the realm) and then sent pre-emptively, but only to the registry's own origin;
  a Bearer realm must be HTTPS unless the registry itself is plain HTTP; redirects
  are followed by hand (GET/HEAD only, at most :data:`MAX_REDIRECTS`) and lose the
  ``Authorization`` header when they leave the origin;
* every body read streamed and capped (manifests :data:`MANIFEST_LIMIT`, token and
  error replies :data:`SMALL_REPLY_LIMIT`, the probe body not read at all);
* typed errors from :mod:`workbench.core.errors` whose text never contains URL
  credentials (:func:`redact`).

TLS trust lives in memory: the caller passes an :class:`ssl.SSLContext`; nothing is
written to or read from a shared path.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import re
import socket
import ssl
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol
from urllib.parse import urlencode, urljoin, urlsplit

import requests
import requests.adapters
import requests.utils
import urllib3.exceptions

from workbench.core.errors import (
    OperationCancelled,
    RegistryAuthError,
    RegistryError,
    RegistryNotFound,
    RegistryTLSError,
    RegistryUnavailable,
)
from workbench.core.oci.credentials import Credentials
from workbench.core.oci.reference import redact

__all__ = [
    "MANIFEST_LIMIT",
    "MAX_REDIRECTS",
    "SMALL_REPLY_LIMIT",
    "Challenge",
    "Deadline",
    "Endpoint",
    "Origin",
    "TransportOptions",
    "discard",
    "iter_body",
    "origin_of",
    "parse_challenge",
    "read_capped",
    "redact",
]

log = logging.getLogger(__name__)
# the unverified-TLS fallback only runs for hosts the user listed in insecure_sources; it is
# logged once per endpoint below instead of warning on every request
warnings.filterwarnings("ignore", category=urllib3.exceptions.InsecureRequestWarning)

#: largest manifest accepted (containerd and oras-go use 4 MiB too)
MANIFEST_LIMIT = 4 * 1024 * 1024
#: largest token reply, error body, or tag-list page
SMALL_REPLY_LIMIT = 64 * 1024
#: redirects followed for one GET/HEAD
MAX_REDIRECTS = 5
#: longest bearer token accepted
TOKEN_LIMIT = 16 * 1024
USER_AGENT = "policy-workbench"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
_TOKEN_RE = re.compile(r"[A-Za-z0-9\-._~+/=:]+")


class CancelLike(Protocol):
    """Anything with a ``cancelled`` flag (a :class:`~workbench.core.engines.base.CancelToken`)."""

    @property
    def cancelled(self) -> bool: ...


@dataclasses.dataclass(frozen=True)
class TransportOptions:
    """Network behaviour: no hidden stalls (see docs/oci.md, "Limits")."""

    connect_timeout: float = 5.0
    #: longest wait for any single byte
    read_timeout: float = 30.0
    #: extra attempts after a connection failure or a 429/5xx answer
    retries: int = 2
    #: first backoff in seconds, doubled after each failed attempt
    backoff: float = 0.2
    #: bytes per progress/cancel step
    chunk_size: int = 256 * 1024
    #: refuse to download a policy layer bigger than this
    max_module_size: int = 512 * 1024 * 1024
    #: whole-operation deadline for a manifest, tag list, probe or token exchange (s)
    manifest_deadline: float = 30.0
    #: whole-operation deadline for one blob download or upload (s)
    blob_deadline: float = 300.0
    #: upload blobs in PATCH chunks of this size (None: one monolithic PUT)
    upload_chunk_size: int | None = None


# --------------------------------------------------------------------------- small helpers


@dataclasses.dataclass(frozen=True)
class Origin:
    """Scheme, host and port of a URL (default ports filled in): who may see credentials."""

    scheme: str
    host: str
    port: int


def origin_of(url: str) -> Origin:
    """The :class:`Origin` of an absolute URL (``ValueError`` when there is none)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {redact(url)}")
    port = parts.port or (443 if scheme == "https" else 80)
    return Origin(scheme, parts.hostname.lower(), port)


@dataclasses.dataclass(frozen=True)
class Challenge:
    """One parsed ``WWW-Authenticate`` challenge: the scheme (lower case) and its parameters."""

    scheme: str
    params: Mapping[str, str]


_TOKEN_CHARS = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_PARAM_RE = re.compile(rf'\s*({_TOKEN_CHARS})\s*=\s*(?:"((?:[^"\\]|\\.)*)"|({_TOKEN_CHARS}))\s*(,|$)')
_SCHEME_RE = re.compile(rf"\s*({_TOKEN_CHARS})(?:\s+|$)")
#: longest challenge header parsed
CHALLENGE_LIMIT = 8 * 1024


def parse_challenge(header: str) -> Challenge | None:
    """The first challenge of a ``WWW-Authenticate`` value (RFC 7235), or None when malformed.

    ``Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"``
    → ``Challenge("bearer", {"realm": ..., "service": ..., "scope": ...})``. Parameter names
    are case-insensitive (stored lower case); the first occurrence of a name wins.
    """
    if not header or len(header) > CHALLENGE_LIMIT:
        return None
    match = _SCHEME_RE.match(header)
    if not match:
        return None
    scheme = match.group(1).lower()
    params: dict[str, str] = {}
    pos = match.end()
    while pos < len(header):
        param = _PARAM_RE.match(header, pos)
        if param is None:
            break  # another challenge (or garbage) follows: keep what we have
        name = param.group(1).lower()
        value = param.group(2)
        value = re.sub(r"\\(.)", r"\1", value) if value is not None else param.group(3)
        params.setdefault(name, value)
        pos = param.end()
        if param.group(4) != ",":
            break
    return Challenge(scheme, params)


class Deadline:
    """The time an operation may take; :meth:`check` also honours cancellation."""

    def __init__(self, seconds: float, what: str, cancel: CancelLike | None = None) -> None:
        self.seconds = seconds
        self.what = what
        self.cancel = cancel
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def expired_error(self) -> RegistryUnavailable:
        return RegistryUnavailable(
            f"{self.what} did not finish within {self.seconds:g} s (the registry is too slow or stalled)"
        )

    def check(self) -> None:
        if self.cancel is not None and self.cancel.cancelled:
            raise OperationCancelled(f"{self.what}: cancelled")
        if self.remaining() <= 0:
            raise self.expired_error()

    def timeout(self, options: TransportOptions) -> tuple[float, float]:
        """(connect, read) timeouts for one request, never past the deadline."""
        left = max(0.01, self.remaining())
        return min(options.connect_timeout, left), min(options.read_timeout, left)

    def sleep(self, seconds: float) -> None:
        """Sleep in small steps (cancellable), never past the deadline."""
        end = min(time.monotonic() + seconds, self.end)
        while True:
            self.check()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.05))


def _root_cause(exc: BaseException) -> BaseException:
    seen: set[int] = set()
    current: BaseException = exc
    while id(current) not in seen:
        seen.add(id(current))
        nxt: BaseException | None = getattr(current, "reason", None)
        if not isinstance(nxt, BaseException):
            args = getattr(current, "args", ())
            nxt = args[0] if args and isinstance(args[0], BaseException) else None
        if nxt is None:
            nxt = current.__cause__ or current.__context__
        if nxt is None:
            break
        current = nxt
    return current


def _describe(exc: BaseException) -> str:
    cause = _root_cause(exc)
    text = str(cause) or type(cause).__name__
    return redact(text.split("\n", 1)[0][:200])


def _is_dns_failure(exc: BaseException) -> bool:
    text = f"{type(_root_cause(exc)).__name__} {exc}"
    return "NameResolution" in text or "Name or service not known" in text or "getaddrinfo" in text


def _never_sent(exc: BaseException) -> bool:
    """True when the connection failed before the request could reach the server."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    cause = _root_cause(exc)
    return isinstance(cause, (urllib3.exceptions.NewConnectionError, ConnectionRefusedError)) or (
        "NewConnectionError" in str(exc) or "Connection refused" in str(exc)
    )


class _Adapter(requests.adapters.HTTPAdapter):
    """An adapter whose pools use our in-memory :class:`ssl.SSLContext` (or none for plain HTTP)."""

    def __init__(self, context: ssl.SSLContext | None) -> None:
        self._context = context
        super().__init__(max_retries=0, pool_connections=4, pool_maxsize=4)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        if self._context is not None:
            kwargs["ssl_context"] = self._context
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
        if self._context is not None:
            kwargs["ssl_context"] = self._context
        return super().proxy_manager_for(proxy, **kwargs)

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        # the context carries the trust (and whether to verify at all): no CA file paths
        if self._context is None:
            super().cert_verify(conn, url, verify, cert)
            return
        conn.ca_certs = None
        conn.ca_cert_dir = None
        conn.cert_reqs = "CERT_REQUIRED" if self._context.verify_mode != ssl.CERT_NONE else "CERT_NONE"


def make_session(context: ssl.SSLContext | None) -> requests.Session:
    """A session that never reads ``.netrc`` or CA variables from the environment (proxies are
    taken per request from the environment, see :meth:`Endpoint.send`)."""
    session = requests.Session()
    session.trust_env = False
    adapter = _Adapter(context)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept-Encoding"] = "identity"
    return session


def iter_body(
    response: requests.Response,
    deadline: Deadline,
    options: TransportOptions,
    *,
    limit: int,
    what: str,
) -> Iterator[bytes]:
    """The body of a streamed response in chunks, under the deadline and at most ``limit`` bytes.

    Each socket wait is bounded by the time left, so a server trickling bytes ends at
    the deadline. Raises :class:`RegistryError` when the body exceeds ``limit``.
    """
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in {"", "identity"}:
        raise RegistryError(f"{what}: unexpected Content-Encoding '{encoding[:40]}' (identity was asked for)")
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > limit:
        raise RegistryError(f"{what} is {int(length)} bytes, over the {limit}-byte limit")
    raw = response.raw
    received = 0
    while True:
        deadline.check()
        connection = getattr(raw, "connection", None)
        sock = getattr(connection, "sock", None)
        if isinstance(sock, socket.socket):
            sock.settimeout(max(0.01, min(options.read_timeout, deadline.remaining())))
        try:
            chunk = raw.read1(min(options.chunk_size, limit - received + 1), decode_content=False)
        except (
            urllib3.exceptions.HTTPError,
            requests.exceptions.RequestException,
            OSError,
            ValueError,
        ) as exc:
            if deadline.remaining() <= 0:
                raise deadline.expired_error() from None
            raise RegistryUnavailable(f"{what} was interrupted: {_describe(exc)}") from None
        if not chunk:
            # the whole body was read: the connection can serve the next request
            raw.release_conn()
            return
        received += len(chunk)
        if received > limit:
            raise RegistryError(f"{what} is larger than the {limit}-byte limit")
        yield chunk


def discard(response: requests.Response) -> None:
    """Done with a response whose body is not wanted: a body-less answer (HEAD, 204, 304,
    ``Content-Length: 0``) gives its connection back to the pool, anything else is closed
    unread (never drained: an endless body must cost nothing)."""
    length = response.headers.get("Content-Length", "")
    bodyless = (
        (response.request is not None and response.request.method == "HEAD")
        or response.status_code in (204, 304)
        or length == "0"
    )
    if bodyless:
        try:
            # reading the (empty) body lets http.client finish the exchange; at most 1 byte
            response.raw.read(1, decode_content=False)
        except (urllib3.exceptions.HTTPError, OSError, ValueError):
            response.close()
            return
        response.raw.release_conn()
    else:
        response.close()


def read_capped(
    response: requests.Response, deadline: Deadline, options: TransportOptions, *, limit: int, what: str
) -> bytes:
    """The whole body of a streamed response, at most ``limit`` bytes (then the response is closed)."""
    try:
        return b"".join(iter_body(response, deadline, options, limit=limit, what=what))
    finally:
        response.close()


def _json_error(body: bytes) -> tuple[str, str]:
    """(first OCI error code, message) from an error body, or empty strings."""
    import json

    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    errors = data.get("errors")
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return "", ""
    first = errors[0]
    code, message = first.get("code"), first.get("message")
    return (
        redact(str(code))[:100] if isinstance(code, str) else "",
        redact(str(message))[:300] if isinstance(message, str) else "",
    )


# --------------------------------------------------------------------------- one registry origin


class Endpoint:
    """One registry origin with fixed TLS settings, credentials and transport options.

    Not thread-safe: one per worker (the :class:`~workbench.core.oci.client.RegistryClient`
    serialises its calls).
    """

    def __init__(
        self,
        host: str,
        *,
        scheme: str,
        context: ssl.SSLContext | None,
        credentials: Credentials | None,
        options: TransportOptions,
        registry_name: str,
    ) -> None:
        self.host = host
        self.scheme = scheme
        self.context = context
        self.credentials = credentials
        self.options = options
        self.registry_name = registry_name
        self.base_url = f"{scheme}://{host}"
        self.origin = origin_of(self.base_url + "/")
        self.session = make_session(context if scheme == "https" else None)
        #: sent pre-emptively to this origin once negotiated
        self.authorization: str | None = None
        if scheme == "https" and context is not None and context.verify_mode == ssl.CERT_NONE:
            log.warning("TLS certificate of %s is not verified (listed in insecure_sources)", registry_name)

    def close(self) -> None:
        self.session.close()

    # -- sending ------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.base_url + path

    def _same_origin(self, url: str) -> bool:
        try:
            return origin_of(url) == self.origin
        except ValueError:
            return False

    def send(
        self,
        method: str,
        url: str,
        deadline: Deadline,
        *,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
        authorization: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """One exchange (redirects of GET/HEAD followed by hand); the body is not read."""
        current = url
        hdrs = dict(headers or {})
        auth_value = authorization
        if auth_value is None and self.authorization and self._same_origin(url):
            auth_value = self.authorization
        for _hop in range(MAX_REDIRECTS + 1):
            deadline.check()
            send_headers = dict(hdrs)
            if auth_value is not None:
                send_headers["Authorization"] = auth_value
            if hasattr(data, "rewind"):
                data.rewind()
            proxies = requests.utils.get_environ_proxies(current)
            response = self.session.request(
                method,
                current,
                headers=send_headers,
                data=data,
                params=params,
                stream=True,
                allow_redirects=False,
                timeout=deadline.timeout(self.options),
                verify=self.context is None or self.context.verify_mode != ssl.CERT_NONE,
                proxies=proxies,
            )
            if response.status_code not in _REDIRECT_STATUS or method not in {"GET", "HEAD"}:
                return response
            location = response.headers.get("Location", "")
            response.close()
            if not location:
                raise RegistryError(f"registry {self.registry_name} redirected without a Location header")
            target = urljoin(current, location)
            try:
                new_origin, old_origin = origin_of(target), origin_of(current)
            except ValueError:
                raise RegistryError(
                    f"registry {self.registry_name} redirected to an unusable URL {redact(target)[:200]}"
                ) from None
            if old_origin.scheme == "https" and new_origin.scheme == "http":
                raise RegistryError(
                    f"registry {self.registry_name} redirected from HTTPS to plain HTTP "
                    f"({new_origin.host}:{new_origin.port}): refused"
                )
            if new_origin != old_origin:
                auth_value = None  # credentials never leave their origin
            params = None  # the Location is complete
            current = target
        raise RegistryError(f"registry {self.registry_name} redirected more than {MAX_REDIRECTS} times")

    def request(
        self,
        method: str,
        url: str,
        deadline: Deadline,
        *,
        headers: Mapping[str, str] | None = None,
        data: Any = None,
        params: Mapping[str, str] | None = None,
        negotiate: bool = True,
    ) -> requests.Response:
        """Bounded retries, timeouts, cancellation and auth negotiation; typed network errors.

        The response is streamed and unread: the caller reads it with :func:`iter_body` /
        :func:`read_capped` (no retry happens once a body is being read) or closes it.
        """
        attempt = 0
        negotiated = False
        while True:
            deadline.check()
            try:
                response = self.send(method, url, deadline, headers=headers, data=data, params=params)
            except requests.exceptions.SSLError as exc:
                raise self.tls_error(exc) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if deadline.remaining() <= 0:
                    raise deadline.expired_error() from None
                if attempt >= self.options.retries or _is_dns_failure(exc):
                    raise self.unavailable(exc) from None
                if method not in {"GET", "HEAD"} and not _never_sent(exc):
                    # an upload may have been received: sending it again could fail misleadingly
                    raise self.unavailable(exc) from None
                log.debug("registry %s: %s; retrying", self.registry_name, _describe(exc))
            except requests.exceptions.RequestException as exc:
                raise RegistryError(
                    f"request to registry {self.registry_name} failed: {_describe(exc)}"
                ) from None
            else:
                if response.status_code == 401 and negotiate and not negotiated:
                    negotiated = True
                    if self._same_origin(response.url or url) and self.negotiate(response, deadline):
                        response.close()
                        continue
                    # the challenge stays on the response: check() explains it
                if response.status_code not in _RETRY_STATUS or attempt >= self.options.retries:
                    return response
                response.close()
            attempt += 1
            deadline.sleep(self.options.backoff * (2 ** (attempt - 1)))

    # -- auth ---------------------------------------------------------------------------
    def basic_value(self) -> str | None:
        if self.credentials is None:
            return None
        raw = f"{self.credentials.username}:{self.credentials.password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    def negotiate(self, response: requests.Response, deadline: Deadline) -> bool:
        """Answer a 401 challenge of this origin; True when the request should be re-sent."""
        challenge = parse_challenge(response.headers.get("WWW-Authenticate", ""))
        if challenge is None:
            return False
        if challenge.scheme == "basic":
            value = self.basic_value()
            if value is None or self.authorization == value:
                return False  # anonymous, or the credentials themselves were refused
            self.authorization = value
            return True
        if challenge.scheme == "bearer":
            token = self._fetch_token(challenge, deadline)
            value = f"Bearer {token}"
            if self.authorization == value:
                return False
            self.authorization = value
            return True
        return False

    def _fetch_token(self, challenge: Challenge, deadline: Deadline) -> str:
        realm = challenge.params.get("realm", "")
        try:
            realm_origin = origin_of(realm)
        except ValueError:
            raise RegistryAuthError(
                f"registry {self.registry_name} named an unusable token realm '{redact(realm)[:200]}'"
            ) from None
        if urlsplit(realm).username is not None or urlsplit(realm).password is not None:
            raise RegistryAuthError(
                f"registry {self.registry_name} named a token realm with embedded credentials"
            )
        if realm_origin.scheme != "https" and self.scheme == "https":
            raise RegistryAuthError(
                f"registry {self.registry_name} (HTTPS) named a plain-HTTP token realm "
                f"{realm_origin.host}:{realm_origin.port}: refused, credentials would travel in clear text"
            )
        params: dict[str, str] = {}
        for key in ("service", "scope"):
            if challenge.params.get(key):
                params[key] = challenge.params[key]
        url = realm + (("&" if "?" in realm else "?") + urlencode(params) if params else "")
        what = f"token request to {realm_origin.host}:{realm_origin.port} for registry {self.registry_name}"
        basic = self.basic_value()
        try:
            response = self.session.request(
                "GET",
                url,
                headers={"Authorization": basic} if basic else {},
                stream=True,
                allow_redirects=False,
                timeout=deadline.timeout(self.options),
                verify=self.context is None or self.context.verify_mode != ssl.CERT_NONE,
                proxies=requests.utils.get_environ_proxies(url),
            )
        except requests.exceptions.SSLError as exc:
            raise self.tls_error(exc) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise RegistryUnavailable(f"{what} failed: {_describe(exc)}") from None
        except requests.exceptions.RequestException as exc:
            raise RegistryError(f"{what} failed: {_describe(exc)}") from None
        if response.status_code in (401, 403):
            response.close()
            raise self.auth_error(f"a token for {challenge.params.get('scope') or 'the registry'}", "")
        if response.status_code != 200:
            response.close()
            raise RegistryAuthError(f"{what} answered HTTP {response.status_code}")
        body = read_capped(
            response, deadline, self.options, limit=SMALL_REPLY_LIMIT, what=f"the reply to the {what}"
        )
        import json

        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise RegistryAuthError(f"the reply to the {what} is not JSON") from None
        if not isinstance(data, dict):
            raise RegistryAuthError(f"the reply to the {what} is not a JSON object")
        token = data.get("token") or data.get("access_token")
        if not isinstance(token, str) or not token:
            raise RegistryAuthError(f"the reply to the {what} has no token")
        if len(token) > TOKEN_LIMIT or not _TOKEN_RE.fullmatch(token):
            raise RegistryAuthError(f"the reply to the {what} has a malformed token")
        return token

    # -- errors -------------------------------------------------------------------------
    def auth_error(self, what: str, detail: str) -> RegistryAuthError:
        if self.credentials is None:
            return RegistryAuthError(
                f"registry {self.registry_name} requires authentication for {what}{detail}: log in with "
                "'docker login', point --docker-config-json-path at a Docker config, or pass "
                "--username with --password-stdin"
            )
        return RegistryAuthError(
            f"registry {self.registry_name} refused the credentials of user '{self.credentials.username}' "
            f"(from {self.credentials.source}) for {what}{detail}: check the user name and password"
        )

    def tls_error(self, exc: BaseException) -> RegistryTLSError:
        detail = _describe(exc)
        error = RegistryTLSError(
            f"TLS connection to registry {self.registry_name} failed ({detail}). If the registry uses "
            f"a private CA, list it under source_authorities for '{self.registry_name}' in sources.yaml "
            "(--sources-path); for a test registry without valid TLS add it to insecure_sources"
        )
        lowered = detail.lower()
        #: the server answered in plain text: it does not speak TLS at all
        error.not_tls = "wrong version number" in lowered or "record layer failure" in lowered  # type: ignore[attr-defined]
        return error

    def unavailable(self, exc: BaseException) -> RegistryUnavailable:
        if _is_dns_failure(exc):
            return RegistryUnavailable(
                f"cannot resolve registry host '{self.registry_name}': check the name and your network/DNS"
            )
        if isinstance(exc, requests.exceptions.Timeout):
            return RegistryUnavailable(
                f"registry {self.registry_name} did not answer in time ({_describe(exc)}): "
                "check that it is up and reachable"
            )
        return RegistryUnavailable(
            f"cannot reach registry {self.registry_name} at {self.base_url} ({_describe(exc)}): "
            "check that it is running and reachable (and the port is right)"
        )

    def check(self, response: requests.Response, what: str, deadline: Deadline) -> None:
        """Raise the typed error for a non-2xx answer (reading at most 64 KiB of its body)."""
        status = response.status_code
        if 200 <= status < 300:
            return
        try:
            body = read_capped(
                response, deadline, self.options, limit=SMALL_REPLY_LIMIT, what=f"error reply for {what}"
            )
        except RegistryError:
            body = b""
        code, message = _json_error(body)
        detail = f" ({code}: {message})" if code or message else ""
        if status == 401:
            raise self.auth_error(what, detail)
        if status == 403:
            raise RegistryAuthError(
                f"registry {self.registry_name} denied access to {what}{detail}: the account lacks permission"
            )
        if status == 404:
            if code == "NAME_UNKNOWN":
                raise RegistryNotFound(f"repository not found: {what} does not exist on {self.registry_name}")
            raise RegistryNotFound(f"not found: {what}{detail}: check the repository, tag or digest")
        if status >= 500 or status == 429:
            raise RegistryUnavailable(
                f"registry {self.registry_name} failed with HTTP {status} for {what}{detail}; try again later"
            )
        raise RegistryError(f"registry {self.registry_name} answered HTTP {status} for {what}{detail}")

    def probe(self, deadline: Deadline) -> requests.Response:
        """``GET /v2/``: proves the endpoint speaks HTTP (any answer counts). The body is never read:
        the caller looks at the status and headers, then closes it."""
        response = self.request("GET", self.url("/v2/"), deadline, negotiate=False)
        if response.status_code == 401:
            # learn a Basic scheme now so that uploads carry credentials up front; a Bearer
            # token needs a scope and is fetched on the first request that is refused
            challenge = parse_challenge(response.headers.get("WWW-Authenticate", ""))
            value = self.basic_value()
            if challenge is not None and challenge.scheme == "basic" and value is not None:
                response.close()
                self.authorization = value
                response = self.request("GET", self.url("/v2/"), deadline, negotiate=False)
        return response


ProgressCallback = Callable[[int, int], None]
