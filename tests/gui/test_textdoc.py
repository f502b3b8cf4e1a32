from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.gui import textdoc


def test_yaml_error_line() -> None:
    result = textdoc.parse("a: 1\nb: [1, 2\nc: 3\n", "yaml")
    assert result.error is not None and result.error.line in (2, 3)
    assert result.value is None and not result.ok


def test_yaml_error_exact_line_for_bad_indent() -> None:
    result = textdoc.parse("a:\n  b: 1\n c: 2\n", "yaml")
    assert result.error is not None
    assert result.error.line == 3


def test_json_error_line_and_column() -> None:
    result = textdoc.parse('{\n  "a": 1,\n  "b": \n}\n', "json")
    assert result.error is not None
    assert (result.error.line, result.error.column) == (4, 1)


def test_empty_and_multi_document() -> None:
    assert textdoc.parse("  \n", "yaml").empty
    multi = textdoc.parse("a: 1\n---\nb: 2\n", "yaml")
    assert multi.error is not None and "single YAML document" in multi.error.message


def test_detect_language() -> None:
    assert textdoc.detect_language('  {"a": 1}') == "json"
    assert textdoc.detect_language("a: 1") == "yaml"


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(_json)
def test_dump_then_parse_roundtrips_in_both_languages(value: object) -> None:
    for language in ("json", "yaml"):
        text = textdoc.dump(value, language)
        result = textdoc.parse(text, language)
        assert result.error is None
        assert result.value == value or (result.empty and value is None)


@given(st.text(max_size=200))
def test_parse_never_raises(text: str) -> None:
    for language in ("json", "yaml"):
        result = textdoc.parse(text, language)
        if result.error is not None:
            assert result.error.line >= 1 and result.error.column >= 1
        elif language == "json" and not result.empty:
            assert json.loads(text) == result.value


@pytest.mark.parametrize(
    ("text", "line", "column", "name"),
    [
        ("NaN", 1, 1, "NaN"),
        ('{"a": [1, Infinity]}', 1, 11, "Infinity"),
        ('{"x": "NaN \\" Infinity",\n "y": -Infinity}', 2, 7, "-Infinity"),
    ],
)
def test_json_refuses_nan_and_infinity_where_they_are(text: str, line: int, column: int, name: str) -> None:
    """Python's json reads them; JSON, and so a run of the policy, does not: the editor says where."""
    result = textdoc.parse(text, "json")
    assert result.error == textdoc.ParseError(line, column, f"{name} is not a JSON value")
