"""The name -> function table of host-provided OPA builtins.

Modelled on Burrego's ``builtins/mod.rs``: every category module
(``strings.py``, ``time.py`` ...) decorates its functions with
:meth:`BuiltinTable.builtin` on its own ``BUILTINS`` table; :mod:`.catalog` lists the
category modules explicitly and :data:`REGISTRY` (built from them on first use) maps the Rego name
(exactly what a Wasm module lists in its ``builtins`` export) to a
:class:`Builtin`.

Value model (shared by every builtin):

* JSON values as Python values: ``None``, ``bool``, ``int`` (integers, any
  size), ``float`` (non-integral or float-literal numbers; may be a subclass
  carrying the exact source text, see ``_values``), ``str``, ``list``,
  ``dict`` (string keys, or any hashable-encoded key for Rego objects), and
  :class:`RegoSet` for Rego sets.
* A builtin returns a value, or :data:`UNDEFINED` when OPA's expression is
  undefined (the host then returns 0 to the module).
* A failure raises :class:`~workbench.core.errors.BuiltinError` whose message
  is exactly OPA's (``"<name>: <detail>"``); use :func:`type_error` /
  :func:`builtin_error` to build them.
"""

from __future__ import annotations

import dataclasses
import time as _time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from workbench.core.engines.opa.builtins._values import RegoSet
from workbench.core.engines.opa.builtins.profile import BuiltinProfile
from workbench.core.errors import BuiltinError

__all__ = [
    "REGISTRY",
    "UNDEFINED",
    "Builtin",
    "BuiltinContext",
    "BuiltinOptions",
    "BuiltinTable",
    "RegoSet",
    "builtin_error",
    "type_error",
]


class _Undefined:
    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Any = _Undefined()


@dataclasses.dataclass
class BuiltinOptions:
    """How host builtins behave for one module: the profile, and switches for builtins that reach
    outside the sandbox (off by default).

    ``profile`` (see docs/builtins.md, "Builtin profiles"): :attr:`BuiltinProfile.OPA` gives every
    OPA builtin with OPA's results (the default, as ``eval``); :attr:`BuiltinProfile.KUBEWARDEN`
    gives only what Kubewarden's policy-server provides (Burrego's builtins and formatting), as
    ``run`` emulates it.
    """

    allow_http_send: bool = False
    allow_net_lookup: bool = False
    http_timeout: float = 5.0
    profile: BuiltinProfile = BuiltinProfile.OPA

    def __post_init__(self) -> None:
        self.profile = BuiltinProfile(self.profile)  # accepts "kubewarden" / "opa"; anything else: ValueError


@dataclasses.dataclass
class BuiltinContext:
    """Per-evaluation state.

    OPA fixes ``time.now_ns`` once per evaluation and memoises ``rand.intn``
    and ``uuid.rfc4122`` per evaluation: :attr:`cache` is that memo, and a new
    context (or :meth:`reset`) starts a new evaluation.
    """

    options: BuiltinOptions = dataclasses.field(default_factory=BuiltinOptions)
    log: Callable[[str], None] = lambda _message: None
    now_ns: int = dataclasses.field(default_factory=_time.time_ns)
    cache: dict[Any, Any] = dataclasses.field(default_factory=dict)

    def reset(self) -> None:
        self.now_ns = _time.time_ns()
        self.cache.clear()


BuiltinFn = Callable[..., Any]


@dataclasses.dataclass(frozen=True)
class Builtin:
    name: str
    fn: BuiltinFn
    category: str
    #: the function takes the BuiltinContext as first argument
    needs_context: bool = False
    #: False for builtins that are disabled unless an option enables them
    enabled_by_default: bool = True
    #: non-deterministic builtins (time.now_ns, rand.intn, http.send, ...)
    deterministic: bool = True

    def __call__(self, ctx: BuiltinContext, args: list[Any]) -> Any:
        if self.needs_context:
            return self.fn(ctx, *args)
        return self.fn(*args)


class BuiltinTable:
    """The builtins of one category module, collected explicitly by
    :func:`~workbench.core.engines.opa.builtins.catalog.build_registry` (no global is filled
    as a side effect of importing a module)."""

    def __init__(self) -> None:
        self.entries: dict[str, Builtin] = {}

    def builtin(
        self,
        name: str,
        *,
        category: str,
        needs_context: bool = False,
        enabled_by_default: bool = True,
        deterministic: bool = True,
    ) -> Callable[[BuiltinFn], BuiltinFn]:
        """Declare ``fn`` as the host implementation of the OPA builtin ``name``."""

        def decorate(fn: BuiltinFn) -> BuiltinFn:
            if name in self.entries:
                raise RuntimeError(f"builtin {name} declared twice")
            self.entries[name] = Builtin(
                name=name,
                fn=fn,
                category=category,
                needs_context=needs_context,
                enabled_by_default=enabled_by_default,
                deterministic=deterministic,
            )
            return fn

        return decorate


class _Registry(Mapping[str, Builtin]):
    """The whole table, built once on first use from the explicit list of category modules."""

    def __init__(self) -> None:
        self._table: dict[str, Builtin] | None = None

    def _entries(self) -> dict[str, Builtin]:
        if self._table is None:
            from workbench.core.engines.opa.builtins.catalog import build_registry

            self._table = build_registry()
        return self._table

    def __getitem__(self, name: str) -> Builtin:
        return self._entries()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries())

    def __len__(self) -> int:
        return len(self._entries())

    def __contains__(self, name: object) -> bool:
        return name in self._entries()


#: Rego name -> :class:`Builtin`, for every host builtin (read-only; see :class:`BuiltinTable`)
REGISTRY: Mapping[str, Builtin] = _Registry()


def builtin_error(name: str, detail: str) -> BuiltinError:
    """OPA's ``eval_builtin_error``: ``"<name>: <detail>"``."""
    return BuiltinError(f"{name}: {detail}", code="eval_builtin_error")


def type_error(name: str, detail: str) -> BuiltinError:
    """OPA's ``eval_type_error``, e.g. ``"x: operand 1 must be string but got number"``."""
    return BuiltinError(f"{name}: {detail}", code="eval_type_error")
