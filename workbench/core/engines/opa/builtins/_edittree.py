"""OPA's ``internal/edittree`` for ``json.patch``: same traversal, same errors.

OPA applies JSON-Patch operations to an *edit tree* over the original value
instead of the value itself, and that shows in its behaviour: a deleted key
cannot be unfolded again (``cannot unfold the already deleted ...``), array
elements are looked up in the *original* array by their current index, and
every failure has a specific message.  This module reproduces that model on
decoded values (never mutating them) with the error texts of
``edittree.go``.
"""

from __future__ import annotations

import re
from typing import Any

from workbench.core.engines.opa.builtins._values import OpaFloat, canonical_key, term_string

__all__ = ["EditTree", "EditTreeError", "go_ast_type"]

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_GO_INT = re.compile(r"[+-]?[0-9]+")


class EditTreeError(ValueError):
    """An edit-tree failure with OPA's message."""


class _Deleted:
    """Marks the rendered value of a deleted root."""


DELETED: Any = _Deleted()


def go_ast_type(value: Any) -> str:
    """The Go type name (``%T``) of a scalar's ``ast.Value``."""
    if value is None:
        return "ast.Null"
    if isinstance(value, bool):
        return "ast.Boolean"
    if isinstance(value, (int, float)):
        return "ast.Number"
    if isinstance(value, str):
        return "ast.String"
    if isinstance(value, list):
        return "*ast.Array"
    if isinstance(value, dict):
        return "ast.object"
    return "ast.set"


def _is_composite(value: Any) -> bool:
    return isinstance(value, (dict, list))


def _to_index(length: int, key: Any) -> int:
    """``toIndex``: array index from a path segment."""
    if isinstance(key, (int, float)) and not isinstance(key, bool):
        if isinstance(key, int) and not isinstance(key, OpaFloat) and _INT64_MIN <= key <= _INT64_MAX:
            return key
        raise EditTreeError("invalid number type for indexing")
    if isinstance(key, str):
        if key == "-":
            return length
        if not _GO_INT.fullmatch(key) or not (_INT64_MIN <= int(key) <= _INT64_MAX):
            raise EditTreeError("invalid string for indexing")
        if key != "0" and key.startswith("0"):
            raise EditTreeError("leading zeros are not allowed in JSON paths")
        return int(key)
    raise EditTreeError("invalid type for indexing")


class EditTree:
    """One node of the edit tree (``*edittree.EditTree``)."""

    __slots__ = ("children", "deleted", "kind", "slots", "value")

    def __init__(self, value: Any) -> None:
        self._reset(value)

    def _reset(self, value: Any) -> None:
        self.value = value
        self.deleted = False
        # object children: canonical key -> [key, state, payload]
        self.children: dict[str, list[Any]] = {}
        # array slots: ("orig", index) | ("scalar", value) | ("composite", EditTree)
        self.slots: list[tuple[str, Any]] = []
        if isinstance(value, dict):
            self.kind = "object"
        elif isinstance(value, list):
            self.kind = "array"
            self.slots = [("orig", i) for i in range(len(value))]
        else:
            self.kind = "scalar"

    # -- helpers ----------------------------------------------------------

    def _original_lookup(self, key: Any) -> tuple[bool, Any]:
        ck = canonical_key(key)
        for k, v in self.value.items():
            if canonical_key(k) == ck:
                return True, v
        return False, None

    def _scalar_error(self) -> EditTreeError:
        return EditTreeError(
            f"expected composite type, found value: {term_string(self.value)} (type: {go_ast_type(self.value)})"
        )

    # -- primitive operations --------------------------------------------

    def insert(self, key: Any, value: Any) -> EditTree:
        if self.deleted:
            raise EditTreeError("deleted node encountered during insert operation")
        child = EditTree(value)
        if self.kind == "object":
            state = "composite" if _is_composite(value) else "scalar"
            self.children[canonical_key(key)] = [key, state, child if state == "composite" else value]
            return child
        if self.kind == "array":
            idx = _to_index(len(self.slots), key)
            if idx < 0 or idx > len(self.slots):
                raise EditTreeError("index for array insertion out of bounds")
            entry: tuple[str, Any] = ("composite", child) if _is_composite(value) else ("scalar", value)
            self.slots.insert(idx, entry)
            return child
        raise self._scalar_error()

    def delete(self, key: Any) -> EditTree:
        if self.deleted:
            raise EditTreeError("deleted node encountered during delete operation")
        if self.kind == "object":
            ck = canonical_key(key)
            entry = self.children.get(ck)
            if entry is not None:
                state = entry[1]
                if state == "del_scalar":
                    raise EditTreeError(
                        f"cannot delete the already deleted scalar node for key {term_string(key)}"
                    )
                if state == "del_composite":
                    raise EditTreeError(
                        f"cannot delete the already deleted composite node for key {term_string(key)}"
                    )
                payload = entry[2]
                self.children[ck] = [key, "del_" + state, None]
                return payload if state == "composite" else EditTree(payload)
            found, original = self._original_lookup(key)
            if not found:
                raise EditTreeError(f"cannot delete child key {term_string(key)} that does not exist")
            state = "del_composite" if _is_composite(original) else "del_scalar"
            self.children[ck] = [key, state, None]
            return EditTree(original)
        if self.kind == "array":
            idx = _to_index(len(self.slots), key)
            if idx < 0 or idx > len(self.slots) - 1:
                raise EditTreeError("index for array delete out of bounds")
            del self.slots[idx]
            return self
        raise self._scalar_error()

    def unfold(self, path: list[Any]) -> EditTree:
        if not path:
            return self
        if self.deleted:
            raise EditTreeError("nil value encountered where composite value was expected")
        key, rest = path[0], path[1:]
        if self.kind == "object":
            entry = self.children.get(canonical_key(key))
            if entry is not None:
                state = entry[1]
                if state == "del_scalar":
                    raise EditTreeError(
                        f"cannot unfold the already deleted scalar node for key {term_string(key)}"
                    )
                if state == "del_composite":
                    raise EditTreeError(
                        f"cannot unfold the already deleted composite node for key {term_string(key)}"
                    )
                if state == "scalar":
                    return EditTree(entry[2]).unfold(rest)
                return entry[2].unfold(rest)
            found, original = self._original_lookup(key)
            if found:
                return self.insert(key, original).unfold(rest)
            raise EditTreeError(
                f"path {term_string(key)} does not exist in object term {term_string(self.value)}"
            )
        if self.kind == "array":
            idx = _to_index(len(self.slots), key)
            if 0 <= idx < len(self.slots):
                kind, payload = self.slots[idx]
                if kind == "scalar":
                    return EditTree(payload).unfold(rest)
                if kind == "composite":
                    return payload.unfold(rest)
            if 0 <= idx < len(self.value):
                original = self.value[idx]
                self.delete(idx)
                return self.insert(idx, original).unfold(rest)
            raise EditTreeError(f"path {idx} does not exist in array term {term_string(self.value)}")
        raise EditTreeError(
            f"expected composite type for path {term_string(key)}, found value: "
            f"{term_string(self.value)} (type: {go_ast_type(self.value)})"
        )

    def render(self) -> Any:
        if self.deleted:
            return DELETED
        if self.kind == "object":
            out: dict[Any, Any] = {}
            for k, v in self.value.items():
                if canonical_key(k) not in self.children:
                    out[k] = v
            for key, state, payload in self.children.values():
                if state == "scalar":
                    out[key] = payload
                elif state == "composite":
                    out[key] = payload.render()
            return out
        if self.kind == "array":
            result: list[Any] = []
            for kind, payload in self.slots:
                if kind == "orig":
                    result.append(self.value[payload])
                elif kind == "scalar":
                    result.append(payload)
                else:
                    result.append(payload.render())
            return result
        return self.value

    # -- path operations ---------------------------------------------------

    def insert_at_path(self, path: list[Any], value: Any) -> EditTree:
        if value is DELETED:
            raise EditTreeError("cannot insert nil value into EditTree")
        if not path:
            self._reset(value)
            return self
        return self.unfold(path[:-1]).insert(path[-1], value)

    def delete_at_path(self, path: list[Any]) -> EditTree:
        if not path:
            if self.deleted:
                raise EditTreeError("deleted node encountered during delete operation")
            self.deleted = True
            return self
        return self.unfold(path[:-1]).delete(path[-1])

    def render_at_path(self, path: list[Any]) -> Any:
        return self.unfold(path).render()
