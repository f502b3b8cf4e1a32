"""Tests for the OPA "Crypto" builtins (``workbench/core/engines/opa/builtins/crypto.py``)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
from typing import Any

import pytest
from builtin_corpus import check_corpus_case, corpus_cases
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext
from workbench.core.engines.opa.builtins._values import dumps
from workbench.core.errors import BuiltinError

_CRYPTO_BUILTINS = sorted(n for n, b in REGISTRY.items() if b.category == "Crypto")


@pytest.mark.parametrize(("name", "case"), corpus_cases(_CRYPTO_BUILTINS))
def test_corpus(name: str, case: dict[str, Any] | None) -> None:
    check_corpus_case(name, case)


def call(name: str, *args: Any, ctx: BuiltinContext | None = None) -> Any:
    return REGISTRY[name](ctx or BuiltinContext(), list(args))


def plain(value: Any) -> Any:
    return json.loads(dumps(value))


# ---------------------------------------------------------------------------
# certificate material built with `cryptography`
# ---------------------------------------------------------------------------

NOW = dt.datetime(2030, 6, 1, 12, 0, 0, tzinfo=dt.UTC)


def _name(cn: str, **extra: str) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if "o" in extra:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, extra["o"]))
    if "c" in extra:
        attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, extra["c"]))
    return x509.Name(attrs)


def _cert(
    subject_key: Any,
    issuer_key: Any,
    subject: x509.Name,
    issuer: x509.Name,
    *,
    ca: bool,
    serial: int = 1000,
    sans: list[x509.GeneralName] | None = None,
    eku: list[x509.ObjectIdentifier] | None = None,
    days: int = 365,
    algorithm: hashes.HashAlgorithm | None = None,
    rsa_padding: Any = None,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(serial)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
    )
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    if isinstance(issuer_key, ed25519.Ed25519PrivateKey):
        return builder.sign(issuer_key, None)
    return builder.sign(issuer_key, algorithm or hashes.SHA256(), rsa_padding=rsa_padding)


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def chain(rsa_key: rsa.RSAPrivateKey) -> dict[str, Any]:
    root_key = ec.generate_private_key(ec.SECP384R1())
    inter_key = ec.generate_private_key(ec.SECP256R1())
    root = _cert(
        root_key, root_key, _name("Root"), _name("Root"), ca=True, days=3650, algorithm=hashes.SHA384()
    )
    inter = _cert(
        inter_key, root_key, _name("Inter"), _name("Root"), ca=True, days=1800, algorithm=hashes.SHA384()
    )
    leaf = _cert(
        rsa_key,
        inter_key,
        _name("leaf.example.com"),
        _name("Inter"),
        ca=False,
        serial=0x1234,
        sans=[
            x509.DNSName("leaf.example.com"),
            x509.DNSName("*.apps.example.com"),
            x509.IPAddress(ipaddress.ip_address("192.0.2.7")),
        ],
        eku=[ExtendedKeyUsageOID.SERVER_AUTH],
    )
    pem = "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in (root, inter, leaf))
    return {"root": root, "inter": inter, "leaf": leaf, "pem": pem}


def _ns(when: dt.datetime) -> int:
    return int(when.timestamp()) * 1_000_000_000


# ---------------------------------------------------------------------------
# digests
# ---------------------------------------------------------------------------


@given(st.text())
@settings(max_examples=50)
def test_digests_match_hashlib(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    assert call("crypto.md5", text) == hashlib.md5(data).hexdigest()
    assert call("crypto.sha1", text) == hashlib.sha1(data).hexdigest()
    assert call("crypto.sha256", text) == hashlib.sha256(data).hexdigest()
    assert call("crypto.hmac.sha512", text, "k") == hmac.new(b"k", data, "sha512").hexdigest()


def test_hmac_key_type_error_names_operand_two() -> None:
    with pytest.raises(BuiltinError, match=r"crypto.hmac.sha256: operand 2 must be string but got array"):
        call("crypto.hmac.sha256", "m", [])


def test_hmac_equal_operand_two() -> None:
    with pytest.raises(BuiltinError, match="operand 2 must be string but got null"):
        call("crypto.hmac.equal", "a", None)


# ---------------------------------------------------------------------------
# parse_certificates
# ---------------------------------------------------------------------------


def test_certificate_raw_fields_are_exact_der_slices(chain: dict[str, Any]) -> None:
    leaf: x509.Certificate = chain["leaf"]
    out = call("crypto.x509.parse_certificates", leaf.public_bytes(serialization.Encoding.PEM).decode())[0]
    assert base64.b64decode(out["Raw"]) == leaf.public_bytes(serialization.Encoding.DER)
    assert base64.b64decode(out["RawTBSCertificate"]) == leaf.tbs_certificate_bytes
    assert base64.b64decode(out["RawSubject"]) == leaf.subject.public_bytes()
    assert base64.b64decode(out["RawIssuer"]) == leaf.issuer.public_bytes()
    spki = leaf.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert base64.b64decode(out["RawSubjectPublicKeyInfo"]) == spki
    assert base64.b64decode(out["Signature"]) == leaf.signature


def test_certificate_fields(chain: dict[str, Any], rsa_key: rsa.RSAPrivateKey) -> None:
    out = plain(call("crypto.x509.parse_certificates", chain["pem"]))
    root, inter, leaf = out
    numbers = rsa_key.public_key().public_numbers()
    assert leaf["PublicKey"] == {"N": numbers.n, "E": 65537}
    assert leaf["PublicKeyAlgorithm"] == 1
    assert leaf["SignatureAlgorithm"] == 10  # ECDSAWithSHA256 (signed by the P-256 intermediate)
    assert root["SignatureAlgorithm"] == 11
    assert root["PublicKeyAlgorithm"] == 3 and set(root["PublicKey"]) == {"Curve", "X", "Y"}
    assert leaf["SerialNumber"] == 0x1234
    assert leaf["DNSNames"] == ["leaf.example.com", "*.apps.example.com"]
    assert leaf["IPAddresses"] == ["192.0.2.7"]
    assert leaf["ExtKeyUsage"] == [1]
    assert leaf["Subject"]["CommonName"] == "leaf.example.com"
    assert leaf["Subject"]["Names"] == [{"Type": [2, 5, 4, 3], "Value": "leaf.example.com"}]
    assert leaf["NotBefore"] == "2030-05-31T12:00:00Z"
    assert root["IsCA"] is True and root["MaxPathLen"] == -1 and root["KeyUsage"] == 96
    assert leaf["BasicConstraintsValid"] is False
    assert leaf["AuthorityKeyId"] == inter["SubjectKeyId"]
    assert leaf["URIStrings"] is None and leaf["URIs"] is None


def test_certificates_from_base64_der_and_base64_pem(chain: dict[str, Any]) -> None:
    der = b"".join(c.public_bytes(serialization.Encoding.DER) for c in (chain["root"], chain["leaf"]))
    from_der = call("crypto.x509.parse_certificates", base64.b64encode(der).decode())
    from_b64_pem = call("crypto.x509.parse_certificates", base64.b64encode(chain["pem"].encode()).decode())
    assert [c["SerialNumber"] for c in from_der] == [1000, 0x1234]
    assert len(from_b64_pem) == 3


def test_ed25519_and_p521_and_pss_certificates(rsa_key: rsa.RSAPrivateKey) -> None:
    ed = ed25519.Ed25519PrivateKey.generate()
    ed_cert = _cert(ed, ed, _name("ed"), _name("ed"), ca=True)
    p521 = ec.generate_private_key(ec.SECP521R1())
    p521_cert = _cert(p521, p521, _name("p521"), _name("p521"), ca=True, algorithm=hashes.SHA512())
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    pss_cert = _cert(rsa_key, rsa_key, _name("pss"), _name("pss"), ca=True, rsa_padding=pss)
    pem = "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in (ed_cert, p521_cert, pss_cert))
    ed_out, p521_out, pss_out = call("crypto.x509.parse_certificates", pem)
    raw = ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert ed_out["PublicKeyAlgorithm"] == 4 and ed_out["SignatureAlgorithm"] == 16
    assert ed_out["PublicKey"] == base64.b64encode(raw).decode()
    assert p521_out["SignatureAlgorithm"] == 12
    assert p521_out["PublicKey"]["X"] == p521.public_key().public_numbers().x
    assert pss_out["SignatureAlgorithm"] == 13


def test_uri_sans_are_go_urls() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert(
        key,
        key,
        _name("u"),
        _name("u"),
        ca=False,
        sans=[x509.UniformResourceIdentifier("spiffe://cluster.local/ns/a%2Fb/sa/x?#frag")],
    )
    out = call("crypto.x509.parse_certificates", cert.public_bytes(serialization.Encoding.PEM).decode())[0]
    uri = out["URIs"][0]
    assert uri["Scheme"] == "spiffe" and uri["Host"] == "cluster.local"
    assert uri["Path"] == "/ns/a/b/sa/x" and uri["RawPath"] == "/ns/a%2Fb/sa/x"
    assert uri["ForceQuery"] is True and uri["Fragment"] == "frag" and uri["User"] is None
    assert out["URIStrings"] == ["spiffe://cluster.local/ns/a%2Fb/sa/x?#frag"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "PEM block type is 'PUBLIC KEY', expected CERTIFICATE",
        ),
        ("MAMCAQE=", "x509: malformed tbs certificate"),
        ("MA==", "x509: malformed certificate"),
        ("a", "illegal base64 data at input byte 0"),
    ],
)
def test_parse_certificates_errors(text: str, message: str) -> None:
    with pytest.raises(BuiltinError) as info:
        call("crypto.x509.parse_certificates", text)
    assert str(info.value) == f"crypto.x509.parse_certificates: {message}"


@given(st.binary(max_size=300))
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_parse_certificates_never_crashes_on_garbage(data: bytes) -> None:
    for text in (
        base64.b64encode(data).decode(),
        "-----BEGIN CERTIFICATE-----\n" + base64.b64encode(data).decode() + "\n-----END CERTIFICATE-----\n",
    ):
        try:
            call("crypto.x509.parse_certificates", text)
        except BuiltinError:
            pass


@pytest.fixture(scope="module")
def leaf_der(chain: dict[str, Any]) -> bytes:
    return chain["leaf"].public_bytes(serialization.Encoding.DER)


@given(st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutated_certificates_parse_or_fail_cleanly(leaf_der: bytes, data: st.DataObject) -> None:
    der = bytearray(leaf_der)
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(der) - 1))
        der[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(der)))
    text = base64.b64encode(bytes(der[:cut] if data.draw(st.booleans()) else der)).decode()
    try:
        result = call("crypto.x509.parse_certificates", text)
    except BuiltinError as exc:
        assert str(exc).startswith("crypto.x509.parse_certificates: ")
    else:
        dumps(result)


# ---------------------------------------------------------------------------
# chain verification
# ---------------------------------------------------------------------------


def test_parse_and_verify_with_options(chain: dict[str, Any]) -> None:
    name = "crypto.x509.parse_and_verify_certificates_with_options"
    ok, certs = call(name, chain["pem"], {"CurrentTime": _ns(NOW), "DNSName": "leaf.example.com"})
    assert ok is True
    assert [c["Subject"]["CommonName"] for c in certs] == ["leaf.example.com", "Inter", "Root"]
    assert "URIStrings" not in certs[0]
    assert call(name, chain["pem"], {"CurrentTime": _ns(NOW), "DNSName": "x.apps.example.com"})[0] is True
    assert call(name, chain["pem"], {"CurrentTime": _ns(NOW), "DNSName": "192.0.2.7"})[0] is True
    assert call(name, chain["pem"], {"CurrentTime": _ns(NOW), "DNSName": "a.b.apps.example.com"}) == [
        False,
        [],
    ]
    later = NOW + dt.timedelta(days=400)
    assert call(name, chain["pem"], {"CurrentTime": _ns(later)}) == [False, []]
    assert call(name, chain["pem"], {"CurrentTime": _ns(NOW), "KeyUsages": ["KeyUsageClientAuth"]}) == [
        False,
        [],
    ]
    assert call(name, chain["pem"], {"CurrentTime": _ns(NOW), "KeyUsages": ["KeyUsageAny"]})[0] is True


def test_verify_rejects_wrong_root(chain: dict[str, Any]) -> None:
    other = ec.generate_private_key(ec.SECP256R1())
    fake_root = _cert(other, other, _name("Root"), _name("Root"), ca=True)
    pem = fake_root.public_bytes(serialization.Encoding.PEM).decode() + "".join(
        c.public_bytes(serialization.Encoding.PEM).decode() for c in (chain["inter"], chain["leaf"])
    )
    name = "crypto.x509.parse_and_verify_certificates_with_options"
    assert call(name, pem, {"CurrentTime": _ns(NOW)}) == [False, []]
    single = chain["leaf"].public_bytes(serialization.Encoding.PEM).decode()
    assert call(name, single, {"CurrentTime": _ns(NOW)}) == [False, []]


def test_verify_without_options_uses_the_clock(chain: dict[str, Any]) -> None:
    # the chain is valid around 2030 only, so "now" (the real clock) is before NotBefore
    assert call("crypto.x509.parse_and_verify_certificates", chain["pem"]) == [False, []]
    assert call("crypto.x509.parse_and_verify_certificates", "garbage") == [False, []]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"DNSName": 1}, "'DNSName' should be a string"),
        ({"CurrentTime": "x"}, "'CurrentTime' should be a number"),
        ({"CurrentTime": 1e30}, "'CurrentTime' should be a valid int64 number"),
        ({"MaxConstraintComparisons": "1"}, "'MaxConstraintComparisons' should be a number"),
        ({"KeyUsages": "KeyUsageAny"}, "'KeyUsages' should be an Array or Set"),
        ({"KeyUsages": ["Nope", "KeyUsageAny", "Bad"]}, "invalid entries for 'KeyUsages' found: [Nope Bad]"),
    ],
)
def test_verify_option_errors(chain: dict[str, Any], options: dict[str, Any], message: str) -> None:
    name = "crypto.x509.parse_and_verify_certificates_with_options"
    with pytest.raises(BuiltinError) as info:
        call(name, chain["pem"], options)
    assert str(info.value) == f"{name}: {message}"


# ---------------------------------------------------------------------------
# keys, key pairs, CSRs
# ---------------------------------------------------------------------------


def _pem_private(key: Any, fmt: serialization.PrivateFormat) -> str:
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()


def test_parse_private_keys_shapes(rsa_key: rsa.RSAPrivateKey) -> None:
    ec_key = ec.generate_private_key(ec.SECP384R1())
    ed = ed25519.Ed25519PrivateKey.generate()
    text = (
        _pem_private(rsa_key, serialization.PrivateFormat.TraditionalOpenSSL)
        + _pem_private(ec_key, serialization.PrivateFormat.PKCS8)
        + _pem_private(ed, serialization.PrivateFormat.PKCS8)
    )
    rsa_out, ec_out, ed_out = plain(call("crypto.parse_private_keys", text))
    nums = rsa_key.private_numbers()
    assert rsa_out["D"] == nums.d and rsa_out["Primes"] == [nums.p, nums.q]
    assert rsa_out["Precomputed"] == {"Dp": nums.dmp1, "Dq": nums.dmq1, "Qinv": nums.iqmp, "CRTValues": []}
    assert ec_out["D"] == ec_key.private_numbers().private_value and ec_out["Curve"] == {}
    seed = ed.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    pub = ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert base64.b64decode(ed_out) == seed + pub
    assert call("crypto.parse_private_keys", "") is None
    assert call("crypto.parse_private_keys", base64.b64encode(text.encode()).decode())[0]["E"] == 65537


def test_parse_rsa_private_key_jwk(rsa_key: rsa.RSAPrivateKey) -> None:
    pem = _pem_private(rsa_key, serialization.PrivateFormat.PKCS8)
    jwk = call("crypto.x509.parse_rsa_private_key", pem)
    n = int.from_bytes(base64.urlsafe_b64decode(jwk["n"] + "=="), "big")
    assert jwk["kty"] == "RSA" and jwk["e"] == "AQAB" and n == rsa_key.public_key().public_numbers().n
    # an EC key gives the whole EC JWK, as OPA v1.20.2 does (not just {"kty": "EC"})
    for curve, size in ((ec.SECP256R1(), 32), (ec.SECP384R1(), 48), (ec.SECP521R1(), 66)):
        ec_key = ec.generate_private_key(curve)
        for fmt in (serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL):
            ec_jwk = call("crypto.x509.parse_rsa_private_key", _pem_private(ec_key, fmt))
            assert sorted(ec_jwk) == ["crv", "d", "kty", "x", "y"] and ec_jwk["kty"] == "EC"
            assert ec_jwk["crv"] == f"P-{curve.key_size}"
            raw = {k: base64.urlsafe_b64decode(ec_jwk[k] + "=" * (-len(ec_jwk[k]) % 4)) for k in "xyd"}
            assert all(len(v) == size for v in raw.values())  # full curve size, leading zeros kept
            numbers = ec_key.private_numbers()
            assert int.from_bytes(raw["d"], "big") == numbers.private_value
            assert int.from_bytes(raw["x"], "big") == numbers.public_numbers.x
            assert int.from_bytes(raw["y"], "big") == numbers.public_numbers.y
    # d = 1 (the public point is the P-256 generator): d is left-padded to 32 octets
    one = ec.derive_private_key(1, ec.SECP256R1())
    ec_pem = _pem_private(one, serialization.PrivateFormat.TraditionalOpenSSL)
    assert ec_pem.startswith("-----BEGIN EC PRIVATE KEY-----")
    assert call("crypto.x509.parse_rsa_private_key", ec_pem) == {
        "kty": "EC",
        "crv": "P-256",
        "d": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE",
        "x": "axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY",
        "y": "T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU",
    }
    ed_pem = _pem_private(ed25519.Ed25519PrivateKey.generate(), serialization.PrivateFormat.PKCS8)
    with pytest.raises(BuiltinError, match=r"invalid key type ed25519\.PrivateKey"):
        call("crypto.x509.parse_rsa_private_key", ed_pem)
    with pytest.raises(BuiltinError, match="input PEM data was empty"):
        call("crypto.x509.parse_rsa_private_key", "")
    assert call("crypto.x509.parse_rsa_private_key", "-----BEGIN X-----\n-----END X-----\n") is None


def test_parse_keypair(chain: dict[str, Any], rsa_key: rsa.RSAPrivateKey) -> None:
    cert_pem = chain["leaf"].public_bytes(serialization.Encoding.PEM).decode()
    key_pem = _pem_private(rsa_key, serialization.PrivateFormat.PKCS8)
    out = plain(call("crypto.x509.parse_keypair", cert_pem, key_pem))
    assert base64.b64decode(out["Certificate"][0]) == chain["leaf"].public_bytes(serialization.Encoding.DER)
    assert out["Leaf"]["Subject"]["CommonName"] == "leaf.example.com"
    assert out["PrivateKey"]["N"] == rsa_key.public_key().public_numbers().n
    # DER certificate and DER key given as base64 work too
    der_cert = base64.b64encode(chain["leaf"].public_bytes(serialization.Encoding.DER)).decode()
    der_key = base64.b64encode(
        rsa_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    ).decode()
    assert call("crypto.x509.parse_keypair", der_cert, der_key)["Leaf"]["SerialNumber"] == 0x1234
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(BuiltinError, match="tls: private key does not match public key"):
        call("crypto.x509.parse_keypair", cert_pem, _pem_private(other, serialization.PrivateFormat.PKCS8))
    with pytest.raises(
        BuiltinError, match="tls: found a certificate rather than a key in the PEM for the private key"
    ):
        call("crypto.x509.parse_keypair", cert_pem, cert_pem)
    with pytest.raises(
        BuiltinError, match="tls: failed to find certificate PEM data in certificate input, but did find"
    ):
        call("crypto.x509.parse_keypair", key_pem, key_pem)


def test_parse_certificate_request_with_sans() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(_name("csr.example", o="Org", c="DE"))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("a.example"), x509.RFC822Name("me@example.com")]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    pem = csr.public_bytes(serialization.Encoding.PEM).decode()
    out = plain(call("crypto.x509.parse_certificate_request", pem))
    assert out["Subject"]["Country"] == ["DE"] and out["Subject"]["Organization"] == ["Org"]
    assert out["DNSNames"] == ["a.example"] and out["EmailAddresses"] == ["me@example.com"]
    assert out["Extensions"][0]["Id"] == [2, 5, 29, 17]
    assert out["SignatureAlgorithm"] == 10 and out["PublicKeyAlgorithm"] == 3
    assert base64.b64decode(out["RawTBSCertificateRequest"]) == csr.tbs_certrequest_bytes
    assert out["Attributes"][0]["Type"] == [1, 2, 840, 113549, 1, 9, 14]
    der = base64.b64encode(csr.public_bytes(serialization.Encoding.DER)).decode()
    assert call("crypto.x509.parse_certificate_request", der)["Raw"] == out["Raw"]
    with pytest.raises(BuiltinError, match="invalid PEM-encoded certificate signing request"):
        cert_like = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"
        call("crypto.x509.parse_certificate_request", base64.b64encode(cert_like.encode()).decode())


def _b64_der(cert: x509.Certificate, old: bytes, new: bytes) -> str:
    der = cert.public_bytes(serialization.Encoding.DER)
    assert der.count(old) == 1
    return base64.b64encode(der.replace(old, new)).decode()


def test_go_errors_for_bad_version_and_bad_ec_point() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _cert(key, key, _name("v"), _name("v"), ca=True)
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    name = "crypto.x509.parse_certificates"
    with pytest.raises(BuiltinError, match=r"^crypto.x509.parse_certificates: x509: invalid version$"):
        call(name, _b64_der(cert, b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x03"))
    off_curve = point[:-1] + bytes([point[-1] ^ 1])
    with pytest.raises(BuiltinError, match=r"^crypto.x509.parse_certificates: P256 point not on curve$"):
        call(name, _b64_der(cert, point, off_curve))
    compressed = b"\x02" + point[1:]
    with pytest.raises(BuiltinError, match="ecdsa: invalid uncompressed public key"):
        call(name, _b64_der(cert, point, compressed))
