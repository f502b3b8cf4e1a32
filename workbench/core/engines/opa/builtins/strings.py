"""String builtins the OPA Wasm module leaves to the host (category "Strings").

``strings.any_prefix_match``, ``strings.any_suffix_match``, ``strings.count``,
``strings.split_n``, ``indexof_n``, ``internal.template_string`` and
``strings.render_template`` (Go ``text/template``, see :mod:`._gotemplate`).
``sprintf`` lives in :mod:`.sprintf`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from workbench.core.engines.opa.builtins._operands import (
    check_array,
    check_object,
    check_string,
    operand_error,
    operand_type_error,
    value_type_name,
)
from workbench.core.engines.opa.builtins._registry import BuiltinTable, RegoSet, builtin_error
from workbench.core.engines.opa.builtins._values import OpaFloat, sort_values, term_string
from workbench.core.errors import BuiltinError

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["go_split", "int_operand"]

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


def int_operand(name: str, value: Any, pos: int) -> int:
    """OPA's ``builtins.IntOperand``: a number that is an integer fitting in int64."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise operand_type_error(name, pos, value, "number")
    if isinstance(value, int):
        if _INT64_MIN <= value <= _INT64_MAX:
            return value
    else:
        text = value.text if isinstance(value, OpaFloat) else repr(value)
        try:
            exact = Decimal(text)
        except InvalidOperation:
            exact = Decimal("NaN")
        if exact.is_finite() and exact == exact.to_integral_value() and _INT64_MIN <= exact <= _INT64_MAX:
            return int(exact)
    raise operand_error(name, pos, "must be integer number but got floating-point number")


def _string_slice(name: str, value: Any, pos: int) -> list[str]:
    """A string, or an array/set of strings (``StringSliceOperand``)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, RegoSet)):
        items = value if isinstance(value, list) else sort_values(list(value))
        out: list[str] = []
        composite = value_type_name(value)
        for item in items:
            if not isinstance(item, str):
                raise operand_error(
                    name,
                    pos,
                    f"must be {composite} of strings but got {composite} containing {value_type_name(item)}",
                )
            out.append(item)
        return out
    raise operand_type_error(name, pos, value, "string", "set", "array")


def _utf8(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


@BUILTINS.builtin("strings.any_prefix_match", category="Strings")
def any_prefix_match(search: Any, base: Any) -> bool:
    strs = _string_slice("strings.any_prefix_match", search, 1)
    prefixes = _string_slice("strings.any_prefix_match", base, 2)
    return any(_utf8(s).startswith(_utf8(p)) for s in strs for p in prefixes)


@BUILTINS.builtin("strings.any_suffix_match", category="Strings")
def any_suffix_match(search: Any, base: Any) -> bool:
    strs = _string_slice("strings.any_suffix_match", search, 1)
    suffixes = _string_slice("strings.any_suffix_match", base, 2)
    return any(_utf8(s).endswith(_utf8(p)) for s in strs for p in suffixes)


@BUILTINS.builtin("strings.count", category="Strings")
def strings_count(search: Any, substring: Any) -> int:
    s = check_string("strings.count", search, 1)
    sub = check_string("strings.count", substring, 2)
    if not sub:
        return len(s) + 1
    return s.count(sub)


def go_split(s: str, sep: str) -> list[str]:
    """Go ``strings.Split`` (empty separator: one element per code point)."""
    if not sep:
        return list(s)
    return s.split(sep)


@BUILTINS.builtin("strings.split_n", category="Strings")
def split_n(s: Any, delimiter: Any, n: Any) -> list[str]:
    s = check_string("strings.split_n", s, 1)
    delimiter = check_string("strings.split_n", delimiter, 2)
    count = int_operand("strings.split_n", n, 3)
    parts = go_split(s, delimiter)
    if count == 0:
        return []
    if count > 0:
        return parts[:count]
    return parts[max(len(parts) + count, 0) :]


@BUILTINS.builtin("indexof_n", category="Strings")
def indexof_n(haystack: Any, needle: Any) -> list[int]:
    base = check_string("indexof_n", haystack, 1)
    search = check_string("indexof_n", needle, 2)
    if not search:
        raise builtin_error("indexof_n", "empty search character")
    out: list[int] = []
    start = base.find(search)
    while start != -1:
        out.append(start)
        start = base.find(search, start + 1)
    return out


def _template_part(value: Any) -> str:
    return value if isinstance(value, str) else term_string(value)


@BUILTINS.builtin("internal.template_string", category="Strings")
def template_string(parts: Any) -> str:
    """Backs ``$"...{expr}..."``: literal strings and sets (arrays through Wasm) of 0 or 1 values."""
    parts = check_array("internal.template_string", parts, 1)
    out: list[str] = []
    outputs = 1
    for part in parts:
        if isinstance(part, (str, int, float)) or part is None:
            out.append(_template_part(part))
            continue
        if isinstance(part, (list, RegoSet)):
            elems = sort_values(list(part)) if isinstance(part, RegoSet) else part
            if not elems:
                out.append("<undefined>")
                continue
            outputs *= len(elems)
            out.append(_template_part(elems[0]))
            continue
        raise BuiltinError("illegal argument type: object", code="eval_internal_error")
    if outputs > 1:
        raise BuiltinError("template-strings must not produce multiple outputs", code="eval_conflict_error")
    return "".join(out)


@BUILTINS.builtin("strings.render_template", category="Strings")
def render_template(template: Any, variables: Any) -> str:
    from workbench.core.engines.opa.builtins._gotemplate import TemplateError, render

    text = check_string("strings.render_template", template, 1)
    data = check_object("strings.render_template", variables, 2)
    try:
        return render(text, data)
    except TemplateError as exc:
        raise builtin_error("strings.render_template", str(exc)) from None
