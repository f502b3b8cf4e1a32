from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from core.oci.wasmgen import METADATA, module
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.errors import InputError, StoreError
from workbench.core.oci.reference import parse_reference
from workbench.core.oci.store import STORE_ENV, Store, is_sha_prefix


@pytest.mark.parametrize(
    ("uri", "relative"),
    [
        # policy-fetcher's own expectations (src/lib.rs tests)
        (
            "http://host.example.com:1234/path/to/policy.wasm",
            "http/host.example.com:1234/path/to/policy.wasm",
        ),
        ("http://host.example.com/path/to/policy.wasm", "http/host.example.com/path/to/policy.wasm"),
        ("https://host.example.com/path/to/policy.wasm", "https/host.example.com/path/to/policy.wasm"),
        ("registry://host.example.com/path/to/policy:tag", "registry/host.example.com/path/to/policy:tag"),
        ("registry://host.example.com/policy:tag", "registry/host.example.com/policy:tag"),
        (
            "registry://host.example.com:1234/path/to/policy:tag",
            "registry/host.example.com:1234/path/to/policy:tag",
        ),
        # tagless = latest; scheme optional
        (
            "ghcr.io/kubewarden/policies/safe-labels",
            "registry/ghcr.io/kubewarden/policies/safe-labels:latest",
        ),
        ("busybox", "registry/docker.io/library/busybox:latest"),
    ],
)
def test_layout_matches_kwctl(tmp_path: Path, uri: str, relative: str) -> None:
    store = Store(tmp_path, windows=False)
    assert store.path_for(uri) == tmp_path / relative
    assert store.relative_path(uri) == Path(relative)


def test_windows_layout_encodes_components(tmp_path: Path) -> None:
    store = Store(tmp_path, windows=True)
    path = store.relative_path("registry://ghcr.io/kubewarden/policies/safe-labels:v0.1.7")
    # base64url without padding of each component
    assert path.parts == (
        "registry",
        "Z2hjci5pbw",
        "a3ViZXdhcmRlbg",
        "cG9saWNpZXM",
        "c2FmZS1sYWJlbHM6djAuMS43",
    )
    assert store.uri_for_path(tmp_path / path) == "registry://ghcr.io/kubewarden/policies/safe-labels:v0.1.7"


def test_local_files_have_no_store_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="local file"):
        Store(tmp_path).path_for("./x.wasm")


def test_default_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "s"))
    assert Store().root == tmp_path / "s"
    monkeypatch.delenv(STORE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert Store().root == tmp_path / "cache" / "kubewarden" / "store"


def test_write_list_lookup_remove(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    annotated = module(
        metadata={
            **METADATA,
            "mutating": True,
            "contextAwareResources": [{"apiVersion": "v1", "kind": "Pod"}],
        }
    )
    plain = module(seed=b"other")
    a = store.write("registry://r.example.com:5000/team/annotated:v1", annotated)
    b = store.write("https://files.example.com/x/plain.wasm", plain)
    assert a.read_bytes() == annotated
    assert not list(a.parent.glob(".partial-*"))
    listing = store.list_policies()
    assert [p.uri for p in listing] == [
        "https://files.example.com/x/plain.wasm",
        "registry://r.example.com:5000/team/annotated:v1",
    ]
    policy = listing[1]
    assert policy.sha256 == hashlib.sha256(annotated).hexdigest()
    assert (policy.size, policy.title, policy.mutating, policy.context_aware) == (
        len(annotated),
        "tiny",
        True,
        True,
    )
    assert (listing[0].title, listing[0].mutating, listing[0].context_aware) == (None, None, None)

    # lookups: URI, scheme-less reference, 12-char prefix, longer prefix
    assert store.lookup("registry://r.example.com:5000/team/annotated:v1").path == a
    assert store.lookup("r.example.com:5000/team/annotated:v1").path == a
    assert store.lookup(policy.sha_prefix).path == a
    assert store.lookup(policy.sha256[:20].upper()).path == a
    with pytest.raises(StoreError, match="not in the local store"):
        store.lookup("registry://r.example.com:5000/team/annotated:v2")

    removed = store.remove(listing[0].sha_prefix)
    assert removed.path == b and not b.exists()
    assert not (tmp_path / "store" / "https" / "files.example.com").exists()  # empty dirs pruned
    store.remove("registry://r.example.com:5000/team/annotated:v1")
    assert store.list_policies() == []
    assert (tmp_path / "store").exists()


def test_ambiguous_and_duplicate_prefixes(tmp_path: Path) -> None:
    store = Store(tmp_path)
    data = module(seed=b"same")
    store.write("registry://h.example.com/a:v1", data)
    store.write("registry://h.example.com/b:v1", data)
    with pytest.raises(StoreError, match="several URIs"):
        store.lookup(hashlib.sha256(data).hexdigest()[:12])
    # find two different modules sharing a 1-hex-char prefix is easy; a 12-char one is not:
    # exercise the ambiguity branch directly with find_by_sha_prefix and a short prefix
    other = module(seed=b"different")
    store.write("registry://h.example.com/c:v1", other)
    digest_a, digest_b = hashlib.sha256(data).hexdigest(), hashlib.sha256(other).hexdigest()
    common = ""
    for x, y in zip(digest_a, digest_b, strict=True):
        if x != y:
            break
        common += x
    if len(common) == 0:
        assert store.find_by_sha_prefix(digest_b[:1]).path.name == "c:v1"  # type: ignore[union-attr]
    with pytest.raises(StoreError):
        store.find_by_sha_prefix(common)  # "" or a shared prefix matches several


def test_unknown_sha_prefix(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no policy with SHA prefix"):
        Store(tmp_path).lookup("0123456789ab")


def test_listing_ignores_foreign_files(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x").write_bytes(b"x")
    (tmp_path / "registry").mkdir()
    (tmp_path / "registry" / "stray").write_bytes(b"x")  # too shallow to be a policy
    assert Store(tmp_path).list_policies() == []


def test_is_sha_prefix() -> None:
    assert is_sha_prefix("0123456789ab")
    assert not is_sha_prefix("0123456789a")
    assert not is_sha_prefix("0123456789ag")


_component = st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True)


@settings(max_examples=100, deadline=None)
@given(
    host=st.from_regex(r"[a-z]{1,6}\.[a-z]{2,3}(:[1-9][0-9]{1,3})?", fullmatch=True),
    path=st.lists(_component, min_size=1, max_size=3),
    tag=st.from_regex(r"[a-z0-9][a-z0-9._-]{0,6}", fullmatch=True),
    windows=st.booleans(),
)
def test_path_uri_roundtrip(host: str, path: list[str], tag: str, windows: bool) -> None:
    store = Store(Path("/store-root"), windows=windows)
    ref = parse_reference(f"registry://{host}/{'/'.join(path)}:{tag}")
    assert store.uri_for_path(store.path_for(ref)) == ref.uri  # type: ignore[union-attr]
    url = f"https://{host}/{'/'.join(path)}.wasm"
    assert store.uri_for_path(store.path_for(url)) == url


# ------------------------------------------------------------------ finding 13: links, FIFOs, devices


def _cli_env(tmp_path: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH", "VIRTUAL_ENV"}}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "xdg"), DOCKER_CONFIG=str(tmp_path / "docker"))
    return env


def test_fifo_and_device_links_in_the_store_are_skipped(tmp_path: Path) -> None:
    """A FIFO (the old code hung on it) and a link to /dev/zero (read without limit) are ignored."""
    import os

    from oci.hostile_registry import run_cli

    store = Store(tmp_path / "store")
    good = module(metadata=METADATA, seed=b"good")
    store.write("registry://h.example.com/team/good:v1", good)
    folder = tmp_path / "store" / "registry" / "h.example.com" / "team"
    os.mkfifo(folder / "fifo:v1")
    (folder / "zero:v1").symlink_to("/dev/zero")
    outside = tmp_path / "outside.wasm"
    outside.write_bytes(module(seed=b"outside"))
    (folder / "outside:v1").symlink_to(outside)
    run = run_cli(
        ["policies", "--store", str(tmp_path / "store"), "-o", "json"], env=_cli_env(tmp_path), timeout=20
    )
    assert run.code == 0, run.stderr
    assert run.seconds < 15 and run.peak_rss_mb < 200
    assert [p.uri for p in store.list_policies()] == ["registry://h.example.com/team/good:v1"]
    for name in ("fifo:v1", "zero:v1", "outside:v1"):
        with pytest.raises(StoreError):
            store.lookup(f"registry://h.example.com/team/{name}")
    with pytest.raises(StoreError):
        store.remove("registry://h.example.com/team/outside:v1")
    assert outside.exists()
    assert store.find_by_sha_prefix(hashlib.sha256(good).hexdigest()[:12]) is not None


def test_rm_never_follows_a_linked_directory(tmp_path: Path) -> None:
    """The old ``rm`` deleted a file outside the store through a symlinked directory."""
    outside = tmp_path / "elsewhere" / "team"
    outside.mkdir(parents=True)
    victim = outside / "victim:v1"
    victim.write_bytes(module(seed=b"victim"))
    root = tmp_path / "store"
    (root / "registry" / "h.example.com").mkdir(parents=True)
    (root / "registry" / "h.example.com" / "team").symlink_to(outside, target_is_directory=True)
    store = Store(root)
    with pytest.raises(StoreError, match="symbolic link"):
        store.remove("registry://h.example.com/team/victim:v1")
    with pytest.raises(StoreError, match="symbolic link"):
        store.write("registry://h.example.com/team/new:v1", module(seed=b"new"))
    assert victim.exists() and not (outside / "new:v1").exists()
    assert store.list_policies() == []
    with pytest.raises(StoreError):
        store.remove(hashlib.sha256(victim.read_bytes()).hexdigest()[:12])
    assert victim.exists()


def test_a_linked_store_root_is_allowed(tmp_path: Path) -> None:
    """The root itself may be a link (a user's choice); only what is inside is never followed."""
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    store = Store(tmp_path / "link")
    path = store.write("registry://h.example.com/a:v1", module(seed=b"rooted"))
    assert (real / "registry" / "h.example.com" / "a:v1").is_file()
    assert [p.path for p in store.list_policies()] == [path]
    store.remove("registry://h.example.com/a:v1")
    assert not path.exists()


def test_unreadable_metadata_does_not_break_the_listing(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write("registry://h.example.com/a:v1", b"\0asm\x01\x00\x00\x00" + b"\x00\x05junk")
    [listed] = store.list_policies()
    assert listed.title is None and listed.mutating is None


@pytest.mark.parametrize(
    ("query", "name"), [("v=2", "x.wasm?v=2"), ("a=b/c", "x.wasm?a=b%2Fc"), ("", "x.wasm")]
)
def test_http_query_in_the_store_key(tmp_path: Path, query: str, name: str) -> None:
    store = Store(tmp_path, windows=False)
    url = "https://h.example.com/p/x.wasm" + (f"?{query}" if query else "")
    assert store.relative_path(url) == Path("https", "h.example.com", "p", name)
