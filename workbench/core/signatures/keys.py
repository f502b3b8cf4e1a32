"""Public and private keys for cosign signatures (ECDSA P-256/P-384/P-521, RSA, Ed25519).

The hash and padding follow Sigstore's defaults for each key type, which is what
``cosign sign --key`` uses and what kwctl (sigstore-rs) accepts: ECDSA with SHA-256 /
SHA-384 / SHA-512 for P-256 / P-384 / P-521 (ASN.1 DER signatures), RSA with
PKCS#1 v1.5 and SHA-256 (PSS with SHA-256 is accepted when verifying), Ed25519 pure.
See docs/signatures.md, section "Keys".
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
from enum import StrEnum
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from workbench.core.errors import InputError, SignatureError

__all__ = [
    "KeyAlgorithm",
    "PrivateKey",
    "PublicKey",
    "decode_signature",
    "load_private_key",
    "load_private_key_file",
    "load_public_key",
    "load_public_key_file",
    "public_key_from_object",
]

#: bigger key files are not keys
_MAX_KEY_FILE = 64 * 1024

PublicKeyObject = ec.EllipticCurvePublicKey | rsa.RSAPublicKey | ed25519.Ed25519PublicKey
PrivateKeyObject = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


class KeyAlgorithm(StrEnum):
    ECDSA_P256 = "ecdsa-p256-sha256"
    ECDSA_P384 = "ecdsa-p384-sha384"
    ECDSA_P521 = "ecdsa-p521-sha512"
    RSA = "rsa-sha256"
    ED25519 = "ed25519"


_CURVES: dict[str, tuple[KeyAlgorithm, hashes.HashAlgorithm]] = {
    "secp256r1": (KeyAlgorithm.ECDSA_P256, hashes.SHA256()),
    "secp384r1": (KeyAlgorithm.ECDSA_P384, hashes.SHA384()),
    "secp521r1": (KeyAlgorithm.ECDSA_P521, hashes.SHA512()),
}


def _algorithm(key: PublicKeyObject, where: str) -> KeyAlgorithm:
    if isinstance(key, ec.EllipticCurvePublicKey):
        entry = _CURVES.get(key.curve.name)
        if entry is None:
            raise InputError(
                f"{where}: ECDSA curve {key.curve.name} is not supported (P-256, P-384, P-521 are)"
            )
        return entry[0]
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < 2048:
            raise InputError(f"{where}: RSA keys shorter than 2048 bits are refused ({key.key_size} bits)")
        return KeyAlgorithm.RSA
    return KeyAlgorithm.ED25519


@dataclasses.dataclass(frozen=True)
class PublicKey:
    """A verification key with its cosign algorithm and identity."""

    key: PublicKeyObject
    algorithm: KeyAlgorithm
    #: where it came from (file name or "verification config"), for messages
    source: str = ""

    @property
    def der(self) -> bytes:
        return self.key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    @property
    def pem(self) -> str:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    @property
    def fingerprint(self) -> str:
        """``SHA256:<hex>`` of the DER SubjectPublicKeyInfo (also Rekor's log-id scheme)."""
        return "SHA256:" + hashlib.sha256(self.der).hexdigest()

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` is a valid signature of ``data`` by this key."""
        try:
            if isinstance(self.key, ec.EllipticCurvePublicKey):
                self.key.verify(signature, data, ec.ECDSA(_CURVES[self.key.curve.name][1]))
            elif isinstance(self.key, rsa.RSAPublicKey):
                try:
                    self.key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
                except InvalidSignature:
                    self.key.verify(
                        signature,
                        data,
                        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO),
                        hashes.SHA256(),
                    )
            else:
                self.key.verify(signature, data)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclasses.dataclass(frozen=True)
class PrivateKey:
    """A signing key; signatures are made the way ``cosign sign --key`` makes them."""

    key: PrivateKeyObject
    source: str = ""

    @property
    def public_key(self) -> PublicKey:
        return public_key_from_object(self.key.public_key(), self.source)

    def sign(self, data: bytes) -> bytes:
        if isinstance(self.key, ec.EllipticCurvePrivateKey):
            return self.key.sign(data, ec.ECDSA(_CURVES[self.key.curve.name][1]))
        if isinstance(self.key, rsa.RSAPrivateKey):
            return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return self.key.sign(data)


def public_key_from_object(key: object, where: str) -> PublicKey:
    if not isinstance(key, (ec.EllipticCurvePublicKey, rsa.RSAPublicKey, ed25519.Ed25519PublicKey)):
        raise InputError(
            f"{where}: unsupported key type {type(key).__name__} (ECDSA, RSA and Ed25519 keys are supported)"
        )
    return PublicKey(key, _algorithm(key, where), where)


def load_public_key(data: bytes | str, where: str) -> PublicKey:
    """A PEM ``PUBLIC KEY`` (SubjectPublicKeyInfo, as ``cosign generate-key-pair`` writes) or DER."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if raw.lstrip().startswith(b"-----BEGIN"):
            if b"PRIVATE KEY" in raw.split(b"\n", 1)[0]:
                raise InputError(f"{where} is a private key; verification needs the public key")
            key = serialization.load_pem_public_key(raw.strip() + b"\n")
        else:
            key = serialization.load_der_public_key(raw)
    except (ValueError, UnsupportedAlgorithm, TypeError) as exc:
        raise InputError(f"{where} is not a PEM public key ({str(exc).splitlines()[0]})") from None
    return public_key_from_object(key, where)


def _read_key_file(path: str | Path) -> bytes:
    file = Path(path)
    try:
        if file.stat().st_size > _MAX_KEY_FILE:
            raise InputError(f"{file} is too large to be a key file")
        return file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"key file {file} does not exist") from None
    except OSError as exc:
        raise InputError(f"cannot read key file {file}: {exc.strerror}") from None


def load_public_key_file(path: str | Path) -> PublicKey:
    return load_public_key(_read_key_file(path), str(path))


def load_private_key(data: bytes, where: str, password: bytes | None = None) -> PrivateKey:
    """A PEM private key (PKCS#8 or traditional, optionally password-protected)."""
    first = data.lstrip().split(b"\n", 1)[0]
    if b"ENCRYPTED SIGSTORE PRIVATE KEY" in first or b"ENCRYPTED COSIGN PRIVATE KEY" in first:
        raise InputError(
            f"{where} is in cosign's own encrypted key format (scrypt + secretbox), which is not supported: "
            "use a PEM key, e.g. 'openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 "
            "-nocrypt > key.pem' (cosign signs with it too: cosign sign --key key.pem)"
        )
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except TypeError as exc:
        message = "it is encrypted: give its password" if password is None else str(exc)
        raise InputError(f"cannot load private key {where}: {message}") from None
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise InputError(f"{where} is not a PEM private key ({str(exc).splitlines()[0]})") from None
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey)):
        raise InputError(f"{where}: unsupported private key type {type(key).__name__}")
    private = PrivateKey(key, where)
    private.public_key  # noqa: B018 -- validates curve / RSA size
    return private


def load_private_key_file(path: str | Path, password: bytes | None = None) -> PrivateKey:
    return load_private_key(_read_key_file(path), str(path), password)


def decode_signature(text: str, where: str) -> bytes:
    """The base64 signature of a ``dev.cosignproject.cosign/signature`` annotation."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(f"{where}: the signature annotation is not base64") from None
