"""Record and replay host-capability interactions in kwctl's session file format (docs/kubewarden-compat.md §10).

A session file is a YAML list written in call order::

    - type: Exchange
      request: |
        !KubernetesGetResource
        api_version: v1
        kind: Namespace
        name: test-policy
        namespace: null
        disable_cache: false
      response:
        type: Success            # or: type: Error + message: "<text>"
        payload: '<exact response bytes as UTF-8>'

``request`` is the YAML of kwctl's ``CallbackRequestType`` enum tagged with the
variant name. Replay is a strict FIFO: each request must equal the next recorded one
(missing optional keys count as ``null``, so files recorded by older kwctl versions
without ``field_masks`` still match).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from workbench.core.errors import HostCapabilityError, InputError
from workbench.core.yamlio import atomic_write, dump_yaml, load_yaml, loads_json, read_text

__all__ = ["CallbackRequest", "SessionRecorder", "SessionReplayer", "check_record_path"]


@dataclasses.dataclass(frozen=True)
class CallbackRequest:
    """One request as kwctl names it: the enum variant plus its fields (in serde order)."""

    variant: str
    fields: dict[str, Any]

    def to_yaml(self) -> str:
        body = dump_yaml(self.fields, yaml.SafeDumper)
        return f"!{self.variant}\n{body}"

    @classmethod
    def from_yaml(cls, text: str) -> CallbackRequest:
        stripped = text.lstrip()
        if not stripped.startswith("!"):
            raise InputError(f"recorded request is not tagged with a request type: {text[:60]!r}")
        first, _, rest = stripped.partition("\n")
        tag, _, inline = first[1:].partition(" ")
        body = load_yaml(inline + "\n" + rest, f"recorded {tag} request") if (inline or rest.strip()) else {}
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise InputError(f"recorded {tag} request is not a mapping")
        return cls(tag, body)

    def matches(self, other: CallbackRequest) -> bool:
        if self.variant != other.variant:
            return False
        keys = set(self.fields) | set(other.fields)
        return all(self.fields.get(k) == other.fields.get(k) for k in keys)


class _SessionDumper(yaml.SafeDumper):
    """Writes multi-line strings (the tagged requests) as literal blocks, like kwctl."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_SessionDumper.add_representer(str, _represent_str)


def check_record_path(record_path: str | Path, inputs: Iterable[str | Path | None]) -> None:
    """Refuse a session record path that is one of the run's inputs (module, request, settings,
    snapshot, replay session): recording would overwrite it. Raises InputError."""
    target = Path(record_path)
    for item in inputs:
        if item is None or str(item) == "-":
            continue
        source = Path(item)
        try:
            same = target.resolve() == source.resolve() or (
                target.exists() and source.exists() and target.samefile(source)
            )
        except OSError:
            same = False
        if same:
            raise InputError(
                f"refusing to record host capabilities interactions into {target}: it is an input of this run ({source})"
            )


class SessionRecorder:
    """Collects every exchange; :meth:`save` writes them to ``path`` atomically.

    Nothing is written when the recorder is created: the file appears (or is replaced) only
    when the run ends (:meth:`save`, called by the provider's ``close``), so pointing the
    record path at an input never destroys it before it is read (see also
    :func:`check_record_path`).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        if self.path.is_dir():
            raise InputError(f"cannot record host capabilities interactions into {self.path}: it is a directory")

    def record(self, request: CallbackRequest, ok: bool, data: str) -> None:
        response = {"type": "Success", "payload": data} if ok else {"type": "Error", "message": data}
        with self._lock:
            self.entries.append({"type": "Exchange", "request": request.to_yaml(), "response": response})

    def save(self) -> None:
        """Write the session file (atomically; ``[]`` when there were no exchanges)."""
        with self._lock:
            text = dump_yaml(self.entries, _SessionDumper, width=100000) if self.entries else "[]\n"
        try:
            atomic_write(self.path, text)
        except InputError as exc:
            raise InputError(f"cannot write the host capabilities session {self.path}: {exc}") from None


class SessionReplayer:
    """Answers requests from a recorded session, strictly in order."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        data = load_yaml(
            read_text(self.path, "host capabilities session"), f"host capabilities session {self.path}"
        )
        if data is None:
            data = []
        if not isinstance(data, list):
            raise InputError(f"host capabilities session {self.path} must be a YAML list of exchanges")
        self._queue: list[tuple[CallbackRequest, bool, str]] = []
        for index, entry in enumerate(data, 1):
            where = f"{self.path} entry {index}"
            if not isinstance(entry, dict) or entry.get("type") != "Exchange":
                raise InputError(f"{where}: expected `type: Exchange`")
            request = entry.get("request")
            response = entry.get("response")
            if not isinstance(request, str) or not isinstance(response, dict):
                raise InputError(f"{where}: `request` (YAML text) and `response` are required")
            kind = response.get("type")
            if kind == "Success":
                payload = response.get("payload", "")
                self._queue.append((CallbackRequest.from_yaml(request), True, str(payload)))
            elif kind == "Error":
                self._queue.append(
                    (CallbackRequest.from_yaml(request), False, str(response.get("message", "")))
                )
            else:
                raise InputError(f"{where}: response type must be Success or Error, not {kind!r}")
        self._lock = threading.Lock()

    def take_kubernetes_inventory(
        self, resources: Iterable[tuple[str, str]]
    ) -> tuple[dict[tuple[str, str], list[dict[str, Any]]], dict[tuple[str, str], str]]:
        """Take out of the session what kwctl's Rego runtime pre-fetches for each granted resource
        type: the ``KubernetesListResourceAll`` answer (no selectors) and the
        ``KubernetesGetResourcePluralName`` answer, in any order. Returns ``(lists, plural names)``
        keyed by ``(api_version, kind)``; entries not taken stay for :attr:`remaining`."""
        wanted = {(str(a), str(k)) for a, k in resources}
        lists: dict[tuple[str, str], list[dict[str, Any]]] = {}
        plurals: dict[tuple[str, str], str] = {}
        keep: list[tuple[CallbackRequest, bool, str]] = []
        with self._lock:
            for entry in self._queue:
                request, ok, data = entry
                fields = request.fields
                key = (str(fields.get("api_version")), str(fields.get("kind")))
                if ok and key in wanted:
                    if (
                        request.variant == "KubernetesListResourceAll"
                        and key not in lists
                        and fields.get("label_selector") is None
                        and fields.get("field_selector") is None
                    ):
                        where = f"host capabilities session {self.path}: the {key[0]}/{key[1]} list"
                        value = loads_json(data, where)
                        items = value.get("items") if isinstance(value, dict) else None
                        if not isinstance(items, list):
                            raise InputError(f"{where} is not a Kubernetes list (no `items` array)")
                        lists[key] = [item for item in items if isinstance(item, dict)]
                        continue
                    if request.variant == "KubernetesGetResourcePluralName" and key not in plurals:
                        plural = loads_json(data, f"host capabilities session {self.path}: a plural name")
                        if isinstance(plural, str):
                            plurals[key] = plural
                            continue
                keep.append(entry)
            self._queue = keep
        return lists, plurals

    def next(self, request: CallbackRequest) -> tuple[bool, str]:
        with self._lock:
            if not self._queue:
                raise HostCapabilityError("Replay error: the list of recorded responses is empty")
            expected, ok, data = self._queue[0]
            if not expected.matches(request):
                raise HostCapabilityError(
                    "Replay error: unexpected request. Expected:\n"
                    f"{expected.to_yaml()}got:\n{request.to_yaml()}"
                )
            self._queue.pop(0)
            return ok, data

    @property
    def remaining(self) -> int:
        return len(self._queue)
