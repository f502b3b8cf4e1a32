"""The host-capability provider engines call for ``__host_call`` / ``host.call`` (docs/kubewarden-compat.md §9).

Dispatch (``crates/policy-evaluator/src/runtimes/callback.rs``): the binding must be
``kubewarden``; ``tracing/log`` becomes a policy log record and is never gated nor
recorded; every other ``namespace/operation`` must be allowed by the capability allow
list, and Kubernetes list/get calls also need their ``(apiVersion, kind)`` in the
context-aware allow list. Answers come, in this order, from a replay session, from the
offline sources (cluster snapshot, ``cryptography``) or are refused with a clear
message (OCI registries, DNS, ``can_i`` need a live environment). Every call is logged
with source ``host`` and appended to :attr:`HostCapabilities.history`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from workbench.core.engines.base import LogRecord, LogSink, null_log
from workbench.core.engines.hostcaps.crypto import is_certificate_trusted
from workbench.core.engines.hostcaps.patterns import CapabilityAllowList
from workbench.core.engines.hostcaps.session import CallbackRequest, SessionRecorder, SessionReplayer
from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot
from workbench.core.errors import HostCapabilityError, WorkbenchError
from workbench.core.yamlio import loads_json

__all__ = [
    "CapabilityBackend",
    "DenyAllBackend",
    "HostCapabilities",
    "RecordingBackend",
    "ReplayBackend",
    "SnapshotBackend",
    "build_host_capabilities",
    "parse_callback_request",
]

_LEVELS = {
    "trace": "trace",
    "debug": "debug",
    "info": "info",
    "warn": "warning",
    "warning": "warning",
    "error": "error",
}
_K8S_RESOURCE_CALLS = {"list_resources_by_namespace", "list_resources_all", "get_resource"}
_V2_VERIFY = {
    "SigstorePubKeyVerify": ("image", "pub_keys", "annotations"),
    "SigstoreKeylessVerify": ("image", "keyless", "annotations"),
    "SigstoreKeylessPrefixVerify": ("image", "keyless_prefix", "annotations"),
    "SigstoreGithubActionsVerify": ("image", "owner", "repo", "annotations"),
    "SigstoreCertificateVerify": (
        "image",
        "certificate",
        "certificate_chain",
        "require_rekor_bundle",
        "annotations",
    ),
}


def _decode(path: str, payload: bytes) -> Any:
    try:
        return loads_json(payload, "the payload", error=HostCapabilityError)
    except HostCapabilityError as exc:
        raise HostCapabilityError(f"Cannot decode the {path} request: {exc}") from None


def _lenient(text: str) -> Any:
    """JSON when ``text`` is (bounded) JSON, else the text itself (for the history and the log)."""
    try:
        return loads_json(text, "value", error=HostCapabilityError)
    except HostCapabilityError:
        return text


def _object(path: str, value: Any, required: Iterable[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise HostCapabilityError(f"Cannot decode the {path} request: expected a JSON object")
    for key in required:
        if key not in value:
            raise HostCapabilityError(f"Cannot decode the {path} request: missing field `{key}`")
    return value


def _string(path: str, value: Any) -> str:
    if not isinstance(value, str):
        raise HostCapabilityError(f"Cannot decode the {path} request: expected a JSON string")
    return value


def parse_callback_request(namespace: str, operation: str, payload: bytes) -> CallbackRequest:
    """Decode a guest payload into kwctl's ``CallbackRequestType`` variant and fields."""
    path = f"{namespace}/{operation}"
    data = _decode(path, payload)
    if namespace == "kubernetes":
        if operation == "list_resources_by_namespace":
            d = _object(path, data, ("api_version", "kind", "namespace"))
            keys: tuple[str, ...] = ("api_version", "kind", "namespace", "label_selector", "field_selector", "field_masks")
            return CallbackRequest("KubernetesListResourceNamespace", {k: d.get(k) for k in keys})
        if operation == "list_resources_all":
            d = _object(path, data, ("api_version", "kind"))
            keys = ("api_version", "kind", "label_selector", "field_selector", "field_masks")
            return CallbackRequest("KubernetesListResourceAll", {k: d.get(k) for k in keys})
        if operation == "get_resource":
            d = _object(path, data, ("api_version", "kind", "name"))
            fields = {k: d.get(k) for k in ("api_version", "kind", "name", "namespace")}
            fields["disable_cache"] = bool(d.get("disable_cache", False))
            fields["field_masks"] = d.get("field_masks")
            return CallbackRequest("KubernetesGetResource", fields)
        if operation == "can_i":
            d = _object(path, data, ("subject_access_review",))
            return CallbackRequest(
                "KubernetesCanI",
                {"request": d["subject_access_review"], "disable_cache": bool(d.get("disable_cache"))},
            )
    elif namespace == "oci":
        if operation == "v1/manifest_digest":
            return CallbackRequest("OciManifestDigest", {"image": _string(path, data)})
        if operation == "v1/oci_manifest":
            return CallbackRequest("OciManifest", {"image": _string(path, data)})
        if operation == "v1/oci_manifest_config":
            return CallbackRequest("OciManifestAndConfig", {"image": _string(path, data)})
        if operation == "v1/verify":
            d = _object(path, data, ())
            if len(d) != 1 or next(iter(d)) not in ("SigstorePubKeyVerify", "SigstoreKeylessVerify"):
                raise HostCapabilityError(f"Cannot decode the {path} request: unknown verification variant")
            variant, body = next(iter(d.items()))
            body = _object(path, body, ("image",))
            return CallbackRequest(variant, {k: body.get(k) for k in _V2_VERIFY[variant]})
        if operation == "v2/verify":
            d = _object(path, data, ("type", "image"))
            variant = d["type"]
            if variant not in _V2_VERIFY:
                raise HostCapabilityError(f"Cannot decode the {path} request: unknown variant `{variant}`")
            return CallbackRequest(variant, {k: d.get(k) for k in _V2_VERIFY[variant]})
    elif namespace == "net" and operation == "v1/dns_lookup_host":
        return CallbackRequest("DNSLookupHost", {"host": _string(path, data)})
    elif namespace == "crypto" and operation == "v1/is_certificate_trusted":
        return CallbackRequest("CryptoIsCertificateTrusted", {"request": _object(path, data, ("cert",))})
    raise HostCapabilityError(f"unknown operation: {path}")


# =====================================================================================
# Backends: where the answer to a permitted call comes from
# =====================================================================================
@runtime_checkable
class CapabilityBackend(Protocol):
    """Answers host calls that the gate (:class:`HostCapabilities`) has already allowed.

    ``answer`` returns the JSON text of the reply or raises :class:`HostCapabilityError`
    with the message the policy sees. Implementations: :class:`SnapshotBackend` (a cluster
    snapshot plus the offline crypto capability), :class:`ReplayBackend` (a kwctl session),
    :class:`RecordingBackend` (records what another backend answers) and
    :class:`DenyAllBackend`.
    """

    #: shown in the log and the history ("offline", "replay", "refused")
    label: str

    def answer(self, namespace: str, operation: str, request: CallbackRequest, payload: bytes) -> str: ...

    def close(self, log: LogSink) -> None: ...


class DenyAllBackend:
    """Refuses every call (what an engine gets when nobody configured host capabilities)."""

    label = "refused"

    def answer(self, namespace: str, operation: str, request: CallbackRequest, payload: bytes) -> str:
        raise HostCapabilityError(f"{namespace}/{operation}: no host capabilities are available to this policy")

    def close(self, log: LogSink) -> None:
        return None


class SnapshotBackend:
    """Answers offline: Kubernetes reads from a cluster snapshot, crypto locally, the rest refused."""

    label = "offline"

    def __init__(self, snapshot: ClusterSnapshot | None = None) -> None:
        self.snapshot = snapshot

    def answer(self, namespace: str, operation: str, request: CallbackRequest, payload: bytes) -> str:
        path = f"{namespace}/{operation}"
        try:
            return self._answer(namespace, operation, request, payload).decode("utf-8")
        except HostCapabilityError:
            raise
        except WorkbenchError as exc:
            raise HostCapabilityError(f"{path}: {exc}") from None
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
            # a field of the wrong type reached the offline answer (e.g. a list as label selector)
            raise HostCapabilityError(f"Cannot decode the {path} request: {_describe(exc)}") from None

    def close(self, log: LogSink) -> None:
        return None

    def _answer(self, namespace: str, operation: str, request: CallbackRequest, payload: bytes) -> bytes:
        path = f"{namespace}/{operation}"
        f = request.fields
        if namespace == "kubernetes":
            if operation == "can_i":
                raise HostCapabilityError(
                    "kubernetes/can_i needs a live cluster (RBAC is not part of a snapshot): "
                    "replay a session recorded with kwctl --record-host-capabilities-interactions"
                )
            if self.snapshot is None:
                raise HostCapabilityError(
                    f"{path}: no cluster snapshot is loaded; give one (--cluster-snapshot) or replay a session"
                )
            if operation == "get_resource":
                result = self.snapshot.get_resource(
                    f["api_version"], f["kind"], _str(f, "name"), f.get("namespace"), f.get("field_masks")
                )
            elif operation == "list_resources_by_namespace":
                result = self.snapshot.list_resources_by_namespace(
                    f["api_version"], f["kind"], _str(f, "namespace"), f.get("label_selector"),
                    f.get("field_selector"), f.get("field_masks"),
                )  # fmt: skip
            else:
                result = self.snapshot.list_resources_all(
                    f["api_version"],
                    f["kind"],
                    f.get("label_selector"),
                    f.get("field_selector"),
                    f.get("field_masks"),
                )
            return json.dumps(result, separators=(",", ":"), ensure_ascii=False).encode()
        if namespace == "crypto":
            return is_certificate_trusted(payload)
        what = "DNS" if namespace == "net" else "an OCI registry"
        raise HostCapabilityError(
            f"'{path}' needs {what}, which the workbench does not contact while evaluating offline: "
            "replay a session recorded with kwctl (--replay-host-capabilities-interactions)"
        )


class ReplayBackend:
    """Answers from a session recorded by kwctl (``--replay-host-capabilities-interactions``), in order."""

    label = "replay"

    def __init__(self, replayer: SessionReplayer) -> None:
        self.replayer = replayer

    def answer(self, namespace: str, operation: str, request: CallbackRequest, payload: bytes) -> str:
        ok, data = self.replayer.next(request)
        if not ok:
            raise HostCapabilityError(data)
        return data

    def close(self, log: LogSink) -> None:
        """Warn (once) about recorded responses the run did not use, like kwctl."""
        if self.replayer.remaining:
            log(
                LogRecord(
                    level="warning",
                    message=f"{self.replayer.remaining} recorded host capabilities interaction(s) in "
                    f"{self.replayer.path} were not replayed",
                    source="host",
                )
            )


class RecordingBackend:
    """Records every answer (or refusal) of another backend in kwctl's session format."""

    def __init__(self, inner: CapabilityBackend, recorder: SessionRecorder) -> None:
        self.inner = inner
        self.recorder = recorder
        self.label = inner.label

    def answer(self, namespace: str, operation: str, request: CallbackRequest, payload: bytes) -> str:
        try:
            data = self.inner.answer(namespace, operation, request, payload)
        except HostCapabilityError as exc:
            self.recorder.record(request, False, str(exc))
            raise
        self.recorder.record(request, True, data)
        return data

    def close(self, log: LogSink) -> None:
        """Write the recorded session (atomically) at the end of the run."""
        self.inner.close(log)
        self.recorder.save()


class HostCapabilities:
    """Answers host calls for one policy run (see module docs)."""

    def __init__(
        self,
        *,
        context_aware_resources: Iterable[tuple[str, str]] = (),
        allowed_capabilities: Iterable[str] = ("*",),
        backend: CapabilityBackend | None = None,
        log: LogSink = null_log,
    ) -> None:
        self.context_aware = frozenset((str(a), str(k)) for a, k in context_aware_resources)
        self.allow_list = CapabilityAllowList(allowed_capabilities)
        self.backend: CapabilityBackend = backend if backend is not None else DenyAllBackend()
        self.log = log
        self.history: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._closed = False

    @property
    def replayer(self) -> SessionReplayer | None:
        """The replayed kwctl session, when answers come from one (Rego inventories read it)."""
        backend = self.backend.inner if isinstance(self.backend, RecordingBackend) else self.backend
        return backend.replayer if isinstance(backend, ReplayBackend) else None

    # -- entry point ----------------------------------------------------------------
    def call(
        self,
        binding: str,
        namespace: str,
        operation: str,
        payload: bytes,
        *,
        log: Callable[[LogRecord], None] | None = None,
    ) -> bytes:
        """Answer one host call; raises :class:`HostCapabilityError` with Kubewarden's message."""
        sink = log or self.log
        if binding != "kubewarden":
            return self._refuse(sink, binding, namespace, operation, payload, f"unknown binding: {binding}")
        if namespace == "tracing":
            if operation == "log":
                self._trace(sink, payload)
                return b""
            return self._refuse(
                sink, binding, namespace, operation, payload, f"unknown operation: tracing/{operation}"
            )
        path = f"{namespace}/{operation}"
        if not self.allow_list.allows(path):
            return self._refuse(
                sink, binding, namespace, operation, payload,
                f"Policy has not been granted access to the '{path}' host capability. The violation has been reported.",
            )  # fmt: skip
        started = time.perf_counter()
        try:
            request = parse_callback_request(namespace, operation, payload)
        except HostCapabilityError as exc:
            return self._refuse(sink, binding, namespace, operation, payload, str(exc))
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:  # wrongly typed fields
            return self._refuse(
                sink, binding, namespace, operation, payload, f"Cannot decode the {path} request: {_describe(exc)}"
            )
        if namespace == "kubernetes" and operation in _K8S_RESOURCE_CALLS:
            resource = (str(request.fields.get("api_version")), str(request.fields.get("kind")))
            if resource not in self.context_aware:
                return self._refuse(
                    sink, binding, namespace, operation, payload,
                    f"Policy has not been granted access to Kubernetes {resource[0]}/{resource[1]} resources. "
                    "The violation has been reported.",
                    request=request,
                )  # fmt: skip
        source = self.backend.label
        try:
            data = self.backend.answer(namespace, operation, request, payload)
            ok = True
        except HostCapabilityError as exc:
            ok, data = False, str(exc)
        elapsed = time.perf_counter() - started
        self._remember(sink, binding, namespace, operation, payload, ok, data, source, elapsed, request)
        if not ok:
            raise HostCapabilityError(data)
        return data.encode("utf-8")

    def close(self) -> None:
        """End of the run: the backend writes a recorded session or warns about unused replays."""
        if self._closed:
            return
        self._closed = True
        self.backend.close(self.log)

    # -- helpers ----------------------------------------------------------------------
    def _trace(self, sink: Callable[[LogRecord], None], payload: bytes) -> None:
        try:
            event = loads_json(payload, "tracing event", error=HostCapabilityError)
        except HostCapabilityError:
            sink(LogRecord(level="info", message=payload.decode("utf-8", "replace"), source="policy"))
            return
        if not isinstance(event, dict):
            sink(LogRecord(level="info", message=payload.decode("utf-8", "replace"), source="policy"))
            return
        fields = dict(event)
        level = _LEVELS.get(str(fields.pop("level", "info")).lower(), "info")
        message = fields.pop("message", None)
        sink(
            LogRecord(
                level=level, message="" if message is None else str(message), source="policy", fields=fields
            )
        )

    def _refuse(
        self, sink: Callable[[LogRecord], None], binding: str, namespace: str, operation: str, payload: bytes,
        message: str, request: CallbackRequest | None = None,
    ) -> bytes:  # fmt: skip
        self._remember(sink, binding, namespace, operation, payload, False, message, "refused", 0.0, request)
        raise HostCapabilityError(message)

    def _remember(
        self, sink: Callable[[LogRecord], None], binding: str, namespace: str, operation: str, payload: bytes,
        ok: bool, data: str, source: str, elapsed: float, request: CallbackRequest | None,
    ) -> None:  # fmt: skip
        decoded_request: Any = _lenient(payload.decode("utf-8", "replace"))
        entry: dict[str, Any] = {
            "binding": binding,
            "namespace": namespace,
            "operation": operation,
            "request": decoded_request,
            "variant": request.variant if request else None,
            "ok": ok,
            "source": source,
            "elapsed_s": elapsed,
        }
        if ok:
            entry["response"] = _lenient(data)
        else:
            entry["error"] = data
        with self._lock:
            self.history.append(entry)
        outcome = "ok" if ok else f"error: {data}"
        sink(
            LogRecord(
                level="info" if ok else "warning",
                message=f"host call {namespace}/{operation} ({source}): {outcome}",
                source="host",
                fields={"binding": binding, "request": decoded_request},
            )
        )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "the request is nested too deeply"
    return f"a field has the wrong type or value ({type(exc).__name__}: {exc})"


def _str(fields: dict[str, Any], key: str) -> str:
    value = fields.get(key)
    if not isinstance(value, str):
        raise HostCapabilityError(f"`{key}` must be a string")
    return value


def build_host_capabilities(
    *,
    context_aware_resources: Iterable[Any],
    allowed_capabilities: Iterable[str] = ("*",),
    snapshot: ClusterSnapshot | str | Path | None = None,
    record_path: str | Path | None = None,
    replay_path: str | Path | None = None,
    log: LogSink = null_log,
) -> HostCapabilities:
    """Build the provider the runner hands to engines through ``EngineOptions.host_capabilities``.

    ``context_aware_resources``: ``(api_version, kind)`` pairs or objects with
    ``api_version``/``kind`` attributes (metadata ``ContextAwareResource``) or dicts
    (``apiVersion``/``kind``). ``snapshot``: a :class:`ClusterSnapshot` or a path.
    Recording and replaying are mutually exclusive, like kwctl's flags.
    """
    from workbench.core.errors import InputError

    if record_path is not None and replay_path is not None:
        raise InputError("recording and replaying host capabilities interactions are mutually exclusive")
    resources: list[tuple[str, str]] = []
    for item in context_aware_resources:
        if isinstance(item, dict):
            resources.append((item.get("apiVersion") or item.get("api_version"), item.get("kind")))  # type: ignore[arg-type]
        elif isinstance(item, (tuple, list)):
            resources.append((item[0], item[1]))
        else:
            resources.append((item.api_version, item.kind))
    if snapshot is not None and not isinstance(snapshot, ClusterSnapshot):
        snapshot = ClusterSnapshot.from_path(snapshot)
    backend: CapabilityBackend
    if replay_path is not None:
        backend = ReplayBackend(SessionReplayer(replay_path))
    else:
        backend = SnapshotBackend(snapshot)
    if record_path is not None:
        backend = RecordingBackend(backend, SessionRecorder(record_path))
    return HostCapabilities(
        context_aware_resources=resources,
        allowed_capabilities=allowed_capabilities,
        backend=backend,
        log=log,
    )
