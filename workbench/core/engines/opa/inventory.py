"""Context-aware ``data`` for Rego policies, built from Kubernetes objects.

* :func:`opa_inventory` — kube-mgmt layout used by Kubewarden's opa mode
  (docs/kubewarden-compat.md §7.3): ``data.kubernetes.<plural>.<namespace>.<name>`` for namespaced
  objects, ``data.kubernetes.<plural>.<name>`` for cluster-scoped ones.
* :func:`gatekeeper_inventory` — Gatekeeper's sync layout (docs/kubewarden-compat.md §7.3):
  ``data.inventory.cluster.<groupVersion>.<Kind>.<name>`` and
  ``data.inventory.namespace.<namespace>.<groupVersion>.<Kind>.<name>``.

Both take any iterable of Kubernetes objects (dicts) and a
``plural_name(api_version, kind) -> str`` function, so they do not depend on
how the cluster snapshot stores its objects. An object is namespaced when it
has a non-empty ``metadata.namespace``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from workbench.core.errors import InputError

__all__ = ["gatekeeper_inventory", "inventory_from_lists", "object_identity", "opa_inventory"]

PluralName = Callable[[str, str], str]


def object_identity(obj: Any) -> tuple[str, str, str, str | None]:
    """``(apiVersion, kind, name, namespace)`` of a Kubernetes object; InputError when incomplete."""
    if not isinstance(obj, dict):
        raise InputError(f"cluster object is not a JSON object: {type(obj).__name__}")
    api_version = obj.get("apiVersion")
    kind = obj.get("kind")
    metadata = obj.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(api_version, str) or not api_version:
        raise InputError(f"cluster object without apiVersion (kind {kind!r}, name {name!r})")
    if not isinstance(kind, str) or not kind:
        raise InputError(f"cluster object without kind (apiVersion {api_version!r}, name {name!r})")
    if not isinstance(name, str) or not name:
        raise InputError(f"cluster object {api_version}/{kind} without metadata.name")
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    if namespace is not None and not isinstance(namespace, str):
        raise InputError(f"cluster object {api_version}/{kind} {name}: metadata.namespace is not a string")
    return api_version, kind, name, namespace or None


def opa_inventory(objects: Iterable[Any], plural_name: PluralName) -> dict[str, Any]:
    """The value of ``data.kubernetes`` for opa mode."""
    inventory: dict[str, Any] = {}
    for obj in objects:
        api_version, kind, name, namespace = object_identity(obj)
        plural = plural_name(api_version, kind)
        bucket = inventory.setdefault(plural, {})
        if namespace is None:
            bucket[name] = obj
        else:
            bucket.setdefault(namespace, {})[name] = obj
    return inventory


def gatekeeper_inventory(objects: Iterable[Any]) -> dict[str, Any]:
    """The value of ``data.inventory`` for gatekeeper mode (``cluster`` and ``namespace`` always present)."""
    cluster: dict[str, Any] = {}
    namespaced: dict[str, Any] = {}
    for obj in objects:
        api_version, kind, name, namespace = object_identity(obj)
        if namespace is None:
            cluster.setdefault(api_version, {}).setdefault(kind, {})[name] = obj
        else:
            namespaced.setdefault(namespace, {}).setdefault(api_version, {}).setdefault(kind, {})[name] = obj
    return {"cluster": cluster, "namespace": namespaced}


def inventory_from_lists(
    execution_mode: str,
    lists: dict[tuple[str, str], list[dict[str, Any]]],
    plural_names: dict[tuple[str, str], str],
    plural_name: PluralName,
) -> dict[str, Any]:
    """The inventory from per-type object lists, as kwctl builds it from its list-all answers.

    Objects are keyed by their resource type (list items carry no ``apiVersion``/``kind``),
    their ``metadata.name`` and ``metadata.namespace``; plural names come from
    ``plural_names`` (the recorded answers) or ``plural_name``.
    """
    if execution_mode == "opa":
        kube: dict[str, Any] = {}
        for (api_version, kind), objects in sorted(lists.items()):
            plural = plural_names.get((api_version, kind)) or plural_name(api_version, kind)
            bucket = kube.setdefault(plural, {})
            for obj in objects:
                name, namespace = _name_and_namespace(obj, api_version, kind)
                if namespace is None:
                    bucket[name] = obj
                else:
                    bucket.setdefault(namespace, {})[name] = obj
        return kube
    cluster: dict[str, Any] = {}
    namespaced: dict[str, Any] = {}
    for (api_version, kind), objects in sorted(lists.items()):
        for obj in objects:
            name, namespace = _name_and_namespace(obj, api_version, kind)
            if namespace is None:
                cluster.setdefault(api_version, {}).setdefault(kind, {})[name] = obj
            else:
                namespaced.setdefault(namespace, {}).setdefault(api_version, {}).setdefault(kind, {})[name] = obj
    return {"cluster": cluster, "namespace": namespaced}


def _name_and_namespace(obj: dict[str, Any], api_version: str, kind: str) -> tuple[str, str | None]:
    metadata = obj.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(name, str) or not name:
        raise InputError(f"a listed {api_version}/{kind} object has no metadata.name")
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    if namespace is not None and not isinstance(namespace, str):
        raise InputError(f"{api_version}/{kind} {name}: metadata.namespace is not a string")
    return name, namespace or None
