"""Kubewarden policy manifests (ClusterAdmissionPolicy, AdmissionPolicy and the group kinds)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.errors import InputError
from workbench.core.manifests import (
    GroupManifest,
    ManifestKind,
    PolicyManifest,
    is_manifest_document,
    load_manifests,
    parse_manifest,
)


def doc(kind: str = "ClusterAdmissionPolicy", **spec: object) -> dict:
    base: dict = {"module": "registry://ghcr.io/kubewarden/policies/safe-labels:v1.0.0"}
    base.update(spec)
    return {"apiVersion": "policies.kubewarden.io/v1", "kind": kind, "metadata": {"name": "p"}, "spec": base}


def test_cluster_policy_fields() -> None:
    m = parse_manifest(
        doc(
            settings={"a": 1},
            mode="monitor",
            message="nope",
            mutating=True,
            timeoutEvalSeconds=4,
            contextAwareResources=[{"apiVersion": "v1", "kind": "Namespace"}],
            rules=[{"operations": ["CREATE"], "apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"]}],
            failurePolicy="Ignore",
            matchConditions=[{"name": "x", "expression": "true"}],
        )
    )
    assert isinstance(m, PolicyManifest) and m.kind == ManifestKind.CLUSTER_ADMISSION_POLICY
    assert (m.settings, m.mode, m.message, m.mutating, m.timeout_eval_seconds) == ({"a": 1}, "monitor", "nope", True, 4)
    assert m.context_aware_resources == (("v1", "Namespace"),) and m.failure_policy == "Ignore"
    assert m.namespace is None and len(m.rules) == 1 and len(m.match_conditions) == 1


def test_namespaced_policy_defaults_to_default_namespace() -> None:
    m = parse_manifest(doc("AdmissionPolicy"))
    assert m.kind.namespaced and m.namespace == "default" and m.mode == "protect" and m.mutating is False


def test_group() -> None:
    d = doc("ClusterAdmissionPolicyGroup", expression="a() && !b()", message="denied")
    del d["spec"]["module"]
    d["spec"]["policies"] = {"a": {"module": "x.wasm", "settings": {"k": 1}}, "b": {"module": "y.wasm", "timeoutEvalSeconds": 2}}
    g = parse_manifest(d)
    assert isinstance(g, GroupManifest) and [m.name for m in g.policies] == ["a", "b"]
    assert g.policies[0].settings == {"k": 1} and g.policies[1].timeout_eval_seconds == 2 and g.expression == "a() && !b()"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mode": "audit"}, "field `mode` must be protect or monitor"),
        ({"settings": [1]}, "field `settings` must be a mapping"),
        ({"timeoutEvalSeconds": 0}, "timeoutEvalSeconds` must be at least 1"),
        ({"timeoutEvalSeconds": True}, "timeoutEvalSeconds` must be a whole number"),
        ({"module": ""}, "field `module` is required"),
        ({"rules": [3]}, "field `rules\\[0\\]` must be a mapping"),
        ({"contextAwareResources": [{"kind": "Pod"}]}, "contextAwareResources\\[0\\]"),
    ],
)
def test_errors_name_file_document_and_field(tmp_path: Path, change: dict, message: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(doc(**change)))
    with pytest.raises(InputError, match=message) as info:
        load_manifests(path)
    assert str(path) in str(info.value) and "document 1" in str(info.value)


def test_not_a_manifest(tmp_path: Path) -> None:
    assert not is_manifest_document({"kind": "Pod"})
    with pytest.raises(InputError, match="is not a Kubewarden policy"):
        parse_manifest({"apiVersion": "v1", "kind": "Pod"})
    empty = tmp_path / "e.yaml"
    empty.write_text("---\n")
    with pytest.raises(InputError, match="is empty"):
        load_manifests(empty)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["module", "settings", "mode", "rules", "policies", "expression", "message", "timeoutEvalSeconds", "mutating"]), _json))
def test_any_spec_parses_or_fails_cleanly(spec: dict) -> None:
    for kind in ManifestKind:
        d = {"apiVersion": "policies.kubewarden.io/v1", "kind": kind.value, "spec": spec}
        try:
            parse_manifest(d)
        except InputError:
            pass
