"""OPA "OPA runtime" builtin: ``opa.runtime``.

OPA returns the runtime's ``{"env", "config", "version", "commit"}`` object when
it runs as a server and ``{}`` when embedded without one (as in Wasm SDKs). The
workbench returns an object of the same shape that leaks nothing from the host:
no environment variables, no configuration, the workbench's own version, and
``"policy_workbench": true`` so a policy can tell where it runs.
"""

from __future__ import annotations

from typing import Any

from workbench import __version__
from workbench.core.engines.opa.builtins._registry import BuiltinTable

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__: list[str] = []


@BUILTINS.builtin("opa.runtime", category="OPA runtime", deterministic=False)
def opa_runtime() -> dict[str, Any]:
    return {"env": {}, "config": {}, "version": __version__, "policy_workbench": True}
