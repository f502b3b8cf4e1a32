"""save/load: kwctl's tarball layout byte for byte, lossless round trips, hostile tarballs refused."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import subprocess
import tarfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.airgap import LoadLimits, _member_uri, load_policies, read_policies_tarball, save_policies
from workbench.core.errors import InputError, WorkbenchError
from workbench.core.oci.store import Store

# the two policies of kwctl's own air-gap test (tests/data/airgap/policies.txt)
KWCTL_POLICIES = {
    "registry://ghcr.io/kubewarden/tests/pod-privileged:v0.1.9": "registry/ghcr.io/kubewarden/tests/pod-privileged:v0.1.9",
    "https://github.com/kubewarden/pod-privileged-policy/releases/download/v0.1.6/policy.wasm":
        "https/github.com/kubewarden/pod-privileged-policy/releases/download/v0.1.6/policy.wasm",
}  # fmt: skip
LONG = "registry://localhost:5000/" + "deep/" * 25 + "policy:v1"


def _module(seed: str, size: int = 700) -> bytes:
    return b"\0asm\x01\0\0\0" + hashlib.sha256(seed.encode()).digest() * (size // 32)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "store-a")
    for uri in [*KWCTL_POLICIES, LONG]:
        s.write(uri, _module(uri))
    return s


def _tar_bytes(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def test_round_trip_keeps_every_digest(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "policies.tar.gz"
    saved = save_policies([*KWCTL_POLICIES, LONG], out, store)
    other = Store(tmp_path / "store-b")
    loaded = load_policies(out, other)
    assert [p.uri for p in loaded] == [p.uri for p in saved] == [*KWCTL_POLICIES, LONG]
    before = {p.uri: p.sha256 for p in store.list_policies()}
    after = {p.uri: p.sha256 for p in other.list_policies()}
    assert before == after and len(after) == 3
    assert all(not p.replaced and not p.not_wasm for p in loaded)
    # loading again is idempotent; a different module under the same URI is reported as replaced
    assert not any(p.replaced for p in load_policies(out, other))
    other.write(LONG, b"\0asm\x01\0\0\0other")
    assert [p.replaced for p in load_policies(out, other)] == [False, False, True]


def test_save_by_sha_prefix_and_duplicates(store: Store, tmp_path: Path) -> None:
    sha = next(p.sha256 for p in store.list_policies() if p.uri == LONG)
    saved = save_policies([sha[:12], LONG], tmp_path / "p.tar.gz", store)
    assert [p.uri for p in saved] == [LONG]


def test_save_refuses_what_is_not_stored(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "p.tar.gz"
    with pytest.raises(WorkbenchError) as info:
        save_policies(["registry://ghcr.io/kubewarden/never:v1"], out, store)
    assert "cannot save registry://ghcr.io/kubewarden/never:v1" in str(info.value)
    assert not out.exists()
    with pytest.raises(InputError, match="at least one"):
        save_policies([], out, store)


def test_layout_is_kwctls(store: Store, tmp_path: Path) -> None:
    """tar-rs ``Builder::append_file`` GNU headers, GNU long names, two zero blocks, flate2's gzip header."""
    out = tmp_path / "p.tar.gz"
    save_policies([*KWCTL_POLICIES, LONG], out, store)
    raw = out.read_bytes()
    assert raw[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, mtime 0, OS unknown
    tar = _tar_bytes(out)
    offset = 0
    names: list[str] = []
    long_names = 0
    pending: str | None = None
    while tar[offset : offset + 512] != bytes(512):
        header = tar[offset : offset + 512]
        assert header[257:265] == b"ustar  \0"  # GNU magic + version
        for start, width in (
            (100, 8),
            (108, 8),
            (116, 8),
            (124, 12),
            (136, 12),
            (148, 8),
            (329, 8),
            (337, 8),
        ):
            field = header[start : start + width]
            assert field[-1:] == b"\0" and field[:-1].isdigit(), (start, field)  # zero-padded octal + NUL
        assert int(header[148:155], 8) == sum(header[:148]) + 8 * 32 + sum(header[156:])
        assert header[265:329] == bytes(64)  # no user/group names
        size = int(header[124:135], 8)
        body = tar[offset + 512 : offset + 512 + size]
        if header[156:157] == b"L":
            assert header[:13] == b"././@LongLink" and header[100:107] == b"0000644"
            assert body[size - 1 :] == b"\0"  # the name and its NUL (size = len + 1)
            pending = body[: size - 1].decode()
            long_names += 1
        else:
            assert header[156:157] == b"0"
            assert int(header[100:107], 8) & 0o170000 == 0o100000  # st_mode, file type bits included
            short = header[:100].rstrip(b"\0").decode()
            if pending is not None:
                assert pending.startswith(short) and len(short) == 100  # truncated copy in the header
            names.append(pending if pending is not None else short)
            pending = None
        offset += 512 + size + (-size % 512)
    assert tar[offset:] == bytes(1024)  # end of archive, no padding to a 10 KiB record
    assert names == [*KWCTL_POLICIES.values(), _store_path(LONG)]
    assert long_names == 1


def _store_path(uri: str) -> str:
    return uri.replace("://", "/", 1)


def test_gnu_tar_extracts_it_as_kwctl_load_would(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "p.tar.gz"
    save_policies([*KWCTL_POLICIES, LONG], out, store)
    root = tmp_path / "kwctl-store"
    root.mkdir()
    subprocess.run(["tar", "-xzf", str(out), "-C", str(root)], check=True)
    for uri in [*KWCTL_POLICIES, LONG]:
        assert (root / _store_path(uri)).read_bytes() == store.path_for(uri).read_bytes()


def test_loads_a_tarball_of_a_kwctl_store_made_by_gnu_tar(store: Store, tmp_path: Path) -> None:
    """Directory entries (as ``tar -C store -czf x registry https`` writes) are accepted."""
    out = tmp_path / "by-tar.tar.gz"
    subprocess.run(["tar", "-czf", str(out), "-C", str(store.root), "registry", "https"], check=True)
    other = Store(tmp_path / "store-b")
    loaded = load_policies(out, other)
    assert sorted(p.uri for p in loaded) == sorted([*KWCTL_POLICIES, LONG])


def test_windows_layout_is_accepted(tmp_path: Path) -> None:
    windows = Store(tmp_path / "win", windows=True)
    uri = "registry://ghcr.io/kubewarden/tests/pod-privileged:v0.1.9"
    windows.write(uri, _module("w"))
    out = tmp_path / "w.tar.gz"
    save_policies([uri], out, windows)
    assert _store_path(uri) not in _tar_bytes(out).decode("latin-1")  # base64url components
    loaded = load_policies(out, Store(tmp_path / "posix", windows=False))
    assert [p.uri for p in loaded] == [uri]


# -- hostile tarballs ------------------------------------------------------------------------------
def _make(
    tmp_path: Path, entries: list[tarfile.TarInfo | tuple[str, bytes]], name: str = "bad.tar.gz"
) -> Path:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for entry in entries:
            if isinstance(entry, tarfile.TarInfo):
                tar.addfile(entry)
            else:
                info = tarfile.TarInfo(entry[0])
                info.size = len(entry[1])
                tar.addfile(info, io.BytesIO(entry[1]))
    path = tmp_path / name
    path.write_bytes(gzip.compress(buffer.getvalue()))
    return path


def _link(name: str, kind: bytes, target: str = "registry/x/y:v1") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


GOOD = ("registry/ghcr.io/a/b:v1", b"\0asm\x01\0\0\0")


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([("../../etc/passwd", b"x")], "'..' component"),
        ([("/registry/ghcr.io/a/b:v1", b"x")], "absolute"),
        ([("registry/ghcr.io/../../../x:v1", b"x")], "'..' component"),
        ([("registry/./ghcr.io/a:v1", b"x")], "'..' component"),
        ([("notes/readme.txt", b"x")], "not a policy store path"),
        ([("registry/ghcr.io", b"x")], "not a policy store path"),
        ([("registry\\ghcr.io\\a:v1", b"x")], "absolute or not a POSIX"),
        ([_link("registry/ghcr.io/a/c:v1", tarfile.SYMTYPE, "/etc/passwd")], "is a link"),
        ([GOOD, _link("registry/ghcr.io/a/c:v1", tarfile.LNKTYPE, GOOD[0])], "is a link"),
        ([_link("registry/ghcr.io/a/c:v1", tarfile.CHRTYPE)], "not a regular file"),
        ([_link("registry/ghcr.io/a/c:v1", tarfile.FIFOTYPE)], "not a regular file"),
        ([GOOD, GOOD], "appears twice"),
        ([], "holds no policies"),
    ],
)
def test_hostile_entries_are_refused_and_nothing_is_written(
    tmp_path: Path, entries: list[tarfile.TarInfo | tuple[str, bytes]], message: str
) -> None:
    path = _make(tmp_path, [GOOD, *entries] if entries and entries[0] is not GOOD else entries)
    target = Store(tmp_path / "store")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(".", r"\.")):
        load_policies(path, target)
    assert not target.root.exists() or not any(p.is_file() for p in target.root.rglob("*"))


def test_limits(tmp_path: Path) -> None:
    path = _make(tmp_path, [GOOD, ("registry/ghcr.io/a/big:v1", bytes(5000))])
    with pytest.raises(InputError, match="more than 4096"):
        read_policies_tarball(path, Store(tmp_path / "s"), LoadLimits(max_entry_bytes=4096))
    with pytest.raises(InputError, match="more than 1 entries"):
        read_policies_tarball(path, Store(tmp_path / "s"), LoadLimits(max_entries=1))
    with pytest.raises(InputError, match="unpacks to more than 3000 bytes"):
        read_policies_tarball(path, Store(tmp_path / "s"), LoadLimits(max_total_bytes=3000))


def test_gzip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.tar.gz"
    with gzip.open(bomb, "wb") as gz:
        info = tarfile.TarInfo("registry/ghcr.io/a/bomb:v1")
        info.size = 200 * 1024 * 1024
        gz.write(info.tobuf(format=tarfile.GNU_FORMAT))
        chunk = bytes(1024 * 1024)
        for _ in range(200):
            gz.write(chunk)
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(InputError, match="unpacks to more than"):
        read_policies_tarball(bomb, Store(tmp_path / "s"), LoadLimits(max_total_bytes=8 * 1024 * 1024))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not gzip at all", "is not a gzip-compressed tar file"),
        (gzip.compress(b"x" * 600), "not a gzip-compressed tar"),
    ],
)
def test_not_a_tarball(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.tar.gz"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_policies(path, Store(tmp_path / "s"))


def test_truncated_tarball(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "p.tar.gz"
    save_policies(list(KWCTL_POLICIES), out, store)
    tar = _tar_bytes(out)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(gzip.compress(tar[: 512 + 100]))
    with pytest.raises(InputError):
        load_policies(cut, Store(tmp_path / "s"))


def test_missing_input_and_folder_output(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_policies(tmp_path / "nope.tar.gz", store)
    with pytest.raises(InputError, match="is a folder"):
        load_policies(tmp_path, store)
    with pytest.raises(InputError, match="it is a folder"):
        save_policies(list(KWCTL_POLICIES), tmp_path, store)


def test_not_wasm_is_loaded_but_flagged(tmp_path: Path) -> None:
    path = _make(tmp_path, [("https/example.com/p.wasm", b"hello")])
    [loaded] = load_policies(path, Store(tmp_path / "s"))
    assert loaded.not_wasm and loaded.uri == "https://example.com/p.wasm"


def test_inputs_untouched(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "p.tar.gz"
    save_policies(list(KWCTL_POLICIES), out, store)
    stat = os.stat(out)
    data = out.read_bytes()
    load_policies(out, Store(tmp_path / "other"))
    assert out.read_bytes() == data and os.stat(out).st_mtime == stat.st_mtime


# -- properties of the entry-name parser ------------------------------------------------------------
_component = st.text(alphabet=st.sampled_from(list("ab.:-_/\\@%0")), min_size=0, max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["registry", "https", "http", "file", "", ".."]),
    st.lists(_component, min_size=0, max_size=5),
)
def test_entry_names_map_to_store_paths_inside_the_root_or_are_refused(scheme: str, parts: list[str]) -> None:
    name = "/".join([scheme, *parts])
    store = Store("/srv/store", windows=False)
    try:
        uri = _member_uri(name, store, "t.tar.gz")
    except InputError:
        return
    target = store.path_for(uri)
    assert target.resolve().is_relative_to(Path("/srv/store").resolve())
    assert target.relative_to(store.root).as_posix() == name


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abcxyz019-._", min_size=1, max_size=8).filter(lambda p: p not in (".", "..")),
                min_size=2, max_size=4),
       st.text(alphabet="abcv0123.", min_size=1, max_size=6))  # fmt: skip
def test_save_then_read_finds_every_uri(
    tmp_path_factory: pytest.TempPathFactory, path: list[str], tag: str
) -> None:
    root = tmp_path_factory.mktemp("prop")
    store = Store(root / "s")
    uri = f"registry://registry.example.com/{'/'.join(path)}:{tag}"
    try:
        store.write(uri, b"\0asm\x01\0\0\0")
    except InputError:
        return  # not a reference the store accepts
    saved = save_policies([uri], root / "p.tar.gz", store)
    entries = read_policies_tarball(root / "p.tar.gz", Store(root / "other"))
    assert [(u, n) for u, n, _ in entries] == [(s.uri, s.member) for s in saved]
