"""OPA ``yaml.marshal``, ``yaml.unmarshal`` and ``yaml.is_valid``.

OPA goes through ``sigs.k8s.io/yaml``, i.e. go-yaml v2 (YAML 1.1 scalars:
``yes``/``on``/``off`` booleans, ``012`` octal, ``0x1F``, ``1_000``) and a
YAML → JSON conversion.  Here:

* PyYAML's libyaml event parser (the C library go-yaml was ported from, so the
  problems and marks are the same) reads the first document only;
* :class:`_Decoder` replays go-yaml v2's decoder: tag resolution (``resolve``),
  merge keys, aliases with the excessive-aliasing guard, ``invalid map key``;
* sigs.k8s.io's key stringification and Go's ``encoding/json`` number output
  (``1e+21``; infinities and NaN are errors) give the final JSON value.

``yaml.marshal`` converts the value the way OPA does (JSON text re-read as
YAML, so numbers get go-yaml types), sorts keys with go-yaml's natural order
and picks go-yaml's scalar styles; PyYAML's emitter (a port of the same
libyaml emitter) writes the text.
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import re
from collections.abc import Iterator
from functools import cmp_to_key
from typing import Any

import yaml as _pyyaml

from workbench.core.engines.opa.builtins._gofmt import go_quote
from workbench.core.engines.opa.builtins._gojson import UnsupportedValue, format_float_g, json_float
from workbench.core.engines.opa.builtins._operands import check_string
from workbench.core.engines.opa.builtins._registry import BuiltinTable, RegoSet, builtin_error
from workbench.core.engines.opa.builtins._values import OpaFloat, number_text, sort_values
from workbench.core.engines.opa.builtins.encoding import go_bytes_to_str
from workbench.core.engines.opa.builtins.time import GoTimeError, go_parse

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["yaml_marshal", "yaml_to_value"]

_CATEGORY = "Encoding"

_STR_TAG = "tag:yaml.org,2002:str"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_NULL_TAG = "tag:yaml.org,2002:null"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_BINARY_TAG = "tag:yaml.org,2002:binary"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_LONG_TAG_PREFIX = "tag:yaml.org,2002:"

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_UINT64_MAX = (1 << 64) - 1

try:  # libyaml gives go-yaml's exact problem texts and marks
    _Loader: Any = _pyyaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = _pyyaml.SafeLoader


class YamlError(ValueError):
    """An error with the text OPA reports (``yaml: ...``, ``json: ...``)."""


class _U64(int):
    """A go-yaml ``uint64`` (integer above int64)."""


# ---------------------------------------------------------------------------
# go-yaml v2 resolve


_RESOLVE_MAP: dict[str, tuple[str, Any]] = {}
for _values_list, _tag, _val in (
    (("y", "Y", "yes", "Yes", "YES"), _BOOL_TAG, True),
    (("true", "True", "TRUE"), _BOOL_TAG, True),
    (("on", "On", "ON"), _BOOL_TAG, True),
    (("n", "N", "no", "No", "NO"), _BOOL_TAG, False),
    (("false", "False", "FALSE"), _BOOL_TAG, False),
    (("off", "Off", "OFF"), _BOOL_TAG, False),
    (("", "~", "null", "Null", "NULL"), _NULL_TAG, None),
    ((".nan", ".NaN", ".NAN"), _FLOAT_TAG, math.nan),
    ((".inf", ".Inf", ".INF"), _FLOAT_TAG, math.inf),
    (("+.inf", "+.Inf", "+.INF"), _FLOAT_TAG, math.inf),
    (("-.inf", "-.Inf", "-.INF"), _FLOAT_TAG, -math.inf),
    (("<<",), _MERGE_TAG, "<<"),
):
    for _s in _values_list:
        _RESOLVE_MAP[_s] = (_tag, _val)

_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_GO_FLOAT = re.compile(
    r"[+-]?(?:(?:[0-9](?:_?[0-9])*)?\.?[0-9]*(?:[eE][+-]?[0-9]+)?|inf(?:inity)?|nan)", re.IGNORECASE
)
_TIMESTAMP_LAYOUTS = (
    "2006-1-2T15:4:5.999999999Z07:00",
    "2006-1-2t15:4:5.999999999Z07:00",
    "2006-1-2 15:4:5.999999999",
    "2006-1-2",
)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_LONG_TAG_PREFIX) :] if tag.startswith(_LONG_TAG_PREFIX) else tag


def _hint(text: str) -> str:
    if text == "":
        return "N"
    c = text[0]
    if c in "+-":
        return "S"
    if "0" <= c <= "9":
        return "D"
    if c in "yYnNtTfFoO~":
        return "M"
    if c == ".":
        return "."
    return ""


def _go_parse_float(text: str) -> float | None:
    """Go's ``strconv.ParseFloat(text, 64)`` (decimal forms; None when it fails)."""
    if not text or not _GO_FLOAT.fullmatch(text) or "_" in text:
        return None
    body = text.lstrip("+-")
    if body.lower() in ("inf", "infinity", "nan"):
        value = float(text.replace("+", "")) if body.lower() != "nan" else math.nan
        return value
    if body in ("", ".") or body.startswith(("e", "E", ".e", ".E")):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if math.isinf(value):
        return None  # ParseFloat reports a range error
    return value


def _go_parse_int(text: str, base: int = 0) -> int | None:
    """``strconv.ParseInt(text, base, 64)`` without its range check."""
    neg = False
    s = text
    if s[:1] in ("+", "-"):
        neg = s[0] == "-"
        s = s[1:]
    if base == 0:
        base = 10
        if s[:1] == "0":
            if s[1:2] in ("x", "X"):
                base, s = 16, s[2:]
            elif s[1:2] in ("o", "O"):
                base, s = 8, s[2:]
            elif s[1:2] in ("b", "B"):
                base, s = 2, s[2:]
            elif len(s) > 1:
                base, s = 8, s[1:]
    if not s:
        return None
    digits = "0123456789abcdef"[:base]
    if any(c.lower() not in digits for c in s):
        return None
    value = int(s, base)
    return -value if neg else value


def _parse_timestamp(text: str) -> bool:
    i = 0
    while i < len(text) and "0" <= text[i] <= "9":
        i += 1
    if i != 4 or i == len(text) or text[i] != "-":
        return False
    for layout in _TIMESTAMP_LAYOUTS:
        try:
            go_parse(layout, text)
        except GoTimeError:
            continue
        return True
    return False


def _int_result(value: int) -> tuple[str, Any] | None:
    if _INT64_MIN <= value <= _INT64_MAX:
        return _INT_TAG, value
    return None


def _resolve_plain(tag: str, text: str) -> tuple[str, Any]:
    hint = _hint(text)
    if hint and tag not in (_STR_TAG, _BINARY_TAG):
        item = _RESOLVE_MAP.get(text)
        if item is not None:
            return item
        if hint == ".":
            f = _go_parse_float(text)
            if f is not None:
                return _FLOAT_TAG, f
        elif hint in ("D", "S"):
            if tag in ("", _TIMESTAMP_TAG) and _parse_timestamp(text):
                return _TIMESTAMP_TAG, text
            plain = text.replace("_", "")
            iv = _go_parse_int(plain) if plain else None
            if iv is not None:
                if _INT64_MIN <= iv <= _INT64_MAX:
                    return _INT_TAG, iv
                if 0 <= iv <= _UINT64_MAX and not plain.startswith("-"):
                    return _INT_TAG, _U64(iv)
            if _YAML_STYLE_FLOAT.fullmatch(plain):
                f = _go_parse_float(plain)
                if f is not None:
                    return _FLOAT_TAG, f
            if plain.startswith("0b"):
                iv = _go_parse_int(plain[2:], 2) if plain[2:] else None
                if iv is not None:
                    if _INT64_MIN <= iv <= _INT64_MAX:
                        return _INT_TAG, iv
                    if 0 <= iv <= _UINT64_MAX:
                        return _INT_TAG, _U64(iv)
            elif plain.startswith("-0b"):
                iv = _go_parse_int("-" + plain[3:], 2) if plain[3:] else None
                if iv is not None and _INT64_MIN <= iv <= _INT64_MAX:
                    return _INT_TAG, iv
            # ParseUint failed with a range error: sigs.k8s.io's fork keeps a big.Int
            big = _go_parse_int(plain) if plain and plain[0] not in "+-" else None
            if big is not None and big > _UINT64_MAX:
                return _INT_TAG, big
    return _STR_TAG, text


def go_yaml_resolve(tag: str, text: str) -> tuple[str, Any]:
    """go-yaml v2 ``resolve(tag, in)``; raises :class:`YamlError` on a tag mismatch."""
    if tag not in ("", _STR_TAG, _BOOL_TAG, _INT_TAG, _FLOAT_TAG, _NULL_TAG, _TIMESTAMP_TAG):
        return tag, text
    rtag, out = _resolve_plain(tag, text)
    if tag in ("", rtag, _STR_TAG, _BINARY_TAG):
        return rtag, out
    if tag == _FLOAT_TAG and rtag == _INT_TAG:
        return _FLOAT_TAG, float(out)
    raise YamlError(f"yaml: cannot decode {_short_tag(rtag)} `{text}` as a {_short_tag(tag)}")


# ---------------------------------------------------------------------------
# Go %#v for the "invalid map key" message


def _go_sharp_v(value: Any, top: bool = True) -> str:
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _U64):
        return f"0x{int(value):x}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float_g(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(_go_sharp_v(v, False) for v in value) + "}"
    if isinstance(value, _GoMap):
        items = sorted(value.items.items(), key=lambda kv: _sharp_key_order(kv[0]))
        inner = ", ".join(f"{_go_sharp_v(k[1], False)}:{_go_sharp_v(v, False)}" for k, v in items)
        return "map[interface {}]interface {}{" + inner + "}"
    return repr(value)


def _sharp_key_order(key: tuple[str, Any]) -> tuple[int, Any]:
    kind, val = key
    order = {"nil": 0, "bool": 1, "int": 2, "uint": 3, "float": 4, "str": 5}.get(kind, 6)
    return order, (val if val is not None else 0)


# ---------------------------------------------------------------------------
# Decoding (go-yaml v2 parser + decoder)


class _Node:
    __slots__ = ("alias", "anchor", "children", "implicit", "kind", "tag", "value")

    def __init__(self, kind: str, tag: str = "", value: str = "", implicit: bool = False) -> None:
        self.kind = kind
        self.tag = tag
        self.value = value
        self.implicit = implicit
        self.children: list[_Node] = []
        self.alias: _Node | None = None
        self.anchor: str | None = None


class _GoMap:
    """A ``map[interface{}]interface{}`` keyed by (Go type, value)."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: dict[tuple[str, Any], Any] = {}


def _go_key(value: Any) -> tuple[str, Any]:
    if value is None:
        return "nil", None
    if isinstance(value, bool):
        return "bool", value
    if isinstance(value, _U64):
        return "uint", int(value)
    if isinstance(value, int):
        return "int", value
    if isinstance(value, float):
        return "float", value
    if isinstance(value, str):
        return "str", value
    raise TypeError(type(value).__name__)


def _problem_text(exc: _pyyaml.MarkedYAMLError) -> str:
    problem_line = exc.problem_mark.line if exc.problem_mark is not None else 0
    context_line = exc.context_mark.line if exc.context_mark is not None else 0
    line = 0
    if problem_line != 0:
        line = problem_line
        if isinstance(exc, _pyyaml.scanner.ScannerError):
            line += 1
    elif context_line != 0:
        line = context_line
    where = f"line {line}: " if line else ""
    return "yaml: " + where + (exc.problem or "unknown problem parsing YAML content")


class _Parser:
    """go-yaml v2 ``parser``: builds the node tree of the first document."""

    def __init__(self, text: str) -> None:
        self._events: Iterator[Any] = _pyyaml.parse(text, Loader=_Loader)
        self._peeked: Any = None
        self._anchors: dict[str, _Node] = {}

    def _peek(self) -> Any:
        if self._peeked is None:
            try:
                self._peeked = next(self._events)
            except _pyyaml.MarkedYAMLError as exc:
                raise YamlError(_problem_text(exc)) from None
            except _pyyaml.reader.ReaderError as exc:
                raise YamlError("yaml: " + str(exc.reason)) from None
            except _pyyaml.YAMLError as exc:
                raise YamlError("yaml: " + str(exc)) from None
        return self._peeked

    def _take(self) -> Any:
        event = self._peek()
        self._peeked = None
        return event

    def parse(self) -> _Node | None:
        event = self._take()
        if not isinstance(event, _pyyaml.StreamStartEvent):
            raise YamlError("yaml: expected STREAM-START")
        first = self._peek()
        if isinstance(first, _pyyaml.StreamEndEvent):
            return None
        self._take()  # DocumentStartEvent
        node = self._node()
        end = self._take()
        if not isinstance(end, _pyyaml.DocumentEndEvent):  # pragma: no cover - libyaml guarantees it
            raise YamlError("yaml: expected DOCUMENT-END")
        return node

    def _set_anchor(self, node: _Node, anchor: str | None) -> None:
        if anchor:
            node.anchor = anchor
            self._anchors[anchor] = node

    def _node(self) -> _Node:
        event = self._take()
        if isinstance(event, _pyyaml.ScalarEvent):
            node = _Node("scalar", event.tag or "", event.value, bool(event.implicit[0]))
            self._set_anchor(node, event.anchor)
            return node
        if isinstance(event, _pyyaml.AliasEvent):
            anchor = event.anchor or ""
            node = _Node("alias", value=anchor)
            node.alias = self._anchors.get(anchor)
            if node.alias is None:
                raise YamlError(f"yaml: unknown anchor '{event.anchor}' referenced")
            return node
        if isinstance(event, _pyyaml.SequenceStartEvent):
            node = _Node("sequence", event.tag or "")
            self._set_anchor(node, event.anchor)
            while not isinstance(self._peek(), _pyyaml.SequenceEndEvent):
                node.children.append(self._node())
            self._take()
            return node
        if isinstance(event, _pyyaml.MappingStartEvent):
            node = _Node("mapping", event.tag or "")
            self._set_anchor(node, event.anchor)
            while not isinstance(self._peek(), _pyyaml.MappingEndEvent):
                node.children.append(self._node())
                node.children.append(self._node())
            self._take()
            return node
        raise YamlError(f"yaml: attempted to parse unknown event: {type(event).__name__}")  # pragma: no cover


def _allowed_alias_ratio(decode_count: int) -> float:
    low, high = 400_000, 4_000_000
    if decode_count <= low:
        return 0.99
    if decode_count >= high:
        return 0.10
    return 0.99 - 0.89 * ((decode_count - low) / (high - low))


_MISSING = object()


class _Decoder:
    """go-yaml v2 ``decoder`` unmarshalling into ``interface{}``."""

    def __init__(self) -> None:
        self.decode_count = 0
        self.alias_count = 0
        self.alias_depth = 0
        self.active_aliases: set[int] = set()

    def unmarshal(self, node: _Node, into: _GoMap | None = None) -> Any:
        self.decode_count += 1
        if self.alias_depth > 0:
            self.alias_count += 1
        if (
            self.alias_count > 100
            and self.decode_count > 1000
            and self.alias_count / self.decode_count > _allowed_alias_ratio(self.decode_count)
        ):
            raise YamlError("yaml: document contains excessive aliasing")
        if node.kind == "alias":
            return self._alias(node, into)
        if node.kind == "scalar":
            return self._scalar(node)
        if node.kind == "mapping":
            return self._mapping(node, into)
        return [self.unmarshal(child) for child in node.children]

    def _alias(self, node: _Node, into: _GoMap | None) -> Any:
        if id(node) in self.active_aliases:
            raise YamlError(f"yaml: anchor '{node.value}' value contains itself")
        self.active_aliases.add(id(node))
        self.alias_depth += 1
        assert node.alias is not None
        try:
            return self.unmarshal(node.alias, into)
        finally:
            self.alias_depth -= 1
            self.active_aliases.discard(id(node))

    def _scalar(self, node: _Node) -> Any:
        if node.tag == "" and not node.implicit:
            return node.value
        tag, resolved = go_yaml_resolve(node.tag, node.value)
        if tag == _BINARY_TAG:
            try:
                data = base64.b64decode(resolved.encode("utf-8"), validate=True)
            except (binascii.Error, ValueError, UnicodeEncodeError):
                raise YamlError("yaml: !!binary value contains invalid base64 data") from None
            return go_bytes_to_str(data)
        if tag == _TIMESTAMP_TAG:
            return node.value
        return resolved

    def _mapping(self, node: _Node, into: _GoMap | None) -> _GoMap:
        out = into if into is not None else _GoMap()
        children = node.children
        for i in range(0, len(children), 2):
            key_node, value_node = children[i], children[i + 1]
            if _is_merge(key_node):
                self._merge(value_node, out)
                continue
            key = self.unmarshal(key_node)
            if isinstance(key, (list, _GoMap)):
                raise YamlError(f"yaml: invalid map key: {_go_sharp_v(key)}")
            value = self.unmarshal(value_node)
            out.items[_go_key(key)] = value
        return out

    def _merge(self, node: _Node, out: _GoMap) -> None:
        def want_map() -> YamlError:
            return YamlError("yaml: map merge requires map or sequence of maps as the value")

        if node.kind == "mapping":
            self.unmarshal(node, out)
        elif node.kind == "alias":
            if node.alias is not None and node.alias.kind != "mapping":
                raise want_map()
            self.unmarshal(node, out)
        elif node.kind == "sequence":
            for child in reversed(node.children):
                if child.kind == "alias":
                    if child.alias is not None and child.alias.kind != "mapping":
                        raise want_map()
                elif child.kind != "mapping":
                    raise want_map()
                self.unmarshal(child, out)
        else:
            raise want_map()


def _is_merge(node: _Node) -> bool:
    return node.kind == "scalar" and node.value == "<<" and (node.implicit or node.tag == _MERGE_TAG)


def go_json_float(value: float) -> str:
    """Go ``encoding/json``'s text for a float64 (raises :class:`YamlError` for Inf/NaN)."""
    try:
        return json_float(value)
    except UnsupportedValue as exc:
        raise YamlError(str(exc)) from None


# ---------------------------------------------------------------------------
# YAML → OPA value


def _key_string(key: tuple[str, Any], value: Any) -> str:
    kind, k = key
    if kind == "str":
        return k
    if kind == "int":
        return str(k)
    if kind == "float":
        s = format_float_g(k, 32)
        return {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(s, s)
    if kind == "bool":
        return "true" if k else "false"
    type_name = {"nil": "<nil>", "uint": "uint64"}[kind]
    key_text = "<nil>" if kind == "nil" else f"0x{k:x}"
    raise YamlError(
        f"unsupported map key of type: {type_name}, key: {key_text}, value: {_go_sharp_plus_v(value)}"
    )


def _go_sharp_plus_v(value: Any) -> str:
    if value is None:
        return "<nil>"
    return _go_sharp_v(value)


def _to_opa(value: Any) -> Any:
    if isinstance(value, _GoMap):
        out: dict[str, Any] = {}
        for key, item in value.items.items():
            out[_key_string(key, item)] = _to_opa(item)
        return out
    if isinstance(value, list):
        return [_to_opa(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        text = go_json_float(value)
        if re.fullmatch(r"-?[0-9]+", text):
            return int(text)
        return OpaFloat(text)
    raise TypeError(type(value).__name__)  # pragma: no cover


def yaml_to_value(text: str) -> Any:
    """OPA's YAML → JSON → value conversion; raises :class:`YamlError` with OPA's text."""
    node = _Parser(text).parse()
    if node is None:
        return None
    return _to_opa(_Decoder().unmarshal(node))


# ---------------------------------------------------------------------------
# Marshal


_BASE60_FLOAT = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")


def _is_base60_float(s: str) -> bool:
    if not s:
        return False
    c = s[0]
    if not (c in "+-" or "0" <= c <= "9") or ":" not in s:
        return False
    return bool(_BASE60_FLOAT.fullmatch(s))


def _go_unprintable_for_yaml(s: str) -> bool:
    """Characters go-yaml's emitter treats as special although PyYAML would print them."""
    return any(ord(ch) >= 0x10000 or ch == "\x85" for ch in s)


def _string_event(s: str) -> Any:
    s = re.sub("[\ud800-\udfff]", "\ufffd", s)
    rtag, _ = _resolve_plain("", s)
    can_plain = rtag == _STR_TAG and not _is_base60_float(s)
    if _go_unprintable_for_yaml(s):
        style: str | None = '"'
    elif "\n" in s:
        style = "|"
    elif can_plain:
        style = None
    else:
        style = '"'
    return _pyyaml.ScalarEvent(None, None, (True, True), s, style=style)


def _plain_event(text: str) -> Any:
    return _pyyaml.ScalarEvent(None, None, (True, True), text, style=None)


def _key_less(a: Any, b: Any) -> int:
    """go-yaml's ``keyList.Less`` as a comparison (keys are strings here)."""
    ar, br = a, b
    for i in range(min(len(ar), len(br))):
        if ar[i] == br[i]:
            continue
        al, bl = ar[i].isalpha(), br[i].isalpha()
        if al and bl:
            return -1 if ar[i] < br[i] else 1
        if al or bl:
            return -1 if bl else 1
        an = bn = 0
        if ar[i] == "0" or br[i] == "0":
            j = i - 1
            while j >= 0 and ar[j].isdecimal():
                if ar[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(ar) and ar[ai].isdecimal():
            an = an * 10 + _digit(ar[ai])
            ai += 1
        bi = i
        while bi < len(br) and br[bi].isdecimal():
            bn = bn * 10 + _digit(br[bi])
            bi += 1
        if an != bn:
            return -1 if an < bn else 1
        if ai != bi:
            return -1 if ai < bi else 1
        return -1 if ar[i] < br[i] else 1
    if len(ar) == len(br):
        return 0
    return -1 if len(ar) < len(br) else 1


def _digit(ch: str) -> int:
    # Go subtracts '0' from any Unicode digit rune; only the relative order matters here.
    return ord(ch) - 0x30


def _value_events(value: Any, out: list[Any]) -> None:
    if isinstance(value, RegoSet):
        value = sort_values(list(value))
    if value is None:
        out.append(_plain_event("null"))
    elif value is True:
        out.append(_plain_event("true"))
    elif value is False:
        out.append(_plain_event("false"))
    elif isinstance(value, (int, float)):
        out.append(_number_event(value))
    elif isinstance(value, str):
        out.append(_string_event(value))
    elif isinstance(value, list):
        out.append(_pyyaml.SequenceStartEvent(None, None, True, flow_style=False))
        for item in value:
            _value_events(item, out)
        out.append(_pyyaml.SequenceEndEvent())
    elif isinstance(value, dict):
        keys = [k if isinstance(k, str) else _json_key(k) for k in value]
        pairs = dict(zip(keys, value.values(), strict=True))
        out.append(_pyyaml.MappingStartEvent(None, None, True, flow_style=False))
        for key in sorted(pairs, key=cmp_to_key(_key_less)):
            out.append(_string_event(key))
            _value_events(pairs[key], out)
        out.append(_pyyaml.MappingEndEvent())
    else:
        raise TypeError(f"not an OPA value: {type(value).__name__}")


def _json_key(key: Any) -> str:
    from workbench.core.engines.opa.builtins._values import dumps

    return dumps(key)


def _number_event(value: int | float) -> Any:
    """A JSON number re-read by go-yaml, then re-emitted."""
    text = number_text(value)
    tag, resolved = _resolve_plain("", text)
    if tag == _INT_TAG:
        return _plain_event(str(int(resolved)))
    if tag == _FLOAT_TAG:
        s = format_float_g(resolved)
        s = {"+Inf": ".inf", "-Inf": "-.inf", "NaN": ".nan"}.get(s, s)
        return _plain_event(s)
    return _string_event(text)  # pragma: no cover - JSON numbers always resolve


class _GoEmitter(_pyyaml.emitter.Emitter):
    """libyaml's emitter as go-yaml ported it: an empty root scalar needs no ``---``."""

    def check_empty_document(self) -> bool:
        return False

    def check_simple_key(self) -> bool:
        # libyaml/go-yaml: any non-multiline scalar up to 128 bytes (even an empty one)
        event = self.event
        if isinstance(event, _pyyaml.ScalarEvent):
            if self.analysis is None:
                self.analysis = self.analyze_scalar(event.value)
            return not self.analysis.multiline and len(event.value.encode("utf-8")) <= 128
        if isinstance(event, _pyyaml.SequenceStartEvent):
            return bool(self.check_empty_sequence())
        if isinstance(event, _pyyaml.MappingStartEvent):
            return bool(self.check_empty_mapping())
        return isinstance(event, _pyyaml.AliasEvent)


def yaml_marshal(value: Any) -> str:
    """OPA's ``yaml.marshal``."""
    events: list[Any] = [_pyyaml.StreamStartEvent(), _pyyaml.DocumentStartEvent(explicit=False)]
    _value_events(value, events)
    events += [_pyyaml.DocumentEndEvent(explicit=False), _pyyaml.StreamEndEvent()]
    stream = io.StringIO()
    emitter = _GoEmitter(stream, indent=2, width=80, allow_unicode=True)
    for event in events:
        emitter.emit(event)
    text = stream.getvalue()
    if text.endswith("\n...\n"):
        text = text[:-4]
    return text


# ---------------------------------------------------------------------------
# Builtins


@BUILTINS.builtin("yaml.marshal", category=_CATEGORY)
def marshal(value: Any) -> str:
    return yaml_marshal(value)


@BUILTINS.builtin("yaml.unmarshal", category=_CATEGORY)
def unmarshal(value: Any) -> Any:
    name = "yaml.unmarshal"
    text = check_string(name, value, 1)
    try:
        return yaml_to_value(text)
    except YamlError as exc:
        raise builtin_error(name, str(exc)) from None


@BUILTINS.builtin("yaml.is_valid", category=_CATEGORY)
def is_valid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        yaml_to_value(value)
    except YamlError:
        return False
    return True
