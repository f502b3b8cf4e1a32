"""rand.intn: range, memo per evaluation, OPA's operand rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext
from workbench.core.engines.opa.builtins._values import loads
from workbench.core.engines.opa.builtins.rand import rand_intn
from workbench.core.errors import BuiltinError


def test_zero_and_negative() -> None:
    ctx = BuiltinContext()
    assert rand_intn(ctx, "k", 0) == 0
    assert 0 <= rand_intn(ctx, "k", -5) < 5
    assert rand_intn(ctx, "k", -5) == rand_intn(ctx, "k", 5)  # same memo key: |n|


def test_memo_per_evaluation() -> None:
    ctx = BuiltinContext()
    values = {rand_intn(ctx, "key", 1000) for _ in range(5)}
    assert len(values) == 1
    seen = set()
    for _ in range(30):
        ctx.reset()
        seen.add(rand_intn(ctx, "key", 1000))
    assert len(seen) > 1


def test_operand_errors() -> None:
    ctx = BuiltinContext()
    with pytest.raises(BuiltinError, match=r"^rand.intn: operand 1 must be string but got number$"):
        rand_intn(ctx, 1, 2)
    with pytest.raises(
        BuiltinError, match=r"^rand.intn: operand 2 must be integer number but got floating-point number$"
    ):
        rand_intn(ctx, "k", loads("2.0"))
    assert not REGISTRY["rand.intn"].deterministic


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=5), st.integers(1, 10**9))
def test_in_range(key: str, n: int) -> None:
    assert 0 <= rand_intn(BuiltinContext(), key, n) < n
