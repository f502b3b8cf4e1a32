from __future__ import annotations

import json

import jsonschema
import pytest
from core.oci.wasmgen import METADATA, module
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.errors import InputError
from workbench.core.oci.artifact import (
    CONFIG_BLOB,
    CONFIG_MEDIA_TYPE,
    LAYER_MEDIA_TYPE,
    MANIFEST_MEDIA_TYPE,
    ModuleFacts,
    build_manifest,
    check_pushable,
    manifest_annotations,
    module_facts,
    sha256_digest,
)


def test_facts_from_metadata() -> None:
    facts = module_facts(module(metadata=METADATA))
    assert facts.metadata is not None
    assert facts.title == "tiny"
    assert facts.mutating is False
    assert facts.context_aware is False
    assert not facts.is_rego
    bare = module_facts(module())
    assert (bare.metadata, bare.mutating, bare.context_aware, bare.title) == (None, None, None, None)
    assert module_facts(module(rego=True)).is_rego


def test_manifest_annotations_like_kwctl() -> None:
    annotations = manifest_annotations(module_facts(module(metadata=METADATA)))
    assert "io.kubewarden.policy.usage" not in annotations  # multi-line dropped
    assert annotations["io.kubewarden.policy.description"] == "padded"  # trimmed
    assert annotations["org.opencontainers.image.source"] == "https://example.com/tiny"
    assert annotations["io.kubewarden.policy.title"] == "tiny"


def test_existing_oci_source_is_kept() -> None:
    facts = ModuleFacts(
        {
            "annotations": {
                "io.kubewarden.policy.source": "https://a",
                "org.opencontainers.image.source": "https://b",
                "trailing-newline": "value\n",
                "leading-newline": "\nvalue",
            }
        },
        False,
    )
    annotations = manifest_annotations(facts)
    assert annotations["org.opencontainers.image.source"] == "https://b"
    assert annotations["trailing-newline"] == "value"  # Rust lines(): one line
    assert "leading-newline" not in annotations  # two lines


@given(st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=20), max_size=8))
def test_annotation_values_are_single_trimmed_lines(raw: dict[str, str]) -> None:
    annotations = manifest_annotations(ModuleFacts({"annotations": raw}, False))
    for key, value in annotations.items():
        assert "\n" not in value
        assert value == value.strip()
        if key != "org.opencontainers.image.source" or key in raw:
            assert value == raw[key].strip()


_DESCRIPTOR = {
    "type": "object",
    "required": ["mediaType", "digest", "size"],
    "properties": {
        "mediaType": {
            "type": "string",
            "pattern": r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$",
        },
        "digest": {"type": "string", "pattern": r"^sha256:[a-f0-9]{64}$"},
        "size": {"type": "integer", "minimum": 0},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
#: the OCI image-spec v1.1 manifest rules that matter here (schemaVersion 2, descriptors, annotations)
OCI_MANIFEST_SCHEMA = {
    "type": "object",
    "required": ["schemaVersion", "config", "layers"],
    "properties": {
        "schemaVersion": {"const": 2},
        "mediaType": {"const": MANIFEST_MEDIA_TYPE},
        "config": _DESCRIPTOR,
        "layers": {"type": "array", "items": _DESCRIPTOR, "minItems": 1},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}


def test_manifest_shape() -> None:
    data = module(metadata=METADATA)
    manifest = build_manifest(data, {"a": "b"})
    jsonschema.validate(manifest, schema=OCI_MANIFEST_SCHEMA)
    assert manifest["mediaType"] == MANIFEST_MEDIA_TYPE
    assert manifest["config"] == {
        "mediaType": CONFIG_MEDIA_TYPE,
        "digest": sha256_digest(b"{}"),
        "size": 2,
    }
    assert CONFIG_BLOB == b"{}"
    assert manifest["layers"] == [
        {"mediaType": LAYER_MEDIA_TYPE, "digest": sha256_digest(data), "size": len(data)}
    ]
    assert manifest["annotations"] == {"a": "b"}
    assert "annotations" not in build_manifest(data, {})
    json.dumps(manifest)


def test_push_guard() -> None:
    check_pushable(module_facts(module(metadata=METADATA)), force=False)
    with pytest.raises(InputError, match="--force"):
        check_pushable(module_facts(module()), force=False)
    check_pushable(module_facts(module()), force=True)
    with pytest.raises(InputError, match="Rego"):
        check_pushable(module_facts(module(rego=True)), force=True)
    check_pushable(module_facts(module(rego=True, metadata=METADATA)), force=False)
