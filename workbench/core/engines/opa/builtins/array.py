"""OPA "Arrays" builtins implemented by the host: ``array.flatten``."""

from __future__ import annotations

from typing import Any

from workbench.core.engines.opa.builtins._operands import check_array
from workbench.core.engines.opa.builtins._registry import BuiltinTable

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__: list[str] = []


@BUILTINS.builtin("array.flatten", category="Arrays")
def array_flatten(arr: Any) -> list[Any]:
    """Flattens ONE level: nested arrays are spliced in, deeper nesting is kept."""
    items = check_array("array.flatten", arr, 1)
    result: list[Any] = []
    for element in items:
        if isinstance(element, list):
            result.extend(element)
        else:
            result.append(element)
    return result
