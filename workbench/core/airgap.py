"""Air-gapped transfer of policies: ``save`` the store's modules into a ``.tar.gz`` and ``load`` them back.

The tarball has kwctl's layout (``kwctl save`` / ``kwctl load``, see docs/kubewarden-parity.md,
section "Air-gapped use"): a gzip-compressed tar in GNU format holding one regular file per
policy, named by its store-relative path (``registry/<host>/<repo path>:<tag>`` or
``https/<host>/<path>``), no directory entries, names over 100 bytes through GNU long-name
records. ``kwctl load`` unpacks such a tarball into its store root, so a kwctl on the other
side finds the policies where it would have pulled them.

Loading is defensive where kwctl's unpack is not: every entry must be a regular file whose
name is exactly the store path of a registry or http(s) URI (no absolute paths, ``..``,
links, devices or duplicates), sizes and counts are bounded, and nothing is written to the
store unless the whole tarball is good. The bytes stored are the bytes saved, so a round trip
keeps every module's digest.
"""

from __future__ import annotations

import copy
import dataclasses
import gzip
import hashlib
import io
import tarfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Protocol

from workbench.core.errors import InputError, StoreError, WorkbenchError
from workbench.core.oci.store import SCHEMES, Store

__all__ = [
    "DEFAULT_LIMITS",
    "LoadLimits",
    "LoadedPolicy",
    "SavedPolicy",
    "describe_policies",
    "load_policies",
    "read_policies_tarball",
    "save_policies",
]

WASM_MAGIC = b"\0asm"


@dataclasses.dataclass(frozen=True)
class LoadLimits:
    """Bounds on what a tarball may make ``load`` read."""

    max_entries: int = 10_000
    max_entry_bytes: int = 512 * 1024 * 1024
    #: decompressed bytes of the whole tar stream (headers, padding and data)
    max_total_bytes: int = 2 * 1024 * 1024 * 1024


DEFAULT_LIMITS = LoadLimits()


@dataclasses.dataclass(frozen=True)
class SavedPolicy:
    uri: str
    member: str  # the tar entry name
    sha256: str
    size: int


@dataclasses.dataclass(frozen=True)
class LoadedPolicy:
    uri: str
    member: str
    sha256: str
    size: int
    #: a different module was stored under this URI before and has been replaced
    replaced: bool = False
    #: the data does not start with the WebAssembly magic bytes (kept as kwctl would)
    not_wasm: bool = False


# -- save --------------------------------------------------------------------------------------
def _member_name(store: Store, uri: str) -> str:
    return PurePosixPath(*store.relative_path(uri).parts).as_posix()


def _octal(value: int, width: int) -> bytes:
    """tar-rs ``octal_into``: zero-padded octal filling all but the field's last byte (left NUL)."""
    digits = f"{value:o}".encode()
    if len(digits) > width - 1:
        raise StoreError(f"value {value} does not fit a {width}-byte tar field")
    return digits.rjust(width - 1, b"0") + b"\0"


def _gnu_header(
    name: bytes, *, size: int, mode: int, uid: int, gid: int, mtime: int, typeflag: bytes
) -> bytes:
    """A GNU tar header exactly as tar-rs's ``Header::new_gnu`` + setters + ``set_cksum`` write it."""
    header = bytearray(512)
    header[0 : len(name)] = name
    header[100:108] = _octal(mode, 8)
    header[108:116] = _octal(uid, 8)
    header[116:124] = _octal(gid, 8)
    header[124:136] = _octal(size, 12)
    header[136:148] = _octal(mtime, 12)
    header[156:157] = typeflag
    header[257:263] = b"ustar "  # GNU magic
    header[263:265] = b" \0"  # GNU version
    header[329:337] = _octal(0, 8)  # device major (set by tar-rs's fill_from)
    header[337:345] = _octal(0, 8)  # device minor
    header[148:156] = b" " * 8
    header[148:156] = _octal(sum(header), 8)
    return bytes(header)


def _padded(data: bytes) -> bytes:
    return data + bytes(-len(data) % 512)


def _tar_entry(name: str, data: bytes, *, mode: int, uid: int, gid: int, mtime: int) -> bytes:
    """One regular file as tar-rs's ``Builder::append_file`` writes it (GNU long name past 100 bytes)."""
    raw = name.encode("utf-8")
    out = bytearray()
    if len(raw) > 100:
        out += _gnu_header(
            b"././@LongLink", size=len(raw) + 1, mode=0o644, uid=0, gid=0, mtime=0, typeflag=b"L"
        )
        out += _padded(raw + b"\0")
        cut = raw[:100]
        while cut:  # tar-rs keeps the longest valid UTF-8 prefix
            try:
                cut.decode("utf-8")
                break
            except UnicodeDecodeError:
                cut = cut[:-1]
        raw = cut
    out += _gnu_header(raw, size=len(data), mode=mode, uid=uid, gid=gid, mtime=mtime, typeflag=b"0")
    out += _padded(data)
    return bytes(out)


def _gzip_like_flate2(data: bytes) -> bytes:
    """gzip as flate2's ``GzEncoder::new(_, Compression::default())``: level 6, header with no
    name, mtime 0, XFL 0 and OS 255 ("unknown") — Python's own gzip writes OS 3."""
    deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = deflate.compress(data) + deflate.flush()
    trailer = (zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "little") + (len(data) & 0xFFFFFFFF).to_bytes(
        4, "little"
    )
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + body + trailer


def save_policies(refs: Sequence[str], output: str | Path, store: Store | None = None) -> list[SavedPolicy]:
    """Write the stored modules named by ``refs`` (URIs, short references or SHA prefixes) to ``output``.

    Every reference must already be in the store (``pull`` or ``push`` it first); the file is
    written atomically and only when every reference was found.
    """
    from workbench.core.yamlio import atomic_write

    if not refs:
        raise InputError("save needs at least one policy")
    store = store or Store()
    out = Path(output)
    chosen: list[tuple[str, Path, str]] = []
    seen: set[str] = set()
    for ref in refs:
        try:
            found = store.lookup(ref)
        except WorkbenchError as exc:
            located = copy.copy(exc)
            located.args = (f"cannot save {ref}: {exc}",)
            raise located from None
        member = _member_name(store, found.uri)
        if member in seen:
            continue
        seen.add(member)
        chosen.append((found.uri, found.path, member))
    tar = bytearray()
    saved: list[SavedPolicy] = []
    for uri, path, member in chosen:
        try:
            data = path.read_bytes()
            stat = path.stat()
        except OSError as exc:
            raise StoreError(f"cannot read {path} from the policy store: {exc.strerror or exc}") from exc
        tar += _tar_entry(
            member, data, mode=stat.st_mode, uid=stat.st_uid, gid=stat.st_gid, mtime=int(stat.st_mtime)
        )
        saved.append(SavedPolicy(uri, member, hashlib.sha256(data).hexdigest(), len(data)))
    tar += bytes(1024)  # end of archive: two zero blocks, no padding to a record size (tar-rs)
    # flate2's GzEncoder with Compression::default() (level 6): no file name, mtime 0, OS "unknown"
    compressed = _gzip_like_flate2(bytes(tar))
    if out.exists() and out.is_dir():
        raise InputError(f"cannot write {out}: it is a folder")
    atomic_write(out, compressed)
    return saved


# -- load --------------------------------------------------------------------------------------
class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _BoundedReader(io.RawIOBase):
    """Reads at most ``limit`` bytes from ``raw`` and fails past it (gzip bombs)."""

    def __init__(self, raw: _Readable, limit: int, source: str) -> None:
        self.raw = raw
        self.remaining = limit
        self.limit = limit
        self.source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(min(len(buffer), self.remaining + 1))
        if len(data) > self.remaining:
            raise InputError(f"{self.source} unpacks to more than {self.limit} bytes; refusing to load it")
        self.remaining -= len(data)
        buffer[: len(data)] = data
        return len(data)


def _uri_for_member(name: str) -> str | None:
    parts = PurePosixPath(name).parts
    if len(parts) < 3 or parts[0] not in SCHEMES:
        return None
    return f"{parts[0]}://{'/'.join(parts[1:])}"


def _member_uri(name: str, store: Store, source: str) -> str:
    """The URI a tar entry stands for; refuses anything that is not exactly a store path."""
    problem = f"{source}: entry {name!r} is not a policy store path"
    if name.startswith("/") or "\\" in name or "\0" in name:
        raise InputError(f"{problem} (absolute or not a POSIX relative path)")
    if any(part in ("", ".", "..") for part in name.split("/")):
        raise InputError(f"{problem} (empty, '.' or '..' component)")
    # kwctl on Windows writes base64url path components: accept both layouts, store in ours
    layouts = (Store(store.root, windows=False), Store(store.root, windows=True))
    candidates = {_uri_for_member(name), layouts[1].uri_for_path(layouts[1].root / name)}
    for uri in candidates:
        if uri is None:
            continue
        for layout in layouts:
            try:
                if _member_name(layout, uri) == name:
                    return uri
            except WorkbenchError:
                continue
    raise InputError(f"{problem} (expected <registry|https|http>/<host>/<path>)")


def read_policies_tarball(
    path: str | Path, store: Store | None = None, limits: LoadLimits = DEFAULT_LIMITS
) -> list[tuple[str, str, bytes]]:
    """Validate a policies tarball and return ``(uri, entry name, data)`` for each policy, in order."""
    store = store or Store()
    source = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise InputError(f"policies tarball {source} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"policies tarball {source} is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"cannot open policies tarball {source}: {exc.strerror or exc}") from None
    out: list[tuple[str, str, bytes]] = []
    seen: set[str] = set()
    try:
        with handle:
            gz = gzip.GzipFile(fileobj=handle, mode="rb")
            bounded = io.BufferedReader(_BoundedReader(gz, limits.max_total_bytes, source))
            with tarfile.open(fileobj=bounded, mode="r|") as tar:
                for count, info in enumerate(tar, start=1):
                    if count > limits.max_entries:
                        raise InputError(
                            f"{source} has more than {limits.max_entries} entries; refusing to load it"
                        )
                    if info.isdir():
                        continue  # a tar of a store made by other tools; kwctl writes none
                    if info.issym() or info.islnk():
                        raise InputError(f"{source}: entry {info.name!r} is a link; links are not accepted")
                    if not info.isreg():
                        raise InputError(f"{source}: entry {info.name!r} is not a regular file")
                    name = info.name
                    uri = _member_uri(name, store, source)
                    if name in seen:
                        raise InputError(f"{source}: entry {name!r} appears twice")
                    seen.add(name)
                    if info.size > limits.max_entry_bytes:
                        raise InputError(
                            f"{source}: entry {name!r} is {info.size} bytes, more than {limits.max_entry_bytes}"
                        )
                    extracted = tar.extractfile(info)
                    if extracted is None:  # pragma: no cover - regular files always extract
                        raise InputError(f"{source}: entry {name!r} cannot be read")
                    data = extracted.read(info.size + 1)
                    if len(data) != info.size:
                        raise InputError(f"{source}: entry {name!r} is truncated")
                    out.append((uri, name, data))
    except WorkbenchError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise InputError(f"{source} is not a gzip-compressed tar file: {exc}") from None
    except OSError as exc:
        raise InputError(f"cannot read policies tarball {source}: {exc.strerror or exc}") from None
    if not out:
        raise InputError(f"{source} holds no policies")
    return out


def load_policies(
    path: str | Path, store: Store | None = None, limits: LoadLimits = DEFAULT_LIMITS
) -> list[LoadedPolicy]:
    """Put every policy of a ``save`` / ``kwctl save`` tarball into the store (all or nothing)."""
    store = store or Store()
    entries = read_policies_tarball(path, store, limits)
    loaded: list[LoadedPolicy] = []
    for uri, name, data in entries:
        target = store.path_for(uri)
        replaced = False
        if target.is_file():
            try:
                replaced = hashlib.sha256(target.read_bytes()).digest() != hashlib.sha256(data).digest()
            except OSError:
                replaced = True
        store.write(uri, data)
        loaded.append(
            LoadedPolicy(
                uri,
                name,
                hashlib.sha256(data).hexdigest(),
                len(data),
                replaced,
                not data.startswith(WASM_MAGIC),
            )
        )
    return loaded


def describe_policies(policies: Iterable[SavedPolicy | LoadedPolicy]) -> list[str]:
    """One line per policy for a front end: URI, short digest and size."""
    return [f"{p.uri} ({p.sha256[:12]}, {p.size} bytes)" for p in policies]
