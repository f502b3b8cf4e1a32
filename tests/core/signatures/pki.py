"""A small Sigstore-shaped PKI for tests, made with ``cryptography``: a Fulcio-like CA
(root + code-signing intermediate), leaf certificates with Fulcio's identity extensions,
a Rekor key and Rekor bundles with a real signed entry timestamp.

Not a mock: every certificate and signature is real and verified by the same code paths
as Sigstore's public-good instance (whose real artefacts are in tests/data/signatures).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from workbench.core.signatures.certificate import (
    CERTIFICATE_ANNOTATION,
    CHAIN_ANNOTATION,
    OID_GITHUB_WORKFLOW_NAME,
    OID_GITHUB_WORKFLOW_REF,
    OID_GITHUB_WORKFLOW_REPOSITORY,
    OID_GITHUB_WORKFLOW_TRIGGER,
    OID_ISSUER,
    OID_ISSUER_V2,
)
from workbench.core.signatures.payload import SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE
from workbench.core.signatures.registry import SignatureDescriptor
from workbench.core.signatures.rekor import BUNDLE_ANNOTATION

UTC = datetime.UTC
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "test.sigstore"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _der_utf8(text: str) -> bytes:
    raw = text.encode("utf-8")
    assert len(raw) < 128
    return bytes([0x0C, len(raw)]) + raw


@dataclasses.dataclass
class FulcioCA:
    root: x509.Certificate
    root_key: ec.EllipticCurvePrivateKey
    intermediate: x509.Certificate
    intermediate_key: ec.EllipticCurvePrivateKey

    @classmethod
    def create(
        cls,
        name: str = "test-fulcio",
        not_before: datetime.datetime | None = None,
        not_after: datetime.datetime | None = None,
    ) -> FulcioCA:
        start = not_before or datetime.datetime(2020, 1, 1, tzinfo=UTC)
        end = not_after or datetime.datetime(2040, 1, 1, tzinfo=UTC)
        root_key = ec.generate_private_key(ec.SECP384R1())
        root = (
            x509.CertificateBuilder()
            .subject_name(_name(f"{name}-root"))
            .issuer_name(_name(f"{name}-root"))
            .public_key(root_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
            .add_extension(_ca_usage(), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA384())
        )
        inter_key = ec.generate_private_key(ec.SECP384R1())
        intermediate = (
            x509.CertificateBuilder()
            .subject_name(_name(f"{name}-intermediate"))
            .issuer_name(root.subject)
            .public_key(inter_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_ca_usage(), critical=True)
            # Fulcio's real intermediate carries a code-signing EKU
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(inter_key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
            )
            .sign(root_key, hashes.SHA384())
        )
        return cls(root, root_key, intermediate, inter_key)

    def issue(
        self,
        *,
        email: str | None = None,
        uri: str | None = None,
        issuer: str | None = None,
        issuer_v2: bool = True,
        github_repository: str | None = None,
        github_workflow: str | None = "release",
        github_ref: str | None = "refs/heads/main",
        not_before: datetime.datetime | None = None,
        lifetime: datetime.timedelta = datetime.timedelta(minutes=10),
        code_signing: bool = True,
    ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        """A short-lived leaf like Fulcio issues (empty subject, SAN critical, identity extensions)."""
        key = ec.generate_private_key(ec.SECP256R1())
        start = not_before or datetime.datetime.now(UTC) - datetime.timedelta(minutes=1)
        names: list[x509.GeneralName] = []
        if email:
            names.append(x509.RFC822Name(email))
        if uri:
            names.append(x509.UniformResourceIdentifier(uri))
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([]))
            .issuer_name(self.intermediate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + lifetime)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
            )
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.CODE_SIGNING if code_signing else ExtendedKeyUsageOID.SERVER_AUTH]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.intermediate_key.public_key()),
                critical=False,
            )
            .add_extension(x509.SubjectAlternativeName(names), critical=True)
        )
        if issuer:
            builder = builder.add_extension(
                x509.UnrecognizedExtension(OID_ISSUER, issuer.encode()), critical=False
            )
            if issuer_v2:
                builder = builder.add_extension(
                    x509.UnrecognizedExtension(OID_ISSUER_V2, _der_utf8(issuer)), critical=False
                )
        if github_repository:
            for oid, value in (
                (OID_GITHUB_WORKFLOW_TRIGGER, "push"),
                (OID_GITHUB_WORKFLOW_NAME, github_workflow),
                (OID_GITHUB_WORKFLOW_REPOSITORY, github_repository),
                (OID_GITHUB_WORKFLOW_REF, github_ref),
            ):
                if value is not None:
                    builder = builder.add_extension(
                        x509.UnrecognizedExtension(oid, value.encode()), critical=False
                    )
        return builder.sign(self.intermediate_key, hashes.SHA384()), key

    @property
    def chain_pem(self) -> str:
        return pem(self.intermediate) + pem(self.root)


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(False, False, False, False, False, True, True, False, False)


@dataclasses.dataclass
class Rekor:
    key: ec.EllipticCurvePrivateKey

    @classmethod
    def create(cls) -> Rekor:
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @property
    def public_der(self) -> bytes:
        return self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def public_pem(self) -> str:
        return (
            self.key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode("ascii")
        )

    @property
    def log_id(self) -> str:
        return hashlib.sha256(self.public_der).hexdigest()

    def bundle(
        self,
        *,
        signature: bytes,
        payload: bytes,
        certificate_pem: str,
        integrated_time: int,
        log_index: int = 7,
    ) -> str:
        """cosign's bundle annotation for a hashedrekord entry, with a real SET."""
        entry = {
            "apiVersion": "0.0.1",
            "kind": "hashedrekord",
            "spec": {
                "data": {"hash": {"algorithm": "sha256", "value": hashlib.sha256(payload).hexdigest()}},
                "signature": {
                    "content": base64.b64encode(signature).decode(),
                    "publicKey": {"content": base64.b64encode(certificate_pem.encode()).decode()},
                },
            },
        }
        body = base64.b64encode(json.dumps(entry, separators=(",", ":")).encode()).decode()
        signed = {
            "body": body,
            "integratedTime": integrated_time,
            "logID": self.log_id,
            "logIndex": log_index,
        }
        canonical = json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()
        set_signature = self.key.sign(canonical, ec.ECDSA(hashes.SHA256()))
        return json.dumps(
            {
                "SignedEntryTimestamp": base64.b64encode(set_signature).decode(),
                "Payload": {
                    "body": body,
                    "integratedTime": integrated_time,
                    "logIndex": log_index,
                    "logID": self.log_id,
                },
            }
        )


def write_trusted_root(
    path: Path, cas: list[FulcioCA], rekor: Rekor, *, ca_window: tuple[str, str | None] | None = None
) -> Path:
    """A Sigstore ``trusted_root.json`` for these CAs and this Rekor key."""

    def raw(cert: x509.Certificate) -> dict[str, str]:
        return {"rawBytes": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()}

    window = {"start": "2020-01-01T00:00:00Z"}
    if ca_window is not None:
        window = {"start": ca_window[0]} | ({"end": ca_window[1]} if ca_window[1] else {})
    document = {
        "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
        "tlogs": [
            {
                "baseUrl": "https://rekor.test",
                "hashAlgorithm": "SHA2_256",
                "publicKey": {
                    "rawBytes": base64.b64encode(rekor.public_der).decode(),
                    "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                    "validFor": {"start": "2020-01-01T00:00:00Z"},
                },
                "logId": {"keyId": base64.b64encode(bytes.fromhex(rekor.log_id)).decode()},
            }
        ],
        "certificateAuthorities": [
            {
                "subject": {"organization": "test.sigstore", "commonName": "test"},
                "uri": f"https://fulcio.test/{index}",
                "certChain": {"certificates": [raw(ca.intermediate), raw(ca.root)]},
                "validFor": window,
            }
            for index, ca in enumerate(cas)
        ],
    }
    path.write_text(json.dumps(document, indent=2))
    return path


def keyless_layer(
    payload: bytes,
    cert: x509.Certificate,
    key: ec.EllipticCurvePrivateKey,
    ca: FulcioCA,
    rekor: Rekor | None,
    *,
    integrated_time: int | None = None,
    signature_override: bytes | None = None,
) -> SignatureDescriptor:
    """A keyless signature layer as cosign writes it (signature, certificate, chain, bundle)."""
    signature = signature_override or key.sign(payload, ec.ECDSA(hashes.SHA256()))
    annotations = {
        SIGNATURE_ANNOTATION: base64.b64encode(signature).decode(),
        CERTIFICATE_ANNOTATION: pem(cert),
        CHAIN_ANNOTATION: ca.chain_pem,
    }
    if rekor is not None:
        when = (
            integrated_time
            if integrated_time is not None
            else int(cert.not_valid_before_utc.timestamp()) + 30
        )
        annotations[BUNDLE_ANNOTATION] = rekor.bundle(
            signature=signature, payload=payload, certificate_pem=pem(cert), integrated_time=when
        )
    return SignatureDescriptor(
        SIMPLE_SIGNING_MEDIA_TYPE,
        "sha256:" + hashlib.sha256(payload).hexdigest(),
        len(payload),
        annotations,
        payload,
    )
