"""Deprecated cast_* builtins: corpus and pass-through behaviour."""

from __future__ import annotations

import json

import pytest
from helpers import SHARED_DIR, shared_path

from workbench.conformance.builtins import run_case
from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins.casts import (
    cast_array,
    cast_boolean,
    cast_null,
    cast_object,
    cast_set,
    cast_string,
)
from workbench.core.errors import BuiltinError

BUILTINS = ("cast_array", "cast_boolean", "cast_null", "cast_object", "cast_set", "cast_string")


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


def test_pass_through() -> None:
    assert cast_array([1]) == [1]
    assert cast_array(RegoSet([2, 1])) == [1, 2]
    assert cast_set(RegoSet([1])) == RegoSet([1])
    assert cast_string("s") == "s"
    assert cast_boolean(False) is False
    assert cast_null(None) is None
    assert cast_object({"a": 1}) == {"a": 1}


def test_union_error_wording() -> None:
    with pytest.raises(
        BuiltinError, match=r"^cast_set: operand 1 must be one of \{array, set\} but got null$"
    ):
        cast_set(None)
    with pytest.raises(BuiltinError, match=r"^cast_boolean: operand 1 must be boolean but got string$"):
        cast_boolean("true")
