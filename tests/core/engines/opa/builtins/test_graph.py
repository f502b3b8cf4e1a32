"""graph.reachable_paths: corpus and OPA's path enumeration."""

from __future__ import annotations

import pytest
from builtin_corpus import check_corpus_param, corpus_params

from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins._values import sort_values
from workbench.core.engines.opa.builtins.graph import reachable_paths
from workbench.core.errors import BuiltinError

BUILTINS = ("graph.reachable_paths",)


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


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
