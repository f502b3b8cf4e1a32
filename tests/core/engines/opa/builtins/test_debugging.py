"""trace: corpus, logging the note."""

from __future__ import annotations

import json

import pytest
from helpers import SHARED_DIR, shared_path

from workbench.conformance.builtins import run_case
from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext
from workbench.core.engines.opa.builtins.debugging import trace
from workbench.core.errors import BuiltinError

BUILTINS = ("trace",)


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


def test_trace_logs_note() -> None:
    notes: list[str] = []
    ctx = BuiltinContext(log=notes.append)
    assert REGISTRY["trace"](ctx, ["hello"]) is True
    assert notes == ["hello"]
    assert trace(ctx, "") is True
    with pytest.raises(BuiltinError, match=r"^trace: operand 1 must be string but got number$"):
        REGISTRY["trace"](ctx, [1])
