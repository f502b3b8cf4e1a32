"""An offline cluster: Kubernetes objects loaded from a folder or a multi-document YAML.

:class:`ClusterSnapshot` answers the Kubernetes host capabilities
(``list_resources_by_namespace``, ``list_resources_all``, ``get_resource``) the way
Kubewarden's callback handler does against a live API server, and feeds the OPA
inventory builders (:meth:`ClusterSnapshot.objects`, :meth:`ClusterSnapshot.plural_name`).

Input: a ``.yaml``/``.yml``/``.json`` file (several YAML documents allowed) or a folder
(searched recursively for such files, in sorted order). ``List`` kinds (``v1/List``,
``PodList``, ...) are expanded into their items. Objects need ``apiVersion``, ``kind``
and ``metadata.name``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from workbench.core.engines.hostcaps.selectors import (
    match_fields,
    match_labels,
    parse_field_selector,
    parse_label_selector,
)
from workbench.core.errors import HostCapabilityError, InputError
from workbench.core.yamlio import load_yaml_all, read_text

__all__ = ["CLUSTER_SCOPED_KINDS", "ClusterSnapshot", "apply_field_masks", "plural_name"]

#: kind -> plural resource name for the common built-in kinds
_PLURALS = {
    "Pod": "pods", "Service": "services", "Namespace": "namespaces", "Node": "nodes",
    "ConfigMap": "configmaps", "Secret": "secrets", "ServiceAccount": "serviceaccounts",
    "Endpoints": "endpoints", "EndpointSlice": "endpointslices", "Event": "events",
    "PersistentVolume": "persistentvolumes", "PersistentVolumeClaim": "persistentvolumeclaims",
    "ReplicationController": "replicationcontrollers", "ResourceQuota": "resourcequotas",
    "LimitRange": "limitranges", "PodTemplate": "podtemplates", "Binding": "bindings",
    "Deployment": "deployments", "ReplicaSet": "replicasets", "StatefulSet": "statefulsets",
    "DaemonSet": "daemonsets", "ControllerRevision": "controllerrevisions", "Job": "jobs",
    "CronJob": "cronjobs", "Ingress": "ingresses", "IngressClass": "ingressclasses",
    "NetworkPolicy": "networkpolicies", "Role": "roles", "RoleBinding": "rolebindings",
    "ClusterRole": "clusterroles", "ClusterRoleBinding": "clusterrolebindings",
    "StorageClass": "storageclasses", "CSIDriver": "csidrivers", "CSINode": "csinodes",
    "VolumeAttachment": "volumeattachments", "PriorityClass": "priorityclasses",
    "PodDisruptionBudget": "poddisruptionbudgets", "HorizontalPodAutoscaler": "horizontalpodautoscalers",
    "CustomResourceDefinition": "customresourcedefinitions", "APIService": "apiservices",
    "MutatingWebhookConfiguration": "mutatingwebhookconfigurations",
    "ValidatingWebhookConfiguration": "validatingwebhookconfigurations",
    "ValidatingAdmissionPolicy": "validatingadmissionpolicies", "Lease": "leases",
    "RuntimeClass": "runtimeclasses", "CertificateSigningRequest": "certificatesigningrequests",
    "ComponentStatus": "componentstatuses", "FlowSchema": "flowschemas",
    "PriorityLevelConfiguration": "prioritylevelconfigurations",
    "ClusterAdmissionPolicy": "clusteradmissionpolicies", "AdmissionPolicy": "admissionpolicies",
    "PolicyServer": "policyservers",
}  # fmt: skip

#: kinds that live outside namespaces
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass",
        "CSIDriver", "CSINode", "VolumeAttachment", "PriorityClass", "CustomResourceDefinition",
        "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "RuntimeClass", "CertificateSigningRequest", "ComponentStatus",
        "FlowSchema", "PriorityLevelConfiguration", "IngressClass", "ClusterAdmissionPolicy", "PolicyServer",
    }
)  # fmt: skip


def plural_name(api_version: str, kind: str) -> str:
    """Plural resource name: the built-in table, else naive English pluralisation of ``kind``."""
    del api_version  # built-in kinds are unique across groups; kept for the API servers' signature
    known = _PLURALS.get(kind)
    if known:
        return known
    lower = kind.lower()
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return lower + "es"
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return lower[:-1] + "ies"
    return lower + "s"


def apply_field_masks(obj: Any, masks: Iterable[str] | None) -> Any:
    """Keep only the dotted paths in ``masks`` (lists are traversed element-wise).

    ``apiVersion`` and ``kind`` are always kept so the result stays a typed object.
    """
    if not masks:
        return obj
    tree: dict[str, Any] = {}
    for mask in masks:
        node = tree
        for part in mask.split("."):
            if not part:
                continue
            node = node.setdefault(part, {})
        node["__all__"] = True
    result = _prune(obj, tree)
    if isinstance(obj, dict) and isinstance(result, dict):
        for key in ("apiVersion", "kind"):
            if key in obj:
                result[key] = obj[key]
    return result


def _prune(value: Any, tree: dict[str, Any]) -> Any:
    if tree.get("__all__"):
        return copy.deepcopy(value)
    if isinstance(value, list):
        return [_prune(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, sub in tree.items():
        if key != "__all__" and key in value:
            out[key] = _prune(value[key], sub)
    return out


class ClusterSnapshot:
    """A set of Kubernetes objects answering list/get offline."""

    def __init__(self, objects: Iterable[dict[str, Any]] = (), *, source: str = "<memory>") -> None:
        self.source = source
        self._objects: list[dict[str, Any]] = []
        for obj in objects:
            self.add(obj)

    # -- loading ------------------------------------------------------------------
    @classmethod
    def from_path(cls, path: str | Path) -> ClusterSnapshot:
        path = Path(path)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".yaml", ".yml", ".json")
            )
        elif path.is_file():
            files = [path]
        else:
            raise InputError(f"cluster snapshot {path} does not exist")
        snapshot = cls(source=str(path))
        for file in files:
            snapshot.load_text(read_text(file, "cluster snapshot file"), origin=str(file))
        return snapshot

    @classmethod
    def load(cls, path: str | Path) -> ClusterSnapshot:
        """Same as :meth:`from_path`."""
        return cls.from_path(path)

    @classmethod
    def from_yaml(cls, text: str, *, source: str = "<text>") -> ClusterSnapshot:
        snapshot = cls(source=source)
        snapshot.load_text(text, origin=source)
        return snapshot

    def load_text(self, text: str, *, origin: str) -> None:
        # bounded: nesting depth and alias expansion (see workbench.core.yamlio)
        documents = load_yaml_all(text, f"cluster snapshot {origin}")
        for index, document in enumerate(documents):
            if document is None:
                continue
            self._add_document(document, f"{origin} (document {index + 1})")

    def _add_document(self, document: Any, where: str) -> None:
        if not isinstance(document, dict):
            raise InputError(
                f"cluster snapshot {where}: expected a Kubernetes object, got {type(document).__name__}"
            )
        kind = document.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(document.get("items"), list):
            for item in document["items"]:
                if isinstance(item, dict) and "kind" not in item and kind != "List":
                    item = {**item, "kind": kind[: -len("List")], "apiVersion": document.get("apiVersion")}
                self._add_document(item, where)
            return
        self.add(document, where=where)

    def add(self, obj: dict[str, Any], *, where: str = "object") -> None:
        if not isinstance(obj.get("apiVersion"), str) or not isinstance(obj.get("kind"), str):
            raise InputError(f"cluster snapshot {where}: `apiVersion` and `kind` are required")
        metadata = obj.get("metadata")
        if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str):
            raise InputError(f"cluster snapshot {where}: `metadata.name` is required")
        self._objects.append(obj)

    # -- queries --------------------------------------------------------------------
    def objects(self) -> list[dict[str, Any]]:
        """Every object, in load order (callers must not modify them)."""
        return list(self._objects)

    def __len__(self) -> int:
        return len(self._objects)

    def plural_name(self, api_version: str, kind: str) -> str:
        return plural_name(api_version, kind)

    def is_namespaced(self, kind: str) -> bool:
        return kind not in CLUSTER_SCOPED_KINDS

    def _select(self, api_version: str, kind: str, namespace: str | None) -> list[dict[str, Any]]:
        return [
            obj
            for obj in self._objects
            if obj["apiVersion"] == api_version
            and obj["kind"] == kind
            and (namespace is None or obj["metadata"].get("namespace") == namespace)
        ]

    def _list(
        self,
        api_version: str,
        kind: str,
        namespace: str | None,
        label_selector: str | None,
        field_selector: str | None,
        field_masks: list[str] | None,
    ) -> dict[str, Any]:
        labels = parse_label_selector(label_selector)
        fields = parse_field_selector(field_selector)
        items = [
            apply_field_masks(copy.deepcopy(obj), field_masks)
            for obj in self._select(api_version, kind, namespace)
            if match_labels(labels, obj) and match_fields(fields, obj)
        ]
        return {
            "apiVersion": api_version,
            "kind": f"{kind}List",
            "metadata": {"resourceVersion": ""},
            "items": items,
        }

    def list_resources_by_namespace(
        self,
        api_version: str,
        kind: str,
        namespace: str,
        label_selector: str | None = None,
        field_selector: str | None = None,
        field_masks: list[str] | None = None,
    ) -> dict[str, Any]:
        if not self.is_namespaced(kind):
            raise HostCapabilityError(
                f"resource {api_version}/{kind} is cluster wide. Cannot search for it inside of a namespace"
            )
        return self._list(api_version, kind, namespace, label_selector, field_selector, field_masks)

    def list_resources_all(
        self,
        api_version: str,
        kind: str,
        label_selector: str | None = None,
        field_selector: str | None = None,
        field_masks: list[str] | None = None,
    ) -> dict[str, Any]:
        return self._list(api_version, kind, None, label_selector, field_selector, field_masks)

    def get_resource(
        self,
        api_version: str,
        kind: str,
        name: str,
        namespace: str | None = None,
        field_masks: list[str] | None = None,
    ) -> dict[str, Any]:
        scope = namespace if self.is_namespaced(kind) else None
        for obj in self._select(api_version, kind, scope):
            if obj["metadata"]["name"] == name and (scope is not None or not self.is_namespaced(kind)):
                return apply_field_masks(copy.deepcopy(obj), field_masks)  # type: ignore[no-any-return]
        shown = "None" if namespace is None else f"Some({json.dumps(namespace)})"
        raise HostCapabilityError(
            f"Cannot find {api_version}/{kind} named '{name}' inside of namespace '{shown}'"
        )
