"""``glob.quote_meta`` (category "Glob"); ``glob.match`` itself is native in the Wasm module."""

from __future__ import annotations

from typing import Any

from workbench.core.engines.opa.builtins._operands import check_string
from workbench.core.engines.opa.builtins._registry import BuiltinTable

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["quote_meta"]

_SPECIAL = frozenset("*?\\[]{}")


def quote_meta(s: str) -> str:
    """gobwas/glob ``QuoteMeta``: backslash before ``* ? \\ [ ] { }``."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in s)


@BUILTINS.builtin("glob.quote_meta", category="Glob")
def glob_quote_meta(pattern: Any) -> str:
    return quote_meta(check_string("glob.quote_meta", pattern, 1))
