"""kwctl-exact metadata validation (docs/kubewarden-compat.md §11) and the workbench's lints."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.errors import MetadataError
from workbench.core.metadata import Metadata, lint_metadata, metadata_errors, validate_metadata


def _md(resources=None, **extra) -> Metadata:
    data = {
        "protocolVersion": "v1",
        "rules": [
            {
                "apiGroups": [""],
                "apiVersions": ["v1"],
                "resources": resources or ["pods"],
                "operations": ["CREATE"],
            }
        ],
        "mutating": False,
    }
    data.update(extra)
    return Metadata.from_dict(data)


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
            "rules": [
                {
                    "apiGroups": ["", "*"],
                    "apiVersions": [],
                    "resources": ["pods"],
                    "operations": ["*", "CREATE"],
                }
            ],
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


@given(
    st.lists(st.sampled_from(["pods", "*", "*/*", "a/*", "a/b", "*/b", "", "x", "x/b"]), max_size=5),
    st.sampled_from(["v1", "Unknown"]),
    st.sampled_from(["kubewarden-wapc", "opa", "gatekeeper", "wasi"]),
)
def test_validate_raises_exactly_when_errors_are_listed(
    resources: list[str], protocol: str, mode: str
) -> None:
    md = Metadata.from_dict(
        {
            "protocolVersion": protocol,
            "executionMode": mode,
            "rules": [
                {"apiGroups": [""], "apiVersions": ["v1"], "resources": resources, "operations": ["CREATE"]}
            ],
            "mutating": False,
        }
    )
    errors = metadata_errors(md)
    if errors:
        with pytest.raises(MetadataError) as info:
            validate_metadata(md)
        assert str(info.value)
    else:
        validate_metadata(md)
    assert (not resources) <= any("resources" in e for e in errors)
    assert (protocol == "Unknown" and mode == "kubewarden-wapc") <= bool(errors)
    assert all(isinstance(w, str) and w for w in lint_metadata(md))
