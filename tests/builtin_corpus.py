"""The OPA builtin conformance corpus as test cases.

The corpus is test data committed in the repository: ``tests/data/conformance/builtins/<name>.jsonl``
(results the real OPA v1.20.2 engine computed; origin in ``tests/data/conformance/README.md``), so
these tests run without ``../shared``.

Used by the builtin test modules that check a whole category against the corpus:
``@pytest.mark.parametrize(("name", "case"), corpus_cases(names))`` and, in the test,
``check_corpus_case(name, case)``; or ``corpus_params(*names)`` with ``check_corpus_param(case)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from workbench.conformance.builtins import run_case

#: the committed copy of the conformance corpus
CORPUS_DIR = Path(__file__).resolve().parent / "data" / "conformance" / "builtins"


def corpus_lines(name: str) -> list[dict[str, Any]]:
    """The cases of one builtin's corpus file, in file order ([] when it has no file)."""
    path = CORPUS_DIR / f"{name}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_cases(names: Iterable[str]) -> list[Any]:
    """One ``(name, case)`` param per corpus line; ``(name, None)`` for a builtin without a corpus file."""
    params = []
    for name in names:
        path = CORPUS_DIR / f"{name}.jsonl"
        if not path.exists():
            params.append(pytest.param(name, None, id=f"{name}-no-corpus"))
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                params.append(pytest.param(name, json.loads(line), id=f"{name}-{i}"))
    return params


def check_corpus_case(name: str, case: dict[str, Any] | None) -> None:
    """The case passes; a builtin without cases must really have no corpus file."""
    if case is None:
        assert not (CORPUS_DIR / f"{name}.jsonl").exists()
        return
    ok, want, got = run_case(case)
    assert ok, f"want {want}\n got {got}"


def corpus_params(*names: str) -> list[Any]:
    """One ``case`` param per corpus line of these builtins (ids ``name:line``); one ``None`` param if none exist."""
    cases = []
    for name in names:
        path = CORPUS_DIR / f"{name}.jsonl"
        if path.exists():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    cases.append(pytest.param(json.loads(line), id=f"{name}:{number}"))
    return cases or [pytest.param(None, id="corpus-missing")]


def check_corpus_param(case: dict[str, Any] | None) -> None:
    """A case from :func:`corpus_params` passes; ``None`` (no case for these builtins) fails."""
    if case is None:
        pytest.fail(f"no conformance case for these builtins in {CORPUS_DIR}")
    ok, want, got = run_case(case)
    assert ok, f"want {want}\ngot  {got}"
