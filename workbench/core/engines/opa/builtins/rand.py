"""OPA "Random" builtin: ``rand.intn`` (``topdown/numbers.go``).

``rand.intn(str, n)`` is a random integer in ``[0, |n|)``, the same for the same
``(str, |n|)`` within one evaluation (memoised in ``BuiltinContext.cache``);
``n == 0`` gives 0.
"""

from __future__ import annotations

import secrets
from typing import Any

from workbench.core.engines.opa.builtins._operands import check_string
from workbench.core.engines.opa.builtins._registry import BuiltinContext, BuiltinTable
from workbench.core.engines.opa.builtins.numbers import int_operand

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__: list[str] = []


@BUILTINS.builtin("rand.intn", category="Random", needs_context=True, deterministic=False)
def rand_intn(ctx: BuiltinContext, key: Any, n: Any) -> int:
    name = "rand.intn"
    text = check_string(name, key, 1)
    bound = int_operand(name, n, 2)
    if bound == 0:
        return 0
    bound = abs(bound)
    cache_key = ("rand.intn", f"{text}-{bound}")
    cached = ctx.cache.get(cache_key)
    if cached is None:
        cached = secrets.randbelow(bound)
        ctx.cache[cache_key] = cached
    return cached
