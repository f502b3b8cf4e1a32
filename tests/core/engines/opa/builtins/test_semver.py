"""OPA ``semver.is_valid`` / ``semver.compare``: corpus, OPA's parser rules, property tests."""

from __future__ import annotations

import itertools

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext
from workbench.core.engines.opa.builtins.semver import SemVerError, Version, compare_versions, parse_version
from workbench.core.errors import BuiltinError

NAMES = ("semver.is_valid", "semver.compare")


@pytest.mark.parametrize("case", corpus_params(*NAMES))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


def call(name: str, *args: object) -> object:
    return REGISTRY[name](BuiltinContext(), list(args))


def test_parse_fields() -> None:
    assert parse_version("v1.2.3-rc.1+build.5") == Version(1, 2, 3, "rc.1", "build.5")
    assert parse_version("01.002.3") == Version(1, 2, 3)


@pytest.mark.parametrize(
    "text",
    [
        "1.2.3-rc.1\n",
        "1.2.3-a_b",
        "1.2.-3",
        "1.2.3 ",
        "9223372036854775808.0.0",
        "vv1.2.3",
        "1.2.٣",
    ],
)
def test_invalid_versions(text: str) -> None:
    with pytest.raises(SemVerError):
        parse_version(text)
    assert call("semver.is_valid", text) is False


def test_compare_error_quotes_like_go() -> None:
    with pytest.raises(BuiltinError) as info:
        call("semver.compare", "1.0.0\t", "1.0.0")
    assert str(info.value) == 'semver.compare: operand 1: string "1.0.0\\t" is not a valid SemVer'
    with pytest.raises(BuiltinError, match="operand 2 must be string but got null"):
        call("semver.compare", "1.0.0", None)


def test_prerelease_precedence() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
    ]
    ordered += ["1.0.0-rc.1", "1.0.0"]
    for a, b in itertools.pairwise(ordered):
        assert call("semver.compare", a, b) == -1
        assert call("semver.compare", b, a) == 1
    # numeric identifiers beyond int64 saturate like strconv.Atoi
    assert call("semver.compare", "1.0.0-99999999999999999999", "1.0.0-99999999999999999998") == 0


# -- property tests ------------------------------------------------------------

IDENT = st.text(alphabet="0123456789abcXYZ-", min_size=1, max_size=5)
VERSIONS = st.builds(
    lambda ma, mi, pa, pre, meta: (
        f"{ma}.{mi}.{pa}" + (f"-{'.'.join(pre)}" if pre else "") + (f"+{'.'.join(meta)}" if meta else "")
    ),
    st.integers(0, 2**63 - 1),
    st.integers(0, 1000),
    st.integers(0, 1000),
    st.lists(IDENT, max_size=3),
    st.lists(IDENT, max_size=2),
)


@settings(max_examples=150, deadline=None)
@given(VERSIONS)
def test_generated_versions_parse_and_compare_equal_to_themselves(text: str) -> None:
    version = parse_version(text)
    assert compare_versions(version, version) == 0
    assert call("semver.is_valid", text) is True


@settings(max_examples=150, deadline=None)
@given(VERSIONS, VERSIONS)
def test_compare_is_antisymmetric(a: str, b: str) -> None:
    va, vb = parse_version(a), parse_version(b)
    assert compare_versions(va, vb) == -compare_versions(vb, va)


@settings(max_examples=150, deadline=None)
@given(VERSIONS)
def test_build_metadata_is_ignored(text: str) -> None:
    core = text.split("+", 1)[0]
    assert call("semver.compare", text, core + "+other") == 0


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="0123456789.-+vaZ_ ", max_size=20))
def test_parser_never_crashes(text: str) -> None:
    try:
        parse_version(text)
    except SemVerError:
        pass
