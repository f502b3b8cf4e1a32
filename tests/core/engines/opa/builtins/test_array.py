"""array.flatten: corpus and one-level flattening."""

from __future__ import annotations

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins.array import array_flatten
from workbench.core.errors import BuiltinError

BUILTINS = ("array.flatten",)


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


def test_only_one_level() -> None:
    assert array_flatten([[1, [2]], 3, []]) == [1, [2], 3]
    assert array_flatten([RegoSet([1])]) == [RegoSet([1])]


@pytest.mark.parametrize("value", ["x", 1, None, {"a": 1}, RegoSet([1])])
def test_type_error(value: object) -> None:
    with pytest.raises(BuiltinError, match=r"^array.flatten: operand 1 must be array but got "):
        array_flatten(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.integers(), st.lists(st.integers(), max_size=3)), max_size=6))
def test_length_matches(items: list) -> None:
    expected = sum(len(x) if isinstance(x, list) else 1 for x in items)
    assert len(array_flatten(items)) == expected
