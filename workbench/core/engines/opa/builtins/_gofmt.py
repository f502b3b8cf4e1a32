"""A port of Go's ``fmt.Sprintf`` (and the ``strconv`` pieces it needs).

OPA implements ``sprintf`` (and ``strings.render_template``'s ``printf``) with
Go's ``fmt`` package, so every verb, flag, width, precision, argument index and
error marker (``%!d(string=x)``, ``%!(EXTRA ...)``, ``%!d(MISSING)``,
``%!v(BADINDEX)``, ``%!(NOVERB)``) is reproduced here from Go's
``fmt/print.go`` / ``fmt/format.go`` and ``strconv/ftoa.go`` / ``quote.go``.

Arguments are :class:`GoArg` values tagged with the Go dynamic type they stand
for (``int64``, ``*big.Int``, ``float64``, ``string``, ``bool``, ``nil``,
``json.Number``, ``map[string]interface {}``, ``[]interface {}``).
"""

from __future__ import annotations

import dataclasses
import math
import struct
from decimal import Decimal
from typing import Any

__all__ = [
    "GoArg",
    "GoPrinter",
    "can_backquote",
    "format_float",
    "go_quote",
    "go_quote_rune",
    "go_sprintf",
    "is_print",
]

LDIGITS = "0123456789abcdefx"
UDIGITS = "0123456789ABCDEFX"
MAX_RUNE = 0x10FFFF

INT64 = "int64"
#: Go integer types (all printed alike; the name shows in %T and error markers)
INT_KINDS = frozenset({"int64", "int", "int32", "uint8"})
BIGINT = "*big.Int"
FLOAT64 = "float64"
STRING = "string"
BOOL = "bool"
NIL = "nil"
JSON_NUMBER = "json.Number"
MAP = "map[string]interface {}"
SLICE = "[]interface {}"


@dataclasses.dataclass(frozen=True)
class GoArg:
    """A Go value passed to ``Sprintf``: ``kind`` is its Go type name."""

    kind: str
    value: Any = None


# ---------------------------------------------------------------------------
# strconv: quoting


def is_print(ch: str) -> bool:
    """Go's ``strconv.IsPrint``: letters, marks, numbers, punctuation, symbols and U+0020."""
    return ch == " " or ch.isprintable()


def _escape_rune(ch: str, quote: str, ascii_only: bool) -> str:
    code = ord(ch)
    if ch == quote or ch == "\\":
        return "\\" + ch
    if ascii_only:
        if code < 0x80 and is_print(ch):
            return ch
    elif is_print(ch):
        return ch
    simple = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
    if ch in simple:
        return simple[ch]
    if code < 0x20 or code == 0x7F:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def go_quote(s: str, ascii_only: bool = False, *, raw_bytes: bool = False) -> str:
    """``strconv.Quote`` (or ``QuoteToASCII``) of a Go string held as a Python ``str``.

    The one quoting helper of the builtins. Lone surrogates: a Rego string decoded from JSON
    may hold them (``"\\ud800"``) where Go's decoder put U+FFFD, so they quote as U+FFFD.
    With ``raw_bytes``, U+DC80..U+DCFF are instead bytes of invalid UTF-8 kept by
    ``surrogateescape`` (certificate fields, URL bytes), which Go quotes as ``\\xNN``.
    """
    out = ['"']
    for ch in s:
        code = ord(ch)
        if raw_bytes and 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        else:
            out.append(_escape_rune("\ufffd" if 0xD800 <= code <= 0xDFFF else ch, '"', ascii_only))
    out.append('"')
    return "".join(out)


def go_quote_rune(code: int, ascii_only: bool = False) -> str:
    """``strconv.QuoteRune`` (or ``QuoteRuneToASCII``); invalid runes become U+FFFD."""
    if code > MAX_RUNE or code < 0 or 0xD800 <= code <= 0xDFFF:
        code = 0xFFFD
    return "'" + _escape_rune(chr(code), "'", ascii_only) + "'"


def can_backquote(s: str) -> bool:
    """``strconv.CanBackquote``."""
    for ch in s:
        code = ord(ch)
        if ch == "`" or ch == "\ufeff" or 0xD800 <= code <= 0xDFFF:
            return False
        if (code < 0x20 and ch != "\t") or code == 0x7F:
            return False
    return True


# ---------------------------------------------------------------------------
# strconv: float formatting (ftoa.go)


def _float_parts(v: float) -> tuple[bool, int, int]:
    """(negative, mantissa, binary exponent) as Go's genericFtoa computes them."""
    bits = struct.unpack("<Q", struct.pack("<d", v))[0]
    neg = bool(bits >> 63)
    exp = (bits >> 52) & 0x7FF
    mant = bits & ((1 << 52) - 1)
    if exp == 0:
        exp += 1
    else:
        mant |= 1 << 52
    return neg, mant, exp - 1023


def _digits_of(d: Decimal) -> tuple[str, int]:
    """Exact decimal digits (no leading/trailing zeros) and decimal-point position of ``|d|``."""
    _sign, digit_tuple, exponent = d.as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple))
    dp = len(digits) + exponent
    stripped = digits.lstrip("0")
    dp -= len(digits) - len(stripped)
    stripped = stripped.rstrip("0")
    if not stripped:
        return "", 0
    return stripped, dp


def _round(digits: str, dp: int, nd: int) -> tuple[str, int]:
    """Go's ``decimal.Round(nd)`` on an exact decimal (round half to even)."""
    if nd < 0 or nd >= len(digits):
        return digits, dp
    if digits[nd] == "5" and nd + 1 == len(digits):
        up = nd > 0 and (ord(digits[nd - 1]) - 48) % 2 == 1
    else:
        up = digits[nd] >= "5"
    if not up:
        kept = digits[:nd].rstrip("0")
        return (kept, dp) if kept else ("", 0)
    for i in range(nd - 1, -1, -1):
        if digits[i] < "9":
            return digits[:i] + chr(ord(digits[i]) + 1), dp
    return "1", dp + 1


def _fmt_e(neg: bool, digits: str, dp: int, prec: int, fmt: str) -> str:
    out = ["-"] if neg else []
    out.append(digits[0] if digits else "0")
    if prec > 0:
        out.append(".")
        frac = digits[1 : prec + 1]
        out.append(frac + "0" * (prec - len(frac)))
    exp = dp - 1 if digits else 0
    out.append(fmt)
    out.append("-" if exp < 0 else "+")
    exp = abs(exp)
    out.append(f"{exp:02d}")
    return "".join(out)


def _fmt_f(neg: bool, digits: str, dp: int, prec: int) -> str:
    out = ["-"] if neg else []
    if dp > 0:
        whole = digits[:dp]
        out.append(whole + "0" * (dp - len(whole)))
    else:
        out.append("0")
    if prec > 0:
        out.append(".")
        for i in range(1, prec + 1):
            j = dp + i - 1
            out.append(digits[j] if 0 <= j < len(digits) else "0")
    return "".join(out)


def _fmt_b(neg: bool, mant: int, exp: int) -> str:
    exp -= 52
    return ("-" if neg else "") + str(mant) + "p" + ("+" if exp >= 0 else "") + str(exp)


def _fmt_x(prec: int, fmt: str, neg: bool, mant: int, exp: int) -> str:
    if mant == 0:
        exp = 0
    mant <<= 60 - 52
    while mant != 0 and mant & (1 << 60) == 0:
        mant <<= 1
        exp -= 1
    mask64 = (1 << 64) - 1
    if 0 <= prec < 15:
        shift = prec * 4
        extra = (mant << shift) & ((1 << 60) - 1)
        mant >>= 60 - shift
        if extra | (mant & 1) > 1 << 59:
            mant += 1
        mant <<= 60 - shift
        if mant & (1 << 61):
            mant >>= 1
            exp += 1
    hexd = "0123456789abcdef" if fmt == "x" else "0123456789ABCDEF"
    out = ["-"] if neg else []
    out.append("0" + fmt + chr(48 + ((mant >> 60) & 1)))
    mant = (mant << 4) & mask64
    if prec < 0 and mant != 0:
        out.append(".")
        while mant != 0:
            out.append(hexd[(mant >> 60) & 15])
            mant = (mant << 4) & mask64
    elif prec > 0:
        out.append(".")
        for _ in range(prec):
            out.append(hexd[(mant >> 60) & 15])
            mant = (mant << 4) & mask64
    out.append("p" if fmt == "x" else "P")
    out.append("-" if exp < 0 else "+")
    exp = abs(exp)
    out.append(f"{exp:02d}")
    return "".join(out)


def format_float(v: float, fmt: str, prec: int) -> str:
    """``strconv.FormatFloat(v, fmt, prec, 64)``."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    neg, mant, exp = _float_parts(v)
    if fmt == "b":
        return _fmt_b(neg, mant, exp)
    if fmt in "xX":
        return _fmt_x(prec, fmt, neg, mant, exp)
    shortest = prec < 0
    if shortest:
        digits, dp = _digits_of(Decimal(repr(abs(v))))
        nd = len(digits)
        if fmt in "eE":
            prec = max(nd - 1, 0)
        elif fmt == "f":
            prec = max(nd - dp, 0)
        else:
            prec = nd
    else:
        digits, dp = _digits_of(Decimal(abs(v)))
        if fmt == "f":
            digits, dp = _round(digits, dp, dp + prec)
        elif fmt in "eE":
            digits, dp = _round(digits, dp, prec + 1)
        else:
            if prec == 0:
                prec = 1
            digits, dp = _round(digits, dp, prec)
    if fmt in "eE":
        return _fmt_e(neg, digits, dp, prec, fmt)
    if fmt == "f":
        return _fmt_f(neg, digits, dp, prec)
    nd = len(digits)
    eprec = prec
    if eprec > nd and nd >= dp:
        eprec = nd
    if shortest:
        eprec = 6
    exp10 = dp - 1
    if exp10 < -4 or exp10 >= eprec:
        if prec > nd:
            prec = nd
        return _fmt_e(neg, digits, dp, prec - 1, "e" if fmt == "g" else "E")
    if prec > dp:
        prec = nd
    return _fmt_f(neg, digits, dp, max(prec - dp, 0))


# ---------------------------------------------------------------------------
# fmt


def _too_large(x: int) -> bool:
    return x > 1_000_000 or x < -1_000_000


def _parsenum(s: str, start: int, end: int) -> tuple[int, bool, int]:
    if start >= end:
        return 0, False, end
    num = 0
    isnum = False
    i = start
    while i < end and "0" <= s[i] <= "9":
        if _too_large(num):
            return 0, False, end
        num = num * 10 + ord(s[i]) - 48
        isnum = True
        i += 1
    return num, isnum, i


class GoPrinter:
    def __init__(self) -> None:
        self.buf: list[str] = []
        self.clearflags()
        self.arg: GoArg | None = None
        self.value: GoArg | None = None
        self.erroring = False
        self.reordered = False
        self.good_arg_num = True

    # -- flags -------------------------------------------------------------
    def clearflags(self) -> None:
        self.wid_present = False
        self.prec_present = False
        self.minus = False
        self.plus = False
        self.sharp = False
        self.space = False
        self.zero = False
        self.plus_v = False
        self.sharp_v = False
        self.wid = 0
        self.prec = 0

    def flag(self, c: str) -> bool:
        return {
            "-": self.minus,
            "+": self.plus or self.plus_v,
            "#": self.sharp or self.sharp_v,
            " ": self.space,
            "0": self.zero,
        }[c]

    # -- format.go ----------------------------------------------------------
    def write_padding(self, n: int) -> None:
        if n <= 0:
            return
        self.buf.append(("0" if self.zero and not self.minus else " ") * n)

    def pad(self, s: str) -> None:
        if not self.wid_present or self.wid == 0:
            self.buf.append(s)
            return
        width = self.wid - len(s)
        if not self.minus:
            self.write_padding(width)
            self.buf.append(s)
        else:
            self.buf.append(s)
            self.write_padding(width)

    def fmt_boolean(self, v: bool) -> None:
        self.pad("true" if v else "false")

    def fmt_unicode(self, u: int) -> None:
        prec = 4
        if self.prec_present and self.prec > 4:
            prec = self.prec
        text = format(u, "X")
        text = "0" * max(prec - len(text), 0) + text
        out = "U+" + text
        if self.sharp and u <= MAX_RUNE and not 0xD800 <= u <= 0xDFFF and is_print(chr(u)):
            out += " '" + chr(u) + "'"
        old_zero = self.zero
        self.zero = False
        self.pad(out)
        self.zero = old_zero

    def fmt_integer(self, u: int, base: int, is_signed: bool, verb: str, digits: str) -> None:
        """``u`` is the value as Go's uint64 bit pattern when not a big int."""
        negative = is_signed and u < 0
        if negative:
            u = -u
        prec = 0
        if self.prec_present:
            prec = self.prec
            if prec == 0 and u == 0:
                old_zero = self.zero
                self.zero = False
                self.write_padding(self.wid)
                self.zero = old_zero
                return
        elif self.zero and not self.minus and self.wid_present:
            prec = self.wid
            if negative or self.plus or self.space:
                prec -= 1
        if base == 10:
            num = str(u)
        elif base == 16:
            num = format(u, "x")
            if digits is UDIGITS:
                num = num.upper()
        elif base == 8:
            num = format(u, "o")
        else:
            num = format(u, "b")
        if prec > len(num):
            num = "0" * (prec - len(num)) + num
        if self.sharp:
            if base == 2:
                num = "0b" + num
            elif base == 8:
                if num[0] != "0":
                    num = "0" + num
            elif base == 16:
                num = "0" + digits[16] + num
        if verb == "O":
            num = "0o" + num
        if negative:
            num = "-" + num
        elif self.plus:
            num = "+" + num
        elif self.space:
            num = " " + num
        old_zero = self.zero
        self.zero = False
        self.pad(num)
        self.zero = old_zero

    def truncate(self, s: str) -> str:
        if self.prec_present and self.prec < len(s):
            return s[: self.prec]
        return s

    def fmt_s(self, s: str) -> None:
        self.pad(self.truncate(s))

    def fmt_sx(self, s: str, digits: str) -> None:
        data = s.encode("utf-8", "surrogatepass")
        length = len(data)
        if self.prec_present and self.prec < length:
            length = self.prec
        width = 2 * length
        if width > 0:
            if self.space:
                if self.sharp:
                    width *= 2
                width += length - 1
            elif self.sharp:
                width += 2
        else:
            if self.wid_present:
                self.write_padding(self.wid)
            return
        if self.wid_present and self.wid > width and not self.minus:
            self.write_padding(self.wid - width)
        out = []
        if self.sharp:
            out.append("0" + digits[16])
        for i in range(length):
            if self.space and i > 0:
                out.append(" ")
                if self.sharp:
                    out.append("0" + digits[16])
            c = data[i]
            out.append(digits[c >> 4] + digits[c & 0xF])
        self.buf.append("".join(out))
        if self.wid_present and self.wid > width and self.minus:
            self.write_padding(self.wid - width)

    def fmt_q(self, s: str) -> None:
        s = self.truncate(s)
        if self.sharp and can_backquote(s):
            self.pad("`" + s + "`")
            return
        self.pad(go_quote(s, ascii_only=self.plus))

    def fmt_c(self, c: int) -> None:
        if c > MAX_RUNE or 0xD800 <= c <= 0xDFFF:
            c = 0xFFFD
        self.pad(chr(c))

    def fmt_qc(self, c: int) -> None:
        self.pad(go_quote_rune(c, ascii_only=self.plus))

    def fmt_float(self, v: float, verb: str, prec: int) -> None:
        if self.prec_present:
            prec = self.prec
        num = format_float(v, verb, prec)
        if num[0] in "-+":
            pass
        else:
            num = "+" + num
        if self.space and num[0] == "+" and not self.plus:
            num = " " + num[1:]
        if num[1] in "IN":
            old_zero = self.zero
            self.zero = False
            if num[1] == "N" and not self.space and not self.plus:
                num = num[1:]
            self.pad(num)
            self.zero = old_zero
            return
        if self.sharp and verb != "b":
            digits = 0
            if verb in "vgGx":
                digits = prec
                if digits == -1:
                    digits = 6
            tail = ""
            has_point = False
            saw_nonzero = False
            chars = list(num)
            i = 1
            while i < len(chars):
                c = chars[i]
                if c == ".":
                    has_point = True
                elif c in "pP" or (c in "eE" and verb not in "xX"):
                    tail = "".join(chars[i:])
                    chars = chars[:i]
                    break
                else:
                    if c != "0":
                        saw_nonzero = True
                    if saw_nonzero:
                        digits -= 1
                i += 1
            if not has_point:
                if len(chars) == 2 and chars[1] == "0":
                    digits -= 1
                chars.append(".")
            while digits > 0:
                chars.append("0")
                digits -= 1
            num = "".join(chars) + tail
        if self.plus or num[0] != "+":
            if self.zero and not self.minus and self.wid_present and self.wid > len(num):
                self.buf.append(num[0])
                self.write_padding(self.wid - len(num))
                self.buf.append(num[1:])
                return
            self.pad(num)
            return
        self.pad(num[1:])

    # -- print.go -----------------------------------------------------------
    def bad_verb(self, verb: str) -> None:
        self.erroring = True
        self.buf.append("%!" + verb + "(")
        if self.arg is not None:
            self.buf.append(_type_name(self.arg) + "=")
            self.print_arg(self.arg, "v")
        elif self.value is not None:
            self.buf.append(_type_name(self.value) + "=")
            self.print_value(self.value, "v", 0)
        else:
            self.buf.append("<nil>")
        self.buf.append(")")
        self.erroring = False

    def fmt_bool(self, v: bool, verb: str) -> None:
        if verb in "tv":
            self.fmt_boolean(v)
        else:
            self.bad_verb(verb)

    def fmt_int(self, v: int, verb: str) -> None:
        if verb in "vd":
            self.fmt_integer(v, 10, True, verb, LDIGITS)
        elif verb == "b":
            self.fmt_integer(v, 2, True, verb, LDIGITS)
        elif verb in "oO":
            self.fmt_integer(v, 8, True, verb, LDIGITS)
        elif verb == "x":
            self.fmt_integer(v, 16, True, verb, LDIGITS)
        elif verb == "X":
            self.fmt_integer(v, 16, True, verb, UDIGITS)
        elif verb == "c":
            self.fmt_c(v & 0xFFFFFFFFFFFFFFFF)
        elif verb == "q":
            self.fmt_qc(v & 0xFFFFFFFFFFFFFFFF)
        elif verb == "U":
            self.fmt_unicode(v & 0xFFFFFFFFFFFFFFFF)
        else:
            self.bad_verb(verb)

    def fmt_float64(self, v: float, verb: str) -> None:
        if verb == "v":
            self.fmt_float(v, "g", -1)
        elif verb in "bgGxX":
            self.fmt_float(v, verb, -1)
        elif verb in "feE":
            self.fmt_float(v, verb, 6)
        elif verb == "F":
            self.fmt_float(v, "f", 6)
        else:
            self.bad_verb(verb)

    def fmt_string(self, v: str, verb: str) -> None:
        if verb == "v":
            if self.sharp_v:
                self.fmt_q(v)
            else:
                self.fmt_s(v)
        elif verb == "s":
            self.fmt_s(v)
        elif verb == "x":
            self.fmt_sx(v, LDIGITS)
        elif verb == "X":
            self.fmt_sx(v, UDIGITS)
        elif verb == "q":
            self.fmt_q(v)
        else:
            self.bad_verb(verb)

    def fmt_big_int(self, x: int, ch: str) -> None:
        """``(*big.Int).Format``."""
        if ch == "b":
            base = 2
        elif ch in "oO":
            base = 8
        elif ch in "dsv":
            base = 10
        elif ch in "xX":
            base = 16
        else:
            self.buf.append(f"%!{ch}(big.Int={x})")
            return
        sign = ""
        if x < 0:
            sign = "-"
        elif self.flag("+"):
            sign = "+"
        elif self.flag(" "):
            sign = " "
        prefix = ""
        if self.flag("#"):
            prefix = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}.get(ch, "")
        if ch == "O":
            prefix = "0o"
        ax = abs(x)
        digits = {2: format(ax, "b"), 8: format(ax, "o"), 10: str(ax), 16: format(ax, "x")}[base]
        if ch == "X":
            digits = digits.upper()
        left = zeros = right = 0
        if self.prec_present:
            if len(digits) < self.prec:
                zeros = self.prec - len(digits)
            elif digits == "0" and self.prec == 0:
                return
        length = len(sign) + len(prefix) + zeros + len(digits)
        if self.wid_present and length < self.wid:
            d = self.wid - length
            if self.minus:
                right = d
            elif self.zero and not self.prec_present:
                zeros = d
            else:
                left = d
        self.buf.append(" " * left + sign + prefix + "0" * zeros + digits + " " * right)

    def handle_methods(self, arg: GoArg, verb: str) -> bool:
        if self.erroring:
            return False
        if arg.kind == BIGINT:
            self.fmt_big_int(arg.value, verb)
            return True
        if arg.kind == JSON_NUMBER and not self.sharp_v and verb in "vsxXq":
            self.fmt_string(arg.value, verb)
            return True
        return False

    def print_arg(self, arg: GoArg, verb: str) -> None:
        self.arg = arg
        self.value = None
        if arg.kind == NIL:
            if verb in "Tv":
                self.pad("<nil>")
            else:
                self.bad_verb(verb)
            return
        if verb == "T":
            self.fmt_s(_type_name(arg))
            return
        if verb == "p":
            self.bad_verb(verb)
            return
        kind = arg.kind
        if kind == BOOL:
            self.fmt_bool(arg.value, verb)
        elif kind == FLOAT64:
            self.fmt_float64(arg.value, verb)
        elif kind in INT_KINDS:
            self.fmt_int(arg.value, verb)
        elif kind == STRING:
            self.fmt_string(arg.value, verb)
        elif not self.handle_methods(arg, verb):
            self.print_value(arg, verb, 0)

    def print_value(self, value: GoArg, verb: str, depth: int) -> None:
        if depth > 0 and self.handle_methods(value, verb):
            return
        self.arg = None
        self.value = value
        kind = value.kind
        if kind == NIL:
            if depth == 0:
                self.buf.append("<invalid reflect.Value>")
            elif verb == "v":
                self.buf.append("interface {}(nil)" if self.sharp_v else "<nil>")
            else:
                self.bad_verb(verb)
        elif kind == BOOL:
            self.fmt_bool(value.value, verb)
        elif kind in INT_KINDS:
            self.fmt_int(value.value, verb)
        elif kind == FLOAT64:
            self.fmt_float64(value.value, verb)
        elif kind in (STRING, JSON_NUMBER):
            self.fmt_string(value.value, verb)
        elif kind == BIGINT:
            self.fmt_big_int(value.value, verb)
        elif kind == MAP:
            if self.sharp_v:
                self.buf.append(MAP + "{")
            else:
                self.buf.append("map[")
            items = sorted(value.value.items(), key=lambda kv: kv[0].encode("utf-8", "surrogatepass"))
            for i, (k, v) in enumerate(items):
                if i > 0:
                    self.buf.append(", " if self.sharp_v else " ")
                self.print_value(GoArg(STRING, k), verb, depth + 1)
                self.buf.append(":")
                self.print_value(v, verb, depth + 1)
            self.buf.append("}" if self.sharp_v else "]")
        elif kind == SLICE:
            if self.sharp_v:
                self.buf.append(SLICE + "{")
                for i, v in enumerate(value.value):
                    if i > 0:
                        self.buf.append(", ")
                    self.print_value(v, verb, depth + 1)
                self.buf.append("}")
            else:
                self.buf.append("[")
                for i, v in enumerate(value.value):
                    if i > 0:
                        self.buf.append(" ")
                    self.print_value(v, verb, depth + 1)
                self.buf.append("]")
        else:  # pragma: no cover - every kind is handled above
            raise ValueError(f"unknown Go kind {kind}")

    def int_from_arg(self, args: list[GoArg], arg_num: int) -> tuple[int, bool, int]:
        new_arg_num = arg_num
        num, is_int = 0, False
        if arg_num < len(args):
            a = args[arg_num]
            if a.kind in INT_KINDS:
                num, is_int = a.value, True
            new_arg_num = arg_num + 1
            if _too_large(num):
                num, is_int = 0, False
        return num, is_int, new_arg_num

    def arg_number(self, arg_num: int, fmt: str, i: int, num_args: int) -> tuple[int, int, bool]:
        if len(fmt) <= i or fmt[i] != "[":
            return arg_num, i, False
        self.reordered = True
        index, wid, ok = _parse_arg_number(fmt[i:])
        if ok and 0 <= index < num_args:
            return index, i + wid, True
        self.good_arg_num = False
        return arg_num, i + wid, ok

    def do_printf(self, fmt: str, args: list[GoArg]) -> None:
        end = len(fmt)
        arg_num = 0
        after_index = False
        self.reordered = False
        i = 0
        while i < end:
            self.good_arg_num = True
            lasti = i
            while i < end and fmt[i] != "%":
                i += 1
            if i > lasti:
                self.buf.append(fmt[lasti:i])
            if i >= end:
                break
            i += 1
            self.clearflags()
            simple_done = False
            while i < end:
                c = fmt[i]
                if c == "#":
                    self.sharp = True
                elif c == "0":
                    self.zero = True
                elif c == "+":
                    self.plus = True
                elif c == "-":
                    self.minus = True
                elif c == " ":
                    self.space = True
                else:
                    if "a" <= c <= "z" and arg_num < len(args):
                        if c == "v":
                            self.sharp_v = self.sharp
                            self.sharp = False
                            self.plus_v = self.plus
                            self.plus = False
                        self.print_arg(args[arg_num], c)
                        arg_num += 1
                        i += 1
                        simple_done = True
                    break
                i += 1
            if simple_done:
                continue

            arg_num, i, after_index = self.arg_number(arg_num, fmt, i, len(args))

            if i < end and fmt[i] == "*":
                i += 1
                self.wid, self.wid_present, arg_num = self.int_from_arg(args, arg_num)
                if not self.wid_present:
                    self.buf.append("%!(BADWIDTH)")
                if self.wid < 0:
                    self.wid = -self.wid
                    self.minus = True
                    self.zero = False
                after_index = False
            else:
                self.wid, self.wid_present, i = _parsenum(fmt, i, end)
                if after_index and self.wid_present:
                    self.good_arg_num = False

            if i + 1 < end and fmt[i] == ".":
                i += 1
                if after_index:
                    self.good_arg_num = False
                arg_num, i, after_index = self.arg_number(arg_num, fmt, i, len(args))
                if i < end and fmt[i] == "*":
                    i += 1
                    self.prec, self.prec_present, arg_num = self.int_from_arg(args, arg_num)
                    if self.prec < 0:
                        self.prec = 0
                        self.prec_present = False
                    if not self.prec_present:
                        self.buf.append("%!(BADPREC)")
                    after_index = False
                else:
                    self.prec, self.prec_present, i = _parsenum(fmt, i, end)
                    if not self.prec_present:
                        self.prec = 0
                        self.prec_present = True

            if not after_index:
                arg_num, i, after_index = self.arg_number(arg_num, fmt, i, len(args))

            if i >= end:
                self.buf.append("%!(NOVERB)")
                break

            verb = fmt[i]
            i += 1

            if verb == "%":
                self.buf.append("%")
            elif not self.good_arg_num:
                self.buf.append("%!" + verb + "(BADINDEX)")
            elif arg_num >= len(args):
                self.buf.append("%!" + verb + "(MISSING)")
            else:
                if verb == "v":
                    self.sharp_v = self.sharp
                    self.sharp = False
                    self.plus_v = self.plus
                    self.plus = False
                self.print_arg(args[arg_num], verb)
                arg_num += 1

        if not self.reordered and arg_num < len(args):
            self.clearflags()
            self.buf.append("%!(EXTRA ")
            for n, arg in enumerate(args[arg_num:]):
                if n > 0:
                    self.buf.append(", ")
                if arg.kind == NIL:
                    self.buf.append("<nil>")
                else:
                    self.buf.append(_type_name(arg) + "=")
                    self.print_arg(arg, "v")
            self.buf.append(")")


def _parse_arg_number(fmt: str) -> tuple[int, int, bool]:
    if len(fmt) < 3:
        return 0, 1, False
    for i in range(1, len(fmt)):
        if fmt[i] == "]":
            width, ok, newi = _parsenum(fmt, 1, i)
            if not ok or newi != i:
                return 0, i + 1, False
            return width - 1, i + 1, True
    return 0, 1, False


def _type_name(arg: GoArg) -> str:
    return arg.kind


def go_sprintf(fmt: str, args: list[GoArg]) -> str:
    """``fmt.Sprintf(fmt, args...)``."""
    printer = GoPrinter()
    printer.do_printf(fmt, args)
    return "".join(printer.buf)
