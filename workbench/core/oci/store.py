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
import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path

from workbench.core.errors import InputError, StoreError, WorkbenchError
from workbench.core.oci.reference import FileReference, HttpReference, OciReference, parse_reference
from workbench.core.oci.sources import kubewarden_cache_dir

__all__ = ["SCHEMES", "STORE_ENV", "Store", "StoredPolicy", "is_sha_prefix"]

STORE_ENV = "POLICY_WORKBENCH_STORE"
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


def _sha256_file(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


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
        return ref.scheme, parts

    def relative_path(self, ref: str | OciReference | HttpReference) -> Path:
        """Store-relative path (what ``kwctl save`` puts in its tarball)."""
        parsed = self._parse(ref)
        scheme, parts = self._components(parsed)
        for part in parts:
            if part in {"", ".", ".."}:
                raise InputError(f"'{ref}' cannot be stored: it has an empty or relative path component")
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
            raise InputError(f"'{ref}' is a local file, not a registry or http(s) reference")
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

    # -- writing ---------------------------------------------------------------------
    def write(self, ref: str | OciReference | HttpReference, data: bytes) -> Path:
        """Atomically store ``data`` for ``ref`` (temp file + rename)."""
        target = self.path_for(ref)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".partial-", suffix=".wasm")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
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

        data = path.read_bytes()
        title = mutating = context_aware = None
        try:
            facts = module_facts(data)
        except WorkbenchError:
            facts = None
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
            for dirpath, _dirs, files in os.walk(base):
                for name in files:
                    if name.startswith(".partial-"):
                        continue
                    path = Path(dirpath) / name
                    uri = self.uri_for_path(path)
                    if uri is not None:
                        found.append((path, uri))
        return sorted(found, key=lambda item: item[1])

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
        if not path.is_file() and _HEX_RE.fullmatch(text):
            raise StoreError(
                f"no policy with SHA prefix '{text}' (nor {parsed.uri}) in the store at {self.root}"
            )
        if not path.is_file():
            raise StoreError(
                f"policy {parsed.uri} is not in the local store ({self.root}); pull it first "
                f"(policy-workbench pull {parsed.uri})"
            )
        return self._describe(path, self.uri_for_path(path) or parsed.uri)

    def remove(self, ref_or_sha: str) -> StoredPolicy:
        """Delete a stored policy (by URI or SHA prefix) and the directories it leaves empty."""
        policy = self.lookup(ref_or_sha)
        try:
            policy.path.unlink()
        except OSError as exc:
            raise StoreError(f"cannot remove {policy.path}: {exc.strerror or exc}") from exc
        parent = policy.path.parent
        stop = {self.root.resolve(), *[(self.root / s).resolve() for s in SCHEMES]}
        while parent.resolve() not in stop and parent != parent.parent:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent
        return policy
