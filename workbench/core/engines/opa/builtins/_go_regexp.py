"""Go ``regexp`` semantics on top of the ``re2`` binding.

Go's ``regexp`` and C++ RE2 share their syntax, but error messages, the
iteration over successive matches (``FindAll``, ``ReplaceAll``, ``Split``)
and ``$`` template expansion are Go's own; they are reproduced here.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

__all__ = ["GoRegexp", "RegexpError", "compile_go", "quote_meta"]

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False

#: C++ RE2 error code text -> Go regexp/syntax ErrorCode text
_CODES = {
    "missing )": "missing closing )",
    "missing ]": "missing closing ]",
    "unexpected )": "unexpected )",
    "trailing \\": "trailing backslash at end of expression",
    "bad repetition operator": "invalid nested repetition operator",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid named capture group": "invalid named capture",
    "invalid escape sequence": "invalid escape sequence",
    "invalid character class": "invalid character class",
    "invalid character class range": "invalid character class range",
    "invalid UTF-8": "invalid UTF-8",
}


class RegexpError(Exception):
    """A pattern Go's ``regexp.Compile`` rejects; ``str()`` is Go's message."""


def _go_message(pattern: str, raw: str) -> str:
    code, sep, arg = raw.partition(": ")
    if code in _CODES:
        return f"error parsing regexp: {_CODES[code]}: `{arg if sep else ''}`"
    if raw.startswith("pattern too large"):
        return f"error parsing regexp: expression too large: `{pattern}`"
    return f"error parsing regexp: {raw}: `{pattern}`"


def _validate_go_only(pattern: str) -> None:
    """Syntax RE2 accepts but Go rejects: the ``\\C`` (any byte) escape."""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            if pattern[i + 1] == "C":
                raise RegexpError("error parsing regexp: invalid escape sequence: `\\C`")
            i += 2
            continue
        i += 1


class GoRegexp:
    """A compiled pattern with Go's match-iteration semantics (positions are code points)."""

    def __init__(self, pattern: str, compiled: Any) -> None:
        self.pattern = pattern
        self._re = compiled
        self.num_subexp: int = compiled.groups
        names = [""] * (self.num_subexp + 1)
        for name, index in compiled.groupindex.items():
            names[index] = name
        self.subexp_names = names

    def _execute(self, s: str, pos: int) -> list[int] | None:
        m = self._re.search(s, pos)
        if m is None:
            return None
        spans: list[int] = []
        for g in range(self.num_subexp + 1):
            a, b = m.span(g)
            spans.extend((a, b))
        return spans

    def find_all(self, s: str, n: int) -> list[list[int]]:
        """Go ``FindAllStringSubmatchIndex(s, n)`` (``n < 0``: all)."""
        if n < 0:
            n = len(s.encode("utf-8", "surrogatepass")) + 1
        out: list[list[int]] = []
        pos, prev_end, end = 0, -1, len(s)
        while len(out) < n and pos <= end:
            m = self._execute(s, pos)
            if m is None:
                break
            accept = True
            if m[1] == pos:
                if m[0] == prev_end:
                    accept = False
                pos += 1
            else:
                pos = m[1]
            prev_end = m[1]
            if accept:
                out.append(m)
        return out

    def find_all_string(self, s: str, n: int) -> list[str]:
        return [s[m[0] : m[1]] for m in self.find_all(s, n)]

    def split(self, s: str, n: int) -> list[str]:
        """Go ``Split``."""
        if n == 0:
            return []
        if self.pattern and not s:
            return [""]
        parts: list[str] = []
        beg = end = 0
        for m in self.find_all(s, n):
            if n > 0 and len(parts) == n - 1:
                break
            end = m[0]
            if m[1] != 0:
                parts.append(s[beg:end])
            beg = m[1]
        if end != len(s):
            parts.append(s[beg:])
        return parts

    def expand(self, template: str, src: str, match: list[int]) -> str:
        """Go ``Expand``: ``$1``, ``${1}``, ``$name``, ``${name}``, ``$$``."""
        out: list[str] = []
        while template:
            before, dollar, after = template.partition("$")
            if not dollar:
                break
            out.append(before)
            template = after
            if template.startswith("$"):
                out.append("$")
                template = template[1:]
                continue
            name, num, rest, ok = _extract(template)
            if not ok:
                out.append("$")
                continue
            template = rest
            if num >= 0:
                if 2 * num + 1 < len(match) and match[2 * num] >= 0:
                    out.append(src[match[2 * num] : match[2 * num + 1]])
            else:
                for i, namei in enumerate(self.subexp_names):
                    if name == namei and 2 * i + 1 < len(match) and match[2 * i] >= 0:
                        out.append(src[match[2 * i] : match[2 * i + 1]])
                        break
        out.append(template)
        return "".join(out)

    def replace_all(self, src: str, template: str) -> str:
        """Go ``ReplaceAllString``."""
        out: list[str] = []
        last_match_end = 0
        search_pos = 0
        end = len(src)
        while search_pos <= end:
            a = self._execute(src, search_pos)
            if a is None:
                break
            out.append(src[last_match_end : a[0]])
            if a[1] > last_match_end or a[0] == 0:
                out.append(self.expand(template, src, a))
            last_match_end = a[1]
            width = 1 if search_pos < end else 0
            if search_pos + width > a[1]:
                search_pos += width
            elif search_pos + 1 > a[1]:
                search_pos += 1
            else:
                search_pos = a[1]
        out.append(src[last_match_end:])
        return "".join(out)

    def match_string(self, s: str) -> bool:
        return self._re.search(s) is not None


def _extract(s: str) -> tuple[str, int, str, bool]:
    if not s:
        return "", 0, "", False
    brace = False
    if s[0] == "{":
        brace = True
        s = s[1:]
    i = 0
    while i < len(s) and (s[i].isalpha() or s[i].isdecimal() or s[i] == "_"):
        i += 1
    if i == 0:
        return "", 0, "", False
    name = s[:i]
    if brace:
        if i >= len(s) or s[i] != "}":
            return "", 0, "", False
        i += 1
    num = 0
    for ch in name:
        if not "0" <= ch <= "9" or num >= 100_000_000:
            num = -1
            break
        num = num * 10 + ord(ch) - 48
    if name[0] == "0" and len(name) > 1:
        num = -1
    return name, num, s[i:], True


@functools.lru_cache(maxsize=256)
def compile_go(pattern: str) -> GoRegexp:
    """Go ``regexp.Compile``; raises :class:`RegexpError` with Go's message."""
    _validate_go_only(pattern)
    try:
        compiled = re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        raw = exc.args[0] if exc.args else str(exc)
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "replace")
        raise RegexpError(_go_message(pattern, str(raw))) from None
    return GoRegexp(pattern, compiled)


_META = frozenset("\\.+*?()|[]{}^$")


def quote_meta(s: str) -> str:
    """Go ``regexp.QuoteMeta``."""
    return "".join("\\" + ch if ch in _META else ch for ch in s)
