"""The OPA builtin conformance corpus (``../shared/conformance/builtins/<name>.jsonl``) as test cases.

Used by the builtin test modules that check a whole category against the corpus:
``@pytest.mark.parametrize(("name", "case"), corpus_cases(names))`` and, in the test,
``check_corpus_case(name, case)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest
from helpers import SHARED_DIR, shared_path

from workbench.conformance.builtins import run_case


def corpus_cases(names: Iterable[str]) -> list[Any]:
    """One ``(name, case)`` param per corpus line; ``(name, None)`` for a builtin without a corpus file."""
    directory = SHARED_DIR / "conformance" / "builtins"
    params = []
    for name in names:
        path = directory / f"{name}.jsonl"
        if not path.exists():
            params.append(pytest.param(name, None, id=f"{name}-no-corpus"))
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                params.append(pytest.param(name, json.loads(line), id=f"{name}-{i}"))
    return params


def check_corpus_case(name: str, case: dict[str, Any] | None) -> None:
    """The case passes; a builtin without cases must really have no corpus file (skips without ../shared)."""
    corpus = shared_path("conformance", "builtins")
    if case is None:
        assert not (corpus / f"{name}.jsonl").exists()
        return
    ok, want, got = run_case(case)
    assert ok, f"want {want}\n got {got}"


def corpus_params(*names: str) -> list[Any]:
    """One ``case`` param per corpus line of these builtins (ids ``name:line``); one ``None`` param if none exist."""
    cases = []
    for name in names:
        path = SHARED_DIR / "conformance" / "builtins" / f"{name}.jsonl"
        if path.exists():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    cases.append(pytest.param(json.loads(line), id=f"{name}:{number}"))
    return cases or [pytest.param(None, id="corpus-missing")]


def check_corpus_param(case: dict[str, Any] | None) -> None:
    """A case from :func:`corpus_params` passes; ``None`` skips without ``../shared`` and fails when it exists."""
    if case is None:
        shared_path("conformance", "builtins")
        pytest.fail("conformance corpus present but no case for these builtins")
    ok, want, got = run_case(case)
    assert ok, f"want {want}\ngot  {got}"
