"""A Go ``text/template`` engine for ``strings.render_template``.

OPA parses the template with Go's ``text/template`` and executes it against
the object argument converted to Go values (``map[string]interface {}``,
``[]interface {}``, ``string``, ``bool``, ``nil`` and ``json.Number`` for every
number, which keeps its literal text: ``1.0`` renders as ``1.0`` and
``printf "%d"`` of a number is ``%!d(json.Number=42)``). A missing key (or a
null) renders as ``<undefined>``.

Supported: text and actions with ``{{-``/``-}}`` trimming, comments, fields
and field chains (``.a.b``, ``$x.a``), variables (``$``, ``$x :=``, ``$x =``),
pipelines, parenthesised pipelines, literals (strings, raw strings, runes,
ints, floats, ``true``/``false``/``nil``), ``if``/``else if``/``else``,
``range`` (with ``$i, $v :=``, ``else``, ``break``/``continue``), ``with``
(with ``else``), ``define``/``template``/``block``, and the builtin functions
``and or not len index slice print printf println eq ne lt le gt ge html js
urlquery call``. Errors use Go's wording (``template: template:1: ...``).
"""

from __future__ import annotations

import dataclasses
import html as _html
from collections.abc import Callable
from typing import Any

from workbench.core.engines.opa.builtins._gofmt import (
    BOOL,
    FLOAT64,
    JSON_NUMBER,
    MAP,
    NIL,
    SLICE,
    STRING,
    GoArg,
    GoPrinter,
    go_sprintf,
)
from workbench.core.engines.opa.builtins._registry import RegoSet
from workbench.core.engines.opa.builtins._values import OpaFloat, sort_values

__all__ = ["TemplateError", "render"]

NAME = "template"
MAX_EXEC_DEPTH = 100_000


class TemplateError(Exception):
    """A parse or execution error; ``str()`` is Go's message."""


# ---------------------------------------------------------------------------
# values


@dataclasses.dataclass(frozen=True)
class JsonNumber:
    text: str


@dataclasses.dataclass(frozen=True)
class GoInt:
    value: int
    kind: str = "int"  # "int" for literals, "int32" for rune literals


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


INVALID: Any = _Invalid()


def to_go(value: Any) -> Any:
    """An OPA value as OPA hands it to text/template (via JSON with UseNumber)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return JsonNumber(str(value))
    if isinstance(value, float):
        return JsonNumber(value.text if isinstance(value, OpaFloat) else repr(value))
    if isinstance(value, list):
        return [to_go(v) for v in value]
    if isinstance(value, RegoSet):
        return [to_go(v) for v in sort_values(list(value))]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out[k if isinstance(k, str) else _json_key(k)] = to_go(v)
        return out
    raise TemplateError(f"unsupported value {value!r}")


def _json_key(key: Any) -> str:
    from workbench.core.engines.opa.builtins._values import dumps

    return dumps(key)


def go_arg(value: Any) -> GoArg:
    if value is None or value is INVALID:
        return GoArg(NIL)
    if isinstance(value, bool):
        return GoArg(BOOL, value)
    if isinstance(value, str):
        return GoArg(STRING, value)
    if isinstance(value, JsonNumber):
        return GoArg(JSON_NUMBER, value.text)
    if isinstance(value, GoInt):
        return GoArg(value.kind, value.value)
    if isinstance(value, float):
        return GoArg(FLOAT64, value)
    if isinstance(value, list):
        return GoArg(SLICE, [go_arg(v) for v in value])
    if isinstance(value, dict):
        return GoArg(MAP, {k: go_arg(v) for k, v in value.items()})
    raise TemplateError(f"unsupported value {value!r}")


def type_name(value: Any) -> str:
    if value is None or value is INVALID:
        return "<nil>"
    return go_arg(value).kind


def _fprint(args: list[Any]) -> str:
    """``fmt.Sprint``: spaces between operands when neither is a string."""
    printer = GoPrinter()
    prev_string = False
    for i, arg in enumerate(args):
        ga = go_arg(arg)
        is_string = ga.kind in (STRING, JSON_NUMBER)
        if i > 0 and not is_string and not prev_string:
            printer.buf.append(" ")
        printer.clearflags()
        printer.print_arg(ga, "v")
        prev_string = is_string
    return "".join(printer.buf)


def _fprintln(args: list[Any]) -> str:
    printer = GoPrinter()
    for i, arg in enumerate(args):
        if i > 0:
            printer.buf.append(" ")
        printer.clearflags()
        printer.print_arg(go_arg(arg), "v")
    printer.buf.append("\n")
    return "".join(printer.buf)


# ---------------------------------------------------------------------------
# lexer

_SPACE = " \t\r\n"


@dataclasses.dataclass
class _Tok:
    kind: str  # text, left, right, space, ident, field, var, string, rawstring, char, number, bool, nil,
    # dot, pipe, lparen, rparen, declare, assign, comma, keyword, comment, eof
    val: str
    pos: int
    line: int


_KEYWORDS = {"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"}


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.tokens: list[_Tok] = []
        self.paren_depth = 0

    def error(self, msg: str, line: int | None = None) -> TemplateError:
        return TemplateError(f"template: {NAME}:{line if line is not None else self.line}: {msg}")

    def emit(self, kind: str, val: str, pos: int) -> None:
        self.tokens.append(_Tok(kind, val, pos, self.line))

    def run(self) -> list[_Tok]:
        """All tokens; a lexical error becomes a final ``error`` token (reported when the parser gets there)."""
        try:
            return self._run()
        except TemplateError as exc:
            self.emit("error", str(exc), self.pos)
            return self.tokens

    def _run(self) -> list[_Tok]:
        text = self.text
        while True:
            start = self.pos
            idx = text.find("{{", start)
            if idx < 0:
                if start < len(text):
                    self.emit("text", text[start:], start)
                self.emit("eof", "", len(text))
                return self.tokens
            trim_left = text.startswith("-", idx + 2) and idx + 3 < len(text) and text[idx + 3] in _SPACE
            chunk = text[start:idx]
            if trim_left:
                chunk = chunk.rstrip(_SPACE)
            if chunk:
                self.emit("text", chunk, start)
            self.line += text.count("\n", start, idx)
            self.pos = idx + 2 + (2 if trim_left else 0)
            self.lex_action(idx)

    def _right_delim_at(self, i: int) -> tuple[bool, bool]:
        """(a right delimiter starts at i, it carries the ' -' trim marker)."""
        text = self.text
        if text.startswith("}}", i):
            return True, False
        if i < len(text) and text[i] in _SPACE and text.startswith("-}}", i + 1):
            return True, True
        return False, False

    def lex_action(self, left_pos: int) -> None:
        text = self.text
        start_line = self.line
        # comment
        j = self.pos
        if text.startswith("/*", j):
            end = text.find("*/", j + 2)
            if end < 0:
                raise self.error("unclosed comment")
            self.line += text.count("\n", j, end)
            k = end + 2
            trim = False
            if text.startswith("}}", k):
                pass
            elif text.startswith(" -}}", k) or (
                k < len(text) and text[k] in _SPACE and text.startswith("-}}", k + 1)
            ):
                trim = True
                k += 2
            else:
                raise self.error("comment ends before closing delimiter")
            self.pos = k + 2
            if trim:
                self._trim_right()
            return
        self.emit("left", "{{", left_pos)
        self.paren_depth = 0
        while True:
            i = self.pos
            if i >= len(text):
                if self.line != start_line:
                    raise self.error(f"unclosed action started at {NAME}:{start_line}")
                raise self.error("unclosed action")
            is_right, trim = self._right_delim_at(i)
            if is_right:
                if self.paren_depth:
                    raise self.error("unclosed left paren")
                self.emit("right", "}}", i)
                self.pos = i + (4 if trim else 2)
                if trim:
                    self._trim_right()
                return
            ch = text[i]
            if ch in _SPACE:
                k = i
                while k < len(text) and text[k] in _SPACE:
                    k += 1
                if text.startswith("-}}", k):
                    k -= 1  # the last space belongs to the " -}}" delimiter
                if k > i:
                    self.line += text.count("\n", i, k)
                    self.emit("space", text[i:k], i)
                self.pos = k
            elif ch == "=":
                self.emit("assign", "=", i)
                self.pos = i + 1
            elif ch == ":":
                if not text.startswith(":=", i):
                    raise self.error("expected :=")
                self.emit("declare", ":=", i)
                self.pos = i + 2
            elif ch == "|":
                self.emit("pipe", "|", i)
                self.pos = i + 1
            elif ch == '"':
                self.lex_quote(i)
            elif ch == "`":
                end = text.find("`", i + 1)
                if end < 0:
                    raise self.error("unterminated raw quoted string")
                self.emit("rawstring", text[i : end + 1], i)
                self.line += text.count("\n", i, end)
                self.pos = end + 1
            elif ch == "$":
                k = i + 1
                while k < len(text) and (text[k].isalnum() or text[k] == "_"):
                    k += 1
                self.emit("var", text[i:k], i)
                self.pos = k
                self._check_terminator()
            elif ch == "'":
                self.lex_char(i)
            elif ch == ".":
                if i + 1 < len(text) and text[i + 1].isdigit():
                    self.lex_number(i)
                else:
                    k = i + 1
                    while k < len(text) and (text[k].isalnum() or text[k] == "_"):
                        k += 1
                    if k == i + 1:
                        self.emit("dot", ".", i)
                    else:
                        self.emit("field", text[i:k], i)
                    self.pos = k
                    self._check_terminator()
            elif ch in "+-" or ch.isdigit():
                self.lex_number(i)
            elif ch.isalpha() or ch == "_":
                k = i
                while k < len(text) and (text[k].isalnum() or text[k] == "_"):
                    k += 1
                word = text[i:k]
                if word in _KEYWORDS:
                    self.emit("keyword", word, i)
                elif word in ("true", "false"):
                    self.emit("bool", word, i)
                elif word == "nil":
                    self.emit("nil", word, i)
                else:
                    self.emit("ident", word, i)
                self.pos = k
                self._check_terminator()
            elif ch == "(":
                self.paren_depth += 1
                self.emit("lparen", "(", i)
                self.pos = i + 1
            elif ch == ")":
                self.paren_depth -= 1
                if self.paren_depth < 0:
                    raise self.error("unexpected right paren")
                self.emit("rparen", ")", i)
                self.pos = i + 1
            elif ch == ",":
                self.emit("comma", ",", i)
                self.pos = i + 1
            elif ord(ch) < 0x80 and ch.isprintable():
                self.emit("char_item", ch, i)
                self.pos = i + 1
            else:
                raise self.error(f"unrecognized character in action: {_char_desc(ch)}")

    def _check_terminator(self) -> None:
        """Go's ``atTerminator`` after a field, variable or identifier."""
        text, k = self.text, self.pos
        if k >= len(text) or text[k] in _SPACE or text[k] in ".,|:()}":
            return
        raise self.error(f"bad character {_char_desc(text[k])}")

    def _trim_right(self) -> None:
        text = self.text
        k = self.pos
        while k < len(text) and text[k] in _SPACE:
            k += 1
        self.line += text.count("\n", self.pos, k)
        self.pos = k

    def lex_quote(self, i: int) -> None:
        text = self.text
        k = i + 1
        while True:
            if k >= len(text) or text[k] == "\n":
                raise self.error("unterminated quoted string")
            if text[k] == "\\":
                k += 2
                continue
            if text[k] == '"':
                break
            k += 1
        self.emit("string", text[i : k + 1], i)
        self.pos = k + 1

    def lex_char(self, i: int) -> None:
        text = self.text
        k = i + 1
        while True:
            if k >= len(text) or text[k] == "\n":
                raise self.error("unterminated character constant")
            if text[k] == "\\":
                k += 2
                continue
            if text[k] == "'":
                break
            k += 1
        self.emit("char", text[i : k + 1], i)
        self.pos = k + 1

    def lex_number(self, i: int) -> None:
        text = self.text
        k = i
        if k < len(text) and text[k] in "+-":
            k += 1
        while k < len(text) and (text[k].isalnum() or text[k] in "._+-"):
            if text[k] in "+-" and text[k - 1] not in "eEpP":
                break
            k += 1
        word = text[i:k]
        if _parse_number(word) is None:
            raise self.error(f"bad number syntax: {_go_quote(word)}")
        self.emit("number", word, i)
        self.pos = k


def _char_desc(ch: str) -> str:
    code = ord(ch)
    if ch.isprintable():
        return f"U+{code:04X} '{ch}'"
    return f"U+{code:04X}"


def _go_quote(s: str) -> str:
    from workbench.core.engines.opa.builtins._gofmt import go_quote

    return go_quote(s)


def _parse_number(word: str) -> GoInt | float | None:
    w = word.replace("_", "")
    try:
        return GoInt(int(w, 0))
    except ValueError:
        pass
    try:
        if w.lower().startswith(("0x", "-0x", "+0x")) and "p" in w.lower():
            return float.fromhex(w)
        value = float(w)
        if value != value or value in (float("inf"), float("-inf")):
            return None
        if value.is_integer() and "e" not in w.lower() and "." not in w:
            return GoInt(int(value))
        return value
    except ValueError:
        return None


def _unquote(tok: _Tok) -> str:
    raw = tok.val
    if tok.kind == "rawstring":
        return raw[1:-1].replace("\r", "")
    body = raw[1:-1]
    out: list[str] = []
    i = 0
    simple = {
        "a": "\a",
        "b": "\b",
        "f": "\f",
        "n": "\n",
        "r": "\r",
        "t": "\t",
        "v": "\v",
        "\\": "\\",
        '"': '"',
        "'": "'",
    }
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        i += 1
        if i >= len(body):
            raise TemplateError(f"template: {NAME}:{tok.line}: invalid syntax")
        esc = body[i]
        if esc in simple:
            out.append(simple[esc])
            i += 1
        elif esc == "x":
            out.append(chr(int(body[i + 1 : i + 3], 16)))
            i += 3
        elif esc == "u":
            out.append(chr(int(body[i + 1 : i + 5], 16)))
            i += 5
        elif esc == "U":
            out.append(chr(int(body[i + 1 : i + 9], 16)))
            i += 9
        elif esc in "01234567":
            out.append(chr(int(body[i : i + 3], 8)))
            i += 3
        else:
            raise TemplateError(f"template: {NAME}:{tok.line}: invalid syntax")
    return "".join(out)


# ---------------------------------------------------------------------------
# parse tree


@dataclasses.dataclass
class _Node:
    pos: int
    line: int


@dataclasses.dataclass
class _Text(_Node):
    text: str


@dataclasses.dataclass
class _Command(_Node):
    args: list[Any]  # operand nodes

    def __str__(self) -> str:
        return " ".join(str(a) for a in self.args)


@dataclasses.dataclass
class _Pipe(_Node):
    decl: list[str]
    is_assign: bool
    cmds: list[_Command]

    def __str__(self) -> str:
        s = ""
        if self.decl:
            s = ", ".join(self.decl) + (" = " if self.is_assign else " := ")
        return s + " | ".join(str(c) for c in self.cmds)


@dataclasses.dataclass
class _Action(_Node):
    pipe: _Pipe


@dataclasses.dataclass
class _Branch(_Node):
    kind: str  # if, range, with
    pipe: _Pipe
    body: list[Any]
    else_body: list[Any] | None


@dataclasses.dataclass
class _TemplateCall(_Node):
    name: str
    pipe: _Pipe | None


@dataclasses.dataclass
class _Break(_Node):
    pass


@dataclasses.dataclass
class _Continue(_Node):
    pass


@dataclasses.dataclass
class _Field(_Node):
    idents: list[str]

    def __str__(self) -> str:
        return "".join("." + i for i in self.idents)


@dataclasses.dataclass
class _Chain(_Node):
    node: Any
    fields: list[str]

    def __str__(self) -> str:
        inner = str(self.node)
        if isinstance(self.node, _Pipe):
            inner = "(" + inner + ")"
        return inner + "".join("." + f for f in self.fields)


@dataclasses.dataclass
class _Variable(_Node):
    idents: list[str]  # [$name, field...]

    def __str__(self) -> str:
        return ".".join(self.idents)


@dataclasses.dataclass
class _Dot(_Node):
    def __str__(self) -> str:
        return "."


@dataclasses.dataclass
class _Literal(_Node):
    value: Any
    text: str

    def __str__(self) -> str:
        return self.text


@dataclasses.dataclass
class _Identifier(_Node):
    name: str

    def __str__(self) -> str:
        return self.name


class _Parser:
    def __init__(self, tokens: list[_Tok], funcs: set[str]) -> None:
        self.tokens = tokens
        self.i = 0
        self.funcs = funcs
        self.vars: list[str] = ["$"]
        self.defines: dict[str, list[Any]] = {}
        self.range_depth = 0

    def error(self, msg: str, tok: _Tok | None = None) -> TemplateError:
        line = (tok or self.peek()).line
        return TemplateError(f"template: {NAME}:{line}: {msg}")

    def peek(self) -> _Tok:
        tok = self.tokens[self.i]
        if tok.kind == "error":
            raise TemplateError(tok.val)
        return tok

    def next(self) -> _Tok:
        tok = self.peek()
        self.i += 1
        return tok

    def next_non_space(self) -> _Tok:
        tok = self.next()
        while tok.kind == "space":
            tok = self.next()
        return tok

    def peek_non_space(self) -> _Tok:
        """Go's ``peekNonSpace``: skips (consumes) spaces, returns the next token without consuming it."""
        while self.tokens[self.i].kind == "space":
            self.i += 1
        return self.peek()

    def parse(self) -> list[Any]:
        body, _end = self.item_list(top=True)
        return body

    def item_list(self, top: bool = False) -> tuple[list[Any], str]:
        """Items until {{end}} / {{else}} (returned as the terminator) or EOF at top level."""
        items: list[Any] = []
        while True:
            tok = self.peek()
            if tok.kind == "eof":
                if top:
                    return items, "eof"
                raise self.error("unexpected EOF", tok)
            if tok.kind == "text":
                self.next()
                items.append(_Text(tok.pos, tok.line, tok.val))
                continue
            # left delimiter
            self.next()
            kw = self.peek_non_space()
            if kw.kind == "keyword":
                if kw.val in ("end", "else"):
                    if top:
                        raise self.error(f"unexpected {{{{{kw.val}}}}}", kw)
                    self.next_non_space()
                    if kw.val == "end":
                        self.expect_right("end")
                        return items, "end"
                    nxt = self.peek_non_space()
                    if nxt.kind == "keyword" and nxt.val in ("if", "with"):
                        return items, "else-" + nxt.val
                    self.expect_right("else")
                    return items, "else"
                items.append(self.control(kw))
                continue
            pipe = self.pipeline("command", decl_ok=True)
            items.append(_Action(pipe.pos, pipe.line, pipe))

    def expect_right(self, context: str) -> None:
        tok = self.next_non_space()
        if tok.kind != "right":
            raise self.error(f"unexpected {self.describe(tok)} in {context}", tok)

    def describe(self, tok: _Tok) -> str:
        """Go's ``item.String()``."""
        if tok.kind == "eof":
            return "EOF"
        if tok.kind == "keyword":
            return f"<{tok.val}>"
        if len(tok.val) > 10:
            return _go_quote(tok.val[:10]) + "..."
        return _go_quote(tok.val)

    def control(self, kw: _Tok) -> Any:
        self.next_non_space()
        name = kw.val
        if name in ("if", "with", "range"):
            return self.branch(name, kw)
        if name == "break" or name == "continue":
            if self.range_depth == 0:
                raise self.error(f"{{{{{name}}}}} outside {{{{range}}}}", kw)
            self.expect_right(name)
            return _Break(kw.pos, kw.line) if name == "break" else _Continue(kw.pos, kw.line)
        if name == "define":
            tok = self.next_non_space()
            if tok.kind not in ("string", "rawstring"):
                raise self.error(f"unexpected {self.describe(tok)} in define clause", tok)
            tname = _unquote(tok)
            self.expect_right("define clause")
            saved_vars = self.vars
            self.vars = ["$"]
            body, end = self.item_list()
            self.vars = saved_vars
            if end != "end":
                raise self.error("unexpected {{else}}", kw)
            self.defines[tname] = body
            return _Text(kw.pos, kw.line, "")
        if name in ("template", "block"):
            tok = self.next_non_space()
            if tok.kind not in ("string", "rawstring"):
                raise self.error(f"unexpected {self.describe(tok)} in {name} clause", tok)
            tname = _unquote(tok)
            pipe = None
            if self.peek_non_space().kind != "right":
                pipe = self.pipeline(name)
            else:
                self.expect_right(f"{name} clause")
            if name == "block":
                saved_vars = self.vars
                self.vars = ["$"]
                body, end = self.item_list()
                self.vars = saved_vars
                if end != "end":
                    raise self.error("unexpected {{else}}", kw)
                self.defines[tname] = body
            return _TemplateCall(kw.pos, kw.line, tname, pipe)
        raise self.error(f"unexpected {_go_quote(name)}", kw)

    def branch(self, name: str, kw: _Tok) -> _Branch:
        saved = len(self.vars)
        pipe = self.pipeline(name, decl_ok=True, range_decl=name == "range")
        if name == "range":
            self.range_depth += 1
        body, end = self.item_list()
        if name == "range":
            self.range_depth -= 1
        else_body: list[Any] | None = None
        if end.startswith("else-") and end[5:] == name:
            nested_kw = self.next_non_space()
            else_body = [self.branch(name, nested_kw)]
        elif end.startswith("else-"):
            self.expect_right("else")
            end = "else"
        if end == "else":
            else_body, end2 = self.item_list()
            if end2 != "end":
                raise self.error(f"expected end; found {{{{{'else'}}}}}", kw)
        del self.vars[saved:]
        return _Branch(kw.pos, kw.line, name, pipe, body, else_body)

    def pipeline(self, context: str, decl_ok: bool = False, range_decl: bool = False) -> _Pipe:
        start = self.peek_non_space()
        decl: list[str] = []
        is_assign = False
        # variable declarations
        if decl_ok and start.kind == "var":
            j = self.i
            while self.tokens[j].kind == "space":
                j += 1
            save = self.i
            self.i = j + 1
            nxt = self.peek_non_space()
            if nxt.kind in ("declare", "assign"):
                self.next_non_space()
                decl = [start.val]
                is_assign = nxt.kind == "assign"
            elif nxt.kind == "comma" and range_decl:
                self.next_non_space()
                second = self.next_non_space()
                if second.kind != "var":
                    raise self.error("range can only initialize variables", second)
                op = self.next_non_space()
                if op.kind not in ("declare", "assign"):
                    raise self.error("range can only initialize variables", op)
                decl = [start.val, second.val]
                is_assign = op.kind == "assign"
            else:
                self.i = save
            self.vars.extend(decl)
        cmds: list[_Command] = []
        end_kind = "rparen" if context == "parenthesized pipeline" else "right"
        while True:
            tok = self.next_non_space()
            if tok.kind == end_kind:
                break
            if tok.kind in (
                "bool",
                "char",
                "dot",
                "field",
                "ident",
                "number",
                "nil",
                "rawstring",
                "string",
                "var",
                "lparen",
            ):
                self.i -= 1
                cmds.append(self.command())
                continue
            raise self.error(f"unexpected {self.describe(tok)} in {context}", tok)
        if not cmds:
            raise self.error(f"missing value for {context}", start)
        for n, cmd in enumerate(cmds[1:]):
            if isinstance(cmd.args[0], (_Literal, _Dot)):
                raise self.error(f"non executable command in pipeline stage {n + 2}", start)
        return _Pipe(start.pos, start.line, decl, is_assign, cmds)

    def command(self) -> _Command:
        start = self.peek_non_space()
        args: list[Any] = []
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                args.append(operand)
            tok = self.next()
            if tok.kind == "space":
                continue
            if tok.kind in ("right", "rparen"):
                self.i -= 1
            elif tok.kind != "pipe":
                raise self.error(f"unexpected {self.describe(tok)} in operand", tok)
            break
        if not args:
            raise self.error("empty command", start)
        return _Command(start.pos, start.line, args)

    def operand(self) -> Any:
        node = self.term()
        if node is None:
            return None
        if self.peek().kind == "field":
            fields: list[str] = []
            while self.peek().kind == "field":
                fields.extend(self.next().val[1:].split("."))
            if isinstance(node, (_Field, _Variable)):
                node.idents.extend(fields)
            elif isinstance(node, (_Literal, _Dot)):
                raise self.error(f"unexpected . after term {_go_quote(str(node))}")
            else:
                node = _Chain(node.pos, node.line, node, fields)
        return node

    def term(self) -> Any:
        tok = self.next_non_space()
        if tok.kind == "ident":
            if tok.val not in self.funcs:
                raise self.error(f"function {_go_quote(tok.val)} not defined", tok)
            return _Identifier(tok.pos, tok.line, tok.val)
        if tok.kind == "dot":
            return _Dot(tok.pos, tok.line)
        if tok.kind == "nil":
            return _Literal(tok.pos, tok.line, None, "nil")
        if tok.kind == "var":
            if tok.val not in self.vars:
                raise self.error(f"undefined variable {_go_quote(tok.val)}", tok)
            return _Variable(tok.pos, tok.line, [tok.val])
        if tok.kind == "field":
            return _Field(tok.pos, tok.line, tok.val[1:].split("."))
        if tok.kind == "bool":
            return _Literal(tok.pos, tok.line, tok.val == "true", tok.val)
        if tok.kind == "number":
            return _Literal(tok.pos, tok.line, _parse_number(tok.val), tok.val)
        if tok.kind == "char":
            text = _unquote(_Tok("string", '"' + tok.val[1:-1] + '"', tok.pos, tok.line))
            if len(text) != 1:
                raise self.error(f"malformed character constant: {tok.val}", tok)
            return _Literal(tok.pos, tok.line, GoInt(ord(text)), tok.val)
        if tok.kind in ("string", "rawstring"):
            return _Literal(tok.pos, tok.line, _unquote(tok), tok.val)
        if tok.kind == "lparen":
            return self.pipeline("parenthesized pipeline")
        self.i -= 1
        return None


# ---------------------------------------------------------------------------
# execution


class _BreakSignal(Exception):
    pass


class _ContinueSignal(Exception):
    pass


def _truth(value: Any) -> bool:
    if value is None or value is INVALID:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (str, list, dict)):
        return len(value) > 0
    if isinstance(value, JsonNumber):
        return len(value.text) > 0
    if isinstance(value, GoInt):
        return value.value != 0
    if isinstance(value, float):
        return value != 0
    return True


class _State:
    def __init__(self, text: str, defines: dict[str, list[Any]]) -> None:
        self.text = text
        self.defines = defines
        self.out: list[str] = []
        self.vars: list[tuple[str, Any]] = []
        self.node: Any = None
        self.depth = 0

    def error(self, msg: str) -> TemplateError:
        node = self.node
        if node is None:
            return TemplateError(f"template: {NAME}: {msg}")
        before = self.text[: node.pos]
        line = before.count("\n") + 1
        col = len(before[before.rfind("\n") + 1 :].encode("utf-8", "surrogatepass"))
        return TemplateError(f'template: {NAME}:{line}:{col}: executing "{NAME}" at <{node}>: {msg}')

    def var(self, name: str) -> Any:
        for n, v in reversed(self.vars):
            if n == name:
                return v
        raise self.error(f"undefined variable: {name}")

    def set_var(self, name: str, value: Any) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i] = (name, value)
                return
        raise self.error(f"undefined variable: {name}")

    def walk(self, dot: Any, items: list[Any]) -> None:
        for item in items:
            if isinstance(item, _Text):
                self.out.append(item.text)
            elif isinstance(item, _Action):
                self.node = item.pipe
                value = self.pipeline(dot, item.pipe)
                if not item.pipe.decl:
                    self.print_value(item.pipe, value)
            elif isinstance(item, _Branch):
                self.branch(dot, item)
            elif isinstance(item, _TemplateCall):
                self.call_template(dot, item)
            elif isinstance(item, _Break):
                raise _BreakSignal
            elif isinstance(item, _Continue):
                raise _ContinueSignal

    def call_template(self, dot: Any, node: _TemplateCall) -> None:
        self.node = node
        body = self.defines.get(node.name)
        if body is None:
            raise self.error(f"no such template {_go_quote(node.name)}")
        new_dot = self.pipeline(dot, node.pipe) if node.pipe is not None else None
        self.depth += 1
        if self.depth > MAX_EXEC_DEPTH:
            raise self.error(f"exceeded maximum template depth ({MAX_EXEC_DEPTH})")
        saved = self.vars
        self.vars = [("$", new_dot)]
        try:
            self.walk(new_dot, body)
        finally:
            self.vars = saved
            self.depth -= 1

    def branch(self, dot: Any, node: _Branch) -> None:
        mark = len(self.vars)
        try:
            self.node = node.pipe
            if node.kind == "range":
                self.walk_range(dot, node)
                return
            value = self.pipeline(dot, node.pipe)
            if _truth(value):
                self.walk(value if node.kind == "with" else dot, node.body)
            elif node.else_body is not None:
                self.walk(dot, node.else_body)
        finally:
            del self.vars[mark:]

    def walk_range(self, dot: Any, node: _Branch) -> None:
        pipe = node.pipe
        decl = pipe.decl
        value = self.pipeline(dot, _Pipe(pipe.pos, pipe.line, [], False, pipe.cmds))
        if isinstance(value, dict):
            items = [(k, value[k]) for k in sorted(value, key=lambda k: k.encode("utf-8", "surrogatepass"))]
        elif isinstance(value, list):
            items = [(GoInt(i), v) for i, v in enumerate(value)]
        elif isinstance(value, GoInt):
            items = [(GoInt(i), GoInt(i)) for i in range(max(value.value, 0))]
        elif value is None or value is INVALID:
            items = []
        else:
            raise self.error(f"range can't iterate over {_fprint([value])}")
        if not items:
            if node.else_body is not None:
                self.walk(dot, node.else_body)
            return
        for key, elem in items:
            mark = len(self.vars)
            if len(decl) == 1:
                self.bind(decl[0], elem, pipe.is_assign)
            elif len(decl) == 2:
                self.bind(decl[0], key, pipe.is_assign)
                self.bind(decl[1], elem, pipe.is_assign)
            try:
                self.walk(elem, node.body)
            except _ContinueSignal:
                pass
            except _BreakSignal:
                del self.vars[mark:]
                break
            del self.vars[mark:]

    def bind(self, name: str, value: Any, is_assign: bool) -> None:
        if is_assign:
            self.set_var(name, value)
        else:
            self.vars.append((name, value))

    def pipeline(self, dot: Any, pipe: _Pipe) -> Any:
        value: Any = _NO_FINAL
        for cmd in pipe.cmds:
            value = self.command(dot, cmd, value)
            if value is None:
                value = INVALID
        for name in pipe.decl:
            self.bind(name, value, pipe.is_assign)
        return value

    def command(self, dot: Any, cmd: _Command, final: Any) -> Any:
        first = cmd.args[0]
        self.node = cmd
        if isinstance(first, _Field):
            return self.eval_field_chain(dot, dot, first, first.idents, cmd.args[1:], final)
        if isinstance(first, _Chain):
            self.node = first
            receiver = self.eval_arg(dot, first.node)
            return self.eval_field_chain(dot, receiver, first, first.fields, cmd.args[1:], final)
        if isinstance(first, _Identifier):
            return self.call_function(dot, first, cmd, cmd.args[1:], final)
        if isinstance(first, _Variable):
            value = self.var(first.idents[0])
            if len(first.idents) == 1:
                self.not_function(cmd.args, final)
                return value
            return self.eval_field_chain(dot, value, first, first.idents[1:], cmd.args[1:], final)
        if isinstance(first, _Pipe):
            self.not_function(cmd.args, final)
            return self.pipeline(dot, first)
        self.node = first
        if isinstance(first, _Literal) and first.value is None:
            raise self.error("nil is not a command")
        self.not_function(cmd.args, final)
        if isinstance(first, _Dot):
            return dot
        if isinstance(first, _Literal):
            return first.value
        raise self.error(f"can't evaluate command {first}")

    def not_function(self, args: list[Any], final: Any) -> None:
        if len(args) > 1 or final is not _NO_FINAL:
            raise self.error(f"can't give argument to non-function {args[0]}")

    def eval_field_chain(
        self, dot: Any, receiver: Any, node: Any, idents: list[str], args: list[Any], final: Any
    ) -> Any:
        self.node = node
        n = len(idents)
        for name in idents[: n - 1]:
            receiver = self.eval_field(receiver, name, [], _NO_FINAL)
        return self.eval_field(receiver, idents[n - 1], args, final)

    def eval_field(self, receiver: Any, name: str, args: list[Any], final: Any) -> Any:
        if receiver is INVALID:
            return INVALID
        if receiver is None:
            raise self.error(f"nil pointer evaluating interface {{}}.{name}")
        if isinstance(receiver, dict):
            if args or final is not _NO_FINAL:
                raise self.error(f"{name} is not a method but has arguments")
            if name in receiver:
                return receiver[name]
            return INVALID
        if isinstance(receiver, JsonNumber) and name in ("String", "Float64", "Int64"):
            if args or final is not _NO_FINAL:
                raise self.error(
                    f"wrong number of args for {name}: want 0 got {len(args) + (final is not _NO_FINAL)}"
                )
            return self.json_number_method(receiver, name)
        raise self.error(f"can't evaluate field {name} in type {type_name(receiver)}")

    def json_number_method(self, number: JsonNumber, name: str) -> Any:
        if name == "String":
            return number.text
        try:
            if name == "Int64":
                return GoInt(int(number.text, 10), "int64")
            return float(number.text)
        except ValueError:
            kind = "ParseInt" if name == "Int64" else "ParseFloat"
            raise self.error(
                f"error calling {name}: strconv.{kind}: parsing {_go_quote(number.text)}: invalid syntax"
            ) from None

    def eval_arg(self, dot: Any, node: Any) -> Any:
        self.node = node
        if isinstance(node, _Dot):
            return dot
        if isinstance(node, _Literal):
            return node.value
        if isinstance(node, _Field):
            return self.eval_field_chain(dot, dot, node, node.idents, [], _NO_FINAL)
        if isinstance(node, _Variable):
            value = self.var(node.idents[0])
            if len(node.idents) == 1:
                return value
            return self.eval_field_chain(dot, value, node, node.idents[1:], [], _NO_FINAL)
        if isinstance(node, _Pipe):
            return self.pipeline(dot, node)
        if isinstance(node, _Chain):
            receiver = self.eval_arg(dot, node.node)
            return self.eval_field_chain(dot, receiver, node, node.fields, [], _NO_FINAL)
        if isinstance(node, _Identifier):
            return self.call_function(dot, node, node, [], _NO_FINAL)
        raise self.error(f"can't handle {node} for arg")

    def call_function(self, dot: Any, ident: _Identifier, cmd: Any, arg_nodes: list[Any], final: Any) -> Any:
        self.node = ident
        name = ident.name
        if name in ("and", "or"):
            if not arg_nodes and final is _NO_FINAL:
                raise self.error(f"wrong number of args for {name}: want at least 1 got 0")
            value: Any = None
            nodes = list(arg_nodes)
            for node in nodes:
                value = self.eval_arg(dot, node)
                if _truth(value) != (name == "and"):
                    return value
            if final is not _NO_FINAL:
                value = final
            return value
        args = [self.eval_arg(dot, node) for node in arg_nodes]
        if final is not _NO_FINAL:
            args.append(final)
        fn = _FUNCS[name]
        try:
            return fn(self, args)
        except _CallError as exc:
            self.node = cmd
            raise self.error(f"error calling {name}: {exc}") from None
        except _ArgError as exc:
            self.node = ident
            raise self.error(str(exc)) from None

    def print_value(self, node: Any, value: Any) -> None:
        if value is INVALID or value is _NO_FINAL:
            self.out.append("<no value>")
            return
        if value is None:
            self.out.append("<no value>")
            return
        self.out.append(_fprint([value]))


class _NoFinal:
    pass


_NO_FINAL: Any = _NoFinal()


class _CallError(Exception):
    pass


class _ArgError(Exception):
    pass


def _want_args(name: str, args: list[Any], n: int) -> None:
    if len(args) != n:
        raise _ArgError(f"wrong number of args for {name}: want {n} got {len(args)}")


def _fn_not(state: _State, args: list[Any]) -> Any:
    _want_args("not", args, 1)
    return not _truth(args[0])


def _fn_len(state: _State, args: list[Any]) -> Any:
    _want_args("len", args, 1)
    item = args[0]
    if item is INVALID or item is None:
        raise _CallError("len of nil pointer")
    if isinstance(item, (str, list, dict)):
        return GoInt(len(item.encode("utf-8", "surrogatepass")) if isinstance(item, str) else len(item))
    if isinstance(item, JsonNumber):
        return GoInt(len(item.text))
    raise _CallError(f"len of type {type_name(item)}")


def _index_of(value: Any, cap: int) -> int:
    if isinstance(value, GoInt):
        return value.value
    if value is None or value is INVALID:
        raise _CallError("cannot index slice/array with nil")
    raise _CallError(f"cannot index slice/array with type {type_name(value)}")


def _fn_index(state: _State, args: list[Any]) -> Any:
    if not args:
        raise _ArgError("wrong number of args for index: want at least 1 got 0")
    item = args[0]
    if item is INVALID or item is None:
        raise _CallError("index of untyped nil")
    for key in args[1:]:
        if isinstance(item, list):
            i = _index_of(key, len(item))
            if i < 0 or i >= len(item):
                raise _CallError(f"index out of range: {i}")
            item = item[i]
        elif isinstance(item, str):
            i = _index_of(key, len(item))
            data = item.encode("utf-8", "surrogatepass")
            if i < 0 or i >= len(data):
                raise _CallError(f"index out of range: {i}")
            item = GoInt(data[i], "uint8")
        elif isinstance(item, JsonNumber):
            i = _index_of(key, len(item.text))
            if i < 0 or i >= len(item.text):
                raise _CallError(f"index out of range: {i}")
            item = GoInt(item.text.encode()[i], "uint8")
        elif isinstance(item, dict):
            if key is None or key is INVALID:
                raise _CallError("value is nil; should be of type string")
            if not isinstance(key, str):
                raise _CallError(f"value has type {type_name(key)}; should be string")
            item = item.get(key)
        elif item is None or item is INVALID:
            raise _CallError("index of untyped nil")
        else:
            raise _CallError(f"can't index item of type {type_name(item)}")
    return item


def _fn_slice(state: _State, args: list[Any]) -> Any:
    if not args:
        raise _ArgError("wrong number of args for slice: want at least 1 got 0")
    item = args[0]
    idx = [_index_of(a, 0) for a in args[1:]]
    if isinstance(item, str):
        if len(idx) > 2:
            raise _CallError(f"too many slice indexes: {len(idx)}")
        data = item.encode("utf-8", "surrogatepass")
        cap = len(data)
    elif isinstance(item, list):
        if len(idx) > 3:
            raise _CallError(f"too many slice indexes: {len(idx)}")
        cap = len(item)
        data = None
    else:
        raise _CallError(f"can't slice item of type {type_name(item)}")
    bounds = [0, cap]
    for i, x in enumerate(idx[:2]):
        if x < 0 or x > cap:
            raise _CallError(f"index out of range: {x}")
        bounds[i] = x
    if len(idx) == 1:
        bounds[1] = cap
    if bounds[0] > bounds[1]:
        raise _CallError(f"invalid slice index: {bounds[0]} > {bounds[1]}")
    if data is not None:
        from workbench.core.engines.opa.builtins.encoding import go_bytes_to_str

        return go_bytes_to_str(data[bounds[0] : bounds[1]])
    assert isinstance(item, list)
    return item[bounds[0] : bounds[1]]


def _fn_print(state: _State, args: list[Any]) -> Any:
    return _fprint(args)


def _fn_println(state: _State, args: list[Any]) -> Any:
    return _fprintln(args)


def _fn_printf(state: _State, args: list[Any]) -> Any:
    if not args:
        raise _ArgError("wrong number of args for printf: want at least 1 got 0")
    fmt = args[0]
    if not isinstance(fmt, str):
        raise _ArgError(f"wrong type for value; expected string; got {type_name(fmt)}")
    return go_sprintf(fmt, [go_arg(a) for a in args[1:]])


def _basic_kind(value: Any) -> tuple[str, Any]:
    if isinstance(value, bool):
        return "bool", value
    if isinstance(value, str):
        return "string", value
    if isinstance(value, JsonNumber):
        return "string", value.text
    if isinstance(value, GoInt):
        return "int", value.value
    if isinstance(value, float):
        return "float", value
    if value is None or value is INVALID:
        return "nil", None
    return "other", value


def _compare(name: str, a: Any, b: Any) -> int:
    ka, va = _basic_kind(a)
    kb, vb = _basic_kind(b)
    if ka == "other" or kb == "other":
        if name in ("eq", "ne") and ka == kb:
            raise _CallError("non-comparable types")
        raise _CallError("invalid type for comparison")
    if ka != kb:
        if ka == "nil" or kb == "nil":
            if name in ("eq", "ne"):
                return 0 if ka == kb else 1
            raise _CallError("invalid type for comparison")
        raise _CallError("incompatible types for comparison")
    if ka == "nil":
        if name in ("eq", "ne"):
            return 0
        raise _CallError("invalid type for comparison")
    if ka == "bool":
        if name not in ("eq", "ne"):
            raise _CallError("invalid type for comparison")
        return 0 if va == vb else 1
    if ka == "string":
        va, vb = va.encode("utf-8", "surrogatepass"), vb.encode("utf-8", "surrogatepass")
    return (va > vb) - (va < vb)


def _fn_eq(state: _State, args: list[Any]) -> Any:
    if len(args) < 2:
        if not args:
            raise _ArgError("wrong number of args for eq: want at least 1 got 0")
        raise _CallError("missing argument for comparison")
    return any(_compare("eq", args[0], b) == 0 for b in args[1:])


def _cmp_fn(name: str, pred: Callable[[int], bool]) -> Callable[[_State, list[Any]], Any]:
    def fn(state: _State, args: list[Any]) -> Any:
        _want_args(name, args, 2)
        return pred(_compare(name, args[0], args[1]))

    return fn


def _fn_html(state: _State, args: list[Any]) -> Any:
    text = _eval_args_text(args)
    return (
        _html.escape(text, quote=False).replace("'", "&#39;").replace('"', "&#34;").replace("\x00", "\ufffd")
    )


def _eval_args_text(args: list[Any]) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return _fprint(args)


def _fn_js(state: _State, args: list[Any]) -> Any:
    text = _eval_args_text(args)
    out: list[str] = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == '"':
            out.append('\\"')
        elif ch == "<":
            out.append("\\u003C")
        elif ch == ">":
            out.append("\\u003E")
        elif ch == "&":
            out.append("\\u0026")
        elif ch == "=":
            out.append("\\u003D")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def _fn_urlquery(state: _State, args: list[Any]) -> Any:
    from workbench.core.engines.opa.builtins.encoding import query_escape

    return query_escape(_eval_args_text(args))


def _fn_call(state: _State, args: list[Any]) -> Any:
    if not args:
        raise _ArgError("wrong number of args for call: want at least 1 got 0")
    raise _CallError(f"non-function of type {type_name(args[0])}")


_FUNCS: dict[str, Callable[[_State, list[Any]], Any]] = {
    "and": lambda s, a: None,  # handled specially (short-circuit)
    "or": lambda s, a: None,
    "not": _fn_not,
    "len": _fn_len,
    "index": _fn_index,
    "slice": _fn_slice,
    "print": _fn_print,
    "printf": _fn_printf,
    "println": _fn_println,
    "eq": _fn_eq,
    "ne": _cmp_fn("ne", lambda c: c != 0),
    "lt": _cmp_fn("lt", lambda c: c < 0),
    "le": _cmp_fn("le", lambda c: c <= 0),
    "gt": _cmp_fn("gt", lambda c: c > 0),
    "ge": _cmp_fn("ge", lambda c: c >= 0),
    "html": _fn_html,
    "js": _fn_js,
    "urlquery": _fn_urlquery,
    "call": _fn_call,
}


def render(text: str, data: dict[Any, Any]) -> str:
    """Parse and execute ``text`` with ``data`` as OPA's ``strings.render_template`` does."""
    tokens = _Lexer(text).run()
    parser = _Parser(tokens, set(_FUNCS))
    body = parser.parse()
    root = to_go(data)
    state = _State(text, parser.defines)
    state.vars = [("$", root)]
    try:
        state.walk(root, body)
    except RecursionError:
        raise TemplateError(f"template: {NAME}: template nests too deeply") from None
    return "".join(state.out).replace("<no value>", "<undefined>")
