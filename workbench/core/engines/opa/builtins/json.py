"""OPA ``json.patch``, ``json.verify_schema``, ``json.match_schema`` and
``json.marshal_with_options``.

* ``json.patch`` follows OPA's ``applyPatches`` (``topdown/json.go``) over
  OPA's edit tree (:mod:`._edittree`), not RFC 6902 libraries: the validation
  order, the error texts and the edit-tree quirks are OPA's.
* The schema builtins run the gojsonschema port (:mod:`._gojsonschema`) and
  report its errors as ``{"error", "type", "field", "desc"}`` objects.
* ``json.marshal_with_options`` is Go's ``json.Marshal``/``MarshalIndent``
  (:mod:`._gojson`) with OPA's option handling.
"""

from __future__ import annotations

from typing import Any

from workbench.core.engines.opa.builtins._edittree import DELETED, EditTree, EditTreeError
from workbench.core.engines.opa.builtins._gofmt import go_quote
from workbench.core.engines.opa.builtins._gojson import marshal
from workbench.core.engines.opa.builtins._gojsonschema import JsonSchemaError, Schema, load_json_text
from workbench.core.engines.opa.builtins._operands import (
    check_array,
    check_object,
    operand_error,
    operand_type_error,
    value_type_name,
)
from workbench.core.engines.opa.builtins._registry import UNDEFINED, BuiltinTable, RegoSet, builtin_error
from workbench.core.engines.opa.builtins._values import compare, sort_values, term_string

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["apply_patches", "parse_patch_path"]

_CATEGORY = "Encoding / Objects"


class _PatchError(ValueError):
    """A json.patch failure; ``operand`` marks OPA's operand (type) errors."""

    def __init__(self, message: str, operand: bool = False) -> None:
        super().__init__(message)
        self.operand = operand


# ---------------------------------------------------------------------------
# json.patch


def parse_patch_path(path: Any) -> list[Any]:
    """OPA's ``parsePath``: a JSON pointer string or an array of segments."""
    if isinstance(path, str):
        if path == "":
            return []
        return [part.replace("~1", "/").replace("~0", "~") for part in path.lstrip("/").split("/")]
    if isinstance(path, list):
        return list(path)
    raise _PatchError(
        "operand 2 must be one of {set, array} containing string paths or array of path segments but got "
        + value_type_name(path),
        operand=True,
    )


def apply_patches(source: Any, operations: list[Any]) -> Any:
    """OPA's ``applyPatches``; returns the patched value (or ``DELETED``)."""
    tree = EditTree(source)
    for operation in operations:
        if not isinstance(operation, dict):
            raise _PatchError(
                "must be an array of JSON-Patch objects, but at least one element is not an object"
            )
        if "path" not in operation:
            raise _PatchError("missing required attribute 'path'")
        if "op" not in operation:
            raise _PatchError("missing required attribute 'op'")
        op = operation["op"]
        if not isinstance(op, str):
            raise _PatchError("attribute 'op' must be a string but found: " + value_type_name(op))
        path = parse_patch_path(operation["path"])
        try:
            _apply_one(tree, op, path, operation)
        except EditTreeError as exc:
            raise _PatchError(str(exc)) from None
    return tree.render()


def _required(operation: dict[str, Any], key: str) -> Any:
    if key not in operation:
        raise _PatchError(f"missing required attribute '{key}'")
    return operation[key]


def _apply_one(tree: EditTree, op: str, path: list[Any], operation: dict[str, Any]) -> None:
    if op == "add":
        tree.insert_at_path(path, _required(operation, "value"))
    elif op == "remove":
        tree.delete_at_path(path)
    elif op == "replace":
        tree.delete_at_path(path)
        tree.insert_at_path(path, _required(operation, "value"))
    elif op in ("move", "copy"):
        source = parse_patch_path(_required(operation, "from"))
        chunk = tree.render_at_path(source)
        if op == "move":
            tree.delete_at_path(source)
        tree.insert_at_path(path, chunk)
    elif op == "test":
        chunk = tree.render_at_path(path)
        value = _required(operation, "value")
        if chunk is DELETED or compare(chunk, value) != 0:
            found = "<nil>" if chunk is DELETED else term_string(chunk)
            raise _PatchError(
                f"value from EditTree != patch value.\n\nExpected: {term_string(value)}\n\nFound: {found}"
            )
    else:
        raise _PatchError(f"unrecognized op: '{op}'")


@BUILTINS.builtin("json.patch", category=_CATEGORY)
def json_patch(target: Any, operations: Any) -> Any:
    name = "json.patch"
    ops = check_array(name, operations, 2)
    try:
        result = apply_patches(target, ops)
    except _PatchError as exc:
        if exc.operand:
            raise operand_error(name, 2, str(exc)[len("operand 2 ") :]) from None
        raise builtin_error(name, str(exc)) from None
    if result is DELETED:
        return UNDEFINED
    return result


# ---------------------------------------------------------------------------
# JSON schema


class _LoaderError(ValueError):
    pass


def _load(value: Any) -> Any:
    """OPA's ``astValueToJSONSchemaLoader`` followed by the loader's ``LoadJSON``."""
    if isinstance(value, str):
        try:
            return load_json_text(value)
        except (ValueError, RecursionError):
            raise _LoaderError("invalid JSON string") from None
    if isinstance(value, (dict, list, RegoSet)):
        return _json_value(value)
    raise _LoaderError("wrong type, expected string or object")


def _json_value(value: Any) -> Any:
    """``ast.JSON``: sets become sorted arrays, object keys strings."""
    if isinstance(value, RegoSet):
        return [_json_value(v) for v in sort_values(list(value))]
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {(k if isinstance(k, str) else marshal(k)): _json_value(v) for k, v in value.items()}
    return value


def _compile(value: Any) -> Schema:
    document = _load(value)
    return Schema(document)


@BUILTINS.builtin("json.verify_schema", category=_CATEGORY)
def json_verify_schema(schema: Any) -> list[Any]:
    try:
        _compile(schema)
    except (_LoaderError, JsonSchemaError) as exc:
        return [False, "jsonschema: " + str(exc)]
    except RecursionError:
        return [False, "jsonschema: schema is too deeply nested"]
    return [True, None]


@BUILTINS.builtin("json.match_schema", category=_CATEGORY)
def json_match_schema(document: Any, schema: Any) -> list[Any]:
    name = "json.match_schema"
    try:
        doc = _load(document)
        compiled = _compile(schema)
        result = compiled.validate(doc)
    except (_LoaderError, JsonSchemaError) as exc:
        raise builtin_error(name, str(exc)) from None
    except RecursionError:
        raise builtin_error(name, "schema is too deeply nested") from None
    errors = [
        {"error": err.string(), "type": err.type, "field": err.field, "desc": err.description}
        for err in result.errors
    ]
    return [result.valid(), errors]


# ---------------------------------------------------------------------------
# json.marshal_with_options


@BUILTINS.builtin("json.marshal_with_options", category=_CATEGORY)
def json_marshal_with_options(value: Any, options: Any) -> str:
    name = "json.marshal_with_options"
    opts = check_object(name, options, 2)
    indent_with = "\t"
    prefix_with = ""
    implicit_pretty = False
    explicit_declared = False
    should_pretty = False
    for idx, key in enumerate(sort_values(list(opts.keys()))):
        val = opts[key]
        if not isinstance(key, str):
            inner = operand_type_error(name, idx, key, "string")
            raise operand_error(
                name, 2, f"failed to stringify key {term_string(key)} at index {idx}: {_detail(inner, name)}"
            )
        if key == "prefix":
            if not isinstance(val, str):
                inner = operand_type_error(name, idx, val, "string")
                raise operand_error(
                    name, 2, f"key {go_quote(key)} failed cast to string: {_detail(inner, name)}"
                )
            prefix_with = val
            implicit_pretty = True
        elif key == "indent":
            if not isinstance(val, str):
                inner = operand_type_error(name, idx, val, "string")
                raise operand_error(
                    name, 2, f"key {go_quote(key)} failed cast to string: {_detail(inner, name)}"
                )
            indent_with = val
            implicit_pretty = True
        elif key == "pretty":
            explicit_declared = True
            if not isinstance(val, bool):
                raise operand_error(name, 2, f"key {go_quote(key)} failed cast to bool")
            should_pretty = val
        else:
            raise operand_error(name, 2, f"object contained unknown key {go_quote(key)}")
    if not explicit_declared:
        should_pretty = implicit_pretty
    if should_pretty:
        return prefix_with + marshal(value, prefix=prefix_with, indent=indent_with)
    return marshal(value)


def _detail(exc: Exception, name: str) -> str:
    text = str(exc)
    prefix = name + ": "
    return text[len(prefix) :] if text.startswith(prefix) else text
