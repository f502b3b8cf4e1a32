"""``sprintf`` as Kubewarden's policy-server computes it (Burrego), for the ``kubewarden`` builtin profile.

Burrego 0.3.4 (``crates/burrego/src/builtins/strings.rs``) does not format like OPA: it
converts the arguments to values of the Rust Go-template engine gtmpl 0.7.1
(``gtmpl_value`` 0.5.1), renders the template ``{{ printf "<format>" (index . 0) …}}``
and returns its output. This module ports that path exactly where it is deterministic
(see docs/builtins.md, "How Burrego formats: sprintf"):

* argument conversion: strings, booleans, arrays, objects (a map), null (``nil``), and
  numbers through ``as_i64().unwrap()`` — a number with a fraction or an exponent
  (``1.5``, ``1.0``, ``1e3``) or an integer beyond int64 makes Burrego panic, which here
  is an evaluation error;
* the template layer: the format string is pasted between double quotes, so an
  unescaped ``"`` or a newline breaks the template (an error), and backslash escapes
  are decoded by gtmpl's own unquoting (``\\n``, ``\\t``, ``\\x41`` …, its quirks
  included);
* gtmpl's ``printf``: its tokenizer (``%%`` is left as ``%%``; a verb letter ends a
  directive, anything before it is skipped), flags, ``[n]`` indexes, ``*`` widths, and
  its ``print`` table: which verb each kind of value accepts (anything else is an
  error — no ``%!v(…)`` markers, no ``%!(EXTRA …)``; extra arguments are ignored, a
  missing one is an error);
* the formatting itself is Rust's ``std::fmt`` on the converted value: strings pad to the
  *left* (``%5s`` of ``"a"`` is ``"a    "``), ``0`` only pads numbers, ``-`` alone does
  nothing, negative numbers in ``%x``/``%o``/``%b`` are 64-bit two's complement,
  ``%#x`` is ``0x…``, ``%#o`` ``0o…``, ``%#b`` ``0b…``; ``%v`` of an array is
  ``[a b]`` with each element written by ``gtmpl_value``'s ``Display`` (nested arrays
  and objects in Rust ``Debug`` form), ``%v`` of an object ``map[k:v …]``.

Not modelled exactly: the order of an object's keys (a Rust ``HashMap``: random in
Burrego, sorted here) and the wording of error messages (Burrego's are Rust ``Debug``
dumps; ours name the same cause).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from workbench.core.engines.opa.builtins._registry import RegoSet, builtin_error
from workbench.core.engines.opa.builtins._values import OpaFloat, dumps, loads

__all__ = ["burrego_sprintf"]

NAME = "sprintf"
_I64_MIN = -(1 << 63)
_I64_MAX = (1 << 63) - 1
_MASK64 = (1 << 64) - 1
_MASK128 = (1 << 128) - 1
_USIZE_MAX = (1 << 64) - 1
#: widths and precisions beyond this are refused instead of allocating that much
_MAX_WIDTH = 1_000_000
_TYPS = "vVtTbcdoqxXUeEfFgGsp"


class _Failure(Exception):
    """gtmpl's template, parse or print error (its Display text)."""


# --- values -------------------------------------------------------------------------------


def _convert(value: Any) -> Any:
    """Burrego's ``GoTmplValue::from(serde_json::Value)``."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, float):
        text = value.text if isinstance(value, OpaFloat) else repr(value)
        raise _Panic(f"Burrego panics on the number {text}: it converts every number with as_i64().unwrap()")
    if isinstance(value, int):
        if not _I64_MIN <= value <= _I64_MAX:
            raise _Panic(f"Burrego panics on the number {value}: it does not fit in an i64")
        return value
    if isinstance(value, list):
        return [_convert(v) for v in value]
    if isinstance(value, dict):
        return {k: _convert(v) for k, v in value.items()}
    raise TypeError(f"not a JSON value: {type(value).__name__}")


class _Panic(Exception):
    """Where Burrego's Rust code panics (the evaluation fails)."""


def _debug_str(s: str) -> str:
    """Rust's ``Debug`` of a ``str``."""
    out = ['"']
    for ch in s:
        if ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\n":
            out.append("\\n")
        elif ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\0":
            out.append("\\0")
        elif not ch.isprintable() and ch != " ":
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _sorted_items(value: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted(value.items(), key=lambda item: item[0].encode("utf-8", "surrogatepass"))


def _debug(value: Any) -> str:
    """The derived ``Debug`` of a ``gtmpl_value::Value``."""
    if value is None:
        return "Nil"
    if isinstance(value, bool):
        return f"Bool({'true' if value else 'false'})"
    if isinstance(value, str):
        return f"String({_debug_str(value)})"
    if isinstance(value, int):
        return f"Number(Number {{ n: {'U' if value >= 0 else 'I'}({value}) }})"
    if isinstance(value, list):
        return f"Array({_debug_list(value)})"
    return f"Map({_debug_map(value)})"


def _debug_list(value: list[Any]) -> str:
    return "[" + ", ".join(_debug(v) for v in value) + "]"


def _debug_map(value: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{_debug_str(k)}: {_debug(v)}" for k, v in _sorted_items(value)) + "}"


def _display(value: Any) -> str:
    """``gtmpl_value::Value``'s ``Display`` (it ignores width and precision)."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int)):
        return str(value)
    if isinstance(value, list):
        return _debug_list(value)
    return _debug_map(value)


# --- Rust std::fmt ----------------------------------------------------------------------------


@dataclasses.dataclass
class _Params:
    """gtmpl's ``FormatParams``."""

    sharp: bool = False
    zero: bool = False
    plus: bool = False
    minus: bool = False
    width: int = 0
    precision: int | None = None


@dataclasses.dataclass(frozen=True)
class _Spec:
    """The Rust format spec gtmpl's match arms build from the flags."""

    alternate: bool
    zero: bool
    plus: bool
    left: bool
    width: int
    precision: int | None


#: (sharp, zero, plus, minus) -> (alternate, zero, plus, left) of the arm gtmpl picks;
#: any other combination (no flag, ``0`` alone, ``-`` alone …) is the plain ``{:width$}``
_ARMS: dict[tuple[bool, bool, bool, bool], tuple[bool, bool, bool, bool]] = {
    (True, False, True, False): (True, False, True, False),
    (False, False, True, False): (False, False, True, False),
    (True, False, False, False): (True, False, False, False),
    (True, True, True, False): (True, True, True, False),
    (False, True, True, False): (False, True, True, False),
    (True, True, False, False): (True, True, False, False),
    (True, False, True, True): (True, False, True, True),
    (False, False, True, True): (False, False, True, True),
    (True, False, False, True): (True, False, False, True),
    (True, True, True, True): (True, True, True, True),
    (False, True, True, True): (False, True, True, True),
    (True, True, False, True): (True, True, False, True),
}


def _spec(p: _Params) -> _Spec:
    alternate, zero, plus, left = _ARMS.get((p.sharp, p.zero, p.plus, p.minus), (False,) * 4)
    return _Spec(alternate, zero, plus, left, p.width, p.precision)


def _pad(spec: _Spec, s: str) -> str:
    """``Formatter::pad`` (str, char, bool): precision truncates, width pads, left-aligned."""
    if spec.precision is not None:
        s = s[: spec.precision]
    if len(s) >= spec.width:
        return s
    return s + " " * (spec.width - len(s))


def _pad_integral(spec: _Spec, nonnegative: bool, prefix: str, digits: str) -> str:
    """``Formatter::pad_integral``: sign, ``#`` prefix, sign-aware ``0`` padding, right-aligned."""
    sign = "-" if not nonnegative else ("+" if spec.plus else "")
    head = sign + (prefix if spec.alternate else "")
    size = len(head) + len(digits)
    if spec.width <= size:
        return head + digits
    fill = spec.width - size
    if spec.zero:
        return head + "0" * fill + digits
    return head + digits + " " * fill if spec.left else " " * fill + head + digits


_RADIX = {"b": ("b", "0b"), "o": ("o", "0o"), "x": ("x", "0x"), "X": ("X", "0x")}


def _radix(spec: _Spec, value: int, verb: str) -> str:
    """``{:b}``/``{:o}``/``{:x}``/``{:X}``: negative i64 as 64-bit two's complement."""
    code, prefix = _RADIX[verb]
    return _pad_integral(spec, True, prefix, format(value & _MASK64, code))


def _escape_default(ch: str) -> str:
    """Rust's ``char::escape_default``."""
    code = ord(ch)
    if ch == "\t":
        return "\\t"
    if ch == "\r":
        return "\\r"
    if ch == "\n":
        return "\\n"
    if ch in "'\"\\":
        return "\\" + ch
    if 0x20 <= code <= 0x7E:
        return ch
    return f"\\u{{{code:x}}}"


def _char(code: int, original: int) -> str:
    """``char::from_u32(x as u32)`` or gtmpl's NotAValidChar error."""
    u = code & 0xFFFFFFFF
    if u > 0x10FFFF or 0xD800 <= u <= 0xDFFF:
        raise _Failure(f"{original & _MASK128:X} is not a valid char")
    return chr(u)


def _print(p: _Params, verb: str, value: Any) -> str:
    """gtmpl's ``print_verb::print``."""
    spec = _spec(p)
    if isinstance(value, int) and not isinstance(value, bool):
        allowed = "bdvocqxXU" if value >= 0 else "bdocqxXU"
        if verb in allowed:
            if verb in "dv":
                return _pad_integral(spec, value >= 0, "", str(abs(value)))
            if verb in _RADIX:
                return _radix(spec, value, verb)
            if verb == "c":
                return _pad(spec, _char(value, value))
            if verb == "q":
                escaped = _escape_default(_char(value, value))
                if escaped.startswith("\\u"):  # gtmpl's escape_char drops the braces of \u{…}
                    escaped = escaped.replace("{", "").replace("}", "")
                return _pad(spec, f"'{escaped}'")
            return _pad(spec, f"U+{value & _MASK64 if value < 0 else value:X}")
    elif isinstance(value, bool):
        if verb in "vt":
            return _pad(spec, "true" if value else "false")
    elif isinstance(value, str):
        if verb in "sv":
            return _pad(spec, value)
        if verb in "xX":
            return "".join(
                format(b, "x" if verb == "x" else "X") for b in value.encode("utf-8", "surrogatepass")
            )
        if verb == "q":
            return _pad(spec, "".join(_escape_default(ch) for ch in value))
    elif isinstance(value, list):
        if verb == "v":
            return _pad(spec, "[" + " ".join(_display(v) for v in value) + "]")
    elif isinstance(value, dict) and verb == "v":
        return _pad(spec, "map[" + " ".join(f"{k}:{_display(v)}" for k, v in _sorted_items(value)) + "]")
    raise _Failure(f"unable to format {_display(value)} as {verb}")


# --- gtmpl printf ------------------------------------------------------------------------------


def _parse_usize(text: str, what: str) -> int:
    """Rust ``str::parse::<usize>``: an optional ``+`` and decimal digits that fit."""
    digits = text[1:] if text.startswith("+") else text
    if not digits:
        raise _Failure(f"unable to parse {what}: cannot parse integer from empty string")
    if not (digits.isascii() and digits.isdigit()):
        raise _Failure(f"unable to parse {what}: invalid digit found in string")
    value = int(digits)
    if value > _USIZE_MAX:
        raise _Failure(f"unable to parse {what}: number too large to fit in target type")
    return value


def _parse_index(s: str) -> tuple[int, int] | None:
    """``[n]`` -> (n - 1, characters consumed); ``[0]`` wraps around like a release build."""
    if not s.startswith("["):
        return None
    till = s.find("]")
    if till < 0:
        raise _Failure(f"missing ] in {s}")
    n = _parse_usize(s[1:till], "index")
    return (n - 1) & _USIZE_MAX, till + 1


def _parse_num(s: str) -> tuple[int, int] | None:
    till = 0
    while till < len(s) and s[till].isdigit():
        till += 1
    if till == 0:
        return None
    return _parse_usize(s[:till], "width"), till


def _i64_of(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bounded(n: int) -> int:
    if n > _MAX_WIDTH:
        raise _Failure(f"width or precision {n} is larger than this host formats ({_MAX_WIDTH})")
    return n


def _process_verb(s: str, verb: str, args: list[Any], index: int) -> tuple[str, int]:
    """gtmpl's ``process_verb``: ``s`` is the text between ``%`` and the verb."""
    p = _Params()
    complex_ = False
    pos = 0
    for i, c in enumerate(s):
        if c == "#":
            p.sharp = True
        elif c == "0":
            p.zero = True
        elif c == "+":
            p.plus = True
        elif c == "-":
            p.minus = True
            p.zero = False
        elif c == " ":
            pass
        else:
            pos = i
            complex_ = True
            break
    if complex_:
        after_index = False
        arg_num: int | None = None
        found = _parse_index(s[pos:])
        if found is not None:
            pos += found[1]
            after_index = True
            index = arg_num = found[0]
        if s[pos:].startswith("*"):
            pos += 1
            if arg_num is None:
                arg_num = index
                index = (index + 1) & _USIZE_MAX
            width = _i64_of(args[arg_num]) if arg_num < len(args) else None
            if width is not None:
                if width < 0:
                    p.minus = True
                    p.zero = False
                p.width = _bounded(abs(width))
            after_index = False
        else:
            num = _parse_num(s[pos:])
            if num is not None:
                if after_index:
                    raise _Failure("width after index (e.g. %[3]2d)")
                pos += num[1]
                p.width = _bounded(num[0])
        if pos + 1 < len(s) and s[pos:].startswith("."):
            pos += 1
            if after_index:
                raise _Failure("precision after index (e.g. %[3].2d)")
            arg_num = None
            found = _parse_index(s[pos:])
            if found is not None:
                pos += found[1]
                after_index = True
                index = arg_num = found[0]
            if s[pos:].startswith("*"):
                pos += 1
                if arg_num is None:
                    arg_num = index
                    index = (index + 1) & _USIZE_MAX
                prec = _i64_of(args[arg_num]) if arg_num < len(args) else None
                if prec is not None:
                    p.precision = _bounded(abs(prec))
            else:
                num = _parse_num(s[pos:])
                if num is not None:
                    if after_index:
                        raise _Failure("precision after index (e.g. %[3].2d)")
                    pos += num[1]
                    p.precision = _bounded(num[0])
    found = _parse_index(s[pos:])
    if found is not None:
        index = final = found[0]
    else:
        final = index
        index = (index + 1) & _USIZE_MAX
    if final < len(args):
        return _print(p, verb, args[final]), index
    raise _Failure(f"unable to process verb: {s}")


def _tokenize(s: str) -> list[tuple[int, int, str]]:
    """(start of ``%``, position of the verb, verb) for each directive; ``%%`` is skipped (and kept)."""
    tokens = []
    i, n = 0, len(s)
    while i < n:
        if s[i] != "%":
            i += 1
            continue
        start = i
        if i + 1 < n and s[i + 1] == "%":
            i += 2
            continue
        j = i + 1
        while j < n and s[j] not in _TYPS:
            j += 1
        if j >= n:
            raise _Failure(f"unable to terminate format arg: {s[start:]}")
        tokens.append((start, j, s[j]))
        i = j + 1
    return tokens


def gtmpl_sprintf(fmt: str, args: list[Any]) -> str:
    """gtmpl's ``printf::sprintf`` over converted values."""
    out = []
    i = 0
    index = 0
    for start, end, verb in _tokenize(fmt):
        out.append(fmt[i:start])
        text, index = _process_verb(fmt[start + 1 : end], verb, args, index)
        out.append(text)
        i = end + 1
    out.append(fmt[i:])
    return "".join(out)


# --- the template layer -------------------------------------------------------------------------


def _hex_value(text: str) -> int | None:
    """Rust ``from_str_radix(text, 16)`` for an unsigned type (an optional ``+``)."""
    digits = text[1:] if text.startswith("+") else text
    if not digits or any(c not in "0123456789abcdefABCDEF" for c in digits):
        return None
    return int(digits, 16)


def _unquote_one(raw: str) -> tuple[str, int] | None:
    """gtmpl's ``unqote``: one (possibly escaped) piece of a quoted string and its length."""
    if not raw.startswith("\\"):
        return raw[0], 1
    pair = raw[:2]
    simple = {
        "\\b": "\b",
        "\\f": "\f",
        "\\n": "\n",
        "\\r": "\r",
        "\\t": "\t",
        "\\'": "'",
        '\\"': '"',
        "\\\\": "\\",
    }
    if pair in simple:
        return simple[pair], 2
    if pair == "\\x":
        # gtmpl keeps reading 4-character groups as long as the *start* is \x (sic)
        data, i = bytearray(), 0
        while len(raw) > i and len(raw) - i >= 4:
            value = _hex_value(raw[i + 2 : i + 4])
            if value is None or value > 0xFF:
                return None
            data.append(value)
            i += 4
        if i == 0:  # "\x" without two hex digits: nothing can be unquoted (and no progress is made)
            return None
        try:
            return data.decode("utf-8"), i
        except UnicodeDecodeError:
            return None
    if pair == "\\u":
        units, i = [], 0
        while len(raw) > i and len(raw) - i >= 6:
            value = _hex_value(raw[i + 2 : i + 6])
            if value is None or value > 0xFFFF:
                return None
            units.append(value)
            i += 6
        if i == 0:  # "\u" without four hex digits
            return None
        try:
            return b"".join(u.to_bytes(2, "little") for u in units).decode("utf-16-le"), i
        except UnicodeDecodeError:
            return None
    if pair == "\\U":
        if len(raw) != 10:
            return None
        value = _hex_value(raw[2:10])
        if value is None or value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            return None
        return chr(value), 10
    return None


def _template_format(fmt: str) -> str:
    """The format string after gtmpl lexed and unquoted ``"<fmt>"`` in the template."""
    escaped = False  # gtmpl's lex_quote: a backslash marks the next quote as escaped (it skips nothing)
    for ch in fmt:
        if ch == "\\":
            escaped = True
            continue
        if ch == "\n":
            raise _Failure("template: unterminated quoted string (a newline in the format)")
        if ch == '"' and not escaped:
            raise _Failure("template: the format's unescaped \" ends the quoted string early")
        escaped = False
    if escaped:
        raise _Failure("template: unterminated quoted string (the format ends with a backslash)")
    out, i = [], 0
    while i < len(fmt):
        piece = _unquote_one(fmt[i:])
        if piece is None:
            raise _Failure("template: unable to unquote the format string")
        out.append(piece[0])
        i += piece[1]
    return "".join(out)


def _template_text(fmt: str, count: int) -> str:
    indexes = " ".join(f"(index . {i})" for i in range(count))
    return '{{ printf "' + fmt + '" ' + indexes + "}}"


def burrego_sprintf(fmt: Any, values: Any) -> str:
    """``sprintf(fmt, values)`` as Burrego computes it; failures are ``BuiltinError``s."""
    if not isinstance(fmt, str):
        raise builtin_error(NAME, "1st parameter is not a string")
    if isinstance(values, RegoSet):
        values = list(values)
    if not isinstance(values, list):
        raise builtin_error(NAME, "2nd parameter is not an array")
    plain = loads(dumps(values))  # what the module's JSON dump gives Burrego: sets as arrays
    try:
        args = [_convert(v) for v in plain]
    except _Panic as exc:
        raise builtin_error(NAME, str(exc)) from None
    try:
        return gtmpl_sprintf(_template_format(fmt), args)
    except _Failure as exc:
        message = (
            f"Cannot render go template '{_template_text(fmt, len(args))}' "
            f"with args {_debug_list(args)}: {exc}"
        )
        raise builtin_error(NAME, message) from None
