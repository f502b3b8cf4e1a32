"""ClusterSnapshot: loading folders / multi-document YAML / List kinds, and offline list/get."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from kwtest import DEMO_CLUSTER

from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot, apply_field_masks, plural_name
from workbench.core.errors import HostCapabilityError, InputError


@pytest.fixture(scope="module")
def demo():
    return ClusterSnapshot.from_path(DEMO_CLUSTER)


def test_loads_folder_with_list_kinds(demo):
    kinds = sorted((o["kind"], o["metadata"]["name"]) for o in demo.objects())
    assert ("Namespace", "team-a") in kinds and ("Pod", "web-0") in kinds and ("Service", "web") in kinds
    assert len(demo) == 8


def test_get_resource(demo):
    ns = demo.get_resource("v1", "Namespace", "team-a")
    assert ns["metadata"]["labels"]["team"] == "a"
    pod = demo.get_resource("v1", "Pod", "web-0", "team-a")
    assert pod["spec"]["nodeName"] == "node-1"
    ns["metadata"]["labels"]["team"] = "changed"  # callers get copies
    assert demo.get_resource("v1", "Namespace", "team-a")["metadata"]["labels"]["team"] == "a"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("v1", "Namespace", "nope", None),
            "Cannot find v1/Namespace named 'nope' inside of namespace 'None'",
        ),
        (
            ("v1", "Pod", "web-0", "sandbox"),
            "Cannot find v1/Pod named 'web-0' inside of namespace 'Some(\"sandbox\")'",
        ),
        (("v1", "Pod", "web-0", None), "Cannot find v1/Pod named 'web-0' inside of namespace 'None'"),
        (("apps/v1", "Pod", "web-0", "team-a"), "Cannot find apps/v1/Pod"),
    ],
)
def test_get_resource_not_found(demo, args, message):
    with pytest.raises(HostCapabilityError) as info:
        demo.get_resource(*args)
    assert str(info.value).startswith(message)


def test_lists_with_selectors(demo):
    result = demo.list_resources_by_namespace("v1", "Pod", "team-a")
    assert result["kind"] == "PodList" and result["apiVersion"] == "v1"
    assert [p["metadata"]["name"] for p in result["items"]] == ["web-0", "worker-0"]
    frontend = demo.list_resources_all("v1", "Pod", label_selector="tier in (frontend)")
    assert [p["metadata"]["name"] for p in frontend["items"]] == ["web-0"]
    running = demo.list_resources_all("v1", "Pod", field_selector="status.phase=Running,spec.nodeName=node-1")
    assert [p["metadata"]["name"] for p in running["items"]] == ["web-0", "scratch"]
    none = demo.list_resources_all("v1", "Pod", label_selector="app=db")
    assert none["items"] == []
    namespaces = demo.list_resources_all("v1", "Namespace", label_selector="team")
    assert [n["metadata"]["name"] for n in namespaces["items"]] == ["team-a", "team-b"]


def test_cluster_scoped_kind_in_namespace_is_an_error(demo):
    with pytest.raises(HostCapabilityError, match="cluster wide"):
        demo.list_resources_by_namespace("v1", "Namespace", "team-a")


def test_field_masks(demo):
    pod = demo.get_resource(
        "v1", "Pod", "web-0", "team-a", field_masks=["metadata.name", "spec.containers.image"]
    )
    assert pod == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web-0"},
        "spec": {"containers": [{"image": "nginx:1.27"}]},
    }
    listed = demo.list_resources_all("v1", "Namespace", field_masks=["metadata.labels.team"])
    assert listed["items"][0] == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"labels": {"team": "a"}},
    }
    assert apply_field_masks({"a": 1}, None) == {"a": 1}


def test_single_file_multi_document(tmp_path):
    path = tmp_path / "objs.yaml"
    path.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n---\n"
        "---\napiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: p, namespace: x}\n"
    )
    snapshot = ClusterSnapshot.from_path(path)
    assert [(o["kind"], o["metadata"]["name"]) for o in snapshot.objects()] == [
        ("ConfigMap", "a"),
        ("Pod", "p"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just a list", "expected a Kubernetes object"),
        ("kind: Pod\nmetadata: {name: a}", "`apiVersion` and `kind` are required"),
        ("apiVersion: v1\nkind: Pod\nmetadata: {}", "`metadata.name` is required"),
        ("a: [", "is not valid YAML"),
    ],
)
def test_invalid_snapshots(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        ClusterSnapshot.from_path(path)
    with pytest.raises(InputError, match="does not exist"):
        ClusterSnapshot.from_path(tmp_path / "missing")


@pytest.mark.parametrize(
    ("kind", "plural"),
    [
        ("Pod", "pods"), ("Ingress", "ingresses"), ("NetworkPolicy", "networkpolicies"), ("Endpoints", "endpoints"),
        ("Widget", "widgets"), ("Proxy", "proxies"), ("Gateway", "gateways"), ("Box", "boxes"), ("Match", "matches"),
    ],
)  # fmt: skip
def test_plural_names(kind, plural):
    assert plural_name("example.com/v1", kind) == plural
    assert ClusterSnapshot().plural_name("v1", kind) == plural


_name = st.from_regex(r"\A[a-z]([a-z0-9-]{0,6}[a-z0-9])?\Z")
_objects = st.lists(
    st.builds(
        lambda kind, name, ns, labels: {
            "apiVersion": "v1",
            "kind": kind,
            "metadata": {"name": name, "namespace": ns, "labels": labels},
        },
        st.sampled_from(["Pod", "ConfigMap", "Service"]),
        _name,
        _name,
        st.dictionaries(_name, _name, max_size=3),
    ),
    max_size=6,
)


@settings(max_examples=25, deadline=None)
@given(_objects, st.booleans())
def test_snapshot_loader_round_trip(objects, as_list):
    if as_list:
        text = yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": objects})
    else:
        text = yaml.safe_dump_all(objects)
    snapshot = ClusterSnapshot.from_yaml(text)
    assert snapshot.objects() == objects
    for obj in objects:
        meta = obj["metadata"]
        selector = ",".join(f"{k}={v}" for k, v in meta["labels"].items())
        listed = snapshot.list_resources_by_namespace(
            "v1", obj["kind"], meta["namespace"], label_selector=selector
        )
        assert any(item["metadata"]["name"] == meta["name"] for item in listed["items"])


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=80))
def test_snapshot_loader_never_crashes(text):
    try:
        ClusterSnapshot.from_yaml(text)
    except InputError:
        pass
