"""Rego value text: parse_rego_value / dump_rego_value / term_string."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins._values import (
    FrozenArray,
    FrozenObject,
    OpaFloat,
    canonical_key,
    dump_rego_value,
    hashable_key,
    parse_rego_value,
    term_string,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("{1,2}", RegoSet([1, 2])),
        ("set()", RegoSet()),
        ("set( )", RegoSet()),
        ('{1:"a","b":2}', {1: "a", "b": 2}),
        ("{[1,2]:{3}}", {FrozenArray([1, 2]): RegoSet([3])}),
        ('{{"k":1}:null}', {FrozenObject({"k": 1}): None}),
        ("[1.0,-0,1e3,12345678901234567890123]", [1, 0, 1000, 12345678901234567890123]),
        ('"\\u00e9\\n\\ud83e\\udd80\\/"', "\u00e9\n\U0001f980/"),
        (b'{"a":set()}\x00', {"a": RegoSet()}),
        (" {\n} ", {}),
        ('{"a":{"b":{1,[2,{"c":set()}]}}}', {"a": {"b": RegoSet([1, [2, {"c": RegoSet()}]])}}),
    ],
)
def test_parse(text: str | bytes, value: object) -> None:
    assert canonical_key(parse_rego_value(text)) == canonical_key(value)


def test_numbers_keep_their_text() -> None:
    parsed = parse_rego_value("[1.50,1E+3,7]")
    assert [type(v) for v in parsed] == [OpaFloat, OpaFloat, int]
    assert dump_rego_value(parsed) == "[1.50,1E+3,7]"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{1,2",
        "{1:2,3}",
        "[1,]",
        "set(1)",
        "01",
        "{1,2}x",
        "tru",
        '"\\x"',
        "{,}",
        "[" * 5000,
        b"\xff",
        "{:1}",
        "NaN",
        "-",
        "1.",
        ".5",
        '"a\nb"',
        "Infinity",
        "{1:}",
        '"\\u12"',
    ],
)
def test_garbage_raises_value_error(text: str | bytes) -> None:
    with pytest.raises(ValueError, match="invalid Rego value text"):
        parse_rego_value(text)


def test_deep_nesting_is_not_a_recursion_error() -> None:
    text = "[" * 20000 + "]" * 20000
    value = parse_rego_value(text)
    depth = 0
    while value:
        value = value[0]
        depth += 1
    assert depth == 19999


def test_dump_format() -> None:
    value = {"b": RegoSet(["x", 1]), 2: [None, True, 'q"\\\t\x01\u00e9'], "a": RegoSet()}
    assert dump_rego_value(value) == '{2:[null,true,"q\\"\\\\\\t\\u0001\u00e9"],"a":set(),"b":{1,"x"}}'
    assert term_string(value) == '{2: [null, true, "q\\"\\\\\\t\\x01\u00e9"], "a": set(), "b": {1, "x"}}'


def test_hashable_key() -> None:
    key = hashable_key([1, {"a": RegoSet([2])}])
    assert isinstance(key, FrozenArray)
    assert {key: 1}[FrozenArray([1, {"a": RegoSet([2])}])] == 1


finite = st.floats(allow_nan=False, allow_infinity=False)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    finite.map(lambda f: OpaFloat(repr(f))),
    st.text(max_size=8),
)


def _containers(inner: st.SearchStrategy) -> st.SearchStrategy:
    keys = st.one_of(st.text(max_size=4), st.integers(), st.lists(scalars, max_size=2).map(FrozenArray))
    return st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(keys, inner, max_size=4),
        st.lists(inner, max_size=4).map(RegoSet),
    )


values = st.recursive(scalars, _containers, max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(values)
def test_round_trip(value: object) -> None:
    text = dump_rego_value(value)
    parsed = parse_rego_value(text)
    assert canonical_key(parsed) == canonical_key(value)
    assert dump_rego_value(parsed) == text
    assert canonical_key(parse_rego_value(text.encode("utf-8"))) == canonical_key(value)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=30), st.binary(max_size=30)))
def test_arbitrary_input_only_raises_value_error(text: str | bytes) -> None:
    try:
        parse_rego_value(text)
    except ValueError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='{}[]set(),:"01.e-tru nl', max_size=30))
def test_near_miss_syntax_only_raises_value_error(text: str) -> None:
    try:
        value = parse_rego_value(text)
    except ValueError:
        return
    assert canonical_key(parse_rego_value(dump_rego_value(value))) == canonical_key(value)
