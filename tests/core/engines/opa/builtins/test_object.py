"""object.subset: corpus and OPA's subset rules for objects, sets and arrays."""

from __future__ import annotations

import json

import pytest
from helpers import SHARED_DIR, shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.conformance.builtins import run_case
from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins.object import object_subset
from workbench.core.errors import BuiltinError

BUILTINS = ("object.subset",)


def _corpus(*names: str) -> list:
    cases = []
    for name in names:
        path = SHARED_DIR / "conformance" / "builtins" / f"{name}.jsonl"
        if path.exists():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    cases.append(pytest.param(json.loads(line), id=f"{name}:{number}"))
    return cases or [pytest.param(None, id="corpus-missing")]


@pytest.mark.parametrize("case", _corpus(*BUILTINS))
def test_corpus(case: dict | None) -> None:
    if case is None:
        shared_path("conformance", "builtins")
        pytest.fail("conformance corpus present but no case for these builtins")
    ok, want, got = run_case(case)
    assert ok, f"want {want}\\ngot  {got}"


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
