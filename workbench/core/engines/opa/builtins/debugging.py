"""OPA "Debugging" builtins implemented by the host: ``trace``.

``trace(note)`` adds a note to the evaluation trace and is always true; here the
note goes to the evaluation's log (``BuiltinContext.log``).
"""

from __future__ import annotations

from typing import Any

from workbench.core.engines.opa.builtins._operands import check_string
from workbench.core.engines.opa.builtins._registry import BuiltinContext, BuiltinTable

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__: list[str] = []


@BUILTINS.builtin("trace", category="Debugging", needs_context=True, deterministic=False)
def trace(ctx: BuiltinContext, note: Any) -> bool:
    text = check_string("trace", note, 1)
    ctx.log(text)
    return True
