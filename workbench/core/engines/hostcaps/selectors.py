"""Kubernetes label and field selectors, parsed and matched as the API server does.

Label selectors follow ``k8s.io/apimachinery/pkg/labels.Parse``: comma-separated
requirements ``key``, ``!key``, ``key=v``, ``key==v``, ``key!=v``, ``key in (a,b)``,
``key notin (a,b)``, ``key>N``, ``key<N``. Field selectors follow
``fields.ParseSelector``: ``path=v``, ``path==v``, ``path!=v`` joined by commas, with
``\\`` escaping ``,``, ``=``, ``!`` and ``\\``. Offline, a field path is any dotted path
into the object (the API server only indexes a few per kind); a missing field compares
as the empty string.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from workbench.core.errors import HostCapabilityError

__all__ = [
    "FieldRequirement",
    "LabelRequirement",
    "field_value",
    "match_fields",
    "match_labels",
    "parse_field_selector",
    "parse_label_selector",
]

_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]{0,251}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$")
_TOKEN = re.compile(r"\s*(!=|==|=|!|\(|\)|,|<|>|[^\s!=(),<>]+)")


@dataclasses.dataclass(frozen=True)
class LabelRequirement:
    key: str
    operator: str  # exists, !, =, !=, in, notin, gt, lt
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        if self.operator == "exists":
            return present
        if self.operator == "!":
            return not present
        if self.operator in ("=", "in"):
            return present and value in self.values
        if self.operator in ("!=", "notin"):
            return not present or value not in self.values
        if not present:
            return False
        try:
            number = int(value or "")
        except ValueError:
            return False
        bound = int(self.values[0])
        return number > bound if self.operator == "gt" else number < bound


def _bad_label(selector: str, detail: str) -> HostCapabilityError:
    return HostCapabilityError(f"unable to parse requirement: invalid label selector {selector!r}: {detail}")


def parse_label_selector(selector: str | None) -> list[LabelRequirement]:
    """Parse a label selector string; empty/None selects everything."""
    if selector is None or not selector.strip():
        return []
    tokens = [m.group(1) for m in _TOKEN.finditer(selector)]
    if "".join(tokens) != re.sub(r"\s+", "", selector):
        raise _bad_label(selector, "unexpected characters")
    requirements: list[LabelRequirement] = []
    pos = 0

    def take() -> str | None:
        nonlocal pos
        if pos < len(tokens):
            pos += 1
            return tokens[pos - 1]
        return None

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    while True:
        token = take()
        if token is None:
            raise _bad_label(selector, "found '', expected: identifier")
        if token == "!":
            key = take()
            if key is None or not _NAME.match(key):
                raise _bad_label(selector, f"invalid key {key!r}")
            requirements.append(LabelRequirement(key, "!"))
        else:
            key = token
            if not _NAME.match(key):
                raise _bad_label(selector, f"invalid key {key!r}")
            op = peek()
            if op in (None, ","):
                requirements.append(LabelRequirement(key, "exists"))
            elif op in ("=", "==", "!=", ">", "<"):
                take()
                value = peek()
                if value in (None, ","):
                    value = ""
                else:
                    take()
                assert value is not None
                if op in (">", "<"):
                    if not re.fullmatch(r"-?\d+", value):
                        raise _bad_label(
                            selector, f"for 'Gt', 'Lt' operators, the value must be an integer: {value!r}"
                        )
                    requirements.append(LabelRequirement(key, "gt" if op == ">" else "lt", (value,)))
                else:
                    if not _VALUE.match(value):
                        raise _bad_label(selector, f"invalid label value {value!r}")
                    requirements.append(LabelRequirement(key, "!=" if op == "!=" else "=", (value,)))
            elif op in ("in", "notin"):
                take()
                if take() != "(":
                    raise _bad_label(selector, "found '', expected: '('")
                values: list[str] = []
                expect_value = True
                while True:
                    item = take()
                    if item is None:
                        raise _bad_label(selector, "found '', expected: ')'")
                    if item == ")":
                        if expect_value and values:
                            values.append("")
                        break
                    if item == ",":
                        if expect_value:
                            values.append("")
                        expect_value = True
                        continue
                    if not expect_value or not _VALUE.match(item):
                        raise _bad_label(selector, f"invalid label value {item!r}")
                    values.append(item)
                    expect_value = False
                if not values:
                    raise _bad_label(selector, "for 'in', 'notin' operators, values set can't be empty")
                requirements.append(LabelRequirement(key, op, tuple(values)))
            else:
                raise _bad_label(selector, f"found {op!r}, expected: in, notin, =, ==, !=, gt, lt")
        after = take()
        if after is None:
            break
        if after != ",":
            raise _bad_label(selector, f"found {after!r}, expected: ','")
    return requirements


def match_labels(requirements: list[LabelRequirement], obj: dict[str, Any]) -> bool:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    return all(req.matches(labels) for req in requirements)


@dataclasses.dataclass(frozen=True)
class FieldRequirement:
    path: str
    operator: str  # "=" or "!="
    value: str

    def matches(self, obj: dict[str, Any]) -> bool:
        actual = field_value(obj, self.path)
        return (actual == self.value) if self.operator == "=" else (actual != self.value)


def field_value(obj: Any, path: str) -> str:
    """The string form of a dotted field path (``""`` when missing), as field selectors compare it."""
    current = obj
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        else:
            return ""
    if current is None:
        return ""
    if isinstance(current, bool):
        return "true" if current else "false"
    if isinstance(current, (dict, list)):
        return ""
    return str(current)


def _split_unescaped(text: str, sep: str) -> list[str]:
    parts, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append("\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


def _unescape(text: str, selector: str) -> str:
    out, escaped = [], False
    for ch in text:
        if escaped:
            if ch not in "\\,=!":
                raise HostCapabilityError(
                    f"invalid field selector {selector!r}: invalid escape sequence \\{ch}"
                )
            out.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in ",=":
            raise HostCapabilityError(f"invalid field selector {selector!r}: unescaped {ch!r}")
        else:
            out.append(ch)
    if escaped:
        raise HostCapabilityError(f"invalid field selector {selector!r}: trailing backslash")
    return "".join(out)


def parse_field_selector(selector: str | None) -> list[FieldRequirement]:
    """Parse a field selector string; empty/None selects everything."""
    if selector is None or not selector.strip():
        return []
    requirements = []
    for term in _split_unescaped(selector, ","):
        if not term:
            continue
        for op, kind in (("!=", "!="), ("==", "="), ("=", "=")):
            index = _find_unescaped(term, op)
            if index >= 0:
                path = term[:index].strip()
                value = _unescape(term[index + len(op) :], selector)
                if not path:
                    raise HostCapabilityError(f"invalid field selector {selector!r}: empty field name")
                requirements.append(FieldRequirement(path, kind, value))
                break
        else:
            raise HostCapabilityError(f"invalid selector: '{term}'; can't understand '{term}'")
    return requirements


def _find_unescaped(term: str, op: str) -> int:
    i = 0
    while i < len(term):
        if term[i] == "\\":
            i += 2
            continue
        if term.startswith(op, i):
            return i
        i += 1
    return -1


def match_fields(requirements: list[FieldRequirement], obj: dict[str, Any]) -> bool:
    return all(req.matches(obj) for req in requirements)
