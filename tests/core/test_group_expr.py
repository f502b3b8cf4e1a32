"""The policy-group expression language: every form, precise errors, short-circuit, properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.group_expr import (
    MAX_EXPRESSION_LENGTH,
    And,
    Call,
    Equals,
    ExpressionErrorKind,
    GroupExpressionError,
    Literal,
    Node,
    Not,
    Or,
    check_group_expression,
    check_member_name,
    parse_group_expression,
)

MEMBERS = ["a", "b", "c", "reject_latest", "signed_by_alice", "signed_by_bob"]


def run(expr: str, verdicts: dict[str, bool]) -> tuple[bool, list[str]]:
    calls: list[str] = []

    def call(name: str) -> bool:
        calls.append(name)
        return verdicts[name]

    return parse_group_expression(expr, verdicts).evaluate(call), calls


# -- every form ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("expr", "verdicts", "expected", "called"),
    [
        ("a()", {"a": True}, True, ["a"]),
        ("a()", {"a": False}, False, ["a"]),
        ("!a()", {"a": True}, False, ["a"]),
        ("!!a()", {"a": True}, True, ["a"]),
        ("true", {}, True, []),
        ("false", {}, False, []),
        ("a() && b()", {"a": True, "b": False}, False, ["a", "b"]),
        ("a() && b()", {"a": False, "b": True}, False, ["a"]),  # short-circuit
        ("a() || b()", {"a": True, "b": False}, True, ["a"]),  # short-circuit
        ("a() || b()", {"a": False, "b": True}, True, ["a", "b"]),
        ("a() == b()", {"a": False, "b": False}, True, ["a", "b"]),
        ("a() != b()", {"a": False, "b": True}, True, ["a", "b"]),
        ("a() == b() == c()", {"a": True, "b": False, "c": False}, True, ["a", "b", "c"]),  # (a==b)==c
        ("!a() == b()", {"a": True, "b": False}, True, ["a", "b"]),  # (!a)==b
        (
            "a() || b() && c()",
            {"a": False, "b": True, "c": False},
            False,
            ["a", "b", "c"],
        ),  # && binds tighter
        ("(a() || b()) && c()", {"a": True, "b": True, "c": False}, False, ["a", "c"]),
        ("true || a()", {"a": True}, True, []),
        ("false && a()", {"a": True}, False, []),
        # Kubewarden's documentation example
        (
            "reject_latest() || (signed_by_alice() && signed_by_bob())",
            {"reject_latest": True, "signed_by_alice": False, "signed_by_bob": False},
            True,
            ["reject_latest"],
        ),
        (
            "reject_latest() || (signed_by_alice() && signed_by_bob())",
            {"reject_latest": False, "signed_by_alice": False, "signed_by_bob": True},
            False,
            ["reject_latest", "signed_by_alice"],
        ),
        # blanks, newlines, comments (YAML folded or literal expressions)
        ("  a()\n\t&&\r\n  b ( )  // both\n", {"a": True, "b": True}, True, ["a", "b"]),
        ("// leading comment\na()", {"a": True}, True, ["a"]),
    ],
)
def test_forms(expr: str, verdicts: dict[str, bool], expected: bool, called: list[str]) -> None:
    assert run(expr, verdicts) == (expected, called)


def test_member_names_in_order_of_first_use() -> None:
    parsed = parse_group_expression("b() || a() && b()", ["a", "b", "c"])
    assert parsed.members == ("b", "a")


# -- errors with positions ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("expr", "kind", "offset", "fragment"),
    [
        ("", ExpressionErrorKind.EMPTY, 0, "empty"),
        ("  \n ", ExpressionErrorKind.EMPTY, 0, "empty"),
        ("a() ||", ExpressionErrorKind.SYNTAX, 6, "found the end of the expression"),
        ("a() && && b()", ExpressionErrorKind.SYNTAX, 7, "found '&&'"),
        ("a", ExpressionErrorKind.SYNTAX, 0, "write a() to use the verdict"),
        ("a(", ExpressionErrorKind.SYNTAX, 1, "missing ')' after 'a('"),
        ("a(b())", ExpressionErrorKind.SYNTAX, 2, "member calls take no arguments"),
        ("(a() || b()", ExpressionErrorKind.SYNTAX, 0, "unbalanced '('"),
        ("a() || b())", ExpressionErrorKind.SYNTAX, 10, "unbalanced ')'"),
        ("a() & b()", ExpressionErrorKind.SYNTAX, 4, "unexpected '&'"),
        ("a() | b()", ExpressionErrorKind.SYNTAX, 4, "unexpected '|'"),
        ("a() = b()", ExpressionErrorKind.SYNTAX, 4, "unexpected '='"),
        ("1 + 1", ExpressionErrorKind.SYNTAX, 0, "only true, false and member calls"),
        ("a() + 1", ExpressionErrorKind.SYNTAX, 4, "unexpected character '+'"),
        ("'x' == 'x'", ExpressionErrorKind.SYNTAX, 0, "only true, false"),
        ("a() b()", ExpressionErrorKind.SYNTAX, 4, "expected '&&', '||', '==', '!=' or the end"),
        ("a() /* c */", ExpressionErrorKind.SYNTAX, 4, "unexpected character '/'"),
        ("()", ExpressionErrorKind.SYNTAX, 1, "found ')'"),
        ("a() ||\n  zz()", ExpressionErrorKind.UNKNOWN_MEMBER, 9, "unknown member 'zz'"),
    ],
)
def test_errors_are_located(expr: str, kind: ExpressionErrorKind, offset: int, fragment: str) -> None:
    errors = check_group_expression(expr, ["a", "b"])
    assert len(errors) == 1, errors
    assert errors[0].kind is kind
    assert errors[0].offset == offset
    assert fragment in errors[0].message


def test_line_and_column_are_one_based() -> None:
    [error] = check_group_expression("a() &&\n  b() ||\n    nope()", ["a", "b"])
    assert (error.line, error.column, error.length) == (3, 5, 4)
    assert str(error).startswith("line 3, column 5: unknown member 'nope'")
    assert "the group's policies are a, b" in error.message


def test_every_unknown_member_is_reported() -> None:
    errors = check_group_expression("x() || a() || y() || x()", ["a"])
    assert [(e.kind, e.offset) for e in errors] == [
        (ExpressionErrorKind.UNKNOWN_MEMBER, 0),
        (ExpressionErrorKind.UNKNOWN_MEMBER, 14),
        (ExpressionErrorKind.UNKNOWN_MEMBER, 21),
    ]


def test_parse_raises_with_every_error() -> None:
    with pytest.raises(GroupExpressionError) as info:
        parse_group_expression("x() || y()", ["a"])
    assert len(info.value.errors) == 2
    assert "invalid policy group expression: line 1, column 1: unknown member 'x'" in str(info.value)


def test_without_member_list_only_syntax_is_checked() -> None:
    assert parse_group_expression("anything() && other()").members == ("anything", "other")


def test_too_long_and_too_deep() -> None:
    [error] = check_group_expression("a()" + " " * MAX_EXPRESSION_LENGTH, ["a"])
    assert error.kind is ExpressionErrorKind.TOO_LONG
    [error] = check_group_expression("(" * 100 + "a()" + ")" * 100, ["a"])
    assert "nested more than" in error.message
    [error] = check_group_expression("!" * 100 + "a()", ["a"])
    assert "nested more than" in error.message


def test_long_flat_chains_evaluate_without_recursion_limits() -> None:
    expr = " == ".join(["a()"] * 5000)
    calls: list[str] = []
    parsed = parse_group_expression(expr, ["a"])
    assert parsed.evaluate(lambda n: calls.append(n) or True) is True
    assert len(calls) == 5000
    expr = " || ".join(["a()"] * 5000)
    assert parse_group_expression(expr, ["a"]).evaluate(lambda n: False) is False


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("signed_by_alice", None),
        ("_x1", None),
        ("", "cannot be empty"),
        ("true", "reserved word"),
        ("namespace", "reserved word"),
        ("1abc", "not a valid member name"),
        ("with-dash", "not a valid member name"),
    ],
)
def test_member_names(name: str, problem: str | None) -> None:
    result = check_member_name(name)
    assert (result is None) if problem is None else (problem in (result or ""))


# -- properties ----------------------------------------------------------------------------------
NAMES = ["a", "b", "c"]


def _nodes() -> st.SearchStrategy[Node]:
    leaves: st.SearchStrategy[Node] = st.one_of(
        st.builds(Literal, st.booleans(), st.just(0)),
        st.builds(Call, st.sampled_from(NAMES), st.just(0)),
    )

    def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
        return st.one_of(
            st.builds(Not, children, st.just(0)),
            st.builds(And, children, children),
            st.builds(Or, children, children),
            st.builds(Equals, children, children, st.booleans()),
        )

    return st.recursive(leaves, extend, max_leaves=12)


def _render(node: Node, spaces: str) -> str:
    if isinstance(node, Literal):
        return "true" if node.value else "false"
    if isinstance(node, Call):
        return f"{node.name}{spaces}(){spaces}"
    if isinstance(node, Not):
        return f"!({_render(node.operand, spaces)})"
    if isinstance(node, Equals):
        op = "!=" if node.negated else "=="
        return f"({_render(node.left, spaces)}){spaces}{op}{spaces}({_render(node.right, spaces)})"
    op = "&&" if isinstance(node, And) else "||"
    return f"({_render(node.left, spaces)}){spaces}{op}{spaces}({_render(node.right, spaces)})"


def _reference(node: Node, env: dict[str, bool], calls: list[str]) -> bool:
    """A plain recursive evaluator with Python's own short-circuit: the oracle."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Call):
        calls.append(node.name)
        return env[node.name]
    if isinstance(node, Not):
        return not _reference(node.operand, env, calls)
    if isinstance(node, And):
        return _reference(node.left, env, calls) and _reference(node.right, env, calls)
    if isinstance(node, Or):
        return _reference(node.left, env, calls) or _reference(node.right, env, calls)
    left, right = _reference(node.left, env, calls), _reference(node.right, env, calls)
    return (left != right) if node.negated else (left == right)


@settings(max_examples=200, deadline=None)
@given(_nodes(), st.sampled_from(["", " ", "\n", "\t "]))
def test_parse_render_evaluate_agrees_with_reference(node: Node, spaces: str) -> None:
    text = _render(node, spaces)
    parsed = parse_group_expression(text, NAMES)
    for values in itertools.product([False, True], repeat=len(NAMES)):
        env = dict(zip(NAMES, values, strict=True))
        expected_calls: list[str] = []
        expected = _reference(node, env, expected_calls)
        calls: list[str] = []
        assert parsed.evaluate(lambda n, env=env, calls=calls: calls.append(n) or env[n]) is expected
        assert calls == expected_calls  # same members run, same order: short-circuit is exact


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab()!&|=tfrueals \n/+1x", max_size=40))
def test_any_text_gives_a_result_or_located_errors(text: str) -> None:
    errors = check_group_expression(text, ["a", "b"])
    for error in errors:
        assert 0 <= error.offset <= len(text)
        assert error.line >= 1 and error.column >= 1
        assert error.message
    if not errors:
        parsed = parse_group_expression(text, ["a", "b"])
        assert isinstance(parsed.evaluate(lambda n: n == "a"), bool)


@settings(max_examples=100, deadline=None)
@given(_nodes(), st.integers(min_value=0, max_value=200))
def test_truncated_expressions_never_crash(node: Node, cut: int) -> None:
    text = _render(node, " ")
    prefix = text[: min(cut, len(text))]
    errors = check_group_expression(prefix, NAMES)
    assert all(0 <= e.offset <= len(prefix) for e in errors)
