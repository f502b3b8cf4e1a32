"""``scaffold vap``: kwctl's conversion and text, on kwctl's own test data (tests/data/vap/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO_ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.cli.main import main
from workbench.core.errors import InputError
from workbench.core.scaffold.vap import (
    AUDIT_ANNOTATIONS_WARNING,
    DEFAULT_CEL_POLICY,
    LATEST_WARNING,
    MATCH_CONDITIONS_WARNING,
    NOT_A_REFERENCE_WARNING,
    convert_vap,
    scaffold_vap,
)
from workbench.core.yamlio import load_yaml

DATA = REPO_ROOT / "tests" / "data" / "vap"


@pytest.mark.parametrize(
    ("vap", "binding"),
    [
        ("vap-with-variables", "vap-binding"),
        ("vap-without-variables", "vap-binding"),
        ("vap-with-params", "vap-binding-params"),
    ],
)
def test_bytes_match_the_expected_output(vap: str, binding: str) -> None:
    result = scaffold_vap(DATA / f"{vap}.yml", DATA / f"{binding}.yml")
    assert result.text == (DATA / f"{vap}.expected.yml").read_text()
    assert result.warnings == (LATEST_WARNING,)


@pytest.mark.parametrize(
    ("vap", "binding"), [("vap-with-params", "vap-binding"), ("vap-without-variables", "vap-binding-params")]
)
def test_param_kind_and_ref_go_together(vap: str, binding: str) -> None:
    with pytest.raises(
        InputError, match="Both paramKind and paramRef must be present together, or both absent"
    ):
        scaffold_vap(DATA / f"{vap}.yml", DATA / f"{binding}.yml")


@pytest.mark.parametrize(
    ("module", "warnings"),
    [
        (DEFAULT_CEL_POLICY, (LATEST_WARNING,)),
        ("registry.example.com/cel-policy", (LATEST_WARNING,)),  # kwctl's e2e case: no tag
        ("ghcr.io/kubewarden/tests/cel-policy:1.0.0", ()),
        ("registry://ghcr.io/kubewarden/policies/cel-policy:v1.0.0", (NOT_A_REFERENCE_WARNING,)),
    ],
)
def test_cel_policy_reference(module: str, warnings: tuple[str, ...]) -> None:
    result = scaffold_vap(DATA / "vap-with-variables.yml", DATA / "vap-binding.yml", module)
    assert result.warnings == warnings
    assert f"  module: {module}\n" in result.text


def _docs_vap() -> tuple[dict, dict]:
    """The example of Kubewarden's "ValidatingAdmissionPolicy migration" how-to."""
    vap = load_yaml(
        """
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "force-liveness-probe"
spec:
  failurePolicy: Fail
  variables:
    - name: containers_without_liveness_probe
      expression: |
        object.spec.template.spec.containers.filter(c, !has(c.livenessProbe)).map(c, c.name)
  matchConstraints:
    resourceRules:
      - apiGroups: ["apps"]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["deployments"]
  validations:
    - expression: |
        size(variables.containers_without_liveness_probe) == 0
      messageExpression: |
        'These containers are missing a liveness probe: ' + variables.containers_without_liveness_probe.join(' ')
      reason: Invalid
"""
    )
    binding = load_yaml(
        """
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: "kw-scaffold-demo"
spec:
  policyName: "force-liveness-probe"
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        docs.kubewarden.io/vap-migration: enabled
"""
    )
    return vap, binding


def test_documented_migration_output() -> None:
    vap, binding = _docs_vap()
    result = convert_vap(vap, binding)
    documented = load_yaml(
        """
apiVersion: policies.kubewarden.io/v1
kind: ClusterAdmissionPolicy
metadata:
  name: kw-scaffold-demo
spec:
  module: ghcr.io/kubewarden/policies/cel-policy:latest
  settings:
    failurePolicy: Fail
    variables:
      - expression: |
          object.spec.template.spec.containers.filter(c, !has(c.livenessProbe)).map(c, c.name)
        name: containers_without_liveness_probe
    validations:
      - expression: |
          size(variables.containers_without_liveness_probe) == 0
        messageExpression: |
          'These containers are missing a liveness probe: ' + variables.containers_without_liveness_probe.join(' ')
        reason: Invalid
  rules:
    - apiGroups:
        - apps
      apiVersions:
        - v1
      resources:
        - deployments
      operations:
        - CREATE
        - UPDATE
  mutating: false
  namespaceSelector:
    matchLabels:
      docs.kubewarden.io/vap-migration: enabled
"""
    )
    assert result.document == documented
    assert list(result.document["spec"]) == list(documented["spec"])  # same key order
    assert list(result.document["spec"]["settings"]["variables"][0]) == ["expression", "name"]
    # multi-line CEL keeps serde_yaml's literal blocks, sequences not indented
    assert "    variables:\n    - expression: |\n        object.spec" in result.text
    assert load_yaml(result.text) == documented


def test_unsupported_fields_are_dropped_with_kwctl_warnings_and_selectors_kept() -> None:
    vap, binding = _docs_vap()
    vap["spec"]["matchConditions"] = [{"name": "x", "expression": "true"}]
    vap["spec"]["auditAnnotations"] = [{"key": "k", "valueExpression": "'v'"}]
    vap["spec"]["matchConstraints"]["matchPolicy"] = "Equivalent"
    vap["spec"]["matchConstraints"]["objectSelector"] = {
        "matchLabels": {"z": "1", "a": "2"},
        "matchExpressions": [{"values": ["x"], "operator": "In", "key": "env"}],
    }
    vap["spec"]["matchConstraints"]["resourceRules"][0]["scope"] = "Namespaced"
    binding["metadata"]["labels"] = {"team": "a"}
    result = convert_vap(vap, binding, "ghcr.io/kubewarden/policies/cel-policy:v1.0.1")
    assert result.warnings == (AUDIT_ANNOTATIONS_WARNING, MATCH_CONDITIONS_WARNING)
    spec = result.document["spec"]
    assert "matchConditions" not in spec["settings"] and "auditAnnotations" not in spec["settings"]
    assert list(spec)[-3:] == ["matchPolicy", "namespaceSelector", "objectSelector"]
    assert spec["objectSelector"] == {
        "matchExpressions": [{"key": "env", "operator": "In", "values": ["x"]}],
        "matchLabels": {"a": "2", "z": "1"},
    }
    assert "scope" not in spec["rules"][0]
    assert list(result.document["metadata"]) == ["labels", "name"]


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda v, b: v.update(kind="Pod"), "cannot convert given data into a ValidatingAdmissionPolicy"),
        (lambda v, b: b.update(apiVersion="v1"), "cannot convert given data into a ValidatingAdmissionPolicyBinding"),
        (lambda v, b: v["spec"]["matchConstraints"]["resourceRules"][0].update(operations=["PATCH"]),
         "unknown operation 'PATCH'"),
        (lambda v, b: v["spec"].update(validations=[{"message": "no expression"}]), "spec.validations[0].expression"),
        (lambda v, b: v["spec"].update(variables="x"), "spec.variables: expected a list"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(mutate: object, fragment: str) -> None:
    vap, binding = _docs_vap()
    mutate(vap, binding)  # type: ignore[operator]
    with pytest.raises(InputError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        convert_vap(vap, binding)


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scaffold", "vap", "-p", str(DATA / "vap-with-params.yml"), "-b", str(DATA / "vap-binding-params.yml"),
                 "--cel-policy", "ghcr.io/kubewarden/policies/cel-policy:v1.0.1"])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0 and out.err == ""
    expected = (DATA / "vap-with-params.expected.yml").read_text()
    assert out.out == expected.replace(DEFAULT_CEL_POLICY, "ghcr.io/kubewarden/policies/cel-policy:v1.0.1")
    assert (
        main(
            ["scaffold", "vap", "-p", str(DATA / "vap-with-params.yml"), "-b", str(DATA / "vap-binding.yml")]
        )
        == 1
    )
    assert "error: Both paramKind and paramRef" in capsys.readouterr().err


_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=8)),
    lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.text(max_size=8), c, max_size=3)),
    max_leaves=8,
)
_SPEC_KEYS = ["failurePolicy", "variables", "validations", "paramKind", "matchConstraints", "matchConditions"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(_SPEC_KEYS), _json, max_size=4), st.dictionaries(st.sampled_from(
    ["paramRef", "matchResources", "policyName"]), _json, max_size=2))  # fmt: skip
def test_any_input_converts_or_fails_with_an_input_error(spec: dict, binding_spec: dict) -> None:
    vap, binding = _docs_vap()
    vap["spec"].update(spec)
    binding["spec"].update(binding_spec)
    try:
        result = convert_vap(vap, binding)
    except InputError:
        return
    assert load_yaml(result.text) == result.document
