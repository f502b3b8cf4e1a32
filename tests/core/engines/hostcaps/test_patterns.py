"""Host-capability allow-list patterns (docs/kubewarden-compat.md §9.2)."""

from __future__ import annotations

import pytest

from workbench.core.engines.hostcaps.patterns import CapabilityAllowList, all_capabilities
from workbench.core.errors import InputError


def test_leaves():
    assert len(all_capabilities()) == 11
    assert "kubernetes/can_i" in all_capabilities() and "oci/v2/verify" in all_capabilities()


@pytest.mark.parametrize(
    ("patterns", "allowed", "denied"),
    [
        (["*"], ["oci/v1/verify", "kubernetes/get_resource"], []),
        (["oci/*"], ["oci/v1/verify", "oci/v2/verify"], ["net/v1/dns_lookup_host"]),
        (["oci/v1/*"], ["oci/v1/manifest_digest"], ["oci/v2/verify"]),
        (["kubernetes/get_resource", "crypto/*"], ["crypto/v1/is_certificate_trusted"], ["kubernetes/can_i"]),
        ([], ["tracing/log"], ["oci/v1/verify"]),
    ],
)
def test_allow_list(patterns, allowed, denied):
    allow = CapabilityAllowList(patterns)
    assert all(allow.allows(p) for p in allowed)
    assert not any(allow.allows(p) for p in denied)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "empty"),
        ("oci*", "whole last segment"),
        ("oci/v1/oci_*", "whole last segment"),
        ("oci/v3/*", "unknown segment 'v3'"),
        ("dns/*", "unknown segment 'dns'"),
        ("oci/v1", "is a group"),
        ("oci/v1/verify/*", "is a capability, not a group"),
        ("oci//verify", "empty segment"),
    ],
)
def test_invalid_patterns(pattern, message):
    with pytest.raises(InputError, match=message):
        CapabilityAllowList([pattern])
