"""object.subset: corpus and OPA's subset rules for objects, sets and arrays."""

from __future__ import annotations

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins.object import object_subset
from workbench.core.errors import BuiltinError

BUILTINS = ("object.subset",)


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


def test_sets_and_array_set() -> None:
    assert object_subset(RegoSet([1, 2, 3]), RegoSet([2, 3]))
    assert not object_subset(RegoSet([1]), RegoSet([2]))
    assert object_subset([1, 2, 3], RegoSet([3, 1]))
    assert not object_subset([1, 2], RegoSet([3]))
    assert object_subset({"a": RegoSet([1, 2])}, {"a": RegoSet([1])})


def test_numbers_compare_by_value() -> None:
    from workbench.core.engines.opa.builtins._values import loads

    assert object_subset(loads('{"a": 1.0, "b": 2}'), loads('{"a": 1}'))
    assert object_subset(loads("[1, 2.50, 3]"), loads("[2.5, 3]"))


def test_empty_subset_of_anything() -> None:
    assert object_subset({"a": 1}, {})
    assert object_subset([1], [])


def test_mismatched_types_error() -> None:
    with pytest.raises(BuiltinError) as info:
        object_subset(RegoSet([1]), [1])
    assert info.value.code == "eval_type_error"


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=2),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=2), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.text(max_size=2), _json, max_size=4))
def test_object_is_subset_of_itself_and_of_supersets(obj: dict) -> None:
    assert object_subset(obj, obj)
    bigger = {**obj, "\x00extra": 1}
    assert object_subset(bigger, obj)


@settings(max_examples=80, deadline=None)
@given(st.lists(_json, max_size=6), st.integers(0, 6), st.integers(0, 6))
def test_array_slices_are_subsets(items: list, start: int, length: int) -> None:
    assert object_subset(items, items[start : start + length])
