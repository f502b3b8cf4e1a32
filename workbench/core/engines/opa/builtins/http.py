"""OPA "HTTP" builtin: ``http.send`` (``topdown/http.go``), on urllib.

Disabled unless ``BuiltinOptions.allow_http_send`` is set: policies under test
must not reach the network behind the user's back.

Supported request keys (OPA's names): ``method``, ``url``, ``headers``,
``body`` (JSON-encoded), ``raw_body``, ``timeout`` (ns number or duration
string such as ``"5s"``), ``enable_redirect``, ``force_json_decode``,
``force_yaml_decode``, ``raise_error``, ``tls_insecure_skip_verify``,
``tls_ca_cert``, ``tls_client_cert`` / ``tls_client_key`` (PEM text) and their
``_file`` / ``_env_variable`` forms, ``tls_use_system_certs``
(``tls_server_name`` is accepted but the SNI name is the URL's host); the caching keys OPA accepts
(``cache``, ``force_cache``, ``force_cache_duration_seconds``, ``caching_mode``,
``cache_ignored_headers``, ``max_retry_attempts``) are accepted and the answer
is memoised per evaluation. The response is
``{status, status_code, body, raw_body, headers}``; with ``raise_error: false`` a
failure becomes ``{"status_code": 0, "error": {"code", "message"}}``.
"""

from __future__ import annotations

import json
import os
import re
import ssl
import tempfile
import urllib.error
import urllib.request
from decimal import Decimal
from typing import Any

import yaml

from workbench.core.engines.opa.builtins._operands import operand_error, operand_type_error
from workbench.core.engines.opa.builtins._registry import BuiltinContext, builtin, builtin_error
from workbench.core.engines.opa.builtins._values import canonical_key, dumps, loads, to_decimal

__all__: list[str] = []

NAME = "http.send"

_ALLOWED_KEYS = frozenset(
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
_REQUIRED_KEYS = ("method", "url")
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


class _SendError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _set_text(keys: list[str]) -> str:
    return "{" + ", ".join(json.dumps(k) for k in sorted(keys)) + "}"


def _validate(request: Any) -> dict[str, Any]:
    if not isinstance(request, dict):
        raise operand_type_error(NAME, 1, request, "object")
    invalid = [k for k in request if k not in _ALLOWED_KEYS]
    if invalid:
        raise operand_error(NAME, 1, f"invalid request parameters(s): {_set_text(invalid)}")
    missing = [k for k in _REQUIRED_KEYS if k not in request]
    if missing:
        raise operand_error(NAME, 1, f"missing required request parameters(s): {_set_text(missing)}")
    return request


def _bool(request: dict[str, Any], key: str, default: bool) -> bool:
    value = request.get(key, default)
    if not isinstance(value, bool):
        raise builtin_error(NAME, f'invalid value for "{key}" field')
    return value


def _string(request: dict[str, Any], key: str) -> str | None:
    value = request.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise builtin_error(NAME, f'invalid value for "{key}" field')
    return value


def _timeout_seconds(request: dict[str, Any], default: float) -> float:
    value = request.get("timeout")
    if value is None:
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        nanos = to_decimal(value)
    elif isinstance(value, str):
        nanos = _parse_duration(value)
    else:
        raise builtin_error(NAME, 'invalid value for "timeout" field')
    if nanos <= 0:
        return default
    return float(nanos / Decimal(10**9))


def _parse_duration(text: str) -> Decimal:
    parts = re.findall(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise builtin_error(NAME, f'time: invalid duration "{text}"')
    return sum((Decimal(n) * _DURATION_UNITS[u] for n, u in parts), Decimal(0))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        return None


def _ssl_context(request: dict[str, Any]) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca_pem = _string(request, "tls_ca_cert")
    ca_file = _string(request, "tls_ca_cert_file")
    ca_env = _string(request, "tls_ca_cert_env_variable")
    if ca_env:
        ca_pem = os.environ.get(ca_env, "")
    if ca_pem or ca_file:
        context = (
            ssl.create_default_context(cafile=ca_file) if ca_file else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        )
        if ca_pem:
            try:
                context.load_verify_locations(cadata=ca_pem)
            except ssl.SSLError as exc:
                raise _SendError(
                    "eval_http_send_internal_error", f"could not parse CA certificates: {exc}"
                ) from None
        if _bool(request, "tls_use_system_certs", False):
            context.load_default_certs()
    if _bool(request, "tls_insecure_skip_verify", False):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    cert_pem = _string(request, "tls_client_cert")
    key_pem = _string(request, "tls_client_key")
    cert_file = _string(request, "tls_client_cert_file")
    key_file = _string(request, "tls_client_key_file")
    if cert_pem and key_pem:
        with tempfile.TemporaryDirectory() as tmp:
            cert_path = os.path.join(tmp, "cert.pem")
            key_path = os.path.join(tmp, "key.pem")
            with open(cert_path, "w", encoding="utf-8") as fh:
                fh.write(cert_pem)
            with open(key_path, "w", encoding="utf-8") as fh:
                fh.write(key_pem)
            try:
                context.load_cert_chain(cert_path, key_path)
            except ssl.SSLError as exc:
                raise _SendError("eval_http_send_internal_error", f"tls: {exc}") from None
    elif cert_file and key_file:
        context.load_cert_chain(cert_file, key_file)
    return context


def _decode_body(raw: bytes, content_type: str, request: dict[str, Any]) -> Any:
    text = raw.decode("utf-8", "replace")
    media = content_type.split(";", 1)[0].strip().lower()
    try:
        if _bool(request, "force_json_decode", False) or media == "application/json":
            return loads(text) if text.strip() else None
        if _bool(request, "force_yaml_decode", False) or media in ("application/yaml", "application/x-yaml"):
            return yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        return None
    return None


def _execute(ctx: BuiltinContext, request: dict[str, Any]) -> dict[str, Any]:
    method = request["method"]
    url = request["url"]
    if not isinstance(method, str):
        raise builtin_error(NAME, 'invalid value for "method" field')
    if not isinstance(url, str):
        raise builtin_error(NAME, 'invalid value for "url" field')
    method = method.upper()
    headers = request.get("headers") or {}
    if not isinstance(headers, dict):
        raise builtin_error(NAME, 'invalid value for "headers" field')
    data: bytes | None = None
    raw_body = _string(request, "raw_body")
    if raw_body is not None:
        data = raw_body.encode("utf-8")
    elif "body" in request and request["body"] is not None:
        data = dumps(request["body"]).encode("utf-8")
    timeout = _timeout_seconds(request, ctx.options.http_timeout)
    redirect = _bool(request, "enable_redirect", False)
    handlers: list[Any] = []
    if url.lower().startswith("https:") or redirect:
        handlers.append(urllib.request.HTTPSHandler(context=_ssl_context(request)))
    if not redirect:
        handlers.append(_NoRedirect())
    opener = urllib.request.build_opener(*handlers)
    go_method = method[:1] + method[1:].lower()
    try:
        req = urllib.request.Request(url, data=data, method=method)
    except ValueError as exc:
        raise _SendError("eval_http_send_internal_error", f'{go_method} "{url}": {exc}') from None
    for key, value in headers.items():
        if not isinstance(value, str):
            raise builtin_error(NAME, f'invalid type for headers value "{key}"')
        req.add_header(str(key), value)
    try:
        response = opener.open(req, timeout=timeout)
    except urllib.error.HTTPError as exc:
        response = exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise _SendError("eval_http_send_network_error", f'{go_method} "{url}": {reason}') from None
    with response:
        try:
            raw = response.read()
        except OSError as exc:
            raise _SendError("eval_http_send_network_error", f'{go_method} "{url}": {exc}') from None
        status_code = int(response.status if response.status is not None else 0)
        reason_text = response.reason or ""
        header_map: dict[str, list[str]] = {}
        for key, value in response.headers.items():
            header_map.setdefault(key.lower(), []).append(value)
        content_type = response.headers.get("Content-Type", "")
    return {
        "status": f"{status_code} {reason_text}".strip(),
        "status_code": status_code,
        "body": _decode_body(raw, content_type, request),
        "raw_body": raw.decode("utf-8", "replace"),
        "headers": header_map,
    }


@builtin("http.send", category="HTTP", needs_context=True, deterministic=False, enabled_by_default=False)
def http_send(ctx: BuiltinContext, request: Any) -> dict[str, Any]:
    req = _validate(request)
    if not ctx.options.allow_http_send:
        raise builtin_error(
            NAME, "disabled in Policy Workbench; enable network builtins with --allow-network-builtins"
        )
    cache_key = ("http.send", canonical_key(req))
    if cache_key in ctx.cache:
        return ctx.cache[cache_key]
    raise_error = _bool(req, "raise_error", True)
    try:
        result = _execute(ctx, req)
    except _SendError as exc:
        if raise_error:
            raise builtin_error(NAME, exc.message) from None
        result = {"status_code": 0, "error": {"code": exc.code, "message": exc.message}}
    ctx.cache[cache_key] = result
    return result
