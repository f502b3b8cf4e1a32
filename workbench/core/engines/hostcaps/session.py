"""Record and replay host-capability interactions in kwctl's session file format (compat §3.3).

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
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import yaml

from workbench.core.errors import HostCapabilityError, InputError
from workbench.core.yamlio import dump_yaml

__all__ = ["CallbackRequest", "SessionRecorder", "SessionReplayer"]


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
        try:
            body = yaml.safe_load(inline + "\n" + rest) if (inline or rest.strip()) else {}
        except yaml.YAMLError as exc:
            raise InputError(f"recorded {tag} request is not valid YAML: {exc}") from None
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


class SessionRecorder:
    """Appends every exchange to ``path`` (the file is rewritten atomically after each call)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._flush()

    def record(self, request: CallbackRequest, ok: bool, data: str) -> None:
        response = {"type": "Success", "payload": data} if ok else {"type": "Error", "message": data}
        with self._lock:
            self.entries.append({"type": "Exchange", "request": request.to_yaml(), "response": response})
            self._flush()

    def _flush(self) -> None:
        text = dump_yaml(self.entries, _SessionDumper, width=100000) if self.entries else "[]\n"
        directory = self.path.parent if str(self.path.parent) else Path(".")
        try:
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{self.path.name}.")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, self.path)
        except OSError as exc:
            raise InputError(f"cannot write the host capabilities session {self.path}: {exc}") from None


class SessionReplayer:
    """Answers requests from a recorded session, strictly in order."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"cannot read the host capabilities session {self.path}: {exc}") from None
        except yaml.YAMLError as exc:
            raise InputError(f"host capabilities session {self.path} is not valid YAML: {exc}") from None
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
