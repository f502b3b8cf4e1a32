"""Kubewarden host capabilities answered offline (docs/kubewarden-compat.md §9).

* :func:`build_host_capabilities` → :class:`HostCapabilities` (the provider engines call),
* :class:`ClusterSnapshot` (Kubernetes objects from files),
* record/replay in kwctl's session format, capability allow-list patterns,
  ``crypto/v1/is_certificate_trusted``.
"""

from __future__ import annotations

from workbench.core.engines.hostcaps.patterns import CAPABILITY_TREE, CapabilityAllowList, all_capabilities
from workbench.core.engines.hostcaps.provider import (
    HostCapabilities,
    build_host_capabilities,
    parse_callback_request,
)
from workbench.core.engines.hostcaps.session import CallbackRequest, SessionRecorder, SessionReplayer
from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot, apply_field_masks, plural_name
from workbench.core.errors import HostCapabilityError

__all__ = [
    "CAPABILITY_TREE",
    "CallbackRequest",
    "CapabilityAllowList",
    "ClusterSnapshot",
    "HostCapabilities",
    "HostCapabilityError",
    "SessionRecorder",
    "SessionReplayer",
    "all_capabilities",
    "apply_field_masks",
    "build_host_capabilities",
    "parse_callback_request",
    "plural_name",
]
