"""Regex builtins the OPA Wasm module leaves to the host (category "Regex").

``regex.split``, ``regex.find_n``, ``regex.replace``, ``regex.template_match``
use Go ``regexp`` semantics (:mod:`._go_regexp`); ``regex.globs_match`` is a
port of the ``github.com/yashtewari/glob-intersection`` library OPA uses.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from workbench.core.engines.opa.builtins._go_regexp import GoRegexp, RegexpError, compile_go, quote_meta
from workbench.core.engines.opa.builtins._gofmt import go_quote
from workbench.core.engines.opa.builtins._operands import check_string
from workbench.core.engines.opa.builtins._registry import BuiltinTable, builtin_error
from workbench.core.engines.opa.builtins.strings import int_operand

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["GlobError", "clear_regexp_cache", "compile_template", "globs_non_empty"]


#: OPA's process-wide ``regexpCache``: pattern text -> compiled regexp, shared by
#: ``getRegexp`` (regex.split/find_n/replace) and ``getRegexpTemplate``. OPA keys
#: template regexps by the template text alone, so the first delimiters used for
#: a template win for the life of the process; reproduced here deliberately.
_REGEXP_CACHE: dict[str, GoRegexp] = {}
_REGEXP_CACHE_MAX = 100


def clear_regexp_cache() -> None:
    """Forget every cached regexp (a fresh OPA process)."""
    _REGEXP_CACHE.clear()


def _compile(name: str, pattern: str) -> GoRegexp:
    cached = _REGEXP_CACHE.get(pattern)
    if cached is not None:
        return cached
    try:
        compiled = compile_go(pattern)
    except RegexpError as exc:
        raise builtin_error(name, str(exc)) from None
    if len(_REGEXP_CACHE) >= _REGEXP_CACHE_MAX:
        del _REGEXP_CACHE[next(iter(_REGEXP_CACHE))]
    _REGEXP_CACHE[pattern] = compiled
    return compiled


@BUILTINS.builtin("regex.split", category="Regex")
def regex_split(pattern: Any, value: Any) -> list[str]:
    pattern = check_string("regex.split", pattern, 1)
    value = check_string("regex.split", value, 2)
    return _compile("regex.split", pattern).split(value, -1)


@BUILTINS.builtin("regex.find_n", category="Regex")
def regex_find_n(pattern: Any, value: Any, number: Any) -> list[str]:
    pattern = check_string("regex.find_n", pattern, 1)
    value = check_string("regex.find_n", value, 2)
    n = int_operand("regex.find_n", number, 3)
    return _compile("regex.find_n", pattern).find_all_string(value, n)


@BUILTINS.builtin("regex.replace", category="Regex")
def regex_replace(s: Any, pattern: Any, value: Any) -> str:
    s = check_string("regex.replace", s, 1)
    pattern = check_string("regex.replace", pattern, 2)
    value = check_string("regex.replace", value, 3)
    return _compile("regex.replace", pattern).replace_all(s, value)


def _delimiter_indices(s: str, start: str, end: str) -> list[int]:
    level = idx = 0
    idxs: list[int] = []
    for i, ch in enumerate(s):
        if ch == start:
            level += 1
            if level == 1:
                idx = i
        elif ch == end:
            level -= 1
            if level == 0:
                idxs.extend((idx, i + 1))
            elif level < 0:
                raise ValueError(f"unbalanced braces in {go_quote(s)}")
    if level != 0:
        raise ValueError(f"unbalanced braces in {go_quote(s)}")
    return idxs


def compile_template(tpl: str, start: str, end: str) -> GoRegexp:
    """OPA's ``compileRegexTemplate`` (forked from gorilla/mux); raises ValueError/RegexpError."""
    idxs = _delimiter_indices(tpl, start, end)
    pattern = ["^"]
    last = 0
    for i in range(0, len(idxs), 2):
        raw = tpl[last : idxs[i]]
        last = idxs[i + 1]
        patt = tpl[idxs[i] + 1 : last - 1]
        pattern.append(f"{quote_meta(raw)}({patt})")
        compile_go(f"^{patt}$")
    pattern.append(quote_meta(tpl[last:]))
    pattern.append("$")
    return compile_go("".join(pattern))


@BUILTINS.builtin("regex.template_match", category="Regex")
def regex_template_match(template: Any, value: Any, start: Any, end: Any) -> bool:
    name = "regex.template_match"
    template = check_string(name, template, 1)
    value = check_string(name, value, 2)
    start = check_string(name, start, 3)
    end = check_string(name, end, 4)
    start_len = len(start.encode("utf-8", "surrogatepass"))
    if start_len != 1:
        raise builtin_error(
            name, f"start delimiter has to be exactly one character long but is {start_len} long"
        )
    if len(end.encode("utf-8", "surrogatepass")) != 1:
        # OPA reports the start delimiter's length here (sic)
        raise builtin_error(
            name, f"end delimiter has to be exactly one character long but is {start_len} long"
        )
    compiled = _REGEXP_CACHE.get(template)
    if compiled is None:
        try:
            compiled = compile_template(template, start, end)
        except (ValueError, RegexpError) as exc:
            raise builtin_error(name, str(exc)) from None
        _REGEXP_CACHE[template] = compiled
    return bool(compiled.match_string(value))


# ---------------------------------------------------------------------------
# glob-intersection


class GlobError(Exception):
    """Invalid glob-intersection input; ``str()`` is the library's message."""


_NONE, _PLUS, _STAR = 0, 1, 2
_CHAR, _DOT, _SET = 0, 1, 2


@dataclasses.dataclass
class _Token:
    ttype: int
    rune: str = ""
    runes: frozenset[str] = frozenset()
    flag: int = _NONE

    def equal(self, other: _Token) -> bool:
        if self.ttype != other.ttype:
            return False
        if self.ttype == _CHAR:
            return self.rune == other.rune
        if self.ttype == _SET:
            return self.runes == other.runes
        return True


def _match(t1: _Token, t2: _Token) -> bool:
    if t1.ttype > t2.ttype:
        t1, t2 = t2, t1
    if t1.ttype == _CHAR:
        if t2.ttype == _CHAR:
            return t1.rune == t2.rune
        if t2.ttype == _DOT:
            return True
        return t1.rune in t2.runes
    if t1.ttype == _DOT:
        return True
    return bool(t1.runes & t2.runes)


def _invalid(input_runes: str, index: int, message: str) -> GlobError:
    return GlobError(f"input:{input_runes}, pos:{index}, {message}: the input provided is invalid")


class _EndOfInput(Exception):
    pass


def _next_rune(index: int, s: str) -> tuple[int, str, bool]:
    if index >= len(s):
        raise _EndOfInput(index)
    if s[index] == "\\":
        if index < len(s) - 1:
            return index + 2, s[index + 1], True
        raise _invalid(s, index, "input ends with a \\ (escape) character")
    return index + 1, s[index], False


def _next_token_set(index: int, s: str) -> tuple[int, _Token]:
    runes: list[str] = []
    prev = ""
    prev_exists = False
    complete = False
    new_index = index
    while True:
        try:
            new_index, r, escaped = _next_rune(new_index, s)
        except _EndOfInput as eoi:
            new_index = eoi.args[0]
            break
        if not escaped:
            if r == "-":
                if not prev_exists:
                    raise _invalid(
                        s, new_index, "range character '-' must be preceded by a Unicode character"
                    )
                if new_index >= len(s) - 1:
                    raise _invalid(
                        s, new_index, "range character '-' must be followed by a Unicode character"
                    )
                new_index, r, escaped = _next_rune(new_index, s)
                if not escaped and r in "]-":
                    raise _invalid(s, new_index, "range character '-' cannot be followed by a special symbol")
                if r < prev:
                    raise _invalid(
                        s, new_index, f"range is out of order: '{r}' comes before '{prev}' in Unicode"
                    )
                runes.extend(chr(x) for x in range(ord(prev), ord(r) + 1))
                prev_exists = False
            elif r == "]":
                complete = True
            else:
                runes.append(r)
                prev, prev_exists = r, True
        else:
            runes.append(r)
            prev, prev_exists = r, True
        if complete:
            break
    if not complete:
        raise _invalid(s, new_index, "found [ without matching ]")
    return new_index, _Token(_SET, runes=frozenset(runes))


def _tokenize(s: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while True:
        try:
            index, r, escaped = _next_rune(index, s)
        except _EndOfInput:
            return tokens
        if not escaped and r == ".":
            token = _Token(_DOT)
        elif not escaped and r == "]":
            raise _invalid(s, index, "set-close ']' with no preceding '['")
        elif not escaped and r == "[":
            index, token = _next_token_set(index, s)
        elif not escaped and r in "+*":
            raise _invalid(s, index, f"flag '{r}' must be preceded by a non-flag")
        else:
            token = _Token(_CHAR, rune=r)
        try:
            flag_index, f, flag_escaped = _next_rune(index, s)
            if not flag_escaped and f in "+*":
                token.flag = _PLUS if f == "+" else _STAR
                index = flag_index
        except _EndOfInput:
            pass
        tokens.append(token)


def _simplify(tokens: list[_Token]) -> list[_Token]:
    if not tokens:
        return tokens
    simple = [tokens[0]]
    latest = simple[0]
    for token in tokens[1:]:
        if token.flag != _NONE and latest.flag != _NONE and token.equal(latest):
            simple[-1].flag = _PLUS if _PLUS in (token.flag, latest.flag) else _STAR
            continue
        latest = token
        simple.append(token)
    return simple


def _trim(g1: list[_Token], g2: list[_Token]) -> tuple[list[_Token], list[_Token]] | None:
    l1 = l2 = 0
    while l1 < len(g1) and l2 < len(g2) and g1[l1].flag == _NONE and g2[l2].flag == _NONE:
        if not _match(g1[l1], g2[l2]):
            return None
        l1 += 1
        l2 += 1
    r1, r2 = len(g1) - 1, len(g2) - 1
    while r1 >= 0 and r1 >= l1 and r2 >= 0 and r2 >= l2 and g1[r1].flag == _NONE and g2[r2].flag == _NONE:
        if not _match(g1[r1], g2[r2]):
            return None
        r1 -= 1
        r2 -= 1
    return g1[l1 : r1 + 1], g2[l2 : r2 + 1]


def _intersect_normal(g1: list[_Token], g2: list[_Token]) -> bool:
    i = j = 0
    while i < len(g1) and j < len(g2):
        if g1[i].flag == _NONE and g2[j].flag == _NONE:
            if not _match(g1[i], g2[j]):
                return False
        else:
            return _intersect_special(g1[i:], g2[j:])
        i += 1
        j += 1
    return i == len(g1) and j == len(g2)


def _intersect_special(g1: list[_Token], g2: list[_Token]) -> bool:
    if g1[0].flag != _NONE:
        return _intersect_plus(g1, g2) if g1[0].flag == _PLUS else _intersect_star(g1, g2)
    return _intersect_plus(g2, g1) if g2[0].flag == _PLUS else _intersect_star(g2, g1)


def _intersect_plus(plussed: list[_Token], other: list[_Token]) -> bool:
    if not _match(plussed[0], other[0]):
        return False
    return _intersect_star(plussed, other[1:])


def _intersect_star(starred: list[_Token], other: list[_Token]) -> bool:
    star_token = starred[0]
    next_token = starred[1] if len(starred) > 1 else None
    for i, t in enumerate(other):
        if next_token is not None and _match(t, next_token):
            if _intersect_normal(starred[1:], other[i:]):
                return True
            if not _match(t, star_token):
                return False
        elif not _match(t, star_token):
            return False
    return next_token is None


def globs_non_empty(lhs: str, rhs: str) -> bool:
    """glob-intersection ``NonEmpty``; raises :class:`GlobError` for invalid input."""
    g1 = _simplify(_tokenize(lhs))
    g2 = _simplify(_tokenize(rhs))
    trimmed = _trim(g1, g2)
    if trimmed is None:
        return False
    return _intersect_normal(*trimmed)


@BUILTINS.builtin("regex.globs_match", category="Regex")
def regex_globs_match(glob1: Any, glob2: Any) -> bool:
    glob1 = check_string("regex.globs_match", glob1, 1)
    glob2 = check_string("regex.globs_match", glob2, 2)
    try:
        return globs_non_empty(glob1, glob2)
    except GlobError as exc:
        raise builtin_error("regex.globs_match", str(exc)) from None
