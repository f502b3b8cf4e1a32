"""OPA "GraphQL" builtins (``topdown/graphql.go``), on graphql-core.

OPA parses with vektah/gqlparser and returns gqlparser's AST marshalled to JSON
(Go field names: ``Operations``, ``SelectionSet``, ``Alias`` ...), with every
``Position``, every null and every empty array/object pruned away, while empty
strings, ``false`` and ``0`` stay. We parse and validate with graphql-core and
build that same shape from its AST (ASTs are produced before validation, as
OPA does, so validation-only fields such as ``Used`` stay at their zero value).

Error texts follow OPA's rewriting of gqlparser errors
(``<message> in GraphQL string at location <line>:<column>``); graphql-core's
message wording is mapped to gqlparser's where the two differ only in quoting.
"""

from __future__ import annotations

import re
from typing import Any

import graphql as gql
from graphql.language import ast as gast

from workbench.core.engines.opa.builtins._gofmt import go_quote as _go_quote
from workbench.core.engines.opa.builtins._operands import check_string, operand_type_error
from workbench.core.engines.opa.builtins._registry import BuiltinTable, builtin_error

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__: list[str] = []

_VALUE_KIND = {
    gast.VariableNode: 0,
    gast.IntValueNode: 1,
    gast.FloatValueNode: 2,
    gast.StringValueNode: 3,
    gast.BooleanValueNode: 5,
    gast.NullValueNode: 6,
    gast.EnumValueNode: 7,
    gast.ListValueNode: 8,
    gast.ObjectValueNode: 9,
}


class _GraphQLFailure(Exception):
    """A parse or validation failure, already worded as OPA reports it."""


# --- error wording -------------------------------------------------------------------------


def _gqlparser_message(message: str) -> str:
    """graphql-core's wording turned into gqlparser's (quotes, bare punctuators)."""
    message = message.removeprefix("Syntax Error: ")
    if message.startswith("Unexpected character: "):
        char = message.removeprefix("Unexpected character: ").removesuffix(".").strip("'")
        return f'Cannot parse the unexpected character "{char}".'
    if re.fullmatch(r"Unexpected variable '\$[_A-Za-z][_0-9A-Za-z]*' in constant value\.", message):
        return "Unexpected $"  # gqlparser: unexpectedToken on the "$" token
    required = re.fullmatch(
        r"Argument '(@?)(?:\w+\.)?(\w+)\((\w+):\)' of type '([^']+)' is required, but it was not provided\.",
        message,
    )
    if required:  # graphql-core 3.3 names the argument by its coordinate, gqlparser in words
        kind = "Directive" if required[1] else "Field"
        return (
            f'{kind} "{required[1]}{required[2]}" argument "{required[3]}" of type "{required[4]}" '
            "is required, but it was not provided."
        )
    message = re.sub(r"'([^\w\s'\"]{1,3})'", r"\1", message)
    if message.startswith("Expected ") and not message.startswith("Expected '"):
        # expect(kind) names only the kind of the token found; expectKeyword("on") prints the
        # token itself (Name "Type")
        message = re.sub(r"found (\w+) '[^']*'", r"found \1", message)
    return re.sub(r"'([^']*)'", r'"\1"', message)


def _location(error: gql.GraphQLError) -> tuple[int, int]:
    if error.locations:
        return error.locations[0].line, error.locations[0].column
    return 0, 0


def _tokens(text: str) -> list[Any]:
    """graphql-core's tokens of ``text`` up to the first lexing error."""
    lexer = gql.language.Lexer(gql.Source(text))
    tokens: list[Any] = []
    try:
        while True:
            token = lexer.advance()
            tokens.append(token)
            if token.kind == gql.language.TokenKind.EOF:
                return tokens
    except gql.GraphQLError:
        return tokens


_STRING_KINDS = {
    gql.language.TokenKind.STRING: ("String", 1),
    gql.language.TokenKind.BLOCK_STRING: ("BlockString", 3),
}


def _syntax_failure(error: gql.GraphQLError, text: str) -> _GraphQLFailure:
    message = _gqlparser_message(error.message)
    if message.startswith(("Expected ", "Unexpected ")):
        message = message.removesuffix(".")
    line, column = _location(error)
    tokens = _tokens(text)
    at = next((i for i, t in enumerate(tokens) if (t.line, t.column) == (line, column)), None)
    if at is not None:
        token = tokens[at]
        if message.startswith("Unexpected description"):
            # gqlparser has no such rule: the description is just an unexpected token there
            message = f"Unexpected {_STRING_KINDS[token.kind][0]} {_go_quote(token.value)}"
        if (
            message == "Expected Name, found }"
            and at
            and tokens[at - 1].kind == gql.language.TokenKind.BRACE_L
        ):
            message = "expected at least one definition, found }"  # gqlparser's some() on "{ }"
        if token.kind in _STRING_KINDS:
            column += _STRING_KINDS[token.kind][1]  # gqlparser places a string token after its quotes
    return _format_gqlparser_error(f"input:{line}:{column}: {message}")


def _format_gqlparser_error(text: str) -> _GraphQLFailure:
    """OPA v1.20.2's ``formatGqlParserError``, shared by parse and validation errors.

    gqlparser's error text (``input:L:C: msg``; a validation error list prints one such
    line per error, each ending in ``\n``) is split at its first three colons; when line
    and column are numbers the result is ``<msg> in GraphQL string at location L:C`` with a
    trailing ``".\n"`` trimmed, otherwise ``GraphQL parse error: <text>``.
    """
    parts = text.split(":", 3)
    if len(parts) == 4 and all(part.isascii() and part.isdigit() for part in parts[1:3]):
        message = parts[3].lstrip(" ").removesuffix(".\n")
        return _GraphQLFailure(f"{message} in GraphQL string at location {int(parts[1])}:{int(parts[2])}")
    return _GraphQLFailure(f"GraphQL parse error: {text}")


def _validation_failure(errors: list[gql.GraphQLError]) -> _GraphQLFailure:
    # gqlparser's error list prints as "input:L:C: msg\n" per error
    text = "".join(
        f"input:{_location(e)[0]}:{_location(e)[1]}: {_gqlparser_message(e.message)}\n" for e in errors
    )
    return _format_gqlparser_error(text)


# --- AST conversion to gqlparser's JSON shape ----------------------------------------------


def _name(node: Any) -> str:
    return node.value if node is not None else ""


def _type(node: Any) -> dict[str, Any] | None:
    if node is None:
        return None
    if isinstance(node, gast.NonNullTypeNode):
        inner = _type(node.type) or {}
        return {**inner, "NonNull": True}
    if isinstance(node, gast.ListTypeNode):
        return {"NamedType": "", "Elem": _type(node.type), "NonNull": False}
    return {"NamedType": node.name.value, "Elem": None, "NonNull": False}


def _value(node: Any) -> dict[str, Any] | None:
    if node is None:
        return None
    kind = _VALUE_KIND[type(node)]
    children: list[dict[str, Any]] = []
    raw = ""
    if isinstance(node, gast.VariableNode):
        raw = node.name.value
    elif isinstance(node, gast.StringValueNode):
        raw = node.value
        if node.block:
            kind = 4
    elif isinstance(node, gast.BooleanValueNode):
        raw = "true" if node.value else "false"
    elif isinstance(node, gast.NullValueNode):
        raw = "null"
    elif isinstance(node, gast.ListValueNode):
        children = [{"Name": "", "Value": _value(v)} for v in node.values]
    elif isinstance(node, gast.ObjectValueNode):
        children = [{"Name": f.name.value, "Value": _value(f.value)} for f in node.fields]
    else:
        raw = node.value
    return {
        "Raw": raw,
        "Children": children,
        "Kind": kind,
        "Definition": None,
        "VariableDefinition": None,
        "ExpectedType": None,
        "ExpectedTypeHasDefault": False,
    }


def _arguments(nodes: Any) -> list[dict[str, Any]]:
    return [{"Name": a.name.value, "Value": _value(a.value)} for a in nodes or ()]


def _directives(nodes: Any) -> list[dict[str, Any]]:
    return [
        {
            "Name": d.name.value,
            "Arguments": _arguments(d.arguments),
            "ParentDefinition": None,
            "Definition": None,
            "Location": "",
        }
        for d in nodes or ()
    ]


def _selection_set(node: Any) -> list[dict[str, Any]]:
    if node is None:
        return []
    out: list[dict[str, Any]] = []
    for sel in node.selections:
        if isinstance(sel, gast.FieldNode):
            out.append(
                {
                    "Alias": sel.alias.value if sel.alias else sel.name.value,
                    "Name": sel.name.value,
                    "Arguments": _arguments(sel.arguments),
                    "Directives": _directives(sel.directives),
                    "SelectionSet": _selection_set(sel.selection_set),
                    "Definition": None,
                    "ObjectDefinition": None,
                }
            )
        elif isinstance(sel, gast.FragmentSpreadNode):
            out.append(
                {
                    "Name": sel.name.value,
                    "Directives": _directives(sel.directives),
                    "ObjectDefinition": None,
                    "Definition": None,
                }
            )
        else:
            out.append(
                {
                    "TypeCondition": sel.type_condition.name.value if sel.type_condition else "",
                    "Directives": _directives(sel.directives),
                    "SelectionSet": _selection_set(sel.selection_set),
                    "ObjectDefinition": None,
                }
            )
    return out


def _variable_definitions(nodes: Any) -> list[dict[str, Any]]:
    return [
        {
            "Variable": v.variable.name.value,
            "Type": _type(v.type),
            "DefaultValue": _value(v.default_value),
            "Directives": _directives(v.directives),
            "Definition": None,
            "Used": False,
        }
        for v in nodes or ()
    ]


def _query_document(doc: gast.DocumentNode) -> dict[str, Any]:
    operations = []
    fragments = []
    for definition in doc.definitions:
        if isinstance(definition, gast.OperationDefinitionNode):
            operations.append(
                {
                    "Operation": definition.operation.value,
                    "Name": _name(definition.name),
                    "VariableDefinitions": _variable_definitions(definition.variable_definitions),
                    "Directives": _directives(definition.directives),
                    "SelectionSet": _selection_set(definition.selection_set),
                }
            )
        elif isinstance(definition, gast.FragmentDefinitionNode):
            fragments.append(
                {
                    "Name": definition.name.value,
                    "VariableDefinition": _variable_definitions(definition.variable_definitions),
                    "TypeCondition": definition.type_condition.name.value,
                    "Directives": _directives(definition.directives),
                    "SelectionSet": _selection_set(definition.selection_set),
                    "Definition": None,
                }
            )
    return {"Operations": operations, "Fragments": fragments}


def _description(node: Any) -> str:
    description = getattr(node, "description", None)
    return description.value if description is not None else ""


def _argument_definitions(nodes: Any) -> list[dict[str, Any]]:
    return [
        {
            "Description": _description(a),
            "Name": a.name.value,
            "DefaultValue": _value(a.default_value),
            "Type": _type(a.type),
            "Directives": _directives(a.directives),
        }
        for a in nodes or ()
    ]


def _field_definitions(nodes: Any) -> list[dict[str, Any]]:
    out = []
    for f in nodes or ():
        out.append(
            {
                "Description": _description(f),
                "Name": f.name.value,
                "Arguments": _argument_definitions(getattr(f, "arguments", None)),
                "DefaultValue": _value(getattr(f, "default_value", None)),
                "Type": _type(f.type),
                "Directives": _directives(f.directives),
            }
        )
    return out


_KIND = (
    ((gast.ScalarTypeDefinitionNode, gast.ScalarTypeExtensionNode), "SCALAR"),
    ((gast.ObjectTypeDefinitionNode, gast.ObjectTypeExtensionNode), "OBJECT"),
    ((gast.InterfaceTypeDefinitionNode, gast.InterfaceTypeExtensionNode), "INTERFACE"),
    ((gast.UnionTypeDefinitionNode, gast.UnionTypeExtensionNode), "UNION"),
    ((gast.EnumTypeDefinitionNode, gast.EnumTypeExtensionNode), "ENUM"),
    ((gast.InputObjectTypeDefinitionNode, gast.InputObjectTypeExtensionNode), "INPUT_OBJECT"),
)


def _definition(node: Any) -> dict[str, Any]:
    kind = next(name for types, name in _KIND if isinstance(node, types))
    return {
        "Kind": kind,
        "Description": _description(node),
        "Name": node.name.value,
        "Directives": _directives(node.directives),
        "Interfaces": [i.name.value for i in getattr(node, "interfaces", None) or ()],
        "Fields": _field_definitions(getattr(node, "fields", None)),
        "Types": [t.name.value for t in getattr(node, "types", None) or ()],
        "EnumValues": [
            {"Description": _description(v), "Name": v.name.value, "Directives": _directives(v.directives)}
            for v in getattr(node, "values", None) or ()
        ],
        "BuiltIn": False,
    }


def _schema_document(doc: gast.DocumentNode) -> dict[str, Any]:
    result: dict[str, list[Any]] = {
        "Schema": [],
        "SchemaExtension": [],
        "Directives": [],
        "Definitions": [],
        "Extensions": [],
    }
    for node in doc.definitions:
        if isinstance(node, (gast.SchemaDefinitionNode, gast.SchemaExtensionNode)):
            entry = {
                "Description": _description(node),
                "Directives": _directives(node.directives),
                "OperationTypes": [
                    {"Operation": op.operation.value, "Type": op.type.name.value}
                    for op in node.operation_types or ()
                ],
            }
            key = "Schema" if isinstance(node, gast.SchemaDefinitionNode) else "SchemaExtension"
            result[key].append(entry)
        elif isinstance(node, gast.DirectiveDefinitionNode):
            result["Directives"].append(
                {
                    "Description": _description(node),
                    "Name": node.name.value,
                    "Arguments": _argument_definitions(node.arguments),
                    "Locations": [loc.value for loc in node.locations],
                    "IsRepeatable": bool(node.repeatable),
                }
            )
        elif isinstance(node, gast.TypeExtensionNode):
            result["Extensions"].append(_definition(node))
        else:
            result["Definitions"].append(_definition(node))
    return result


def _prune(value: Any) -> Any:
    """OPA's ``pruneIrrelevantGraphQLASTNodes``: drop nulls and empty arrays/objects, recursively."""
    if isinstance(value, list):
        out = []
        for item in value:
            if item is None:
                continue
            if isinstance(item, (list, dict)):
                item = _prune(item)
                if not item:
                    continue
            out.append(item)
        return out
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if key == "Position" or item is None:
                continue
            if isinstance(item, (list, dict)):
                item = _prune(item)
                if not item:
                    continue
            result[key] = item
        return result
    return value


# --- parsing and validation ----------------------------------------------------------------


def _parse(text: str) -> gast.DocumentNode:
    """Parse a document; like gqlparser (and unlike graphql-core) an empty one is no error."""
    try:
        if gql.language.Lexer(gql.Source(text)).advance().kind == gql.language.TokenKind.EOF:
            return gast.DocumentNode(definitions=())
        # gqlparser parses (experimental) fragment variable definitions and, unlike
        # graphql-core's default, rejects an empty selection set ("{}")
        return gql.parse(
            text, no_location=False, experimental_fragment_arguments=True, allow_empty_selection_sets=False
        )
    except gql.GraphQLError as exc:
        raise _syntax_failure(exc, text) from None


def _parse_query(text: str) -> gast.DocumentNode:
    doc = _parse(text)
    for node in doc.definitions:
        if not isinstance(node, gast.ExecutableDefinitionNode):
            line, column = _node_location(node)
            keyword = _word_at(text, line, column)
            raise _GraphQLFailure(
                f'Unexpected Name "{keyword}" in GraphQL string at location {line}:{column}'
            )
    return doc


def _parse_schema(text: str) -> gast.DocumentNode:
    doc = _parse(text)
    for node in doc.definitions:
        if isinstance(node, gast.ExecutableDefinitionNode):
            line, column = _node_location(node)
            word = _word_at(text, line, column)
            found = f'Name "{word}"' if word else "{"
            raise _GraphQLFailure(f"Unexpected {found} in GraphQL string at location {line}:{column}")
    return doc


def _word_at(text: str, line: int, column: int) -> str:
    """The GraphQL name starting at a 1-based line/column ("" when none)."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return ""
    match = re.match(r"[_A-Za-z][_0-9A-Za-z]*", lines[line - 1][column - 1 :])
    return match.group() if match else ""


def _node_location(node: Any) -> tuple[int, int]:
    loc = node.loc
    if loc is None:
        return 0, 0
    return loc.start_token.line, loc.start_token.column


_EXTENSION_TO_DEFINITION: dict[type, tuple[type, tuple[str, ...]]] = {
    gast.ScalarTypeExtensionNode: (gast.ScalarTypeDefinitionNode, ("directives",)),
    gast.ObjectTypeExtensionNode: (gast.ObjectTypeDefinitionNode, ("interfaces", "directives", "fields")),
    gast.InterfaceTypeExtensionNode: (
        gast.InterfaceTypeDefinitionNode,
        ("interfaces", "directives", "fields"),
    ),
    gast.UnionTypeExtensionNode: (gast.UnionTypeDefinitionNode, ("directives", "types")),
    gast.EnumTypeExtensionNode: (gast.EnumTypeDefinitionNode, ("directives", "values")),
    gast.InputObjectTypeExtensionNode: (gast.InputObjectTypeDefinitionNode, ("directives", "fields")),
}


def _define_extended_types(doc: gast.DocumentNode) -> gast.DocumentNode:
    """gqlparser's schema loading creates a type that is only extended (``extend type X`` without
    ``type X``, as federation schemas do) from its first extension; graphql-core rejects it."""
    defined = {node.name.value for node in doc.definitions if isinstance(node, gast.TypeDefinitionNode)}
    definitions: list[gast.DefinitionNode] = []
    for node in doc.definitions:
        target = _EXTENSION_TO_DEFINITION.get(type(node))
        if target is not None and isinstance(node, gast.TypeExtensionNode) and node.name.value not in defined:
            cls, fields = target
            defined.add(node.name.value)
            node = cls(
                name=node.name, description=None, loc=node.loc, **{f: getattr(node, f) for f in fields}
            )
        definitions.append(node)
    return gast.DocumentNode(definitions=tuple(definitions), loc=doc.loc)


def _build_schema(doc: gast.DocumentNode) -> gql.GraphQLSchema:
    try:
        schema = gql.build_ast_schema(_define_extended_types(doc))
    except (gql.GraphQLError, TypeError) as exc:
        raise _GraphQLFailure(f"Error in gqlparser SchemaDocument to Schema conversion: {exc}") from None
    problems = [e for e in gql.validate_schema(schema) if "root type must be provided" not in e.message]
    if problems:
        raise _GraphQLFailure(
            f"Error in gqlparser SchemaDocument to Schema conversion: {problems[0].message}"
        )
    return schema


def _validate(schema: gql.GraphQLSchema, doc: gast.DocumentNode) -> None:
    if not doc.definitions:
        return  # nothing to check (graphql-core would still demand a Query root type)
    try:
        errors = gql.validate(schema, doc)
    except TypeError as exc:
        raise _GraphQLFailure(str(exc)) from None
    if errors:
        raise _validation_failure(list(errors))


def _query_from(name: str, value: Any, pos: int) -> gast.DocumentNode:
    if isinstance(value, str):
        return _parse_query(value)
    if isinstance(value, dict):
        return _parse_query(_print_query_object(value))
    raise operand_type_error(name, pos, value, "string", "object")


def _schema_from(name: str, value: Any, pos: int) -> gast.DocumentNode:
    if isinstance(value, str):
        return _parse_schema(value)
    if isinstance(value, dict):
        return _parse_schema(_print_schema_object(value))
    raise operand_type_error(name, pos, value, "string", "object")


# --- AST objects (as returned by graphql.parse_*) back to GraphQL text ---------------------


def _print_object_failure(document: str) -> _GraphQLFailure:
    return _GraphQLFailure(f"json: cannot unmarshal object into Go value of type ast.{document}")


def _print_type(node: Any) -> str:
    if not isinstance(node, dict):
        raise _GraphQLFailure("json: cannot unmarshal into Go struct field of type ast.Type")
    inner = f"[{_print_type(node['Elem'])}]" if node.get("Elem") else str(node.get("NamedType", ""))
    return inner + ("!" if node.get("NonNull") else "")


def _print_value(node: Any) -> str:
    if not isinstance(node, dict):
        raise _GraphQLFailure("json: cannot unmarshal into Go struct field of type ast.Value")
    kind = node.get("Kind", 0)
    raw = str(node.get("Raw", ""))
    children = node.get("Children") or []
    if kind == 0:
        return "$" + raw
    if kind in (3, 4):
        return gql.print_ast(gast.StringValueNode(value=raw))
    if kind == 8:
        return "[" + ", ".join(_print_value(c.get("Value")) for c in children) + "]"
    if kind == 9:
        return "{" + ", ".join(f"{c.get('Name')}: {_print_value(c.get('Value'))}" for c in children) + "}"
    return raw


def _print_arguments(args: Any) -> str:
    if not args:
        return ""
    return "(" + ", ".join(f"{a.get('Name')}: {_print_value(a.get('Value'))}" for a in args) + ")"


def _print_directives(directives: Any) -> str:
    return "".join(f" @{d.get('Name')}{_print_arguments(d.get('Arguments'))}" for d in directives or ())


def _print_query_object(value: dict[str, Any]) -> str:
    # gqlparser's Selection is a Go interface: JSON can only be decoded into it when there
    # are no selections at all, so any selection set makes OPA's conversion fail.
    for operation in value.get("Operations") or []:
        if isinstance(operation, dict) and operation.get("SelectionSet"):
            raise _GraphQLFailure(
                "json: cannot unmarshal object into Go struct field "
                "OperationDefinition.Operations.SelectionSet of type ast.Selection"
            )
    for fragment in value.get("Fragments") or []:
        if isinstance(fragment, dict) and fragment.get("SelectionSet"):
            raise _GraphQLFailure(
                "json: cannot unmarshal object into Go struct field "
                "FragmentDefinition.Fragments.SelectionSet of type ast.Selection"
            )
    raise _GraphQLFailure("Expected {, found <EOF> in GraphQL string at location 1:1")


def _print_description(node: dict[str, Any]) -> str:
    description = node.get("Description") or ""
    return gql.print_ast(gast.StringValueNode(value=description, block=True)) + "\n" if description else ""


def _print_input_values(values: Any) -> str:
    parts = []
    for v in values or ():
        default = f" = {_print_value(v['DefaultValue'])}" if v.get("DefaultValue") else ""
        parts.append(
            f"{_print_description(v)}{v.get('Name')}: {_print_type(v.get('Type'))}{default}"
            f"{_print_directives(v.get('Directives'))}"
        )
    return "(" + ", ".join(parts) + ")" if parts else ""


def _print_definition(node: dict[str, Any], extend: bool) -> str:
    kind = node.get("Kind")
    keyword = {
        "SCALAR": "scalar",
        "OBJECT": "type",
        "INTERFACE": "interface",
        "UNION": "union",
        "ENUM": "enum",
        "INPUT_OBJECT": "input",
    }.get(str(kind))
    if keyword is None:
        raise _GraphQLFailure(f"unknown definition kind {kind}")
    head = ("extend " if extend else _print_description(node)) + f"{keyword} {node.get('Name')}"
    if node.get("Interfaces"):
        head += " implements " + " & ".join(node["Interfaces"])
    head += _print_directives(node.get("Directives"))
    if kind == "UNION" and node.get("Types"):
        return head + " = " + " | ".join(node["Types"])
    if kind == "ENUM" and node.get("EnumValues"):
        values = "\n".join(
            f"{_print_description(v)}{v.get('Name')}{_print_directives(v.get('Directives'))}"
            for v in node["EnumValues"]
        )
        return head + " {\n" + values + "\n}"
    if kind in ("OBJECT", "INTERFACE", "INPUT_OBJECT") and node.get("Fields"):
        fields = []
        for f in node["Fields"]:
            default = f" = {_print_value(f['DefaultValue'])}" if f.get("DefaultValue") else ""
            fields.append(
                f"{_print_description(f)}{f.get('Name')}{_print_input_values(f.get('Arguments'))}: "
                f"{_print_type(f.get('Type'))}{default}{_print_directives(f.get('Directives'))}"
            )
        return head + " {\n" + "\n".join(fields) + "\n}"
    return head


def _print_schema_object(value: dict[str, Any]) -> str:
    try:
        parts = []
        for schema_key, extend in (("Schema", False), ("SchemaExtension", True)):
            for s in value.get(schema_key) or []:
                ops = " ".join(
                    f"{o.get('Operation')}: {o.get('Type')}" for o in s.get("OperationTypes") or []
                )
                prefix = "extend schema" if extend else _print_description(s) + "schema"
                parts.append(f"{prefix}{_print_directives(s.get('Directives'))} {{ {ops} }}")
        for d in value.get("Directives") or []:
            repeatable = " repeatable" if d.get("IsRepeatable") else ""
            parts.append(
                f"{_print_description(d)}directive @{d.get('Name')}{_print_input_values(d.get('Arguments'))}"
                f"{repeatable} on {' | '.join(d.get('Locations') or [])}"
            )
        parts.extend(_print_definition(d, False) for d in value.get("Definitions") or [])
        parts.extend(_print_definition(d, True) for d in value.get("Extensions") or [])
    except (AttributeError, KeyError, TypeError) as exc:
        raise _GraphQLFailure(f"json: cannot unmarshal schema document: {exc}") from None
    return "\n".join(parts)


# --- builtins ------------------------------------------------------------------------------


def _parse_and_validate(name: str, query: Any, schema: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    query_doc = _query_from(name, query, 0)
    schema_doc = _schema_from(name, schema, 1)
    query_ast = _query_document(query_doc)
    schema_ast = _schema_document(schema_doc)
    _validate(_build_schema(schema_doc), query_doc)
    return _prune(query_ast), _prune(schema_ast)


@BUILTINS.builtin("graphql.parse", category="GraphQL")
def graphql_parse(query: Any, schema: Any) -> list[Any]:
    try:
        query_ast, schema_ast = _parse_and_validate("graphql.parse", query, schema)
    except _GraphQLFailure as exc:
        raise builtin_error("graphql.parse", str(exc)) from None
    return [query_ast, schema_ast]


@BUILTINS.builtin("graphql.parse_and_verify", category="GraphQL")
def graphql_parse_and_verify(query: Any, schema: Any) -> list[Any]:
    if not isinstance(query, (str, dict)) or not isinstance(schema, (str, dict)):
        return [False, {}, {}]
    try:
        query_ast, schema_ast = _parse_and_validate("graphql.parse_and_verify", query, schema)
    except _GraphQLFailure:
        return [False, {}, {}]
    return [True, query_ast, schema_ast]


@BUILTINS.builtin("graphql.parse_query", category="GraphQL")
def graphql_parse_query(query: Any) -> dict[str, Any]:
    text = check_string("graphql.parse_query", query, 1)
    try:
        return _prune(_query_document(_parse_query(text)))
    except _GraphQLFailure as exc:
        raise builtin_error("graphql.parse_query", str(exc)) from None


@BUILTINS.builtin("graphql.parse_schema", category="GraphQL")
def graphql_parse_schema(schema: Any) -> dict[str, Any]:
    text = check_string("graphql.parse_schema", schema, 1)
    try:
        return _prune(_schema_document(_parse_schema(text)))
    except _GraphQLFailure as exc:
        raise builtin_error("graphql.parse_schema", str(exc)) from None


@BUILTINS.builtin("graphql.is_valid", category="GraphQL")
def graphql_is_valid(query: Any, schema: Any) -> bool:
    if not isinstance(query, (str, dict)) or not isinstance(schema, (str, dict)):
        return False
    try:
        query_doc = _query_from("graphql.is_valid", query, 0)
        schema_doc = _schema_from("graphql.is_valid", schema, 1)
        _validate(_build_schema(schema_doc), query_doc)
    except _GraphQLFailure:
        return False
    return True


@BUILTINS.builtin("graphql.schema_is_valid", category="GraphQL")
def graphql_schema_is_valid(schema: Any) -> bool:
    if not isinstance(schema, (str, dict)):
        return False
    try:
        _build_schema(_schema_from("graphql.schema_is_valid", schema, 0))
    except _GraphQLFailure:
        return False
    return True
