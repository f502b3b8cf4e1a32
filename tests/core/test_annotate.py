from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from workbench import __version__
from workbench.core.annotate import TOOL_ANNOTATION, annotate_module
from workbench.core.errors import InputError, MetadataError
from workbench.core.module import load_module
from workbench.core.wasm.reader import parse_module


def _non_metadata_sections(data: bytes) -> list[bytes]:
    info = parse_module(data)
    out = []
    for section in info.sections:
        if section.id == 0:
            custom = next(c for c in info.custom_sections if c.offset == section.offset)
            if custom.name == "io.kubewarden.metadata":
                continue
        out.append(data[section.offset : section.end])
    return out


def test_annotate_round_trip_rego(tmp_path: Path, fixtures_dir: Path) -> None:
    src = tmp_path / "policy.wasm"
    shutil.copy(fixtures_dir / "policies/opa-no-default-namespace.wasm", src)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "annotated.wasm"
    result = annotate_module(
        load_module(src), fixtures_dir / "policies/gk-disallow-service-lb.metadata-correct.yml", output=out
    )
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before  # input untouched
    annotated = load_module(out)
    assert annotated.metadata.to_json_bytes() == result.metadata.to_json_bytes()
    assert annotated.metadata.protocol_version == "Unknown"
    assert annotated.metadata.annotations[TOOL_ANNOTATION] == __version__
    assert _non_metadata_sections(out.read_bytes()) == _non_metadata_sections(src.read_bytes())

    # a second annotate replaces: one metadata section only
    usage = tmp_path / "README.md"
    usage.write_text("# Usage\n\nline two\n")
    out2 = tmp_path / "again.wasm"
    annotate_module(
        annotated, fixtures_dir / "policies/gk-disallow-service-lb.metadata-correct.yml", output=out2, usage_path=usage
    )
    info = parse_module(out2.read_bytes())
    assert [c.name for c in info.custom_sections].count("io.kubewarden.metadata") == 1
    assert load_module(out2).metadata.annotations["io.kubewarden.policy.usage"] == "# Usage\n\nline two\n"


def test_annotate_drops_a_kwctl_annotation_from_the_metadata(tmp_path: Path, fixtures_dir: Path) -> None:
    """Only kwctl writes io.kubewarden.kwctl (with its own version): a supplied value is not carried over."""
    module = load_module(fixtures_dir / "policies/gk-container-limits-annotated.wasm")
    metadata = module.metadata.copy()
    assert metadata.annotations["io.kubewarden.kwctl"] == "1.10.1"
    result = annotate_module(module, metadata=metadata, output=tmp_path / "o.wasm")
    assert "io.kubewarden.kwctl" not in result.metadata.annotations
    assert result.metadata.annotations[TOOL_ANNOTATION] == __version__
    assert any(w.startswith("io.kubewarden.kwctl: '1.10.1' from the metadata was not carried over") for w in result.warnings)


def test_annotate_drops_kwctl_annotation_on_a_module_we_build(tmp_path: Path) -> None:
    import wasmtime
    from kwtest import wapc_wat

    from workbench.core.metadata import Metadata
    from workbench.core.module import PolicyModule

    module = PolicyModule.from_bytes(wasmtime.wat2wasm(wapc_wat('respond:{"accepted":true}')))
    metadata = Metadata.from_dict(
        {
            "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}],
            "mutating": False,
            "annotations": {"io.kubewarden.kwctl": "9.9.9", "io.kubewarden.policy.title": "t"},
        }
    )
    result = annotate_module(module, metadata=metadata, output=tmp_path / "o.wasm")
    annotated = load_module(tmp_path / "o.wasm").metadata
    assert annotated is not None and "io.kubewarden.kwctl" not in (annotated.annotations or {})
    assert (annotated.annotations or {})["io.kubewarden.policy.title"] == "t"
    assert any("'9.9.9' from the metadata was not carried over" in w for w in result.warnings)


def test_annotate_wrong_mode_for_rego(fixtures_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(MetadataError, match="This policy has been created using Rego"):
        annotate_module(
            load_module(fixtures_dir / "policies/opa-no-default-namespace.wasm"),
            fixtures_dir / "policies/gk-disallow-service-lb.metadata-wrong.yml",
            output=tmp_path / "o.wasm",
        )
    assert not (tmp_path / "o.wasm").exists()
    with pytest.raises(MetadataError, match="has not been created using Rego"):
        annotate_module(
            load_module(fixtures_dir / "policies/kw-js-demo-wasi.wasm"),
            fixtures_dir / "policies/gk-disallow-service-lb.metadata-correct.yml",
        )


def test_annotate_wasi_matches_kwctl_output(fixtures_dir: Path) -> None:
    """The unannotated JS module annotated with its metadata gives kwctl's section, but for the tool key."""
    result = annotate_module(
        load_module(fixtures_dir / "policies/kw-js-demo-wasi.wasm"), fixtures_dir / "policies/kw-js-demo.metadata.yml"
    )
    ours = result.metadata.to_dict()
    theirs = load_module(fixtures_dir / "policies/kw-js-demo-wasi-annotated.wasm").metadata.to_dict()
    for md in (ours, theirs):
        md["annotations"] = {
            k: v
            for k, v in md["annotations"].items()
            if k not in (TOOL_ANNOTATION, "io.kubewarden.kwctl", "io.kubewarden.policy.usage")
        }
    assert ours == theirs


def test_refuses_to_overwrite_input(tmp_path: Path, fixtures_dir: Path) -> None:
    src = tmp_path / "p.wasm"
    shutil.copy(fixtures_dir / "policies/kw-js-demo-wasi.wasm", src)
    before = src.read_bytes()
    with pytest.raises(InputError, match="refusing to overwrite"):
        annotate_module(load_module(src), fixtures_dir / "policies/kw-js-demo.metadata.yml", output=src)
    assert src.read_bytes() == before
    annotate_module(load_module(src), fixtures_dir / "policies/kw-js-demo.metadata.yml", output=src, in_place=True)
    assert load_module(src).metadata is not None


def test_invalid_metadata_writes_nothing(tmp_path: Path, fixtures_dir: Path) -> None:
    md = tmp_path / "metadata.yml"
    md.write_text("rules: [{apiGroups: [''], apiVersions: [v1], resources: ['*/*', pods], operations: [CREATE]}]\n"
                  "mutating: false\nexecutionMode: wasi\n")
    out = tmp_path / "o.wasm"
    with pytest.raises(MetadataError, match=r"Metadata is invalid: rules\[0\].resources"):
        annotate_module(load_module(fixtures_dir / "policies/kw-js-demo-wasi.wasm"), md, output=out)
    assert not out.exists()
