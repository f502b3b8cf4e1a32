"""Keys: cosign's algorithms per key type; a real cosign signature verifies, tampering does not."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from helpers import REPO_ROOT

from workbench.core.errors import InputError, SignatureError
from workbench.core.signatures.keys import (
    KeyAlgorithm,
    decode_signature,
    load_private_key,
    load_private_key_file,
    load_public_key,
    load_public_key_file,
)

DATA = REPO_ROOT / "tests" / "data" / "signatures"


def _pem(key: object, password: bytes | None = None) -> bytes:
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


KEYS = {
    KeyAlgorithm.ECDSA_P256: lambda: ec.generate_private_key(ec.SECP256R1()),
    KeyAlgorithm.ECDSA_P384: lambda: ec.generate_private_key(ec.SECP384R1()),
    KeyAlgorithm.ECDSA_P521: lambda: ec.generate_private_key(ec.SECP521R1()),
    KeyAlgorithm.RSA: lambda: rsa.generate_private_key(65537, 2048),
    KeyAlgorithm.ED25519: ed25519.Ed25519PrivateKey.generate,
}


def test_real_cosign_signature_verifies_and_tampering_does_not() -> None:
    key = load_public_key_file(DATA / "keyed-cosign.pub")
    payload = (DATA / "keyed-payload.json").read_bytes()
    signature = decode_signature((DATA / "keyed-signature.b64").read_text(), "t")
    assert key.algorithm is KeyAlgorithm.ECDSA_P256
    assert key.verify(signature, payload)
    assert not key.verify(signature, payload.replace(b"busybox", b"busyb0x"))
    other = load_private_key(_pem(ec.generate_private_key(ec.SECP256R1())), "k").public_key
    assert not other.verify(signature, payload)


@pytest.mark.parametrize("algorithm", list(KEYS))
def test_sign_and_verify_every_algorithm(algorithm: KeyAlgorithm) -> None:
    private = load_private_key(_pem(KEYS[algorithm]()), "key.pem")
    public = load_public_key(private.public_key.pem, "key.pub")
    assert public.algorithm is algorithm
    assert public.fingerprint == private.public_key.fingerprint and public.fingerprint.startswith("SHA256:")
    signature = private.sign(b"payload")
    assert public.verify(signature, b"payload")
    assert not public.verify(signature, b"payload!")
    assert not public.verify(b"\x00" * len(signature), b"payload")


def test_rsa_pss_signatures_are_accepted() -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    raw = rsa.generate_private_key(65537, 2048)
    signature = raw.sign(
        b"data", padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256()
    )
    public = load_private_key(_pem(raw), "k").public_key
    assert public.verify(signature, b"data")


def test_encrypted_private_key_needs_its_password(tmp_path) -> None:
    path = tmp_path / "enc.pem"
    path.write_bytes(_pem(ec.generate_private_key(ec.SECP256R1()), b"pw"))
    with pytest.raises(InputError, match="encrypted: give its password"):
        load_private_key_file(path)
    assert load_private_key_file(path, b"pw").public_key.algorithm is KeyAlgorithm.ECDSA_P256


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
            "cosign's own encrypted key format",
        ),
        (b"hello", "not a PEM private key"),
    ],
)
def test_private_key_errors(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_private_key(data, "key.pem")


def test_public_key_errors(tmp_path) -> None:
    with pytest.raises(InputError, match="is a private key"):
        load_public_key(_pem(ec.generate_private_key(ec.SECP256R1())), "cosign.key")
    with pytest.raises(InputError, match="not a PEM public key"):
        load_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "x.pub")
    with pytest.raises(InputError, match="does not exist"):
        load_public_key_file(tmp_path / "missing.pub")
    small = rsa.generate_private_key(65537, 1024).public_key()
    with pytest.raises(InputError, match="shorter than 2048"):
        load_public_key(
            small.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
            "s",
        )
    k1 = ec.generate_private_key(ec.SECP256K1()).public_key()
    with pytest.raises(InputError, match="secp256k1 is not supported"):
        load_public_key(
            k1.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo), "k1"
        )


def test_decode_signature() -> None:
    assert decode_signature(base64.b64encode(b"abc").decode(), "t") == b"abc"
    with pytest.raises(SignatureError, match="layer 2: the signature annotation is not base64"):
        decode_signature("not base64!", "layer 2")
