"""numbers.range_step: corpus, integer checks and direction."""

from __future__ import annotations

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins._values import loads
from workbench.core.engines.opa.builtins.numbers import int_operand, range_step
from workbench.core.errors import BuiltinError

BUILTINS = ("numbers.range_step",)


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


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
