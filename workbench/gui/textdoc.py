"""Parsing, formatting and converting the YAML/JSON text of the code editors (no Qt here).

Parse errors carry a 1-based line number so the editor can mark the line.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import yaml

from workbench.core import dump_yaml

__all__ = ["ParseError", "ParseResult", "detect_language", "dump", "parse"]

LANGUAGES = ("yaml", "json")


@dataclasses.dataclass(frozen=True)
class ParseError:
    line: int  # 1-based
    column: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclasses.dataclass(frozen=True)
class ParseResult:
    value: Any = None
    error: ParseError | None = None
    empty: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def detect_language(text: str) -> str:
    stripped = text.lstrip()
    return "json" if stripped.startswith(("{", "[")) else "yaml"


def parse(text: str, language: str) -> ParseResult:
    """Parse ``text`` as ``language``; an empty document is ``ParseResult(None, empty=True)``."""
    if not text.strip():
        return ParseResult(None, empty=True)
    if language == "json":
        constants: list[str] = []
        try:
            value = json.loads(text, parse_constant=lambda name: constants.append(name))
        except json.JSONDecodeError as exc:
            return ParseResult(error=ParseError(exc.lineno, exc.colno, exc.msg))
        if constants:  # Python reads NaN and Infinity; JSON (and a run of the policy) does not
            line, column = _position(text, _constant_offset(text))
            return ParseResult(error=ParseError(line, column, f"{constants[0]} is not a JSON value"))
        return ParseResult(value)
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        return ParseResult(error=ParseError(line, column, problem))
    except yaml.YAMLError as exc:
        return ParseResult(error=ParseError(1, 1, str(exc)))
    docs = [d for d in docs if d is not None] or [None]
    if len(docs) > 1:
        return ParseResult(error=ParseError(1, 1, "expected a single YAML document, found several"))
    return ParseResult(docs[0])


def _constant_offset(text: str) -> int:
    """Where the first ``NaN`` / ``Infinity`` / ``-Infinity`` outside a string starts."""
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif text.startswith(("NaN", "Infinity", "-Infinity"), index):
            return index
    return 0


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def dump(value: Any, language: str) -> str:
    """Pretty text of ``value``: JSON with 2-space indent, or block-style YAML in key order."""
    if language == "json":
        return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    return dump_yaml(value)  # the core's dumper: multi-line strings stay block scalars (``|``)
