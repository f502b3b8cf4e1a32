"""OPA "Objects" builtins implemented by the host: ``object.subset`` (``topdown/subset.go``)."""

from __future__ import annotations

from typing import Any

from workbench.core.engines.opa.builtins._registry import BuiltinTable, RegoSet, type_error
from workbench.core.engines.opa.builtins._values import canonical_key

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__: list[str] = []


def _equal(a: Any, b: Any) -> bool:
    return canonical_key(a) == canonical_key(b)


def _object_subset(sup: dict[Any, Any], sub: dict[Any, Any]) -> bool:
    for key, sub_value in sub.items():
        if key not in sup:
            return False
        sup_value = sup[key]
        if _equal(sub_value, sup_value):
            continue
        if isinstance(sup_value, dict) and isinstance(sub_value, dict):
            if not _object_subset(sup_value, sub_value):
                return False
            continue
        if isinstance(sup_value, RegoSet) and isinstance(sub_value, RegoSet):
            if not _set_subset(sup_value, sub_value):
                return False
            continue
        if isinstance(sup_value, list) and isinstance(sub_value, list):
            if not _array_subset(sup_value, sub_value):
                return False
            continue
        return False
    return True


def _set_subset(sup: RegoSet, sub: RegoSet) -> bool:
    return all(element in sup for element in sub)


def _array_subset(sup: list[Any], sub: list[Any]) -> bool:
    """True when ``sub`` appears as a contiguous run in ``sup`` (OPA's naive search)."""
    if len(sub) > len(sup):
        return False
    if _equal(sub, sup):
        return True
    sup_cursor = sub_cursor = 0
    while True:
        if sub_cursor == len(sub):
            return True
        if sup_cursor + sub_cursor == len(sup):
            return False
        if _equal(sup[sup_cursor + sub_cursor], sub[sub_cursor]):
            sub_cursor += 1
        else:
            sup_cursor += 1
            sub_cursor = 0


def _array_set_subset(sup: list[Any], sub: RegoSet) -> bool:
    unmatched = len(sub)
    for element in sup:
        if element in sub:
            unmatched -= 1
        if unmatched == 0:
            return True
    return False


@BUILTINS.builtin("object.subset", category="Objects")
def object_subset(sup: Any, sub: Any) -> bool:
    if isinstance(sup, dict) and isinstance(sub, dict):
        return _object_subset(sup, sub)
    if isinstance(sup, RegoSet) and isinstance(sub, RegoSet):
        return _set_subset(sup, sub)
    if isinstance(sup, list) and isinstance(sub, list):
        return _array_subset(sup, sub)
    if isinstance(sup, list) and isinstance(sub, RegoSet):
        return _array_set_subset(sup, sub)
    raise type_error(
        "object.subset", "both arguments object.subset must be of the same type or array and set"
    )
