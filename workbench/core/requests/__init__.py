"""Admission requests and settings as ``kwctl run`` reads them (docs/kubewarden-compat.md §2.2–§2.4)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from workbench.core.engines.base import ValidationRequest
from workbench.core.errors import InputError, RequestError, SettingsError
from workbench.core.yamlio import check_json_value, load_json_or_yaml, loads_json, read_text

__all__ = [
    "MAX_INPUT_BYTES",
    "REQUIRED_REQUEST_FIELDS",
    "load_request",
    "load_settings",
    "parse_request",
    "parse_settings",
]

REQUIRED_REQUEST_FIELDS = ("uid", "kind", "resource", "operation", "userInfo")
#: largest request or settings file read (the Kubernetes API server refuses request bodies over
#: 3 MiB; the margin leaves room for raw policies). Bounds what one run can cost (docs/security.md).
MAX_INPUT_BYTES = 16 * 1024 * 1024
_GVK = ("group", "version", "kind")
_GVR = ("group", "version", "resource")


#: text that can decode to a lone surrogate or a non-finite float (YAML escapes, ``.nan``, ``.inf``)
_SUSPICIOUS = re.compile(r"\\[uU]0{0,4}[dD][89a-fA-F]|\\x[dD][89a-fA-F]|\.(?:nan|inf)", re.IGNORECASE)


def _check_values(document: Any, text: str, source: str) -> None:
    """Refuse lone surrogates and NaN/Infinity (no JSON encoding exists for them), only when the text
    could contain them (a full walk of a big document costs time)."""
    if _SUSPICIOUS.search(text):
        check_json_value(document, source, strings=True, floats=True)


def _check_admission_request(request: Any) -> dict[str, Any]:
    if not isinstance(request, dict):
        raise RequestError(
            "cannot build AdmissionRequest object from given input: expected an object, "
            f"got {type(request).__name__}"
        )
    for field in REQUIRED_REQUEST_FIELDS:
        if field not in request:
            raise RequestError(f"cannot build AdmissionRequest object from given input: missing field `{field}`")
    if not isinstance(request["uid"], str):
        raise RequestError("cannot build AdmissionRequest object from given input: `uid` must be a string")
    if not isinstance(request["operation"], str):
        raise RequestError("cannot build AdmissionRequest object from given input: `operation` must be a string")
    for field, keys in (("kind", _GVK), ("resource", _GVR)):
        value = request[field]
        if not isinstance(value, dict):
            raise RequestError(f"cannot build AdmissionRequest object from given input: `{field}` must be an object")
        for key in keys:
            if key not in value:
                raise RequestError(
                    f"cannot build AdmissionRequest object from given input: missing field `{key}` in `{field}`"
                )
    if not isinstance(request["userInfo"], dict):
        raise RequestError("cannot build AdmissionRequest object from given input: `userInfo` must be an object")
    return request


def parse_request(document: Any, *, raw: bool = False) -> ValidationRequest:
    """An AdmissionReview (its ``request``), a bare AdmissionRequest, or with ``raw`` any JSON value."""
    if raw:
        return ValidationRequest(document, raw=True)
    if isinstance(document, dict) and document.get("kind") == "AdmissionReview":
        if "request" not in document or document["request"] is None:
            raise RequestError("invalid AdmissionReview object: it has no `request`")
        document = document["request"]
    return ValidationRequest(_check_admission_request(document), raw=False)


def load_request(source: str | Path, *, raw: bool = False) -> ValidationRequest:
    """Read a request file (JSON or YAML; ``-`` reads stdin)."""
    name = "stdin" if str(source) == "-" else str(source)
    text = read_text(source, "request file", limit=MAX_INPUT_BYTES)
    if not text.strip():
        raise RequestError(f"request {name} is empty")
    try:
        document = load_json_or_yaml(text, f"request {name}")
        _check_values(document, text, f"request {name}")
    except InputError as exc:
        raise RequestError(str(exc)) from None
    return parse_request(document, raw=raw)


def parse_settings(value: Any, source: str = "settings") -> dict[str, Any]:
    """Settings must be an object; ``null`` means ``{}`` (Kubewarden's PolicySettings)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SettingsError(f"Invalid settings in {source}, not an object (got {type(value).__name__})")
    return value


def load_settings(path: str | Path | None = None, json_text: str | None = None) -> dict[str, Any]:
    """Settings from ``-s FILE`` (YAML or JSON) or ``--settings-json TEXT``; default ``{}``."""
    if path is not None and json_text is not None:
        raise SettingsError("give settings either as a file or as JSON text, not both")
    if json_text is not None:
        value = loads_json(json_text, "--settings-json", error=SettingsError)
        return parse_settings(value, "--settings-json")
    if path is not None:
        text = read_text(path, "settings file", limit=MAX_INPUT_BYTES)
        try:
            value = load_json_or_yaml(text, f"settings file {path}") if text.strip() else None
            _check_values(value, text, f"settings file {path}")
        except InputError as exc:
            raise SettingsError(str(exc)) from None
        return parse_settings(value, f"settings file {path}")
    return {}
