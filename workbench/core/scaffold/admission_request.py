"""Build an AdmissionRequest from a plain Kubernetes object, like ``kwctl scaffold admission-request``.

kwctl (docs/kubewarden-compat.md §14) only scaffolds ``CREATE``; the workbench extends it to
``UPDATE`` (``object`` + ``oldObject``) and ``DELETE`` (only ``oldObject``, as
the API server sends it). The resource plural comes from a built-in table of
the common API resources instead of a cluster catalogue; unknown kinds get an
English plural and are reported by :func:`resource_for_kind` so front ends can
warn, as kwctl warns when it falls back to a placeholder.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from workbench.core.errors import InputError

__all__ = [
    "ADMISSION_REVIEW_API_VERSION",
    "OPERATIONS",
    "SCAFFOLD_UID",
    "SCAFFOLD_USER_INFO",
    "ResourceInfo",
    "resource_for_kind",
    "scaffold_admission_request",
    "split_api_version",
    "wrap_admission_review",
]

#: the uid kwctl writes into every scaffolded request
SCAFFOLD_UID = "705ab4f5-6393-11e8-b7cc-42010a800002"
SCAFFOLD_USER_INFO: dict[str, Any] = {"username": "test-user", "groups": ["system:masters"]}
OPERATIONS = ("CREATE", "UPDATE", "DELETE")
ADMISSION_REVIEW_API_VERSION = "admission.k8s.io/v1"


@dataclasses.dataclass(frozen=True)
class ResourceInfo:
    """What the API server knows about a kind: its plural resource name and scope."""

    plural: str
    namespaced: bool
    known: bool = True


# (group, kind) -> (plural, namespaced); group "" is the core group
_BUILTIN_RESOURCES: dict[tuple[str, str], tuple[str, bool]] = {
    ("", "Binding"): ("bindings", True),
    ("", "ComponentStatus"): ("componentstatuses", False),
    ("", "ConfigMap"): ("configmaps", True),
    ("", "Endpoints"): ("endpoints", True),
    ("", "Event"): ("events", True),
    ("", "LimitRange"): ("limitranges", True),
    ("", "Namespace"): ("namespaces", False),
    ("", "Node"): ("nodes", False),
    ("", "PersistentVolume"): ("persistentvolumes", False),
    ("", "PersistentVolumeClaim"): ("persistentvolumeclaims", True),
    ("", "Pod"): ("pods", True),
    ("", "PodTemplate"): ("podtemplates", True),
    ("", "ReplicationController"): ("replicationcontrollers", True),
    ("", "ResourceQuota"): ("resourcequotas", True),
    ("", "Secret"): ("secrets", True),
    ("", "Service"): ("services", True),
    ("", "ServiceAccount"): ("serviceaccounts", True),
    ("apps", "ControllerRevision"): ("controllerrevisions", True),
    ("apps", "DaemonSet"): ("daemonsets", True),
    ("apps", "Deployment"): ("deployments", True),
    ("apps", "ReplicaSet"): ("replicasets", True),
    ("apps", "StatefulSet"): ("statefulsets", True),
    ("autoscaling", "HorizontalPodAutoscaler"): ("horizontalpodautoscalers", True),
    ("batch", "CronJob"): ("cronjobs", True),
    ("batch", "Job"): ("jobs", True),
    ("networking.k8s.io", "Ingress"): ("ingresses", True),
    ("networking.k8s.io", "IngressClass"): ("ingressclasses", False),
    ("networking.k8s.io", "NetworkPolicy"): ("networkpolicies", True),
    ("policy", "PodDisruptionBudget"): ("poddisruptionbudgets", True),
    ("rbac.authorization.k8s.io", "ClusterRole"): ("clusterroles", False),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): ("clusterrolebindings", False),
    ("rbac.authorization.k8s.io", "Role"): ("roles", True),
    ("rbac.authorization.k8s.io", "RoleBinding"): ("rolebindings", True),
    ("storage.k8s.io", "CSIDriver"): ("csidrivers", False),
    ("storage.k8s.io", "StorageClass"): ("storageclasses", False),
    ("storage.k8s.io", "VolumeAttachment"): ("volumeattachments", False),
    ("scheduling.k8s.io", "PriorityClass"): ("priorityclasses", False),
    ("coordination.k8s.io", "Lease"): ("leases", True),
    ("discovery.k8s.io", "EndpointSlice"): ("endpointslices", True),
    ("apiextensions.k8s.io", "CustomResourceDefinition"): ("customresourcedefinitions", False),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): (
        "validatingwebhookconfigurations",
        False,
    ),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): (
        "mutatingwebhookconfigurations",
        False,
    ),
    ("policies.kubewarden.io", "ClusterAdmissionPolicy"): ("clusteradmissionpolicies", False),
    ("policies.kubewarden.io", "AdmissionPolicy"): ("admissionpolicies", True),
    ("policies.kubewarden.io", "PolicyServer"): ("policyservers", False),
}


def split_api_version(api_version: str) -> tuple[str, str]:
    """``"apps/v1"`` → ``("apps", "v1")``; ``"v1"`` → ``("", "v1")``."""
    group, sep, version = api_version.rpartition("/")
    if not sep:
        return "", api_version
    return group, version


def _english_plural(kind: str) -> str:
    word = kind.lower()
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def resource_for_kind(group: str, kind: str) -> ResourceInfo:
    """The plural resource name and scope of ``kind`` in ``group`` (``known=False`` when guessed)."""
    found = _BUILTIN_RESOURCES.get((group, kind))
    if found is not None:
        return ResourceInfo(found[0], found[1])
    return ResourceInfo(_english_plural(kind), True, known=False)


def _object_gvk(obj: Any, what: str) -> tuple[str, str, str]:
    if not isinstance(obj, dict):
        raise InputError(f"the {what} must be a Kubernetes object (a mapping), not {type(obj).__name__}")
    api_version = obj.get("apiVersion")
    kind = obj.get("kind")
    if not isinstance(api_version, str) or not api_version:
        raise InputError(f"the {what} has no apiVersion")
    if not isinstance(kind, str) or not kind:
        raise InputError(f"the {what} has no kind")
    group, version = split_api_version(api_version)
    return group, version, kind


def _metadata_str(obj: dict[str, Any], key: str) -> str | None:
    meta = obj.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get(key), str) and meta[key]:
        return meta[key]  # type: ignore[no-any-return]
    return None


def scaffold_admission_request(operation: str, object: Any, old_object: Any = None) -> dict[str, Any]:
    """An ``admission/v1`` AdmissionRequest for ``object`` under ``operation``.

    * ``CREATE``: ``object`` is the new object; ``old_object`` must be None.
    * ``UPDATE``: ``object`` is the new state, ``old_object`` (required) the stored one.
    * ``DELETE``: the request carries no ``object``; ``oldObject`` is ``old_object``
      when given, else ``object`` (the object being deleted).
    """
    if operation not in OPERATIONS:
        raise InputError(f"unsupported operation {operation!r}: expected one of {', '.join(OPERATIONS)}")
    group, version, kind = _object_gvk(object, "object")
    if operation == "CREATE" and old_object is not None:
        raise InputError("an old object only makes sense for UPDATE and DELETE requests")
    if operation == "UPDATE" and old_object is None:
        raise InputError("an UPDATE request needs the old object (--old-object)")
    if old_object is not None:
        old_gvk = _object_gvk(old_object, "old object")
        if old_gvk != (group, version, kind):
            raise InputError(
                f"the old object is a {old_gvk[2]} ({'/'.join(p for p in old_gvk[:2] if p)}) but the object is a "
                f"{kind} ({'/'.join(p for p in (group, version) if p)})"
            )
    info = resource_for_kind(group, kind)
    gvk = {"group": group, "version": version, "kind": kind}
    gvr = {"group": group, "version": version, "resource": info.plural}
    request: dict[str, Any] = {
        "uid": SCAFFOLD_UID,
        "kind": dict(gvk),
        "resource": dict(gvr),
        "requestKind": dict(gvk),
        "requestResource": dict(gvr),
    }
    name = _metadata_str(object, "name")
    if name is not None:
        request["name"] = name
    namespace = _metadata_str(object, "namespace")
    if namespace is None and info.namespaced and kind != "Namespace":
        namespace = "default"
    if namespace is not None:
        request["namespace"] = namespace
    request["operation"] = operation
    request["userInfo"] = copy.deepcopy(SCAFFOLD_USER_INFO)
    if operation == "DELETE":
        request["oldObject"] = copy.deepcopy(old_object if old_object is not None else object)
    else:
        request["object"] = copy.deepcopy(object)
        if old_object is not None:
            request["oldObject"] = copy.deepcopy(old_object)
    return request


def wrap_admission_review(request: dict[str, Any]) -> dict[str, Any]:
    """Wrap an AdmissionRequest into an ``admission.k8s.io/v1`` AdmissionReview."""
    return {"apiVersion": ADMISSION_REVIEW_API_VERSION, "kind": "AdmissionReview", "request": request}
