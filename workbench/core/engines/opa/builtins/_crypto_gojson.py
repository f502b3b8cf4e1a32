"""Go ``encoding/json`` syntax checking and marshalling, as OPA uses them.

* :func:`opa_unmarshal` is OPA's ``util.UnmarshalJSON`` (a streaming
  ``json.Decoder`` with ``UseNumber`` plus a trailing-token check): it
  raises :class:`GoError` with Go's exact message (``invalid character 'o'
  in literal null (expecting 'u')``, ``unexpected EOF`` ...) and otherwise
  returns OPA values (non-integers as ``OpaFloat``).
* :func:`go_marshal` is ``json.Marshal`` of OPA values: sorted keys, compact,
  HTML-safe escaping.
"""

from __future__ import annotations

import json
import math
from typing import Any

from workbench.core.engines.opa.builtins._crypto_encoding import GoError
from workbench.core.engines.opa.builtins._registry import RegoSet
from workbench.core.engines.opa.builtins._values import OpaFloat, loads, sort_values

__all__ = ["go_marshal", "go_quote_char", "go_unmarshal", "opa_unmarshal", "scan_value"]

_WS = b" \t\r\n"


def go_quote_char(c: int) -> str:
    """Go's ``quoteChar`` of one byte (as used in JSON syntax errors)."""
    if c == 0x27:
        return "'\\''"
    if c == 0x22:
        return "'\"'"
    ch = chr(c)
    escapes = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v", 0x5C: "\\\\"}
    if c in escapes:
        return "'" + escapes[c] + "'"
    if ch.isprintable():
        return "'" + ch + "'"
    if c < 0x80:
        return f"'\\x{c:02x}'"
    return f"'\\u{c:04x}'"


class _Eof(Exception):
    pass


def _err(c: int, context: str) -> GoError:
    return GoError(f"invalid character {go_quote_char(c)} {context}")


def scan_value(data: bytes, i: int) -> int:
    """Scan one JSON value starting at ``i`` (after whitespace); return its end.

    Raises :class:`GoError` for syntax errors and ``_Eof`` at end of input.
    """
    n = len(data)

    def at(j: int) -> int:
        if j >= n:
            raise _Eof
        return data[j]

    def skip_ws(j: int) -> int:
        while j < n and data[j] in _WS:
            j += 1
        return j

    def value(j: int) -> int:
        j = skip_ws(j)
        c = at(j)
        if c == 0x7B:  # {
            j = skip_ws(j + 1)
            c = at(j)
            if c == 0x7D:
                return j + 1
            while True:
                if c != 0x22:
                    raise _err(c, "looking for beginning of object key string")
                j = string(j)
                j = skip_ws(j)
                c = at(j)
                if c != 0x3A:
                    raise _err(c, "after object key")
                j = value(j + 1)
                j = skip_ws(j)
                c = at(j)
                if c == 0x7D:
                    return j + 1
                if c != 0x2C:
                    raise _err(c, "after object key:value pair")
                j = skip_ws(j + 1)
                c = at(j)
        if c == 0x5B:  # [
            j = skip_ws(j + 1)
            if at(j) == 0x5D:
                return j + 1
            while True:
                j = value(j)
                j = skip_ws(j)
                c = at(j)
                if c == 0x5D:
                    return j + 1
                if c != 0x2C:
                    raise _err(c, "after array element")
                j += 1
        if c == 0x22:
            return string(j)
        if c == 0x2D or 0x30 <= c <= 0x39:
            return number(j)
        for word in (b"true", b"false", b"null"):
            if c == word[0]:
                for k in range(1, len(word)):
                    ck = at(j + k)
                    if ck != word[k]:
                        raise _err(ck, f"in literal {word.decode()} (expecting {go_quote_char(word[k])})")
                return j + len(word)
        raise _err(c, "looking for beginning of value")

    def string(j: int) -> int:
        j += 1
        while True:
            c = at(j)
            if c == 0x22:
                return j + 1
            if c == 0x5C:
                e = at(j + 1)
                if e == 0x75:
                    for k in range(2, 6):
                        h = at(j + k)
                        if not (0x30 <= h <= 0x39 or 0x41 <= h <= 0x46 or 0x61 <= h <= 0x66):
                            raise _err(h, "in \\u hexadecimal character escape")
                    j += 6
                    continue
                if e not in b'"\\/bfnrt':
                    raise _err(e, "in string escape code")
                j += 2
                continue
            if c < 0x20:
                raise _err(c, "in string literal")
            j += 1

    def number(j: int) -> int:
        if data[j] == 0x2D:
            j += 1
            c = at(j)
            if not 0x30 <= c <= 0x39:
                raise _err(c, "in numeric literal")
        if data[j] == 0x30:
            j += 1
        else:
            while j < n and 0x30 <= data[j] <= 0x39:
                j += 1
        if j < n and data[j] == 0x2E:
            j += 1
            c = at(j)
            if not 0x30 <= c <= 0x39:
                raise _err(c, "after decimal point in numeric literal")
            while j < n and 0x30 <= data[j] <= 0x39:
                j += 1
        if j < n and data[j] in b"eE":
            j += 1
            c = at(j)
            if c in b"+-":
                j += 1
                c = at(j)
            if not 0x30 <= c <= 0x39:
                raise _err(c, "in exponent of numeric literal")
            while j < n and 0x30 <= data[j] <= 0x39:
                j += 1
        return j

    return value(i)


def _decode(segment: bytes) -> Any:
    return loads(segment.decode("utf-8", "replace"))


def opa_unmarshal(data: bytes | str) -> Any:
    """OPA's ``util.UnmarshalJSON``: Go decoder errors, OPA values."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    n = len(data)
    i = 0
    while i < n and data[i] in _WS:
        i += 1
    if i >= n:
        raise GoError("EOF")
    try:
        end = scan_value(data, i)
    except _Eof:
        raise GoError("unexpected EOF") from None
    result = _decode(data[i:end])
    j = end
    while j < n and data[j] in _WS:
        j += 1
    if j >= n:
        return result
    c = data[j]
    if c in b"]},:":
        raise _err(c, "looking for beginning of value")
    if c in b"[{":
        raise GoError(f"error: invalid character '{chr(c)}' after top-level value")
    try:
        tok_end = scan_value(data, j)
    except _Eof:
        raise GoError("unexpected EOF") from None
    tok = _decode(data[j:tok_end])
    if tok is None:
        return result
    if isinstance(tok, bool):
        text = f"%!s(bool={'true' if tok else 'false'})"
    elif isinstance(tok, str):
        text = tok
    else:
        text = data[j:tok_end].decode()
    raise GoError(f"error: invalid character '{text}' after top-level value")


def go_unmarshal(data: bytes | str) -> Any:
    """Go's ``json.Unmarshal`` (whole-input check, its error texts)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    n = len(data)
    i = 0
    while i < n and data[i] in _WS:
        i += 1
    try:
        end = scan_value(data, i)
    except _Eof:
        # Go's scanner.eof() feeds one space first: states that reject a space
        # report it (e.g. inside a literal), the others hit the end of input.
        try:
            scan_value(data + b" ", i)
        except _Eof:
            pass
        raise GoError("unexpected end of JSON input") from None
    j = end
    while j < n and data[j] in _WS:
        j += 1
    if j < n:
        raise _err(data[j], "after top-level value")
    return _decode(data[i:end])


def _go_string(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in "<>&" or o in (0x2028, 0x2029):
            out.append(f"\\u{o:04x}")
        elif o < 0x20:
            out.append({8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t"}.get(o, f"\\u{o:04x}"))
        elif 0xD800 <= o <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _number_text(v: int | float) -> str:
    if isinstance(v, OpaFloat):
        return v.text
    if isinstance(v, int):
        return str(v)
    if not math.isfinite(v):
        raise GoError(f"json: unsupported value: {v!r}")
    if v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    return json.dumps(v)


def go_marshal(value: Any) -> str:
    """``json.Marshal`` of an OPA value (after ``ast.JSON``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    if isinstance(value, str):
        return _go_string(value)
    if isinstance(value, RegoSet):
        return "[" + ",".join(go_marshal(v) for v in sort_values(list(value))) + "]"
    if isinstance(value, list):
        return "[" + ",".join(go_marshal(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(
            value.keys(), key=lambda k: k.encode("utf-8", "surrogatepass") if isinstance(k, str) else b""
        )
        return "{" + ",".join(_go_string(str(k)) + ":" + go_marshal(value[k]) for k in keys) + "}"
    raise GoError(f"json: unsupported type: {type(value).__name__}")
