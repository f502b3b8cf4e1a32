"""Real-registry fixtures for the signature tests (see tests/oci/registry.py)."""

from oci.fixtures import (  # noqa: F401 -- pytest fixtures
    _no_proxy_for_loopback,
    make_client,
    plain_client,
    plain_registry,
)
