"""Regex builtins and glob.quote_meta: corpus, Go regexp semantics, glob-intersection, properties."""

from __future__ import annotations

import pytest
from builtin_corpus import corpus_lines
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.conformance.builtins import run_case
from workbench.core.engines.opa.builtins._go_regexp import RegexpError, compile_go, quote_meta
from workbench.core.engines.opa.builtins.glob import glob_quote_meta
from workbench.core.engines.opa.builtins.regex import (
    GlobError,
    clear_regexp_cache,
    globs_non_empty,
    regex_find_n,
    regex_globs_match,
    regex_replace,
    regex_split,
    regex_template_match,
)
from workbench.core.errors import BuiltinError

BUILTINS = (
    "regex.split",
    "regex.find_n",
    "regex.replace",
    "regex.template_match",
    "regex.globs_match",
    "glob.quote_meta",
)


def _corpus(*names: str) -> list:
    cases = []
    for name in names:
        lines = corpus_lines(name)
        for number, case in enumerate(lines, 1):
            cases.append(pytest.param(case, lines[: number - 1], id=f"{name}:{number}"))
    return cases or [pytest.param(None, [], id="corpus-missing")]


@pytest.mark.parametrize(("case", "earlier"), _corpus(*BUILTINS))
def test_corpus(case: dict | None, earlier: list[dict]) -> None:
    assert case is not None, "no case for these builtins in the committed corpus"
    # OPA keeps one process-wide regexp cache keyed by pattern text (template regexps too):
    # replay the earlier calls of the same file, as the engine that produced the corpus saw them.
    clear_regexp_cache()
    for previous in earlier:
        run_case(previous)
    ok, want, got = run_case(case)
    assert ok, f"want {want}\ngot  {got}"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(", "error parsing regexp: missing closing ): `(`"),
        ("a)b", "error parsing regexp: unexpected ): `a)b`"),
        ("x[a", "error parsing regexp: missing closing ]: `[a`"),
        ("ab\\", "error parsing regexp: trailing backslash at end of expression: ``"),
        ("a{1001}", "error parsing regexp: invalid repeat count: `{1001}`"),
        ("a**", "error parsing regexp: invalid nested repetition operator: `**`"),
        ("*", "error parsing regexp: missing argument to repetition operator: `*`"),
        ("(?z)", "error parsing regexp: invalid or unsupported Perl syntax: `(?z`"),
        ("\\q", "error parsing regexp: invalid escape sequence: `\\q`"),
        ("\\C", "error parsing regexp: invalid escape sequence: `\\C`"),
        ("(?P<>a)", "error parsing regexp: invalid named capture: `(?P<>`"),
        ("[z-a]", "error parsing regexp: invalid character class range: `z-a`"),
    ],
)
def test_go_error_messages(pattern: str, message: str) -> None:
    with pytest.raises(RegexpError) as info:
        compile_go(pattern)
    assert str(info.value) == message
    with pytest.raises(BuiltinError) as builtin_info:
        regex_split(pattern, "x")
    assert str(builtin_info.value) == f"regex.split: {message}"


def test_find_all_skips_empty_match_after_match() -> None:
    assert regex_find_n("a*", "baaa", -1) == ["", "aaa"]
    assert regex_find_n("a*", "baaac", 2) == ["", "aaa"]
    assert regex_find_n("", "héllo", -1) == ["", "", "", "", "", ""]
    assert regex_find_n("x", "xx", 0) == []


def test_replace_expansion_like_go() -> None:
    assert regex_replace("abc", "(?P<mid>b)", "[${mid}]") == "a[b]c"
    assert regex_replace("abc", "(b)", "${1}x$") == "abx$c"
    assert regex_replace("abc", "(b)", "$9") == "ac"
    assert regex_replace("abc", "(b)", "${1") == "a${1c"
    assert regex_replace("aaa", "a*?", "-") == "-a-a-a-"
    assert regex_replace("ééé", "é", "e") == "eee"


def test_split_like_go() -> None:
    assert regex_split("x", "") == [""]
    assert regex_split("", "") == []
    assert regex_split("a", "banana") == ["b", "n", "n", ""]


def test_template_match_delimiter_errors() -> None:
    with pytest.raises(
        BuiltinError, match="start delimiter has to be exactly one character long but is 2 long"
    ):
        regex_template_match("a", "a", "{{", "}")
    with pytest.raises(
        BuiltinError, match="end delimiter has to be exactly one character long but is 1 long"
    ):
        regex_template_match("a", "a", "{", "")
    clear_regexp_cache()
    with pytest.raises(BuiltinError, match=r"error parsing regexp: missing closing \): `\^\(\$`"):
        regex_template_match("x{(}", "x", "{", "}")


def test_template_regexps_are_cached_by_template_text() -> None:
    clear_regexp_cache()
    assert regex_template_match("id:<[0-9]+>", "id:42", "<", ">") is True
    # OPA keys its cache by the template alone: other delimiters reuse the first compilation
    assert regex_template_match("id:<[0-9]+>", "id:42", "{", "}") is True
    clear_regexp_cache()
    assert regex_template_match("id:<[0-9]+>", "id:42", "{", "}") is False


@pytest.mark.parametrize(
    ("lhs", "rhs", "want"),
    [
        ("a*", "", False),
        ("a*b", "aab", True),
        ("a.c", "[a-c]b+c", True),
        ("[a-c]+", "[d-f]+", False),
        ("\\.x", ".x", True),
        ("a+a*", "a", True),
    ],
)
def test_globs_match(lhs: str, rhs: str, want: bool) -> None:
    assert regex_globs_match(lhs, rhs) is want


@pytest.mark.parametrize(
    ("glob", "message"),
    [
        ("]", "input:], pos:1, set-close ']' with no preceding '[': the input provided is invalid"),
        ("*a", "input:*a, pos:1, flag '*' must be preceded by a non-flag: the input provided is invalid"),
        ("a\\", "input:a\\, pos:1, input ends with a \\ (escape) character: the input provided is invalid"),
        (
            "[-a]",
            "input:[-a], pos:2, range character '-' must be preceded by a Unicode character: "
            "the input provided is invalid",
        ),
        (
            "[c-a]",
            "input:[c-a], pos:4, range is out of order: 'a' comes before 'c' in Unicode: "
            "the input provided is invalid",
        ),
    ],
)
def test_glob_errors(glob: str, message: str) -> None:
    with pytest.raises(GlobError) as info:
        globs_non_empty(glob, "a")
    assert str(info.value) == message


def test_quote_meta() -> None:
    assert quote_meta("a.b*c$") == "a\\.b\\*c\\$"
    assert glob_quote_meta("{a,b}[!c]*?\\") == "\\{a,b\\}\\[!c\\]\\*\\?\\\\"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab.*+[]-\\^z", max_size=10), st.text(alphabet="ab.*+[]-\\^z", max_size=10))
def test_globs_only_raise_builtin_errors(lhs: str, rhs: str) -> None:
    try:
        result = regex_globs_match(lhs, rhs)
    except BuiltinError as exc:
        assert str(exc).startswith("regex.globs_match: input:")
    else:
        assert result in (True, False)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="abc", max_size=8))
def test_literal_globs_intersect_with_themselves(text: str) -> None:
    assert globs_non_empty(text, text) is True


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=12))
def test_quote_meta_matches_literally(text: str) -> None:
    assert compile_go("^" + quote_meta(text) + "$").match_string(text)
    assert regex_split(quote_meta(text), text) == (["", ""] if text else [])


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet="ab.*+?()[]{}|\\$1^-,:", max_size=10),
    st.text(alphabet="ab$1{}_x", max_size=8),
    st.text(alphabet="ab\u00e9\n", max_size=10),
)
def test_regex_builtins_only_raise_builtin_errors(pattern: str, replacement: str, text: str) -> None:
    for call in (
        lambda: regex_replace(text, pattern, replacement),
        lambda: regex_split(pattern, text),
        lambda: regex_find_n(pattern, text, -1),
        lambda: regex_template_match(pattern, text, "{", "}"),
    ):
        try:
            call()
        except BuiltinError as exc:
            assert exc.code == "eval_builtin_error"
