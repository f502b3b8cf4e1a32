"""OCI distribution for Kubewarden policies: references, registry client, local store, fetching.

* :mod:`.reference` — ``registry://``, bare Docker references, ``file://``/paths, ``http(s)://``;
* :mod:`.distribution` — our small OCI distribution-API layer on ``requests`` (deadlines,
  retries, auth challenges, capped streamed bodies, typed errors; see docs/oci.md);
* :mod:`.client` — :class:`RegistryClient` (push/pull/digest/manifest/tags and raw
  manifest/blob building blocks) over it;
* :mod:`.sources` / :mod:`.credentials` — kwctl's ``sources.yaml`` and the Docker config;
* :mod:`.store` — kwctl's store layout; :mod:`.fetch` — :func:`fetch_module`.

Nothing here imports Qt; run network calls in a worker (one client per worker).
"""

from __future__ import annotations

from workbench.core.oci.artifact import CONFIG_MEDIA_TYPE, LAYER_MEDIA_TYPE, MANIFEST_MEDIA_TYPE
from workbench.core.oci.client import ProgressCallback, PushResult, RegistryClient, TransportOptions
from workbench.core.oci.credentials import Credentials, DockerConfig, load_docker_config
from workbench.core.oci.fetch import fetch_module
from workbench.core.oci.reference import (
    FileReference,
    HttpReference,
    OciReference,
    PolicyReference,
    parse_oci_reference,
    parse_reference,
)
from workbench.core.oci.sources import Sources, load_sources
from workbench.core.oci.store import Store, StoredPolicy

__all__ = [
    "CONFIG_MEDIA_TYPE",
    "LAYER_MEDIA_TYPE",
    "MANIFEST_MEDIA_TYPE",
    "Credentials",
    "DockerConfig",
    "FileReference",
    "HttpReference",
    "OciReference",
    "PolicyReference",
    "ProgressCallback",
    "PushResult",
    "RegistryClient",
    "Sources",
    "Store",
    "StoredPolicy",
    "TransportOptions",
    "fetch_module",
    "load_docker_config",
    "load_sources",
    "parse_oci_reference",
    "parse_reference",
]
