"""Ready-made admission requests for the request editor: common kinds × CREATE/UPDATE/DELETE.

Each template is a realistic object; ``UPDATE`` changes it the way a user would
(a new image, label or port) and carries the previous state as ``oldObject``;
``DELETE`` carries only ``oldObject``. The requests are built with
:func:`~workbench.core.scaffold.admission_request.scaffold_admission_request`,
so they are exactly what scaffolding the object would give.
"""

from __future__ import annotations

import copy
from typing import Any

from workbench.core.errors import InputError
from workbench.core.scaffold.admission_request import (
    OPERATIONS,
    scaffold_admission_request,
    wrap_admission_review,
)

__all__ = ["TEMPLATE_KINDS", "request_template", "template_names", "template_object", "updated_object"]

TEMPLATE_KINDS = ("Pod", "Deployment", "Service", "Ingress", "Namespace")

_LABELS = {"app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "demo"}

_POD_SPEC: dict[str, Any] = {
    "containers": [
        {
            "name": "web",
            "image": "registry.example.com/demo/web:1.4.2",
            "ports": [{"containerPort": 8080, "protocol": "TCP"}],
            "resources": {
                "requests": {"cpu": "100m", "memory": "64Mi"},
                "limits": {"cpu": "500m", "memory": "128Mi"},
            },
            "securityContext": {"allowPrivilegeEscalation": False, "runAsNonRoot": True},
        }
    ],
    "restartPolicy": "Always",
}

_OBJECTS: dict[str, dict[str, Any]] = {
    "Pod": {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default", "labels": dict(_LABELS)},
        "spec": _POD_SPEC,
    },
    "Deployment": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": dict(_LABELS)},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
            "template": {"metadata": {"labels": dict(_LABELS)}, "spec": _POD_SPEC},
        },
    },
    "Service": {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default", "labels": dict(_LABELS)},
        "spec": {
            "type": "ClusterIP",
            "selector": {"app.kubernetes.io/name": "web"},
            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}],
        },
    },
    "Ingress": {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web", "namespace": "default", "labels": dict(_LABELS)},
        "spec": {
            "ingressClassName": "nginx",
            "tls": [{"hosts": ["web.example.com"], "secretName": "web-tls"}],
            "rules": [
                {
                    "host": "web.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "web", "port": {"number": 80}}},
                            }
                        ]
                    },
                }
            ],
        },
    },
    "Namespace": {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "team-a", "labels": {"kubernetes.io/metadata.name": "team-a"}},
    },
}


def template_object(kind: str) -> dict[str, Any]:
    """A fresh copy of the template object of ``kind``."""
    try:
        return copy.deepcopy(_OBJECTS[kind])
    except KeyError:
        raise InputError(
            f"no request template for kind {kind!r}: expected one of {', '.join(TEMPLATE_KINDS)}"
        ) from None


def updated_object(kind: str) -> dict[str, Any]:
    """The template object after a typical user edit (what an UPDATE sends as ``object``)."""
    obj = template_object(kind)
    meta = obj["metadata"]
    meta.setdefault("labels", {})["environment"] = "staging"
    if kind == "Pod":
        obj["spec"]["containers"][0]["image"] = "registry.example.com/demo/web:1.5.0"
    elif kind == "Deployment":
        obj["spec"]["replicas"] = 3
        obj["spec"]["template"]["spec"]["containers"][0]["image"] = "registry.example.com/demo/web:1.5.0"
    elif kind == "Service":
        obj["spec"]["ports"].append({"name": "https", "port": 443, "targetPort": 8443, "protocol": "TCP"})
    elif kind == "Ingress":
        obj["spec"]["rules"][0]["host"] = "www.example.com"
        obj["spec"]["tls"][0]["hosts"] = ["www.example.com"]
    return obj


def request_template(kind: str, operation: str) -> dict[str, Any]:
    """An AdmissionReview for ``kind`` under ``operation`` (CREATE, UPDATE or DELETE)."""
    if operation not in OPERATIONS:
        raise InputError(f"unsupported operation {operation!r}: expected one of {', '.join(OPERATIONS)}")
    base = template_object(kind)
    if operation == "CREATE":
        request = scaffold_admission_request("CREATE", base)
    elif operation == "UPDATE":
        request = scaffold_admission_request("UPDATE", updated_object(kind), base)
    else:
        request = scaffold_admission_request("DELETE", base)
    return wrap_admission_review(request)


def template_names() -> list[tuple[str, str]]:
    """Every (kind, operation) pair, in menu order."""
    return [(kind, op) for kind in TEMPLATE_KINDS for op in OPERATIONS]
