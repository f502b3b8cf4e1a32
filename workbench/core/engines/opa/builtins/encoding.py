"""Encoding builtins the OPA Wasm module leaves to the host (category "Encoding").

``hex.encode`` / ``hex.decode`` (Go ``encoding/hex``), ``urlquery.*`` (Go
``net/url`` ``QueryEscape`` / ``QueryUnescape`` / ``ParseQuery`` /
``Values.Encode``) and ``base64url.encode_no_pad`` (``RawURLEncoding``).
"""

from __future__ import annotations

import base64
from typing import Any

from workbench.core.engines.opa.builtins._operands import check_string, operand_error, operand_type_error
from workbench.core.engines.opa.builtins._registry import BuiltinTable, RegoSet, builtin_error
from workbench.core.engines.opa.builtins._values import sort_values

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["go_bytes_to_str", "query_escape", "query_unescape"]

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
_HEX = "0123456789ABCDEF"


def go_bytes_to_str(data: bytes) -> str:
    """Bytes as a Go ``string`` reaches JSON: each byte of an invalid UTF-8 sequence becomes U+FFFD."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    out: list[str] = []
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        size = 2 if 0xC2 <= b <= 0xDF else 3 if 0xE0 <= b <= 0xEF else 4 if 0xF0 <= b <= 0xF4 else 0
        if size and i + size <= n:
            try:
                out.append(data[i : i + size].decode("utf-8"))
                i += size
                continue
            except UnicodeDecodeError:
                pass
        out.append("\ufffd")
        i += 1
    return "".join(out)


def _go_byte_repr(b: int) -> str:
    """Go's ``%#U`` of a byte value."""
    ch = chr(b)
    if ch == " " or ch.isprintable():
        return f"U+{b:04X} '{ch}'"
    return f"U+{b:04X}"


@BUILTINS.builtin("hex.encode", category="Encoding")
def hex_encode(x: Any) -> str:
    return check_string("hex.encode", x, 1).encode("utf-8", "surrogatepass").hex()


@BUILTINS.builtin("hex.decode", category="Encoding")
def hex_decode(x: Any) -> str:
    src = check_string("hex.decode", x, 1).encode("utf-8", "surrogatepass")
    values = b"0123456789abcdefABCDEF"
    out = bytearray()
    j = 1
    while j < len(src):
        p, q = src[j - 1], src[j]
        if p not in values:
            raise builtin_error("hex.decode", f"encoding/hex: invalid byte: {_go_byte_repr(p)}")
        if q not in values:
            raise builtin_error("hex.decode", f"encoding/hex: invalid byte: {_go_byte_repr(q)}")
        out.append(int(bytes((p, q)), 16))
        j += 2
    if len(src) % 2 == 1:
        if src[j - 1] not in values:
            raise builtin_error("hex.decode", f"encoding/hex: invalid byte: {_go_byte_repr(src[j - 1])}")
        raise builtin_error("hex.decode", "encoding/hex: odd length hex string")
    return go_bytes_to_str(bytes(out))


def query_escape(s: str) -> str:
    """Go ``url.QueryEscape``."""
    out: list[str] = []
    for b in s.encode("utf-8", "surrogatepass"):
        if b in _UNRESERVED:
            out.append(chr(b))
        elif b == 0x20:
            out.append("+")
        else:
            out.append("%" + _HEX[b >> 4] + _HEX[b & 15])
    return "".join(out)


class _EscapeError(Exception):
    pass


def query_unescape(s: str) -> str:
    """Go ``url.QueryUnescape``; raises ``_EscapeError`` with Go's message."""
    data = s.encode("utf-8", "surrogatepass")
    hexdigits = b"0123456789abcdefABCDEF"
    i = 0
    n = len(data)
    while i < n:
        if data[i] == 0x25:  # '%'
            if i + 2 >= n or data[i + 1] not in hexdigits or data[i + 2] not in hexdigits:
                raise _EscapeError(f"invalid URL escape {_go_quote_bytes(data[i : i + 3])}")
            i += 3
        else:
            i += 1
    out = bytearray()
    i = 0
    while i < n:
        c = data[i]
        if c == 0x25:
            out.append(int(data[i + 1 : i + 3], 16))
            i += 3
        elif c == 0x2B:  # '+'
            out.append(0x20)
            i += 1
        else:
            out.append(c)
            i += 1
    return go_bytes_to_str(bytes(out))


def _go_quote_bytes(data: bytes) -> str:
    """``strconv.Quote`` of a Go string holding ``data`` (invalid bytes as ``\\xNN``)."""
    from workbench.core.engines.opa.builtins._gofmt import go_quote

    parts: list[str] = []
    i = 0
    while i < len(data):
        decoded = None
        for size in (1, 2, 3, 4):
            try:
                decoded = data[i : i + size].decode("utf-8")
            except UnicodeDecodeError:
                continue
            i += size
            break
        if decoded is None:
            parts.append(f"\\x{data[i]:02x}")
            i += 1
        else:
            parts.append(go_quote(decoded)[1:-1])
    return '"' + "".join(parts) + '"'


@BUILTINS.builtin("urlquery.encode", category="Encoding")
def urlquery_encode(x: Any) -> str:
    return query_escape(check_string("urlquery.encode", x, 1))


@BUILTINS.builtin("urlquery.decode", category="Encoding")
def urlquery_decode(x: Any) -> str:
    s = check_string("urlquery.decode", x, 1)
    try:
        return query_unescape(s)
    except _EscapeError as exc:
        raise builtin_error("urlquery.decode", str(exc)) from None


@BUILTINS.builtin("urlquery.encode_object", category="Encoding")
def urlquery_encode_object(x: Any) -> str:
    name = "urlquery.encode_object"
    if not isinstance(x, dict):
        raise operand_type_error(name, 1, x, "object")
    values: dict[str, list[str]] = {}
    for key, value in x.items():
        if not isinstance(key, str):
            raise builtin_error(name, "json: unsupported type: map[interface {}]interface {}")
        if isinstance(value, str):
            values[key] = [value]
        elif isinstance(value, (list, RegoSet)):
            items = sort_values(list(value)) if isinstance(value, RegoSet) else value
            strs: list[str] = []
            for item in items:
                if not isinstance(item, str):
                    raise operand_error(name, 1, "values must be string, array[string], or set[string]")
                strs.append(item)
            values.setdefault(key, []).extend(strs)
        else:
            raise operand_error(name, 1, "values must be string, array[string], or set[string]")
    parts: list[str] = []
    for key in sorted(values, key=lambda k: k.encode("utf-8", "surrogatepass")):
        escaped = query_escape(key)
        for v in values[key]:
            parts.append(escaped + "=" + query_escape(v))
    return "&".join(parts)


@BUILTINS.builtin("urlquery.decode_object", category="Encoding")
def urlquery_decode_object(x: Any) -> dict[str, list[str]]:
    name = "urlquery.decode_object"
    query = check_string(name, x, 1)
    result: dict[str, list[str]] = {}
    first_error: str | None = None
    while query:
        key, _, query = query.partition("&")
        if ";" in key:
            if first_error is None:
                first_error = "invalid semicolon separator in query"
            continue
        if not key:
            continue
        key, _, value = key.partition("=")
        try:
            key = query_unescape(key)
        except _EscapeError as exc:
            if first_error is None:
                first_error = str(exc)
            continue
        try:
            value = query_unescape(value)
        except _EscapeError as exc:
            if first_error is None:
                first_error = str(exc)
            continue
        result.setdefault(key, []).append(value)
    if first_error is not None:
        raise builtin_error(name, first_error)
    return result


@BUILTINS.builtin("base64url.encode_no_pad", category="Encoding")
def base64url_encode_no_pad(x: Any) -> str:
    data = check_string("base64url.encode_no_pad", x, 1).encode("utf-8", "surrogatepass")
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")
