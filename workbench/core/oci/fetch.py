"""``fetch_module``: turn what the user typed into a local module path (pulling when needed)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, TYPE_CHECKING

from workbench.core.errors import InputError, StoreError
from workbench.core.oci.reference import FileReference, HttpReference, OciReference, parse_reference
from workbench.core.oci.store import Store, is_sha_prefix

if TYPE_CHECKING:
    from workbench.core.oci.client import ProgressCallback, RegistryClient
    from workbench.core.oci.distribution import CancelLike as _Cancel

__all__ = ["fetch_module", "needs_pull"]


def needs_pull(ref: OciReference | HttpReference, store: Store) -> bool:
    """kwctl's cache rule: ``latest`` is always re-pulled; other tags, digests and URLs once."""
    if not store.contains(ref):
        return True
    return isinstance(ref, OciReference) and ref.digest is None and ref.tag == "latest"


def fetch_module(
    ref_or_path: str | Path,
    *,
    store: Store | None = None,
    client: RegistryClient | None = None,
    pull: bool = True,
    progress: ProgressCallback | None = None,
    cancel: _Cancel | None = None,
    sources_path: str | Path | None = None,
    docker_config_json_path: str | Path | None = None,
) -> Path:
    """Local path for a module: files as they are, SHA prefixes from the store, remote refs via the store.

    With ``pull=False`` (kwctl ``inspect``) a remote reference must already be in the store.
    Without a ``client``, one is built from ``sources_path`` / ``docker_config_json_path``
    (kwctl's ``--sources-path`` / ``--docker-config-json-path``; defaults as kwctl).
    """
    if isinstance(ref_or_path, Path):
        ref: FileReference | OciReference | HttpReference = FileReference(
            ref_or_path, original=str(ref_or_path)
        )
    else:
        text = ref_or_path.strip()
        store = store or Store()
        if is_sha_prefix(text) and not Path(text).exists():
            found = store.find_by_sha_prefix(text)
            if found is not None:
                return found.path
        ref = parse_reference(text)
    if isinstance(ref, FileReference):
        path = Path(os.path.expanduser(ref.path))
        if not path.is_file():
            raise InputError(f"policy module {path} does not exist (or is not a file)")
        return path
    store = store or Store()
    target = store.path_for(ref)
    if not needs_pull(ref, store):
        return target
    if not pull:
        raise StoreError(
            f"policy {ref.uri} is not in the local store ({store.root}); pull it first "
            f"(policy-workbench pull {ref.uri})"
        )
    own_client = client is None
    if client is None:
        from workbench.core.oci.client import RegistryClient
        from workbench.core.oci.credentials import load_docker_config
        from workbench.core.oci.sources import load_sources

        client = RegistryClient(
            sources=load_sources(sources_path), docker_config=load_docker_config(docker_config_json_path)
        )
    remote = ref
    active = client

    def fill(handle: IO[bytes]) -> None:
        # streamed into a temporary file next to the target, renamed only once verified
        if isinstance(remote, OciReference):
            active.pull_into(remote, handle, progress=progress, cancel=cancel)
        else:
            active.download_into(remote, handle, progress=progress, cancel=cancel)

    try:
        return store.write_stream(ref, fill)
    finally:
        if own_client:
            client.close()
