"""numbers.range_step: corpus, integer checks and direction."""

from __future__ import annotations

import json

import pytest
from helpers import SHARED_DIR, shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.conformance.builtins import run_case
from workbench.core.engines.opa.builtins._values import loads
from workbench.core.engines.opa.builtins.numbers import int_operand, range_step
from workbench.core.errors import BuiltinError

BUILTINS = ("numbers.range_step",)


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


def test_float_literals_with_integral_values() -> None:
    assert range_step(loads("1e1"), loads("2.0E1"), 5) == [10, 15, 20]
    assert range_step(10**20, 10**20 + 2, 1) == [10**20, 10**20 + 1, 10**20 + 2]


def test_errors() -> None:
    with pytest.raises(BuiltinError, match=r"^numbers.range_step: operand 1 must be number but got string$"):
        range_step("0", 1, 1)
    with pytest.raises(BuiltinError, match="operand 2 must be integer number but got floating-point number"):
        range_step(0, loads("1.5"), 1)
    with pytest.raises(BuiltinError, match="timed out before generating all numbers in range"):
        range_step(0, 10**12, 1)


def test_int_operand_requires_integer_literal() -> None:
    assert int_operand("x", 5, 1) == 5
    with pytest.raises(BuiltinError, match="operand 2 must be integer number"):
        int_operand("x", loads("5.0"), 2)
    with pytest.raises(BuiltinError, match="operand 2 must be integer number"):
        int_operand("x", 2**70, 2)


@settings(max_examples=200, deadline=None)
@given(st.integers(-50, 50), st.integers(-50, 50), st.integers(1, 20))
def test_matches_python_range(a: int, b: int, step: int) -> None:
    expected = list(range(a, b + 1, step)) if a <= b else list(range(a, b - 1, -step))
    assert range_step(a, b, step) == expected
