"""OPA "Graph" builtins implemented by the host: ``graph.reachable_paths`` (``topdown/reachable.go``).

``graph.reachable`` is native in Wasm modules, so only the paths variant is here.
"""

from __future__ import annotations

from typing import Any

from workbench.core.engines.opa.builtins._operands import check_object, operand_type_error
from workbench.core.engines.opa.builtins._registry import BuiltinTable, RegoSet
from workbench.core.engines.opa.builtins._values import sort_values

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__: list[str] = []

_MISSING = object()


def _vertices(collection: Any) -> list[Any]:
    if isinstance(collection, list):
        return collection
    if isinstance(collection, RegoSet):
        return sort_values(list(collection))
    return []


def _lookup(graph: dict[Any, Any], node: Any) -> Any:
    if isinstance(node, str):
        return graph.get(node, _MISSING)
    return _MISSING


def _build_paths(
    graph: dict[Any, Any], root: Any, path: list[Any], result: RegoSet, reached: RegoSet
) -> None:
    edges = _lookup(graph, root)
    if edges is _MISSING:
        result.add(list(path))
        return
    path = [*path, root]
    neighbours = _vertices(edges)
    if not neighbours:
        result.add(path)
        return
    reached = RegoSet(reached)
    reached.add(root)
    for neighbour in neighbours:
        if neighbour in reached:
            result.add(path)
        else:
            _build_paths(graph, neighbour, list(path), result, reached)


@BUILTINS.builtin("graph.reachable_paths", category="Graph")
def reachable_paths(graph: Any, initial: Any) -> RegoSet:
    name = "graph.reachable_paths"
    edges_by_node = check_object(name, graph, 1)
    if not isinstance(initial, (list, RegoSet)):
        raise operand_type_error(name, 2, initial, "{array, set}")
    result = RegoSet()
    for node in _vertices(initial):
        edges = _lookup(edges_by_node, node)
        if edges is _MISSING:
            continue
        neighbours = _vertices(edges)
        if neighbours:
            for neighbour in neighbours:
                _build_paths(edges_by_node, neighbour, [node], result, RegoSet([node]))
        else:
            result.add([node])
    return result
