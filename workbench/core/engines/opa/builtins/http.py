"""OPA "HTTP" builtin: ``http.send`` (``topdown/http.go``), on urllib.

Disabled unless ``BuiltinOptions.allow_http_send`` is set: a policy under test
must not reach the network behind the user's back.

Follows OPA's request handling: the request keys OPA allows (others are an
operand error), ``method`` and ``url`` required, ``raise_error`` (default true;
when false a failure becomes ``{"status_code": 0, "error": {"code", "message"}}``),
``headers`` (canonicalised names, string values), ``body`` (Go ``json.Marshal``)
or ``raw_body``, ``timeout`` (ns number, ns string or Go duration; 0 = none),
``enable_redirect`` (off by default), ``force_json_decode`` /
``force_yaml_decode``, ``max_retry_attempts``, TLS options (CA / client
certificates as PEM text, files or environment variables,
``tls_insecure_skip_verify``, ``tls_use_system_certs``), and OPA's response
object ``{status, status_code, body, raw_body, headers}`` (header names
lower-cased, values as arrays; ``body`` decoded for JSON and YAML content types).
Answers are memoised per evaluation as OPA's intra-query cache does (responses
with cacheable status codes, and errors); the inter-query cache keys are
accepted. ``tls_server_name`` is accepted but the SNI name is the URL's host.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
import tempfile
import time
import urllib.error
import urllib.request
from decimal import Decimal, InvalidOperation
from typing import Any

from workbench import __version__
from workbench.core.engines.opa.builtins._gojson import marshal as go_json_marshal
from workbench.core.engines.opa.builtins._gourl import URLError, go_parse_url
from workbench.core.engines.opa.builtins._operands import operand_error, operand_type_error, value_type_name
from workbench.core.engines.opa.builtins._registry import BuiltinContext, BuiltinTable, builtin_error
from workbench.core.engines.opa.builtins._values import OpaFloat, canonical_key, dumps, to_decimal
from workbench.core.errors import BuiltinError

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["ALLOWED_REQUEST_KEYS"]

NAME = "http.send"
NETWORK_ERROR = "eval_http_send_network_error"
INTERNAL_ERROR = "eval_http_send_internal_error"

#: the request object keys OPA accepts (also checked by ``providers.aws.sign_req``)
ALLOWED_REQUEST_KEYS = frozenset(
    {
        "method",
        "url",
        "body",
        "enable_redirect",
        "force_json_decode",
        "force_yaml_decode",
        "headers",
        "raw_body",
        "tls_use_system_certs",
        "tls_ca_cert",
        "tls_ca_cert_file",
        "tls_ca_cert_env_variable",
        "tls_client_cert",
        "tls_client_cert_file",
        "tls_client_cert_env_variable",
        "tls_client_key",
        "tls_client_key_file",
        "tls_client_key_env_variable",
        "tls_insecure_skip_verify",
        "tls_server_name",
        "timeout",
        "cache",
        "force_cache",
        "force_cache_duration_seconds",
        "raise_error",
        "caching_mode",
        "max_retry_attempts",
        "cache_ignored_headers",
    }
)
_STRING_KEYS = (
    "method",
    "url",
    "raw_body",
    "tls_ca_cert",
    "tls_ca_cert_file",
    "tls_ca_cert_env_variable",
    "tls_client_cert",
    "tls_client_cert_file",
    "tls_client_cert_env_variable",
    "tls_client_key",
    "tls_client_key_file",
    "tls_client_key_env_variable",
    "tls_server_name",
)
#: status codes whose responses OPA keeps in its per-evaluation cache (RFC 7231 §6.1)
_CACHEABLE_CODES = frozenset({200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501})
_DURATION_UNITS = {
    "ns": Decimal(1),
    "us": Decimal(1000),
    "µs": Decimal(1000),
    "μs": Decimal(1000),
    "ms": Decimal(10**6),
    "s": Decimal(10**9),
    "m": Decimal(60 * 10**9),
    "h": Decimal(3600 * 10**9),
}
_MAX_INT64 = (1 << 63) - 1


class _SendError(Exception):
    """A failure OPA turns into an error, or into ``{"status_code": 0, "error": ...}``."""

    def __init__(self, code: str, message: str, raised: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        #: the text when raised, if different (OPA shortens timeouts to "request timed out")
        self.raised = raised or message


# --- request validation --------------------------------------------------------------------


def _set_text(keys: list[str]) -> str:
    return "{" + ", ".join(json.dumps(k, ensure_ascii=False) for k in sorted(keys)) + "}"


def _raise_error_flag(request: dict[str, Any]) -> bool:
    value = request.get("raise_error", True)
    if not isinstance(value, bool):
        raise builtin_error(NAME, "invalid value for raise_error field")
    return value


def _validate(request: dict[str, Any]) -> None:
    invalid = [k for k in request if k not in ALLOWED_REQUEST_KEYS]
    if invalid:
        raise operand_error(NAME, 1, f"invalid request parameters(s): {_set_text(invalid)}")
    missing = [k for k in ("method", "url") if k not in request]
    if missing:
        raise operand_error(NAME, 1, f"missing required request parameters(s): {_set_text(missing)}")


def _internal(message: str) -> _SendError:
    return _SendError(INTERNAL_ERROR, message)


def _parse_bool(request: dict[str, Any], key: str) -> bool:
    """``strconv.ParseBool`` of the value's Rego text, as OPA does for these keys."""
    value = request.get(key, False)
    text = "true" if value is True else "false" if value is False else dumps(value)
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise _internal(f"strconv.ParseBool: parsing {json.dumps(text)}: invalid syntax")


def _bool_field(request: dict[str, Any], key: str) -> bool:
    value = request.get(key, False)
    if not isinstance(value, bool):
        raise _internal(f'invalid value for "{key}" field')
    return value


def _go_duration_ns(text: str) -> Decimal:
    """``time.ParseDuration`` (ns); raises ``ValueError`` with Go's message."""
    original = text
    if text in ("0", "+0", "-0"):
        return Decimal(0)
    sign = Decimal(1)
    if text[:1] in ("+", "-"):
        sign = Decimal(-1) if text[0] == "-" else Decimal(1)
        text = text[1:]
    if not text:
        raise ValueError(f"time: invalid duration {json.dumps(original)}")
    total = Decimal(0)
    while text:
        i = 0
        while i < len(text) and ((text[i].isdigit() and text[i].isascii()) or text[i] == "."):
            i += 1
        number = text[:i]
        if not number or number == "." or number.count(".") > 1:
            raise ValueError(f"time: invalid duration {json.dumps(original)}")
        text = text[i:]
        j = 0
        while j < len(text) and not (text[j].isascii() and (text[j].isdigit() or text[j] == ".")):
            j += 1
        unit = text[:j]
        text = text[j:]
        if not unit:
            raise ValueError(f"time: missing unit in duration {json.dumps(original)}")
        if unit not in _DURATION_UNITS:
            raise ValueError(f"time: unknown unit {json.dumps(unit)} in duration {json.dumps(original)}")
        total += Decimal(number) * _DURATION_UNITS[unit]
    total = (sign * total).to_integral_value(rounding="ROUND_DOWN")
    if abs(total) > _MAX_INT64:
        raise ValueError(f"time: invalid duration {json.dumps(original)}")
    return total


def _timeout_seconds(request: dict[str, Any], default: float) -> float | None:
    """OPA's ``parseTimeout``: seconds for urllib (``None`` = no timeout, as Go's 0)."""
    if "timeout" not in request:
        return default
    value = request["timeout"]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            nanos = to_decimal(value)
        except (ValueError, InvalidOperation):
            nanos = Decimal("NaN")
        if not nanos.is_finite() or nanos != nanos.to_integral_value() or abs(nanos) > _MAX_INT64:
            raise _internal(f"invalid timeout number value {dumps(value)}, must be int64")
    elif isinstance(value, str):
        try:
            nanos = Decimal(int(value, 10)) if value.lstrip("+-").isdigit() else _go_duration_ns(value)
        except ValueError as exc:
            raise _internal(f"invalid timeout value {dumps(value)}: {exc}") from None
    else:
        raise operand_error(
            NAME, 1, f"'timeout' must be one of {{string, number}} but got {value_type_name(value)}"
        )
    if nanos == 0:
        return None
    return max(float(nanos / Decimal(10**9)), 1e-6)


def _canonical_header(name: str) -> str:
    """``http.CanonicalHeaderKey``."""
    if any(not (c.isascii() and (c.isalnum() or c in "!#$%&'*+-.^_`|~")) for c in name):
        return name
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def _header_value_text(value: Any) -> str:
    """Go's ``%q`` of a header value that is not a string."""
    if isinstance(value, bool):
        return f"%!q(bool={'true' if value else 'false'})"
    if value is None:
        return "%!q(<nil>)"
    if isinstance(value, (int, float)):
        return json.dumps(dumps(value))
    return f"%!q({dumps(value)})"


# --- TLS -----------------------------------------------------------------------------------


def _load_pem_pair(context: ssl.SSLContext, cert_pem: str, key_pem: str, label: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cert_path = os.path.join(tmp, "cert.pem")
        key_path = os.path.join(tmp, "key.pem")
        with open(cert_path, "w", encoding="utf-8") as fh:
            fh.write(cert_pem)
        with open(key_path, "w", encoding="utf-8") as fh:
            fh.write(key_pem)
        try:
            context.load_cert_chain(cert_path, key_path)
        except (ssl.SSLError, OSError) as exc:
            raise _internal(f"{label}tls: failed to find any PEM data in certificate input ({exc})") from None


def _ssl_context(request: dict[str, Any]) -> ssl.SSLContext:
    context = ssl.create_default_context()
    custom_roots = any(
        request.get(k) for k in ("tls_ca_cert", "tls_ca_cert_file", "tls_ca_cert_env_variable")
    )
    if custom_roots and not _parse_bool(request, "tls_use_system_certs"):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        if request.get("tls_ca_cert"):
            context.load_verify_locations(cadata=request["tls_ca_cert"].replace("\\n", "\n"))
        if request.get("tls_ca_cert_file"):
            context.load_verify_locations(cafile=request["tls_ca_cert_file"])
        if request.get("tls_ca_cert_env_variable"):
            context.load_verify_locations(cadata=os.environ.get(request["tls_ca_cert_env_variable"], ""))
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise _internal(f"could not load CA certificates: {exc}") from None
    if _parse_bool(request, "tls_insecure_skip_verify"):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if request.get("tls_client_cert") and request.get("tls_client_key"):
        _load_pem_pair(context, request["tls_client_cert"], request["tls_client_key"], "")
    if request.get("tls_client_cert_file") and request.get("tls_client_key_file"):
        try:
            context.load_cert_chain(request["tls_client_cert_file"], request["tls_client_key_file"])
        except (ssl.SSLError, OSError) as exc:
            raise _internal(f"open {request['tls_client_cert_file']}: {exc}") from None
    cert_env = request.get("tls_client_cert_env_variable")
    key_env = request.get("tls_client_key_env_variable")
    if cert_env and key_env:
        _load_pem_pair(
            context,
            os.environ.get(cert_env, ""),
            os.environ.get(key_env, ""),
            f"cannot extract public/private key pair from envvars {json.dumps(cert_env)}, {json.dumps(key_env)}: ",
        )
    return context


# --- transport -----------------------------------------------------------------------------


class _NoDefaultContentType:
    """urllib adds ``Content-Type: application/x-www-form-urlencoded`` to bodies; Go does not."""

    def _without_default_type(self, request: urllib.request.Request) -> urllib.request.Request:
        had_type = request.has_header("Content-type")
        request = urllib.request.AbstractHTTPHandler.do_request_(self, request)  # type: ignore[arg-type]
        if not had_type:
            request.unredirected_hdrs.pop("Content-type", None)
        return request

    http_request = _without_default_type
    https_request = _without_default_type


class _HTTPHandler(_NoDefaultContentType, urllib.request.HTTPHandler):
    pass


class _HTTPSHandler(_NoDefaultContentType, urllib.request.HTTPSHandler):
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        return None


def _network_reason(exc: BaseException, host: str, port: str) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
    if isinstance(reason, ConnectionRefusedError):
        return f"dial tcp {host}:{port}: connect: connection refused"
    if isinstance(reason, socket.gaierror):
        return f"dial tcp: lookup {host}: no such host"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"tls: failed to verify certificate: {reason.verify_message}"
    if isinstance(reason, OSError) and reason.strerror:
        return f"dial tcp {host}:{port}: {reason.strerror.lower()}"
    return str(reason)


def _decode_body(raw: bytes, content_type: str, force_json: bool, force_yaml: bool) -> Any:
    text = raw.decode("utf-8", "replace")
    media = content_type.split(";", 1)[0].strip().lower()
    major, _, minor = media.partition("/")
    is_json = major == "application" and (minor == "json" or minor.endswith("+json"))
    try:
        if force_json or is_json:
            return json.loads(text, parse_float=OpaFloat, parse_constant=_reject_constant)
        if force_yaml or "application/yaml" in content_type or "application/x-yaml" in content_type:
            from workbench.core.engines.opa.builtins.yaml import yaml_to_value

            return yaml_to_value(text)
    except (ValueError, RecursionError):
        return None
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _execute(ctx: BuiltinContext, request: dict[str, Any]) -> dict[str, Any]:
    for key in _STRING_KEYS:
        if key in request and not isinstance(request[key], str):
            raise _internal(f"{json.dumps(key)} must be a string")
    method = request["method"].upper()
    url = request["url"]
    redirect = _parse_bool(request, "enable_redirect")
    force_json = _bool_field(request, "force_json_decode")
    force_yaml = _bool_field(request, "force_yaml_decode")
    for key in ("cache", "force_cache"):
        _bool_field(request, key)
    retries = request.get("max_retry_attempts", 0)
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise _internal(f'invalid value {dumps(retries)} for field "max_retry_attempts"')
    timeout = _timeout_seconds(request, ctx.options.http_timeout)
    headers = request.get("headers", {})
    if not isinstance(headers, dict):
        raise _internal("invalid type for headers key")
    canonical = {_canonical_header(str(k)): v for k, v in headers.items()}
    for value in canonical.values():
        if not isinstance(value, str):
            raise _internal(f"invalid type for headers value {_header_value_text(value)}")
    if "raw_body" in request:
        data: bytes | None = request["raw_body"].encode("utf-8", "surrogatepass")
    elif "body" in request:
        data = go_json_marshal(request["body"]).encode("utf-8", "surrogatepass")
    else:
        data = None
    if not method or any(c in method for c in ' \t\r\n()<>@,;:\\"/[]?={}'):
        raise _internal(f"net/http: invalid method {json.dumps(request['method'])}")
    go_method = method[:1] + method[1:].lower()
    try:
        parsed = go_parse_url(url)
    except URLError as exc:
        raise _SendError(NETWORK_ERROR, str(exc)) from None
    if parsed.scheme not in ("http", "https"):
        raise _SendError(NETWORK_ERROR, f'{go_method} "{url}": unsupported protocol scheme "{parsed.scheme}"')
    host = parsed.hostname()
    port = parsed.port() or ("443" if parsed.scheme == "https" else "80")
    handlers: list[Any] = [_HTTPHandler(), _HTTPSHandler(context=_ssl_context(request))]
    if not redirect:
        handlers.append(_NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    try:
        req = urllib.request.Request(url, data=data, method=method)
    except ValueError as exc:
        raise _SendError(NETWORK_ERROR, f'{go_method} "{url}": {exc}') from None
    for key, value in canonical.items():
        req.add_header(key, value)
    if "User-Agent" not in canonical:
        req.add_header("User-Agent", f"Policy-Workbench/{__version__}")
    attempt = 0
    while True:
        try:
            response = opener.open(req, timeout=timeout)
            break
        except urllib.error.HTTPError as exc:
            response = exc
            break
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            reason = _network_reason(exc, host, port)
            if attempt >= retries:
                timed_out = isinstance(getattr(exc, "reason", exc), (TimeoutError, socket.timeout))
                raised = f"{go_method} {url}: request timed out" if timed_out else None
                raise _SendError(NETWORK_ERROR, f'{go_method} "{url}": {reason}', raised) from None
            time.sleep(min(0.1 * (2**attempt), 60.0))
            attempt += 1
    with response:
        try:
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise _SendError(NETWORK_ERROR, f'{go_method} "{url}": {exc}') from None
        status_code = int(response.status if response.status is not None else 0)
        header_map: dict[str, list[str]] = {}
        for key, value in response.headers.items():
            header_map.setdefault(key.lower(), []).append(value)
        content_type = response.headers.get("Content-Type", "")
        status = f"{status_code} {response.reason or ''}".rstrip()
    return {
        "status": status,
        "status_code": status_code,
        "body": _decode_body(raw, content_type, force_json, force_yaml),
        "raw_body": raw.decode("utf-8", "replace"),
        "headers": header_map,
    }


def _error_result(code: str, message: str) -> dict[str, Any]:
    return {"status_code": 0, "error": {"code": code, "message": message}}


@BUILTINS.builtin("http.send", category="HTTP", needs_context=True, deterministic=False, enabled_by_default=False)
def http_send(ctx: BuiltinContext, request: Any) -> dict[str, Any]:
    if not isinstance(request, dict):
        raise operand_type_error(NAME, 1, request, "object")
    raise_error = _raise_error_flag(request)
    try:
        _validate(request)
    except BuiltinError as exc:
        if raise_error:
            raise
        return _error_result(INTERNAL_ERROR, f"{exc.code}: {exc}")
    if not ctx.options.allow_http_send:
        raise builtin_error(
            NAME, "disabled in Policy Workbench; enable network builtins with --allow-network-builtins"
        )
    key_request = dict(request)
    key_request["cache_ignored_headers"] = None
    ignored = request.get("cache_ignored_headers")
    if isinstance(ignored, list) and isinstance(request.get("headers"), dict):
        key_request["headers"] = {k: v for k, v in request["headers"].items() if k not in ignored}
    cache_key = ("http.send", canonical_key(key_request))
    cached: tuple[str, Any] | None = ctx.cache.get(cache_key)
    if cached is None:
        outcome: Any
        try:
            kind, outcome = "ok", _execute(ctx, request)
        except _SendError as exc:
            kind, outcome = "error", exc
        except BuiltinError as exc:  # operand errors found while building the request
            kind, outcome = "raise", exc
        cached = (kind, outcome)
        if kind != "ok" or outcome["status_code"] in _CACHEABLE_CODES:
            ctx.cache[cache_key] = cached
    payload: Any
    kind, payload = cached
    if kind == "ok":
        result: dict[str, Any] = payload
        return result
    if kind == "raise":
        raised: BuiltinError = payload
        if raise_error:
            raise raised
        return _error_result(INTERNAL_ERROR, f"{raised.code}: {raised}")
    failure: _SendError = payload
    if raise_error:
        raise builtin_error(NAME, failure.raised)
    return _error_result(failure.code, failure.message)
