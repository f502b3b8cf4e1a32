"""How an admission request becomes Rego ``input``/``data`` and how a Rego result becomes an AdmissionResponse.

Shared by every Rego engine — the OPA Wasm ABI engine
(:class:`~workbench.core.engines.opa.engine.OpaEngine`) and the Rego-from-source
interpreter (:class:`~workbench.core.engines.rego_source.RegoSourceEngine`) — so
that both see exactly the same documents and are judged by the same rules
(docs/kubewarden-compat.md §7):

* **opa** (kube-mgmt style): ``input = {"request": <request>}``, ``data =
  settings`` plus ``data.kubernetes`` (context-aware inventory); the entrypoint's
  value must hold ``response`` (an AdmissionResponse; its ``uid`` is overwritten
  with the request's).
* **gatekeeper**: ``input = {"parameters": settings, "review": <request>}``,
  ``data = {}`` plus ``data.inventory``; the entrypoint is a set of violations
  whose ``msg`` strings are joined with ``", "``.

``output`` below is always an OPA *result set*: ``[{"result": value}]``, or
``[]`` when the entrypoint is undefined.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from workbench.core.engines.opa.inventory import gatekeeper_inventory, opa_inventory
from workbench.core.engines.response import AdmissionResponse, internal_error
from workbench.core.errors import EvaluationError, InputError

__all__ = [
    "CANNOT_INTERPRET",
    "GATEKEEPER_RAW",
    "build_inventory",
    "encode_json",
    "gatekeeper_data",
    "gatekeeper_input",
    "gatekeeper_input_json",
    "gatekeeper_response",
    "opa_data",
    "opa_input",
    "opa_input_json",
    "opa_response",
]

CANNOT_INTERPRET = "cannot interpret OPA policy result"
GATEKEEPER_RAW = "Gatekeeper does not support raw validation requests"
KUBERNETES_OVERWRITTEN = (
    "the setting `kubernetes` is overwritten by the context-aware inventory (data.kubernetes)"
)


def encode_json(value: Any, what: str) -> bytes:
    """Compact JSON bytes; :class:`InputError` naming ``what`` when the value is not JSON."""
    try:
        return json.dumps(value, separators=(",", ":"), allow_nan=False).encode("ascii")
    except (TypeError, ValueError) as exc:
        raise InputError(f"the {what} cannot be encoded as JSON: {exc}") from None


# -- input -------------------------------------------------------------------------------
def opa_input(request: Any) -> dict[str, Any]:
    return {"request": request}


def gatekeeper_input(request: Any, settings: dict[str, Any]) -> dict[str, Any]:
    return {"parameters": settings, "review": request}


def opa_input_json(request_json: bytes) -> bytes:
    """:func:`opa_input` on already-encoded JSON (no re-encoding of large requests)."""
    return b'{"request":' + request_json + b"}"


def gatekeeper_input_json(request_json: bytes, settings_json: bytes) -> bytes:
    return b'{"parameters":' + settings_json + b',"review":' + request_json + b"}"


# -- data --------------------------------------------------------------------------------
def build_inventory(
    execution_mode: str,
    context_aware_resources: tuple[tuple[str, str], ...] | list[Any],
    snapshot: Any,
) -> dict[str, Any] | None:
    """The context-aware inventory, or None when the policy is granted no resources.

    Only objects of the granted ``context_aware_resources`` types are included
    (Kubewarden fetches exactly those); granted types with no snapshot give an
    empty inventory.
    """
    allowed = {tuple(pair) for pair in context_aware_resources}
    if not allowed:
        return None
    objects = [] if snapshot is None else list(snapshot.objects())
    objects = [o for o in objects if isinstance(o, dict) and (o.get("apiVersion"), o.get("kind")) in allowed]
    if execution_mode == "opa":
        from workbench.core.engines.hostcaps.snapshot import plural_name

        return opa_inventory(objects, snapshot.plural_name if snapshot is not None else plural_name)
    return gatekeeper_inventory(objects)


def opa_data(
    settings: dict[str, Any],
    inventory: dict[str, Any] | None,
    warn: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """``data`` in opa mode: the settings, with ``kubernetes`` replaced by the inventory when granted."""
    if inventory is None:
        return settings
    if "kubernetes" in settings and warn is not None:
        warn(KUBERNETES_OVERWRITTEN)
    return {**settings, "kubernetes": inventory}


def gatekeeper_data(inventory: dict[str, Any] | None) -> dict[str, Any]:
    return {} if inventory is None else {"inventory": inventory}


# -- response ----------------------------------------------------------------------------
def opa_response(uid: str, output: Any) -> AdmissionResponse | None:
    """The AdmissionResponse of an opa-mode result set; None when it has no ``response`` object.

    (The caller reports None as ``internal_error(uid, CANNOT_INTERPRET)`` with a warning.)
    """
    try:
        raw = output[0]["result"]["response"]
    except (IndexError, KeyError, TypeError):
        return None
    try:
        response = AdmissionResponse.from_dict(raw)
    except EvaluationError as exc:
        return internal_error(uid, str(exc))
    response.uid = uid
    return response


def gatekeeper_response(uid: str, output: Any) -> AdmissionResponse:
    """Violations' ``msg`` joined with ``", "``; no (or unreadable) violations → allowed."""
    violations = None
    if isinstance(output, list) and output and isinstance(output[0], dict):
        violations = output[0].get("result")
    if not isinstance(violations, list) or not violations:
        return AdmissionResponse(uid=uid, allowed=True)
    messages: list[str] = []
    for violation in violations:
        if not isinstance(violation, dict):
            return AdmissionResponse(
                uid=uid, allowed=True
            )  # unreadable: Kubewarden falls back to "no violations"
        msg = violation.get("msg")
        if msg is None:
            continue
        if not isinstance(msg, str):
            return AdmissionResponse(uid=uid, allowed=True)
        messages.append(msg)
    return AdmissionResponse(uid=uid, allowed=False, status={"message": ", ".join(messages)})
