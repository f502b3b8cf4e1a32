"""OCI distribution client for Kubewarden policies, built on oras-py 0.2.43.

What comes from oras-py: :class:`oras.provider.Registry` (session set-up, cookie
policy, URL building through :class:`oras.container.Container`, ``blob_exists``,
``get_blob``, upload-session ``Location`` handling, paginated ``get_tags``,
``delete_tag``), its auth backends (:class:`oras.auth.TokenAuth` for Bearer token
exchange, anonymous or with Basic credentials) and its manifest JSON schema.

What is replaced, and why (oras-py 0.2.43 is broken or unsuitable there):

* ``do_request``: oras wraps it in a retry decorator sleeping 3+5+11+29+83 s
  (131 s) before giving up on a dead host; it has no timeouts; its default
  token backend misreads ``WWW-Authenticate: Basic`` as a token server; its
  Basic backend sends every request unauthenticated first (which broke
  chunked uploads) and its token backend re-sends a token of the wrong scope.
  Ours: bounded retries with a short backoff, connect/read timeouts on every
  request (including oras' own token requests, through the session adapter),
  auth negotiated per challenge (Basic or Bearer) and then sent pre-emptively,
  cancellation between attempts, typed errors.
* push/pull: oras' ``push`` needs files on disk, always adds an
  ``org.opencontainers.image.title`` layer annotation kwctl does not add, sends
  the manifest through ``json=`` (so the digest of the exact bytes is unknown)
  and reports no progress; its ``pull`` writes to disk by title annotation and
  verifies nothing. Ours upload/download in chunks with progress callbacks and
  cancellation, and verify size, digest and the Wasm magic before returning.

Not thread-safe by design: use one :class:`RegistryClient` per worker (calls on
a shared client are serialised by a lock).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import jsonschema
import oras.client  # import first: oras.decorator alone is a circular import
import oras.container
import oras.provider
import oras.schemas
import requests
import requests.adapters
from oras.auth.token import TokenAuth
from oras.auth.utils import get_basic_auth

from workbench.core.errors import (
    InputError,
    ModuleError,
    OperationCancelled,
    RegistryAuthError,
    RegistryError,
    RegistryNotFound,
    RegistryTLSError,
    RegistryUnavailable,
)
from workbench.core.oci.artifact import (
    ACCEPTED_MANIFEST_TYPES,
    CONFIG_BLOB,
    LAYER_MEDIA_TYPE,
    MANIFEST_MEDIA_TYPE,
    WASM_MAGIC,
    build_manifest,
    check_pushable,
    manifest_annotations,
    module_facts,
    sha256_digest,
)
from workbench.core.oci.credentials import Credentials, DockerConfig, load_docker_config
from workbench.core.oci.reference import HttpReference, OciReference, parse_oci_reference
from workbench.core.oci.sources import Sources, load_sources

__all__ = [
    "ProgressCallback",
    "PushResult",
    "RegistryClient",
    "TransportOptions",
]

log = logging.getLogger(__name__)

#: ``progress(done_bytes, total_bytes)``; calls are monotonic and end with done == total
ProgressCallback = Callable[[int, int], None]


class _Cancel(Protocol):
    """Anything with a ``cancelled`` flag (a :class:`~workbench.core.engines.base.CancelToken`)."""

    @property
    def cancelled(self) -> bool: ...


@dataclasses.dataclass(frozen=True)
class TransportOptions:
    """Network behaviour: no hidden stalls."""

    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    #: extra attempts after a connection failure or a 5xx answer
    retries: int = 2
    #: first backoff in seconds, doubled after each failed attempt
    backoff: float = 0.2
    #: bytes per progress/cancel step
    chunk_size: int = 256 * 1024
    #: refuse to download a layer bigger than this
    max_module_size: int = 512 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class PushResult:
    immutable_ref: str  # host/repository@sha256:...
    digest: str  # manifest digest


#: (host, plans) -> index of the endpoint plan that answered last (process-wide)
_RESOLVED: dict[tuple[str, tuple[tuple[str, bool | str], ...]], int] = {}

# --------------------------------------------------------------------------- transfer helpers


class _Progress:
    """Monotonic, throttled progress reporting.

    A retried upload must not move the bar backwards, and a GUI needs a few hundred
    updates at most: one per ``step`` bytes, plus the final one.
    """

    def __init__(self, callback: ProgressCallback | None, total: int, step: int = 64 * 1024) -> None:
        self.callback = callback
        self.total = total
        self.step = max(1, step)
        self.reported = -1

    def __call__(self, done: int) -> None:
        done = min(done, self.total)
        if self.callback is None or done <= self.reported:
            return
        if done < self.total and self.reported >= 0 and done - self.reported < self.step:
            return
        self.reported = done
        self.callback(done, self.total)

    def finish(self) -> None:
        if self.callback is not None and self.reported < self.total:
            self.reported = self.total
            self.callback(self.total, self.total)


class _UploadBody:
    """A rewindable request body that reports progress and honours cancellation between chunks."""

    def __init__(self, data: bytes, progress: _Progress, cancel: _Cancel | None, chunk_size: int) -> None:
        self._data = memoryview(data)
        self._pos = 0
        self._progress = progress
        self._cancel = cancel
        self._chunk = chunk_size

    def __len__(self) -> int:
        return len(self._data)

    def rewind(self) -> None:
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        if self._cancel is not None and self._cancel.cancelled:
            raise OperationCancelled("upload cancelled")
        if size is None or size < 0:
            size = len(self._data) - self._pos
        size = min(size, self._chunk)
        chunk = self._data[self._pos : self._pos + size].tobytes()
        self._pos += len(chunk)
        if chunk:
            self._progress(self._pos)
        return chunk


class _TimeoutAdapter(requests.adapters.HTTPAdapter):
    """Default timeouts for every request on the session (oras' own token requests have none)."""

    def __init__(self, timeout: tuple[float, float]) -> None:
        super().__init__(max_retries=0)
        self._timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().send(request, **kwargs)


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


def _is_dns_failure(exc: BaseException) -> bool:
    text = f"{type(_root_cause(exc)).__name__} {exc}"
    return "NameResolution" in text or "Name or service not known" in text or "getaddrinfo" in text


def _describe(exc: BaseException) -> str:
    cause = _root_cause(exc)
    text = str(cause) or type(cause).__name__
    return text.split("\n", 1)[0][:200]


def _wait(seconds: float, cancel: _Cancel | None) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if cancel is not None and cancel.cancelled:
            raise OperationCancelled("registry operation cancelled")
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.05))


def _registry_errors(response: requests.Response) -> tuple[str, str]:
    """(first OCI error code, message) from an error body, or empty strings."""
    try:
        body = response.json()
        first = (body.get("errors") or [{}])[0]
        return str(first.get("code") or ""), str(first.get("message") or "")
    except (ValueError, AttributeError, IndexError, TypeError):
        return "", ""


# --------------------------------------------------------------------------- oras subclass


class _OrasRegistry(oras.provider.Registry):
    """One registry endpoint (scheme + host + TLS settings) with fixed transport behaviour."""

    def __init__(
        self,
        host: str,
        *,
        scheme: str,
        verify: bool | str,
        credentials: Credentials | None,
        options: TransportOptions,
        registry_name: str,
    ) -> None:
        super().__init__(hostname=host, insecure=scheme == "http", tls_verify=verify, auth_backend="token")
        self.scheme = scheme
        self.registry_name = registry_name
        self.options = options
        self.credentials = credentials
        self.cancel: _Cancel | None = None
        #: what the current operation is about, for messages from oras' own status checks
        self.subject = ""
        adapter = _TimeoutAdapter((options.connect_timeout, options.read_timeout))
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers["User-Agent"] = "policy-workbench (oras-py)"
        if credentials is not None:
            self.auth.set_basic_auth(credentials.username, credentials.password)
        self._authorization: str | None = None  # sent pre-emptively once negotiated

    @property
    def base_url(self) -> str:
        return f"{self.prefix}://{self.hostname}"

    def close(self) -> None:
        self.session.close()

    # -- requests --------------------------------------------------------------
    def _send(
        self, method: str, url: str, headers: dict[str, str], data: Any, json_body: Any, stream: bool
    ) -> requests.Response:
        if isinstance(data, _UploadBody):
            data.rewind()
        return self.session.request(
            method, url, data=data, json=json_body, headers=headers, stream=stream, verify=self._tls_verify
        )

    def _negotiate(self, response: requests.Response, headers: dict[str, str]) -> bool:
        """React to a 401 challenge; True when the request should be re-sent with new headers."""
        challenge = response.headers.get("WWW-Authenticate", "")
        scheme = challenge.split(" ", 1)[0].lower()
        if scheme == "basic":
            if self.credentials is None:
                return False
            value = "Basic " + get_basic_auth(self.credentials.username, self.credentials.password)
            if headers.get("Authorization") == value:
                return False  # the credentials themselves were refused
            self._authorization = value
            headers["Authorization"] = value
            return True
        if scheme == "bearer" and isinstance(self.auth, TokenAuth):
            previous = headers.pop("Authorization", None)
            new_headers, changed = self.auth.authenticate_request(response, dict(headers), refresh=True)
            token = new_headers.get("Authorization") if changed else None
            if not token or token == previous:
                return False
            self._authorization = token
            headers["Authorization"] = token
            return True
        return False

    def do_request(  # type: ignore[override]
        self,
        url: str,
        method: str = "GET",
        data: Any = None,
        headers: dict | None = None,
        json: Any = None,
        stream: bool = False,
    ) -> requests.Response:
        """Bounded retries, timeouts, cancellation, auth negotiation; typed network errors."""
        attempt = 0
        while True:
            if self.cancel is not None and self.cancel.cancelled:
                raise OperationCancelled("registry operation cancelled")
            hdrs = dict(headers or {})
            if self._authorization and "Authorization" not in hdrs:
                hdrs["Authorization"] = self._authorization
            try:
                response = self._send(method, url, hdrs, data, json, stream)
                if response.status_code == 401 and self._negotiate(response, hdrs):
                    response.close()
                    response = self._send(method, url, hdrs, data, json, stream)
            except requests.exceptions.SSLError as exc:
                raise self._tls_error(exc) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if attempt >= self.options.retries or _is_dns_failure(exc):
                    raise self._unavailable(exc) from None
                log.debug("registry %s: %s; retrying", self.hostname, _describe(exc))
            except requests.exceptions.ChunkedEncodingError as exc:
                if attempt >= self.options.retries:
                    raise self._unavailable(exc) from None
            except requests.exceptions.RequestException as exc:
                raise RegistryError(
                    f"request to registry {self.registry_name} failed: {_describe(exc)}"
                ) from None
            else:
                if response.status_code not in (500, 502, 503, 504) or attempt >= self.options.retries:
                    return response
                response.close()
            attempt += 1
            _wait(self.options.backoff * (2 ** (attempt - 1)), self.cancel)

    def _tls_error(self, exc: BaseException) -> RegistryTLSError:
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

    def _unavailable(self, exc: BaseException) -> RegistryUnavailable:
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

    # -- status mapping ----------------------------------------------------------
    def check_response(self, response: requests.Response, what: str) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        code, message = _registry_errors(response)
        detail = f" ({code}: {message})" if code or message else ""
        if status == 401:
            if self.credentials is None:
                raise RegistryAuthError(
                    f"registry {self.registry_name} requires authentication for {what}{detail}: log in with "
                    "'docker login', point --docker-config-json-path at a Docker config, or pass "
                    "--username with --password-stdin"
                )
            raise RegistryAuthError(
                f"registry {self.registry_name} refused the credentials of user '{self.credentials.username}' "
                f"(from {self.credentials.source}) for {what}{detail}: check the user name and password"
            )
        if status == 403:
            raise RegistryAuthError(
                f"registry {self.registry_name} denied access to {what}{detail}: the account lacks permission"
            )
        if status == 404:
            if code == "NAME_UNKNOWN":
                raise RegistryNotFound(f"repository not found: {what} does not exist on {self.registry_name}")
            raise RegistryNotFound(f"not found: {what}{detail}: check the repository, tag or digest")
        if status >= 500:
            raise RegistryUnavailable(
                f"registry {self.registry_name} failed with HTTP {status} for {what}{detail}; try again later"
            )
        raise RegistryError(f"registry {self.registry_name} answered HTTP {status} for {what}{detail}")

    def _check_200_response(self, response: requests.Response) -> None:  # used by oras methods
        self.check_response(response, self.subject or str(response.request.url if response.request else "?"))

    def probe(self) -> requests.Response:
        """``GET /v2/``: proves the endpoint speaks the distribution API (any HTTP answer counts)."""
        return self.do_request(f"{self.base_url}/v2/", "GET")


def _container(ref: OciReference) -> oras.container.Container:
    """An oras Container with the fields set directly (oras' own regex mis-parses dotted namespaces)."""
    container = oras.container.Container.__new__(oras.container.Container)
    namespace, _, repository = ref.repository.rpartition("/")
    container.registry = ref.host
    container.namespace = namespace or None
    container.repository = repository
    container.tag = ref.tag or "latest"
    container.digest = ref.digest
    return container


def _module_bytes(module: Any) -> bytes:
    if isinstance(module, (bytes, bytearray, memoryview)):
        return bytes(module)
    if isinstance(module, (str, Path)):
        try:
            return Path(module).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read policy module {module}: {exc.strerror}") from exc
    data = getattr(module, "data", None)
    if isinstance(data, (bytes, bytearray)):
        return bytes(data)
    raise InputError(f"cannot push {type(module).__name__}: expected module bytes, a path or a PolicyModule")


# --------------------------------------------------------------------------- public client


class RegistryClient:
    """Push, pull and resolve Kubewarden policies on OCI registries.

    ``sources`` / ``docker_config`` default to kwctl's files (``sources.yaml`` in the
    Kubewarden config dir, ``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json``).
    ``credentials`` (e.g. from ``--username``/``--password-stdin``) override the Docker config.
    """

    def __init__(
        self,
        *,
        sources: Sources | None = None,
        docker_config: DockerConfig | None = None,
        credentials: Credentials | None = None,
        options: TransportOptions | None = None,
    ) -> None:
        self.sources = sources if sources is not None else load_sources()
        self._docker_config = docker_config
        self.credentials = credentials
        self.options = options or TransportOptions()
        self._endpoints: dict[str, _OrasRegistry] = {}
        self._lock = threading.RLock()

    # -- lifecycle -----------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            for endpoint in self._endpoints.values():
                endpoint.close()
            self._endpoints.clear()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def docker_config(self) -> DockerConfig:
        if self._docker_config is None:
            self._docker_config = load_docker_config()
        return self._docker_config

    def _credentials_for(self, registry: str) -> Credentials | None:
        if self.credentials is not None:
            return self.credentials
        return self.docker_config.lookup(registry)

    # -- endpoint resolution (kwctl's protocol fallback for insecure sources) -------
    def _endpoint(self, ref: OciReference, cancel: _Cancel | None) -> _OrasRegistry:
        key = ref.host
        endpoint = self._endpoints.get(key)
        if endpoint is None:
            endpoint = self._resolve(ref, cancel)
            self._endpoints[key] = endpoint
        endpoint.cancel = cancel
        return endpoint

    def _plans(self, ref: OciReference) -> list[tuple[str, bool | str]]:
        """kwctl's order: HTTPS (system + sources.yaml CAs); for insecure sources then
        HTTPS without verification, then plain HTTP."""
        plans: list[tuple[str, bool | str]] = [("https", self.sources.ca_bundle_path(ref.registry))]
        if self.sources.is_insecure(ref.registry):
            plans += [("https", False), ("http", False)]
        return plans

    def _resolve(self, ref: OciReference, cancel: _Cancel | None) -> _OrasRegistry:
        plans = self._plans(ref)
        cache_key = (ref.host, tuple(plans))
        # the plan that worked last time in this process goes first (fresh clients per worker
        # would otherwise pay for failed TLS handshakes every time); the others still follow
        known = _RESOLVED.get(cache_key)
        order = (
            [known, *[i for i in range(len(plans)) if i != known]] if known is not None else range(len(plans))
        )
        creds = self._credentials_for(ref.registry)
        last_error: RegistryError | None = None
        server_speaks_tls = True
        for index in order:
            scheme, tls = plans[index]
            if scheme == "https" and not server_speaks_tls:
                continue  # a plain-HTTP server fails every TLS variant the same way
            endpoint = _OrasRegistry(
                ref.host,
                scheme=scheme,
                verify=tls,
                credentials=creds,
                options=self.options,
                registry_name=ref.registry,
            )
            endpoint.cancel = cancel
            try:
                response = endpoint.probe()
            except (RegistryTLSError, RegistryUnavailable) as exc:
                endpoint.close()
                last_error = exc
                if getattr(exc, "not_tls", False):
                    server_speaks_tls = False
                continue
            if response.status_code == 401:
                # learn the auth scheme now so that uploads carry credentials up front
                hdrs: dict[str, str] = {}
                if endpoint._negotiate(response, hdrs) and hdrs.get("Authorization", "").startswith("Basic"):
                    response.close()
                    response = endpoint.probe()
                    if response.status_code == 401:
                        endpoint.check_response(response, f"{ref.name}")
            response.close()
            _RESOLVED[cache_key] = index
            return endpoint
        _RESOLVED.pop(cache_key, None)
        assert last_error is not None
        raise last_error

    # -- read side -----------------------------------------------------------------------
    def _get_manifest(self, ref: OciReference, cancel: _Cancel | None) -> tuple[dict[str, Any], bytes, str]:
        endpoint = self._endpoint(ref, cancel)
        container = _container(ref)
        url = f"{endpoint.prefix}://{container.manifest_url(ref.reference)}"
        response = endpoint.do_request(url, "GET", headers={"Accept": ", ".join(ACCEPTED_MANIFEST_TYPES)})
        if response.status_code == 404:
            self._explain_missing(endpoint, ref)
        endpoint.check_response(response, f"{ref.whole()}")
        raw = response.content
        digest = sha256_digest(raw)
        if ref.digest and ref.digest.startswith("sha256:") and ref.digest != digest:
            raise RegistryError(
                f"registry {ref.registry} returned a manifest whose digest {digest} does not match {ref.digest}"
            )
        try:
            manifest = json.loads(raw)
        except ValueError as exc:
            raise RegistryError(
                f"registry {ref.registry} returned a manifest that is not JSON for {ref.whole()}"
            ) from exc
        if not isinstance(manifest, dict):
            raise RegistryError(f"registry {ref.registry} returned a malformed manifest for {ref.whole()}")
        return manifest, raw, digest

    def _explain_missing(self, endpoint: _OrasRegistry, ref: OciReference) -> None:
        """Registries answer MANIFEST_UNKNOWN for unknown repositories too: tell the two apart."""
        container = _container(ref)
        response = endpoint.do_request(f"{endpoint.prefix}://{container.tags_url()}", "GET")
        try:
            if response.status_code == 404:
                raise RegistryNotFound(
                    f"repository not found: {ref.name} does not exist on {ref.registry} (check the name)"
                )
            if response.status_code != 200:
                return
            try:
                tags = sorted(response.json().get("tags") or [])
            except (ValueError, AttributeError):
                return
        finally:
            response.close()
        shown = ", ".join(tags[:10]) + (", …" if len(tags) > 10 else "")
        what = f"digest {ref.digest}" if ref.digest else f"tag '{ref.tag}'"
        raise RegistryNotFound(
            f"{what} not found in repository {ref.name}" + (f" (available tags: {shown})" if tags else "")
        )

    def manifest(self, ref: str | OciReference, *, cancel: _Cancel | None = None) -> dict[str, Any]:
        """The image manifest of ``ref`` as a dict."""
        oci = ref if isinstance(ref, OciReference) else parse_oci_reference(ref)
        with self._lock:
            return self._get_manifest(oci, cancel)[0]

    def digest(self, ref: str | OciReference, *, cancel: _Cancel | None = None) -> str:
        """``sha256:<hex>`` of the manifest ``ref`` points to."""
        oci = ref if isinstance(ref, OciReference) else parse_oci_reference(ref)
        with self._lock:
            endpoint = self._endpoint(oci, cancel)
            container = _container(oci)
            url = f"{endpoint.prefix}://{container.manifest_url(oci.reference)}"
            response = endpoint.do_request(
                url, "HEAD", headers={"Accept": ", ".join(ACCEPTED_MANIFEST_TYPES)}
            )
            if response.status_code == 200 and response.headers.get("Docker-Content-Digest", "").startswith(
                "sha256:"
            ):
                return response.headers["Docker-Content-Digest"]
            response.close()
            # no digest header, or an error (HEAD answers carry no body): GET explains or hashes
            return self._get_manifest(oci, cancel)[2]

    def tags(self, ref: str | OciReference, *, cancel: _Cancel | None = None) -> list[str]:
        """Tags of the repository of ``ref`` (oras' paginated ``get_tags``)."""
        oci = ref if isinstance(ref, OciReference) else parse_oci_reference(ref)
        with self._lock:
            endpoint = self._endpoint(oci, cancel)
            endpoint.subject = f"repository {oci.name}"
            return list(endpoint.get_tags(_container(oci)))

    def pull(
        self,
        ref: str | OciReference,
        *,
        progress: ProgressCallback | None = None,
        cancel: _Cancel | None = None,
    ) -> bytes:
        """Download the policy module; verified (size, digest, ``\\0asm``) before it is returned."""
        oci = ref if isinstance(ref, OciReference) else parse_oci_reference(ref)
        with self._lock:
            manifest, _raw, _digest = self._get_manifest(oci, cancel)
            layer = self._policy_layer(manifest, oci)
            endpoint = self._endpoint(oci, cancel)
            return self._download_blob(endpoint, oci, layer["digest"], int(layer["size"]), progress, cancel)

    def _policy_layer(self, manifest: dict[str, Any], ref: OciReference) -> dict[str, Any]:
        media_type = manifest.get("mediaType", MANIFEST_MEDIA_TYPE)
        if "index" in str(media_type) or "manifest.list" in str(media_type):
            raise RegistryError(f"{ref.whole()} is an image index, not a Kubewarden policy")
        layers = manifest.get("layers")
        if not isinstance(layers, list) or not layers:
            raise RegistryError(f"{ref.whole()} has no layers: not a Kubewarden policy")
        for layer in layers:
            if isinstance(layer, dict) and layer.get("mediaType") == LAYER_MEDIA_TYPE:
                digest, size = layer.get("digest"), layer.get("size")
                if (
                    not isinstance(digest, str)
                    or not digest.startswith("sha256:")
                    or not isinstance(size, int)
                ):
                    raise RegistryError(
                        f"{ref.whole()}: the policy layer has no valid sha256 digest and size"
                    )
                if size > self.options.max_module_size:
                    raise RegistryError(
                        f"{ref.whole()}: the policy layer is {size} bytes, over the {self.options.max_module_size} limit"
                    )
                return layer
        types = ", ".join(
            sorted({str(layer.get("mediaType")) for layer in layers if isinstance(layer, dict)})
        )
        raise RegistryError(
            f"{ref.whole()} is not a Kubewarden policy: no layer of media type {LAYER_MEDIA_TYPE} (found {types})"
        )

    def _download_blob(
        self,
        endpoint: _OrasRegistry,
        ref: OciReference,
        digest: str,
        size: int,
        progress: ProgressCallback | None,
        cancel: _Cancel | None,
    ) -> bytes:
        report = _Progress(progress, size, self.options.chunk_size)
        response = endpoint.get_blob(_container(ref), digest, stream=True)
        try:
            endpoint.check_response(response, f"blob {digest} of {ref.name}")
            body = self._read_stream(response, size, report, cancel, f"{ref.whole()}", endpoint)
        finally:
            response.close()
        actual = sha256_digest(body)
        if actual != digest:
            raise RegistryError(
                f"download of {ref.whole()} is corrupt: layer digest {actual} does not match the manifest's {digest}"
            )
        if not body.startswith(WASM_MAGIC):
            raise ModuleError(f"{ref.whole()} is not a WebAssembly module (it does not start with \\0asm)")
        report.finish()
        return body

    def _read_stream(
        self,
        response: requests.Response,
        size: int | None,
        report: _Progress,
        cancel: _Cancel | None,
        what: str,
        endpoint: _OrasRegistry | None,
    ) -> bytes:
        buffer = bytearray()
        limit = size if size is not None else self.options.max_module_size
        try:
            for chunk in response.iter_content(chunk_size=self.options.chunk_size):
                if cancel is not None and cancel.cancelled:
                    raise OperationCancelled(f"download of {what} cancelled")
                buffer += chunk
                if len(buffer) > limit:
                    raise RegistryError(f"download of {what} is larger than the announced {limit} bytes")
                report(len(buffer))
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if endpoint is not None:
                raise endpoint._unavailable(exc) from None
            raise RegistryUnavailable(f"download of {what} was interrupted: {_describe(exc)}") from None
        if size is not None and len(buffer) != size:
            raise RegistryError(f"download of {what} is truncated: {len(buffer)} of {size} bytes")
        return bytes(buffer)

    # -- write side ------------------------------------------------------------------------
    def push(
        self,
        module: Any,
        ref: str | OciReference,
        *,
        force: bool = False,
        progress: ProgressCallback | None = None,
        cancel: _Cancel | None = None,
    ) -> PushResult:
        """Push module bytes / a path / a ``PolicyModule`` as a Kubewarden OCI artifact."""
        data = _module_bytes(module)
        if not data.startswith(WASM_MAGIC):
            raise ModuleError(
                "cannot push: the file is not a WebAssembly module (it does not start with \\0asm)"
            )
        oci = ref if isinstance(ref, OciReference) else parse_oci_reference(ref)
        facts = module_facts(data)
        check_pushable(facts, force=force)
        manifest = build_manifest(data, manifest_annotations(facts))
        jsonschema.validate(manifest, schema=oras.schemas.manifest)
        raw_manifest = json.dumps(manifest, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        with self._lock:
            endpoint = self._endpoint(oci, cancel)
            container = _container(oci)
            self._upload_blob(endpoint, container, oci, CONFIG_BLOB, None, None)
            self._upload_blob(endpoint, container, oci, data, progress, cancel)
            if cancel is not None and cancel.cancelled:
                raise OperationCancelled("push cancelled")
            url = f"{endpoint.prefix}://{container.manifest_url(oci.tag or oci.reference)}"
            response = endpoint.do_request(
                url, "PUT", data=raw_manifest, headers={"Content-Type": MANIFEST_MEDIA_TYPE}
            )
            endpoint.check_response(response, f"manifest {oci.whole()}")
            digest = sha256_digest(raw_manifest)
            announced = response.headers.get("Docker-Content-Digest")
            if announced and announced != digest:
                raise RegistryError(
                    f"registry {oci.registry} stored the manifest as {announced}, expected {digest}"
                )
        return PushResult(immutable_ref=f"{oci.registry}/{oci.repository}@{digest}", digest=digest)

    def _upload_blob(
        self,
        endpoint: _OrasRegistry,
        container: oras.container.Container,
        ref: OciReference,
        blob: bytes,
        progress: ProgressCallback | None,
        cancel: _Cancel | None,
    ) -> None:
        digest = sha256_digest(blob)
        report = _Progress(progress, len(blob), self.options.chunk_size)
        if endpoint.blob_exists({"digest": digest}, container):
            report.finish()
            return
        start = f"{endpoint.prefix}://{container.upload_blob_url()}"
        response = endpoint.do_request(start, "POST", headers={"Content-Length": "0"})
        endpoint.check_response(response, f"upload to {ref.name}")
        location = endpoint._get_location(response, container)
        if not location:
            raise RegistryError(f"registry {ref.registry} started an upload without a Location header")
        if location.startswith(("http://", "https://")) and not location.startswith(endpoint.base_url):
            # oras builds relative locations with its own prefix; keep the resolved scheme
            scheme_less = location.split("://", 1)[1]
            if scheme_less.startswith(endpoint.hostname or ""):
                location = f"{endpoint.scheme}://{scheme_less}"
        separator = "&" if "?" in location else "?"
        url = f"{location}{separator}digest={digest}"
        body = _UploadBody(blob, report, cancel, self.options.chunk_size)
        response = endpoint.do_request(
            url,
            "PUT",
            data=body,
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(len(blob))},
        )
        endpoint.check_response(response, f"upload of blob {digest} to {ref.name}")
        report.finish()

    # -- plain downloads ---------------------------------------------------------------------
    def download(
        self,
        ref: HttpReference,
        *,
        progress: ProgressCallback | None = None,
        cancel: _Cancel | None = None,
    ) -> bytes:
        """Download an ``http(s)://`` module (no auth; sources.yaml CAs and insecure fallback apply)."""
        plans: list[tuple[str, bool | str]] = [(ref.scheme, self.sources.ca_bundle_path(ref.host))]
        if ref.scheme == "https" and self.sources.is_insecure(ref.host):
            plans += [("https", False), ("http", False)]
        last: RegistryError | None = None
        for scheme, verify in plans:
            session = _OrasRegistry(
                ref.host,
                scheme=scheme,
                verify=verify,
                credentials=None,
                options=self.options,
                registry_name=ref.host,
            )
            session.cancel = cancel
            url = f"{scheme}://{ref.url.split('://', 1)[1]}"
            try:
                response = session.do_request(url, "GET", stream=True)
            except (RegistryTLSError, RegistryUnavailable) as exc:
                session.close()
                last = exc
                continue
            try:
                session.check_response(response, ref.url)
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                report = _Progress(progress, total or 0, self.options.chunk_size)
                body = self._read_stream(response, total, report, cancel, ref.url, session)
            finally:
                response.close()
                session.close()
            if not body.startswith(WASM_MAGIC):
                raise ModuleError(f"{ref.url} is not a WebAssembly module (it does not start with \\0asm)")
            if total:
                report.finish()
            elif progress is not None:
                progress(len(body), len(body))
            return body
        assert last is not None
        raise last
