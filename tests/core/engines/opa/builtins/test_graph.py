"""graph.reachable_paths: corpus and OPA's path enumeration."""

from __future__ import annotations

import json

import pytest
from helpers import SHARED_DIR, shared_path

from workbench.conformance.builtins import run_case
from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins._values import sort_values
from workbench.core.engines.opa.builtins.graph import reachable_paths
from workbench.core.errors import BuiltinError

BUILTINS = ("graph.reachable_paths",)


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


def _paths(graph: dict, initial: object) -> list:
    return sort_values(list(reachable_paths(graph, initial)))


def test_leaf_missing_from_graph_commits_path_without_it() -> None:
    assert _paths({"a": ["b"]}, ["a"]) == [["a"]]


def test_sets_and_non_array_edges() -> None:
    assert _paths({"a": RegoSet(["b"]), "b": "not-edges"}, RegoSet(["a"])) == [["a", "b"]]
    assert _paths({"a": []}, ["a"]) == [["a"]]


def test_cycle_stops() -> None:
    assert _paths({"a": ["b"], "b": ["c"], "c": ["a"]}, ["a"]) == [["a", "b", "c"]]


def test_operand_2_type() -> None:
    try:
        reachable_paths({}, "a")
    except BuiltinError as exc:
        assert str(exc) == "graph.reachable_paths: operand 2 must be {array, set} but got string"
    else:
        raise AssertionError("expected an error")
