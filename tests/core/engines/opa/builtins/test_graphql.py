"""GraphQL builtins: corpus, gqlparser AST shape, validation and robustness."""

from __future__ import annotations

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins.graphql import (
    _format_gqlparser_error,
    graphql_is_valid,
    graphql_parse,
    graphql_parse_and_verify,
    graphql_parse_query,
    graphql_parse_schema,
    graphql_schema_is_valid,
)
from workbench.core.errors import BuiltinError

BUILTINS = (
    "graphql.is_valid",
    "graphql.parse",
    "graphql.parse_and_verify",
    "graphql.parse_query",
    "graphql.parse_schema",
    "graphql.schema_is_valid",
)


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


SCHEMA = """
type Query { user(id: ID!): User, users(filter: Filter = {limit: 10}): [User!]! }
type User implements Node { id: ID!, name: String @deprecated(reason: "x"), role: Role }
interface Node { id: ID! }
enum Role { ADMIN USER }
input Filter { limit: Int, names: [String] }
union Thing = User
"""


def test_query_shape() -> None:
    query = graphql_parse_query(
        'query Q($f: Filter = {limit: 2}) @a { users(filter: $f) { ... on User { id } ...F } e: user(id: "1") { name } }'
        " fragment F on User { role }"
    )
    operation = query["Operations"][0]
    assert operation["Name"] == "Q"
    assert operation["Directives"] == [{"Name": "a", "Location": ""}]
    variable = operation["VariableDefinitions"][0]
    assert variable["Type"] == {"NamedType": "Filter", "NonNull": False}
    assert variable["DefaultValue"]["Kind"] == 9
    assert variable["DefaultValue"]["Children"][0] == {
        "Name": "limit",
        "Value": {"Raw": "2", "Kind": 1, "ExpectedTypeHasDefault": False},
    }
    users = operation["SelectionSet"][0]
    assert users["Arguments"][0]["Value"] == {"Raw": "f", "Kind": 0, "ExpectedTypeHasDefault": False}
    assert users["SelectionSet"][0] == {
        "TypeCondition": "User",
        "SelectionSet": [{"Alias": "id", "Name": "id"}],
    }
    assert users["SelectionSet"][1] == {"Name": "F"}
    assert operation["SelectionSet"][1]["Alias"] == "e"
    assert query["Fragments"] == [
        {"Name": "F", "TypeCondition": "User", "SelectionSet": [{"Alias": "role", "Name": "role"}]}
    ]


def test_schema_shape() -> None:
    schema = graphql_parse_schema(
        SCHEMA + 'extend type User { age: Int } directive @a on QUERY\n"""doc"""\nscalar Date'
    )
    kinds = [d["Kind"] for d in schema["Definitions"]]
    assert kinds == ["OBJECT", "OBJECT", "INTERFACE", "ENUM", "INPUT_OBJECT", "UNION", "SCALAR"]
    users = schema["Definitions"][0]["Fields"][1]
    assert users["Type"] == {
        "NamedType": "",
        "Elem": {"NamedType": "User", "NonNull": True},
        "NonNull": True,
    }
    assert users["Arguments"][0]["DefaultValue"]["Kind"] == 9
    assert schema["Definitions"][1]["Interfaces"] == ["Node"]
    assert schema["Definitions"][3]["EnumValues"][0] == {"Description": "", "Name": "ADMIN"}
    assert schema["Definitions"][5]["Types"] == ["User"]
    assert schema["Definitions"][6]["Description"] == "doc"
    assert schema["Extensions"][0]["Name"] == "User"
    assert schema["Directives"] == [
        {"Description": "", "Name": "a", "Locations": ["QUERY"], "IsRepeatable": False}
    ]


def test_validation() -> None:
    assert graphql_is_valid('{ user(id: "1") { name } }', SCHEMA)
    assert not graphql_is_valid("{ user { name } }", SCHEMA)  # missing required argument
    assert not graphql_is_valid("{ nope }", SCHEMA)
    assert not graphql_is_valid(1, SCHEMA)
    assert graphql_parse_and_verify("{ nope }", SCHEMA) == [False, {}, {}]
    verified = graphql_parse_and_verify('{ user(id: "1") { id } }', SCHEMA)
    assert verified[0] is True
    # OPA v1.20.2 formats validation and parse errors alike ("in GraphQL string at location")
    with pytest.raises(
        BuiltinError,
        match=r'^graphql.parse: Cannot query field "nope" on type "Query" in GraphQL string at location 1:3$',
    ):
        graphql_parse("{ nope }", SCHEMA)
    with pytest.raises(
        BuiltinError, match=r"^graphql.parse: Expected Name, found <EOF> in GraphQL string at location 1:2$"
    ):
        graphql_parse("{", SCHEMA)
    with pytest.raises(BuiltinError, match=r"^graphql.parse: .* in GraphQL string at location 1:\d+$"):
        graphql_parse("{ user }", "type Query {")  # a schema syntax error


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("input:1:3: Cannot query field.\n", "Cannot query field in GraphQL string at location 1:3"),
        ("input:2:7: a\ninput:3:1: b.\n", "a\ninput:3:1: b in GraphQL string at location 2:7"),
        ("input:01:3: x", "x in GraphQL string at location 1:3"),
        ("input: no location", "GraphQL parse error: input: no location"),
        ("input:a:b: x", "GraphQL parse error: input:a:b: x"),
    ],
)
def test_gqlparser_error_format(text: str, message: str) -> None:
    """OPA's formatGqlParserError: location when line and column are numbers, else a wrapped error."""
    assert str(_format_gqlparser_error(text)) == message


def test_schema_validity() -> None:
    assert graphql_schema_is_valid(SCHEMA)
    assert graphql_schema_is_valid("type Foo { a: Int }")  # gqlparser does not require a Query type
    assert not graphql_schema_is_valid("type Query { a: Missing }")
    assert not graphql_schema_is_valid("type Query { a: Int } type Query { b: Int }")
    assert not graphql_schema_is_valid(5)


def test_schema_as_ast_object() -> None:
    ast = graphql_parse_schema(SCHEMA)
    assert graphql_schema_is_valid(ast)
    assert graphql_is_valid('{ user(id: "1") { name } }', ast)
    assert graphql_parse('{ user(id: "1") { name } }', ast)[1] == ast


def test_query_as_ast_object_cannot_be_decoded() -> None:
    ast = graphql_parse_query("{ user { id } }")
    with pytest.raises(BuiltinError, match="cannot unmarshal object into Go struct field"):
        graphql_parse(ast, SCHEMA)
    assert graphql_is_valid(ast, SCHEMA) is False


def test_syntax_errors() -> None:
    with pytest.raises(
        BuiltinError,
        match=r"^graphql.parse_query: Expected Name, found <EOF> in GraphQL string at location 1:2$",
    ):
        graphql_parse_query("{")
    with pytest.raises(
        BuiltinError, match=r"^graphql.parse_query: Expected Name, found } in GraphQL string at location 1:8$"
    ):
        graphql_parse_query("{ a b( }")
    with pytest.raises(BuiltinError, match=r'^graphql.parse_query: Unexpected Name "type" in GraphQL string'):
        graphql_parse_query("type Query { a: Int }")
    with pytest.raises(
        BuiltinError, match=r"^graphql.parse_schema: operand 1 must be string but got number$"
    ):
        graphql_parse_schema(1)
    with pytest.raises(
        BuiltinError, match=r"^graphql.parse: operand 0 must be one of \{string, object\} but got number$"
    ):
        graphql_parse(1, SCHEMA)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='{}()[]:!$@=,.| \nabcQuerytype"#1', max_size=40))
def test_parsers_never_crash(text: str) -> None:
    for fn in (graphql_parse_query, graphql_parse_schema):
        try:
            result = fn(text)
        except BuiltinError:
            continue
        assert isinstance(result, dict)
    assert graphql_is_valid(text, SCHEMA) in (True, False)
    assert graphql_schema_is_valid(text) in (True, False)
