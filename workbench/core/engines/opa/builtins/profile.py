"""Builtin profiles: which OPA host builtins exist, and how they format, for a Rego Wasm module.

* :attr:`BuiltinProfile.OPA` — every OPA v1.20.2 host builtin, formatted exactly as OPA does
  (the workbench's own table, :data:`~workbench.core.engines.opa.builtins.REGISTRY`).
* :attr:`BuiltinProfile.KUBEWARDEN` — what Kubewarden's policy-server really provides to Rego:
  only the builtins of Burrego's table, listed with its source version in the data file
  ``kubewarden_profile.json`` next to this module, and Burrego's own ``sprintf`` formatting
  (``_gtmpl``). A module that needs any other host builtin is refused before it runs, as
  policy-server refuses it (``Missing Rego builtins: …``).

See docs/builtins.md, "Builtin profiles".
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
from collections.abc import Iterable
from importlib import resources
from typing import TYPE_CHECKING

from workbench.core.errors import EvaluationError, MissingBuiltinError

if TYPE_CHECKING:
    from workbench.core.engines.opa.builtins._registry import BuiltinOptions
    from workbench.core.module import PolicyModule

__all__ = [
    "BuiltinProfile",
    "KubewardenMissingBuiltinError",
    "KubewardenProfile",
    "kubewarden_missing_builtins",
    "kubewarden_profile",
    "missing_builtin_error",
    "profile_missing_builtins",
    "profile_of",
    "profile_provides",
]

DATA_FILE = "kubewarden_profile.json"


class BuiltinProfile(enum.StrEnum):
    """Which host builtins a Rego Wasm module gets (``--builtins``)."""

    #: exactly Kubewarden's policy-server (Burrego): its builtins only, its formatting
    KUBEWARDEN = "kubewarden"
    #: every OPA host builtin, exactly as OPA computes it
    OPA = "opa"


@dataclasses.dataclass(frozen=True)
class KubewardenProfile:
    """The contents of ``kubewarden_profile.json``."""

    #: the host builtin names Burrego registers (exactly as spelled there)
    builtins: frozenset[str]
    #: where the list comes from: repository, commit, file, burrego/kwctl versions …
    source: dict[str, str]
    #: remarks on single entries (misnamed or dead ones)
    notes: dict[str, str]

    @property
    def burrego_version(self) -> str:
        return self.source.get("burrego_version", "?")

    @property
    def label(self) -> str:
        """``1.36.0-beta.1, Burrego 0.3.4`` — for messages."""
        server = self.source.get("policy_server_version")
        return f"{server}, Burrego {self.burrego_version}" if server else f"Burrego {self.burrego_version}"


@functools.cache
def kubewarden_profile() -> KubewardenProfile:
    """The Burrego builtin table shipped as package data (read once)."""
    text = resources.files(__package__ or "workbench.core.engines.opa.builtins").joinpath(DATA_FILE)
    data = json.loads(text.read_text(encoding="utf-8"))
    names = data["builtins"]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{DATA_FILE}: 'builtins' must be a list of names")
    return KubewardenProfile(
        builtins=frozenset(names),
        source={str(k): str(v) for k, v in data["source"].items()},
        notes={str(k): str(v) for k, v in data.get("notes", {}).items()},
    )


def profile_of(options: BuiltinOptions | None) -> BuiltinProfile:
    """The profile of ``options`` (``opa`` without options)."""
    return BuiltinProfile(options.profile) if options is not None else BuiltinProfile.OPA


def profile_provides(profile: BuiltinProfile | str, name: str) -> bool:
    """Whether a module needing the host builtin ``name`` gets it under ``profile``.

    Native builtins (compiled into the module) never reach the host and are provided
    under every profile.
    """
    from workbench.core.engines.opa.builtins.status import COMPILED_AWAY, NATIVE_BUILTINS, builtin_status

    if name in NATIVE_BUILTINS or name in COMPILED_AWAY:
        return True
    if BuiltinProfile(profile) is BuiltinProfile.KUBEWARDEN:
        return name in kubewarden_profile().builtins
    return builtin_status(name) in ("host", "disabled")


def profile_missing_builtins(required: Iterable[str], options: BuiltinOptions | None) -> list[str]:
    """The builtins of ``required`` that the profile of ``options`` withholds (sorted).

    Under ``opa`` this is always empty: what the workbench lacks is the engine's own
    ``missing`` list. Under ``kubewarden`` it is every required host builtin that is not
    in Burrego's table.
    """
    if profile_of(options) is BuiltinProfile.OPA:
        return []
    return sorted({name for name in required if not profile_provides(BuiltinProfile.KUBEWARDEN, name)})


def kubewarden_missing_builtins(module_or_names: PolicyModule | Iterable[str]) -> list[str]:
    """The host builtins a Rego Wasm module needs that Kubewarden's policy-server lacks (sorted).

    Takes a compiled OPA module (its ``builtins`` export is read) or the names themselves;
    ``inspect`` shows the result as a warning.
    """
    if isinstance(module_or_names, (str, bytes)):
        raise TypeError("give a module or an iterable of builtin names, not a single string")
    if hasattr(module_or_names, "data"):
        from workbench.core.engines.opa import preflight

        names: Iterable[str] = preflight.required_builtins(module_or_names)
    else:
        names = module_or_names  # type: ignore[assignment]
    return sorted({name for name in names if not profile_provides(BuiltinProfile.KUBEWARDEN, name)})


class KubewardenMissingBuiltinError(MissingBuiltinError):
    """The policy needs OPA builtins that Kubewarden's policy-server does not provide.

    Names each builtin, says why (not in Burrego's table, or registered there under another
    name) and that the policy runs under ``--builtins opa``.
    """

    def __init__(self, missing: Iterable[str], unimplemented: Iterable[str] = ()) -> None:
        profile = kubewarden_profile()
        names = sorted(set(missing))
        details = []
        for name in names:
            alias = _registered_alias(name)
            if alias:
                details.append(f"{name} (Burrego registers it as {alias!r}, a name no module asks for)")
            else:
                details.append(name)
        self.missing = names
        self.unimplemented = sorted(set(unimplemented))
        message = (
            f"Kubewarden's policy-server ({profile.label}) does not provide the OPA "
            f"builtin{'s' if len(names) != 1 else ''} this policy needs: {', '.join(details)}; "
            "it would refuse the policy (Missing Rego builtins). "
        )
        not_here = [n for n in names if n in self.unimplemented]
        if len(not_here) == len(names):
            message += "The workbench does not implement " + ", ".join(not_here) + " either."
        elif not_here:
            message += (
                "The policy gets the others under --builtins opa; the workbench does not implement "
                + ", ".join(not_here)
                + "."
            )
        else:
            message += "The policy runs under --builtins opa (every OPA builtin, exact OPA formatting)."
        EvaluationError.__init__(self, message)


def _registered_alias(name: str) -> str:
    """Burrego's misspelt registration of ``name`` (``time.date`` -> ``date``), if any."""
    short = name.rsplit(".", 1)[-1]
    if short != name and short in kubewarden_profile().builtins:
        return short
    return ""


def missing_builtin_error(missing: Iterable[str], options: BuiltinOptions | None) -> MissingBuiltinError:
    """The error for a module whose needed builtins ``missing`` are unavailable under ``options``.

    Under ``kubewarden`` the Kubewarden wording (naming each builtin and ``--builtins opa``);
    otherwise the plain "not implemented" error.
    """
    names = sorted(set(missing))
    if profile_of(options) is BuiltinProfile.KUBEWARDEN:
        unimplemented = [n for n in names if not profile_provides(BuiltinProfile.OPA, n)]
        return KubewardenMissingBuiltinError(names, unimplemented)
    return MissingBuiltinError(names)
