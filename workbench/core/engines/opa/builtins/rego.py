"""OPA "Rego" builtin: ``rego.parse_module`` — a Rego v1 parser producing OPA's AST JSON.

OPA answers with ``ast.ParseModule`` (Rego v1) marshalled to JSON without
locations. This is a recursive-descent parser following OPA's
``v1/ast/parser.go``:

* statements: ``package``, ``import`` (with ``as``), rules: ``default``,
  ``:=`` / ``=`` values, ``if`` bodies (braces or a single literal),
  ``contains`` multi-value rules, functions, ``else`` chains, ref heads
  (``a.b[x] := v``) with OPA's ``name`` / ``key`` conventions, constant rules;
* literals: ``not``, ``some`` declarations and ``some ... in``, ``every``,
  ``with ... as``, ``:=`` / ``=`` and OPA's operator precedence
  (``in`` < relations < ``|`` < ``&`` < ``+ -`` < ``* / %``);
* terms: numbers (exact text, no leading zeros), strings and raw strings,
  refs, calls, ``set()``, arrays, objects, sets and the three comprehensions;
  ``_`` becomes the wildcards ``$0``, ``$1`` ...; ``input`` / ``data`` become refs;
* comments are listed under ``comments`` as OPA marshals them
  (``{"Location": {file, row, col}, "Text": <base64>}``).

Not covered: template strings, metadata annotations (kept as plain comments)
and the v0 syntax. Errors use OPA's format
(``1 error occurred: <file>:<row>: rego_parse_error: <message>``); the syntax
error texts follow OPA's for the common cases.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from workbench.core.engines.opa.builtins._operands import check_string
from workbench.core.engines.opa.builtins._registry import BuiltinTable, builtin_error
from workbench.core.engines.opa.builtins._values import OpaFloat

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["RegoSyntaxError", "parse_module"]

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r]+)
  | (?P<comment>\#[^\n]*)
  | (?P<nl>\n)
  | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>:=|==|!=|<=|>=|[-+*/%&|<>=.,;:\[\]{}()])
    """,
    re.VERBOSE,
)

_KEYWORDS = frozenset(
    {"not", "package", "import", "as", "default", "else", "with", "some", "if", "contains", "in", "every"}
)
_CONSTANTS = frozenset({"null", "true", "false"})
_ROOT_DOCUMENTS = frozenset({"data", "input"})
_RELATIONS = {"==": "equal", "!=": "neq", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
_ARITH = {"+": "plus", "-": "minus"}
_FACTOR = {"*": "mul", "/": "div", "%": "rem"}


class RegoSyntaxError(ValueError):
    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.message = message


class _Tok:
    __slots__ = ("col", "kind", "row", "text")

    def __init__(self, kind: str, text: str, row: int, col: int) -> None:
        self.kind = kind
        self.text = text
        self.row = row
        self.col = col

    def describe(self) -> str:
        """The token as OPA names it in ``unexpected <x> token`` / ``keyword``."""
        if self.kind == "eof":
            return "eof token"
        if self.kind in ("number", "string"):
            return f"{self.kind} token"
        if self.kind == "raw":
            return "string token"
        if self.kind == "ident":
            if self.text in _KEYWORDS or self.text in _CONSTANTS:
                return f"{self.text} keyword"
            return "ident token"
        return f"{self.text} token"


def _tokenize(source: str) -> tuple[list[_Tok], list[tuple[int, int, str]]]:
    tokens: list[_Tok] = []
    comments: list[tuple[int, int, str]] = []
    pos = 0
    row = 1
    line_start = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        col = pos - line_start + 1
        if match is None:
            raise RegoSyntaxError(row, "illegal token")
        kind = match.lastgroup or ""
        text = match.group()
        if kind == "nl":
            tokens.append(_Tok("nl", text, row, col))
            row += 1
            line_start = match.end()
        elif kind == "comment":
            comments.append((row, col, text[1:]))
        elif kind != "ws":
            tokens.append(_Tok(kind, text, row, col))
            if kind == "raw" and "\n" in text:  # raw strings may span lines
                row += text.count("\n")
                line_start = match.start() + text.rindex("\n") + 1
        pos = match.end()
    tokens.append(_Tok("eof", "", row, pos - line_start + 1))
    return tokens, comments


def _var(name: str) -> dict[str, Any]:
    return {"type": "var", "value": name}


def _string(value: str) -> dict[str, Any]:
    return {"type": "string", "value": value}


def _ref_of(*names: str) -> dict[str, Any]:
    return {"type": "ref", "value": [_var(names[0]), *(_string(n) for n in names[1:])]}


def _call(op: str, *args: Any) -> dict[str, Any]:
    return {"type": "call", "value": [_ref_of(*op.split(".")), *args]}


def _true() -> dict[str, Any]:
    return {"type": "boolean", "value": True}


def _true_expr() -> dict[str, Any]:
    return {"index": 0, "terms": _true()}


def _is_ground(term: Any) -> bool:
    kind = term.get("type") if isinstance(term, dict) else None
    value: Any = term.get("value") if isinstance(term, dict) else None
    if kind == "var":
        return False
    if kind in ("ref", "array", "set", "call"):
        return all(_is_ground(t) for t in value)
    if kind == "object":
        return all(_is_ground(k) and _is_ground(v) for k, v in value)
    return kind not in ("arraycomprehension", "setcomprehension", "objectcomprehension")


def _number(text: str) -> int | float:
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    return OpaFloat(text)


class _Parser:
    def __init__(self, filename: str, source: str) -> None:
        self.filename = filename
        self.tokens, self.comments = _tokenize(source)
        self.pos = 0
        #: OPA renames each `_` to a fresh wildcard `$0`, `$1`, ... in module order
        self.wildcards = 0
        #: Rego v1 violations found after parsing (OPA reports them all together)
        self.v1_errors: list[RegoSyntaxError] = []

    # -- token helpers ------------------------------------------------------------------
    def save(self) -> tuple[int, int]:
        return self.pos, self.wildcards

    def restore(self, state: tuple[int, int]) -> None:
        self.pos, self.wildcards = state

    def peek(self, skip_nl: bool = True, ahead: int = 0) -> _Tok:
        i = self.pos
        while True:
            while skip_nl and self.tokens[i].kind == "nl":
                i += 1
            if ahead == 0 or self.tokens[i].kind == "eof":
                return self.tokens[i]
            ahead -= 1
            i += 1

    def next(self, skip_nl: bool = True) -> _Tok:
        while skip_nl and self.tokens[self.pos].kind == "nl":
            self.pos += 1
        tok = self.tokens[self.pos]
        if tok.kind != "eof":
            self.pos += 1
        return tok

    def at(self, text: str, skip_nl: bool = True) -> bool:
        tok = self.peek(skip_nl)
        return tok.text == text and tok.kind in ("op", "ident")

    def accept(self, text: str, skip_nl: bool = True) -> bool:
        if self.at(text, skip_nl):
            self.next(skip_nl)
            return True
        return False

    def expect(self, text: str, skip_nl: bool = True, note: str = "") -> _Tok:
        tok = self.peek(skip_nl)
        if tok.text != text or tok.kind not in ("op", "ident"):
            raise self.illegal(tok, note)
        return self.next(skip_nl)

    @staticmethod
    def illegal(tok: _Tok, note: str = "") -> RegoSyntaxError:
        message = f"unexpected {tok.describe()}"
        return RegoSyntaxError(tok.row, f"{message}: {note}" if note else message)

    # -- module -------------------------------------------------------------------------
    def module(self) -> dict[str, Any]:
        first = self.peek()
        if first.kind == "eof":
            raise RegoSyntaxError(0, "empty module")
        if first.text != "package" or first.kind != "ident" or self.peek(ahead=1).text in (".", "["):
            # OPA parses the statement (a rule or a query) before reporting this.
            self.statement_for_error()
            raise RegoSyntaxError(first.row, "package expected")
        self.next()
        path = self.package_path()
        module: dict[str, Any] = {"package": {"path": path}}
        imports = []
        rules: list[dict[str, Any]] = []
        while self.peek().kind != "eof":
            if self.at("import") and self.peek(ahead=1).text not in (".", "["):
                imports.append(self.import_statement())
            elif self.at("package") and self.peek(ahead=1).text not in (".", "["):
                raise RegoSyntaxError(self.peek().row, "unexpected package")
            else:
                rules.extend(self.rule())
        if self.v1_errors:
            raise _Errors(self.v1_errors)
        if imports:
            module["imports"] = imports
        if rules:
            module["rules"] = rules
        if self.comments:
            module["comments"] = [
                {
                    "Location": {"file": self.filename, "row": row, "col": col},
                    "Text": base64.b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii"),
                }
                for row, col, text in self.comments
            ]
        return module

    def statement_for_error(self) -> None:
        """Parse (and drop) the first statement, so that its syntax errors win, as in OPA."""
        try:
            self.rule()
        except RegoSyntaxError as exc:
            if not exc.message.startswith("unexpected"):
                raise
            self.restore((0, 0))
            self.body_statement()

    def body_statement(self) -> None:
        saved = self.save()
        try:
            self.literal(0)
        except RegoSyntaxError:
            self.restore(saved)
            raise

    def package_path(self) -> list[dict[str, Any]]:
        tok = self.peek(False)
        if tok.kind != "ident":
            raise self.illegal(tok)
        term = self.term()
        if term["type"] == "var":
            return [_var("data"), _string(term["value"])]
        if term["type"] != "ref":
            raise self.illegal(tok)
        parts = term["value"]
        path = [_var("data"), _string(parts[0]["value"])]
        for part in parts[1:]:
            if part["type"] != "string":
                raise RegoSyntaxError(tok.row, f"unexpected {part['type']} token: expecting string")
            path.append(part)
        return path

    def import_statement(self) -> dict[str, Any]:
        start = self.next()
        tok = self.peek(False)
        if tok.kind != "ident":
            raise self.illegal(tok)
        term = self.term(allow_keywords=True)
        if term["type"] == "var":
            term = {"type": "ref", "value": [term]}
        if term["type"] != "ref":
            raise self.illegal(tok)
        parts = term["value"]
        for part in parts[1:]:
            if part["type"] != "string":
                raise RegoSyntaxError(start.row, f"unexpected {part['type']} token: expecting string")
        root = parts[0]["value"]
        if root not in ("data", "input", "future", "rego"):
            raise RegoSyntaxError(
                start.row,
                f"unexpected import path, must begin with one of: {{data, future, input, rego}}, got: {root}",
            )
        if root == "rego":
            names = ".".join(p["value"] for p in parts)
            if names != "rego.v1":
                raise RegoSyntaxError(
                    start.row, f"invalid import, `{names}` is not supported by current capabilities"
                )
        entry: dict[str, Any] = {"path": term}
        if self.accept("as", skip_nl=False):
            alias_tok = self.peek(False)
            if alias_tok.kind != "ident" or alias_tok.text in _KEYWORDS or alias_tok.text in _CONSTANTS:
                raise self.illegal(alias_tok, "expected var")
            entry["alias"] = self.next(False).text
        return entry

    # -- rules --------------------------------------------------------------------------
    def rule(self) -> list[dict[str, Any]]:
        start = self.peek()
        is_default = self.accept("default")
        head_tok = self.peek()
        if head_tok.kind != "ident" or head_tok.text in _KEYWORDS or head_tok.text in _CONSTANTS:
            raise self.illegal(head_tok)
        head, uses_contains = self.head(is_default)
        ref = head["ref"]
        if is_default:
            return [{"default": True, "head": head, "body": [_true_expr()]}]
        has_if = self.at("if", skip_nl=False)
        if has_if and not uses_contains and len(ref) == 2:
            key = ref[1]
            if (not _is_ground(key) or key["type"] == "ref") and "args" not in head:
                head["key"] = key
            if "value" not in head:
                head["value"] = _true()
            else:
                head["name"] = ref[0]["value"]
        if not has_if and not uses_contains and "args" not in head and len(ref) == 2:
            head["name"] = ref[0]["value"]
            head["key"] = ref[1]
            if "value" not in head:
                head["ref"] = ref[:1]
                if self.at("{", skip_nl=False):
                    self.v1_errors.append(
                        RegoSyntaxError(start.row, "`if` keyword is required before rule body")
                    )
                    self.v1_errors.append(
                        RegoSyntaxError(start.row, "`contains` keyword is required for partial set rules")
                    )
                    self.next()
                    return [{"head": head, "body": self.body_until("}")}]
        rule: dict[str, Any]
        if has_if:
            self.next(False)
            body = self.if_body()
        elif self.at("{", skip_nl=False):
            what = "function" if "args" in head else "rule"
            self.v1_errors.append(RegoSyntaxError(start.row, f"`if` keyword is required before {what} body"))
            self.next()
            body = self.body_until("}")
        elif uses_contains or "value" in head:
            # `p contains x`, or a constant such as `p := 1`.
            body = [_true_expr()]
        else:
            raise self.illegal(self.peek(False))
        rule = {"head": head, "body": body}
        current = rule
        while self.at("else"):
            if len(ref) > 1 and not all(_is_ground(t) for t in ref):
                raise RegoSyntaxError(
                    self.peek().row, "else keyword cannot be used on rules with variables in head"
                )
            if "key" in head:
                raise RegoSyntaxError(self.peek().row, "else keyword cannot be used on multi-value rules")
            self.next()
            else_head = {k: v for k, v in head.items() if k != "value"}
            if self.at(":=", False) or self.at("=", False):
                else_head["assign"] = self.next(False).text == ":="
                if not else_head["assign"]:
                    del else_head["assign"]
                else_head["value"] = self.expr_term()
            elif self.at("if", False) or self.at("{", False):
                else_head["value"] = _true()
            else:
                raise self.illegal(self.peek(False), "expected else value term or rule body")
            if self.accept("if", skip_nl=False):
                else_body = self.if_body()
            elif self.accept("{", skip_nl=False):
                else_body = self.body_until("}")
            else:
                else_body = [_true_expr()]
            else_rule = {"head": else_head, "body": else_body}
            current["else"] = else_rule
            current = else_rule
        return [rule]

    def head(self, is_default: bool) -> tuple[dict[str, Any], bool]:
        name_tok = self.next()
        base = _var(name_tok.text)
        term = self.postfix(base, head=True)
        head: dict[str, Any]
        if term["type"] == "var":
            head = {"name": term["value"], "ref": [term]}
        elif term["type"] == "ref":
            head = {"ref": term["value"]}
        else:  # call
            operator, *args = term["value"]
            ref = operator["value"]
            head = {"ref": ref}
            if len(ref) == 1:
                head["name"] = ref[0]["value"]
            head["args"] = args
        if "name" not in head and len(head["ref"]) == 1:
            head["name"] = head["ref"][0]["value"]
        tok = self.peek(False)
        if tok.kind == "op" and tok.text in (
            "+",
            "-",
            "*",
            "/",
            "%",
            "&",
            "|",
            "==",
            "!=",
            ">",
            ">=",
            "<",
            "<=",
        ):
            raise self.illegal(tok)
        if self.accept("contains", skip_nl=False):
            if "args" in head:
                raise RegoSyntaxError(
                    tok.row,
                    "unexpected contains keyword: the contains keyword can only be used with multi-value rule "
                    f"definitions (e.g., {_ref_text(head['ref'])} contains <VALUE> {{ ... }})",
                )
            head["key"] = self.expr_term()
            return head, True
        if self.at("=", False) or self.at(":=", False):
            if self.next(False).text == ":=":
                head["assign"] = True
            head["value"] = self.expr_term()
        elif is_default:
            raise self.illegal(self.peek(False), "expected default rule value term")
        if "value" not in head and "key" not in head and (len(head["ref"]) != 2 or "args" in head):
            head["value"] = _true()
        return head, False

    def if_body(self) -> list[dict[str, Any]]:
        if self.at("{", skip_nl=False):
            saved = self.save()
            try:
                literal = self.literal(0)
            except RegoSyntaxError:
                literal = None
            terms = literal.get("terms") if literal else None
            if literal is not None and not (isinstance(terms, dict) and terms.get("type") == "set"):
                return [literal]
            self.restore(saved)
            self.next(False)
            return self.body_until("}")
        if self.peek(False).kind == "eof":
            raise RegoSyntaxError(self.peek(False).row, "rule body expected")
        return [self.literal(0)]

    def body_until(self, closer: str) -> list[dict[str, Any]]:
        body: list[dict[str, Any]] = []
        if self.at(closer):
            raise RegoSyntaxError(self.peek().row, "found empty body")
        while True:
            body.append(self.literal(len(body)))
            if self.accept(";", skip_nl=False):
                if self.accept(closer):
                    return body
                continue
            if self.accept(closer):
                return body
            if self.peek(False).kind != "nl":
                raise self.illegal(self.peek(False), f"expected \\n or ; or {closer}")

    # -- literals -----------------------------------------------------------------------
    def literal(self, index: int) -> dict[str, Any]:
        result: dict[str, Any] = {"index": index}
        negated = False
        if self.at("not") and self.peek(ahead=1).text not in (".", "["):
            self.next()
            negated = True
        if self.at("some") and self.peek(ahead=1).text not in (".", "["):
            if negated:
                raise RegoSyntaxError(self.peek().row, "unexpected some keyword: illegal negation of 'some'")
            self.next()
            result["terms"] = self.some_decl()
        elif self.at("every") and self.peek(ahead=1).text not in (".", "["):
            if negated:
                raise RegoSyntaxError(
                    self.peek().row, "unexpected every keyword: illegal negation of 'every'"
                )
            self.next()
            result["terms"] = self.every()
        else:
            lhs = self.expr_term(key_value=True)
            if self.at(":=", False) or self.at("=", False):
                op = "assign" if self.next(False).text == ":=" else "eq"
                result["terms"] = [_ref_of(op), lhs, self.expr_term(key_value=True)]
            elif lhs["type"] == "call":
                result["terms"] = lhs["value"]
            else:
                result["terms"] = lhs
        if negated:
            result["negated"] = True
        withs = []
        while self.accept("with", skip_nl=False):
            target_tok = self.peek(False)
            if target_tok.kind != "ident":
                raise self.illegal(target_tok, "expected ident")
            target = self.term()
            if target["type"] not in ("ref", "var"):
                raise self.illegal(target_tok, "expected with target path")
            self.expect("as", skip_nl=False, note="expected as keyword")
            withs.append({"target": target, "value": self.expr_term(key_value=True)})
        if withs:
            result["with"] = withs
        return result

    def some_decl(self) -> dict[str, Any]:
        saved = self.save()
        term = self.expr_term(key_value=True)
        if term["type"] == "call":
            op = term["value"][0]["value"]
            names = [p["value"] for p in op]
            if names in (["internal", "member_2"], ["internal", "member_3"]):
                return {"symbols": [term]}
            raise RegoSyntaxError(self.peek().row, "expected `x in xs` or `x, y in xs` expression")
        self.restore(saved)
        symbols = []
        while True:
            tok = self.next(False)
            if tok.kind != "ident" or tok.text in _KEYWORDS or tok.text in _CONSTANTS:
                raise self.illegal(tok, "expected var")
            symbols.append(_var(tok.text))
            if not self.accept(",", skip_nl=False):
                return {"symbols": symbols}

    def every(self) -> dict[str, Any]:
        tok = self.peek(False)
        term = self.expr_term(key_value=True)
        if term["type"] != "call":
            raise self.illegal(self.peek(False), "expected `x[, y] in xs { ... }` expression")
        names = [p["value"] for p in term["value"][0]["value"]]
        args = term["value"][1:]
        if names == ["internal", "member_2"]:
            key, value, domain = None, args[0], args[1]
        elif names == ["internal", "member_3"]:
            key, value, domain = args
            if key["type"] != "var":
                raise RegoSyntaxError(tok.row, "unexpected ident token: expected key to be a variable")
        else:
            raise self.illegal(self.peek(False), "expected `x[, y] in xs { ... }` expression")
        if value["type"] != "var":
            raise RegoSyntaxError(tok.row, "unexpected ident token: expected value to be a variable")
        if not self.accept("{", skip_nl=False):
            raise self.illegal(self.peek(False), "missing body")
        return {"key": key, "value": value, "domain": domain, "body": self.body_until("}")}

    # -- infix terms (OPA's parseTermInfixCall) -----------------------------------------
    def expr_term(self, key_value: bool = False) -> dict[str, Any]:
        lhs = self.relation()
        if key_value and self.at(",", skip_nl=False):
            saved = self.save()
            self.next(False)
            try:
                middle = self.relation()
            except RegoSyntaxError:
                middle = None
            if middle is not None and self.accept("in", skip_nl=False):
                lhs = _call("internal.member_3", lhs, middle, self.relation())
            else:
                self.restore(saved)
        while self.accept("in", skip_nl=False):
            lhs = _call("internal.member_2", lhs, self.relation())
        return lhs

    def _binary(self, operand: Any, ops: dict[str, str]) -> dict[str, Any]:
        lhs = operand()
        while True:
            tok = self.peek(False)
            if tok.kind != "op" or tok.text not in ops:
                return lhs
            self.next(False)
            lhs = _call(ops[tok.text], lhs, operand())

    def relation(self) -> dict[str, Any]:
        return self._binary(self.bit_or, _RELATIONS)

    def bit_or(self) -> dict[str, Any]:
        return self._binary(self.bit_and, {"|": "or"})

    def bit_and(self) -> dict[str, Any]:
        return self._binary(self.arith, {"&": "and"})

    def arith(self) -> dict[str, Any]:
        return self._binary(self.factor, _ARITH)

    def factor(self) -> dict[str, Any]:
        return self._binary(self.term, _FACTOR)

    # -- terms --------------------------------------------------------------------------
    def term(self, allow_keywords: bool = False) -> dict[str, Any]:
        tok = self.next()
        if tok.kind == "number" or (tok.kind == "op" and tok.text in ("-", ".")):
            return self.number(tok)
        if tok.kind in ("string", "raw"):
            return self.postfix(_string(_unquote(tok)))
        if tok.kind == "ident":
            if tok.text in _CONSTANTS:
                value: dict[str, Any] = (
                    {"type": "null"}
                    if tok.text == "null"
                    else {"type": "boolean", "value": tok.text == "true"}
                )
                return self.postfix(value)
            keyword = tok.text in _KEYWORDS and tok.text != "contains" and not allow_keywords
            if keyword and self.peek(False).text not in (".", "["):
                raise self.illegal(tok)
            if tok.text == "_":
                name = f"${self.wildcards}"
                self.wildcards += 1
                return self.postfix(_var(name))
            term = self.postfix(_var(tok.text))
            if term["type"] == "var" and term["value"] in _ROOT_DOCUMENTS:
                return {"type": "ref", "value": [term]}
            return term
        if tok.text == "(":
            inner = self.expr_term(key_value=True)
            if not self.at(")"):
                raise RegoSyntaxError(self.peek().row, "non-terminated expression")
            self.next()
            return self.postfix(inner)
        if tok.text == "[":
            return self.postfix(self.array())
        if tok.text == "{":
            return self.postfix(self.brace())
        raise self.illegal(tok)

    def number(self, tok: _Tok) -> dict[str, Any]:
        prefix = ""
        current = tok
        if current.text == "-":
            prefix = "-"
            current = self.next(False)
            if current.kind != "number" and current.text != ".":
                raise self.illegal(current, "expected number")
        if current.text == ".":
            prefix += "."
            current = self.next(False)
            if current.kind != "number":
                raise self.illegal(current, "expected number")
        lit = current.text
        if not prefix.endswith(".") and len(lit) > 1 and lit[0] == "0":
            decimal = lit[1] == "."
            scientific = len(lit) > 2 and lit[1] in "eE"
            if not decimal and not scientific:
                raise self.illegal(current, "expected number without leading zero")
        text = prefix + lit
        if prefix.endswith("."):
            text = prefix[:-1] + "0." + lit  # keep the text valid JSON (OPA keeps ".5" verbatim)
        return self.postfix({"type": "number", "value": _number(text)})

    def postfix(self, base: dict[str, Any], head: bool = False) -> dict[str, Any]:
        term = base
        while True:
            tok = self.peek(False)
            if tok.kind != "op" or tok.text not in (".", "[", "("):
                return term
            if tok.text == "(" and term["type"] not in ("var", "ref"):
                return term
            if term["type"] in ("string", "number", "boolean", "null") and tok.text != "(":
                raise RegoSyntaxError(tok.row, f"illegal ref (head cannot be {term['type']})")
            self.next(False)
            if tok.text == ".":
                part = self.next(False)
                if part.kind != "ident":
                    raise self.illegal(part, "expected ident")
                term = _extend_ref(term, _string(part.text))
            elif tok.text == "[":
                key = self.expr_term()
                if not self.at("]"):
                    raise self.illegal(self.peek(), "expected [")
                self.next()
                term = _extend_ref(term, key)
            else:
                args: list[dict[str, Any]] = []
                if not self.accept(")"):
                    while True:
                        args.append(self.expr_term())
                        if self.accept(")"):
                            break
                        self.expect(",")
                operator = term if term["type"] == "ref" else {"type": "ref", "value": [term]}
                if not args and operator["value"] == [_var("set")]:
                    term = {"type": "set", "value": []}
                else:
                    term = {"type": "call", "value": [operator, *args]}
                if head:
                    return term

    def term_list(self, closer: str, first: list[dict[str, Any]]) -> list[dict[str, Any]]:
        items = list(first)
        if not items or self.accept(","):
            while not self.at(closer):
                items.append(self.expr_term())
                if not self.accept(","):
                    break
        self.expect(closer)
        return items

    def array(self) -> dict[str, Any]:
        if self.accept("]"):
            return {"type": "array", "value": []}
        comprehension = not self.accept(",")
        saved = self.save()
        head = self.term()
        if self.at("]"):
            self.next()
            return {"type": "array", "value": [head]}
        if self.at(","):
            return {"type": "array", "value": self.term_list("]", [head])}
        if self.at("|") and comprehension:
            self.next()
            return {"type": "arraycomprehension", "value": {"term": head, "body": self.body_until("]")}}
        self.restore(saved)
        return {"type": "array", "value": self.term_list("]", [])}

    def brace(self) -> dict[str, Any]:
        if self.accept("}"):
            return {"type": "object", "value": []}
        comprehension = not self.accept(",")
        saved = self.save()
        head = self.term()
        if self.at("|") and comprehension:
            self.next()
            return {"type": "setcomprehension", "value": {"term": head, "body": self.body_until("}")}}
        if not (self.at("}") or self.at(",") or self.at(":")):
            self.restore(saved)
            head = self.expr_term()
        if self.accept(":"):
            return self.object_rest(head, comprehension)
        if self.at("}") or self.at(","):
            return {"type": "set", "value": self.term_list("}", [head])}
        raise self.illegal(self.peek(), "non-terminated set")

    def object_rest(self, key: dict[str, Any], comprehension: bool) -> dict[str, Any]:
        saved = self.save()
        value = self.term()
        if self.at("|") and comprehension:
            self.next()
            body = self.body_until("}")
            return {"type": "objectcomprehension", "value": {"key": key, "value": value, "body": body}}
        if not (self.at("}") or self.at(",")):
            self.restore(saved)
            value = self.expr_term()
        pairs = [[key, value]]
        while self.accept(","):
            if self.at("}"):
                break
            k = self.expr_term()
            self.expect(":")
            pairs.append([k, self.expr_term()])
        if not self.at("}"):
            raise self.illegal(self.peek(), "non-terminated object")
        self.next()
        return {"type": "object", "value": pairs}


def _extend_ref(term: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    if term["type"] == "ref":
        return {"type": "ref", "value": [*term["value"], part]}
    return {"type": "ref", "value": [term, part]}


def _ref_text(ref: list[dict[str, Any]]) -> str:
    out = str(ref[0].get("value"))
    for part in ref[1:]:
        out += f".{part['value']}" if part["type"] == "string" else f"[{json.dumps(part.get('value'))}]"
    return out


def _unquote(tok: _Tok) -> str:
    if tok.kind == "raw":
        return tok.text[1:-1]
    try:
        return json.loads(tok.text)
    except ValueError:
        raise RegoSyntaxError(tok.row, f"illegal string literal: {tok.text}") from None


class _Errors(Exception):
    def __init__(self, errors: list[RegoSyntaxError]) -> None:
        super().__init__(errors)
        self.errors = errors


def parse_module(filename: str, source: str) -> dict[str, Any]:
    """OPA's module AST as JSON values; raises :class:`RegoSyntaxError` or a list of them."""
    return _Parser(filename, source).module()


def _error_text(filename: str, error: RegoSyntaxError) -> str:
    prefix = f"{filename}:{error.row}" if filename else f"{error.row}:0"
    return f"{prefix}: rego_parse_error: {error.message}"


@BUILTINS.builtin("rego.parse_module", category="Rego")
def rego_parse_module(filename: Any, rego: Any) -> dict[str, Any]:
    name = "rego.parse_module"
    file_text = check_string(name, filename, 1)
    source = check_string(name, rego, 1)
    try:
        return parse_module(file_text, source)
    except RegoSyntaxError as exc:
        if exc.message == "empty module":
            raise builtin_error(name, _error_text(file_text, exc)) from None
        raise builtin_error(name, f"1 error occurred: {_error_text(file_text, exc)}") from None
    except _Errors as exc:
        texts = [_error_text(file_text, e) for e in exc.errors]
        if len(texts) == 1:
            raise builtin_error(name, f"1 error occurred: {texts[0]}") from None
        raise builtin_error(name, f"{len(texts)} errors occurred:\n" + "\n".join(texts)) from None
    except RecursionError:
        raise builtin_error(
            name, f"1 error occurred: {file_text}:0: rego_parse_error: max expression nesting depth exceeded"
        ) from None
