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
    """The JSON Patch turning ``left`` into ``right`` (a list of ``add``/``remove``/``replace`` dicts)."""
    patch: list[dict[str, Any]] = []
    _diff(left, right, "", patch, preserve_order)
    return patch


def _diff(left: Any, right: Any, pointer: str, patch: list[dict[str, Any]], keep: bool) -> None:
    if isinstance(left, dict) and isinstance(right, dict):
        _diff_object(left, right, pointer, patch, keep)
    elif isinstance(left, list) and isinstance(right, list):
        _diff_array(left, right, pointer, patch, keep)
    elif not json_equal(left, right):
        patch.append({"op": "replace", "path": pointer, "value": right})


def _diff_array(
    left: list[Any], right: list[Any], pointer: str, patch: list[dict[str, Any]], keep: bool
) -> None:
    shift = 0
    for idx in range(max(len(left), len(right))):
        path = f"{pointer}/{idx - shift}"
        if idx < len(left) and idx < len(right):
            _diff(left[idx], right[idx], path, patch, keep)
        elif idx < len(left):
            shift += 1
            patch.append({"op": "remove", "path": path})
        else:
            patch.append({"op": "add", "path": path, "value": right[idx]})


def _diff_object(
    left: dict[str, Any], right: dict[str, Any], pointer: str, patch: list[dict[str, Any]], keep: bool
) -> None:
    right_keys = list(right) if keep else sorted(right)
    for key in right_keys:
        path = f"{pointer}/{escape_pointer_token(key)}"
        if key in left:
            _diff(left[key], right[key], path, patch, keep)
        else:
            patch.append({"op": "add", "path": path, "value": right[key]})
    left_keys = list(left) if keep else sorted(left)
    for key in left_keys:
        if key not in right:
            patch.append({"op": "remove", "path": f"{pointer}/{escape_pointer_token(key)}"})
