"""Host-capability allow lists (docs/kubewarden-compat.md §9.2).

Patterns: ``*`` (everything), an exact leaf (``oci/v1/verify``) or a prefix wildcard
ending in ``/*`` (``oci/*``, ``oci/v1/*``). Anything else is rejected: an empty
pattern, ``*`` that is not a whole last segment (``oci*``, ``oci/v1/oci_*``), unknown
segments, or an intermediate node without ``/*`` (``oci/v1``). An empty list denies
everything. ``tracing`` is never gated.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.core.errors import InputError

__all__ = ["CAPABILITY_TREE", "CapabilityAllowList", "all_capabilities"]

#: the gateable leaves (crates/policy-evaluator/src/host_capabilities.rs)
CAPABILITY_TREE: dict[str, object] = {
    "oci": {
        "v1": {"verify": None, "manifest_digest": None, "oci_manifest": None, "oci_manifest_config": None},
        "v2": {"verify": None},
    },
    "net": {"v1": {"dns_lookup_host": None}},
    "crypto": {"v1": {"is_certificate_trusted": None}},
    "kubernetes": {
        "list_resources_by_namespace": None,
        "list_resources_all": None,
        "get_resource": None,
        "can_i": None,
    },
}


def all_capabilities() -> list[str]:
    leaves: list[str] = []

    def walk(node: object, prefix: str) -> None:
        if node is None:
            leaves.append(prefix)
            return
        assert isinstance(node, dict)
        for key, child in node.items():
            walk(child, f"{prefix}/{key}" if prefix else key)

    walk(CAPABILITY_TREE, "")
    return leaves


def _expand(pattern: str) -> set[str]:
    if pattern == "*":
        return set(all_capabilities())
    if not pattern:
        raise InputError("invalid host capability pattern: the pattern is empty")
    segments = pattern.split("/")
    wildcard = segments[-1] == "*"
    if wildcard:
        segments = segments[:-1]
    for segment in segments:
        if not segment:
            raise InputError(f"invalid host capability pattern {pattern!r}: empty segment")
        if "*" in segment:
            raise InputError(
                f"invalid host capability pattern {pattern!r}: '*' is only allowed as the whole last segment"
            )
    node: object = CAPABILITY_TREE
    for depth, segment in enumerate(segments):
        if not isinstance(node, dict) or segment not in node:
            known = "/".join(segments[:depth]) or "the root"
            raise InputError(
                f"invalid host capability pattern {pattern!r}: unknown segment {segment!r} under {known}"
            )
        node = node[segment]
    path = "/".join(segments)
    if wildcard:
        if node is None:
            raise InputError(
                f"invalid host capability pattern {pattern!r}: {path!r} is a capability, not a group"
            )
        return {leaf for leaf in all_capabilities() if leaf.startswith(path + "/")}
    if node is not None:
        raise InputError(
            f"invalid host capability pattern {pattern!r}: {path!r} is a group; use {path + '/*'!r} to allow all of it"
        )
    return {path}


class CapabilityAllowList:
    """The set of capability paths a policy may call, built from patterns."""

    def __init__(self, patterns: Iterable[str] = ("*",)) -> None:
        self.patterns = tuple(patterns)
        self.allowed: frozenset[str] = (
            frozenset().union(*(_expand(p) for p in self.patterns)) if self.patterns else frozenset()
        )

    def allows(self, path: str) -> bool:
        return path.startswith("tracing/") or path in self.allowed
