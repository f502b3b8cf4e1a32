"""uri.parse / uri.is_valid: corpus, Go net/url behaviour, and parser robustness."""

from __future__ import annotations

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins.uri import uri_is_valid, uri_parse
from workbench.core.errors import BuiltinError

BUILTINS = ("uri.parse", "uri.is_valid")


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM:80", {"scheme": "http", "hostname": "Example.COM", "port": "80"}),
        ("http://h:", {"scheme": "http", "hostname": "h"}),
        ("foo:bar?x=1", {"scheme": "foo", "raw_query": "x=1"}),
        ("/a%2Fb", {"path": "/a/b", "raw_path": "/a%2Fb"}),
        (
            "http://[fe80::1%25en0]:8080/",
            {
                "scheme": "http",
                "hostname": "fe80::1%en0",
                "port": "8080",
                "path": "/",
                "raw_path": "/",
            },
        ),
        (
            "//host/p?q#f%20g",
            {"hostname": "host", "path": "/p", "raw_path": "/p", "raw_query": "q", "fragment": "f g"},
        ),
        ("*", {"path": "*", "raw_path": "*"}),
        ("", {}),
    ],
)
def test_parse_components(url: str, expected: dict[str, str]) -> None:
    assert uri_parse(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[::1", "missing ']' in host"),
        ("http://h:abc", 'invalid port ":abc" after host'),
        ("http://[1.2.3.4]/", "invalid IP-literal"),
        ("http://%41/", 'invalid URL escape "%41"'),
        ("a:b c\x7f", "net/url: invalid control character in URL"),
        (":x", "missing protocol scheme"),
        ("a/b:c", None),
        ("1:2/x", "first path segment in URL cannot contain colon"),
        ("http://u^@h", "net/url: invalid userinfo"),
        ("x#%zz", 'invalid URL escape "%zz"'),
    ],
)
def test_parse_errors(url: str, message: str | None) -> None:
    if message is None:
        assert uri_is_valid(url)
        return
    with pytest.raises(BuiltinError) as info:
        uri_parse(url)
    assert str(info.value).endswith(f": {message}")
    assert str(info.value).startswith('uri.parse: parse "')
    assert not uri_is_valid(url)


def test_error_quotes_like_go() -> None:
    with pytest.raises(BuiltinError) as info:
        uri_parse("http://a\tb")
    assert str(info.value) == 'uri.parse: parse "http://a\\tb": net/url: invalid control character in URL'


def test_is_valid_non_strings() -> None:
    assert uri_is_valid(1) is False
    assert uri_is_valid(None) is False


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.text(alphabet="abc:/?#[]@%25:.-_~!$&'()*+,;=1 \t", max_size=40),
        st.builds(
            lambda s, h, p: f"{s}://{h}{p}",
            st.sampled_from(["http", "x"]),
            st.text(max_size=15),
            st.text(max_size=10),
        ),
    )
)
def test_parser_never_crashes(text: str) -> None:
    try:
        result = uri_parse(text)
    except BuiltinError:
        assert not uri_is_valid(text)
    else:
        assert all(isinstance(v, str) and v for v in result.values())
        assert uri_is_valid(text) == (text != "")


@settings(max_examples=80, deadline=None)
@given(
    st.from_regex(r"[a-z][a-z0-9+.-]{0,6}", fullmatch=True),
    st.from_regex(r"[a-z0-9.-]{1,12}", fullmatch=True),
    st.integers(min_value=0, max_value=65535),
    st.from_regex(r"(/[a-z0-9]{0,5}){0,3}", fullmatch=True),
)
def test_well_formed_urls_round_trip(scheme: str, host: str, port: int, path: str) -> None:
    result = uri_parse(f"{scheme}://{host}:{port}{path}")
    assert result["scheme"] == scheme
    assert result["hostname"] == host
    assert result["port"] == str(port)
    assert result.get("path", "") == path
