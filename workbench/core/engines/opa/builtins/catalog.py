"""Imports every builtin category module, filling :data:`REGISTRY`.

Each public module of this package (``strings.py``, ``time.py`` ...) is one OPA
category and registers its functions on import; this module imports them all.
"""

from __future__ import annotations

import importlib
import pkgutil

import workbench.core.engines.opa.builtins as _package

CATEGORY_MODULES: tuple[str, ...] = tuple(
    sorted(
        info.name
        for info in pkgutil.iter_modules(_package.__path__)
        if not info.name.startswith("_") and info.name != "catalog"
    )
)

for _name in CATEGORY_MODULES:
    importlib.import_module(f"{_package.__name__}.{_name}")
