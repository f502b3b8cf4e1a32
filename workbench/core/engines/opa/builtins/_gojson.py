"""Go's ``encoding/json`` (syntax checking, decoding, encoding) and ``strconv`` float texts.

* :func:`opa_unmarshal` is OPA's ``util.UnmarshalJSON`` (a streaming
  ``json.Decoder`` with ``UseNumber`` plus a trailing-token check) and
  :func:`go_unmarshal` is ``json.Unmarshal``: both raise
  :class:`~workbench.core.engines.opa.builtins._crypto_encoding.GoError` with
  Go's exact message (``invalid character 'o' in literal null (expecting
  'u')``, ``unexpected EOF`` ...) and otherwise return OPA values
  (non-integers as ``OpaFloat``); :func:`scan_value` is the syntax scanner.
* :func:`marshal` is ``json.Marshal`` / ``json.MarshalIndent`` of an OPA value
  (``ast.JSON`` conversion: sorted keys, sets as sorted arrays, numbers keep
  their text), with Go's string escaping (``\\u003c``, ``\\u0026``, ``\\u2028``,
  ``\\b``/``\\f``, invalid text as U+FFFD).
* ``float64=True`` first turns numbers into float64 values, as a round trip
  through ``json.Unmarshal`` into ``interface{}`` does (ES6 number text).
* :func:`format_float_g` is ``strconv.FormatFloat(f, 'g', -1, bits)`` and
  :func:`json_float` is the float text of ``encoding/json``.
"""

from __future__ import annotations

import math
import struct
from typing import Any

from workbench.core.engines.opa.builtins._crypto_encoding import GoError
from workbench.core.engines.opa.builtins._registry import RegoSet
from workbench.core.engines.opa.builtins._values import loads, number_text, sort_values

__all__ = [
    "Eof",
    "UnsupportedValue",
    "format_float_g",
    "go_quote_char",
    "go_unmarshal",
    "json_float",
    "marshal",
    "opa_unmarshal",
    "quote_string",
    "scan_value",
    "shortest_digits",
]


class UnsupportedValue(ValueError):
    """``json: unsupported value: ...`` (infinities and NaN)."""


# ---------------------------------------------------------------------------
# floats


def _repr_to_e(text: str) -> str:
    int_part, _, frac = text.partition(".")
    if int_part.strip("0"):
        stripped = int_part.lstrip("0")
        exp = len(stripped) - 1
        digits = stripped + frac
    else:
        lead = len(frac) - len(frac.lstrip("0"))
        exp = -(lead + 1)
        digits = frac.lstrip("0")
    digits = digits.rstrip("0") or "0"
    return digits[0] + "." + (digits[1:] or "0") + f"e{exp}"


def shortest_digits(value: float, bits: int = 64) -> tuple[str, int]:
    """Shortest round-trip decimal digits of ``|value|`` and the decimal-point position."""
    a = abs(value)
    if a == 0:
        return "0", 1
    if bits == 32:
        target = struct.unpack("<f", struct.pack("<f", a))[0]
        text = f"{target:.8e}"
        for prec in range(1, 10):
            candidate = f"{target:.{prec - 1}e}"
            if struct.unpack("<f", struct.pack("<f", float(candidate)))[0] == target:
                text = candidate
                break
    else:
        text = repr(a)
        if "e" not in text:
            text = _repr_to_e(text)
    mantissa, _, exp = text.partition("e")
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    return digits, int(exp) + 1


def fmt_e(neg: bool, digits: str, dp: int) -> str:
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    exp = dp - 1
    sign = "-" if exp < 0 else "+"
    return ("-" if neg else "") + mant + "e" + sign + str(abs(exp)).rjust(2, "0")


def fmt_f(neg: bool, digits: str, dp: int) -> str:
    if dp <= 0:
        text = "0." + "0" * (-dp) + digits
    elif dp >= len(digits):
        text = digits + "0" * (dp - len(digits))
    else:
        text = digits[:dp] + "." + digits[dp:]
    return ("-" if neg else "") + text


def format_float_g(value: float, bits: int = 64) -> str:
    """``strconv.FormatFloat(value, 'g', -1, bits)``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    neg = math.copysign(1.0, value) < 0
    digits, dp = shortest_digits(value, bits)
    if digits == "0":
        return "-0" if neg else "0"
    if dp - 1 < -4 or dp - 1 >= 6:
        return fmt_e(neg, digits, dp)
    return fmt_f(neg, digits, dp)


def json_float(value: float) -> str:
    """``encoding/json``'s text for a float64 (ES6 style); raises for Inf/NaN."""
    if math.isinf(value) or math.isnan(value):
        raise UnsupportedValue("json: unsupported value: " + format_float_g(value))
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    neg = value < 0
    digits, dp = shortest_digits(value)
    a = abs(value)
    if a < 1e-6 or a >= 1e21:
        text = fmt_e(neg, digits, dp)
        if len(text) >= 4 and text[-4] == "e" and text[-3:-1] == "-0":  # e-07 -> e-7, as Go does
            text = text[:-2] + text[-1]
        return text
    return fmt_f(neg, digits, dp)


# ---------------------------------------------------------------------------
# strings

_HEX = "0123456789abcdef"
_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def quote_string(text: str, escape_html: bool = True) -> str:
    """A JSON string literal exactly as Go's encoder writes it."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        esc = _SHORT.get(ch)
        if esc is not None:
            out.append(esc)
        elif code < 0x20 or (escape_html and ch in "<>&"):
            out.append("\\u00" + _HEX[code >> 4] + _HEX[code & 0xF])
        elif code in (0x2028, 0x2029):
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# ---------------------------------------------------------------------------
# values


def _number(value: int | float, float64: bool) -> str:
    if not float64:
        return number_text(value)
    text = number_text(value)
    try:
        f = float(text)
    except (OverflowError, ValueError):  # pragma: no cover - JSON numbers always parse
        f = math.inf
    if math.isinf(f):
        # json.Unmarshal into interface{} fails on out-of-range numbers
        raise UnsupportedValue(f"json: cannot unmarshal number {text} into Go value of type float64")
    return json_float(f)


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    from workbench.core.engines.opa.builtins._values import dumps

    return dumps(key)


def _encode(value: Any, float64: bool, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, (int, float)):
        out.append(_number(value, float64))
    elif isinstance(value, str):
        out.append(quote_string(value))
    elif isinstance(value, (list, RegoSet)):
        items = sort_values(list(value)) if isinstance(value, RegoSet) else value
        out.append("[")
        for i, item in enumerate(items):
            if i:
                out.append(",")
            _encode(item, float64, out)
        out.append("]")
    elif isinstance(value, dict):
        pairs = sorted(
            ((_key_text(k), v) for k, v in value.items()),
            key=lambda kv: kv[0].encode("utf-8", "surrogatepass"),
        )
        out.append("{")
        for i, (k, v) in enumerate(pairs):
            if i:
                out.append(",")
            out.append(quote_string(k))
            out.append(":")
            _encode(v, float64, out)
        out.append("}")
    else:
        raise TypeError(f"not an OPA value: {type(value).__name__}")


def _indent(compact: str, prefix: str, indent: str) -> str:
    """Go's ``json.Indent`` applied to compact JSON (the first line is not prefixed)."""
    out: list[str] = []
    depth = 0
    need_indent = False
    in_string = False
    escaped = False
    n = len(compact)
    i = 0
    while i < n:
        c = compact[i]
        if in_string:
            out.append(c)
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
            i += 1
            continue
        if need_indent and c not in "]}":
            need_indent = False
            depth += 1
            out.append("\n" + prefix + indent * depth)
        if c == '"':
            in_string = True
            out.append(c)
        elif c in "[{":
            need_indent = True
            out.append(c)
        elif c == ",":
            out.append(c)
            out.append("\n" + prefix + indent * depth)
        elif c == ":":
            out.append(": ")
        elif c in "]}":
            if need_indent:
                need_indent = False  # empty composite stays compact
            else:
                depth -= 1
                out.append("\n" + prefix + indent * depth)
            out.append(c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def marshal(
    value: Any, *, float64: bool = False, prefix: str | None = None, indent: str | None = None
) -> str:
    """``json.Marshal`` (or ``MarshalIndent`` when ``indent`` is given) of an OPA value."""
    out: list[str] = []
    _encode(value, float64, out)
    compact = "".join(out)
    if indent is None:
        return compact
    return _indent(compact, prefix or "", indent)


# ---------------------------------------------------------------------------
# decoding

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


class Eof(Exception):
    """The input ended inside a JSON value (see :func:`scan_value`)."""


def _err(c: int, context: str) -> GoError:
    return GoError(f"invalid character {go_quote_char(c)} {context}")


def scan_value(data: bytes, i: int) -> int:
    """Scan one JSON value starting at ``i`` (after whitespace); return its end.

    Raises :class:`GoError` for syntax errors and ``Eof`` at end of input.
    """
    n = len(data)

    def at(j: int) -> int:
        if j >= n:
            raise Eof
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
    except Eof:
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
    except Eof:
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
    except Eof:
        # Go's scanner.eof() feeds one space first: states that reject a space
        # report it (e.g. inside a literal), the others hit the end of input.
        try:
            scan_value(data + b" ", i)
        except Eof:
            pass
        raise GoError("unexpected end of JSON input") from None
    j = end
    while j < n and data[j] in _WS:
        j += 1
    if j < n:
        raise _err(data[j], "after top-level value")
    return _decode(data[i:end])
