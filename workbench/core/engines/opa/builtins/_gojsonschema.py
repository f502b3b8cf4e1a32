"""A port of OPA's vendored ``gojsonschema`` (draft 4/6/7 + "hybrid").

OPA's ``json.verify_schema`` and ``json.match_schema`` report gojsonschema's
own texts, so this module follows its code paths: schema compilation with its
error messages (``has a primitive type that is NOT VALID ...``,
``minLength must be of an integer`` ...), and validation producing
``{field, type, description}`` errors in gojsonschema's order, including the
scoring that picks the closest ``anyOf``/``oneOf`` branch.

Values are decoded JSON (numbers keep their text, see ``_values``).  Remote
``$ref`` documents are not fetched (the host has no network access for
builtins); only references into the schema itself and the draft meta-schemas
resolve.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import ipaddress
import json
import re
import urllib.parse
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import re2

from workbench.core.engines.opa.builtins._gojson import UnsupportedValue, fmt_e, fmt_f, marshal
from workbench.core.engines.opa.builtins._values import OpaFloat, loads
from workbench.core.engines.opa.builtins.time import GoTimeError, go_parse

__all__ = ["JsonSchemaError", "ResultError", "Schema", "compile_schema", "load_json_text"]

ROOT = "(Root)"
TYPE_ARRAY = "array"
TYPE_BOOLEAN = "boolean"
TYPE_INTEGER = "integer"
TYPE_NUMBER = "number"
TYPE_NULL = "null"
TYPE_OBJECT = "object"
TYPE_STRING = "string"
JSON_TYPES = [TYPE_ARRAY, TYPE_BOOLEAN, TYPE_INTEGER, TYPE_NUMBER, TYPE_NULL, TYPE_OBJECT, TYPE_STRING]

STRING_NUMBER = "number"
STRING_ARRAY_OF_STRINGS = "array of strings"
STRING_ARRAY_OF_SCHEMAS = "array of schemas"
STRING_SCHEMA = "valid schema"
STRING_SCHEMA_OR_ARRAY_OF_STRINGS = "schema or array of strings"
STRING_PROPERTIES = "properties"
STRING_DEPENDENCY = "dependency"
STRING_UNDEFINED = "undefined"

DRAFT4, DRAFT6, DRAFT7, HYBRID = 4, 6, 7, 2**31 - 1

_LOCALE = {
    "false": "False always fails validation",
    "required": "{{.property}} is required",
    "invalid_type": "Invalid type. Expected: {{.expected}}, given: {{.given}}",
    "number_any_of": "Must validate at least one schema (anyOf)",
    "number_one_of": "Must validate one and only one schema (oneOf)",
    "number_all_of": "Must validate all the schemas (allOf)",
    "number_not": "Must not validate the schema (not)",
    "missing_dependency": "Has a dependency on {{.dependency}}",
    "internal": "Internal Error {{.error}}",
    "const": "{{.field}} does not match: {{.allowed}}",
    "enum": "{{.field}} must be one of the following: {{.allowed}}",
    "array_no_additional_items": "No additional items allowed on array",
    "array_min_items": "Array must have at least {{.min}} items",
    "array_max_items": "Array must have at most {{.max}} items",
    "unique": "{{.type}} items[{{.i}},{{.j}}] must be unique",
    "contains": "At least one of the items must match",
    "array_min_properties": "Must have at least {{.min}} properties",
    "array_max_properties": "Must have at most {{.max}} properties",
    "additional_property_not_allowed": "Additional property {{.property}} is not allowed",
    "invalid_property_pattern": 'Property "{{.property}}" does not match pattern {{.pattern}}',
    "invalid_property_name": 'Property name of "{{.property}}" does not match',
    "string_gte": "String length must be greater than or equal to {{.min}}",
    "string_lte": "String length must be less than or equal to {{.max}}",
    "pattern": "Does not match pattern '{{.pattern}}'",
    "format": "Does not match format '{{.format}}'",
    "multiple_of": "Must be a multiple of {{.multiple}}",
    "number_gte": "Must be greater than or equal to {{.min}}",
    "number_gt": "Must be greater than {{.min}}",
    "number_lte": "Must be less than or equal to {{.max}}",
    "number_lt": "Must be less than {{.max}}",
    "condition_then": 'Must validate "then" as "if" was valid',
    "condition_else": 'Must validate "else" as "if" was not valid',
}

_REGEX_PATTERN = "Invalid regex pattern '{{.pattern}}'"
_GREATER_THAN_ZERO = "{{.number}} must be strictly greater than 0"
_MUST_BE_OF_A = "{{.x}} must be of a {{.y}}"
_MUST_BE_OF_AN = "{{.x}} must be of an {{.y}}"
_CANNOT_BE_USED_WITHOUT = "{{.x}} cannot be used without {{.y}}"
_CANNOT_BE_GT = "{{.x}} cannot be greater than {{.y}}"
_MUST_BE_OF_TYPE = "{{.key}} must be of type {{.type}}"
_MUST_BE_VALID_REGEX = "{{.key}} must be a valid regex"
_MUST_BE_GTE_ZERO = "{{.key}} must be greater than or equal to 0"
_KEY_CANNOT_BE_GT = "{{.key}} cannot be greater than {{.y}}"
_KEY_ITEMS_MUST_BE_UNIQUE = "{{.key}} items must be unique"
_REFERENCE_MUST_BE_CANONICAL = "Reference {{.reference}} must be canonical"
_NOT_A_VALID_TYPE = (
    "has a primitive type that is NOT VALID -- given: {{.given}} Expected valid values are:{{.expected}}"
)
_DUPLICATED = "{{.type}} type is duplicated"
_PARSE_ERROR = "Expected: {{.expected}}, given: Invalid JSON"
_ERROR_FORMAT = "{{.field}}: {{.description}}"

_TEMPLATE_FIELD = re.compile(r"\{\{\.(\w+)\}\}")


class JsonSchemaError(ValueError):
    """A schema that gojsonschema refuses to compile (message is gojsonschema's)."""


class BigFloat:
    """A ``*big.Float`` made by ``SetRat``: prints like Go's ``%v``."""

    __slots__ = ("value",)

    def __init__(self, value: Fraction) -> None:
        self.value = value

    def __str__(self) -> str:
        return _big_float_text(self.value)


def _go_text(value: Any) -> str:
    """How text/template prints a detail value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(_go_text(v) for v in value) + "]"
    if value is None:
        return "<nil>"
    return str(value)


def format_description(template: str, details: dict[str, Any]) -> str:
    def repl(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in details:
            return "<no value>"
        return _go_text(details[key])

    return _TEMPLATE_FIELD.sub(repl, template)


def _round_bits(x: Fraction, bits: int) -> Fraction:
    if x == 0:
        return x
    sign = -1 if x < 0 else 1
    a = abs(x)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e <= a:
        e += 1
    scale = Fraction(2) ** (bits - e)
    scaled = a * scale
    m, rem = divmod(scaled.numerator, scaled.denominator)
    if 2 * rem > scaled.denominator or (2 * rem == scaled.denominator and m % 2 == 1):
        m += 1
    return sign * m / scale


def _big_float_text(x: Fraction) -> str:
    """``fmt.Sprint(new(big.Float).SetRat(x))``: shortest ``%g`` at the Float's precision."""
    if x == 0:
        return "0"
    prec = max(64, abs(x.numerator).bit_length(), x.denominator.bit_length())
    target = _round_bits(x, prec)
    neg = target < 0
    a = abs(target)
    exact = Decimal(a.numerator)
    if a.denominator != 1:
        # enough digits for the binary fraction at this precision
        exact = _DIV_CONTEXT.divide(Decimal(a.numerator), Decimal(a.denominator))
    rounded = exact
    for n in range(1, 400):
        rounded = _with_prec(exact, n)
        if _round_bits(Fraction(rounded), prec) == a:
            break
    _, dig, exp = rounded.as_tuple()
    raw = "".join(str(d) for d in dig)
    digits = raw.rstrip("0") or "0"
    dp = len(dig) + int(exp)
    if dp - 1 < -4 or dp - 1 >= 6:
        return fmt_e(neg, digits, dp)
    return fmt_f(neg, digits, dp)


_DIV_CONTEXT = Context(prec=400, rounding=ROUND_HALF_EVEN, Emax=10**9, Emin=-(10**9))


def _with_prec(value: Decimal, digits: int) -> Decimal:
    return Context(prec=digits, rounding=ROUND_HALF_EVEN, Emax=10**9, Emin=-(10**9)).plus(value)


# ---------------------------------------------------------------------------
# values


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _rat(value: Any) -> Fraction | None:
    """``big.Rat.SetString`` of a JSON number's text."""
    if not _is_number(value):
        return None
    text = (
        value.text if isinstance(value, OpaFloat) else str(value) if isinstance(value, int) else repr(value)
    )
    try:
        return Fraction(Decimal(text))
    except (InvalidOperation, ValueError):
        return None


def _must_be_integer(value: Any) -> int | None:
    r = _rat(value)
    if r is None or r.denominator != 1:
        return None
    # json.Number.Int64 needs an integer literal within int64
    if isinstance(value, OpaFloat) or not (-(1 << 63) <= int(value) < (1 << 63)):
        return None
    return int(value)


def _marshal_without_number(value: Any) -> str:
    return marshal(value, float64=True)


def load_json_text(text: str) -> Any:
    """Decode JSON the way gojsonschema's loaders do (after OPA's ``json.Valid`` check)."""

    def bad_constant(name: str) -> Any:
        raise ValueError(name)

    return json.loads(text, parse_float=OpaFloat, parse_constant=bad_constant)


# ---------------------------------------------------------------------------
# JSON references


def _resolve_ref(base: str, ref: str) -> str:
    if not base:
        return ref
    return urllib.parse.urljoin(base, ref)


def _split_fragment(ref: str) -> tuple[str, str]:
    url, _, fragment = ref.partition("#")
    return url, fragment


def _pointer_get(document: Any, pointer: str) -> Any:
    if pointer in ("", "/"):
        return document if pointer == "" else _pointer_tokens(document, [""])
    if not pointer.startswith("/"):
        raise JsonSchemaError(f'JSON pointer must be empty or start with a "/": {pointer}')
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]
    return _pointer_tokens(document, tokens)


def _pointer_tokens(document: Any, tokens: list[str]) -> Any:
    node = document
    for token in tokens:
        if isinstance(node, dict):
            if token not in node:
                raise JsonSchemaError(f"Object has no key '{token}'")
            node = node[token]
        elif isinstance(node, list):
            if not re.fullmatch(r"[+-]?[0-9]+", token):
                raise JsonSchemaError(f"Invalid array index '{token}'")
            idx = int(token)
            if idx < 0 or idx >= len(node):
                raise JsonSchemaError(f"Out of bound array[0,{len(node)}] index '{idx}'")
            node = node[idx]
        else:
            raise JsonSchemaError(f"Invalid token reference '{token}'")
    return node


_META_URLS = {
    "http://json-schema.org/draft-04/schema": DRAFT4,
    "http://json-schema.org/draft-06/schema": DRAFT6,
    "http://json-schema.org/draft-07/schema": DRAFT7,
}


def _normalise_ref(ref: str) -> str:
    """gojsonreference's ``String()``: an empty fragment disappears."""
    return ref[:-1] if ref.endswith("#") else ref


def _parse_schema_url(document: Any) -> tuple[str, int | None]:
    if isinstance(document, bool):
        return "", None
    if not isinstance(document, dict):
        raise JsonSchemaError("schema is invalid")
    if "$schema" in document:
        value = document["$schema"]
        if not isinstance(value, str):
            raise JsonSchemaError(
                format_description(_MUST_BE_OF_TYPE, {"key": "$schema", "type": TYPE_STRING})
            )
        url = _normalise_ref(value)
        return url, _META_URLS.get(url)
    return "", None


# ---------------------------------------------------------------------------
# schema


@dataclasses.dataclass(eq=False)
class SubSchema:
    property: str = ""
    draft: int | None = None
    parent: SubSchema | None = None
    id: str | None = None
    ref: str | None = None
    ref_schema: SubSchema | None = None
    pass_: bool | None = None
    types: list[str] = dataclasses.field(default_factory=list)
    properties_children: list[SubSchema] = dataclasses.field(default_factory=list)
    additional_properties: Any = None
    pattern_properties: dict[str, SubSchema] | None = None
    property_names: SubSchema | None = None
    dependencies: dict[str, Any] | None = None
    items_children: list[SubSchema] = dataclasses.field(default_factory=list)
    items_single: bool = False
    additional_items: Any = None
    multiple_of: Fraction | None = None
    minimum: Fraction | None = None
    maximum: Fraction | None = None
    exclusive_minimum: Fraction | None = None
    exclusive_maximum: Fraction | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: Any = None
    pattern_source: str | None = None
    format: str = ""
    min_properties: int | None = None
    max_properties: int | None = None
    required: list[str] = dataclasses.field(default_factory=list)
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False
    contains: SubSchema | None = None
    const: str | None = None
    enum: list[str] = dataclasses.field(default_factory=list)
    enum_present: bool = False
    one_of: list[SubSchema] = dataclasses.field(default_factory=list)
    any_of: list[SubSchema] = dataclasses.field(default_factory=list)
    all_of: list[SubSchema] = dataclasses.field(default_factory=list)
    not_: SubSchema | None = None
    if_: SubSchema | None = None
    then_: SubSchema | None = None
    else_: SubSchema | None = None

    def types_string(self) -> str:
        if not self.types:
            return STRING_UNDEFINED
        if len(self.types) > 1:
            return "[" + ",".join(self.types) + "]"
        return self.types[0]


def _invalid_type(expected: str, given: str) -> JsonSchemaError:
    return JsonSchemaError(
        format_description(_LOCALE["invalid_type"], {"expected": expected, "given": given})
    )


def _err(template: str, **details: Any) -> JsonSchemaError:
    return JsonSchemaError(format_description(template, details))


def _get_string(m: dict[str, Any], key: str) -> str | None:
    if key not in m:
        return None
    value = m[key]
    if not isinstance(value, str):
        raise _invalid_type(TYPE_STRING, key)
    return value


def _get_slice(m: dict[str, Any], key: str) -> list[Any]:
    if key not in m:
        return []
    value = m[key]
    if not isinstance(value, list):
        raise _err(_MUST_BE_OF_AN, x=key, y=TYPE_ARRAY)
    return value


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False


@functools.lru_cache(maxsize=512)
def _go_regexp(pattern: str) -> Any:
    """Compile with RE2 (Go's regexp syntax); raises ``ValueError`` when invalid."""
    try:
        return re2.compile(pattern, _RE2_OPTIONS)
    except Exception as exc:  # re2.error and friends
        raise ValueError(str(exc)) from None


class Schema:
    """A compiled schema (``gojsonschema.Schema``)."""

    def __init__(self, document: Any, validate_patterns: bool = True) -> None:
        self.validate_patterns = validate_patterns
        self.pool: dict[str, tuple[Any, int | None]] = {}
        self.reference_pool: dict[str, SubSchema] = {}
        document = copy.deepcopy(document)
        _, draft = _parse_schema_url(document)
        self._parse_references(document, "", draft)
        self.pool[""] = (document, draft)
        self.root = SubSchema(property=ROOT, draft=draft if draft is not None else HYBRID)
        self._parse_schema(document, self.root)

    # -- references ----------------------------------------------------------

    def _parse_references(self, document: Any, ref: str, draft: int | None) -> None:
        if isinstance(document, list):
            for v in document:
                self._parse_references(v, ref, draft)
            return
        if not isinstance(document, dict):
            return
        local = ref
        key_id = "id" if "id" in document else "$id"
        value = document.get(key_id)
        if isinstance(value, str):
            local = _normalise_ref(_resolve_ref(ref, value))
            if local in self.pool:
                raise JsonSchemaError(f'Reference already exists: "{local}"')
            self.pool[local] = (document, draft)
        ref_value = document.get("$ref")
        if isinstance(ref_value, str):
            document["$ref"] = _normalise_ref(_resolve_ref(local, ref_value))
        for k, v in document.items():
            if k in ("const", "enum"):
                continue
            if k in ("properties", "dependencies", "patternProperties"):
                if isinstance(v, dict):
                    for child in v.values():
                        self._parse_references(child, local, draft)
            else:
                self._parse_references(v, local, draft)

    def _get_document(self, reference: str) -> tuple[Any, int | None]:
        if reference in self.pool:
            return self.pool[reference]
        url, fragment = _split_fragment(reference)
        if url in self.pool:
            document, draft = self.pool[url]
            resolved = _pointer_get(document, urllib.parse.unquote(fragment))
            self.pool[reference] = (resolved, draft)
            return resolved, draft
        meta = _meta_schema(url)
        if meta is not None:
            self._parse_references(meta, url, _META_URLS[url])
            self.pool[url] = (meta, _META_URLS[url])
            return _pointer_get(meta, fragment), _META_URLS[url]
        parsed = urllib.parse.urlsplit(url)
        if not (parsed.scheme and parsed.netloc) and not parsed.scheme == "file":
            raise _err(_REFERENCE_MUST_BE_CANONICAL, reference=reference)
        raise JsonSchemaError(
            f"unable to load remote reference {reference}: remote references are not fetched"
        )

    # -- parsing -------------------------------------------------------------

    def _child(self, prop: str, parent: SubSchema, inherit_ref: bool = True) -> SubSchema:
        return SubSchema(property=prop, parent=parent, ref=parent.ref if inherit_ref else None)

    def _parse_schema(self, node: Any, current: SubSchema) -> None:
        if current.draft is None:
            if current.parent is None:
                raise JsonSchemaError("Draft not set")
            current.draft = current.parent.draft
        assert current.draft is not None
        draft = current.draft
        if draft >= DRAFT6 and isinstance(node, bool):
            current.pass_ = node
            return
        if not isinstance(node, dict):
            raise _err(_PARSE_ERROR, expected=STRING_SCHEMA)
        m: dict[str, Any] = node
        if current.parent is None:
            current.ref = ""
            current.id = ""
        if current.id is None and current.parent is not None:
            current.id = current.parent.id

        if draft == DRAFT4:
            key_id = "id"
        elif draft == HYBRID:
            key_id = "id" if "id" in m else "$id"
        else:
            key_id = "$id"
        ident = _get_string(m, key_id)
        if ident is not None:
            if current is self.root:
                current.id = _normalise_ref(ident)
            else:
                current.id = _normalise_ref(
                    _resolve_ref((current.parent.id if current.parent else "") or "", ident)
                )

        if "definitions" in m:
            defs = m["definitions"]
            if not isinstance(defs, dict):
                raise _invalid_type(STRING_ARRAY_OF_SCHEMAS, "definitions")
            for dv in defs.values():
                if isinstance(dv, (bool, dict)):
                    self._parse_schema(dv, SubSchema(property="definitions", parent=current))
                else:
                    raise _invalid_type(STRING_ARRAY_OF_SCHEMAS, "definitions")

        _get_string(m, "title")
        _get_string(m, "description")

        ref = _get_string(m, "$ref")
        if ref is not None:
            current.ref = _normalise_ref(ref)
            cached = self.reference_pool.get(current.ref)
            if cached is not None:
                current.ref_schema = cached
            else:
                self._parse_reference(current)
                return

        if "type" in m:
            typ = m["type"]
            if isinstance(typ, str):
                self._add_type(current, typ)
            elif isinstance(typ, list):
                for t in typ:
                    if not isinstance(t, str):
                        raise _invalid_type("type", TYPE_STRING + "/" + STRING_ARRAY_OF_STRINGS)
                    self._add_type(current, t)
            else:
                raise _invalid_type("type", TYPE_STRING + "/" + STRING_ARRAY_OF_STRINGS)

        if "properties" in m:
            props = m["properties"]
            if not isinstance(props, dict):
                raise _err(_MUST_BE_OF_TYPE, key=STRING_PROPERTIES, type=TYPE_OBJECT)
            for k, v in props.items():
                child = self._child(k, current)
                current.properties_children.append(child)
                self._parse_schema(v, child)

        if "additionalProperties" in m:
            ap = m["additionalProperties"]
            if isinstance(ap, bool):
                current.additional_properties = ap
            elif isinstance(ap, dict):
                child = self._child("additionalProperties", current)
                current.additional_properties = child
                self._parse_schema(ap, child)
            else:
                raise _invalid_type(TYPE_BOOLEAN + "/" + STRING_SCHEMA, "additionalProperties")

        if "patternProperties" in m:
            pp = m["patternProperties"]
            if not isinstance(pp, dict):
                raise _invalid_type(STRING_SCHEMA, "patternProperties")
            if pp:
                current.pattern_properties = {}
                for k, v in pp.items():
                    try:
                        _go_regexp(k)
                    except ValueError:
                        raise _err(_REGEX_PATTERN, pattern=k) from None
                    child = self._child(k, current)
                    self._parse_schema(v, child)
                    current.pattern_properties[k] = child

        if "propertyNames" in m and draft >= DRAFT6:
            pn = m["propertyNames"]
            if isinstance(pn, (bool, dict)):
                child = self._child("propertyNames", current)
                current.property_names = child
                self._parse_schema(pn, child)
            else:
                raise _err(_LOCALE["invalid_type"], expected=STRING_SCHEMA, given="patternProperties")

        if "dependencies" in m:
            self._parse_dependencies(m["dependencies"], current)

        if "items" in m:
            items = m["items"]
            if isinstance(items, list):
                for element in items:
                    if isinstance(element, (dict, bool)):
                        child = self._child("items", current)
                        current.items_children.append(child)
                        self._parse_schema(element, child)
                    else:
                        raise _invalid_type(STRING_SCHEMA + "/" + STRING_ARRAY_OF_SCHEMAS, "items")
                    current.items_single = False
            elif isinstance(items, (dict, bool)):
                child = self._child("items", current)
                current.items_children.append(child)
                self._parse_schema(items, child)
                current.items_single = True
            else:
                raise _invalid_type(STRING_SCHEMA + "/" + STRING_ARRAY_OF_SCHEMAS, "items")

        if "additionalItems" in m:
            ai = m["additionalItems"]
            if isinstance(ai, bool):
                current.additional_items = ai
            elif isinstance(ai, dict):
                child = self._child("additionalItems", current)
                current.additional_items = child
                self._parse_schema(ai, child)
            else:
                raise _invalid_type(TYPE_BOOLEAN + "/" + STRING_SCHEMA, "additionalItems")

        if "multipleOf" in m:
            mo = _rat(m["multipleOf"])
            if mo is None:
                raise _invalid_type(STRING_NUMBER, "multipleOf")
            if mo <= 0:
                raise _err(_GREATER_THAN_ZERO, number="multipleOf")
            current.multiple_of = mo

        if "minimum" in m:
            mn = _rat(m["minimum"])
            if mn is None:
                raise _err(_MUST_BE_OF_A, x="minimum", y=STRING_NUMBER)
            current.minimum = mn
        if "exclusiveMinimum" in m:
            self._exclusive(m["exclusiveMinimum"], current, "exclusiveMinimum", "minimum")
        if "maximum" in m:
            mx = _rat(m["maximum"])
            if mx is None:
                raise _err(_MUST_BE_OF_A, x="maximum", y=STRING_NUMBER)
            current.maximum = mx
        if "exclusiveMaximum" in m:
            self._exclusive(m["exclusiveMaximum"], current, "exclusiveMaximum", "maximum")

        current.min_length = self._non_negative(m, "minLength")
        current.max_length = self._non_negative(m, "maxLength")
        if (
            current.min_length is not None
            and current.max_length is not None
            and current.min_length > current.max_length
        ):
            raise _err(_CANNOT_BE_GT, x="minLength", y="maxLength")

        pattern = _get_string(m, "pattern")
        if pattern is not None and self.validate_patterns:
            try:
                current.pattern = _go_regexp(pattern)
            except ValueError:
                raise _err(_MUST_BE_VALID_REGEX, key="pattern") from None
            current.pattern_source = pattern

        fmt = _get_string(m, "format")
        if fmt is not None:
            current.format = fmt

        current.min_properties = self._non_negative(m, "minProperties")
        current.max_properties = self._non_negative(m, "maxProperties")
        if (
            current.min_properties is not None
            and current.max_properties is not None
            and current.min_properties > current.max_properties
        ):
            raise _err(_KEY_CANNOT_BE_GT, key="minProperties", y="maxProperties")

        for req in _get_slice(m, "required"):
            if not isinstance(req, str):
                raise _invalid_type(TYPE_STRING, "required")
            if req in current.required:
                raise _err(_KEY_ITEMS_MUST_BE_UNIQUE, key="required")
            current.required.append(req)

        current.min_items = self._non_negative(m, "minItems")
        current.max_items = self._non_negative(m, "maxItems")

        if "uniqueItems" in m:
            ui = m["uniqueItems"]
            if not isinstance(ui, bool):
                raise _err(_MUST_BE_OF_A, x="uniqueItems", y=TYPE_BOOLEAN)
            current.unique_items = ui

        if "contains" in m and draft >= DRAFT6:
            child = self._child("contains", current)
            current.contains = child
            self._parse_schema(m["contains"], child)

        if "const" in m and draft >= DRAFT6:
            current.const = self._marshal(m["const"])

        enum = _get_slice(m, "enum")
        current.enum_present = "enum" in m
        for v in enum:
            text = self._marshal(v)
            if text in current.enum:
                raise _err(_KEY_ITEMS_MUST_BE_UNIQUE, key="enum")
            current.enum.append(text)

        for key, target in (("oneOf", current.one_of), ("anyOf", current.any_of), ("allOf", current.all_of)):
            for v in _get_slice(m, key):
                child = self._child(key, current)
                target.append(child)
                self._parse_schema(v, child)

        if "not" in m:
            vn = m["not"]
            if isinstance(vn, (bool, dict)):
                child = self._child("not", current)
                current.not_ = child
                self._parse_schema(vn, child)
            else:
                raise _err(_MUST_BE_OF_AN, x="not", y=TYPE_OBJECT)

        if draft >= DRAFT7:
            for key, attr in (("if", "if_"), ("then", "then_"), ("else", "else_")):
                if key in m:
                    v = m[key]
                    if isinstance(v, (bool, dict)):
                        child = self._child(key, current)
                        setattr(current, attr, child)
                        self._parse_schema(v, child)
                    else:
                        raise _err(_MUST_BE_OF_AN, x=key, y=TYPE_OBJECT)

    @staticmethod
    def _marshal(value: Any) -> str:
        try:
            return _marshal_without_number(value)
        except UnsupportedValue as exc:
            raise JsonSchemaError(str(exc)) from None

    def _add_type(self, current: SubSchema, etype: str) -> None:
        if etype not in JSON_TYPES:
            raise _err(_NOT_A_VALID_TYPE, given="/" + etype + "/", expected=JSON_TYPES)
        if etype in current.types:
            raise _err(_DUPLICATED, type=etype)
        current.types.append(etype)

    def _non_negative(self, m: dict[str, Any], key: str) -> int | None:
        if key not in m:
            return None
        value = _must_be_integer(m[key])
        if value is None:
            raise _err(_MUST_BE_OF_AN, x=key, y=TYPE_INTEGER)
        if value < 0:
            raise _err(_MUST_BE_GTE_ZERO, key=key)
        return value

    def _exclusive(self, value: Any, current: SubSchema, key: str, base: str) -> None:
        draft = current.draft
        attr_base = "minimum" if base == "minimum" else "maximum"
        attr_excl = "exclusive_minimum" if base == "minimum" else "exclusive_maximum"
        if draft == DRAFT4:
            if not isinstance(value, bool):
                raise _invalid_type(TYPE_BOOLEAN, key)
            if getattr(current, attr_base) is None:
                raise _err(_CANNOT_BE_USED_WITHOUT, x=key, y=base)
            if value:
                setattr(current, attr_excl, getattr(current, attr_base))
                setattr(current, attr_base, None)
        elif draft == HYBRID:
            if isinstance(value, bool):
                if getattr(current, attr_base) is None:
                    raise _err(_CANNOT_BE_USED_WITHOUT, x=key, y=base)
                if value:
                    setattr(current, attr_excl, getattr(current, attr_base))
                    setattr(current, attr_base, None)
            elif _is_number(value):
                setattr(current, attr_excl, _rat(value))
            else:
                raise _invalid_type(TYPE_BOOLEAN + "/" + TYPE_NUMBER, key)
        elif _is_number(value):
            setattr(current, attr_excl, _rat(value))
        else:
            raise _invalid_type(TYPE_NUMBER, key)

    def _parse_dependencies(self, node: Any, current: SubSchema) -> None:
        if not isinstance(node, dict):
            raise _err(_MUST_BE_OF_TYPE, key="dependencies", type=TYPE_OBJECT)
        current.dependencies = {}
        for k, v in node.items():
            if isinstance(v, list):
                names: list[str] = []
                for item in v:
                    if not isinstance(item, str):
                        raise _err(
                            _MUST_BE_OF_TYPE, key=STRING_DEPENDENCY, type=STRING_SCHEMA_OR_ARRAY_OF_STRINGS
                        )
                    names.append(item)
                    current.dependencies[k] = list(names)
            elif isinstance(v, (bool, dict)):
                child = self._child(k, current)
                self._parse_schema(v, child)
                current.dependencies[k] = child
            else:
                raise _err(_MUST_BE_OF_TYPE, key=STRING_DEPENDENCY, type=STRING_SCHEMA_OR_ARRAY_OF_STRINGS)

    def _parse_reference(self, current: SubSchema) -> None:
        assert current.ref is not None
        new = SubSchema(property="$ref", parent=current, ref=current.ref)
        self.reference_pool[current.ref] = new
        document, draft = self._get_document(current.ref)
        new.id = current.ref
        new.draft = draft
        if not isinstance(document, (bool, dict)):
            raise _err(_MUST_BE_OF_TYPE, key=STRING_SCHEMA, type=TYPE_OBJECT)
        self._parse_schema(document, new)
        current.ref_schema = new

    # -- validation ------------------------------------------------------------

    def validate(self, document: Any) -> Result:
        result = Result()
        _validate_recursive(self.root, document, result, (ROOT,))
        return result


_META_CACHE: dict[str, Any] = {}


def _meta_schema(url: str) -> Any:
    if url not in _META_URLS:
        return None
    if url not in _META_CACHE:
        _META_CACHE[url] = loads(_META_SCHEMA_TEXT[_META_URLS[url]])
    return copy.deepcopy(_META_CACHE[url])


def compile_schema(document: Any) -> Schema:
    """Compile a decoded schema; raises :class:`JsonSchemaError` with gojsonschema's message."""
    return Schema(document)


# ---------------------------------------------------------------------------
# results


@dataclasses.dataclass
class ResultError:
    type: str
    context: tuple[str, ...]
    description: str

    @property
    def field(self) -> str:
        text = ".".join(self.context)
        prefix = ROOT + "."
        return text[len(prefix) :] if text.startswith(prefix) else text

    def string(self) -> str:
        return format_description(_ERROR_FORMAT, {"field": self.field, "description": self.description})


class Result:
    def __init__(self) -> None:
        self.errors: list[ResultError] = []
        self.score = 0

    def valid(self) -> bool:
        return not self.errors

    def add(self, kind: str, context: tuple[str, ...], details: dict[str, Any]) -> None:
        err = ResultError(kind, context, "")
        details["field"] = err.field
        details.setdefault("context", ".".join(context))
        err.description = format_description(_LOCALE[kind], details)
        self.errors.append(err)
        self.score -= 2

    def merge(self, other: Result | None) -> None:
        if other is None:
            return
        self.errors.extend(other.errors)
        self.score += other.score


def _sub_validate(schema: SubSchema, node: Any, context: tuple[str, ...]) -> Result:
    result = Result()
    _validate_recursive(schema, node, result, context)
    return result


def _is_int_number(value: Any) -> bool:
    r = _rat(value)
    return r is not None and r.denominator == 1


def _validate_recursive(schema: SubSchema, node: Any, result: Result, context: tuple[str, ...]) -> None:
    if schema.pass_ is not None:
        if not schema.pass_:
            result.add("false", context, {})
        return
    if schema.ref_schema is not None:
        _validate_recursive(schema.ref_schema, node, result, context)
        return
    typed = bool(schema.types)
    if node is None:
        if typed and TYPE_NULL not in schema.types:
            result.add("invalid_type", context, {"expected": schema.types_string(), "given": TYPE_NULL})
            return
        _validate_schema(schema, node, result, context)
        _validate_common(schema, node, result, context)
    elif _is_number(node):
        is_int = _is_int_number(node)
        valid_type = TYPE_NUMBER in schema.types or (is_int and TYPE_INTEGER in schema.types)
        if typed and not valid_type:
            given = TYPE_INTEGER if is_int else TYPE_NUMBER
            result.add("invalid_type", context, {"expected": schema.types_string(), "given": given})
            return
        _validate_schema(schema, node, result, context)
        _validate_number(schema, node, result, context)
        _validate_common(schema, node, result, context)
    elif isinstance(node, list):
        if typed and TYPE_ARRAY not in schema.types:
            result.add("invalid_type", context, {"expected": schema.types_string(), "given": TYPE_ARRAY})
            return
        _validate_schema(schema, node, result, context)
        _validate_array(schema, node, result, context)
        _validate_common(schema, node, result, context)
    elif isinstance(node, dict):
        if typed and TYPE_OBJECT not in schema.types:
            result.add("invalid_type", context, {"expected": schema.types_string(), "given": TYPE_OBJECT})
            return
        _validate_schema(schema, node, result, context)
        _validate_object(schema, node, result, context)
        _validate_common(schema, node, result, context)
        for child in schema.properties_children:
            if child.property in node:
                _validate_recursive(child, node[child.property], result, (*context, child.property))
    elif isinstance(node, bool):
        if typed and TYPE_BOOLEAN not in schema.types:
            result.add("invalid_type", context, {"expected": schema.types_string(), "given": TYPE_BOOLEAN})
            return
        _validate_schema(schema, node, result, context)
        _validate_common(schema, node, result, context)
    elif isinstance(node, str):
        if typed and TYPE_STRING not in schema.types:
            result.add("invalid_type", context, {"expected": schema.types_string(), "given": TYPE_STRING})
            return
        _validate_schema(schema, node, result, context)
        _validate_common(schema, node, result, context)
        _validate_string(schema, node, result, context)
    result.score += 1


def _validate_schema(schema: SubSchema, node: Any, result: Result, context: tuple[str, ...]) -> None:
    if schema.any_of:
        validated = False
        best: Result | None = None
        for sub in schema.any_of:
            if not validated:
                r = _sub_validate(sub, node, context)
                validated = r.valid()
                if not validated and (best is None or r.score > best.score):
                    best = r
        if not validated:
            result.add("number_any_of", context, {})
            result.merge(best)
    if schema.one_of:
        count = 0
        best = None
        for sub in schema.one_of:
            r = _sub_validate(sub, node, context)
            if r.valid():
                count += 1
            elif count == 0 and (best is None or r.score > best.score):
                best = r
        if count != 1:
            result.add("number_one_of", context, {})
            if count == 0:
                result.merge(best)
    if schema.all_of:
        count = 0
        for sub in schema.all_of:
            r = _sub_validate(sub, node, context)
            if r.valid():
                count += 1
            result.merge(r)
        if count != len(schema.all_of):
            result.add("number_all_of", context, {})
    if schema.not_ is not None and _sub_validate(schema.not_, node, context).valid():
        result.add("number_not", context, {})
    if schema.dependencies and isinstance(node, dict):
        for key in node:
            dep = schema.dependencies.get(key)
            if isinstance(dep, list):
                for name in dep:
                    if name not in node:
                        result.add("missing_dependency", context, {"dependency": name})
            elif isinstance(dep, SubSchema):
                _validate_recursive(dep, node, result, context)
    if schema.if_ is not None:
        if_result = _sub_validate(schema.if_, node, context)
        if schema.then_ is not None and if_result.valid():
            r = _sub_validate(schema.then_, node, context)
            if not r.valid():
                result.add("condition_then", context, {})
                result.merge(r)
        if schema.else_ is not None and not if_result.valid():
            r = _sub_validate(schema.else_, node, context)
            if not r.valid():
                result.add("condition_else", context, {})
                result.merge(r)
    result.score += 1


def _validate_common(schema: SubSchema, node: Any, result: Result, context: tuple[str, ...]) -> None:
    if schema.const is not None:
        try:
            text = _marshal_without_number(node)
        except UnsupportedValue as exc:
            result.add("internal", context, {"error": str(exc)})
            text = ""
        if text != schema.const:
            result.add("const", context, {"allowed": schema.const})
    if schema.enum_present:
        try:
            text = _marshal_without_number(node)
        except UnsupportedValue as exc:
            result.add("internal", context, {"error": str(exc)})
            text = ""
        if text not in schema.enum:
            allowed = ", ".join(schema.enum) if schema.enum else "(none)"
            result.add("enum", context, {"allowed": allowed})
    if schema.format and not is_format(schema.format, node):
        result.add("format", context, {"format": schema.format})
    result.score += 1


def _validate_array(schema: SubSchema, value: list[Any], result: Result, context: tuple[str, ...]) -> None:
    n = len(value)
    if schema.items_single:
        for i, item in enumerate(value):
            result.merge(_sub_validate(schema.items_children[0], item, (*context, str(i))))
    elif schema.items_children:
        n_items = len(schema.items_children)
        for i in range(min(n_items, n)):
            result.merge(_sub_validate(schema.items_children[i], value[i], (*context, str(i))))
        if n_items < n:
            ai = schema.additional_items
            if isinstance(ai, bool):
                if not ai:
                    result.add("array_no_additional_items", context, {})
            elif isinstance(ai, SubSchema):
                for i in range(n_items, n):
                    result.merge(_sub_validate(ai, value[i], (*context, str(i))))
    if schema.min_items is not None and n < schema.min_items:
        result.add("array_min_items", context, {"min": schema.min_items})
    if schema.max_items is not None and n > schema.max_items:
        result.add("array_max_items", context, {"max": schema.max_items})
    if schema.unique_items:
        seen: dict[str, int] = {}
        for j, item in enumerate(value):
            try:
                text = _marshal_without_number(item)
            except UnsupportedValue as exc:
                result.add("internal", context, {"err": str(exc)})
                text = ""
            if text in seen:
                result.add("unique", context, {"type": TYPE_ARRAY, "i": seen[text], "j": j})
            seen[text] = j
    if schema.contains is not None:
        validated = False
        best: Result | None = None
        for i, item in enumerate(value):
            r = _sub_validate(schema.contains, item, (*context, str(i)))
            if r.valid():
                validated = True
                break
            if best is None or r.score > best.score:
                best = r
        if not validated:
            result.add("contains", context, {})
            result.merge(best)
    result.score += 1


def _validate_object(
    schema: SubSchema, value: dict[str, Any], result: Result, context: tuple[str, ...]
) -> None:
    if schema.min_properties is not None and len(value) < schema.min_properties:
        result.add("array_min_properties", context, {"min": schema.min_properties})
    if schema.max_properties is not None and len(value) > schema.max_properties:
        result.add("array_max_properties", context, {"max": schema.max_properties})
    for req in schema.required:
        if req in value:
            result.score += 1
        else:
            result.add("required", context, {"property": req})
    for pk in value:
        found = any(pk == child.property for child in schema.properties_children)
        pp_match = _validate_pattern_property(schema, pk, value[pk], result, context)
        if not found and not pp_match:
            ap = schema.additional_properties
            if isinstance(ap, bool):
                if not ap:
                    result.add("additional_property_not_allowed", context, {"property": pk})
            elif isinstance(ap, SubSchema):
                result.merge(_sub_validate(ap, value[pk], (*context, pk)))
    if schema.property_names is not None:
        for pk in value:
            r = _sub_validate(schema.property_names, pk, context)
            if not r.valid():
                result.add("invalid_property_name", context, {"property": pk})
                result.merge(r)
    result.score += 1


def _validate_pattern_property(
    schema: SubSchema, key: str, value: Any, result: Result, context: tuple[str, ...]
) -> bool:
    validated = False
    for pattern, sub in (schema.pattern_properties or {}).items():
        try:
            matches = _go_regexp(pattern).search(key) is not None
        except ValueError:
            matches = False
        if matches:
            validated = True
            result.merge(_sub_validate(sub, value, (*context, key)))
    if not validated:
        return False
    result.score += 1
    return True


def _validate_string(schema: SubSchema, value: str, result: Result, context: tuple[str, ...]) -> None:
    length = len(value)
    if schema.min_length is not None and length < schema.min_length:
        result.add("string_gte", context, {"min": schema.min_length})
    if schema.max_length is not None and length > schema.max_length:
        result.add("string_lte", context, {"max": schema.max_length})
    if schema.pattern is not None and schema.pattern.search(value) is None:
        result.add("pattern", context, {"pattern": schema.pattern_source})
    result.score += 1


def _validate_number(schema: SubSchema, value: Any, result: Result, context: tuple[str, ...]) -> None:
    number = _rat(value)
    if number is None:  # pragma: no cover - numbers always have a rational value
        return
    if schema.multiple_of is not None and (number / schema.multiple_of).denominator != 1:
        result.add("multiple_of", context, {"multiple": BigFloat(schema.multiple_of)})
    if schema.maximum is not None and number > schema.maximum:
        result.add("number_lte", context, {"max": BigFloat(schema.maximum)})
    if schema.exclusive_maximum is not None and number >= schema.exclusive_maximum:
        result.add("number_lt", context, {"max": BigFloat(schema.exclusive_maximum)})
    if schema.minimum is not None and number < schema.minimum:
        result.add("number_gte", context, {"min": BigFloat(schema.minimum)})
    if schema.exclusive_minimum is not None and number <= schema.exclusive_minimum:
        result.add("number_gt", context, {"min": BigFloat(schema.exclusive_minimum)})
    result.score += 1


# ---------------------------------------------------------------------------
# formats


_RX_HOSTNAME = re.compile(
    r"([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])(\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9]))*"
)
_RX_URI_TEMPLATE = re.compile(r"([^{]*({[^}]*})?)*", re.DOTALL)
_RX_UUID = re.compile(r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}", re.IGNORECASE)
_RX_JSON_POINTER = re.compile(r"(?:/(?:[^~/]|~0|~1)*)*", re.DOTALL)
_RX_REL_JSON_POINTER = re.compile(r"(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~0|~1)*)*)", re.DOTALL)
_RX_EMAIL = re.compile(r"(?:[^<>]*<)?[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.\[\]:-]+>?")
_RX_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _go_time_ok(layout: str, value: str) -> bool:
    try:
        go_parse(layout, value)
    except GoTimeError:
        return False
    return True


def _go_parse_ip(text: str) -> bool:
    if "%" in text:
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _go_url_ok(text: str) -> tuple[bool, str]:
    """A conservative ``url.Parse``: (parsed, scheme)."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text) or _RX_PERCENT.search(text.split("#", 1)[0]):
        return False, ""
    scheme = ""
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    if m:
        scheme = m.group(1)
    elif text.startswith(":"):
        return False, ""
    else:
        first = text.split("/", 1)[0].split("?", 1)[0]
        if ":" in first and not text.startswith("/"):
            return False, ""
    return True, scheme


def is_format(name: str, value: Any) -> bool:
    """gojsonschema's ``FormatCheckers.IsFormat`` (unknown formats and non-strings pass)."""
    if not isinstance(value, str):
        return True
    if name == "date":
        return _go_time_ok("2006-01-02", value)
    if name == "time":
        return _go_time_ok("15:04:05Z07:00", value) or _go_time_ok("15:04:05", value)
    if name == "date-time":
        return any(
            _go_time_ok(layout, value)
            for layout in (
                "15:04:05",
                "15:04:05Z07:00",
                "2006-01-02",
                "2006-01-02T15:04:05Z07:00",
                "2006-01-02T15:04:05.999999999Z07:00",
            )
        )
    if name == "hostname":
        return bool(_RX_HOSTNAME.fullmatch(value)) and len(value.encode()) < 256
    if name in ("email", "idn-email"):
        return bool(_RX_EMAIL.fullmatch(value))
    if name == "ipv4":
        return _go_parse_ip(value) and "." in value
    if name == "ipv6":
        return _go_parse_ip(value) and ":" in value
    if name in ("uri", "iri"):
        ok, scheme = _go_url_ok(value)
        return ok and scheme != "" and "\\" not in value
    if name in ("uri-reference", "iri-reference"):
        ok, _ = _go_url_ok(value)
        return ok and "\\" not in value
    if name == "uri-template":
        ok, _ = _go_url_ok(value)
        if not ok or "\\" in value:
            return False
        path = urllib.parse.urlsplit(value).path
        return bool(_RX_URI_TEMPLATE.fullmatch(path))
    if name == "uuid":
        return bool(_RX_UUID.fullmatch(value))
    if name == "regex":
        if value == "":
            return True
        try:
            _go_regexp(value)
        except ValueError:
            return False
        return True
    if name == "json-pointer":
        return bool(_RX_JSON_POINTER.fullmatch(value))
    if name == "relative-json-pointer":
        return bool(_RX_REL_JSON_POINTER.fullmatch(value))
    return True


_META_SCHEMA_TEXT = {
    DRAFT4: '{"id":"http://json-schema.org/draft-04/schema#","$schema":"http://json-schema.org/draft-04/schema#","description":"Core schema meta-schema","definitions":{"schemaArray":{"type":"array","minItems":1,"items":{"$ref":"#"}},"positiveInteger":{"type":"integer","minimum":0},"positiveIntegerDefault0":{"allOf":[{"$ref":"#/definitions/positiveInteger"},{"default":0}]},"simpleTypes":{"enum":["array","boolean","integer","null","number","object","string"]},"stringArray":{"type":"array","items":{"type":"string"},"minItems":1,"uniqueItems":true}},"type":"object","properties":{"id":{"type":"string"},"$schema":{"type":"string"},"title":{"type":"string"},"description":{"type":"string"},"default":{},"multipleOf":{"type":"number","minimum":0,"exclusiveMinimum":true},"maximum":{"type":"number"},"exclusiveMaximum":{"type":"boolean","default":false},"minimum":{"type":"number"},"exclusiveMinimum":{"type":"boolean","default":false},"maxLength":{"$ref":"#/definitions/positiveInteger"},"minLength":{"$ref":"#/definitions/positiveIntegerDefault0"},"pattern":{"type":"string","format":"regex"},"additionalItems":{"anyOf":[{"type":"boolean"},{"$ref":"#"}],"default":{}},"items":{"anyOf":[{"$ref":"#"},{"$ref":"#/definitions/schemaArray"}],"default":{}},"maxItems":{"$ref":"#/definitions/positiveInteger"},"minItems":{"$ref":"#/definitions/positiveIntegerDefault0"},"uniqueItems":{"type":"boolean","default":false},"maxProperties":{"$ref":"#/definitions/positiveInteger"},"minProperties":{"$ref":"#/definitions/positiveIntegerDefault0"},"required":{"$ref":"#/definitions/stringArray"},"additionalProperties":{"anyOf":[{"type":"boolean"},{"$ref":"#"}],"default":{}},"definitions":{"type":"object","additionalProperties":{"$ref":"#"},"default":{}},"properties":{"type":"object","additionalProperties":{"$ref":"#"},"default":{}},"patternProperties":{"type":"object","additionalProperties":{"$ref":"#"},"default":{}},"dependencies":{"type":"object","additionalProperties":{"anyOf":[{"$ref":"#"},{"$ref":"#/definitions/stringArray"}]}},"enum":{"type":"array","minItems":1,"uniqueItems":true},"type":{"anyOf":[{"$ref":"#/definitions/simpleTypes"},{"type":"array","items":{"$ref":"#/definitions/simpleTypes"},"minItems":1,"uniqueItems":true}]},"format":{"type":"string"},"allOf":{"$ref":"#/definitions/schemaArray"},"anyOf":{"$ref":"#/definitions/schemaArray"},"oneOf":{"$ref":"#/definitions/schemaArray"},"not":{"$ref":"#"}},"dependencies":{"exclusiveMaximum":["maximum"],"exclusiveMinimum":["minimum"]},"default":{}}',
    DRAFT6: '{"$schema":"http://json-schema.org/draft-06/schema#","$id":"http://json-schema.org/draft-06/schema#","title":"Core schema meta-schema","definitions":{"schemaArray":{"type":"array","minItems":1,"items":{"$ref":"#"}},"nonNegativeInteger":{"type":"integer","minimum":0},"nonNegativeIntegerDefault0":{"allOf":[{"$ref":"#/definitions/nonNegativeInteger"},{"default":0}]},"simpleTypes":{"enum":["array","boolean","integer","null","number","object","string"]},"stringArray":{"type":"array","items":{"type":"string"},"uniqueItems":true,"default":[]}},"type":["object","boolean"],"properties":{"$id":{"type":"string","format":"uri-reference"},"$schema":{"type":"string","format":"uri"},"$ref":{"type":"string","format":"uri-reference"},"title":{"type":"string"},"description":{"type":"string"},"default":{},"examples":{"type":"array","items":{}},"multipleOf":{"type":"number","exclusiveMinimum":0},"maximum":{"type":"number"},"exclusiveMaximum":{"type":"number"},"minimum":{"type":"number"},"exclusiveMinimum":{"type":"number"},"maxLength":{"$ref":"#/definitions/nonNegativeInteger"},"minLength":{"$ref":"#/definitions/nonNegativeIntegerDefault0"},"pattern":{"type":"string","format":"regex"},"additionalItems":{"$ref":"#"},"items":{"anyOf":[{"$ref":"#"},{"$ref":"#/definitions/schemaArray"}],"default":{}},"maxItems":{"$ref":"#/definitions/nonNegativeInteger"},"minItems":{"$ref":"#/definitions/nonNegativeIntegerDefault0"},"uniqueItems":{"type":"boolean","default":false},"contains":{"$ref":"#"},"maxProperties":{"$ref":"#/definitions/nonNegativeInteger"},"minProperties":{"$ref":"#/definitions/nonNegativeIntegerDefault0"},"required":{"$ref":"#/definitions/stringArray"},"additionalProperties":{"$ref":"#"},"definitions":{"type":"object","additionalProperties":{"$ref":"#"},"default":{}},"properties":{"type":"object","additionalProperties":{"$ref":"#"},"default":{}},"patternProperties":{"type":"object","additionalProperties":{"$ref":"#"},"default":{}},"dependencies":{"type":"object","additionalProperties":{"anyOf":[{"$ref":"#"},{"$ref":"#/definitions/stringArray"}]}},"propertyNames":{"$ref":"#"},"const":{},"enum":{"type":"array","minItems":1,"uniqueItems":true},"type":{"anyOf":[{"$ref":"#/definitions/simpleTypes"},{"type":"array","items":{"$ref":"#/definitions/simpleTypes"},"minItems":1,"uniqueItems":true}]},"format":{"type":"string"},"allOf":{"$ref":"#/definitions/schemaArray"},"anyOf":{"$ref":"#/definitions/schemaArray"},"oneOf":{"$ref":"#/definitions/schemaArray"},"not":{"$ref":"#"}},"default":{}}',
    DRAFT7: '{"$schema":"http://json-schema.org/draft-07/schema#","$id":"http://json-schema.org/draft-07/schema#","title":"Core schema meta-schema","definitions":{"schemaArray":{"type":"array","minItems":1,"items":{"$ref":"#"}},"nonNegativeInteger":{"type":"integer","minimum":0},"nonNegativeIntegerDefault0":{"allOf":[{"$ref":"#/definitions/nonNegativeInteger"},{"default":0}]},"simpleTypes":{"enum":["array","boolean","integer","null","number","object","string"]},"stringArray":{"type":"array","items":{"type":"string"},"uniqueItems":true,"default":[]}},"type":["object","boolean"],"properties":{"$id":{"type":"string","format":"uri-reference"},"$schema":{"type":"string","format":"uri"},"$ref":{"type":"string","format":"uri-reference"},"$comment":{"type":"string"},"title":{"type":"string"},"description":{"type":"string"},"default":true,"readOnly":{"type":"boolean","default":false},"examples":{"type":"array","items":true},"multipleOf":{"type":"number","exclusiveMinimum":0},"maximum":{"type":"number"},"exclusiveMaximum":{"type":"number"},"minimum":{"type":"number"},"exclusiveMinimum":{"type":"number"},"maxLength":{"$ref":"#/definitions/nonNegativeInteger"},"minLength":{"$ref":"#/definitions/nonNegativeIntegerDefault0"},"pattern":{"type":"string","format":"regex"},"additionalItems":{"$ref":"#"},"items":{"anyOf":[{"$ref":"#"},{"$ref":"#/definitions/schemaArray"}],"default":true},"maxItems":{"$ref":"#/definitions/nonNegativeInteger"},"minItems":{"$ref":"#/definitions/nonNegativeIntegerDefault0"},"uniqueItems":{"type":"boolean","default":false},"contains":{"$ref":"#"},"maxProperties":{"$ref":"#/definitions/nonNegativeInteger"},"minProperties":{"$ref":"#/definitions/nonNegativeIntegerDefault0"},"required":{"$ref":"#/definitions/stringArray"},"additionalProperties":{"$ref":"#"},"definitions":{"type":"object","additionalProperties":{"$ref":"#"},"default":{}},"properties":{"type":"object","additionalProperties":{"$ref":"#"},"default":{}},"patternProperties":{"type":"object","additionalProperties":{"$ref":"#"},"propertyNames":{"format":"regex"},"default":{}},"dependencies":{"type":"object","additionalProperties":{"anyOf":[{"$ref":"#"},{"$ref":"#/definitions/stringArray"}]}},"propertyNames":{"$ref":"#"},"const":true,"enum":{"type":"array","items":true,"minItems":1,"uniqueItems":true},"type":{"anyOf":[{"$ref":"#/definitions/simpleTypes"},{"type":"array","items":{"$ref":"#/definitions/simpleTypes"},"minItems":1,"uniqueItems":true}]},"format":{"type":"string"},"contentMediaType":{"type":"string"},"contentEncoding":{"type":"string"},"if":{"$ref":"#"},"then":{"$ref":"#"},"else":{"$ref":"#"},"allOf":{"$ref":"#/definitions/schemaArray"},"anyOf":{"$ref":"#/definitions/schemaArray"},"oneOf":{"$ref":"#/definitions/schemaArray"},"not":{"$ref":"#"}},"default":true}',
}
