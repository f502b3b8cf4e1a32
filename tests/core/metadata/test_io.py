"""metadata.yml reading and writing: named errors, fixture files, YAML round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.errors import MetadataError, WorkbenchError
from workbench.core.metadata import load_metadata_file, parse_metadata_text


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("rules: []\n", "missing field `mutating`"),
        ("mutating: false\n", "missing field `rules`"),
        ("rules: []\nmutating: yes\n", "mutating: invalid type"),
        ("rules: []\nmutating: false\nexecutionMode: rust\n", "unknown variant `rust`"),
        ("rules: []\nmutating: false\nannotations:\n  version: 1.0\n", "annotations.version: invalid type"),
        (
            "rules: [{apiGroups: [''], apiVersions: [v1], resources: [pods], operations: [create]}]\nmutating: false\n",
            "unknown variant `create`",
        ),
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


@given(st.text(max_size=200))
def test_any_text_parses_or_raises_workbench_error(text: str) -> None:
    try:
        parse_metadata_text(text)
    except WorkbenchError:
        pass
