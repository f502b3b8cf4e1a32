"""OPA JSON builtins (patch, schema, marshal_with_options): corpus, unit and property tests."""

from __future__ import annotations

import json

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import REGISTRY, UNDEFINED, BuiltinContext
from workbench.core.engines.opa.builtins import json as json_builtins
from workbench.core.engines.opa.builtins._values import canonical_key, loads
from workbench.core.errors import BuiltinError

assert json_builtins.apply_patches  # registers the json.* builtins

NAMES = ("json.marshal_with_options", "json.match_schema", "json.patch", "json.verify_schema")


@pytest.mark.parametrize("case", corpus_params(*NAMES))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


def call(name: str, *args: object) -> object:
    return REGISTRY[name](BuiltinContext(), list(args))


# -- json.marshal_with_options ------------------------------------------------


def test_marshal_options() -> None:
    value = {"b": ["<", "\u2028", "\b"], "a": {}}
    assert call("json.marshal_with_options", value, {}) == '{"a":{},"b":["\\u003c","\\u2028","\\b"]}'
    assert call("json.marshal_with_options", [1, [2]], {"prefix": ">"}) == ">[\n>\t1,\n>\t[\n>\t\t2\n>\t]\n>]"
    assert call("json.marshal_with_options", [1], {"indent": ""}) == "[\n1\n]"
    assert call("json.marshal_with_options", [1], {"prefix": ">", "pretty": False}) == "[1]"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"pretty": "yes"}, 'operand 2 key "pretty" failed cast to bool'),
        (
            {"indent": "  ", "prefix": 1},
            'operand 2 key "prefix" failed cast to string: operand 1 must be string but got number',
        ),
        ("pretty", "operand 2 must be object but got string"),
    ],
)
def test_marshal_option_errors(options: object, message: str) -> None:
    with pytest.raises(BuiltinError) as info:
        call("json.marshal_with_options", [], options)
    assert str(info.value) == "json.marshal_with_options: " + message
    assert info.value.code == "eval_type_error"


# -- json.patch -----------------------------------------------------------------

DOC = {"a": {"b": [1, 2, 3], "c": "x"}, "d": None}


@pytest.mark.parametrize(
    ("ops", "expected"),
    [
        (
            [{"op": "copy", "from": "/a/c", "path": "/a/b/1"}],
            {"a": {"b": [1, "x", 2, 3], "c": "x"}, "d": None},
        ),
        ([{"op": "move", "from": "/a", "path": "/z"}], {"d": None, "z": {"b": [1, 2, 3], "c": "x"}}),
        ([{"op": "test", "path": "/a/b", "value": [1, 2, 3]}], DOC),
        (
            [{"op": "remove", "path": "/a/b/0"}, {"op": "remove", "path": "/a/b/0"}],
            {"a": {"b": [3], "c": "x"}, "d": None},
        ),
        (
            [{"op": "add", "path": "/n", "value": {}}, {"op": "add", "path": "/n/m", "value": 1}],
            {**DOC, "n": {"m": 1}},
        ),
        (
            [{"op": "replace", "path": ["a", "b", 2], "value": 9}],
            {"a": {"b": [1, 2, 9], "c": "x"}, "d": None},
        ),
    ],
)
def test_patch(ops: list, expected: object) -> None:
    assert canonical_key(call("json.patch", DOC, ops)) == canonical_key(expected)


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        (
            [{"op": "remove", "path": "/a"}, {"op": "add", "path": "/a/b", "value": 1}],
            'cannot unfold the already deleted composite node for key "a"',
        ),
        ([{"op": "remove", "path": "/q"}], 'cannot delete child key "q" that does not exist'),
        ([{"op": "add", "path": "/a/b/x", "value": 1}], "invalid string for indexing"),
        ([{"op": "add", "path": "/a/b/01", "value": 1}], "leading zeros are not allowed in JSON paths"),
        (
            [{"op": "add", "path": "/a/c/z", "value": 1}],
            'expected composite type, found value: "x" (type: ast.String)',
        ),
        ([{"op": "add", "path": "/a/b"}], "missing required attribute 'value'"),
        ([{"op": 1, "path": "/a"}], "attribute 'op' must be a string but found: number"),
        ([{"op": "copy", "path": "/a"}], "missing required attribute 'from'"),
        ([{"op": "test", "path": "/a/b/5", "value": 1}], "path 5 does not exist in array term [1, 2, 3]"),
    ],
)
def test_patch_errors(ops: list, message: str) -> None:
    with pytest.raises(BuiltinError) as info:
        call("json.patch", DOC, ops)
    assert str(info.value) == "json.patch: " + message
    assert info.value.code == "eval_builtin_error"


def test_patch_removing_the_root_is_undefined() -> None:
    assert call("json.patch", DOC, [{"op": "remove", "path": ""}]) is UNDEFINED


# -- schemas ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"minLength": -1}, "minLength must be greater than or equal to 0"),
        ({"maxLength": 1.5}, "maxLength must be of an integer"),
        ({"minLength": 3, "maxLength": 1}, "minLength cannot be greater than maxLength"),
        ({"type": ["string", "string"]}, "string type is duplicated"),
        ({"type": 5}, "Invalid type. Expected: type, given: string/array of strings"),
        ({"multipleOf": 0}, "multipleOf must be strictly greater than 0"),
        ({"required": ["a", "a"]}, "required items must be unique"),
        ({"$schema": 4}, "$schema must be of type string"),
        ({"properties": []}, "properties must be of type object"),
        ({"enum": 3}, "enum must be of an array"),
    ],
)
def test_verify_schema_errors(schema: object, message: str) -> None:
    assert call("json.verify_schema", schema) == [False, "jsonschema: " + message]


def _errors(document: object, schema: object) -> list[tuple[str, str, str]]:
    valid, errors = call("json.match_schema", document, schema)
    assert valid is (not errors)
    for err in errors:
        assert err["error"] == f"{err['field']}: {err['desc']}"
    return [(e["field"], e["type"], e["desc"]) for e in errors]


def test_match_schema_keywords() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "object", "properties": {"b": {"minimum": 1.5}}},
            "l": {"type": "array", "items": {"type": "string"}, "maxItems": 1},
            "ip": {"format": "ipv4"},
            "e": {"enum": ["x", 1]},
        },
        "additionalProperties": False,
    }
    doc = {"a": {"b": 1}, "l": ["x", 2], "ip": "1.2.3", "e": 2, "zz": True}
    got = _errors(doc, schema)
    assert ("(Root)", "additional_property_not_allowed", "Additional property zz is not allowed") in got
    assert ("a.b", "number_gte", "Must be greater than or equal to 1.5") in got
    assert ("l", "array_max_items", "Array must have at most 1 items") in got
    assert ("l.1", "invalid_type", "Invalid type. Expected: string, given: integer") in got
    assert ("ip", "format", "Does not match format 'ipv4'") in got
    assert ("e", "enum", 'e must be one of the following: "x", 1') in got
    assert len(got) == 6


def test_match_schema_combinators() -> None:
    assert _errors("5", {"oneOf": [{"type": "integer"}, {"minimum": 1}]}) == [
        ("(Root)", "number_one_of", "Must validate one and only one schema (oneOf)")
    ]
    assert _errors('"abc"', {"not": {"type": "string"}}) == [
        ("(Root)", "number_not", "Must not validate the schema (not)")
    ]
    assert _errors({"a": 1}, {"dependencies": {"a": ["b"]}}) == [
        ("(Root)", "missing_dependency", "Has a dependency on b")
    ]
    assert _errors("3", {"if": {"minimum": 2}, "then": {"multipleOf": 2}}) == [
        ("(Root)", "condition_then", 'Must validate "then" as "if" was valid'),
        ("(Root)", "multiple_of", "Must be a multiple of 2"),
    ]
    assert _errors([1, 1], {"uniqueItems": True}) == [("(Root)", "unique", "array items[0,1] must be unique")]
    assert _errors("1", {"const": 1.0}) == []
    assert _errors("1", "false") == [("(Root)", "false", "False always fails validation")]


def test_match_schema_refs() -> None:
    schema = {"definitions": {"s": {"type": "string"}}, "items": {"$ref": "#/definitions/s"}}
    assert _errors(["a", 1], schema) == [
        ("1", "invalid_type", "Invalid type. Expected: string, given: integer")
    ]
    recursive = {"type": "object", "properties": {"next": {"$ref": "#"}}, "required": ["v"]}
    assert _errors({"v": 1, "next": {"next": {"v": 2}}}, recursive) == [("next", "required", "v is required")]


# -- property tests ---------------------------------------------------------------

SCALARS = st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.text(max_size=10)
VALUES = st.recursive(
    SCALARS,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=5), c, max_size=4),
    max_leaves=15,
)
OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "pretty": st.booleans(),
        "indent": st.sampled_from(["", " ", "\t", "  "]),
        "prefix": st.sampled_from(["", ">"]),
    },
)


@settings(max_examples=200, deadline=None)
@given(VALUES, OPTIONS)
def test_marshal_output_is_json_of_the_value(value: object, options: dict) -> None:
    text = call("json.marshal_with_options", value, options)
    prefix = options.get("prefix", "")
    pretty = options.get("pretty", "indent" in options or "prefix" in options)
    if pretty and prefix:
        assert all(line.startswith(prefix) for line in text.split("\n"))
        text = "\n".join(line[len(prefix) :] for line in text.split("\n"))
    assert canonical_key(loads(text)) == canonical_key(value)


PATCH_OPS = st.fixed_dictionaries(
    {
        "op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test", "bad"]),
        "path": st.sampled_from(["", "/a", "/a/b", "/a/b/0", "/a/b/-", "/a/b/9", "/d", "/x/y"])
        | st.lists(SCALARS, max_size=3),
    },
    optional={"value": VALUES, "from": st.sampled_from(["/a", "/a/b/1", "/d", "/nope"])},
)


@settings(max_examples=150, deadline=None)
@given(st.lists(PATCH_OPS, max_size=4))
def test_patch_never_crashes(ops: list) -> None:
    try:
        result = call("json.patch", DOC, ops)
    except BuiltinError:
        return
    if result is not UNDEFINED:
        json.dumps(result)


SCHEMA_KEYS = st.sampled_from(
    [
        "type",
        "minimum",
        "maxLength",
        "items",
        "properties",
        "required",
        "enum",
        "const",
        "anyOf",
        "not",
        "$ref",
        "pattern",
        "format",
    ]
)
SCHEMAS = st.recursive(
    st.dictionaries(SCHEMA_KEYS, SCALARS, max_size=3),
    lambda c: st.dictionaries(SCHEMA_KEYS, c | st.lists(c, max_size=2), max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(SCHEMAS, VALUES)
def test_schema_builtins_never_crash(schema: dict, document: object) -> None:
    verdict = call("json.verify_schema", schema)
    assert verdict[0] in (True, False)
    try:
        valid, errors = call("json.match_schema", json.dumps(document), schema)
    except BuiltinError:
        assert verdict[0] is False
        return
    assert valid is (not errors)
