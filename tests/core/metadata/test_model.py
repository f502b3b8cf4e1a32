from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.errors import MetadataError, WorkbenchError
from workbench.core.metadata import (
    Metadata,
    lint_metadata,
    load_metadata_file,
    metadata_errors,
    parse_metadata_text,
    validate_metadata,
)


def _md(resources=None, **extra) -> Metadata:
    data = {
        "protocolVersion": "v1",
        "rules": [
            {"apiGroups": [""], "apiVersions": ["v1"], "resources": resources or ["pods"], "operations": ["CREATE"]}
        ],
        "mutating": False,
    }
    data.update(extra)
    return Metadata.from_dict(data)


def test_defaults_and_canonical_serialisation() -> None:
    md = Metadata.from_dict(
        {
            "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}],
            "mutating": False,
            "protocolVersion": "v1",
            "annotations": {"io.kubewarden.policy.author": "Flavio Castelli"},
            "contextAware": True,  # legacy key: accepted and discarded
            "scope": "ignored",
        }
    )
    assert md.to_json_bytes() == (
        b'{"protocolVersion":"v1","rules":[{"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"],'
        b'"operations":["CREATE"]}],"annotations":{"io.kubewarden.policy.author":"Flavio Castelli"},'
        b'"mutating":false,"backgroundAudit":true,"executionMode":"kubewarden-wapc","policyType":"kubernetes",'
        b'"contextAwareResources":[]}'
    )


def test_context_aware_resources_are_a_sorted_set() -> None:
    md = _md(
        contextAwareResources=[
            {"apiVersion": "v1", "kind": "Pod"},
            {"apiVersion": "apps/v1", "kind": "Deployment"},
            {"apiVersion": "v1", "kind": "Pod"},
        ]
    )
    assert [c.to_dict() for c in md.context_aware_resources] == [
        {"apiVersion": "apps/v1", "kind": "Deployment"},
        {"apiVersion": "v1", "kind": "Pod"},
    ]


@pytest.mark.parametrize(
    ("resources", "valid"),
    [
        (["pods"], True),
        (["*"], True),
        (["*/*"], True),
        (["*/*", "pods"], False),
        (["*", "pods"], False),
        (["pods", "*"], True),  # kwctl quirk: the flag is overwritten per element
        (["*", "a/b", "a/*", "*/b"], True),
        (["a/*", "a/x"], False),
        (["a/x", "a/*"], True),  # order-dependent quirk
        (["a/*", "a"], True),
        (["*/a", "x/a"], False),
        ([""], False),
    ],
)
def test_resource_rules_match_kwctl(resources: list[str], valid: bool) -> None:
    assert (metadata_errors(_md(resources)) == []) is valid


def test_lint_warns_on_surprising_accepted_orders() -> None:
    assert any("'*'" in w for w in lint_metadata(_md(["pods", "*"])))
    assert any("covered by 'a/*'" in w for w in lint_metadata(_md(["a/x", "a/*"])))


def test_asterisk_rules_and_protocol_version() -> None:
    md = Metadata.from_dict(
        {
            "rules": [{"apiGroups": ["", "*"], "apiVersions": [], "resources": ["pods"], "operations": ["*", "CREATE"]}],
            "mutating": False,
        }
    )
    errors = metadata_errors(md)
    assert "protocolVersion: must be set" in errors
    assert "rules[0].apiGroups: No other elements can be defined when '*' is used" in errors
    assert "rules[0].apiVersions: must contain at least one element" in errors
    assert "rules[0].operations: No other elements can be defined when '*' is used" in errors
    md = _md(protocolVersion="Unknown")
    with pytest.raises(MetadataError, match="Must specify a valid protocol version"):
        validate_metadata(md)
    validate_metadata(_md(protocolVersion="Unknown", executionMode="gatekeeper"))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("rules: []\n", "missing field `mutating`"),
        ("mutating: false\n", "missing field `rules`"),
        ("rules: []\nmutating: yes\n", "mutating: invalid type"),
        ("rules: []\nmutating: false\nexecutionMode: rust\n", "unknown variant `rust`"),
        ("rules: []\nmutating: false\nannotations:\n  version: 1.0\n", "annotations.version: invalid type"),
        ("rules: [{apiGroups: [''], apiVersions: [v1], resources: [pods], operations: [create]}]\nmutating: false\n",
         "unknown variant `create`"),
        ("rules: {}\nmutating: false\n", "rules: invalid type"),
        ("rules: [\n", "not valid YAML at line"),
        ("", "is empty"),
        ("rules: []\nmutating: false\nminimumKubewardenVersion: one\n", "not a valid semantic version"),
    ],
)
def test_bad_metadata_yaml_names_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(MetadataError, match=fragment):
        parse_metadata_text(text, "metadata.yml")


def test_fixture_metadata_files(fixtures_dir) -> None:
    for path in sorted((fixtures_dir / "policies").glob("*.yml")):
        md = load_metadata_file(path)
        assert md.rules
        if "-wrong" in path.name:
            # kwctl rejects it at annotate time (executionMode missing for a Rego module): see test_annotate
            assert md.execution_mode == "kubewarden-wapc"
        if "-correct" in path.name:
            assert md.execution_mode == "gatekeeper"


def test_yaml_round_trip_of_every_fixture(fixtures_dir) -> None:
    from workbench.core.metadata import dump_metadata_yaml

    for path in sorted((fixtures_dir / "policies").glob("*.yml")):
        md = load_metadata_file(path)
        again = parse_metadata_text(dump_metadata_yaml(md))
        assert again.to_json_bytes() == md.to_json_bytes()


_text = st.text(max_size=12)
_rule = st.fixed_dictionaries(
    {
        "apiGroups": st.lists(_text, max_size=3),
        "apiVersions": st.lists(_text, max_size=3),
        "resources": st.lists(st.sampled_from(["pods", "*", "*/*", "a/*", "a/b", "*/b", "", "x"]), max_size=4),
        "operations": st.lists(st.sampled_from(["CREATE", "UPDATE", "DELETE", "CONNECT", "*"]), max_size=3),
    }
)


@given(
    st.fixed_dictionaries(
        {"rules": st.lists(_rule, max_size=3), "mutating": st.booleans()},
        optional={
            "annotations": st.dictionaries(_text, _text, max_size=3),
            "protocolVersion": st.sampled_from(["v1", "Unknown"]),
            "executionMode": st.sampled_from(["kubewarden-wapc", "opa", "gatekeeper", "wasi"]),
            "backgroundAudit": st.booleans(),
            "contextAwareResources": st.lists(st.fixed_dictionaries({"apiVersion": _text, "kind": _text}), max_size=3),
        },
    )
)
def test_parse_serialise_round_trip(data: dict) -> None:
    md = Metadata.from_dict(data)
    again = Metadata.from_json_bytes(md.to_json_bytes())
    assert again.to_json_bytes() == md.to_json_bytes()
    assert json.loads(md.to_json_bytes())["mutating"] == data["mutating"]
    metadata_errors(md)
    lint_metadata(md)


@given(st.text(max_size=200))
def test_any_text_parses_or_raises_workbench_error(text: str) -> None:
    try:
        parse_metadata_text(text)
    except WorkbenchError:
        pass
