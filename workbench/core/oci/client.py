"""Push, pull and resolve Kubewarden policies on OCI registries (see docs/oci.md).

:class:`RegistryClient` is the public face; the wire protocol lives in
:mod:`workbench.core.oci.distribution` (our own small layer on ``requests``).
Besides the Kubewarden verbs (``push``, ``pull``, ``digest``, ``manifest``, ``tags``,
``download``) it offers raw building blocks for other artifacts (signatures):
:meth:`RegistryClient.manifest_bytes`, :meth:`~RegistryClient.blob_bytes`,
:meth:`~RegistryClient.put_blob`, :meth:`~RegistryClient.put_manifest`,
:meth:`~RegistryClient.head_manifest`.

Not thread-safe by design: use one :class:`RegistryClient` per worker (calls on a
shared client are serialised by a lock).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any
from urllib.parse import urljoin

import requests

from workbench.core.errors import (
    InputError,
    ModuleError,
    OperationCancelled,
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
from workbench.core.oci.distribution import (
    MANIFEST_LIMIT,
    CancelLike,
    Deadline,
    Endpoint,
    TransportOptions,
    discard,
    iter_body,
    origin_of,
    read_capped,
    redact,
)
from workbench.core.oci.reference import HttpReference, OciReference, parse_oci_reference
from workbench.core.oci.sources import Sources, load_sources

__all__ = [
    "ProgressCallback",
    "PushResult",
    "RegistryClient",
    "TransportOptions",
]

#: ``progress(done_bytes, total_bytes)``; calls are monotonic and end with done == total
ProgressCallback = Callable[[int, int], None]
#: kept for callers typing a cancel argument
_Cancel = CancelLike

_DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}")
#: tag-list pages followed at most
MAX_TAG_PAGES = 100


@dataclasses.dataclass(frozen=True)
class PushResult:
    immutable_ref: str  # host/repository@sha256:...
    digest: str  # manifest digest


#: (host, plans) -> index of the endpoint plan that answered last (process-wide)
_RESOLVED: dict[tuple[str, tuple[tuple[str, bool], ...]], int] = {}

# --------------------------------------------------------------------------- transfer helpers


class _Progress:
    """Monotonic, throttled progress reporting (one call per ``step`` bytes plus the last)."""

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
    """A rewindable request body that reports progress and honours the deadline between chunks."""

    def __init__(
        self,
        data: memoryview,
        progress: _Progress | None,
        deadline: Deadline,
        chunk_size: int,
        offset: int = 0,
    ) -> None:
        self._data = data
        self._pos = 0
        self._progress = progress
        self._deadline = deadline
        self._chunk = chunk_size
        self._offset = offset

    def __len__(self) -> int:
        return len(self._data)

    def rewind(self) -> None:
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        self._deadline.check()
        if size is None or size < 0:
            size = len(self._data) - self._pos
        size = min(size, self._chunk)
        chunk = self._data[self._pos : self._pos + size].tobytes()
        self._pos += len(chunk)
        if chunk and self._progress is not None:
            self._progress(self._offset + self._pos)
        return chunk


class _Sink:
    """Writes a blob somewhere while hashing and counting it (the digest is checked at the end)."""

    def __init__(self, handle: IO[bytes] | None) -> None:
        self.handle = handle
        self.sha = hashlib.sha256()
        self.size = 0
        self.head = b""
        self.parts: list[bytes] = []

    def write(self, chunk: bytes) -> None:
        self.sha.update(chunk)
        self.size += len(chunk)
        if len(self.head) < 4:
            self.head = (self.head + chunk)[:4]
        if self.handle is not None:
            self.handle.write(chunk)
        else:
            self.parts.append(chunk)

    @property
    def digest(self) -> str:
        return "sha256:" + self.sha.hexdigest()


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


def _as_ref(ref: str | OciReference) -> OciReference:
    return ref if isinstance(ref, OciReference) else parse_oci_reference(ref)


def _media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";", 1)[0].strip()


# --------------------------------------------------------------------------- public client


class RegistryClient:
    """Push, pull and resolve Kubewarden policies on OCI registries.

    ``sources`` / ``docker_config`` default to kwctl's files (``sources.yaml`` in the
    Kubewarden config dir, ``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json``).
    ``credentials`` (e.g. from ``--username``/``--password-stdin``) override the Docker config
    and, like the Docker config's, are only ever sent to the registry they belong to
    (and to the token realm it names; see docs/oci.md, "Credentials").
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
        self._endpoints: dict[str, Endpoint] = {}
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

    def _manifest_deadline(self, what: str, cancel: CancelLike | None) -> Deadline:
        return Deadline(self.options.manifest_deadline, what, cancel)

    def _blob_deadline(self, what: str, cancel: CancelLike | None) -> Deadline:
        return Deadline(self.options.blob_deadline, what, cancel)

    # -- endpoint resolution (kwctl's protocol fallback for insecure sources) -------
    def _plans(self, registry: str) -> list[tuple[str, bool]]:
        """kwctl's order: HTTPS (system + sources.yaml CAs); for insecure sources then
        HTTPS without verification, then plain HTTP."""
        plans = [("https", True)]
        if self.sources.is_insecure(registry):
            plans += [("https", False), ("http", False)]
        return plans

    def _endpoint(self, ref: OciReference, deadline: Deadline) -> Endpoint:
        endpoint = self._endpoints.get(ref.host)
        if endpoint is None:
            endpoint = self._resolve(ref, deadline)
            self._endpoints[ref.host] = endpoint
        return endpoint

    def _resolve(self, ref: OciReference, deadline: Deadline) -> Endpoint:
        plans = self._plans(ref.registry)
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
            scheme, verify = plans[index]
            if scheme == "https" and not server_speaks_tls:
                continue  # a plain-HTTP server fails every TLS variant the same way
            endpoint = Endpoint(
                ref.host,
                scheme=scheme,
                context=self.sources.ssl_context(ref.registry, verify=verify) if scheme == "https" else None,
                credentials=creds,
                options=self.options,
                registry_name=ref.registry,
            )
            try:
                response = endpoint.probe(deadline)
            except (RegistryTLSError, RegistryUnavailable) as exc:
                endpoint.close()
                if deadline.remaining() <= 0:
                    raise
                last_error = exc
                if getattr(exc, "not_tls", False):
                    server_speaks_tls = False
                continue
            except BaseException:
                endpoint.close()
                raise
            status = response.status_code
            discard(response)  # never read: any HTTP answer proves the endpoint
            if status == 401 and endpoint.authorization and endpoint.authorization.startswith("Basic"):
                endpoint.close()
                raise endpoint.auth_error(ref.name, "")
            _RESOLVED[cache_key] = index
            return endpoint
        _RESOLVED.pop(cache_key, None)
        assert last_error is not None
        raise last_error

    # -- raw building blocks -----------------------------------------------------------
    def _manifest_url(self, endpoint: Endpoint, ref: OciReference, reference: str) -> str:
        return endpoint.url(f"/v2/{ref.repository}/manifests/{reference}")

    def _blob_url(self, endpoint: Endpoint, ref: OciReference, digest: str) -> str:
        return endpoint.url(f"/v2/{ref.repository}/blobs/{digest}")

    def _fetch_manifest(
        self, ref: OciReference, accept: str | Sequence[str], cancel: CancelLike | None
    ) -> tuple[bytes, str, str]:
        deadline = self._manifest_deadline(f"manifest download of {ref.whole()}", cancel)
        endpoint = self._endpoint(ref, deadline)
        accept_header = accept if isinstance(accept, str) else ", ".join(accept)
        response = endpoint.request(
            "GET",
            self._manifest_url(endpoint, ref, ref.reference),
            deadline,
            headers={"Accept": accept_header},
        )
        if response.status_code == 404:
            response.close()
            self._explain_missing(endpoint, ref, deadline)
        endpoint.check(response, ref.whole(), deadline)
        media_type = _media_type(response)
        raw = read_capped(
            response, deadline, self.options, limit=MANIFEST_LIMIT, what=f"the manifest of {ref.whole()}"
        )
        digest = sha256_digest(raw)
        if ref.digest and ref.digest.startswith("sha256:") and ref.digest != digest:
            raise RegistryError(
                f"registry {ref.registry} returned a manifest whose digest {digest} does not match {ref.digest}"
            )
        return raw, media_type, digest

    def manifest_bytes(
        self,
        ref: str | OciReference,
        *,
        accept: str | Sequence[str] = ACCEPTED_MANIFEST_TYPES,
        cancel: CancelLike | None = None,
    ) -> tuple[bytes, str, str]:
        """The raw manifest ``ref`` points to: ``(body, media type, "sha256:<hex>")``.

        ``accept`` is the ``Accept`` header (one type or several). The body is at most 4 MiB
        (:data:`~workbench.core.oci.distribution.MANIFEST_LIMIT`) and, for a digest reference,
        verified against it. The media type is the reply's ``Content-Type`` without parameters.
        Raises :class:`RegistryNotFound` for an unknown repository, tag or digest.
        """
        oci = _as_ref(ref)
        with self._lock:
            return self._fetch_manifest(oci, accept, cancel)

    def head_manifest(self, ref: str | OciReference, *, cancel: CancelLike | None = None) -> str | None:
        """The digest ``ref`` resolves to (``HEAD`` on the manifest), or None when it does not exist.

        Falls back to a bounded ``GET`` when the registry sends no ``Docker-Content-Digest``.
        """
        oci = _as_ref(ref)
        with self._lock:
            deadline = self._manifest_deadline(f"manifest lookup of {oci.whole()}", cancel)
            endpoint = self._endpoint(oci, deadline)
            response = endpoint.request(
                "HEAD",
                self._manifest_url(endpoint, oci, oci.reference),
                deadline,
                headers={"Accept": ", ".join(ACCEPTED_MANIFEST_TYPES)},
            )
            status = response.status_code
            announced = response.headers.get("Docker-Content-Digest", "")
            if status == 404:
                discard(response)
                return None
            endpoint.check(response, oci.whole(), deadline)
            discard(response)
            if _DIGEST_RE.fullmatch(announced):
                return announced
            try:
                return self._fetch_manifest(oci, ACCEPTED_MANIFEST_TYPES, cancel)[2]
            except RegistryNotFound:
                return None

    def blob_bytes(
        self, ref: str | OciReference, digest: str, *, max_size: int, cancel: CancelLike | None = None
    ) -> bytes:
        """The blob ``digest`` of ``ref``'s repository, streamed, at most ``max_size`` bytes and
        verified against ``digest`` (``sha256:`` only) before it is returned."""
        oci = _as_ref(ref)
        if not _DIGEST_RE.fullmatch(digest):
            raise RegistryError(f"{oci.name}: '{digest[:80]}' is not a sha256 digest")
        with self._lock:
            sink = _Sink(None)
            self._download_blob(oci, digest, None, max_size, sink, None, cancel)
            return b"".join(sink.parts)

    def put_blob(self, ref: str | OciReference, data: bytes, *, cancel: CancelLike | None = None) -> str:
        """Upload ``data`` as a blob of ``ref``'s repository and return its digest.

        Skipped when ``HEAD`` says the registry already has it.
        """
        oci = _as_ref(ref)
        with self._lock:
            return self._upload_blob(oci, data, None, cancel)

    def put_manifest(
        self, ref: str | OciReference, data: bytes, media_type: str, *, cancel: CancelLike | None = None
    ) -> str:
        """Store ``data`` (the exact bytes) as a manifest of type ``media_type`` under ``ref``'s tag
        (or digest) and return its digest ``sha256:<hex>``."""
        oci = _as_ref(ref)
        if len(data) > MANIFEST_LIMIT:
            raise InputError(
                f"manifest for {oci.whole()} is {len(data)} bytes, over the {MANIFEST_LIMIT}-byte limit"
            )
        digest = sha256_digest(data)
        if oci.digest and oci.digest != digest:
            raise InputError(f"manifest bytes hash to {digest}, not to the reference's {oci.digest}")
        with self._lock:
            deadline = self._manifest_deadline(f"manifest upload to {oci.whole()}", cancel)
            endpoint = self._endpoint(oci, deadline)
            response = endpoint.request(
                "PUT",
                self._manifest_url(endpoint, oci, oci.tag or oci.reference),
                deadline,
                data=data,
                headers={"Content-Type": media_type},
            )
            endpoint.check(response, f"manifest {oci.whole()}", deadline)
            announced = response.headers.get("Docker-Content-Digest")
            discard(response)
            if announced and announced != digest:
                raise RegistryError(
                    f"registry {oci.registry} stored the manifest as {redact(announced)[:80]}, expected {digest}"
                )
            return digest

    # -- Kubewarden read side ------------------------------------------------------------
    def _manifest_dict(self, ref: OciReference, cancel: CancelLike | None) -> tuple[dict[str, Any], str]:
        raw, _media, digest = self._fetch_manifest(ref, ACCEPTED_MANIFEST_TYPES, cancel)
        try:
            manifest = json.loads(raw)
        except RecursionError:
            raise RegistryError(
                f"registry {ref.registry} returned a manifest nested too deeply for {ref.whole()}"
            ) from None
        except ValueError:
            raise RegistryError(
                f"registry {ref.registry} returned a manifest that is not JSON for {ref.whole()}"
            ) from None
        if not isinstance(manifest, dict):
            raise RegistryError(f"registry {ref.registry} returned a malformed manifest for {ref.whole()}")
        return manifest, digest

    def _explain_missing(self, endpoint: Endpoint, ref: OciReference, deadline: Deadline) -> None:
        """Registries answer MANIFEST_UNKNOWN for unknown repositories too: tell the two apart."""
        response = endpoint.request("GET", endpoint.url(f"/v2/{ref.repository}/tags/list"), deadline)
        if response.status_code == 404:
            response.close()
            raise RegistryNotFound(
                f"repository not found: {ref.name} does not exist on {ref.registry} (check the name)"
            )
        tags: list[str] = []
        if response.status_code == 200:
            tags = self._tag_page(response, deadline, ref)[0]
        else:
            response.close()
        shown = ", ".join(sorted(tags)[:10]) + (", …" if len(tags) > 10 else "")
        what = f"digest {ref.digest}" if ref.digest else f"tag '{ref.tag}'"
        raise RegistryNotFound(
            f"{what} not found in repository {ref.name}" + (f" (available tags: {shown})" if tags else "")
        )

    def _tag_page(
        self, response: requests.Response, deadline: Deadline, ref: OciReference
    ) -> tuple[list[str], str]:
        link = response.headers.get("Link", "")
        raw = read_capped(
            response, deadline, self.options, limit=MANIFEST_LIMIT, what=f"the tag list of {ref.name}"
        )
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            raise RegistryError(
                f"registry {ref.registry} returned a tag list that is not JSON for {ref.name}"
            ) from None
        tags = body.get("tags") if isinstance(body, dict) else None
        if tags is None:
            tags = []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise RegistryError(f"registry {ref.registry} returned a malformed tag list for {ref.name}")
        match = re.match(r'\s*<([^>]*)>\s*;\s*rel="?next"?', link)
        return tags, match.group(1) if match else ""

    def manifest(self, ref: str | OciReference, *, cancel: CancelLike | None = None) -> dict[str, Any]:
        """The image manifest of ``ref`` as a dict."""
        oci = _as_ref(ref)
        with self._lock:
            return self._manifest_dict(oci, cancel)[0]

    def digest(self, ref: str | OciReference, *, cancel: CancelLike | None = None) -> str:
        """``sha256:<hex>`` of the manifest ``ref`` points to (RegistryNotFound when it does not exist)."""
        oci = _as_ref(ref)
        with self._lock:
            found = self.head_manifest(oci, cancel=cancel)
            if found is None:
                # explain what is missing (repository or tag) through the GET path
                self._fetch_manifest(oci, ACCEPTED_MANIFEST_TYPES, cancel)
                raise RegistryNotFound(f"not found: {oci.whole()}")
            return found

    def tags(self, ref: str | OciReference, *, cancel: CancelLike | None = None) -> list[str]:
        """Tags of the repository of ``ref`` (following ``Link`` pages of the same origin, at most 100)."""
        oci = _as_ref(ref)
        with self._lock:
            deadline = self._manifest_deadline(f"tag list of {oci.name}", cancel)
            endpoint = self._endpoint(oci, deadline)
            url = endpoint.url(f"/v2/{oci.repository}/tags/list")
            found: list[str] = []
            for _page in range(MAX_TAG_PAGES):
                response = endpoint.request("GET", url, deadline)
                endpoint.check(response, f"repository {oci.name}", deadline)
                tags, link = self._tag_page(response, deadline, oci)
                found += tags
                if not link:
                    return found
                url = urljoin(url, link)
                if origin_of(url) != endpoint.origin:
                    raise RegistryError(f"registry {oci.registry} paginated its tag list to another origin")
            raise RegistryError(f"registry {oci.registry} returned more than {MAX_TAG_PAGES} tag pages")

    def _policy_layer(self, manifest: dict[str, Any], ref: OciReference) -> tuple[str, int]:
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
                    or not _DIGEST_RE.fullmatch(digest)
                    or not isinstance(size, int)
                    or isinstance(size, bool)
                    or size < 0
                ):
                    raise RegistryError(
                        f"{ref.whole()}: the policy layer has no valid sha256 digest and size"
                    )
                if size > self.options.max_module_size:
                    raise RegistryError(
                        f"{ref.whole()}: the policy layer is {size} bytes, over the {self.options.max_module_size} limit"
                    )
                return digest, size
        types = ", ".join(
            sorted({str(layer.get("mediaType"))[:80] for layer in layers if isinstance(layer, dict)})
        )
        raise RegistryError(
            f"{ref.whole()} is not a Kubewarden policy: no layer of media type {LAYER_MEDIA_TYPE} (found {types})"
        )

    def _download_blob(
        self,
        ref: OciReference,
        digest: str,
        size: int | None,
        limit: int,
        sink: _Sink,
        progress: ProgressCallback | None,
        cancel: CancelLike | None,
    ) -> None:
        deadline = self._blob_deadline(f"download of {ref.name}@{digest[:19]}…", cancel)
        endpoint = self._endpoint(ref, deadline)
        response = endpoint.request("GET", self._blob_url(endpoint, ref, digest), deadline)
        endpoint.check(response, f"blob {digest} of {ref.name}", deadline)
        report = _Progress(progress, size or 0, self.options.chunk_size)
        what = f"download of {ref.whole()}"
        try:
            for chunk in iter_body(
                response, deadline, self.options, limit=size if size is not None else limit, what=what
            ):
                sink.write(chunk)
                report(sink.size)
        finally:
            response.close()
        if size is not None and sink.size != size:
            raise RegistryError(f"{what} is truncated: {sink.size} of {size} bytes")
        if sink.digest != digest:
            raise RegistryError(
                f"{what} is corrupt: layer digest {sink.digest} does not match the manifest's {digest}"
            )
        report.finish()

    def pull_into(
        self,
        ref: str | OciReference,
        handle: IO[bytes],
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelLike | None = None,
    ) -> str:
        """Stream the policy module of ``ref`` into ``handle`` and return its layer digest.

        The digest, the size and the ``\\0asm`` magic are verified while streaming; on an
        error ``handle`` holds a partial body the caller must discard (the store writes to a
        temporary file and renames it only on success).
        """
        oci = _as_ref(ref)
        with self._lock:
            manifest, _digest = self._manifest_dict(oci, cancel)
            digest, size = self._policy_layer(manifest, oci)
            sink = _Sink(handle)
            self._download_blob(oci, digest, size, size, sink, progress, cancel)
            if sink.head != WASM_MAGIC:
                raise ModuleError(
                    f"{oci.whole()} is not a WebAssembly module (it does not start with \\0asm)"
                )
            return digest

    def pull(
        self,
        ref: str | OciReference,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelLike | None = None,
    ) -> bytes:
        """Download the policy module; verified (size, digest, ``\\0asm``) before it is returned.

        The body goes through an anonymous temporary file, so memory holds one copy.
        """
        with tempfile.TemporaryFile() as spool:
            self.pull_into(ref, spool, progress=progress, cancel=cancel)
            spool.seek(0)
            return spool.read()

    # -- write side ------------------------------------------------------------------------
    def push(
        self,
        module: Any,
        ref: str | OciReference,
        *,
        force: bool = False,
        progress: ProgressCallback | None = None,
        cancel: CancelLike | None = None,
    ) -> PushResult:
        """Push module bytes / a path / a ``PolicyModule`` as a Kubewarden OCI artifact."""
        data = _module_bytes(module)
        if not data.startswith(WASM_MAGIC):
            raise ModuleError(
                "cannot push: the file is not a WebAssembly module (it does not start with \\0asm)"
            )
        oci = _as_ref(ref)
        facts = module_facts(data)
        check_pushable(facts, force=force)
        manifest = build_manifest(data, manifest_annotations(facts))
        raw_manifest = json.dumps(manifest, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        with self._lock:
            self._upload_blob(oci, CONFIG_BLOB, None, cancel)
            self._upload_blob(oci, data, progress, cancel)
            if cancel is not None and cancel.cancelled:
                raise OperationCancelled("push cancelled")
            digest = self.put_manifest(oci, raw_manifest, MANIFEST_MEDIA_TYPE, cancel=cancel)
        return PushResult(immutable_ref=f"{oci.registry}/{oci.repository}@{digest}", digest=digest)

    def _upload_location(
        self, endpoint: Endpoint, response: requests.Response, current: str, ref: OciReference
    ) -> str:
        location = response.headers.get("Location", "")
        if not location:
            raise RegistryError(f"registry {ref.registry} continued an upload without a Location header")
        url = urljoin(current, location)
        try:
            target = origin_of(url)
        except ValueError:
            raise RegistryError(f"registry {ref.registry} gave an unusable upload location") from None
        if endpoint.scheme == "https" and target.scheme != "https":
            raise RegistryError(
                f"registry {ref.registry} sent the upload to plain HTTP ({target.host}:{target.port}): refused"
            )
        return url

    def _upload_blob(
        self, ref: OciReference, blob: bytes, progress: ProgressCallback | None, cancel: CancelLike | None
    ) -> str:
        digest = sha256_digest(blob)
        report = _Progress(progress, len(blob), self.options.chunk_size)
        deadline = self._blob_deadline(f"upload of blob {digest[:19]}… to {ref.name}", cancel)
        endpoint = self._endpoint(ref, deadline)
        head = endpoint.request("HEAD", self._blob_url(endpoint, ref, digest), deadline)
        discard(head)
        if head.status_code == 200:
            report.finish()
            return digest
        start = endpoint.url(f"/v2/{ref.repository}/blobs/uploads/")
        response = endpoint.request("POST", start, deadline, headers={"Content-Length": "0"})
        endpoint.check(response, f"upload to {ref.name}", deadline)
        location = self._upload_location(endpoint, response, start, ref)
        discard(response)
        view = memoryview(blob)
        chunk = self.options.upload_chunk_size
        offset = 0
        if chunk and len(blob) > chunk:
            while offset < len(blob):
                part = view[offset : offset + chunk]
                body = _UploadBody(part, report, deadline, self.options.chunk_size, offset)
                response = endpoint.request(
                    "PATCH",
                    location,
                    deadline,
                    data=body,
                    headers={
                        "Content-Type": "application/octet-stream",
                        "Content-Length": str(len(part)),
                        "Content-Range": f"{offset}-{offset + len(part) - 1}",
                    },
                )
                endpoint.check(response, f"upload of blob {digest} to {ref.name}", deadline)
                location = self._upload_location(endpoint, response, location, ref)
                discard(response)
                offset += len(part)
            view = view[len(blob) :]
        separator = "&" if "?" in location else "?"
        body = _UploadBody(view, report, deadline, self.options.chunk_size, offset)
        response = endpoint.request(
            "PUT",
            f"{location}{separator}digest={digest}",
            deadline,
            data=body,
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(len(view))},
        )
        endpoint.check(response, f"upload of blob {digest} to {ref.name}", deadline)
        discard(response)
        report.finish()
        return digest

    # -- plain downloads ---------------------------------------------------------------------
    def download_into(
        self,
        ref: HttpReference,
        handle: IO[bytes],
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelLike | None = None,
    ) -> int:
        """Stream an ``http(s)://`` module into ``handle`` (no registry auth; sources.yaml CAs and the
        insecure fallback apply); returns its size. At most ``max_module_size`` bytes."""
        plans: list[tuple[str, bool]] = [(ref.scheme, True)]
        if ref.scheme == "https" and self.sources.is_insecure(ref.host):
            plans += [("https", False), ("http", False)]
        last: RegistryError | None = None
        deadline = self._blob_deadline(f"download of {ref.uri}", cancel)
        for scheme, verify in plans:
            session = Endpoint(
                ref.host,
                scheme=scheme,
                context=self.sources.ssl_context(ref.host, verify=verify) if scheme == "https" else None,
                credentials=None,
                options=self.options,
                registry_name=ref.host,
            )
            url = f"{scheme}://{ref.url.split('://', 1)[1]}"
            try:
                response = session.request("GET", url, deadline, negotiate=False)
            except (RegistryTLSError, RegistryUnavailable) as exc:
                session.close()
                if deadline.remaining() <= 0:
                    raise
                last = exc
                continue
            try:
                session.check(response, ref.uri, deadline)
                length = response.headers.get("Content-Length", "")
                total = int(length) if length.isdigit() else 0
                report = _Progress(progress, total, self.options.chunk_size)
                sink = _Sink(handle)
                for chunk in iter_body(
                    response,
                    deadline,
                    self.options,
                    limit=self.options.max_module_size,
                    what=f"download of {ref.uri}",
                ):
                    sink.write(chunk)
                    report(sink.size)
            finally:
                response.close()
                session.close()
            if sink.head != WASM_MAGIC:
                raise ModuleError(f"{ref.uri} is not a WebAssembly module (it does not start with \\0asm)")
            if total:
                report.finish()
            elif progress is not None:
                progress(sink.size, sink.size)
            return sink.size
        assert last is not None
        raise last

    def download(
        self,
        ref: HttpReference,
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelLike | None = None,
    ) -> bytes:
        """Download an ``http(s)://`` module into memory (see :meth:`download_into`)."""
        with tempfile.TemporaryFile() as spool:
            self.download_into(ref, spool, progress=progress, cancel=cancel)
            spool.seek(0)
            return spool.read()
