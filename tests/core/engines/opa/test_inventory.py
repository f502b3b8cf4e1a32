"""Context-aware inventories for Rego (docs/kubewarden-compat.md §7.3)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.hostcaps.snapshot import plural_name
from workbench.core.engines.opa.inventory import gatekeeper_inventory, object_identity, opa_inventory
from workbench.core.errors import InputError

POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1", "namespace": "ns1"}}
NODE = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}}
INGRESS = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "Ingress",
    "metadata": {"name": "i", "namespace": "ns2"},
}


def test_opa_inventory_layout() -> None:
    assert opa_inventory([POD, NODE, INGRESS], plural_name) == {
        "pods": {"ns1": {"p1": POD}},
        "nodes": {"n1": NODE},
        "ingresses": {"ns2": {"i": INGRESS}},
    }


def test_gatekeeper_inventory_layout() -> None:
    assert gatekeeper_inventory([POD, NODE, INGRESS]) == {
        "cluster": {"v1": {"Node": {"n1": NODE}}},
        "namespace": {
            "ns1": {"v1": {"Pod": {"p1": POD}}},
            "ns2": {"networking.k8s.io/v1": {"Ingress": {"i": INGRESS}}},
        },
    }


def test_empty_inventories() -> None:
    assert opa_inventory([], plural_name) == {}
    assert gatekeeper_inventory([]) == {"cluster": {}, "namespace": {}}


def test_empty_namespace_means_cluster_scoped() -> None:
    obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x", "namespace": ""}}
    assert opa_inventory([obj], plural_name) == {"namespaces": {"x": obj}}


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ("text", "not a JSON object"),
        ({"kind": "Pod", "metadata": {"name": "a"}}, "without apiVersion"),
        ({"apiVersion": "v1", "metadata": {"name": "a"}}, "without kind"),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {}}, "without metadata.name"),
        (
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": 3}},
            "namespace is not a string",
        ),
    ],
)
def test_incomplete_objects_are_reported(obj: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        object_identity(obj)


_names = st.text(alphabet="abcdefghij-", min_size=1, max_size=6)
#: kinds have a fixed scope, as in a real cluster
_KINDS = {"Pod": True, "Widget": True, "Node": False, "Policy": False}
_objects = st.lists(
    st.builds(
        lambda api, kind, name, ns: {
            "apiVersion": api,
            "kind": kind,
            "metadata": {"name": name, **({"namespace": ns} if _KINDS[kind] else {})},
        },
        st.sampled_from(["v1", "apps/v1", "example.com/v1beta1"]),
        st.sampled_from(sorted(_KINDS)),
        _names,
        _names,
    ),
    max_size=20,
)


@settings(max_examples=150, deadline=None)
@given(_objects)
def test_every_object_is_reachable_at_its_path(objects: list[dict[str, Any]]) -> None:
    opa = opa_inventory(objects, plural_name)
    gk = gatekeeper_inventory(objects)
    last_opa: dict[tuple[str, ...], dict[str, Any]] = {}
    last_gk: dict[tuple[str, ...], dict[str, Any]] = {}
    for obj in objects:
        api, kind, name, ns = object_identity(obj)
        plural = plural_name(api, kind)
        last_opa[(plural, name) if ns is None else (plural, ns, name)] = obj  # later objects win
        last_gk[("cluster", api, kind, name) if ns is None else ("namespace", ns, api, kind, name)] = obj
    for path, obj in last_opa.items():
        node: Any = opa
        for key in path:
            node = node[key]
        assert node is obj
    for path, obj in last_gk.items():
        node = gk
        for key in path:
            node = node[key]
        assert node is obj
    leaves_gk = sum(len(k) for g in gk["cluster"].values() for k in g.values())
    leaves_gk += sum(len(k) for n in gk["namespace"].values() for g in n.values() for k in g.values())
    assert leaves_gk == len(last_gk)
