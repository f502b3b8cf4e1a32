"""crypto/v1/is_certificate_trusted against certificates generated on the fly."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from workbench.core.engines.hostcaps.crypto import is_certificate_trusted
from workbench.core.errors import HostCapabilityError

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def _cert(name, issuer=None, issuer_key=None, *, ca=False, days=(-30, 365)):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + dt.timedelta(days=days[0]))
        .not_valid_after(NOW + dt.timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    cert = builder.sign(issuer_key or key, hashes.SHA256())
    return cert, key


@pytest.fixture(scope="module")
def pki():
    root, root_key = _cert("root", ca=True, days=(-100, 3650))
    inter, inter_key = _cert("intermediate", root, root_key, ca=True, days=(-50, 1000))
    leaf, _ = _cert("leaf", inter, inter_key)
    other_root, other_key = _cert("other", ca=True)
    stranger, _ = _cert("stranger", other_root, other_key)
    expired, _ = _cert("expired", inter, inter_key, days=(-60, -1))
    return {"root": root, "inter": inter, "leaf": leaf, "stranger": stranger, "expired": expired}


def _spec(cert, encoding="Pem"):
    kind = serialization.Encoding.PEM if encoding == "Pem" else serialization.Encoding.DER
    return {"encoding": encoding, "data": list(cert.public_bytes(kind))}


def _ask(cert, chain=None, not_after=None, encoding="Pem"):
    request = {"cert": _spec(cert, encoding)}
    if chain is not None:
        request["cert_chain"] = [_spec(c) for c in chain]
    if not_after is not None:
        request["not_after"] = not_after
    return json.loads(is_certificate_trusted(json.dumps(request).encode(), now=NOW))


def test_trusted_through_intermediate(pki):
    assert _ask(pki["leaf"], [pki["inter"], pki["root"]]) == {"trusted": True, "reason": ""}
    assert _ask(pki["leaf"], [pki["inter"], pki["root"]], encoding="Der")["trusted"]
    assert _ask(pki["root"], [pki["root"]])["trusted"]


def test_untrusted_cases(pki):
    stranger = _ask(pki["stranger"], [pki["inter"], pki["root"]])
    assert not stranger["trusted"] and "UnknownIssuer" in stranger["reason"]
    assert not _ask(pki["leaf"], [pki["root"]])["trusted"]  # intermediate missing
    expired = _ask(pki["expired"], [pki["inter"], pki["root"]])
    assert not expired["trusted"] and "is not valid at" in expired["reason"]


def test_not_after(pki):
    later = (NOW + dt.timedelta(days=500)).isoformat().replace("+00:00", "Z")
    verdict = _ask(pki["leaf"], [pki["inter"], pki["root"]], not_after=later)
    assert verdict == {"trusted": False, "reason": "Certificate is being used after its expiration date"}
    sooner = (NOW + dt.timedelta(days=10)).isoformat()
    assert _ask(pki["leaf"], [pki["inter"], pki["root"]], not_after=sooner)["trusted"]


def test_system_roots_do_not_trust_private_ca(pki):
    verdict = _ask(pki["leaf"])
    assert not verdict["trusted"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"nope", "Cannot decode"),
        (b'{"cert": {"encoding": "Pem", "data": "abc"}}', "array of bytes"),
        (b'{"cert": {"encoding": "Pem", "data": [1, 2, 3]}}', "Cannot parse certificate"),
        (b'{"cert": {"encoding": "Base64", "data": []}}', "unknown encoding"),
        (b"{}", "Cannot decode certificate"),
    ],
)
def test_malformed_requests(payload, message):
    with pytest.raises(HostCapabilityError, match=message):
        is_certificate_trusted(payload, now=NOW)
