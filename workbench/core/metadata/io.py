"""``metadata.yml`` in and out (YAML or JSON), as ``kwctl annotate -m`` reads it."""

from __future__ import annotations

from pathlib import Path

from workbench.core.errors import InputError, MetadataError
from workbench.core.metadata.model import Metadata
from workbench.core.yamlio import dump_json, dump_yaml, load_json_or_yaml, read_text

__all__ = ["dump_metadata_json", "dump_metadata_yaml", "load_metadata_file", "parse_metadata_text"]


def parse_metadata_text(text: str, source: str = "metadata") -> Metadata:
    try:
        data = load_json_or_yaml(text, source)
    except InputError as exc:
        raise MetadataError(str(exc)) from None
    if data is None:
        raise MetadataError(f"{source} is empty")
    try:
        return Metadata.from_dict(data)
    except MetadataError as exc:
        raise MetadataError(f"{source}: {exc}") from None


def load_metadata_file(path: str | Path) -> Metadata:
    return parse_metadata_text(read_text(path, "metadata file"), str(path))


def dump_metadata_yaml(md: Metadata) -> str:
    return dump_yaml(md.to_dict())


def dump_metadata_json(md: Metadata) -> str:
    return dump_json(md.to_dict())
