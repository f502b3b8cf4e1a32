"""The Sigstore trust root, read from files only (no TUF, no network).

Two sources:

* a Sigstore ``trusted_root.json`` (media type ``application/vnd.dev.sigstore.trustedroot+json``,
  the protobuf-JSON ``TrustedRoot``: ``certificateAuthorities[].certChain.certificates[].rawBytes``,
  ``tlogs[].publicKey.rawBytes`` / ``logId.keyId`` with their ``validFor`` windows), or a
  ``ClientTrustConfig`` wrapping one under ``trustedRoot`` (kwctl's ``--sigstore-trust-config``);
* PEM files: Fulcio certificates (root and intermediates, any order, several per file) and
  Rekor public keys (cosign's ``SIGSTORE_ROOT_FILE`` / ``SIGSTORE_REKOR_PUBLIC_KEY`` style).

See docs/signatures.md, section "Trust root".
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509

from workbench.core.errors import InputError
from workbench.core.signatures.keys import PublicKey, load_public_key

__all__ = [
    "CertificateAuthority",
    "TransparencyLog",
    "TrustRoot",
    "load_trust_root",
    "trust_root_from_pem_files",
]

_MAX_TRUST_FILE = 4 * 1024 * 1024


def _within(
    when: datetime.datetime, start: datetime.datetime | None, end: datetime.datetime | None
) -> bool:
    """``start <= when <= end``, an open end when a bound is None."""
    return (start is None or start <= when) and (end is None or when <= end)


@dataclasses.dataclass(frozen=True)
class CertificateAuthority:
    """A Fulcio CA: its certificate chain (intermediates and root) and validity window."""

    certificates: tuple[x509.Certificate, ...]
    source: str
    valid_from: datetime.datetime | None = None
    valid_to: datetime.datetime | None = None

    def covers(self, when: datetime.datetime) -> bool:
        return _within(when, self.valid_from, self.valid_to)

    @property
    def roots(self) -> list[x509.Certificate]:
        selfsigned = [c for c in self.certificates if c.issuer == c.subject]
        return selfsigned or list(self.certificates[-1:])

    @property
    def intermediates(self) -> list[x509.Certificate]:
        roots = self.roots
        return [c for c in self.certificates if c not in roots]


@dataclasses.dataclass(frozen=True)
class TransparencyLog:
    """A Rekor instance: its key (the log id is the SHA-256 of its DER) and validity window."""

    log_id: str
    key: PublicKey
    source: str
    valid_from: datetime.datetime | None = None
    valid_to: datetime.datetime | None = None

    def covers(self, when: datetime.datetime) -> bool:
        return _within(when, self.valid_from, self.valid_to)


@dataclasses.dataclass(frozen=True)
class TrustRoot:
    authorities: tuple[CertificateAuthority, ...] = ()
    logs: tuple[TransparencyLog, ...] = ()

    def log(self, log_id: str) -> TransparencyLog | None:
        for log in self.logs:
            if log.log_id == log_id.lower():
                return log
        return None

    def merged(self, other: TrustRoot) -> TrustRoot:
        return TrustRoot(self.authorities + other.authorities, self.logs + other.logs)

    def describe(self) -> str:
        return f"{len(self.authorities)} Fulcio CA(s), {len(self.logs)} Rekor key(s)"


def _read(path: str | Path, what: str) -> bytes:
    file = Path(path)
    try:
        if file.stat().st_size > _MAX_TRUST_FILE:
            raise InputError(f"{what} {file} is too large")
        return file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} {file} does not exist") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} {file}: {exc.strerror}") from None


def _time(value: object, where: str) -> datetime.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: a validFor time is not a string")
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{where}: {value!r} is not an RFC 3339 time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _window(
    entry: dict[str, object], where: str
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    valid = entry.get("validFor")
    if valid is None:
        return None, None
    if not isinstance(valid, dict):
        raise InputError(f"{where}: validFor is not an object")
    return _time(valid.get("start"), where), _time(valid.get("end"), where)


def _b64(value: object, where: str) -> bytes:
    if not isinstance(value, str):
        raise InputError(f"{where}: rawBytes missing")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{where}: rawBytes is not base64") from None


def _from_trusted_root(document: dict[str, object], source: str) -> TrustRoot:
    authorities: list[CertificateAuthority] = []
    cas = document.get("certificateAuthorities") or []
    if not isinstance(cas, list):
        raise InputError(f"{source}: certificateAuthorities is not a list")
    for index, ca in enumerate(cas):
        where = f"{source}: certificateAuthorities[{index}]"
        if not isinstance(ca, dict):
            raise InputError(f"{where} is not an object")
        chain = ca.get("certChain")
        certs = chain.get("certificates") if isinstance(chain, dict) else None
        if not isinstance(certs, list) or not certs:
            raise InputError(f"{where}: certChain.certificates missing")
        parsed: list[x509.Certificate] = []
        for cert_index, cert in enumerate(certs):
            cwhere = f"{where}.certChain.certificates[{cert_index}]"
            raw = _b64(cert.get("rawBytes") if isinstance(cert, dict) else None, cwhere)
            try:
                parsed.append(x509.load_der_x509_certificate(raw))
            except ValueError:
                raise InputError(f"{cwhere} is not a DER certificate") from None
        start, end = _window(ca, where)
        authorities.append(CertificateAuthority(tuple(parsed), str(ca.get("uri") or source), start, end))
    logs: list[TransparencyLog] = []
    tlogs = document.get("tlogs") or []
    if not isinstance(tlogs, list):
        raise InputError(f"{source}: tlogs is not a list")
    for index, tlog in enumerate(tlogs):
        where = f"{source}: tlogs[{index}]"
        if not isinstance(tlog, dict) or not isinstance(tlog.get("publicKey"), dict):
            raise InputError(f"{where} has no publicKey")
        public = tlog["publicKey"]
        assert isinstance(public, dict)
        der = _b64(public.get("rawBytes"), f"{where}.publicKey")
        key = load_public_key(der, f"{where}.publicKey")
        log_id_field = tlog.get("logId")
        key_id = log_id_field.get("keyId") if isinstance(log_id_field, dict) else None
        log_id = (
            _b64(key_id, f"{where}.logId").hex() if key_id is not None else hashlib.sha256(der).hexdigest()
        )
        start, end = _window(public, f"{where}.publicKey")
        logs.append(TransparencyLog(log_id, key, str(tlog.get("baseUrl") or source), start, end))
    if not authorities and not logs:
        raise InputError(
            f"{source} has neither certificateAuthorities nor tlogs: not a Sigstore trusted root"
        )
    return TrustRoot(tuple(authorities), tuple(logs))


def load_trust_root(path: str | Path) -> TrustRoot:
    """A ``trusted_root.json`` or a ``ClientTrustConfig`` containing one."""
    source = str(path)
    try:
        document = json.loads(_read(path, "trusted root"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"trusted root {source} is not JSON ({exc})") from None
    if not isinstance(document, dict):
        raise InputError(f"trusted root {source} is not a JSON object")
    if isinstance(document.get("trustedRoot"), dict):  # ClientTrustConfig
        document = document["trustedRoot"]
    return _from_trusted_root(document, source)


def _pem_certificates(path: str | Path) -> list[x509.Certificate]:
    data = _read(path, "Fulcio certificate file")
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise InputError(f"Fulcio certificate file {path} holds no PEM certificate") from None
    return certs


def trust_root_from_pem_files(
    fulcio_certificates: Sequence[str | Path] = (), rekor_public_keys: Sequence[str | Path] = ()
) -> TrustRoot:
    """PEM files as cosign takes them: one CA made of every certificate given, and Rekor keys."""
    certs: list[x509.Certificate] = []
    for path in fulcio_certificates:
        certs.extend(_pem_certificates(path))
    authorities = (
        (CertificateAuthority(tuple(certs), ", ".join(map(str, fulcio_certificates))),) if certs else ()
    )
    logs = []
    for path in rekor_public_keys:
        key = load_public_key(_read(path, "Rekor public key"), str(path))
        logs.append(TransparencyLog(hashlib.sha256(key.der).hexdigest(), key, str(path)))
    return TrustRoot(authorities, tuple(logs))
