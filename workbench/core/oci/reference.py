"""Policy references: OCI registry references, local files and plain HTTP(S) downloads.

Accepted forms (as kwctl / policy-fetcher):

* ``registry://host[:port]/repo[:tag][@digest]`` and the same without a scheme
  (``host/repo:tag``, ``repo``), resolved with the Docker rules: no registry
  means ``docker.io``, a single-segment repository on Docker Hub becomes
  ``library/<name>``, no tag and no digest means ``latest``;
* ``file:///abs/path.wasm`` and plain paths (``./policy.wasm``, ``/abs/x.wasm``);
* ``https://host/path/policy.wasm`` / ``http://…`` (a plain download, no auth).

A plain string that names an existing file, starts with ``/``, ``./``, ``../``
or ``~``, or ends in ``.wasm`` without a tag is a local path; anything else
without a scheme is a registry reference.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit, urlunsplit

from workbench.core.errors import InputError

__all__ = [
    "DEFAULT_REGISTRY",
    "DEFAULT_TAG",
    "FileReference",
    "HttpReference",
    "OciReference",
    "PolicyReference",
    "parse_oci_reference",
    "parse_reference",
    "redact",
    "redact_url",
]

DEFAULT_REGISTRY = "docker.io"
DEFAULT_TAG = "latest"
#: Docker Hub aliases folded into ``docker.io``
_DOCKER_HUB_ALIASES = {"index.docker.io", "registry-1.docker.io", "docker.io"}

# distribution/reference grammar
_ALNUM = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEPARATOR}{_ALNUM})*"
_REPOSITORY_RE = re.compile(rf"{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*")
_TAG_RE = re.compile(r"[\w][\w.-]{0,127}")
_DIGEST_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")
_SHA256_RE = re.compile(r"sha256:[0-9a-f]{64}")
_HOST_LABEL = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST_RE = re.compile(rf"(?:{_HOST_LABEL}(?:\.{_HOST_LABEL})*|\[[0-9a-fA-F:.]+\])(?::[0-9]{{1,5}})?")
_MAX_NAME = 255
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


@dataclasses.dataclass(frozen=True)
class OciReference:
    """A fully resolved OCI reference (``registry``/``repository`` plus tag and/or digest)."""

    registry: str
    repository: str
    tag: str | None = DEFAULT_TAG
    digest: str | None = None
    #: the text the user typed (kept for messages and ``digest`` output)
    original: str = dataclasses.field(default="", compare=False)

    kind: Literal["registry"] = dataclasses.field(default="registry", init=False, compare=False)

    @property
    def host(self) -> str:
        """``host[:port]`` used to talk to the registry (Docker Hub's API host for docker.io)."""
        return "registry-1.docker.io" if self.registry == DEFAULT_REGISTRY else self.registry

    @property
    def name(self) -> str:
        """``registry/repository`` without tag or digest."""
        return f"{self.registry}/{self.repository}"

    @property
    def reference(self) -> str:
        """What goes after ``/manifests/``: the digest when known, else the tag."""
        return self.digest or self.tag or DEFAULT_TAG

    def whole(self) -> str:
        """``registry/repository[:tag][@digest]`` (oci-client's ``Reference::whole``)."""
        text = self.name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text

    @property
    def uri(self) -> str:
        """Normalised ``registry://`` URI (explicit tag), as kwctl stores and lists it."""
        return f"registry://{self.whole()}"

    def with_digest(self, digest: str) -> OciReference:
        """``registry/repository@digest``: the immutable form."""
        return OciReference(self.registry, self.repository, None, digest, original=self.original)

    def with_tag(self, tag: str) -> OciReference:
        return OciReference(self.registry, self.repository, tag, None, original=self.original)

    def __str__(self) -> str:
        return self.whole()


@dataclasses.dataclass(frozen=True)
class FileReference:
    """A local module."""

    path: Path
    original: str = dataclasses.field(default="", compare=False)
    kind: Literal["file"] = dataclasses.field(default="file", init=False, compare=False)

    @property
    def uri(self) -> str:
        return self.path.resolve().as_uri()

    def __str__(self) -> str:
        return str(self.path)


@dataclasses.dataclass(frozen=True)
class HttpReference:
    """A module downloaded over plain HTTP(S), without authentication."""

    url: str
    scheme: Literal["http", "https"]
    host: str  # host[:port]
    path: str  # URL path, starts with "/"
    original: str = dataclasses.field(default="", compare=False, repr=False)
    kind: Literal["http"] = dataclasses.field(default="http", init=False, compare=False)
    #: the query string without "?" (part of the store key: ``x.wasm?v=2`` is not ``x.wasm?v=1``)
    query: str = ""

    @property
    def uri(self) -> str:
        """The URL for messages and listings: any ``user:password@`` is removed."""
        return redact_url(self.url)

    def __repr__(self) -> str:
        return f"HttpReference(url={self.uri!r})"

    def __str__(self) -> str:
        return self.uri


_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s?#]*@")


def redact(text: str) -> str:
    """``text`` with the ``user:password@`` part of every URL in it replaced by ``***@``."""
    return _USERINFO_RE.sub(r"\1***@", text)


def redact_url(url: str) -> str:
    """``url`` without its userinfo (``https://user:pw@host/x`` → ``https://***@host/x``)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


PolicyReference = OciReference | FileReference | HttpReference


def _looks_like_registry_host(component: str) -> bool:
    # Docker: the first component is a registry if it has a dot or a colon, is
    # "localhost", or contains upper-case letters (not valid in a repository)
    return "." in component or ":" in component or component == "localhost" or component != component.lower()


def parse_oci_reference(text: str) -> OciReference:
    """Parse ``[registry://]name[:tag][@digest]`` with the Docker rules; raise :class:`InputError`
    (whose message never repeats a ``user:password@`` part)."""
    try:
        return _parse_oci_reference(text)
    except InputError as exc:
        raise InputError(redact(str(exc))) from None


def _parse_oci_reference(text: str) -> OciReference:
    original = text
    raw = text.strip()
    if raw.startswith("registry://"):
        raw = raw[len("registry://") :]
    elif _SCHEME_RE.match(raw):
        raise InputError(
            f"'{original}' is not a registry reference (expected registry://host/repository:tag)"
        )
    if not raw:
        raise InputError("empty registry reference")
    if any(ch.isspace() for ch in raw):
        raise InputError(f"invalid registry reference '{original}': it contains white space")

    digest: str | None = None
    if "@" in raw:
        raw, digest = raw.split("@", 1)
        if not _DIGEST_RE.fullmatch(digest):
            raise InputError(
                f"invalid registry reference '{original}': '{digest}' is not a digest (expected sha256:<64 hex>)"
            )
        if digest.startswith("sha256:") and not _SHA256_RE.fullmatch(digest):
            raise InputError(
                f"invalid registry reference '{original}': a sha256 digest has 64 lower-case hex characters"
            )

    registry = DEFAULT_REGISTRY
    remainder = raw
    first, sep, rest = raw.partition("/")
    if sep and _looks_like_registry_host(first):
        registry, remainder = first, rest
        if not _HOST_RE.fullmatch(registry):
            raise InputError(
                f"invalid registry reference '{original}': '{registry}' is not a valid registry host"
            )
    tag: str | None = None
    last_slash = remainder.rfind("/")
    colon = remainder.rfind(":")
    if colon > last_slash:
        remainder, tag = remainder[:colon], remainder[colon + 1 :]
        if not _TAG_RE.fullmatch(tag):
            raise InputError(
                f"invalid registry reference '{original}': '{tag}' is not a valid tag "
                "(letters, digits, '_', '.', '-', at most 128 characters)"
            )
    repository = remainder
    if registry.lower() in _DOCKER_HUB_ALIASES:
        registry = DEFAULT_REGISTRY
        if "/" not in repository:
            repository = f"library/{repository}"
    if not repository or not _REPOSITORY_RE.fullmatch(repository):
        raise InputError(
            f"invalid registry reference '{original}': repository '{repository}' must be lower-case "
            "path components of letters and digits separated by '.', '_', '__' or '-'"
        )
    if len(f"{registry}/{repository}") > _MAX_NAME:
        raise InputError(
            f"invalid registry reference '{original}': the name is longer than {_MAX_NAME} characters"
        )
    if tag is None and digest is None:
        tag = DEFAULT_TAG
    return OciReference(registry=registry, repository=repository, tag=tag, digest=digest, original=original)


def _is_local_path(text: str) -> bool:
    if text.startswith(("/", "./", "../", "~", ".\\", "..\\")) or text in {".", ".."}:
        return True
    if os.sep != "/" and (text.startswith(os.sep) or re.match(r"^[A-Za-z]:[\\/]", text)):
        return True
    if os.path.exists(text):
        return True
    # "policy.wasm" / "dir/policy.wasm": a file name, not a registry tag
    return text.endswith(".wasm") and ":" not in text.rsplit("/", 1)[-1]


def parse_reference(text: str) -> PolicyReference:
    """Classify and parse what the user typed; raise :class:`InputError` for garbage.

    Error messages never repeat a ``user:password@`` part of what was typed.
    """
    try:
        return _parse_reference(text)
    except InputError as exc:
        raise InputError(redact(str(exc))) from None


def _parse_reference(text: str) -> PolicyReference:
    if not isinstance(text, str) or not text.strip():
        raise InputError("empty policy reference")
    stripped = text.strip()
    if "\0" in stripped:
        raise InputError("invalid policy reference: it contains a NUL character")
    match = _SCHEME_RE.match(stripped)
    if match:
        scheme = match.group(1).lower()
        if scheme == "registry":
            return _parse_oci_reference(stripped)
        if scheme == "file":
            parts = urlsplit(stripped)
            if parts.netloc not in {"", "localhost"}:
                raise InputError(f"'{text}': file:// URIs must be local (file:///path/to/policy.wasm)")
            path = unquote(parts.path)
            if not path:
                raise InputError(f"'{text}': the file:// URI has no path")
            return FileReference(Path(path), original=text)
        if scheme in {"http", "https"}:
            parts = urlsplit(stripped)
            shown = redact_url(stripped)
            if not parts.hostname:
                raise InputError(f"'{shown}': the URL has no host")
            try:
                port = parts.port
            except ValueError:
                raise InputError(f"'{shown}': invalid port in the URL") from None
            default_port = 443 if scheme == "https" else 80
            host = parts.hostname + (f":{port}" if port is not None and port != default_port else "")
            path = parts.path or "/"
            if path.endswith("/"):
                raise InputError(f"'{shown}': the URL must name a .wasm file, not a directory")
            return HttpReference(
                url=stripped,
                scheme=scheme,  # type: ignore[arg-type]
                host=host,
                path=path,
                original=text,
                query=parts.query,
            )
        raise InputError(
            f"'{redact_url(stripped)}': unknown scheme '{scheme}' (use registry://, https://, http:// or file://)"
        )
    if _is_local_path(stripped):
        return FileReference(Path(os.path.expanduser(stripped)), original=text)
    return _parse_oci_reference(stripped)
