"""YAML text as kwctl writes it (``serde_yaml`` 0.9 over libyaml), for byte-exact scaffolds.

kwctl serialises with ``serde_yaml::to_string``; its emitter is libyaml with unlimited line
width and unicode output. The choices that make the text (docs/kubewarden-parity.md,
section "Scaffolds"):

* block style, mapping keys in the given order, sequences inside mappings not indented
  (``key:\\n- item``), two-space indentation, no ``---`` document start;
* a string containing a line break is a literal block (``|``, ``|-`` or ``|+`` by its
  trailing newlines); a string that would read back as something else (``true``, ``null``,
  ``~``, a number, a digit string with a leading zero) is single-quoted; anything else is
  left to the emitter: plain when YAML allows, else single-, else double-quoted;
* ``true``/``false``, ``null``, integers as themselves; empty mappings ``{}``, empty lists ``[]``.

PyYAML's pure-Python emitter is a port of libyaml's and makes the same style decisions, so this
module only supplies serde_yaml's scalar rules on top of it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["dump_kwctl_yaml", "serde_would_quote"]

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})
_INT = re.compile(r"[+-]?(?:0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|[0-9]+)")
# what Rust's f64::from_str accepts and is finite (inf/nan spellings parse to non-finite: strings)
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)")
_SPECIAL_FLOATS = frozenset({".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                             ".nan", ".NaN", ".NAN"})  # fmt: skip


def _digits_but_not_number(value: str) -> bool:
    body = value[1:] if value[:1] in ("+", "-") else value
    return len(body) > 1 and body.startswith("0") and body[1:].isascii() and body[1:].isdigit()


def serde_would_quote(value: str) -> bool:
    """Whether serde_yaml 0.9 single-quotes this string (it would read back as another type)."""
    if value in _NULLS or value in _BOOLS or value in _SPECIAL_FLOATS:
        return True
    if _digits_but_not_number(value):
        return True
    if value.startswith("++") or value.startswith("+-"):
        return False
    return bool(_INT.fullmatch(value) or _FLOAT.fullmatch(value))


class _Dumper(yaml.SafeDumper):
    """SafeDumper whose implicit typing of plain scalars is serde_yaml's, not YAML 1.1's."""

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: tuple[bool, bool]) -> str:  # type: ignore[override]
        if kind is yaml.ScalarNode and implicit[0] and value is not None:
            if value in _NULLS:
                return "tag:yaml.org,2002:null"
            if value in _BOOLS:
                return "tag:yaml.org,2002:bool"
            if value in _SPECIAL_FLOATS or (_FLOAT.fullmatch(value) and not _INT.fullmatch(value)):
                return "tag:yaml.org,2002:float"
            if serde_would_quote(value):
                return "tag:yaml.org,2002:int"  # a string with this text is quoted, an int stays plain
            return "tag:yaml.org,2002:str"
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _represent_none(dumper: yaml.SafeDumper, _value: None) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:null", "null")


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(type(None), _represent_none)


def dump_kwctl_yaml(value: Any) -> str:
    """``serde_yaml::to_string(value)`` for JSON-like data (dicts keep their order)."""
    return yaml.dump(
        value,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=2**31 - 1,
        indent=2,
    )
