"""Keyless (Fulcio) signing certificates: chain to the trust root, validity, signer identity.

A keyless cosign signature carries a short-lived certificate
(``dev.sigstore.cosign/certificate``, PEM) and its chain (``dev.sigstore.cosign/chain``).
The chain is built and checked by ``cryptography``'s X.509 path validation against the
roots of the trust root, *at the signing time* (the Rekor ``integratedTime``); the
certificate must be a code-signing end-entity certificate. The identity is read as
sigstore-rs (kwctl) reads it: the first e-mail or URI of the Subject Alternative Name,
the OIDC issuer from Fulcio's extension ``1.3.6.1.4.1.57264.1.8`` (DER string) or the
older ``.1.1`` (raw string), and the GitHub workflow extensions ``.1.2``–``.1.6``.
See docs/signatures.md, section "Verification rules".
"""

from __future__ import annotations

import dataclasses
import datetime
from enum import StrEnum

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, ObjectIdentifier
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from workbench.core.errors import SignatureError
from workbench.core.signatures.keys import PublicKey, public_key_from_object
from workbench.core.signatures.trust import TrustRoot

__all__ = [
    "CERTIFICATE_ANNOTATION",
    "CHAIN_ANNOTATION",
    "OID_GITHUB_WORKFLOW_NAME",
    "OID_GITHUB_WORKFLOW_REF",
    "OID_GITHUB_WORKFLOW_REPOSITORY",
    "OID_GITHUB_WORKFLOW_SHA",
    "OID_GITHUB_WORKFLOW_TRIGGER",
    "OID_ISSUER",
    "OID_ISSUER_V2",
    "CertificateIdentity",
    "SubjectKind",
    "certificate_identity",
    "load_certificate",
    "verify_certificate",
]

CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate"
CHAIN_ANNOTATION = "dev.sigstore.cosign/chain"

OID_ISSUER = ObjectIdentifier("1.3.6.1.4.1.57264.1.1")
OID_GITHUB_WORKFLOW_TRIGGER = ObjectIdentifier("1.3.6.1.4.1.57264.1.2")
OID_GITHUB_WORKFLOW_SHA = ObjectIdentifier("1.3.6.1.4.1.57264.1.3")
OID_GITHUB_WORKFLOW_NAME = ObjectIdentifier("1.3.6.1.4.1.57264.1.4")
OID_GITHUB_WORKFLOW_REPOSITORY = ObjectIdentifier("1.3.6.1.4.1.57264.1.5")
OID_GITHUB_WORKFLOW_REF = ObjectIdentifier("1.3.6.1.4.1.57264.1.6")
OID_ISSUER_V2 = ObjectIdentifier("1.3.6.1.4.1.57264.1.8")


class SubjectKind(StrEnum):
    EMAIL = "email"
    URI = "uri"


@dataclasses.dataclass(frozen=True)
class CertificateIdentity:
    """Who a Fulcio certificate was issued to."""

    subject: str
    subject_kind: SubjectKind
    issuer: str | None = None
    github_workflow_trigger: str | None = None
    github_workflow_sha: str | None = None
    github_workflow_name: str | None = None
    github_workflow_repository: str | None = None
    github_workflow_ref: str | None = None

    def describe(self) -> str:
        text = f"{self.subject} (issuer {self.issuer or 'unknown'})"
        if self.github_workflow_repository:
            text += f", workflow {self.github_workflow_name or '?'} of {self.github_workflow_repository}"
            if self.github_workflow_ref:
                text += f" at {self.github_workflow_ref}"
        return text


def load_certificate(pem: str | bytes, where: str) -> x509.Certificate:
    raw = pem.encode("utf-8") if isinstance(pem, str) else pem
    try:
        return x509.load_pem_x509_certificate(raw)
    except ValueError:
        raise SignatureError(f"{where}: the signing certificate is not a PEM certificate") from None


def _der_string(raw: bytes) -> str | None:
    """Content of a DER UTF8String / IA5String / PrintableString (Fulcio's v2 extensions)."""
    if len(raw) < 2 or raw[0] not in (0x0C, 0x16, 0x13):
        return None
    length = raw[1]
    offset = 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or len(raw) < 2 + count:
            return None
        length = int.from_bytes(raw[2 : 2 + count], "big")
        offset = 2 + count
    if len(raw) != offset + length:
        return None
    try:
        return raw[offset:].decode("utf-8")
    except UnicodeDecodeError:
        return None


def _extension(cert: x509.Certificate, oid: ObjectIdentifier, *, der: bool = False) -> str | None:
    try:
        extension = cert.extensions.get_extension_for_oid(oid)
    except x509.ExtensionNotFound:
        return None
    value = extension.value
    raw = value.value if isinstance(value, x509.UnrecognizedExtension) else None
    if raw is None:
        return None
    if der:
        return _der_string(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def certificate_identity(cert: x509.Certificate, where: str) -> CertificateIdentity:
    """The signer identity (no trust decision: see :func:`verify_certificate`)."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        raise SignatureError(f"{where}: the signing certificate has no Subject Alternative Name") from None
    subject: tuple[str, SubjectKind] | None = None
    for name in san:
        if isinstance(name, x509.RFC822Name):
            subject = (name.value, SubjectKind.EMAIL)
            break
        if isinstance(name, x509.UniformResourceIdentifier):
            subject = (name.value, SubjectKind.URI)
            break
    if subject is None:
        raise SignatureError(f"{where}: the signing certificate's SAN has no e-mail address or URI")
    issuer = _extension(cert, OID_ISSUER_V2, der=True) or _extension(cert, OID_ISSUER)
    return CertificateIdentity(
        subject=subject[0],
        subject_kind=subject[1],
        issuer=issuer,
        github_workflow_trigger=_extension(cert, OID_GITHUB_WORKFLOW_TRIGGER),
        github_workflow_sha=_extension(cert, OID_GITHUB_WORKFLOW_SHA),
        github_workflow_name=_extension(cert, OID_GITHUB_WORKFLOW_NAME),
        github_workflow_repository=_extension(cert, OID_GITHUB_WORKFLOW_REPOSITORY),
        github_workflow_ref=_extension(cert, OID_GITHUB_WORKFLOW_REF),
    )


def _ca_basic_constraints(
    _policy: object, cert: x509.Certificate, value: x509.BasicConstraints | None
) -> None:
    if value is None or not value.ca:
        raise ValueError(f"issuer {cert.subject.rfc4514_string()} is not a CA")


def _ca_key_usage(_policy: object, cert: x509.Certificate, value: x509.KeyUsage | None) -> None:
    if value is not None and not value.key_cert_sign:
        raise ValueError(f"issuer {cert.subject.rfc4514_string()} may not sign certificates")


def _leaf_key_usage(_policy: object, _cert: x509.Certificate, value: x509.KeyUsage | None) -> None:
    if value is None or not value.digital_signature:
        raise ValueError("the signing certificate is not for digital signatures (key usage)")


def _leaf_eku(_policy: object, _cert: x509.Certificate, value: x509.ExtendedKeyUsage | None) -> None:
    if value is None or ExtendedKeyUsageOID.CODE_SIGNING not in value:
        raise ValueError("the signing certificate is not a code-signing certificate (extended key usage)")


# Fulcio's intermediates carry a code-signing EKU, which the Web PKI CA profile refuses;
# the CA profile here is Sigstore's: basic constraints CA=true, keyCertSign when key usage is set.
_CA_POLICY = (
    ExtensionPolicy.permit_all()
    .require_present(x509.BasicConstraints, Criticality.AGNOSTIC, _ca_basic_constraints)
    .may_be_present(x509.KeyUsage, Criticality.AGNOSTIC, _ca_key_usage)
)
_EE_POLICY = (
    ExtensionPolicy.permit_all()
    .require_present(x509.KeyUsage, Criticality.AGNOSTIC, _leaf_key_usage)
    .require_present(x509.ExtendedKeyUsage, Criticality.AGNOSTIC, _leaf_eku)
)


def verify_certificate(
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    trust_root: TrustRoot,
    signed_at: datetime.datetime,
    where: str,
) -> tuple[CertificateIdentity, PublicKey]:
    """Check ``cert`` chains to a Fulcio CA of ``trust_root`` valid at ``signed_at``; its identity and key."""
    if not trust_root.authorities:
        raise SignatureError(f"{where}: no Fulcio CA in the trust root to check the certificate against")
    if not (cert.not_valid_before_utc <= signed_at <= cert.not_valid_after_utc):
        raise SignatureError(
            f"{where}: the signing certificate was not valid at the signing time {signed_at:%Y-%m-%dT%H:%M:%SZ} "
            f"(valid {cert.not_valid_before_utc:%Y-%m-%dT%H:%M:%SZ} to {cert.not_valid_after_utc:%Y-%m-%dT%H:%M:%SZ}): "
            "expired certificate"
        )
    reasons: list[str] = []
    for authority in trust_root.authorities:
        if not authority.covers(signed_at):
            reasons.append(f"CA {authority.source} was not valid at {signed_at:%Y-%m-%dT%H:%M:%SZ}")
            continue
        verifier = (
            PolicyBuilder()
            .store(Store(authority.roots))
            .time(signed_at)
            .max_chain_depth(8)
            .extension_policies(ca_policy=_CA_POLICY, ee_policy=_EE_POLICY)
            .build_client_verifier()
        )
        try:
            verifier.verify(cert, [*authority.intermediates, *chain])
        except VerificationError as exc:
            reasons.append(str(exc))
            continue
        identity = certificate_identity(cert, where)
        return identity, public_key_from_object(cert.public_key(), f"{where} certificate")
    detail = "; ".join(dict.fromkeys(reasons)) or "no CA applies"
    raise SignatureError(f"{where}: the signing certificate is not trusted (untrusted certificate: {detail})")


def certificate_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)
