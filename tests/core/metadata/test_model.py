"""The metadata model: defaults, canonical serialisation, sorted sets, parse/serialise round trip."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from workbench.core.metadata import Metadata, lint_metadata, metadata_errors


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
