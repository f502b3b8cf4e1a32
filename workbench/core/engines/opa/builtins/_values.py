"""Conversions between OPA values and Python values.

* :func:`loads` parses JSON keeping the exact text of non-integer numbers
  (``1000.0`` stays a float literal, ``1e+21`` keeps its spelling) in
  :class:`OpaFloat`, a ``float`` subclass, so ``sprintf`` can tell ``1000``
  from ``1000.0`` exactly as OPA does.
* :func:`dumps` writes compact JSON; a :class:`RegoSet` becomes an array sorted
  in OPA's value order.
* :func:`compare` is OPA's total order over values
  (null < boolean < number < string < array < object < set).
* :func:`canonical_key` gives a string unique per value, used for set
  membership.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

__all__ = [
    "FrozenArray",
    "FrozenObject",
    "OpaFloat",
    "RegoSet",
    "canonical_key",
    "compare",
    "dump_rego_value",
    "dumps",
    "hashable_key",
    "loads",
    "number_text",
    "parse_rego_value",
    "sort_values",
    "term_string",
    "to_decimal",
]


class RegoSet:
    """A Rego set of JSON values (which may be unhashable lists/dicts).

    Elements are kept unique by value; iteration order is insertion order.
    Encoded to JSON as an array sorted in OPA's value order (see ``_values``).
    """

    __slots__ = ("_items", "_keys")

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self._items: list[Any] = []
        self._keys: set[str] = set()
        for item in items:
            self.add(item)

    @staticmethod
    def _key(value: Any) -> str:
        return canonical_key(value)

    def add(self, value: Any) -> None:
        key = self._key(value)
        if key not in self._keys:
            self._keys.add(key)
            self._items.append(value)

    def __contains__(self, value: object) -> bool:
        return self._key(value) in self._keys

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RegoSet) and self._keys == other._keys

    def __hash__(self) -> int:
        return hash(frozenset(self._keys))

    def __repr__(self) -> str:
        return f"RegoSet({self._items!r})"


class OpaFloat(float):
    """A JSON number that is not an integer literal; remembers its source text."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> OpaFloat:
        obj = super().__new__(cls, float(text))
        obj.text = text
        return obj

    def __repr__(self) -> str:
        return self.text


def loads(text: str | bytes) -> Any:
    """Parse JSON text into Python values (non-integers become :class:`OpaFloat`)."""
    return json.loads(text, parse_float=OpaFloat)


def to_decimal(number: int | float) -> Decimal:
    """The exact decimal value of a JSON number (using the source text when known)."""
    if isinstance(number, OpaFloat):
        return Decimal(number.text)
    if isinstance(number, float):
        return Decimal(repr(number))
    return Decimal(number)


def _type_rank(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1
    if isinstance(value, (int, float)):
        return 2
    if isinstance(value, str):
        return 3
    if isinstance(value, list):
        return 4
    if isinstance(value, dict):
        return 5
    if isinstance(value, RegoSet):
        return 6
    raise TypeError(f"not an OPA value: {type(value).__name__}")


def compare(a: Any, b: Any) -> int:
    """OPA's ordering of two values: -1, 0 or 1."""
    ra, rb = _type_rank(a), _type_rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        return 0
    if ra == 1:
        return (a > b) - (a < b)
    if ra == 2:
        da, db = to_decimal(a), to_decimal(b)
        return (da > db) - (da < db)
    if ra == 3:
        ba, bb = a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass")
        return (ba > bb) - (ba < bb)
    if ra == 4:
        for x, y in zip(a, b, strict=False):
            c = compare(x, y)
            if c:
                return c
        return (len(a) > len(b)) - (len(a) < len(b))
    if ra == 5:
        ka = sort_values(list(a.keys()))
        kb = sort_values(list(b.keys()))
        for x, y in zip(ka, kb, strict=False):
            c = compare(x, y)
            if c:
                return c
            c = compare(a[x], b[y])
            if c:
                return c
        return (len(ka) > len(kb)) - (len(ka) < len(kb))
    sa, sb = sort_values(list(a)), sort_values(list(b))
    for x, y in zip(sa, sb, strict=False):
        c = compare(x, y)
        if c:
            return c
    return (len(sa) > len(sb)) - (len(sa) < len(sb))


def sort_values(values: list[Any]) -> list[Any]:
    """Values sorted in OPA's order."""
    return sorted(values, key=cmp_to_key(compare))


def canonical_key(value: Any) -> str:
    """A string that is equal for equal OPA values (numbers by value, sets unordered)."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return repr(value)
        d = to_decimal(value).normalize()
        if d.is_zero():
            d = abs(d)  # -0 and 0 are the same OPA number
        return "n" + format(d, "f") if d == d.to_integral_value() else "n" + str(d)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical_key(v) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted((canonical_key(k), canonical_key(v)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, RegoSet):
        return "<" + ",".join(sorted(canonical_key(v) for v in value)) + ">"
    raise TypeError(f"not an OPA value: {type(value).__name__}")


def _plain(value: Any) -> Any:
    if isinstance(value, RegoSet):
        return [_plain(v) for v in sort_values(list(value))]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k if isinstance(k, str) else dumps(k): _plain(v) for k, v in value.items()}
    return value


def _float_text(value: float) -> str:
    if isinstance(value, OpaFloat):
        return value.text
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def dumps(value: Any) -> str:
    """Compact JSON text for an OPA value (sets become sorted arrays)."""
    return _dump(_plain(value))


def _dump(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("non-finite number cannot be encoded as JSON")
        return _float_text(value)
    if isinstance(value, (int, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _dump(v) for k, v in value.items()) + "}"
        )
    raise TypeError(f"not an OPA value: {type(value).__name__}")


# ---------------------------------------------------------------------------
# Rego value text (``opa_value_dump`` / ``opa_value_parse``) and Rego term text


class FrozenArray(list):  # type: ignore[type-arg]
    """An array used as a Rego object key or set element: a hashable ``list``."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(canonical_key(self))


class FrozenObject(dict):  # type: ignore[type-arg]
    """An object used as a Rego object key: a hashable ``dict``."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(canonical_key(self))


def hashable_key(value: Any) -> Any:
    """``value`` in a form usable as a ``dict`` key (arrays/objects frozen)."""
    if isinstance(value, list) and not isinstance(value, FrozenArray):
        return FrozenArray(value)
    if isinstance(value, dict) and not isinstance(value, FrozenObject):
        return FrozenObject(value)
    return value


def number_text(value: int | float) -> str:
    """The text OPA keeps for a number: integers exactly, ``OpaFloat`` its source text, other
    floats Go-like (integral ones without a fraction); non-finite ones (never from JSON) as
    Python writes them."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return repr(value)
    return _float_text(value)


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"non-finite number {value!r} has no Rego text")
    return number_text(value)


_DUMP_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _dump_string(s: str) -> str:
    out = ['"']
    for ch in s:
        esc = _DUMP_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _rego_text(value: Any, quote: Callable[[str], str], comma: str, colon: str) -> str:
    """Rego value text: ``quote`` writes strings, ``comma``/``colon`` separate items and keys."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        return "[" + comma.join(_rego_text(v, quote, comma, colon) for v in value) + "]"
    if isinstance(value, dict):
        keys = sort_values(list(value.keys()))
        return (
            "{"
            + comma.join(
                _rego_text(k, quote, comma, colon) + colon + _rego_text(value[k], quote, comma, colon)
                for k in keys
            )
            + "}"
        )
    if isinstance(value, RegoSet):
        if not len(value):
            return "set()"
        return "{" + comma.join(_rego_text(v, quote, comma, colon) for v in sort_values(list(value))) + "}"
    raise TypeError(f"not an OPA value: {type(value).__name__}")


def dump_rego_value(value: Any) -> str:
    """Compact Rego value text as ``opa_value_dump`` writes it.

    JSON, plus sets as ``{1,2}`` (``set()`` when empty) and objects whose keys
    are not strings (``{1:"a"}``). Strings are raw UTF-8; only ``"``, ``\\``
    and control characters are escaped (``\\n``, ``\\r``, ``\\t``, else
    ``\\u00XX``). Set elements and object keys are written in OPA's sorted
    order, so equal values give equal text.
    """
    return _rego_text(value, _dump_string, ",", ":")


def term_string(value: Any) -> str:
    """OPA's ``Term.String()``: Rego text with ``", "`` / ``": "`` separators and sorted keys.

    Strings are quoted with Go's ``strconv.Quote``; this is how ``sprintf``
    renders non-string, non-number arguments.
    """
    from workbench.core.engines.opa.builtins._gofmt import go_quote

    return _rego_text(value, go_quote, ", ", ": ")


_WS = " \t\n\r"
_NUMBER_CHARS = frozenset("0123456789+-.eE")
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid number {name}")


class _ValueParser:
    """Iterative (no recursion limit) parser of Rego value text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, message: str) -> ValueError:
        return ValueError(f"invalid Rego value text at offset {self.pos}: {message}")

    def skip_ws(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _WS:
            pos += 1
        self.pos = pos

    def peek(self) -> str:
        self.skip_ws()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect_word(self, word: str) -> None:
        if not self.text.startswith(word, self.pos):
            raise self.error(f"expected {word!r}")
        self.pos += len(word)

    def parse_string(self) -> str:
        text = self.text
        pos = self.pos + 1  # skip the opening quote
        out: list[str] = []
        while True:
            end = pos
            while end < len(text) and text[end] not in '"\\' and ord(text[end]) >= 0x20:
                end += 1
            out.append(text[pos:end])
            if end >= len(text):
                self.pos = end
                raise self.error("unterminated string")
            ch = text[end]
            if ch == '"':
                self.pos = end + 1
                return "".join(out)
            if ch != "\\":
                self.pos = end
                raise self.error("control character in string")
            if end + 1 >= len(text):
                self.pos = end
                raise self.error("unterminated escape")
            esc = text[end + 1]
            if esc in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[esc])
                pos = end + 2
                continue
            if esc != "u":
                self.pos = end
                raise self.error(f"invalid escape \\{esc}")
            code = self._hex4(end + 2)
            pos = end + 6
            if 0xD800 <= code <= 0xDBFF and text.startswith("\\u", pos):
                low = self._hex4(pos + 2)
                if 0xDC00 <= low <= 0xDFFF:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    pos += 6
            out.append(chr(code))

    def _hex4(self, at: int) -> int:
        digits = self.text[at : at + 4]
        if len(digits) != 4 or any(c not in "0123456789abcdefABCDEF" for c in digits):
            self.pos = at
            raise self.error("invalid \\u escape")
        return int(digits, 16)

    def parse_number(self) -> int | float:
        text, start = self.text, self.pos
        end = start
        while end < len(text) and text[end] in _NUMBER_CHARS:
            end += 1
        token = text[start:end]
        match = _NUMBER_RE.fullmatch(token)
        if match is None:
            raise self.error(f"invalid number {token!r}")
        self.pos = end
        if match.group(1) or match.group(2):
            return OpaFloat(token)
        return int(token)

    def parse(self) -> Any:
        # stack frames: [kind, container, pending_key]; kinds: arr, brace, obj_key, obj_val, set
        stack: list[list[Any]] = []
        while True:
            # -- parse the start of a value ---------------------------------
            ch = self.peek()
            value: Any
            if ch == "[":
                self.pos += 1
                if self.peek() == "]":
                    self.pos += 1
                    value = []
                else:
                    stack.append(["arr", [], None])
                    continue
            elif ch == "{":
                self.pos += 1
                if self.peek() == "}":
                    self.pos += 1
                    value = {}
                else:
                    stack.append(["brace", None, None])
                    continue
            elif ch == '"':
                value = self.parse_string()
            elif ch == "-" or (ch.isdigit() and ch.isascii()):
                value = self.parse_number()
            elif ch == "t":
                self.expect_word("true")
                value = True
            elif ch == "f":
                self.expect_word("false")
                value = False
            elif ch == "n":
                self.expect_word("null")
                value = None
            elif ch == "s":
                self.expect_word("set(")
                if self.peek() != ")":
                    raise self.error("expected ')' after 'set('")
                self.pos += 1
                value = RegoSet()
            elif ch == "":
                raise self.error("unexpected end of text")
            else:
                raise self.error(f"unexpected character {ch!r}")

            # -- hand the value to the enclosing containers --------------------
            while True:
                if not stack:
                    return value
                frame = stack[-1]
                kind = frame[0]
                if kind == "brace":
                    sep = self.peek()
                    if sep == ":":
                        self.pos += 1
                        frame[0], frame[1], frame[2] = "obj_val", {}, hashable_key(value)
                        break
                    frame[0], frame[1] = "set", RegoSet([value])
                elif kind == "arr":
                    frame[1].append(value)
                elif kind == "obj_key":
                    if self.peek() != ":":
                        raise self.error("expected ':' after object key")
                    self.pos += 1
                    frame[0], frame[2] = "obj_val", hashable_key(value)
                    break
                elif kind == "obj_val":
                    frame[1][frame[2]] = value
                else:  # set
                    frame[1].add(value)
                sep = self.peek()
                closer = "]" if frame[0] == "arr" else "}"
                if sep == ",":
                    self.pos += 1
                    if frame[0] == "obj_val":
                        frame[0] = "obj_key"
                    break
                if sep == closer:
                    self.pos += 1
                    stack.pop()
                    value = frame[1]
                    continue
                raise self.error(f"expected ',' or {closer!r}")


_NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def parse_rego_value(text: str | bytes) -> Any:
    """Parse Rego value text as ``opa_value_dump`` writes it (JSON is a subset).

    Sets become :class:`RegoSet`, non-integer numbers :class:`OpaFloat`, arrays
    and objects used as object keys :class:`FrozenArray` / :class:`FrozenObject`.
    A single trailing NUL (the C string terminator) is ignored. Anything that is
    not exactly one value raises :class:`ValueError`.
    """
    if isinstance(text, (bytes, bytearray, memoryview)):
        raw = bytes(text)
        if raw.endswith(b"\x00"):
            raw = raw[:-1]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            message = f"invalid Rego value text: not UTF-8 ({exc.reason} at byte {exc.start})"
            raise ValueError(message) from None
    elif not isinstance(text, str):
        raise ValueError(f"invalid Rego value text: expected str or bytes, got {type(text).__name__}")
    elif text.endswith("\x00"):
        text = text[:-1]
    try:
        return json.loads(text, parse_float=OpaFloat, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        pass
    parser = _ValueParser(text)
    value = parser.parse()
    parser.skip_ws()
    if parser.pos != len(text):
        raise parser.error("trailing characters after the value")
    return value
