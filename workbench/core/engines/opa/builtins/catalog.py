"""Imports every builtin category module, filling :data:`REGISTRY`.

Each category module registers its functions on import; add new modules here.
"""

from __future__ import annotations

import importlib

CATEGORY_MODULES: tuple[str, ...] = ()

for _name in CATEGORY_MODULES:
    importlib.import_module(f"workbench.core.engines.opa.builtins.{_name}")
