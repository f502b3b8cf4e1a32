"""RFC 6902 JSON Patch diff, operation for operation what Rust's ``json_patch::diff`` produces.

Kubewarden turns a policy's ``mutated_object`` into a patch with the ``json-patch``
crate (4.x, ``src/diff.rs``); the workbench shows and returns the same patch, so the
algorithm is reproduced here rather than taken from the Python ``jsonpatch`` package
(which orders and shapes operations differently):

* two objects: for every key of the *new* object in key order, recurse when the old
  object has it, else ``add``; then ``remove`` every old key missing from the new object
  (old key order);
* two arrays: walk indices ``0 .. max(len)``; common indices recurse, surplus old
  elements are removed (the written index shifts down by the number already removed, so
  trailing removals read ``/1``, ``/1``, ...), surplus new elements are added;
* anything else: nothing when equal, otherwise ``replace`` at the current pointer
  (the root pointer is ``""``).

Keys are escaped as JSON pointers (``~`` → ``~0``, ``/`` → ``~1``). Equality is
serde_json's: ``1`` and ``1.0`` differ, ``true`` is not ``1``.

Key order: serde_json maps iterate in sorted key order unless its ``preserve_order``
feature is on; neither Kubewarden's workspace manifest nor policy-evaluator's enables it
(transitive crates were not audited), so :func:`diff` sorts keys by default.
``preserve_order=True`` follows the insertion order of the Python dicts instead.
"""

from __future__ import annotations

from typing import Any

__all__ = ["diff", "escape_pointer_token", "json_equal"]


def escape_pointer_token(key: str) -> str:
    """Escape one JSON-pointer reference token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def json_equal(left: Any, right: Any) -> bool:
    """serde_json ``Value`` equality: type-strict for numbers and booleans, deep for containers."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, dict):
        if not isinstance(right, dict) or len(left) != len(right):
            return False
        return all(key in right and json_equal(value, right[key]) for key, value in left.items())
    if isinstance(left, list):
        if not isinstance(right, list) or len(left) != len(right):
            return False
        return all(json_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, float) or isinstance(right, float):
        # serde_json keeps integers and floats apart: 1 != 1.0
        return isinstance(left, float) and isinstance(right, float) and left == right
    if isinstance(left, int) and isinstance(right, int):
        return left == right
    if left is None or right is None:
        return left is None and right is None
    return type(left) is type(right) and left == right


def diff(left: Any, right: Any, *, preserve_order: bool = False) -> list[dict[str, Any]]:
    """The JSON Patch turning ``left`` into ``right`` (a list of ``add``/``remove``/``replace`` dicts).

    Iterative (an explicit work stack instead of recursion), so any nesting depth works.
    """
    patch: list[dict[str, Any]] = []
    # work items: (left, right, pointer) to diff, or a finished operation (a dict) to append
    stack: list[tuple[Any, Any, str] | dict[str, Any]] = [(left, right, "")]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            patch.append(item)
            continue
        old, new, pointer = item
        if isinstance(old, dict) and isinstance(new, dict):
            stack.extend(reversed(_object_items(old, new, pointer, preserve_order)))
        elif isinstance(old, list) and isinstance(new, list):
            stack.extend(reversed(_array_items(old, new, pointer)))
        elif not json_equal(old, new):
            patch.append({"op": "replace", "path": pointer, "value": new})
    return patch


def _array_items(left: list[Any], right: list[Any], pointer: str) -> list[tuple[Any, Any, str] | dict[str, Any]]:
    items: list[tuple[Any, Any, str] | dict[str, Any]] = []
    shift = 0
    for idx in range(max(len(left), len(right))):
        path = f"{pointer}/{idx - shift}"
        if idx < len(left) and idx < len(right):
            items.append((left[idx], right[idx], path))
        elif idx < len(left):
            shift += 1
            items.append({"op": "remove", "path": path})
        else:
            items.append({"op": "add", "path": path, "value": right[idx]})
    return items


def _object_items(
    left: dict[str, Any], right: dict[str, Any], pointer: str, keep: bool
) -> list[tuple[Any, Any, str] | dict[str, Any]]:
    items: list[tuple[Any, Any, str] | dict[str, Any]] = []
    right_keys = list(right) if keep else sorted(right)
    for key in right_keys:
        path = f"{pointer}/{escape_pointer_token(key)}"
        if key in left:
            items.append((left[key], right[key], path))
        else:
            items.append({"op": "add", "path": path, "value": right[key]})
    left_keys = list(left) if keep else sorted(left)
    for key in left_keys:
        if key not in right:
            items.append({"op": "remove", "path": f"{pointer}/{escape_pointer_token(key)}"})
    return items
