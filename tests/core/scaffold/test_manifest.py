from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.errors import InputError, MetadataError
from workbench.core.metadata.model import Metadata
from workbench.core.scaffold.manifest import module_uri, scaffold_manifest, validate_policy_name

MD = {
    "protocolVersion": "v1",
    "rules": [
        {"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE", "UPDATE"]}
    ],
    "mutating": False,
    "annotations": {
        "io.kubewarden.policy.title": "my-policy",
        "io.kubewarden.policy.severity": "medium",
        "io.kubewarden.policy.category": "Resource validation",
        "io.kubewarden.policy.author": "Jane",
    },
    "contextAwareResources": [{"apiVersion": "v1", "kind": "Namespace"}],
}

EXPECTED_CAP = """\
apiVersion: policies.kubewarden.io/v1
kind: ClusterAdmissionPolicy
metadata:
  name: my-policy
  annotations:
    io.kubewarden.policy.category: Resource validation
    io.kubewarden.policy.severity: medium
spec:
  module: registry://ghcr.io/example/policies/my-policy:v0.1.0
  settings: {}
  rules:
  - apiGroups:
    - ''
    apiVersions:
    - v1
    resources:
    - pods
    operations:
    - CREATE
    - UPDATE
  mutating: false
  contextAwareResources:
  - apiVersion: v1
    kind: Namespace
"""


def test_cluster_admission_policy_exact() -> None:
    result = scaffold_manifest(
        Metadata.from_dict(MD), "ghcr.io/example/policies/my-policy:v0.1.0", allow_context_aware=True
    )
    assert result.text == EXPECTED_CAP
    assert result.warnings == ()


def test_context_aware_dropped_without_permission() -> None:
    result = scaffold_manifest(MD, "registry://ghcr.io/x/y:1")
    assert "contextAwareResources" not in result.document["spec"]
    assert "--allow-context-aware" in result.warnings[0]


def test_admission_policy_never_context_aware() -> None:
    result = scaffold_manifest(MD, "ghcr.io/x/y:1", "AdmissionPolicy", allow_context_aware=True)
    assert result.document["kind"] == "AdmissionPolicy"
    assert "contextAwareResources" not in result.document["spec"]
    assert "ClusterAdmissionPolicy" in result.warnings[0]


def test_background_audit_only_when_false_and_settings(tmp_path: Path) -> None:
    md = {**MD, "backgroundAudit": False, "annotations": {}}
    wasm = tmp_path / "p.wasm"
    wasm.write_bytes(b"\0asm")
    result = scaffold_manifest(md, wasm, settings={"a": [1]}, title="custom.name")
    spec = result.document["spec"]
    assert spec["backgroundAudit"] is False
    assert spec["settings"] == {"a": [1]}
    assert spec["module"] == f"file://{wasm.resolve()}"
    assert result.document["metadata"] == {"name": "custom.name"}
    assert "backgroundAudit" not in scaffold_manifest(MD, "a/b:1").document["spec"]


def test_no_name_no_metadata() -> None:
    result = scaffold_manifest({**MD, "annotations": None}, "a/b:1")
    assert "metadata" not in result.document
    assert yaml.safe_load(result.text) == result.document


def test_errors() -> None:
    with pytest.raises(MetadataError, match="not annotated"):
        scaffold_manifest(None, "a/b")
    with pytest.raises(MetadataError, match="Metadata is invalid"):
        scaffold_manifest({**MD, "protocolVersion": None}, "a/b")
    with pytest.raises(InputError, match="invalid policy name 'My_Policy'"):
        scaffold_manifest(MD, "a/b", title="My_Policy")
    with pytest.raises(InputError, match="unknown manifest type"):
        scaffold_manifest(MD, "a/b", "ClusterAdmissionPolicyGroup")


def test_module_uri() -> None:
    assert module_uri("ghcr.io/a/b") == "registry://ghcr.io/a/b:latest"
    assert module_uri("registry://localhost:5000/a/b") == "registry://localhost:5000/a/b:latest"
    assert module_uri("ghcr.io/a/b@sha256:00") == "registry://ghcr.io/a/b@sha256:00"
    assert module_uri("https://example.com/p.wasm") == "https://example.com/p.wasm"
    assert module_uri("/abs/p.wasm") == "file:///abs/p.wasm"


_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


@given(st.lists(_label, min_size=1, max_size=4))
def test_valid_names_accepted(labels: list[str]) -> None:
    name = ".".join(labels)
    assert validate_policy_name(name) == name


@given(
    st.text(min_size=1, max_size=30).filter(
        lambda s: any(c not in "abcdefghijklmnopqrstuvwxyz0123456789-." for c in s)
    )
)
def test_names_with_bad_characters_rejected(name: str) -> None:
    with pytest.raises(InputError):
        validate_policy_name(name)


@given(st.from_regex(r"[a-z0-9.]{1,10}/[a-z0-9/]{1,20}", fullmatch=True))
def test_module_uri_always_has_scheme_and_tag(ref: str) -> None:
    uri = module_uri(ref)
    assert uri.startswith(("registry://", "file://"))
    if uri.startswith("registry://"):
        assert ":" in uri.rsplit("/", 1)[-1] or "@" in uri
