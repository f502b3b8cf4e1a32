"""What an OPA module needs and offers, without evaluating anything.

The module is compiled and instantiated with inert host functions (its start
function only initialises the heap) to read the ABI version globals and the
``builtins`` / ``entrypoints`` maps. Results are memoised per sha256. Used by
``inspect``, the GUI and :class:`~workbench.core.engines.opa.engine.OpaEngine`
(which refuses to evaluate when a builtin is missing, like Burrego's
``MissingRegoBuiltins``).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import wasmtime

from workbench.core import cache
from workbench.core.engines import runtime
from workbench.core.engines.base import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT
from workbench.core.engines.opa.abi import OpaInstance, check_opa_exports
from workbench.core.errors import InputError, ModuleError

if TYPE_CHECKING:
    from workbench.core.module import PolicyModule

__all__ = [
    "OpaModuleInfo",
    "abi_version",
    "available_builtins",
    "compiled_module",
    "entrypoints",
    "inspect_opa_module",
    "missing_builtins",
    "mode_warnings",
    "required_builtins",
    "resolve_entrypoint",
]

SET_RULE_NAMES = frozenset({"deny", "violation", "warn", "allow_list", "violations"})


@dataclasses.dataclass(frozen=True)
class OpaModuleInfo:
    """Static facts about an OPA ABI module."""

    abi_version: tuple[int, int]
    #: entrypoint name -> id
    entrypoints: dict[str, int]
    #: host builtin name -> id (only builtins the host must supply)
    builtins: dict[str, int]
    #: "opa_eval" (ABI >= 1.2 fast path) or "context" (eval-context calls)
    flow: str
    initial_memory_pages: int

    @property
    def abi_version_text(self) -> str:
        return f"{self.abi_version[0]}.{self.abi_version[1]}"

    @property
    def required_builtins(self) -> list[str]:
        return sorted(self.builtins)

    def entrypoint_name(self, entrypoint_id: int) -> str | None:
        for name, value in self.entrypoints.items():
            if value == entrypoint_id:
                return name
        return None


_lock = threading.Lock()
_memo: dict[str, OpaModuleInfo] = {}


def _data_and_hash(module: PolicyModule | Any) -> tuple[bytes, str]:
    data = getattr(module, "data", None)
    sha = getattr(module, "sha256", None)
    if not isinstance(data, (bytes, bytearray)) or not isinstance(sha, str):
        raise TypeError("expected a PolicyModule (with .data bytes and .sha256)")
    return bytes(data), sha


def compiled_module(module: PolicyModule | Any, *, use_cache: bool = True) -> wasmtime.Module:
    """The module compiled for the shared OPA engine (memoised; ModuleError when not valid Wasm)."""
    data, sha = _data_and_hash(module)
    try:
        return cache.compile_module(runtime.shared_engine(), data, sha, use_cache=use_cache)
    except wasmtime.WasmtimeError as exc:
        raise ModuleError(f"the file is not a valid WebAssembly module: {exc}") from None


def inspect_opa_module(
    module: PolicyModule | Any,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
) -> OpaModuleInfo:
    """ABI version, entrypoints and required builtins (UnsupportedAbiError for non-1.x modules).

    The module's own code (start function, the ``builtins``/``entrypoints`` maps) runs under
    ``timeout`` and ``memory_limit`` like any evaluation: EvaluationTimeout / PolicyTrap.
    """
    _, sha = _data_and_hash(module)
    with _lock:
        found = _memo.get(sha)
    if found is not None:
        return found
    compiled = compiled_module(module)
    check_opa_exports({e.name for e in compiled.exports})
    instance = OpaInstance(
        runtime.shared_engine(), compiled, dispatcher=None, memory_limit=memory_limit, timeout=timeout
    )
    instance.close()
    info = OpaModuleInfo(
        abi_version=instance.abi_version,
        entrypoints=dict(instance.entrypoints),
        builtins=dict(instance.builtins),
        flow=instance.flow,
        initial_memory_pages=instance.memory_size() // 65536,
    )
    with _lock:
        _memo[sha] = info
    return info


def abi_version(module: PolicyModule | Any) -> tuple[int, int] | None:
    """OPA Wasm ABI (major, minor), or None when the module does not speak OPA ABI 1.x."""
    try:
        return inspect_opa_module(module).abi_version
    except ModuleError:
        return None


def entrypoints(module: PolicyModule | Any) -> dict[str, int]:
    return dict(inspect_opa_module(module).entrypoints)


def required_builtins(module: PolicyModule | Any) -> list[str]:
    return inspect_opa_module(module).required_builtins


def available_builtins(extra: Iterable[str] = ()) -> set[str]:
    """Names of every host builtin the workbench implements, plus ``extra``."""
    from workbench.core.engines.opa.builtins._registry import REGISTRY

    return set(REGISTRY) | set(extra)


def missing_builtins(module: PolicyModule | Any, extra_builtins: Iterable[str] = ()) -> list[str]:
    """Builtins the module needs that are neither implemented nor supplied as extras (sorted)."""
    available = available_builtins(extra_builtins)
    return [name for name in required_builtins(module) if name not in available]


def resolve_entrypoint(info: OpaModuleInfo, entrypoint: str | int | None) -> int:
    """Entrypoint id from a name, an id, a numeric string, or None (id 0, like Kubewarden)."""
    ids = set(info.entrypoints.values())
    listing = ", ".join(
        f"{name} ({value})" for name, value in sorted(info.entrypoints.items(), key=lambda i: i[1])
    )
    if entrypoint is None:
        entrypoint = 0
    if isinstance(entrypoint, str):
        if entrypoint in info.entrypoints:
            return info.entrypoints[entrypoint]
        stripped = entrypoint.strip().replace(".", "/")
        if stripped.startswith("data/"):
            stripped = stripped[len("data/") :]
        if stripped in info.entrypoints:
            return info.entrypoints[stripped]
        if entrypoint.strip().isascii() and entrypoint.strip().isdigit():
            entrypoint = int(entrypoint.strip())
        else:
            raise InputError(f"unknown entrypoint {entrypoint!r}; the module has: {listing or 'none'}")
    if isinstance(entrypoint, bool) or not isinstance(entrypoint, int) or entrypoint not in ids:
        raise InputError(f"unknown entrypoint id {entrypoint!r}; the module has: {listing or 'none'}")
    return entrypoint


def mode_warnings(
    module: PolicyModule | Any, execution_mode: str, entrypoint: str | int | None = None
) -> list[str]:
    """Static warnings about running ``module`` in ``execution_mode`` (for ``inspect`` and ``run -v``)."""
    out: list[str] = []
    kind = getattr(module, "kind", "opa")
    if kind != "opa":
        out.append(
            f"the module is a {kind} module, not an OPA Wasm module, but runs in {execution_mode} mode"
        )
    metadata = getattr(module, "metadata", None)
    declared = getattr(metadata, "execution_mode", None) if metadata is not None else None
    if declared and declared != execution_mode:
        out.append(
            f"the module's metadata declares executionMode {declared}, but it runs in {execution_mode} mode"
        )
    try:
        info = inspect_opa_module(module)
        ep_id = resolve_entrypoint(info, entrypoint)
    except (ModuleError, InputError) as exc:
        out.append(str(exc))
        return out
    name = info.entrypoint_name(ep_id) or str(ep_id)
    rule = name.rsplit("/", 1)[-1]
    if execution_mode == "gatekeeper" and rule != "violation":
        out.append(
            f"gatekeeper mode evaluates entrypoint {ep_id} ({name}), which is not a `violation` rule; "
            "Gatekeeper policies are built with `opa build -e <package>/violation`"
        )
    if execution_mode == "opa" and rule in SET_RULE_NAMES:
        out.append(
            f"opa mode evaluates entrypoint {ep_id} ({name}), which looks like a set of messages; opa mode "
            "needs an entrypoint returning an object with a `response` (AdmissionResponse)"
        )
    return out
