"""``scaffold metadata``: a starting metadata.yml that loads, fits the module and annotates cleanly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import REPO_ROOT

from workbench.core.annotate import annotate_module
from workbench.core.metadata import metadata_errors, parse_metadata_text
from workbench.core.module import load_module
from workbench.core.scaffold.metadata import scaffold_metadata

EXPECTED_MODE = {
    "kw-go-pod-name-denylist.wasm": "kubewarden-wapc",
    "kw-js-demo-wasi.wasm": "wasi",
    "gk-always-happy.wasm": "gatekeeper",  # entrypoint 0 is .../violation
    "opa-k8s-basic-image-registry.wasm": "opa",
    "gk-container-limits-annotated.wasm": "gatekeeper",  # from its metadata
    "kw-js-demo-wasi-annotated.wasm": "wasi",
}


@pytest.mark.parametrize("name", sorted(EXPECTED_MODE))
def test_scaffold_fits_the_module_and_annotates(fixtures_dir: Path, tmp_path: Path, name: str) -> None:
    module = load_module(fixtures_dir / "policies" / name)
    text = scaffold_metadata(module)
    md = parse_metadata_text(text)
    assert md.execution_mode == EXPECTED_MODE[name]
    assert module.kind_reason in text
    assert f"annotate {name} -m metadata.yml" in text
    # everything but the protocol version (annotate sets it) is valid as generated
    assert [e for e in metadata_errors(md) if not e.startswith("protocolVersion")] == []
    result = annotate_module(module, metadata=md, output=tmp_path / "out.wasm")
    annotated = load_module(tmp_path / "out.wasm")
    assert annotated.metadata is not None
    assert annotated.metadata.execution_mode == EXPECTED_MODE[name]
    assert metadata_errors(annotated.metadata) == []
    assert result.metadata.title == md.title


def test_title_comes_from_the_file_name(fixtures_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "My Policy_v2!.wasm"
    shutil.copy(fixtures_dir / "policies" / "kw-go-pod-name-denylist.wasm", path)
    md = parse_metadata_text(scaffold_metadata(load_module(path)))
    assert md.title == "my-policy-v2"
    assert md.mutating is False


@pytest.mark.parametrize("stem", ["123", "true", "null", "0x10", "1e3", "yes", "~"])
def test_titles_that_look_like_other_yaml_types_stay_strings(
    fixtures_dir: Path, tmp_path: Path, stem: str
) -> None:
    path = tmp_path / f"{stem}.wasm"
    shutil.copy(fixtures_dir / "policies" / "kw-go-pod-name-denylist.wasm", path)
    md = parse_metadata_text(scaffold_metadata(load_module(path)))
    assert isinstance(md.title, str) and md.title == ("policy" if stem == "~" else stem.lower())


def test_file_name_with_newline_stays_in_the_comments(fixtures_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "evil\nmutating: true.wasm"
    shutil.copy(fixtures_dir / "policies" / "kw-go-pod-name-denylist.wasm", path)
    md = parse_metadata_text(scaffold_metadata(load_module(path)))
    assert md.mutating is False


def test_existing_metadata_keeps_mode_and_mutating() -> None:
    module = load_module(REPO_ROOT / "resources/demo/policies/set-image-pull-policy/policy.wasm")
    text = scaffold_metadata(module)
    md = parse_metadata_text(text)
    assert md.mutating is True
    assert md.execution_mode == "kubewarden-wapc"
    assert "taken from the module's current metadata" in text


def test_bytes_only_module(fixtures_dir: Path) -> None:
    module = load_module((fixtures_dir / "policies" / "kw-go-pod-name-denylist.wasm").read_bytes())
    text = scaffold_metadata(module)
    assert "annotate policy.wasm -m metadata.yml" in text
    assert parse_metadata_text(text).title == "policy"
