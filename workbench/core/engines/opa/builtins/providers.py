"""OPA "Providers" builtins: ``providers.aws.sign_req`` (AWS Signature V4).

Follows OPA v1.20.2's ``v1/topdown/providers.go`` and
``internal/providers/aws/signing_v4.go``: the signature is deterministic for
a given ``time_ns``; HMAC-SHA256 and SHA-256 come from the standard library
(``hmac``/``hashlib``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
from typing import Any

from workbench.core.engines.opa.builtins._gofmt import go_quote
from workbench.core.engines.opa.builtins._gojson import marshal
from workbench.core.engines.opa.builtins._gourl import URLError, parse_url
from workbench.core.engines.opa.builtins._operands import check_object, operand_error, operand_type_error
from workbench.core.engines.opa.builtins._registry import BuiltinTable, builtin_error
from workbench.core.engines.opa.builtins._values import OpaFloat, sort_values
from workbench.core.engines.opa.builtins.http import ALLOWED_REQUEST_KEYS

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["sign_v4"]

CATEGORY = "Providers"
NAME = "providers.aws.sign_req"

_REQUIRED_AWS_KEYS = ("aws_access_key", "aws_region", "aws_secret_access_key", "aws_service")
_IGNORED_HEADERS = frozenset({"authorization", "user-agent", "x-amzn-trace-id"})


def _set_text(values: list[Any]) -> str:
    """How OPA prints a set of terms with ``%v``: ``{"a", "b"}``."""
    parts = []
    for v in sort_values(values):
        parts.append(go_quote(v) if isinstance(v, str) else marshal(v))
    return "{" + ", ".join(parts) + "}"


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mac(message: str, key: bytes) -> bytes:
    return hmac.new(key, message.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()


def sign_v4(
    headers: dict[str, list[str]],
    method: str,
    host: str,
    escaped_path: str,
    raw_query: str,
    body: bytes,
    service: str,
    creds: dict[str, str],
    when: _dt.datetime,
    disable_payload_signing: bool,
) -> tuple[str, dict[str, str]]:
    """OPA's ``aws.SignV4``: the Authorization header and the AWS headers."""
    content_sha = "UNSIGNED-PAYLOAD" if disable_payload_signing else _sha256_hex(body)
    date_now = when.strftime("%Y%m%d")
    iso_now = when.strftime("%Y%m%dT%H%M%SZ")
    aws_headers = {"host": host, "x-amz-date": iso_now}
    if service in ("s3", "glacier"):
        aws_headers["x-amz-content-sha256"] = content_sha
    if creds.get("session_token"):
        aws_headers["x-amz-security-token"] = creds["session_token"]
    to_sign: dict[str, list[str]] = {k: [v] for k, v in aws_headers.items()}
    for key, values in headers.items():
        lower = key.lower()
        if lower not in _IGNORED_HEADERS:
            to_sign[lower] = values
    ordered = sorted(to_sign, key=lambda k: k.encode("utf-8", "surrogatepass"))
    canonical = method + "\n" + escaped_path + "\n" + raw_query + "\n"
    for key in ordered:
        canonical += key + ":" + ",".join(to_sign[key]) + "\n"
    canonical += "\n"
    header_list = ";".join(ordered)
    canonical += header_list + "\n" + content_sha
    region = creds["region"]
    scope = f"{date_now}/{region}/{service}/aws4_request"
    string_to_sign = (
        "AWS4-HMAC-SHA256\n"
        + iso_now
        + "\n"
        + scope
        + "\n"
        + _sha256_hex(canonical.encode("utf-8", "surrogatepass"))
    )
    signing_key = _mac(date_now, ("AWS4" + creds["secret_key"]).encode("utf-8", "surrogatepass"))
    signing_key = _mac(region, signing_key)
    signing_key = _mac(service, signing_key)
    signing_key = _mac("aws4_request", signing_key)
    signature = _mac(string_to_sign, signing_key).hex()
    auth = (
        f"AWS4-HMAC-SHA256 Credential={creds['access_key']}/{scope},"
        f"SignedHeaders={header_list},Signature={signature}"
    )
    return auth, aws_headers


def _int64(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, OpaFloat):
        text = value.text
        if not text.lstrip("-").isdigit():
            return None
        value = int(text)
    elif isinstance(value, float):
        return None
    if not -(1 << 63) <= value < 1 << 63:
        return None
    return value


@BUILTINS.builtin(NAME, category=CATEGORY)
def aws_sign_req(request: Any, config: Any, time_ns: Any) -> dict[str, Any]:
    req = check_object(NAME, request, 1)
    cfg = check_object(NAME, config, 1)
    missing = [k for k in _REQUIRED_AWS_KEYS if k not in cfg]
    if missing:
        raise operand_error(NAME, 2, f"missing required AWS config parameters(s): {_set_text(missing)}")
    invalid = [k for k in _REQUIRED_AWS_KEYS if not isinstance(cfg[k], str)]
    if invalid:
        raise operand_error(
            NAME, 2, f"invalid values for required AWS config parameters(s): {_set_text(invalid)}"
        )
    service = cfg["aws_service"]
    creds = {
        "access_key": cfg["aws_access_key"],
        "secret_key": cfg["aws_secret_access_key"],
        "region": cfg["aws_region"],
        "session_token": _str(cfg.get("aws_session_token")),
    }
    if isinstance(time_ns, bool) or not isinstance(time_ns, (int, float)):
        raise operand_type_error(NAME, 1, time_ns, "number")
    ts = _int64(time_ns)
    if ts is None:
        raise operand_error(NAME, 3, "could not convert time_ns value into a unix timestamp")
    when = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(microseconds=ts // 1000)

    unknown = [k for k in req if k not in ALLOWED_REQUEST_KEYS]
    if unknown:
        raise operand_error(NAME, 1, f"invalid request parameters(s): {_set_text(unknown)}")
    missing = [k for k in ("method", "url") if k not in req]
    if missing:
        raise operand_error(NAME, 1, f"missing required request parameters(s): {_set_text(missing)}")

    headers_obj: dict[Any, Any] = {}
    if "headers" in req:
        if not isinstance(req["headers"], dict):
            raise operand_type_error(NAME, 0, req["headers"], "object")
        headers_obj = req["headers"]
    bad = [k for k in ("url", "method") if not isinstance(req[k], str)]
    if bad:
        raise operand_error(NAME, 1, f"invalid values for required request parameters(s): {_set_text(bad)}")
    try:
        url = parse_url(req["url"])
    except URLError as exc:
        raise builtin_error(NAME, str(exc)) from None
    method = req["method"]

    if "raw_body" in req:
        body = _str(req["raw_body"]).encode("utf-8", "surrogatepass")
    elif "body" in req:
        body = marshal(req["body"]).encode("utf-8", "surrogatepass")
    else:
        body = b""

    headers_map: dict[str, list[str]] = {}
    for k, v in headers_obj.items():
        headers_map[_str(k)] = [_str(v)]

    disable = False
    if "disable_payload_signing" in cfg:
        flag = cfg["disable_payload_signing"]
        if not isinstance(flag, bool):
            raise operand_error(NAME, 2, "invalid value for 'disable_payload_signing' in AWS config")
        disable = flag

    auth, aws_headers = sign_v4(
        headers_map, method, url.host, url.escaped_path(), url.raw_query, body, service, creds, when, disable
    )
    signed: dict[str, Any] = {k: v[0] for k, v in headers_map.items()}
    signed["Authorization"] = auth
    signed.update(aws_headers)
    out = dict(req)
    out["headers"] = signed
    return out
