from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workbench.core.errors import InputError
from workbench.core.oci.reference import (
    FileReference,
    HttpReference,
    OciReference,
    parse_oci_reference,
    parse_reference,
)

# ---------------------------------------------------------------- Docker rules (policy-fetcher's tests)


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest"),
    [
        ("busybox", "docker.io", "library/busybox", "latest", None),
        ("registry://busybox:1.36", "docker.io", "library/busybox", "1.36", None),
        ("kubewarden/policy", "docker.io", "kubewarden/policy", "latest", None),
        ("docker.io/busybox", "docker.io", "library/busybox", "latest", None),
        ("index.docker.io/foo/bar:v1", "docker.io", "foo/bar", "v1", None),
        (
            "ghcr.io/kubewarden/policies/safe-labels:v0.1.7",
            "ghcr.io",
            "kubewarden/policies/safe-labels",
            "v0.1.7",
            None,
        ),
        ("registry://localhost:5000/x/y", "localhost:5000", "x/y", "latest", None),
        ("localhost/x", "localhost", "x", "latest", None),
        ("127.0.0.1:15000/policies/probe:v0.1.0", "127.0.0.1:15000", "policies/probe", "v0.1.0", None),
        (
            "ghcr.io/a/b@sha256:" + "a" * 64,
            "ghcr.io",
            "a/b",
            None,
            "sha256:" + "a" * 64,
        ),
        (
            "ghcr.io/a/b:v1@sha256:" + "b" * 64,
            "ghcr.io",
            "a/b",
            "v1",
            "sha256:" + "b" * 64,
        ),
        ("Registry.Example.COM/a/b", "Registry.Example.COM", "a/b", "latest", None),
        ("my.registry/some.dotted/name__x", "my.registry", "some.dotted/name__x", "latest", None),
    ],
)
def test_docker_rules(text: str, registry: str, repository: str, tag: str | None, digest: str | None) -> None:
    ref = parse_oci_reference(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (registry, repository, tag, digest)
    assert ref.original == text
    # parsing is idempotent on the normalised form
    assert parse_oci_reference(ref.uri) == ref


@pytest.mark.parametrize(
    "text",
    [
        "",
        "registry://",
        "UpperCase/Repo",  # upper case first component = registry, but then 'Repo' is invalid
        "ghcr.io/a/B",
        "ghcr.io/a/b:",
        "ghcr.io/a/b:-bad",
        "ghcr.io/a/b@sha256:short",
        "ghcr.io/a/b@sha256:" + "A" * 64,
        "ghcr.io//b",
        "ghcr.io/a b",
        "https://ghcr.io/a/b",
        "ghcr.io/" + "a" * 300,
        "bad_host:x:y/z",
    ],
)
def test_invalid_oci_references(text: str) -> None:
    with pytest.raises(InputError):
        parse_oci_reference(text)


def test_dotted_first_component_is_a_registry() -> None:
    assert parse_oci_reference("my.host/x").registry == "my.host"
    with pytest.raises(InputError, match="not a valid registry host"):
        parse_oci_reference("0.0_0/x")


def test_docker_hub_uses_the_api_host() -> None:
    assert parse_oci_reference("busybox").host == "registry-1.docker.io"
    assert parse_oci_reference("ghcr.io/a/b").host == "ghcr.io"


def test_immutable_forms() -> None:
    ref = parse_oci_reference("registry://ghcr.io/a/b:v1")
    pinned = ref.with_digest("sha256:" + "c" * 64)
    assert pinned.whole() == "ghcr.io/a/b@sha256:" + "c" * 64
    assert pinned.reference == "sha256:" + "c" * 64
    assert ref.reference == "v1"
    assert ref.uri == "registry://ghcr.io/a/b:v1"


# ---------------------------------------------------------------- classification


def test_local_paths(tmp_path: Path) -> None:
    module = tmp_path / "policy"
    module.write_bytes(b"\0asm\1\0\0\0")
    assert parse_reference(str(module)) == FileReference(module)
    assert parse_reference("./policy.wasm") == FileReference(Path("./policy.wasm"))
    assert parse_reference("policy.wasm") == FileReference(Path("policy.wasm"))
    assert parse_reference("dir/policy.wasm") == FileReference(Path("dir/policy.wasm"))
    assert parse_reference(module.as_uri()) == FileReference(module)
    assert isinstance(parse_reference("file:///tmp/with%20space.wasm"), FileReference)
    assert parse_reference("file:///tmp/with%20space.wasm").path == Path("/tmp/with space.wasm")  # type: ignore[union-attr]


def test_http_urls() -> None:
    ref = parse_reference("https://example.com:8443/policies/x.wasm")
    assert isinstance(ref, HttpReference)
    assert (ref.scheme, ref.host, ref.path) == ("https", "example.com:8443", "/policies/x.wasm")
    assert parse_reference("http://example.com/x.wasm").kind == "http"
    # default ports dropped, like the url crate kwctl uses (store paths depend on it)
    assert parse_reference("https://example.com:443/x.wasm").host == "example.com"  # type: ignore[union-attr]
    assert parse_reference("http://example.com:80/x.wasm").host == "example.com"  # type: ignore[union-attr]
    assert parse_reference("http://example.com:443/x.wasm").host == "example.com:443"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text", ["ftp://x/y.wasm", "https://", "https://example.com/dir/", "file://otherhost/x.wasm", "   "]
)
def test_unusable_references(text: str) -> None:
    with pytest.raises(InputError):
        parse_reference(text)


def test_bare_reference_is_a_registry() -> None:
    ref = parse_reference("ghcr.io/kubewarden/policies/safe-labels:v0.1.7")
    assert isinstance(ref, OciReference)
    assert ref.uri == "registry://ghcr.io/kubewarden/policies/safe-labels:v0.1.7"


# ---------------------------------------------------------------- properties

_alnum = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
_sep = st.sampled_from([".", "_", "__", "-", "--"])
_component = st.builds(
    lambda first, rest: first + "".join(s + a for s, a in rest),
    _alnum,
    st.lists(st.tuples(_sep, _alnum), max_size=2),
)
_host = st.builds(
    lambda labels, tld, port: ".".join([*labels, tld]) + (f":{port}" if port else ""),
    st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(["io", "com", "example", "local"]),
    st.one_of(st.none(), st.integers(min_value=1, max_value=65535)),
)
_tag = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True)
_digest = st.builds(lambda h: "sha256:" + h, st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))


@settings(max_examples=150)
@given(
    host=st.one_of(st.none(), _host),
    components=st.lists(_component, min_size=1, max_size=4),
    tag=st.one_of(st.none(), _tag),
    digest=st.one_of(st.none(), _digest),
    scheme=st.booleans(),
)
def test_roundtrip(
    host: str | None, components: list[str], tag: str | None, digest: str | None, scheme: bool
) -> None:
    repository = "/".join(components)
    text = f"{host}/{repository}" if host else repository
    if tag:
        text += f":{tag}"
    if digest:
        text += f"@{digest}"
    if scheme:
        text = "registry://" + text
    # Docker rule: without a host, a dotted first component would be read as the registry
    assume(host is not None or len(components) == 1 or "." not in components[0])
    ref = parse_oci_reference(text)
    expected_registry = host or "docker.io"
    expected_repo = repository
    if host is None and "/" not in repository:
        expected_repo = f"library/{repository}"
    assert ref.registry == expected_registry
    assert ref.repository == expected_repo
    assert ref.digest == digest
    assert ref.tag == (tag if tag or digest else "latest")
    again = parse_oci_reference(ref.whole())
    assert again == ref
    assert parse_reference(ref.uri) == ref


@settings(max_examples=500)
@given(st.text(max_size=80))
def test_parser_only_raises_input_error(text: str) -> None:
    try:
        ref = parse_reference(text)
    except InputError:
        return
    assert ref.kind in {"registry", "file", "http"}
    if isinstance(ref, OciReference):
        assert parse_oci_reference(ref.whole()) == ref


@settings(max_examples=200)
@given(st.text(alphabet="abcdefgABC0123:/@._-", max_size=60))
def test_oci_parser_only_raises_input_error(text: str) -> None:
    try:
        ref = parse_oci_reference(text)
    except InputError:
        return
    assert ref.repository == ref.repository.lower()
    assert ref.tag or ref.digest


def test_http_url_credentials_are_never_shown() -> None:
    ref = parse_reference("https://alice:s3cret@files.example.com/p/x.wasm?v=2")
    assert isinstance(ref, HttpReference)
    assert ref.url == "https://alice:s3cret@files.example.com/p/x.wasm?v=2"  # what requests gets
    assert ref.host == "files.example.com" and ref.query == "v=2"
    for shown in (ref.uri, str(ref), repr(ref)):
        assert "s3cret" not in shown
    assert ref.uri == "https://***@files.example.com/p/x.wasm?v=2"
    for bad in ("https://alice:s3cret@files.example.com:99999/x.wasm", "https://alice:s3cret@/x.wasm"):
        with pytest.raises(InputError) as info:
            parse_reference(bad)
        assert "s3cret" not in str(info.value)
    with pytest.raises(InputError) as info:
        parse_reference("registry://alice:s3cret@127.0.0.1/x:v1")
    assert "s3cret" not in str(info.value)


@given(
    password=st.from_regex(r"[A-Za-z0-9._~!$&'()*+,;=-]{1,20}", fullmatch=True),
    path=st.from_regex(r"(/[a-z0-9]{1,6}){1,3}\.wasm", fullmatch=True),
)
def test_http_uri_redaction_property(password: str, path: str) -> None:
    ref = parse_reference(f"https://user:{password}@h.example.com{path}")
    assert isinstance(ref, HttpReference)
    assert f":{password}@" not in ref.uri and ref.uri.endswith(path)
