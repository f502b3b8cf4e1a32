"""Real-registry fixtures for the OCI client and fetch tests."""

from oci.fixtures import (  # noqa: F401 -- pytest fixtures
    FAST,
    _no_proxy_for_loopback,
    auth_client,
    auth_registry,
    make_client,
    plain_client,
    plain_registry,
    tls_client,
    tls_registry,
)
