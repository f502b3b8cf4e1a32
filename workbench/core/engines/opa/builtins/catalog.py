"""The explicit list of builtin category modules and the table built from them.

Each category module (``strings.py``, ``time.py`` ...) declares its functions on its own
``BUILTINS`` :class:`~workbench.core.engines.opa.builtins._registry.BuiltinTable`;
:func:`build_registry` imports exactly the modules named here and merges their tables,
refusing a name declared twice. Nothing depends on import order: :data:`REGISTRY`
builds the table on first use. A new category module must be added to
:data:`CATEGORY_MODULES` (``tests/core/engines/opa/builtins/test_catalog.py`` checks that
none is forgotten). See docs/builtins.md.
"""

from __future__ import annotations

import importlib

from workbench.core.engines.opa.builtins._registry import Builtin, BuiltinTable

__all__ = ["CATEGORY_MODULES", "build_registry"]

CATEGORY_MODULES: tuple[str, ...] = (
    "array",
    "casts",
    "crypto",
    "debugging",
    "encoding",
    "glob",
    "graph",
    "graphql",
    "http",
    "json",
    "jwt",
    "net",
    "numbers",
    "object",
    "providers",
    "rand",
    "regex",
    "rego",
    "runtime",
    "semver",
    "sprintf",
    "strings",
    "time",
    "units",
    "uri",
    "uuid",
    "yaml",
)


def build_registry() -> dict[str, Builtin]:
    """Rego name -> builtin, merged from every category module's table."""
    table: dict[str, Builtin] = {}
    for name in CATEGORY_MODULES:
        module = importlib.import_module(f"workbench.core.engines.opa.builtins.{name}")
        entries: BuiltinTable = module.BUILTINS
        for builtin_name, entry in entries.entries.items():
            if builtin_name in table:
                raise RuntimeError(f"builtin {builtin_name} is declared by two category modules")
            table[builtin_name] = entry
    return table
