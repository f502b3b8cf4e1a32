"""Tests for the Go ``net/url`` port (``_gourl.py``): ``url.Parse``, ``URL.String``, ``url.URL`` JSON."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins._gourl import URLError, go_parse_url, parse_url


def test_full_url() -> None:
    u = parse_url("HTTPS://user:pa%20ss@Host.example:8443/a%2Fb c?x=1&y#frag%21")
    assert u.scheme == "https" and u.host == "Host.example:8443" and u.user == ("user", "pa ss")
    assert u.path == "/a/b c" and u.raw_path == "/a%2Fb c"
    assert u.raw_query == "x=1&y" and u.fragment == "frag!" and u.raw_fragment == "frag%21"
    # RawPath holds an unescaped space, so Go falls back to escaping Path
    assert u.string() == "https://user:pa%20ss@Host.example:8443/a/b%20c?x=1&y#frag%21"


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        ("spiffe://td/ns/x", {"Scheme": "spiffe", "Host": "td", "Path": "/ns/x"}),
        ("urn:uuid:1234", {"Scheme": "urn", "Opaque": "uuid:1234"}),
        ("file:///etc/x", {"Scheme": "file", "Path": "/etc/x", "OmitHost": False}),
        ("mailto:/x", {"Scheme": "mailto", "Path": "/x", "OmitHost": True}),
        ("http://h/?", {"ForceQuery": True, "RawQuery": ""}),
        ("http://[::1]:80/", {"Host": "[::1]:80"}),
    ],
)
def test_fields(raw: str, fields: dict[str, object]) -> None:
    got = parse_url(raw).to_json()
    for key, value in fields.items():
        assert got[key] == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("http://h:port/", 'parse "http://h:port/": invalid port ":port" after host'),
        (":x", 'parse ":x": missing protocol scheme'),
        ("a:b/c:d", None),
        ("x/a:b", None),
        ("1a:b", 'parse "1a:b": first path segment in URL cannot contain colon'),
        ("http://h/%zz", 'parse "http://h/%zz": invalid URL escape "%zz"'),
        ("http://[::1/", "parse \"http://[::1/\": missing ']' in host"),
        ("http://a/#%zz", 'parse "http://a/#%zz": invalid URL escape "%zz"'),
        ("http://h\x7f/", 'parse "http://h\\x7f/": net/url: invalid control character in URL'),
    ],
)
def test_errors(raw: str, message: str | None) -> None:
    if message is None:
        parse_url(raw)
        return
    with pytest.raises(URLError) as info:
        parse_url(raw)
    assert str(info.value) == message
    with pytest.raises(URLError) as info:
        go_parse_url(raw)
    assert str(info.value) == message


@given(st.text(max_size=40))
@settings(max_examples=200)
def test_parse_is_total_and_string_reparses(text: str) -> None:
    try:
        url = parse_url(text)
    except URLError:
        return
    again = parse_url(url.string())
    assert (again.scheme, again.host, again.path, again.raw_query, again.fragment) == (
        url.scheme,
        url.host,
        url.path,
        url.raw_query,
        url.fragment,
    )


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30))
@settings(max_examples=200)
def test_both_entry_points_agree_on_ascii(text: str) -> None:
    try:
        ours = parse_url(text)
    except URLError as exc:
        with pytest.raises(URLError) as info:
            go_parse_url(text)
        assert str(info.value) == str(exc)
        return
    theirs = go_parse_url(text)
    for field in ("scheme", "opaque", "host", "path", "raw_path", "raw_query", "fragment", "raw_fragment"):
        # parse_url keeps the bytes of escapes such as %80; go_parse_url gives valid UTF-8
        raw = getattr(ours, field).encode("utf-8", "surrogateescape")
        assert raw.decode("utf-8", "replace") == getattr(theirs, field)
    assert (ours.user, ours.omit_host, ours.force_query) == (
        theirs.user,
        theirs.omit_host,
        theirs.force_query,
    )


def test_invalid_bytes_survive_in_parse_url_only() -> None:
    raw = "http://h/\udcff?q"
    assert parse_url(raw).to_json()["Path"] == "/\ufffd"
    assert parse_url(raw).string() == "http://h/%FF?q"
    assert go_parse_url("http://h/%FF").path == "/\ufffd"


def test_lax_colons_in_host() -> None:
    url = go_parse_url("http://a:b:80/")
    assert (url.hostname(), url.port()) == ("a:b", "80")
    assert parse_url("http://a:b:80/").host == "a:b:80"
