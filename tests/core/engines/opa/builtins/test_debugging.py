"""trace: corpus, logging the note."""

from __future__ import annotations

import pytest
from builtin_corpus import check_corpus_param, corpus_params

from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext
from workbench.core.engines.opa.builtins.debugging import trace
from workbench.core.errors import BuiltinError

BUILTINS = ("trace",)


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


def test_trace_logs_note() -> None:
    notes: list[str] = []
    ctx = BuiltinContext(log=notes.append)
    assert REGISTRY["trace"](ctx, ["hello"]) is True
    assert notes == ["hello"]
    assert trace(ctx, "") is True
    with pytest.raises(BuiltinError, match=r"^trace: operand 1 must be string but got number$"):
        REGISTRY["trace"](ctx, [1])
