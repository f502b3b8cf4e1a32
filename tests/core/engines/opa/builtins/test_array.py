"""array.flatten: corpus and one-level flattening."""

from __future__ import annotations

import json

import pytest
from helpers import SHARED_DIR, shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.conformance.builtins import run_case
from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins.array import array_flatten
from workbench.core.errors import BuiltinError

BUILTINS = ("array.flatten",)


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
