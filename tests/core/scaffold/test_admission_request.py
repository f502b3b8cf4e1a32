from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.errors import InputError
from workbench.core.scaffold.admission_request import (
    SCAFFOLD_UID,
    resource_for_kind,
    scaffold_admission_request,
    split_api_version,
    wrap_admission_review,
)

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "nginx"}, "spec": {"containers": []}}
DEPLOY = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}}


def test_create_matches_kwctl_shape() -> None:
    req = scaffold_admission_request("CREATE", POD)
    assert list(req) == [
        "uid",
        "kind",
        "resource",
        "requestKind",
        "requestResource",
        "name",
        "namespace",
        "operation",
        "userInfo",
        "object",
    ]
    assert req["uid"] == SCAFFOLD_UID
    assert req["kind"] == req["requestKind"] == {"group": "", "version": "v1", "kind": "Pod"}
    assert req["resource"] == req["requestResource"] == {"group": "", "version": "v1", "resource": "pods"}
    assert req["namespace"] == "default"
    assert req["userInfo"] == {"username": "test-user", "groups": ["system:masters"]}
    assert req["object"] == POD and req["object"] is not POD
    assert "oldObject" not in req


def test_group_and_namespace_from_object() -> None:
    req = scaffold_admission_request("CREATE", DEPLOY)
    assert req["kind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert req["resource"]["resource"] == "deployments"
    assert req["namespace"] == "prod"


def test_cluster_scoped_kind_has_no_namespace() -> None:
    req = scaffold_admission_request(
        "CREATE", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}
    )
    assert "namespace" not in req
    assert req["resource"]["resource"] == "namespaces"


def test_update_carries_both_objects() -> None:
    new = {**POD, "metadata": {"name": "nginx", "labels": {"a": "b"}}}
    req = scaffold_admission_request("UPDATE", new, POD)
    assert req["object"] == new and req["oldObject"] == POD


def test_delete_only_old_object() -> None:
    req = scaffold_admission_request("DELETE", POD)
    assert "object" not in req and req["oldObject"] == POD
    assert req["operation"] == "DELETE"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("CONNECT", POD), "unsupported operation"),
        (("UPDATE", POD), "needs the old object"),
        (("CREATE", POD, POD), "only makes sense"),
        (("CREATE", {"kind": "Pod"}), "no apiVersion"),
        (("CREATE", {"apiVersion": "v1"}), "no kind"),
        (("CREATE", ["x"]), "must be a Kubernetes object"),
        (("UPDATE", POD, DEPLOY), "the old object is a Deployment"),
    ],
)
def test_errors(args: tuple, message: str) -> None:
    with pytest.raises(InputError, match=message):
        scaffold_admission_request(*args)


def test_unknown_kind_is_guessed() -> None:
    info = resource_for_kind("example.com", "Policy")
    assert info == type(info)("policies", True, known=False)
    assert resource_for_kind("networking.k8s.io", "Ingress").plural == "ingresses"
    assert resource_for_kind("x", "Class").plural == "classes"


def test_wrap() -> None:
    review = wrap_admission_review({"uid": "1"})
    assert review == {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "1"}}


_segment = st.from_regex(r"[a-z0-9][a-z0-9.\-]{0,20}", fullmatch=True)


@given(group=_segment, version=_segment)
def test_split_api_version_roundtrip(group: str, version: str) -> None:
    assert split_api_version(f"{group}/{version}") == (group, version)
    assert split_api_version(version) == ("", version)


@given(kind=st.from_regex(r"[A-Z][A-Za-z]{0,15}", fullmatch=True), name=_segment)
def test_scaffold_any_kind(kind: str, name: str) -> None:
    obj = {"apiVersion": "example.com/v1", "kind": kind, "metadata": {"name": name}}
    req = scaffold_admission_request("CREATE", obj)
    assert req["kind"]["kind"] == kind
    assert req["resource"]["resource"].startswith(kind.lower()[:-1] if len(kind) > 1 else "")
    assert req["name"] == name
