"""Go / OPA text renderings shared by several builtins.

* :func:`go_quote` is Go's ``strconv.Quote`` (what ``%q`` and OPA's
  ``ast.String.String()`` print).
* :func:`term_string` is OPA's ``ast.Value.String()``: the Rego text of a
  value, as OPA puts it in error messages (``{"a": [1, 2], "b": null}``,
  object keys and set elements in OPA's order).
"""

from __future__ import annotations

import math
from typing import Any

from workbench.core.engines.opa.builtins._registry import RegoSet
from workbench.core.engines.opa.builtins._values import OpaFloat, sort_values

__all__ = ["go_quote", "number_text", "term_string"]

_SIMPLE_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}


def go_quote(text: str) -> str:
    """Go's ``strconv.Quote``: a double-quoted Go string literal."""
    out = ['"']
    for ch in text:
        esc = _SIMPLE_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
            continue
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            # Go strings cannot hold lone surrogates: decoding JSON replaced them.
            out.append("\ufffd")
        elif ch == " " or ch.isprintable():
            out.append(ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def number_text(value: int | float) -> str:
    """The text OPA keeps for a JSON number."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, OpaFloat):
        return value.text
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def term_string(value: Any) -> str:
    """OPA's ``ast.Value.String()`` of a decoded value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, list):
        return "[" + ", ".join(term_string(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sort_values(list(value.keys()))
        return "{" + ", ".join(f"{term_string(k)}: {term_string(value[k])}" for k in keys) + "}"
    if isinstance(value, RegoSet):
        if not len(value):
            return "set()"
        return "{" + ", ".join(term_string(v) for v in sort_values(list(value))) + "}"
    raise TypeError(f"not an OPA value: {type(value).__name__}")
