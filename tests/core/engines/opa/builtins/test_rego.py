"""rego.parse_module: corpus, OPA AST JSON for the v1 language, errors and robustness."""

from __future__ import annotations

import base64

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins._values import dumps, loads
from workbench.core.engines.opa.builtins.rego import rego_parse_module
from workbench.core.errors import BuiltinError

BUILTINS = ("rego.parse_module",)


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


def _var(name: str) -> dict:
    return {"type": "var", "value": name}


def _ref(*names: str) -> dict:
    return {"type": "ref", "value": [_var(names[0]), *({"type": "string", "value": n} for n in names[1:])]}


def _num(n: int) -> dict:
    return {"type": "number", "value": n}


TRUE_BODY = [{"index": 0, "terms": {"type": "boolean", "value": True}}]


def _rules(source: str) -> list:
    return rego_parse_module("p.rego", "package p\n" + source)["rules"]


def test_package_and_imports() -> None:
    module = rego_parse_module(
        "p.rego", 'package a.b["c-d"]\nimport rego.v1\nimport data.lib.x as y\nimport input'
    )
    assert module["package"] == {
        "path": [
            _var("data"),
            {"type": "string", "value": "a"},
            {"type": "string", "value": "b"},
            {"type": "string", "value": "c-d"},
        ]
    }
    assert module["imports"] == [
        {"path": _ref("rego", "v1")},
        {"path": _ref("data", "lib", "x"), "alias": "y"},
        {"path": _ref("input")},
    ]


def test_rule_heads() -> None:
    default, func, contains, refhead, partial, constant = _rules(
        "default allow := false\n"
        "f(x, _) := x + 1 if true\n"
        "deny contains msg if msg := 1\n"
        "a.b.c if true\n"
        'q[k] := 1 if k := "x"\n'
        "pi = 3.14\n"
    )
    assert default == {
        "default": True,
        "head": {
            "name": "allow",
            "ref": [_var("allow")],
            "assign": True,
            "value": {"type": "boolean", "value": False},
        },
        "body": TRUE_BODY,
    }
    assert func["head"] == {
        "name": "f",
        "ref": [_var("f")],
        "args": [_var("x"), _var("$0")],
        "assign": True,
        "value": {"type": "call", "value": [_ref("plus"), _var("x"), _num(1)]},
    }
    assert contains["head"] == {"name": "deny", "ref": [_var("deny")], "key": _var("msg")}
    assert refhead["head"] == {
        "ref": [_var("a"), {"type": "string", "value": "b"}, {"type": "string", "value": "c"}],
        "value": {"type": "boolean", "value": True},
    }
    assert partial["head"] == {
        "name": "q",
        "ref": [_var("q"), _var("k")],
        "key": _var("k"),
        "assign": True,
        "value": _num(1),
    }
    assert constant["head"]["value"]["value"] == loads("3.14")
    assert "assign" not in constant["head"]


def test_bodies_and_literals() -> None:
    (rule,) = _rules(
        "allow if {\n"
        "  not input.deny\n"
        "  some x in input.xs\n"
        "  some k, v in input.o\n"
        "  some i\n"
        "  every y in [1] { y > 0 }\n"
        "  count(input.a) == 1 with input.a as [1]; x = 2\n"
        "}"
    )
    body = rule["body"]
    assert [e["index"] for e in body] == list(range(7))
    assert body[0] == {"index": 0, "negated": True, "terms": _ref("input", "deny")}
    assert body[1]["terms"] == {
        "symbols": [{"type": "call", "value": [_ref("internal", "member_2"), _var("x"), _ref("input", "xs")]}]
    }
    assert body[2]["terms"]["symbols"][0]["value"][0] == _ref("internal", "member_3")
    assert body[3]["terms"] == {"symbols": [_var("i")]}
    assert body[4]["terms"]["key"] is None
    assert body[4]["terms"]["domain"] == {"type": "array", "value": [_num(1)]}
    assert body[5]["terms"][0] == _ref("equal")
    assert body[5]["with"] == [{"target": _ref("input", "a"), "value": {"type": "array", "value": [_num(1)]}}]
    assert body[6]["terms"] == [_ref("eq"), _var("x"), _num(2)]


def test_operator_precedence() -> None:
    (rule,) = _rules("x := 1 + 2 * 3 == 7 | 0")
    value = rule["head"]["value"]
    assert value["value"][0] == _ref("equal")
    plus = value["value"][1]
    assert plus["value"][0] == _ref("plus")
    assert plus["value"][2]["value"][0] == _ref("mul")
    assert value["value"][2]["value"][0] == _ref("or")


def test_comprehensions_and_collections() -> None:
    (rule,) = _rules(
        'x := [[a | a := 1], {b | b := 2}, {k: v | k := "a"; v := 1}, {}, set(), {1, 2}, {"a": [1]}, -1.5, .5]'
    )
    items = rule["head"]["value"]["value"]
    assert [i["type"] for i in items] == [
        "arraycomprehension",
        "setcomprehension",
        "objectcomprehension",
        "object",
        "set",
        "set",
        "object",
        "number",
        "number",
    ]
    assert dumps(items[7]["value"]) == "-1.5"
    assert items[2]["value"]["body"][1]["index"] == 1


def test_else_chain() -> None:
    (rule,) = _rules("p := 1 if false\nelse := 2 if true\nelse := 3")
    assert rule["else"]["head"]["value"] == _num(2)
    assert rule["else"]["else"]["head"]["value"] == _num(3)
    assert rule["else"]["else"]["body"] == TRUE_BODY


def test_comments_are_listed() -> None:
    module = rego_parse_module("p.rego", "# hello\npackage p  # tail")
    assert module["comments"] == [
        {"Location": {"file": "p.rego", "row": 1, "col": 1}, "Text": base64.b64encode(b" hello").decode()},
        {"Location": {"file": "p.rego", "row": 2, "col": 12}, "Text": base64.b64encode(b" tail").decode()},
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "package p\np { true }",
            "1 error occurred: p.rego:2: rego_parse_error: `if` keyword is required before rule body",
        ),
        (
            "package p\nf(x) { x }",
            "1 error occurred: p.rego:2: rego_parse_error: `if` keyword is required before function body",
        ),
        (
            "package p\nq[x] { x := 1 }",
            "2 errors occurred:\np.rego:2: rego_parse_error: `if` keyword is required before rule body\n"
            "p.rego:2: rego_parse_error: `contains` keyword is required for partial set rules",
        ),
        (
            "package p\nimport rego.v2",
            "1 error occurred: p.rego:2: rego_parse_error: invalid import, `rego.v2` is not supported by current capabilities",
        ),
        (
            "package p\nx := 01",
            "1 error occurred: p.rego:2: rego_parse_error: unexpected number token: expected number without leading zero",
        ),
        (
            "package p\nx := -y",
            "1 error occurred: p.rego:2: rego_parse_error: unexpected ident token: expected number",
        ),
        ("package p\nx := [1,", "1 error occurred: p.rego:2: rego_parse_error: unexpected eof token"),
        ("# just a comment\n", "p.rego:0: rego_parse_error: empty module"),
        ("x := 1", "1 error occurred: p.rego:1: rego_parse_error: package expected"),
    ],
)
def test_errors(source: str, message: str) -> None:
    with pytest.raises(BuiltinError) as info:
        rego_parse_module("p.rego", source)
    assert str(info.value) == f"rego.parse_module: {message}"


def test_operand_types() -> None:
    with pytest.raises(BuiltinError, match=r"^rego.parse_module: operand 1 must be string but got number$"):
        rego_parse_module(1, "package p")


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet='package p\nimport if contains else default := = == ( ) [ ] { } , ; | _ x 1 . " ` # - not some every in with as',
        max_size=60,
    )
)
def test_parser_never_crashes(text: str) -> None:
    try:
        module = rego_parse_module("f.rego", text)
    except BuiltinError:
        return
    assert module["package"]["path"][0] == _var("data")
    loads(dumps(module))  # the AST is valid JSON


_names = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda n: (
        n
        not in {
            "if",
            "in",
            "as",
            "not",
            "some",
            "with",
            "else",
            "every",
            "import",
            "package",
            "default",
            "contains",
            "true",
            "false",
            "null",
            "data",
            "input",
            "set",
        }
    )
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_names, st.integers(-(10**6), 10**6)), min_size=1, max_size=5))
def test_constant_rules_round_trip(rules: list[tuple[str, int]]) -> None:
    source = "package gen\n" + "\n".join(f"{name} := {value}" for name, value in rules)
    parsed = rego_parse_module("gen.rego", source)["rules"]
    assert [(r["head"]["name"], r["head"]["value"]["value"]) for r in parsed] == rules
    assert all(r["head"]["assign"] and r["body"] == TRUE_BODY for r in parsed)


def test_wildcards_number_through_the_module_and_rows_follow_raw_strings() -> None:
    source = "package p\na := [x | x := input[_]]\nb := `one\ntwo`\nc if input[_] == input[_]\nd := {"
    with pytest.raises(BuiltinError, match=r"p.rego:6: rego_parse_error: unexpected eof token$"):
        rego_parse_module("p.rego", source)
    rules = rego_parse_module("p.rego", source[: source.rindex("\n")])["rules"]
    assert rules[0]["head"]["value"]["value"]["body"][0]["terms"][2]["value"][1] == _var("$0")
    assert rules[1]["head"]["value"] == {"type": "string", "value": "one\ntwo"}
    equal = rules[2]["body"][0]["terms"]
    assert [equal[1]["value"][1], equal[2]["value"][1]] == [_var("$1"), _var("$2")]
