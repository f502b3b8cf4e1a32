"""The ``spec.expression`` language of Kubewarden policy groups: parser, checker, evaluator.

Kubewarden accepts a group expression twice: the controller's admission webhook compiles it
as CEL with one zero-argument ``bool`` function per member and only ``==``, ``!=``, ``&&``,
``||`` and ``!`` imported; policy-server then evaluates it with a *raw* Rhai engine
(``Engine::new_raw().eval_expression::<bool>``) where each member is a registered function.
The language implemented here is what both accept, and nothing else (see
docs/kubewarden-parity.md, section "Policy groups"):

    expression := or
    or         := and ( "||" and )*
    and        := equality ( "&&" equality )*
    equality   := unary ( ( "==" | "!=" ) unary )*        left-associative
    unary      := "!"* primary
    primary    := "true" | "false" | MEMBER "(" ")" | "(" expression ")"

Blanks are space, tab, CR, LF and form feed; ``//`` starts a comment that runs to the end of
the line (both CEL and Rhai allow it). ``&&`` and ``||`` short-circuit like Rhai does, so a
member that is not needed is never run; ``==``/``!=`` evaluate both sides.

Errors carry the character offset (0-based) and line/column (1-based) of the offending
token: a malformed expression gives one syntax error, unknown members are all reported.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum

from workbench.core.errors import InputError

__all__ = [
    "MAX_EXPRESSION_LENGTH",
    "MEMBER_NAME_RE",
    "RESERVED_NAMES",
    "And",
    "Call",
    "Equals",
    "ExpressionError",
    "ExpressionErrorKind",
    "GroupExpression",
    "GroupExpressionError",
    "Literal",
    "Node",
    "Not",
    "Or",
    "check_group_expression",
    "check_member_name",
    "parse_group_expression",
]

#: what the controller accepts as a member name (a CEL identifier)
MEMBER_NAME_RE = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*")
#: CEL's reserved words, refused as member names by the controller (policygroup_validation.go)
RESERVED_NAMES = frozenset(
    {
        "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function",
        "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while",
    }
)  # fmt: skip
#: longer expressions are refused (a bound on work, far above any real group)
MAX_EXPRESSION_LENGTH = 64 * 1024
_MAX_DEPTH = 64  # nesting of '(' and '!': bounds recursion (Rhai's parser has a similar limit)
_BLANKS = " \t\r\n\f"


class ExpressionErrorKind(StrEnum):
    EMPTY = "empty"
    SYNTAX = "syntax"
    UNKNOWN_MEMBER = "unknown-member"
    TOO_LONG = "too-long"


@dataclasses.dataclass(frozen=True)
class ExpressionError:
    """One problem in an expression, located for an editor (offset 0-based, line/column 1-based)."""

    kind: ExpressionErrorKind
    message: str
    offset: int
    line: int
    column: int
    length: int = 1

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class GroupExpressionError(InputError):
    """A group expression that cannot be used; ``errors`` lists every problem found."""

    def __init__(self, message: str, errors: Sequence[ExpressionError]) -> None:
        super().__init__(message)
        self.errors = tuple(errors)


# -- syntax tree ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Literal:
    value: bool
    offset: int


@dataclasses.dataclass(frozen=True)
class Call:
    name: str
    offset: int


@dataclasses.dataclass(frozen=True)
class Not:
    operand: Node
    offset: int


@dataclasses.dataclass(frozen=True)
class And:
    left: Node
    right: Node


@dataclasses.dataclass(frozen=True)
class Or:
    left: Node
    right: Node


@dataclasses.dataclass(frozen=True)
class Equals:
    left: Node
    right: Node
    negated: bool  # ``!=``


Node = Literal | Call | Not | And | Or | Equals


# -- tokens ---------------------------------------------------------------------------------------
class _Tok(StrEnum):
    IDENT = "identifier"
    LPAREN = "'('"
    RPAREN = "')'"
    NOT = "'!'"
    AND = "'&&'"
    OR = "'||'"
    EQ = "'=='"
    NE = "'!='"
    END = "end of expression"


@dataclasses.dataclass(frozen=True)
class _Token:
    kind: _Tok
    text: str
    offset: int


class _Located(Exception):
    def __init__(self, kind: ExpressionErrorKind, message: str, offset: int, length: int = 1) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.offset = offset
        self.length = length


_TWO_CHAR = {"&&": _Tok.AND, "||": _Tok.OR, "==": _Tok.EQ, "!=": _Tok.NE}
_ONE_CHAR = {"(": _Tok.LPAREN, ")": _Tok.RPAREN, "!": _Tok.NOT}


def _describe_char(ch: str) -> str:
    return repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _BLANKS:
            i += 1
            continue
        if text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        pair = text[i : i + 2]
        if pair in _TWO_CHAR:
            tokens.append(_Token(_TWO_CHAR[pair], pair, i))
            i += 2
            continue
        if ch in _ONE_CHAR:
            tokens.append(_Token(_ONE_CHAR[ch], ch, i))
            i += 1
            continue
        match = MEMBER_NAME_RE.match(text, i)
        if match:
            tokens.append(_Token(_Tok.IDENT, match.group(), i))
            i = match.end()
            continue
        if ch in "&|=":
            raise _Located(
                ExpressionErrorKind.SYNTAX,
                f"unexpected {ch!r}: the operators are '&&', '||', '==', '!=' and '!'",
                i,
            )
        if ch.isdigit() or ch in "'\"":
            raise _Located(
                ExpressionErrorKind.SYNTAX,
                f"unexpected {_describe_char(ch)}: only true, false and member calls such as name() "
                "can be used as values",
                i,
            )
        raise _Located(ExpressionErrorKind.SYNTAX, f"unexpected character {_describe_char(ch)}", i)
    tokens.append(_Token(_Tok.END, "", n))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.pos = 0
        self.calls: list[Call] = []
        self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def advance(self) -> _Token:
        token = self.tokens[self.pos]
        if token.kind is not _Tok.END:
            self.pos += 1
        return token

    def unexpected(self, token: _Token, wanted: str) -> _Located:
        found = "the end of the expression" if token.kind is _Tok.END else repr(token.text)
        return _Located(ExpressionErrorKind.SYNTAX, f"expected {wanted}, found {found}", token.offset,
                        max(1, len(token.text)))  # fmt: skip

    def parse(self) -> Node:
        node = self.parse_or()
        token = self.peek()
        if token.kind is not _Tok.END:
            if token.kind is _Tok.RPAREN:
                raise _Located(ExpressionErrorKind.SYNTAX, "unbalanced ')': no '(' to close", token.offset)
            raise self.unexpected(token, "'&&', '||', '==', '!=' or the end of the expression")
        return node

    def nest(self, offset: int) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise _Located(
                ExpressionErrorKind.SYNTAX, f"expression nested more than {_MAX_DEPTH} levels deep", offset
            )

    def parse_or(self) -> Node:
        node = self.parse_and()
        while self.peek().kind is _Tok.OR:
            self.advance()
            node = Or(node, self.parse_and())
        return node

    def parse_and(self) -> Node:
        node = self.parse_equality()
        while self.peek().kind is _Tok.AND:
            self.advance()
            node = And(node, self.parse_equality())
        return node

    def parse_equality(self) -> Node:
        node = self.parse_unary()
        while self.peek().kind in (_Tok.EQ, _Tok.NE):
            negated = self.advance().kind is _Tok.NE
            node = Equals(node, self.parse_unary(), negated)
        return node

    def parse_unary(self) -> Node:
        token = self.peek()
        if token.kind is _Tok.NOT:
            self.advance()
            self.nest(token.offset)
            operand = self.parse_unary()
            self.depth -= 1
            return Not(operand, token.offset)
        return self.parse_primary()

    def parse_primary(self) -> Node:
        token = self.advance()
        if token.kind is _Tok.LPAREN:
            self.nest(token.offset)
            inner = self.parse_or()
            self.depth -= 1
            closing = self.peek()
            if closing.kind is not _Tok.RPAREN:
                if closing.kind is _Tok.END:
                    raise _Located(
                        ExpressionErrorKind.SYNTAX, "unbalanced '(': missing ')' before the end", token.offset
                    )
                raise self.unexpected(closing, "')'")
            self.advance()
            return inner
        if token.kind is _Tok.IDENT:
            if token.text in ("true", "false"):
                return Literal(token.text == "true", token.offset)
            opening = self.peek()
            if opening.kind is not _Tok.LPAREN:
                raise _Located(
                    ExpressionErrorKind.SYNTAX,
                    f"'{token.text}' must be called: write {token.text}() to use the verdict of that member",
                    token.offset,
                    len(token.text),
                )
            self.advance()
            closing = self.peek()
            if closing.kind is not _Tok.RPAREN:
                if closing.kind is _Tok.END:
                    raise _Located(
                        ExpressionErrorKind.SYNTAX, f"missing ')' after '{token.text}('", opening.offset
                    )
                raise _Located(
                    ExpressionErrorKind.SYNTAX,
                    f"member calls take no arguments: write {token.text}()",
                    closing.offset,
                    max(1, len(closing.text)),
                )
            self.advance()
            call = Call(token.text, token.offset)
            self.calls.append(call)
            return call
        raise self.unexpected(token, "true, false, a member call such as name(), '!' or '('")


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def _error(
    text: str, kind: ExpressionErrorKind, message: str, offset: int, length: int = 1
) -> ExpressionError:
    line, column = _line_col(text, offset)
    return ExpressionError(kind, message, offset, line, column, length)


@dataclasses.dataclass(frozen=True)
class GroupExpression:
    """A parsed, checked group expression."""

    text: str
    tree: Node
    members: tuple[str, ...]  # the member names it calls, in order of first appearance

    def evaluate(self, call: Callable[[str], bool]) -> bool:
        """Evaluate with ``call(member) -> accepted``; ``&&``/``||`` short-circuit like Rhai."""
        return _evaluate(self.tree, call)


def _evaluate(node: Node, call: Callable[[str], bool]) -> bool:
    # Iterative over the left spine: chains of binary operators are deep on the left.
    spine: list[And | Or | Equals] = []
    current: Node = node
    while isinstance(current, (And, Or, Equals)):
        spine.append(current)
        current = current.left
    if isinstance(current, Literal):
        value = current.value
    elif isinstance(current, Call):
        value = bool(call(current.name))
    else:  # Not (its operand nests at most _MAX_DEPTH levels)
        value = not _evaluate(current.operand, call)
    for op in reversed(spine):
        if isinstance(op, And):
            value = value and _evaluate(op.right, call)
        elif isinstance(op, Or):
            value = value or _evaluate(op.right, call)
        else:
            right = _evaluate(op.right, call)
            value = (value != right) if op.negated else (value == right)
    return value


def _parse(text: str, members: Iterable[str] | None) -> tuple[GroupExpression | None, list[ExpressionError]]:
    if len(text) > MAX_EXPRESSION_LENGTH:
        return None, [
            _error(text, ExpressionErrorKind.TOO_LONG,
                   f"the expression is {len(text)} characters long; at most {MAX_EXPRESSION_LENGTH} are accepted", 0)
        ]  # fmt: skip
    if not text.strip(_BLANKS):
        return None, [
            _error(text, ExpressionErrorKind.EMPTY, "the expression is empty (it must be non-empty)", 0)
        ]
    try:
        parser = _Parser(text)
        tree = parser.parse()
    except _Located as exc:
        return None, [_error(text, exc.kind, exc.message, exc.offset, exc.length)]
    errors: list[ExpressionError] = []
    if members is not None:
        known = list(members)
        known_set = set(known)
        listing = ", ".join(sorted(known_set)) or "none"
        for call in parser.calls:
            if call.name not in known_set:
                errors.append(
                    _error(
                        text,
                        ExpressionErrorKind.UNKNOWN_MEMBER,
                        f"unknown member '{call.name}': the group's policies are {listing}",
                        call.offset,
                        len(call.name),
                    )
                )
    order = tuple(dict.fromkeys(c.name for c in parser.calls))
    return GroupExpression(text, tree, order), errors


def check_group_expression(expr: str, member_names: Iterable[str]) -> list[ExpressionError]:
    """Every problem in ``expr`` for a group with these members (empty list: the expression is good)."""
    return _parse(expr, member_names)[1]


def parse_group_expression(expr: str, member_names: Iterable[str] | None = None) -> GroupExpression:
    """Parse and check ``expr``; raise :class:`GroupExpressionError` naming each problem."""
    parsed, errors = _parse(expr, member_names)
    if errors or parsed is None:
        detail = "; ".join(str(e) for e in errors)
        raise GroupExpressionError(f"invalid policy group expression: {detail}", errors)
    return parsed


def check_member_name(name: str) -> str | None:
    """Why ``name`` cannot be a group member (the controller's rule), or None when it can."""
    if not name:
        return "a member name cannot be empty"
    if name in RESERVED_NAMES:
        return f"'{name}' is a reserved word and cannot name a member"
    if not MEMBER_NAME_RE.fullmatch(name):
        return f"'{name}' is not a valid member name (letters, digits and '_', not starting with a digit)"
    return None
