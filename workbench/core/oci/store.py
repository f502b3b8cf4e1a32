"""The local policy store, laid out exactly like kwctl's so both tools share policies.

Root: ``$POLICY_WORKBENCH_STORE``, else ``<kubewarden cache dir>/store``
(``~/.cache/kubewarden/store`` on Linux). A policy lives at
``<root>/<scheme>/<host[:port]>/<url path dirs…>/<last segment>``; for registry
references the last segment keeps the tag (``safe-labels:v0.1.7``), and a tagless
reference is stored as ``:latest``. On Windows every component except the scheme
is URL-safe base64 without padding (policy-fetcher's ``store/path/windows.rs``).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import errno
import hashlib
import logging
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from workbench.core.errors import InputError, StoreError, WorkbenchError
from workbench.core.oci.reference import FileReference, HttpReference, OciReference, parse_reference, redact
from workbench.core.oci.sources import kubewarden_cache_dir

__all__ = ["SCHEMES", "STORE_ENV", "Store", "StoredPolicy", "is_sha_prefix"]

log = logging.getLogger(__name__)

STORE_ENV = "POLICY_WORKBENCH_STORE"
#: largest file the store reads (the registry client refuses bigger policy layers)
MAX_STORED_SIZE = 512 * 1024 * 1024
SCHEMES = ("http", "https", "registry")
SHA_PREFIX_LEN = 12
_HEX_RE = re.compile(r"[0-9a-fA-F]{12,64}")


def is_sha_prefix(text: str) -> bool:
    """12 to 64 hex characters: what ``policies`` shows and SHA-prefix arguments accept."""
    return bool(_HEX_RE.fullmatch(text.strip()))


@dataclasses.dataclass(frozen=True)
class StoredPolicy:
    """One module in the store."""

    uri: str
    path: Path
    sha256: str  # hex of the file
    size: int
    title: str | None
    mutating: bool | None  # None: no metadata
    context_aware: bool | None

    @property
    def sha_prefix(self) -> str:
        return self.sha256[:SHA_PREFIX_LEN]


def _encode(component: str) -> str:
    return base64.urlsafe_b64encode(component.encode("utf-8")).decode("ascii").rstrip("=")


def _decode(component: str) -> str:
    padded = component + "=" * (-len(component) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")


_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
)


def _open_regular(path: Path) -> IO[bytes]:
    """Open ``path`` for reading only if it is a regular file (never through a symlink, never a
    FIFO or device: ``O_NOFOLLOW | O_NONBLOCK`` and an ``fstat`` check)."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StoreError(f"{path} is a symbolic link: the policy store never follows links") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(f"{path} is not a regular file: the policy store only reads regular files")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _chunks(handle: IO[bytes], limit: int, path: Path) -> Iterator[bytes]:
    read = 0
    while True:
        chunk = handle.read(1 << 20)
        if not chunk:
            return
        read += len(chunk)
        if read > limit:
            raise StoreError(f"{path} is larger than {limit} bytes: not a policy the store reads")
        yield chunk


def _sha256_file(path: Path) -> str:
    sha = hashlib.sha256()
    with _open_regular(path) as handle:
        for chunk in _chunks(handle, MAX_STORED_SIZE, path):
            sha.update(chunk)
    return sha.hexdigest()


def _read_file(path: Path) -> bytes:
    with _open_regular(path) as handle:
        return b"".join(_chunks(handle, MAX_STORED_SIZE, path))


class Store:
    """kwctl-compatible policy store rooted at ``root``."""

    def __init__(self, root: str | os.PathLike[str] | None = None, *, windows: bool | None = None) -> None:
        self.root = Path(os.path.expanduser(os.fspath(root))) if root is not None else self.default_root()
        self.windows = sys.platform == "win32" if windows is None else windows

    @staticmethod
    def default_root() -> Path:
        env = os.environ.get(STORE_ENV)
        if env:
            return Path(os.path.expanduser(env))
        return kubewarden_cache_dir() / "store"

    # -- paths ---------------------------------------------------------------------
    def _components(self, ref: OciReference | HttpReference) -> tuple[str, list[str]]:
        if isinstance(ref, OciReference):
            parts = [ref.registry, *ref.whole()[len(ref.registry) + 1 :].split("/")]
            return "registry", parts
        parts = [ref.host, *[p for p in ref.path.split("/") if p]]
        if ref.query and len(parts) > 1:
            # the query is part of what was fetched: x.wasm?v=2 is not x.wasm?v=1
            parts[-1] = f"{parts[-1]}?{ref.query.replace('/', '%2F')}"
        return ref.scheme, parts

    def relative_path(self, ref: str | OciReference | HttpReference) -> Path:
        """Store-relative path (what ``kwctl save`` puts in its tarball)."""
        parsed = self._parse(ref)
        scheme, parts = self._components(parsed)
        for part in parts:
            if part in {"", ".", ".."}:
                raise InputError(
                    f"'{redact(str(ref))}' cannot be stored: it has an empty or relative path component"
                )
            if "/" in part or "\0" in part or len(part.encode()) > 255:
                raise InputError(
                    f"'{redact(str(ref))}' cannot be stored: a path component is not a file name"
                )
        if self.windows:
            parts = [_encode(p) for p in parts]
        return Path(scheme, *parts)

    def path_for(self, ref: str | OciReference | HttpReference) -> Path:
        """Absolute store path for a registry or http(s) reference."""
        return self.root / self.relative_path(ref)

    @staticmethod
    def _parse(ref: str | OciReference | HttpReference) -> OciReference | HttpReference:
        parsed = parse_reference(ref) if isinstance(ref, str) else ref
        if isinstance(parsed, FileReference):
            raise InputError(f"'{redact(str(ref))}' is a local file, not a registry or http(s) reference")
        return parsed

    def uri_for_path(self, path: Path) -> str | None:
        """The URI a store file stands for, or None when it is not inside a known scheme dir."""
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            return None
        parts = rel.parts
        if len(parts) < 3 or parts[0] not in SCHEMES:
            return None
        rest = list(parts[1:])
        if self.windows:
            try:
                rest = [_decode(p) for p in rest]
            except (binascii.Error, UnicodeDecodeError, ValueError):
                return None
        return f"{parts[0]}://{'/'.join(rest)}"

    # -- link safety -------------------------------------------------------------------
    def _inside(self, path: Path) -> list[Path]:
        """The store paths from the first component below the root down to ``path``."""
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            raise StoreError(f"{path} is outside the policy store at {self.root}") from None
        chain: list[Path] = []
        current = self.root
        for part in rel.parts:
            current = current / part
            chain.append(current)
        return chain

    def _check_no_links(self, path: Path, *, create_dirs: bool = False) -> None:
        """Refuse a store path with a symbolic link (or a non-directory) anywhere below the root.

        The root itself may be a link (a user's choice); nothing inside it is followed.
        With ``create_dirs`` the missing parent directories are created one by one.
        """
        chain = self._inside(path)
        for index, component in enumerate(chain):
            last = index == len(chain) - 1
            try:
                info = os.lstat(component)
            except FileNotFoundError:
                if last or not create_dirs:
                    return
                try:
                    os.mkdir(component, 0o755)
                except FileExistsError:
                    pass
                info = os.lstat(component)
            if stat.S_ISLNK(info.st_mode):
                raise StoreError(
                    f"{component} is a symbolic link: the policy store never follows links (remove it)"
                )
            if not last and not stat.S_ISDIR(info.st_mode):
                raise StoreError(f"{component} in the policy store is not a directory")

    def _is_regular(self, path: Path) -> bool:
        """True when ``path`` is a regular file reached without any link below the root."""
        try:
            self._check_no_links(path)
            return stat.S_ISREG(os.lstat(path).st_mode)
        except (OSError, StoreError):
            return False

    # -- writing ---------------------------------------------------------------------
    def write(self, ref: str | OciReference | HttpReference, data: bytes) -> Path:
        """Atomically store ``data`` for ``ref`` (temp file + rename)."""
        return self.write_stream(ref, lambda handle: handle.write(data))

    def write_stream(
        self, ref: str | OciReference | HttpReference, fill: Callable[[IO[bytes]], object]
    ) -> Path:
        """Atomically store what ``fill(handle)`` writes for ``ref``.

        ``fill`` writes into a temporary file in the target's directory (inside the store, never
        through a link); it is renamed over the target only when ``fill`` returns, and removed
        when it raises (a failed or cancelled pull leaves nothing behind).
        """
        target = self.path_for(ref)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self._check_no_links(target, create_dirs=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".partial-", suffix=".wasm")
            try:
                with os.fdopen(fd, "wb") as handle:
                    fill(handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                self._check_no_links(target)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StoreError(f"cannot write {target} into the policy store: {exc.strerror or exc}") from exc
        return target

    # -- reading -----------------------------------------------------------------------
    def _describe(self, path: Path, uri: str) -> StoredPolicy:
        from workbench.core.oci.artifact import module_facts

        data = _read_file(path)
        title = mutating = context_aware = None
        try:
            facts = module_facts(data)
        except (WorkbenchError, RecursionError, ValueError, OverflowError, MemoryError):
            facts = None  # an unreadable module is still listed (and removable)
        if facts is not None:
            title, mutating, context_aware = facts.title, facts.mutating, facts.context_aware
        return StoredPolicy(
            uri=uri,
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            title=title,
            mutating=mutating,
            context_aware=context_aware,
        )

    def _files(self) -> list[tuple[Path, str]]:
        found: list[tuple[Path, str]] = []
        for scheme in SCHEMES:
            base = self.root / scheme
            if not base.is_dir():
                continue
            if not self._is_dir_no_link(base):
                continue
            for dirpath, _dirs, files in os.walk(base):  # never descends into linked directories
                for name in files:
                    if name.startswith(".partial-"):
                        continue
                    path = Path(dirpath) / name
                    try:
                        info = os.lstat(path)
                    except OSError:
                        continue
                    if not stat.S_ISREG(info.st_mode):
                        log.warning("policy store: ignoring %s (not a regular file)", path)
                        continue
                    uri = self.uri_for_path(path)
                    if uri is not None:
                        found.append((path, uri))
        return sorted(found, key=lambda item: item[1])

    def contains(self, ref: str | OciReference | HttpReference) -> bool:
        """True when the store holds ``ref`` as a regular file (reached without links)."""
        return self._is_regular(self.path_for(ref))

    def _is_dir_no_link(self, path: Path) -> bool:
        try:
            return stat.S_ISDIR(os.lstat(path).st_mode)
        except OSError:
            return False

    def list_policies(self) -> list[StoredPolicy]:
        """Every module in the store, sorted by URI."""
        try:
            return [self._describe(path, uri) for path, uri in self._files()]
        except OSError as exc:
            raise StoreError(f"cannot read the policy store at {self.root}: {exc.strerror or exc}") from exc

    def find_by_sha_prefix(self, prefix: str) -> StoredPolicy | None:
        """The unique policy whose sha256 starts with ``prefix`` (None if none; StoreError if ambiguous)."""
        prefix = prefix.lower()
        matches: list[StoredPolicy] = []
        for path, uri in self._files():
            if _sha256_file(path).startswith(prefix):
                matches.append(self._describe(path, uri))
        if len(matches) > 1:
            shas = {m.sha256 for m in matches}
            if len(shas) > 1:
                listing = ", ".join(f"{m.uri} ({m.sha_prefix})" for m in matches)
                raise StoreError(
                    f"SHA prefix '{prefix}' is ambiguous: it matches {listing}; give more characters"
                )
            raise StoreError(
                f"SHA prefix '{prefix}' matches the same module stored under several URIs: "
                + ", ".join(m.uri for m in matches)
                + "; use the URI instead"
            )
        return matches[0] if matches else None

    def lookup(self, ref_or_sha: str) -> StoredPolicy:
        """Find a stored policy by URI/reference or by a (unique) SHA-256 prefix of at least 12 characters."""
        text = ref_or_sha.strip()
        if _HEX_RE.fullmatch(text):
            found = self.find_by_sha_prefix(text)
            if found is not None:
                return found
        try:
            parsed = self._parse(text)
        except InputError:
            if _HEX_RE.fullmatch(text):
                raise StoreError(f"no policy with SHA prefix '{text}' in the store at {self.root}") from None
            raise
        path = self.path_for(parsed)
        self._check_no_links(path)
        regular = self._is_regular(path)
        if not regular and _HEX_RE.fullmatch(text):
            raise StoreError(
                f"no policy with SHA prefix '{text}' (nor {parsed.uri}) in the store at {self.root}"
            )
        if not regular:
            raise StoreError(
                f"policy {parsed.uri} is not in the local store ({self.root}); pull it first "
                f"(policy-workbench pull {parsed.uri})"
            )
        try:
            return self._describe(path, self.uri_for_path(path) or parsed.uri)
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc

    def remove(self, ref_or_sha: str) -> StoredPolicy:
        """Delete a stored policy (by URI or SHA prefix) and the directories it leaves empty."""
        policy = self.lookup(ref_or_sha)
        self._check_no_links(policy.path)  # checked again right before unlinking
        if not self._is_regular(policy.path):
            raise StoreError(f"{policy.path} is not a regular file in the policy store: not removed")
        try:
            policy.path.unlink()
        except OSError as exc:
            raise StoreError(f"cannot remove {policy.path}: {exc.strerror or exc}") from exc
        stop = {self.root, *[self.root / s for s in SCHEMES]}
        parent = policy.path.parent
        while parent not in stop and self.root in parent.parents:
            try:
                if stat.S_ISLNK(os.lstat(parent).st_mode):
                    break
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent
        return policy
