"""``crypto/v1/is_certificate_trusted`` with the ``cryptography`` package.

Request (sdk ``host_capabilities/crypto.rs``): ``{"cert": {"encoding": "Pem"|"Der",
"data": [u8...]}, "cert_chain": [cert]?, "not_after": "RFC3339"?}``.

* With ``cert_chain``, its **last** certificate is the trust anchor and the others are
  intermediates; without it the system CA bundle is the set of anchors.
* A chain is built from the certificate to an anchor: each link must be directly issued
  (signature verified) and valid now.
* With ``not_after``, the certificate must still be valid at that instant.

Answer ``{"trusted": bool, "reason": str}``; an untrusted certificate is a normal
answer, only a malformed request is a host error.
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from workbench.core.errors import HostCapabilityError

__all__ = ["SYSTEM_CA_BUNDLES", "is_certificate_trusted"]

SYSTEM_CA_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
)
_MAX_DEPTH = 10


def _load_cert(spec: Any, what: str) -> x509.Certificate:
    if not isinstance(spec, dict) or "data" not in spec:
        raise HostCapabilityError(f"Cannot decode {what}: expected {{encoding, data}}")
    data = spec["data"]
    if not isinstance(data, list) or not all(isinstance(b, int) and 0 <= b <= 255 for b in data):
        raise HostCapabilityError(f"Cannot decode {what}: `data` must be an array of bytes")
    raw = bytes(data)
    encoding = spec.get("encoding", "Pem")
    try:
        if encoding == "Pem":
            return x509.load_pem_x509_certificate(raw)
        if encoding == "Der":
            return x509.load_der_x509_certificate(raw)
    except ValueError as exc:
        raise HostCapabilityError(f"Cannot parse {what}: {exc}") from None
    raise HostCapabilityError(f"Cannot decode {what}: unknown encoding {encoding!r} (expected Pem or Der)")


def _system_anchors() -> list[x509.Certificate]:
    for bundle in SYSTEM_CA_BUNDLES:
        path = Path(bundle)
        if path.is_file():
            try:
                with warnings.catch_warnings():  # some distribution roots have non-positive serials
                    warnings.simplefilter("ignore")
                    return x509.load_pem_x509_certificates(path.read_bytes())
            except ValueError:
                continue
    return []


def _valid_at(cert: x509.Certificate, when: dt.datetime) -> bool:
    return cert.not_valid_before_utc <= when <= cert.not_valid_after_utc


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def is_certificate_trusted(payload: bytes, *, now: dt.datetime | None = None) -> bytes:
    """Answer the host call; ``now`` is injectable for tests."""
    try:
        request = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HostCapabilityError(f"Cannot decode the certificate verification request: {exc}") from None
    if not isinstance(request, dict):
        raise HostCapabilityError("Cannot decode the certificate verification request: expected an object")
    now = now or dt.datetime.now(dt.UTC)
    cert = _load_cert(request.get("cert"), "certificate")
    chain_specs = request.get("cert_chain")
    if chain_specs is not None and not isinstance(chain_specs, list):
        raise HostCapabilityError(
            "Cannot decode the certificate verification request: `cert_chain` must be a list"
        )
    not_after = request.get("not_after") or None
    if chain_specs:
        chain = [_load_cert(spec, f"cert_chain[{i}]") for i, spec in enumerate(chain_specs)]
        anchors, intermediates = chain[-1:], chain[:-1]
    else:
        anchors, intermediates = _system_anchors(), []
    if not_after is not None:
        try:
            limit = dt.datetime.fromisoformat(str(not_after).replace("Z", "+00:00"))
        except ValueError:
            raise HostCapabilityError(f"Cannot parse not_after {not_after!r} as an RFC 3339 time") from None
        if limit.tzinfo is None:
            limit = limit.replace(tzinfo=dt.UTC)
        if cert.not_valid_after_utc < limit:
            return _answer(False, "Certificate is being used after its expiration date")
    if not anchors:
        return _answer(False, "no trust anchors: no certificate chain given and no system CA bundle found")
    current = cert
    for _ in range(_MAX_DEPTH):
        if not _valid_at(current, now):
            return _answer(
                False, f"certificate {current.subject.rfc4514_string()} is not valid at {now.isoformat()}"
            )
        if any(current == anchor for anchor in anchors):
            return _answer(True, "")
        anchor = next((a for a in anchors if _issued_by(current, a)), None)
        if anchor is not None:
            if not _valid_at(anchor, now):
                return _answer(False, f"trust anchor {anchor.subject.rfc4514_string()} is not valid now")
            return _answer(True, "")
        parent = next((c for c in intermediates if c != current and _issued_by(current, c)), None)
        if parent is None:
            return _answer(
                False, f"cannot build a chain of trust for {cert.subject.rfc4514_string()}: UnknownIssuer"
            )
        current = parent
    return _answer(False, "the certificate chain is too long")


def _answer(trusted: bool, reason: str) -> bytes:
    return json.dumps({"trusted": trusted, "reason": reason}, separators=(",", ":")).encode()
