"""Go ``crypto/x509`` semantics: certificate / CSR / private key parsing,
their ``encoding/json`` shape, and certificate chain verification.

The DER structure is walked with :class:`~._crypto_der.Der` following Go's
``parser.go`` step by step (same acceptance rules, same error messages); the
``Raw*`` fields are exact slices of the input. ``cryptography`` provides the
public-key objects and all signature checks.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as _dt
import ipaddress
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, padding, rsa

from workbench.core.engines.opa.builtins import _crypto_der as d
from workbench.core.engines.opa.builtins._crypto_der import Der
from workbench.core.engines.opa.builtins._crypto_encoding import GoError
from workbench.core.engines.opa.builtins._gofmt import go_quote
from workbench.core.engines.opa.builtins._gourl import GoURL, URLError, parse_url

__all__ = [
    "Certificate",
    "CertificateRequest",
    "PrivateKey",
    "PublicKey",
    "go_time_json",
    "parse_certificate",
    "parse_certificate_request",
    "parse_certificates",
    "parse_ec_private_key",
    "parse_pkcs1_private_key",
    "parse_pkcs8_private_key",
    "parse_pkix_public_key",
    "verify_chain",
]


def b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


def go_time_json(t: _dt.datetime) -> str:
    """``time.Time.MarshalJSON`` (RFC 3339 with nanoseconds trimmed)."""
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond:
        text += ("." + f"{t.microsecond:06d}").rstrip("0")
    off = t.utcoffset()
    if not off:
        return text + "Z"
    minutes = int(off.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _raw_str(b: bytes) -> str:
    """Bytes as a Go string would hold them (invalid UTF-8 kept via surrogateescape)."""
    return b.decode("utf-8", "surrogateescape")


def _bytes_str(b: bytes) -> str:
    return b.decode("utf-8", "replace")


# --------------------------------------------------------------------------
# algorithm tables
# --------------------------------------------------------------------------

OID_RSA = (1, 2, 840, 113549, 1, 1, 1)
OID_DSA = (1, 2, 840, 10040, 4, 1)
OID_ECDSA = (1, 2, 840, 10045, 2, 1)
OID_ED25519 = (1, 3, 101, 112)
OID_X25519 = (1, 3, 101, 110)
OID_RSAPSS = (1, 2, 840, 113549, 1, 1, 10)
OID_MGF1 = (1, 2, 840, 113549, 1, 1, 8)
OID_SHA256 = (2, 16, 840, 1, 101, 3, 4, 2, 1)
OID_SHA384 = (2, 16, 840, 1, 101, 3, 4, 2, 2)
OID_SHA512 = (2, 16, 840, 1, 101, 3, 4, 2, 3)

CURVES: dict[tuple[int, ...], tuple[str, ec.EllipticCurve, int]] = {
    (1, 2, 840, 10045, 3, 1, 7): ("P-256", ec.SECP256R1(), 32),
    (1, 3, 132, 0, 34): ("P-384", ec.SECP384R1(), 48),
    (1, 3, 132, 0, 35): ("P-521", ec.SECP521R1(), 66),
    (1, 3, 132, 0, 33): ("P-224", ec.SECP224R1(), 28),
}
CURVE_BY_NAME = {v[0]: (oid, v[1], v[2]) for oid, v in CURVES.items()}

# Go SignatureAlgorithm values
SIG_ALGS: dict[tuple[int, ...], int] = {
    (1, 2, 840, 113549, 1, 1, 2): 1,  # MD2WithRSA
    (1, 2, 840, 113549, 1, 1, 4): 2,  # MD5WithRSA
    (1, 2, 840, 113549, 1, 1, 5): 3,  # SHA1WithRSA
    (1, 3, 14, 3, 2, 29): 3,  # SHA1WithRSA (ISO OID)
    (1, 2, 840, 113549, 1, 1, 11): 4,  # SHA256WithRSA
    (1, 2, 840, 113549, 1, 1, 12): 5,  # SHA384WithRSA
    (1, 2, 840, 113549, 1, 1, 13): 6,  # SHA512WithRSA
    (1, 2, 840, 10040, 4, 3): 7,  # DSAWithSHA1
    (2, 16, 840, 1, 101, 3, 4, 3, 2): 8,  # DSAWithSHA256
    (1, 2, 840, 10045, 4, 1): 9,  # ECDSAWithSHA1
    (1, 2, 840, 10045, 4, 3, 2): 10,  # ECDSAWithSHA256
    (1, 2, 840, 10045, 4, 3, 3): 11,  # ECDSAWithSHA384
    (1, 2, 840, 10045, 4, 3, 4): 12,  # ECDSAWithSHA512
    OID_ED25519: 16,  # PureEd25519
}
PK_ALGS = {OID_RSA: 1, OID_DSA: 2, OID_ECDSA: 3, OID_ED25519: 4}

EXT_KEY_USAGES: dict[tuple[int, ...], int] = {
    (2, 5, 29, 37, 0): 0,
    (1, 3, 6, 1, 5, 5, 7, 3, 1): 1,
    (1, 3, 6, 1, 5, 5, 7, 3, 2): 2,
    (1, 3, 6, 1, 5, 5, 7, 3, 3): 3,
    (1, 3, 6, 1, 5, 5, 7, 3, 4): 4,
    (1, 3, 6, 1, 5, 5, 7, 3, 5): 5,
    (1, 3, 6, 1, 5, 5, 7, 3, 6): 6,
    (1, 3, 6, 1, 5, 5, 7, 3, 7): 7,
    (1, 3, 6, 1, 5, 5, 7, 3, 8): 8,
    (1, 3, 6, 1, 5, 5, 7, 3, 9): 9,
    (1, 3, 6, 1, 4, 1, 311, 10, 3, 3): 10,
    (2, 16, 840, 1, 113730, 4, 1): 11,
    (1, 3, 6, 1, 4, 1, 311, 2, 1, 22): 12,
    (1, 3, 6, 1, 4, 1, 311, 61, 1, 1): 13,
}

OID_AIA = (1, 3, 6, 1, 5, 5, 7, 1, 1)
OID_AIA_OCSP = (1, 3, 6, 1, 5, 5, 7, 48, 1)
OID_AIA_ISSUERS = (1, 3, 6, 1, 5, 5, 7, 48, 2)
OID_EXTENSION_REQUEST = (1, 2, 840, 113549, 1, 9, 14)
OID_SAN = (2, 5, 29, 17)


# --------------------------------------------------------------------------
# keys
# --------------------------------------------------------------------------


@dataclasses.dataclass
class PublicKey:
    kind: str  # "rsa" | "ecdsa" | "ed25519" | "dsa" | "x25519"
    n: int = 0
    e: int = 0
    curve: str = ""
    x: int = 0
    y: int = 0
    raw: bytes = b""
    dsa_params: tuple[int, int, int] = (0, 0, 0)

    def to_json(self) -> Any:
        if self.kind == "rsa":
            return {"N": self.n, "E": self.e}
        if self.kind == "ecdsa":
            return {"Curve": {}, "X": self.x, "Y": self.y}
        if self.kind == "dsa":
            p, q, g = self.dsa_params
            return {"Parameters": {"P": p, "Q": q, "G": g}, "Y": self.y}
        if self.kind == "ed25519":
            return b64(self.raw)
        return {}

    def crypto_key(self) -> Any:
        """The equivalent ``cryptography`` public key object."""
        if self.kind == "rsa":
            return rsa.RSAPublicNumbers(self.e, self.n).public_key()
        if self.kind == "ecdsa":
            curve = CURVE_BY_NAME[self.curve][1]
            return ec.EllipticCurvePublicNumbers(self.x, self.y, curve).public_key()
        if self.kind == "ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(self.raw)
        if self.kind == "dsa":
            p, q, g = self.dsa_params
            return dsa.DSAPublicNumbers(self.y, dsa.DSAParameterNumbers(p, q, g)).public_key()
        raise GoError("x509: unsupported public key type")


@dataclasses.dataclass
class PrivateKey:
    kind: str  # "rsa" | "ecdsa" | "ed25519"
    n: int = 0
    e: int = 0
    d: int = 0
    primes: list[int] = dataclasses.field(default_factory=list)
    dp: int = 0
    dq: int = 0
    qinv: int = 0
    curve: str = ""
    x: int = 0
    y: int = 0
    seed: bytes = b""
    pub: bytes = b""

    def to_json(self) -> Any:
        if self.kind == "rsa":
            return {
                "N": self.n,
                "E": self.e,
                "D": self.d,
                "Primes": list(self.primes),
                "Precomputed": {"Dp": self.dp, "Dq": self.dq, "Qinv": self.qinv, "CRTValues": []},
            }
        if self.kind == "ecdsa":
            return {"Curve": {}, "X": self.x, "Y": self.y, "D": self.d}
        return b64(self.seed + self.pub)

    def public(self) -> PublicKey:
        if self.kind == "rsa":
            return PublicKey("rsa", n=self.n, e=self.e)
        if self.kind == "ecdsa":
            return PublicKey("ecdsa", curve=self.curve, x=self.x, y=self.y)
        return PublicKey("ed25519", raw=self.pub)

    def crypto_key(self) -> Any:
        if self.kind == "rsa":
            p, q = self.primes[0], self.primes[1]
            pub = rsa.RSAPublicNumbers(self.e, self.n)
            return rsa.RSAPrivateNumbers(p, q, self.d, self.dp, self.dq, self.qinv, pub).private_key(
                unsafe_skip_rsa_key_validation=True
            )
        if self.kind == "ecdsa":
            return ec.derive_private_key(self.d, CURVE_BY_NAME[self.curve][1])
        return ed25519.Ed25519PrivateKey.from_private_bytes(self.seed)


def _parse_ai(der: bytes) -> tuple[tuple[int, ...], bytes]:
    """(algorithm OID, parameters element bytes or b'')."""
    r = Der(der)
    oid = r.read_oid()
    if oid is None:
        raise GoError("x509: malformed OID")
    if r.empty():
        return oid, b""
    el = r.read_any_element()
    if el is None:
        raise GoError("x509: malformed parameters")
    return oid, el[1]


_CURVE_PRIMES = {
    "P-224": 2**224 - 2**96 + 1,
    "P-256": 2**256 - 2**224 + 2**192 + 2**96 - 1,
    "P-384": 2**384 - 2**128 - 2**96 + 2**32 - 1,
    "P-521": 2**521 - 1,
}


def _ec_point(curve_name: str, data: bytes) -> tuple[int, int]:
    """``ecdsa.ParseUncompressedPublicKey`` with the ``nistec`` error texts."""
    _, curve, size = CURVE_BY_NAME[curve_name]
    short = curve_name.replace("-", "")
    if not data or data[0] != 4:
        raise GoError("ecdsa: invalid uncompressed public key")
    if len(data) != 1 + 2 * size:
        raise GoError(f"invalid {short} point encoding")
    x = int.from_bytes(data[1 : 1 + size], "big")
    y = int.from_bytes(data[1 + size :], "big")
    prime = _CURVE_PRIMES[curve_name]
    if x >= prime or y >= prime:
        raise GoError(
            "invalid P256 element encoding" if short == "P256" else f"invalid {short}Element encoding"
        )
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(curve, data)
    except ValueError:
        raise GoError(f"{short} point not on curve") from None
    return x, y


def _parse_public_key(oid: tuple[int, ...], params: bytes, data: bytes) -> PublicKey:
    if oid == OID_RSA:
        if params != b"\x05\x00":
            raise GoError("x509: RSA key missing NULL parameters")
        r = Der(data)
        inner = r.read(d.SEQUENCE)
        if inner is None:
            raise GoError("x509: invalid RSA public key")
        r = Der(inner)
        n = r.read_big_int()
        if n is None:
            raise GoError("x509: invalid RSA modulus")
        e = r.read_int64()
        if e is None:
            raise GoError("x509: invalid RSA public exponent")
        if n <= 0:
            raise GoError("x509: RSA modulus is not a positive number")
        if e <= 0:
            raise GoError("x509: RSA public exponent is not a positive number")
        return PublicKey("rsa", n=n, e=e)
    if oid == OID_ECDSA:
        pr = Der(params)
        curve_oid = pr.read_oid()
        if curve_oid is None:
            raise GoError("x509: invalid ECDSA parameters")
        if curve_oid not in CURVES:
            raise GoError("x509: unsupported elliptic curve")
        name = CURVES[curve_oid][0]
        x, y = _ec_point(name, data)
        return PublicKey("ecdsa", curve=name, x=x, y=y)
    if oid == OID_ED25519:
        if params:
            raise GoError("x509: Ed25519 key encoded with illegal parameters")
        if len(data) != 32:
            raise GoError("x509: wrong Ed25519 public key size")
        return PublicKey("ed25519", raw=data)
    if oid == OID_X25519:
        if params:
            raise GoError("x509: X25519 key encoded with illegal parameters")
        if len(data) != 32:
            raise GoError("crypto/ecdh: invalid public key")
        return PublicKey("x25519", raw=data)
    if oid == OID_DSA:
        r = Der(data)
        dsa_y = r.read_big_int()
        if dsa_y is None:
            raise GoError("x509: invalid DSA public key")
        pr = Der(params)
        seq = pr.read(d.SEQUENCE)
        vals: list[int | None] = [None, None, None]
        if seq is not None:
            sr = Der(seq)
            vals = [sr.read_big_int(), None, None]
            if vals[0] is not None:
                vals[1] = sr.read_big_int()
                if vals[1] is not None:
                    vals[2] = sr.read_big_int()
        if any(v is None for v in vals):
            raise GoError("x509: invalid DSA parameters")
        p, q, g = (int(v) for v in vals)  # type: ignore[arg-type]
        if dsa_y <= 0 or p <= 0 or q <= 0 or g <= 0:
            raise GoError("x509: zero or negative DSA parameter")
        return PublicKey("dsa", y=dsa_y, dsa_params=(p, q, g))
    raise GoError("x509: unknown public key algorithm")


def parse_pkix_public_key(der: bytes) -> PublicKey:
    """Go's ``x509.ParsePKIXPublicKey`` (ASN.1 errors simplified)."""
    r = Der(der)
    seq = r.read(d.SEQUENCE)
    sr = Der(seq or b"")
    ai = sr.read(d.SEQUENCE) if seq is not None else None
    bits = sr.read_bit_string() if ai is not None else None
    if seq is None or ai is None or bits is None:
        pk = Der(Der(der).read(d.SEQUENCE) or b"")
        if pk.read_big_int() is not None and pk.read_big_int() is not None and pk.empty():
            raise GoError(
                "x509: failed to parse public key (use ParsePKCS1PublicKey instead for this key format)"
            )
        raise GoError("asn1: structure error: tags don't match")
    if not r.empty():
        raise GoError("x509: trailing data after ASN.1 of public-key")
    oid, params = _parse_ai(ai)
    return _parse_public_key(oid, params, bits.right_align())


def _valid_rsa(key: PrivateKey) -> None:
    if key.n <= 0 or key.e < 2 or key.e > (1 << 31) - 1 or key.d <= 0:
        raise GoError("crypto/rsa: invalid key")
    product = 1
    for p in key.primes:
        if p <= 1:
            raise GoError("crypto/rsa: invalid prime value")
        product *= p
    if product != key.n:
        raise GoError("crypto/rsa: invalid modulus")
    for p in key.primes:
        if (key.d * key.e) % (p - 1) != 1 % (p - 1):
            raise GoError("crypto/rsa: invalid exponents")
    if len(key.primes) == 2:
        p, q = key.primes
        if key.dp != key.d % (p - 1) or key.dq != key.d % (q - 1):
            raise GoError("crypto/rsa: invalid CRT exponent")
        if (key.qinv * q) % p != 1:
            raise GoError("crypto/rsa: invalid CRT coefficient")


def parse_pkcs1_private_key(der: bytes) -> PrivateKey:
    r = Der(der)
    seq = r.read(d.SEQUENCE)
    if seq is None:
        if _looks_pkcs8(der):
            raise GoError(
                "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)"
            )
        if _looks_ec(der):
            raise GoError(
                "x509: failed to parse private key (use ParseECPrivateKey instead for this key format)"
            )
        raise GoError("asn1: structure error: tags don't match")
    if not r.empty():
        raise GoError("asn1: syntax error: trailing data")
    sr = Der(seq)
    vals: list[int] = []
    while not sr.empty():
        v = sr.read_big_int()
        if v is None:
            break
        vals.append(v)
    if len(vals) < 9 or not sr.empty():
        if _looks_pkcs8(der):
            raise GoError(
                "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)"
            )
        if _looks_ec(der):
            raise GoError(
                "x509: failed to parse private key (use ParseECPrivateKey instead for this key format)"
            )
        raise GoError("asn1: structure error: sequence truncated")
    version = vals[0]
    if version > 1:
        raise GoError("x509: unsupported private key version")
    n, e, dd, p, q, dp, dq, qinv = vals[1:9]
    if n <= 0 or dd <= 0 or p <= 0 or q <= 0 or dp <= 0 or dq <= 0 or qinv <= 0:
        raise GoError("x509: private key contains zero or negative value")
    key = PrivateKey("rsa", n=n, e=e, d=dd, primes=[p, q], dp=dp, dq=dq, qinv=qinv)
    if version == 1 and len(vals) > 9:
        key.primes += vals[9:]
    _valid_rsa(key)
    return key


def _looks_pkcs8(der: bytes) -> bool:
    r = Der(Der(der).read(d.SEQUENCE) or b"")
    return r.read_big_int() is not None and r.read(d.SEQUENCE) is not None and r.peek_tag(d.OCTET_STRING)


def _looks_pkcs1(der: bytes) -> bool:
    r = Der(Der(der).read(d.SEQUENCE) or b"")
    count = 0
    while not r.empty() and r.read_big_int() is not None:
        count += 1
    return count >= 9


def _looks_ec(der: bytes) -> bool:
    r = Der(Der(der).read(d.SEQUENCE) or b"")
    return r.read_big_int() == 1 and r.peek_tag(d.OCTET_STRING)


def parse_ec_private_key(der: bytes, curve_oid: tuple[int, ...] | None = None) -> PrivateKey:
    r = Der(der)
    seq = r.read(d.SEQUENCE)
    if seq is None:
        if _looks_pkcs8(der):
            raise GoError(
                "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)"
            )
        raise GoError("x509: failed to parse EC private key: asn1: structure error: tags don't match")
    sr = Der(seq)
    version = sr.read_big_int()
    priv = sr.read(d.OCTET_STRING) if version is not None else None
    if version is None or priv is None:
        if _looks_pkcs8(der):
            raise GoError(
                "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)"
            )
        raise GoError("x509: failed to parse EC private key: asn1: structure error: tags don't match")
    if version != 1:
        raise GoError(f"x509: unknown EC private key version {version}")
    ok, params = sr.read_optional(d.context(0, True))
    if not ok:
        raise GoError("x509: failed to parse EC private key: asn1: structure error")
    named = Der(params).read_oid() if params is not None else None
    oid = curve_oid if curve_oid is not None else named
    if oid is None or oid not in CURVES:
        raise GoError("x509: unknown elliptic curve")
    name, curve, size = CURVES[oid]
    dval = int.from_bytes(priv, "big")
    order_bits = curve.key_size
    if dval == 0 or dval.bit_length() > order_bits:
        raise GoError("x509: invalid elliptic curve private key value")
    if len(priv) > size and any(priv[: len(priv) - size]):
        raise GoError("x509: invalid private key length")
    try:
        nums = ec.derive_private_key(dval, curve).public_key().public_numbers()
    except ValueError:
        raise GoError("x509: invalid elliptic curve private key value") from None
    return PrivateKey("ecdsa", curve=name, d=dval, x=nums.x, y=nums.y)


def parse_pkcs8_private_key(der: bytes) -> PrivateKey:
    r = Der(der)
    seq = r.read(d.SEQUENCE)
    if seq is None:
        raise GoError(
            "x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)"
        )
    sr = Der(seq)
    version = sr.read_big_int()
    ai = sr.read(d.SEQUENCE) if version is not None else None
    key = sr.read(d.OCTET_STRING) if ai is not None else None
    if key is None:
        if _looks_ec(der):
            raise GoError(
                "x509: failed to parse private key (use ParseECPrivateKey instead for this key format)"
            )
        if _looks_pkcs1(der):
            raise GoError(
                "x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)"
            )
        raise GoError("asn1: structure error: tags don't match")
    oid, params = _parse_ai(ai)  # type: ignore[arg-type]
    if oid == OID_RSA:
        try:
            return parse_pkcs1_private_key(key)
        except GoError as exc:
            raise GoError("x509: failed to parse RSA private key embedded in PKCS#8: " + str(exc)) from None
    if oid == OID_ECDSA:
        curve_oid = Der(params).read_oid() if params else None
        try:
            return parse_ec_private_key(key, curve_oid)
        except GoError as exc:
            raise GoError("x509: failed to parse EC private key embedded in PKCS#8: " + str(exc)) from None
    if oid == OID_ED25519:
        if params:
            raise GoError("x509: invalid Ed25519 private key parameters")
        seed = Der(key).read(d.OCTET_STRING)
        if seed is None:
            raise GoError("x509: invalid Ed25519 private key: asn1: structure error")
        if len(seed) != 32:
            raise GoError(f"x509: invalid Ed25519 private key length: {len(seed)}")
        priv = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
        from cryptography.hazmat.primitives import serialization

        pub = priv.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return PrivateKey("ed25519", seed=seed, pub=pub)
    raise GoError(f"x509: PKCS#8 wrapping contained private key with unknown algorithm: {d.oid_string(oid)}")


# --------------------------------------------------------------------------
# names and strings
# --------------------------------------------------------------------------


def _is_printable(b: int) -> bool:
    return (
        0x61 <= b <= 0x7A
        or 0x41 <= b <= 0x5A
        or 0x30 <= b <= 0x39
        or 0x27 <= b <= 0x29
        or 0x2B <= b <= 0x2F
        or b in (0x20, 0x3A, 0x3D, 0x3F, 0x2A, 0x26)
    )


def _parse_asn1_string(tag: int, value: bytes) -> str:
    if tag == d.T61_STRING:
        return value.decode("latin-1")
    if tag == d.PRINTABLE_STRING:
        if not all(_is_printable(b) for b in value):
            raise GoError("invalid PrintableString")
        return value.decode("ascii")
    if tag == d.UTF8_STRING:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise GoError("invalid UTF-8 string") from None
    if tag == d.BMP_STRING:
        if len(value) % 2:
            raise GoError("invalid BMPString")
        if len(value) >= 2 and value[-1] == 0 and value[-2] == 0:
            value = value[:-2]
        points = []
        for i in range(0, len(value), 2):
            pt = value[i] << 8 | value[i + 1]
            if pt in (0xFFFE, 0xFFFF) or 0xFDD0 <= pt <= 0xFDEF or 0xD800 <= pt <= 0xDFFF:
                raise GoError("invalid BMPString")
            points.append(chr(pt))
        return "".join(points)
    if tag == d.IA5_STRING:
        if any(b >= 0x80 for b in value):
            raise GoError("invalid IA5String")
        return value.decode("ascii")
    if tag == d.NUMERIC_STRING:
        if not all(0x30 <= b <= 0x39 or b == 0x20 for b in value):
            raise GoError("invalid NumericString")
        return value.decode("ascii")
    raise GoError(f"unsupported string type: {tag}")


_STRING_TAGS = (d.T61_STRING, d.PRINTABLE_STRING, d.UTF8_STRING, d.BMP_STRING, d.IA5_STRING, d.NUMERIC_STRING)


def _read_asn1_any(r: Der) -> Any:
    """Go's ``readASN1Any``: an attribute value as Go's JSON would show it."""
    el = r.read_any_element()
    if el is None:
        raise GoError("invalid ASN.1 element")
    tag, full = el
    fr = Der(full)
    if tag in _STRING_TAGS:
        raw = fr.read(tag)
        if raw is None:
            raise GoError("invalid ASN.1 element")
        return _parse_asn1_string(tag, raw)
    if tag == d.INTEGER:
        v = fr.read_int64()
        if v is None:
            raise GoError("invalid ASN.1 integer")
        return v
    if tag == d.BIT_STRING:
        bs = fr.read_bit_string()
        if bs is None:
            raise GoError("invalid ASN.1 BIT STRING")
        return {"Bytes": b64(bs.data), "BitLength": bs.bit_length}
    if tag == d.OCTET_STRING:
        raw = fr.read(d.OCTET_STRING)
        if raw is None:
            raise GoError("invalid ASN.1 OCTET STRING")
        return b64(raw)
    if tag == d.OBJECT_IDENTIFIER:
        oid = fr.read_oid()
        if oid is None:
            raise GoError("invalid ASN.1 OBJECT IDENTIFIER")
        return list(oid)
    if tag in (d.UTC_TIME, d.GENERALIZED_TIME):
        return go_time_json(_read_time(fr))
    if tag == d.BOOLEAN:
        b = fr.read_bool()
        if b is None:
            raise GoError("invalid ASN.1 BOOLEAN")
        return b
    if tag == d.NULL:
        return None
    inner = fr.read_any()
    if inner is None:
        raise GoError("invalid ASN.1 element")
    return {
        "Class": (tag >> 6) & 3,
        "Tag": tag & 0x1F,
        "IsCompound": bool(tag & 0x20),
        "Bytes": b64(inner[1]),
        "FullBytes": b64(full),
    }


def _read_time(r: Der) -> _dt.datetime:
    if r.peek_tag(d.UTC_TIME):
        t = r.read_utc_time()
        if t is None:
            raise GoError("x509: malformed UTCTime")
        return t
    if r.peek_tag(d.GENERALIZED_TIME):
        t = r.read_generalized_time()
        if t is None:
            raise GoError("x509: malformed GeneralizedTime")
        return t
    raise GoError("x509: unsupported time format")


def _parse_name(raw: bytes) -> list[list[tuple[tuple[int, ...], Any]]]:
    r = Der(raw)
    seq = r.read(d.SEQUENCE)
    if seq is None:
        raise GoError("x509: invalid RDNSequence")
    r = Der(seq)
    rdns = []
    while not r.empty():
        s = r.read(d.SET)
        if s is None:
            raise GoError("x509: invalid RDNSequence")
        sr = Der(s)
        rdn = []
        while not sr.empty():
            atav = sr.read(d.SEQUENCE)
            if atav is None:
                raise GoError("x509: invalid RDNSequence: invalid attribute")
            ar = Der(atav)
            oid = ar.read_oid()
            if oid is None:
                raise GoError("x509: invalid RDNSequence: invalid attribute type")
            try:
                value = _read_asn1_any(ar)
            except GoError as exc:
                raise GoError(f"x509: invalid RDNSequence: invalid attribute value: {exc}") from None
            rdn.append((oid, value))
        rdns.append(rdn)
    return rdns


def name_json(rdns: list[list[tuple[tuple[int, ...], Any]]]) -> dict[str, Any]:
    """``pkix.Name`` filled by ``FillFromRDNSequence``, as Go's JSON."""
    out: dict[str, Any] = {
        "Country": None,
        "Organization": None,
        "OrganizationalUnit": None,
        "Locality": None,
        "Province": None,
        "StreetAddress": None,
        "PostalCode": None,
        "SerialNumber": "",
        "CommonName": "",
        "Names": None,
        "ExtraNames": None,
    }
    lists = {
        6: "Country",
        7: "Locality",
        8: "Province",
        9: "StreetAddress",
        10: "Organization",
        11: "OrganizationalUnit",
        17: "PostalCode",
    }
    names: list[dict[str, Any]] = []
    for rdn in rdns:
        for oid, value in rdn:
            names.append({"Type": list(oid), "Value": value})
            if not isinstance(value, str):
                continue
            if len(oid) == 4 and oid[:3] == (2, 5, 4):
                if oid[3] == 3:
                    out["CommonName"] = value
                elif oid[3] == 5:
                    out["SerialNumber"] = value
                elif oid[3] in lists:
                    key = lists[oid[3]]
                    out[key] = (out[key] or []) + [value]
    out["Names"] = names or None
    return out


def _ia5(s: bytes) -> str | None:
    return s.decode("ascii") if all(b < 0x80 for b in s) else None


# --------------------------------------------------------------------------
# extensions
# --------------------------------------------------------------------------


def _ip_string(data: bytes) -> str:
    if len(data) == 4:
        return str(ipaddress.IPv4Address(data))
    if len(data) == 16:
        if data[:12] == b"\0" * 10 + b"\xff\xff":
            return str(ipaddress.IPv4Address(data[12:]))
        return str(ipaddress.IPv6Address(data))
    if not data:
        return ""
    return "?" + data.hex()


def _domain_name_valid(s: str, constraint: bool) -> bool:
    if not s:
        return True
    if s[-1] == ".":
        return False
    if constraint and s[0] == ".":
        s = s[1:]
    last_dot = -1
    for i in range(len(s) + 1):
        if i < len(s) and (ord(s[i]) < 33 or ord(s[i]) > 126):
            return False
        if i == len(s) or s[i] == ".":
            label_len = i if last_dot < 0 else i - (last_dot + 1)
            if label_len == 0:
                return False
            last_dot = i
    return True


def _parse_san(value: bytes) -> tuple[list[str], list[str], list[bytes], list[GoURL]]:
    r = Der(value)
    seq = r.read(d.SEQUENCE)
    if seq is None:
        raise GoError("x509: invalid subject alternative names")
    r = Der(seq)
    dns: list[str] = []
    emails: list[str] = []
    ips: list[bytes] = []
    uris: list[GoURL] = []
    while not r.empty():
        el = r.read_any()
        if el is None:
            raise GoError("x509: invalid subject alternative name")
        tag, data = el
        kind = tag ^ 0x80
        if kind == 1:
            s = _ia5(data)
            if s is None:
                raise GoError("x509: SAN rfc822Name is malformed")
            emails.append(s)
        elif kind == 2:
            s = _ia5(data)
            if s is None:
                raise GoError("x509: SAN dNSName is malformed")
            dns.append(s)
        elif kind == 6:
            s = _ia5(data)
            if s is None:
                raise GoError("x509: SAN uniformResourceIdentifier is malformed")
            quoted = go_quote(s, raw_bytes=True)
            try:
                uri = parse_url(s)
            except URLError as exc:
                raise GoError(f"x509: cannot parse URI {quoted}: {exc}") from None
            if uri.host and not _domain_name_valid(uri.host, False):
                raise GoError(f"x509: cannot parse URI {quoted}: invalid domain")
            uris.append(uri)
        elif kind == 7:
            if len(data) == 16:
                if data[:12] == b"\0" * 10 + b"\xff\xff":
                    raise GoError("x509: SAN iPAddress contains IPv4-mapped IPv6 address")
                ips.append(data)
            elif len(data) == 4:
                ips.append(data)
            else:
                raise GoError(f"x509: cannot parse IP address of length {len(data)}")
    return dns, emails, ips, uris


def _oid_from_der_big(b: bytes) -> tuple[int, ...] | None:
    """``newOIDFromDER``: minimal base-128 components, any size."""
    if not b or b[-1] & 0x80:
        return None
    comps: list[int] = []
    value = 0
    start = True
    for c in b:
        if start and c == 0x80:
            return None
        start = False
        value = (value << 7) | (c & 0x7F)
        if not c & 0x80:
            comps.append(value)
            value = 0
            start = True
    first = comps[0]
    head = [first // 40, first % 40] if first < 80 else [2, first - 80]
    return tuple(head + comps[1:])


@dataclasses.dataclass
class Certificate:
    raw: bytes = b""
    raw_tbs: bytes = b""
    raw_spki: bytes = b""
    raw_subject: bytes = b""
    raw_issuer: bytes = b""
    signature: bytes = b""
    signature_algorithm: int = 0
    sig_alg_oid: tuple[int, ...] = ()
    sig_alg_params: bytes = b""
    public_key_algorithm: int = 0
    public_key: PublicKey | None = None
    version: int = 0
    serial: int = 0
    issuer: list[list[tuple[tuple[int, ...], Any]]] = dataclasses.field(default_factory=list)
    subject: list[list[tuple[tuple[int, ...], Any]]] = dataclasses.field(default_factory=list)
    not_before: _dt.datetime = _dt.datetime(1, 1, 1, tzinfo=_dt.UTC)
    not_after: _dt.datetime = _dt.datetime(1, 1, 1, tzinfo=_dt.UTC)
    key_usage: int = 0
    extensions: list[tuple[tuple[int, ...], bool, bytes]] | None = None
    unhandled_critical: list[tuple[int, ...]] | None = None
    ext_key_usage: list[int] | None = None
    unknown_ext_key_usage: list[tuple[int, ...]] | None = None
    basic_constraints_valid: bool = False
    is_ca: bool = False
    max_path_len: int = 0
    max_path_len_zero: bool = False
    subject_key_id: bytes | None = None
    authority_key_id: bytes | None = None
    ocsp_server: list[str] | None = None
    issuing_certificate_url: list[str] | None = None
    dns_names: list[str] | None = None
    email_addresses: list[str] | None = None
    ip_addresses: list[bytes] | None = None
    uris: list[GoURL] | None = None
    permitted_dns_domains_critical: bool = False
    permitted_dns_domains: list[str] | None = None
    excluded_dns_domains: list[str] | None = None
    permitted_ip_ranges: list[tuple[bytes, bytes]] | None = None
    excluded_ip_ranges: list[tuple[bytes, bytes]] | None = None
    permitted_email_addresses: list[str] | None = None
    excluded_email_addresses: list[str] | None = None
    permitted_uri_domains: list[str] | None = None
    excluded_uri_domains: list[str] | None = None
    crl_distribution_points: list[str] | None = None
    policy_identifiers: list[tuple[int, ...]] | None = None
    policies: list[tuple[int, ...]] | None = None
    inhibit_any_policy: int = 0
    inhibit_any_policy_zero: bool = False
    inhibit_policy_mapping: int = 0
    inhibit_policy_mapping_zero: bool = False
    require_explicit_policy: int = 0
    require_explicit_policy_zero: bool = False
    policy_mappings: list[tuple[tuple[int, ...], tuple[int, ...]]] | None = None

    def to_json(self, *, uri_strings: bool = False) -> dict[str, Any]:
        def ipnets(v: list[tuple[bytes, bytes]] | None) -> Any:
            if v is None:
                return None
            return [{"IP": _ip_string(ip), "Mask": b64(mask)} for ip, mask in v]

        out: dict[str, Any] = {
            "Raw": b64(self.raw),
            "RawTBSCertificate": b64(self.raw_tbs),
            "RawSubjectPublicKeyInfo": b64(self.raw_spki),
            "RawSubject": b64(self.raw_subject),
            "RawIssuer": b64(self.raw_issuer),
            "Signature": b64(self.signature),
            "SignatureAlgorithm": self.signature_algorithm,
            "PublicKeyAlgorithm": self.public_key_algorithm,
            "PublicKey": None if self.public_key is None else self.public_key.to_json(),
            "Version": self.version,
            "SerialNumber": self.serial,
            "Issuer": name_json(self.issuer),
            "Subject": name_json(self.subject),
            "NotBefore": go_time_json(self.not_before),
            "NotAfter": go_time_json(self.not_after),
            "KeyUsage": self.key_usage,
            "Extensions": None
            if self.extensions is None
            else [
                {"Id": list(oid), "Critical": crit, "Value": b64(val)} for oid, crit, val in self.extensions
            ],
            "ExtraExtensions": None,
            "UnhandledCriticalExtensions": None
            if self.unhandled_critical is None
            else [list(o) for o in self.unhandled_critical],
            "ExtKeyUsage": self.ext_key_usage,
            "UnknownExtKeyUsage": None
            if self.unknown_ext_key_usage is None
            else [list(o) for o in self.unknown_ext_key_usage],
            "BasicConstraintsValid": self.basic_constraints_valid,
            "IsCA": self.is_ca,
            "MaxPathLen": self.max_path_len,
            "MaxPathLenZero": self.max_path_len_zero,
            "SubjectKeyId": b64(self.subject_key_id),
            "AuthorityKeyId": b64(self.authority_key_id),
            "OCSPServer": self.ocsp_server,
            "IssuingCertificateURL": self.issuing_certificate_url,
            "DNSNames": self.dns_names,
            "EmailAddresses": self.email_addresses,
            "IPAddresses": None
            if self.ip_addresses is None
            else [_ip_string(ip) for ip in self.ip_addresses],
            "URIs": None if self.uris is None else [u.to_json() for u in self.uris],
            "PermittedDNSDomainsCritical": self.permitted_dns_domains_critical,
            "PermittedDNSDomains": self.permitted_dns_domains,
            "ExcludedDNSDomains": self.excluded_dns_domains,
            "PermittedIPRanges": ipnets(self.permitted_ip_ranges),
            "ExcludedIPRanges": ipnets(self.excluded_ip_ranges),
            "PermittedEmailAddresses": self.permitted_email_addresses,
            "ExcludedEmailAddresses": self.excluded_email_addresses,
            "PermittedURIDomains": self.permitted_uri_domains,
            "ExcludedURIDomains": self.excluded_uri_domains,
            "CRLDistributionPoints": self.crl_distribution_points,
            "PolicyIdentifiers": None
            if self.policy_identifiers is None
            else [list(o) for o in self.policy_identifiers],
            "Policies": None if self.policies is None else [d.oid_string(o) for o in self.policies],
            "InhibitAnyPolicy": self.inhibit_any_policy,
            "InhibitAnyPolicyZero": self.inhibit_any_policy_zero,
            "InhibitPolicyMapping": self.inhibit_policy_mapping,
            "InhibitPolicyMappingZero": self.inhibit_policy_mapping_zero,
            "RequireExplicitPolicy": self.require_explicit_policy,
            "RequireExplicitPolicyZero": self.require_explicit_policy_zero,
            "PolicyMappings": None
            if self.policy_mappings is None
            else [
                {"IssuerDomainPolicy": d.oid_string(a), "SubjectDomainPolicy": d.oid_string(b)}
                for a, b in self.policy_mappings
            ],
        }
        if uri_strings:
            out["URIStrings"] = None if self.uris is None else [u.string() for u in self.uris]
        return out


def _append(lst: list[Any] | None, value: Any) -> list[Any]:
    return [value] if lst is None else [*lst, value]


def _parse_name_constraints(cert: Certificate, critical: bool, value: bytes) -> bool:
    outer = Der(value)
    top = outer.read(d.SEQUENCE)
    if top is None or not outer.empty():
        raise GoError("x509: invalid NameConstraints extension")
    tr = Der(top)
    ok1, permitted = tr.read_optional(d.context(0, True))
    ok2, excluded = tr.read_optional(d.context(1, True)) if ok1 else (False, None)
    if not ok1 or not ok2 or not tr.empty():
        raise GoError("x509: invalid NameConstraints extension")
    if permitted is None and excluded is None:
        raise GoError("x509: empty name constraints extension")
    if (permitted is not None and not permitted) or (excluded is not None and not excluded):
        raise GoError("x509: empty name constraints subtree sequence")
    unhandled = False

    def get_values(subtrees: bytes | None) -> tuple[Any, Any, Any, Any]:
        nonlocal unhandled
        dns: list[str] | None = None
        ips: list[tuple[bytes, bytes]] | None = None
        emails: list[str] | None = None
        uri_domains: list[str] | None = None
        sr = Der(subtrees or b"")
        while not sr.empty():
            seq = sr.read(d.SEQUENCE)
            el = Der(seq).read_any() if seq is not None else None
            if el is None:
                raise GoError("x509: invalid NameConstraints extension")
            tag, val = el
            if tag == d.context(2):
                s = _ia5(val)
                if s is None:
                    raise GoError(
                        f"x509: invalid constraint value: x509: {go_quote(_raw_str(val), raw_bytes=True)} cannot be encoded as an IA5String"
                    )
                if not _domain_name_valid(s, True):
                    raise GoError(f"x509: failed to parse dnsName constraint {go_quote(s, raw_bytes=True)}")
                dns = _append(dns, s)
            elif tag == d.context(7):
                if len(val) == 8:
                    ip, mask = val[:4], val[4:]
                elif len(val) == 32:
                    ip, mask = val[:16], val[16:]
                else:
                    raise GoError(f"x509: IP constraint contained value of length {len(val)}")
                if not _valid_mask(mask):
                    raise GoError(f"x509: IP constraint contained invalid mask {mask.hex()}")
                if len(ip) == 16 and ip[:12] == b"\0" * 10 + b"\xff\xff":
                    raise GoError("x509: IP constraint contained IPv4-mapped IPv6 address")
                ips = _append(ips, (ip, mask))
            elif tag == d.context(1):
                s = _ia5(val)
                if s is None:
                    raise GoError(
                        f"x509: invalid constraint value: x509: {go_quote(_raw_str(val), raw_bytes=True)} cannot be encoded as an IA5String"
                    )
                if "@" in s:
                    if not _valid_mailbox(s):
                        raise GoError(
                            f"x509: failed to parse rfc822Name constraint {go_quote(s, raw_bytes=True)}"
                        )
                elif not _domain_name_valid(s, True):
                    raise GoError(
                        f"x509: failed to parse rfc822Name constraint {go_quote(s, raw_bytes=True)}"
                    )
                emails = _append(emails, s)
            elif tag == d.context(6):
                s = _ia5(val)
                if s is None:
                    raise GoError(
                        f"x509: invalid constraint value: x509: {go_quote(_raw_str(val), raw_bytes=True)} cannot be encoded as an IA5String"
                    )
                try:
                    ipaddress.ip_address(s)
                    is_ip = True
                except ValueError:
                    is_ip = False
                if is_ip:
                    raise GoError(
                        f"x509: failed to parse URI constraint {go_quote(s, raw_bytes=True)}: cannot be IP address"
                    )
                if not _domain_name_valid(s, True):
                    raise GoError(f"x509: failed to parse URI constraint {go_quote(s, raw_bytes=True)}")
                uri_domains = _append(uri_domains, s)
            else:
                unhandled = True
        return dns, ips, emails, uri_domains

    (
        cert.permitted_dns_domains,
        cert.permitted_ip_ranges,
        cert.permitted_email_addresses,
        cert.permitted_uri_domains,
    ) = get_values(permitted)
    (
        cert.excluded_dns_domains,
        cert.excluded_ip_ranges,
        cert.excluded_email_addresses,
        cert.excluded_uri_domains,
    ) = get_values(excluded)
    cert.permitted_dns_domains_critical = critical
    return unhandled


def _valid_mask(mask: bytes) -> bool:
    seen_zero = False
    for b in mask:
        if seen_zero:
            if b:
                return False
            continue
        if b in (0x00, 0x80, 0xC0, 0xE0, 0xF0, 0xF8, 0xFC, 0xFE):
            seen_zero = True
        elif b != 0xFF:
            return False
    return True


def _valid_mailbox(s: str) -> bool:
    local, sep, domain = s.rpartition("@")
    return bool(sep and local and domain and _domain_name_valid(domain, False))


def _process_extensions(cert: Certificate) -> None:
    for oid, critical, value in cert.extensions or []:
        unhandled = False
        if len(oid) == 4 and oid[:3] == (2, 5, 29):
            kind = oid[3]
            if kind == 15:
                bits = Der(value).read_bit_string()
                if bits is None:
                    raise GoError("x509: invalid key usage")
                usage = 0
                for i in range(9):
                    if bits.at(i):
                        usage |= 1 << i
                cert.key_usage = usage
            elif kind == 19:
                r = Der(value)
                seq = r.read(d.SEQUENCE)
                if seq is None:
                    raise GoError("x509: invalid basic constraints")
                sr = Der(seq)
                is_ca = False
                if sr.peek_tag(d.BOOLEAN):
                    b = sr.read_bool()
                    if b is None:
                        raise GoError("x509: invalid basic constraints")
                    is_ca = b
                mpl = -1
                if sr.peek_tag(d.INTEGER):
                    v = sr.read_uint64()
                    if v is None or v > (1 << 63) - 1:
                        raise GoError("x509: invalid basic constraints")
                    mpl = v
                cert.is_ca, cert.max_path_len = is_ca, mpl
                cert.basic_constraints_valid = True
                cert.max_path_len_zero = mpl == 0
            elif kind == 17:
                dns, emails, ips, uris = _parse_san(value)
                cert.dns_names = dns or None
                cert.email_addresses = emails or None
                cert.ip_addresses = ips or None
                cert.uris = uris or None
                if not (dns or emails or ips or uris):
                    unhandled = True
            elif kind == 30:
                unhandled = _parse_name_constraints(cert, critical, value)
            elif kind == 31:
                r = Der(value)
                seq = r.read(d.SEQUENCE)
                if seq is None:
                    raise GoError("x509: invalid CRL distribution points")
                r = Der(seq)
                while not r.empty():
                    dp = r.read(d.SEQUENCE)
                    if dp is None:
                        raise GoError("x509: invalid CRL distribution point")
                    ok, name = Der(dp).read_optional(d.context(0, True))
                    if not ok:
                        raise GoError("x509: invalid CRL distribution point")
                    if name is None:
                        continue
                    full = Der(name).read(d.context(0, True))
                    if full is None:
                        raise GoError("x509: invalid CRL distribution point")
                    fr = Der(full)
                    while not fr.empty():
                        if not fr.peek_tag(d.context(6)):
                            break
                        uri = fr.read(d.context(6))
                        if uri is None:
                            raise GoError("x509: invalid CRL distribution point")
                        cert.crl_distribution_points = _append(cert.crl_distribution_points, _bytes_str(uri))
            elif kind == 35:
                if critical:
                    raise GoError("x509: authority key identifier incorrectly marked critical")
                seq = Der(value).read(d.SEQUENCE)
                if seq is None:
                    raise GoError("x509: invalid authority key identifier")
                ar = Der(seq)
                if ar.peek_tag(d.context(0)):
                    akid = ar.read(d.context(0))
                    if akid is None:
                        raise GoError("x509: invalid authority key identifier")
                    cert.authority_key_id = akid
                else:
                    cert.authority_key_id = None
            elif kind == 36:
                seq = Der(value).read(d.SEQUENCE)
                if seq is None:
                    raise GoError("x509: invalid policy constraints extension")
                pr = Der(seq)
                if pr.peek_tag(d.context(0)):
                    v = pr.read_int64(d.context(0))
                    if v is None:
                        raise GoError("x509: invalid policy constraints extension")
                    cert.require_explicit_policy = v
                    cert.require_explicit_policy_zero = v == 0
                if pr.peek_tag(d.context(1)):
                    v = pr.read_int64(d.context(1))
                    if v is None:
                        raise GoError("x509: invalid policy constraints extension")
                    cert.inhibit_policy_mapping = v
                    cert.inhibit_policy_mapping_zero = v == 0
            elif kind == 37:
                seq = Der(value).read(d.SEQUENCE)
                if seq is None:
                    raise GoError("x509: invalid extended key usages")
                er = Der(seq)
                ekus: list[int] | None = None
                unknown: list[tuple[int, ...]] | None = None
                while not er.empty():
                    eku = er.read_oid()
                    if eku is None:
                        raise GoError("x509: invalid extended key usages")
                    if eku in EXT_KEY_USAGES:
                        ekus = _append(ekus, EXT_KEY_USAGES[eku])
                    else:
                        unknown = _append(unknown, eku)
                cert.ext_key_usage, cert.unknown_ext_key_usage = ekus, unknown
            elif kind == 14:
                if critical:
                    raise GoError("x509: subject key identifier incorrectly marked critical")
                skid = Der(value).read(d.OCTET_STRING)
                if skid is None:
                    raise GoError("x509: invalid subject key identifier")
                cert.subject_key_id = skid
            elif kind == 32:
                seq = Der(value).read(d.SEQUENCE)
                if seq is None:
                    raise GoError("x509: invalid certificate policies")
                cr = Der(seq)
                seen: set[bytes] = set()
                policies: list[tuple[int, ...]] = []
                while not cr.empty():
                    cp = cr.read(d.SEQUENCE)
                    oid_bytes = Der(cp).read(d.OBJECT_IDENTIFIER) if cp is not None else None
                    if oid_bytes is None or oid_bytes in seen:
                        raise GoError("x509: invalid certificate policies")
                    seen.add(oid_bytes)
                    pol = _oid_from_der_big(oid_bytes)
                    if pol is None:
                        raise GoError("x509: invalid certificate policies")
                    policies.append(pol)
                cert.policies = policies or None
                cert.policy_identifiers = [p for p in policies if all(c < 1 << 31 for c in p)]
            elif kind == 33:
                seq = Der(value).read(d.SEQUENCE)
                if seq is None:
                    raise GoError("x509: invalid policy mappings extension")
                mr = Der(seq)
                while not mr.empty():
                    mapping = mr.read(d.SEQUENCE)
                    mapping_reader = Der(mapping) if mapping is not None else None
                    issuer_oid = (
                        mapping_reader.read(d.OBJECT_IDENTIFIER) if mapping_reader is not None else None
                    )
                    subject_oid = (
                        mapping_reader.read(d.OBJECT_IDENTIFIER)
                        if mapping_reader is not None and issuer_oid is not None
                        else None
                    )
                    if issuer_oid is None or subject_oid is None:
                        raise GoError("x509: invalid policy mappings extension")
                    ia, ib = _oid_from_der_big(issuer_oid), _oid_from_der_big(subject_oid)
                    cert.policy_mappings = _append(cert.policy_mappings, (ia or (), ib or ()))
            elif kind == 54:
                v = Der(value).read_int64()
                if v is None:
                    raise GoError("x509: invalid inhibit any policy extension")
                cert.inhibit_any_policy = v
                cert.inhibit_any_policy_zero = v == 0
            else:
                unhandled = True
        elif oid == OID_AIA:
            if critical:
                raise GoError("x509: authority info access incorrectly marked critical")
            seq = Der(value).read(d.SEQUENCE)
            if seq is None:
                raise GoError("x509: invalid authority info access")
            ar = Der(seq)
            while not ar.empty():
                aia = ar.read(d.SEQUENCE)
                if aia is None:
                    raise GoError("x509: invalid authority info access")
                air = Der(aia)
                method = air.read_oid()
                if method is None:
                    raise GoError("x509: invalid authority info access")
                if not air.peek_tag(d.context(6)):
                    continue
                loc = air.read(d.context(6))
                if loc is None:
                    raise GoError("x509: invalid authority info access")
                if method == OID_AIA_OCSP:
                    cert.ocsp_server = _append(cert.ocsp_server, _bytes_str(loc))
                elif method == OID_AIA_ISSUERS:
                    cert.issuing_certificate_url = _append(cert.issuing_certificate_url, _bytes_str(loc))
        else:
            unhandled = True
        if critical and unhandled:
            cert.unhandled_critical = _append(cert.unhandled_critical, oid)


def _signature_algorithm(oid: tuple[int, ...], params: bytes) -> int:
    if oid == OID_ED25519 and params:
        return 0
    if oid != OID_RSAPSS:
        return SIG_ALGS.get(oid, 0)
    return _pss_algorithm(params)


def _pss_algorithm(params: bytes) -> int:
    """Go buckets RSASSA-PSS parameters into three algorithms (or unknown)."""
    seq = Der(params).read(d.SEQUENCE)
    if seq is None:
        return 0
    r = Der(seq)
    hash_oid: tuple[int, ...] = (1, 3, 14, 3, 2, 26)
    hash_params = b""
    mgf_oid: tuple[int, ...] = OID_MGF1
    mgf_hash: tuple[int, ...] = (1, 3, 14, 3, 2, 26)
    mgf_hash_params = b""
    salt = 20
    trailer = 1
    try:
        ok, h = r.read_optional(d.context(0, True))
        if not ok:
            return 0
        if h is not None:
            ai = Der(h).read(d.SEQUENCE)
            if ai is None:
                return 0
            hash_oid, hash_params = _parse_ai(ai)
        ok, m = r.read_optional(d.context(1, True))
        if not ok:
            return 0
        if m is not None:
            ai = Der(m).read(d.SEQUENCE)
            if ai is None:
                return 0
            mgf_oid, mp = _parse_ai(ai)
            inner = Der(mp).read(d.SEQUENCE)
            if inner is None:
                return 0
            mgf_hash, mgf_hash_params = _parse_ai(inner)
        ok, s = r.read_optional(d.context(2, True))
        if not ok:
            return 0
        if s is not None:
            v = Der(s).read_int64()
            if v is None:
                return 0
            salt = v
        ok, t = r.read_optional(d.context(3, True))
        if not ok:
            return 0
        if t is not None:
            v = Der(t).read_int64()
            if v is None:
                return 0
            trailer = v
    except GoError:
        return 0
    null = b"\x05\x00"
    if (
        (hash_params and hash_params != null)
        or mgf_oid != OID_MGF1
        or mgf_hash != hash_oid
        or (mgf_hash_params and mgf_hash_params != null)
        or trailer != 1
    ):
        return 0
    if hash_oid == OID_SHA256 and salt == 32:
        return 13
    if hash_oid == OID_SHA384 and salt == 48:
        return 14
    if hash_oid == OID_SHA512 and salt == 64:
        return 15
    return 0


def parse_certificate(der: bytes) -> Certificate:
    """Go's internal ``parseCertificate`` (trailing bytes allowed)."""
    cert = Certificate()
    r = Der(der)
    raw = r.read_element(d.SEQUENCE)
    if raw is None:
        raise GoError("x509: malformed certificate")
    cert.raw = raw
    body = Der(raw).read(d.SEQUENCE)
    if body is None:
        raise GoError("x509: malformed certificate")
    inp = Der(body)
    tbs_raw = inp.read_element(d.SEQUENCE)
    if tbs_raw is None:
        raise GoError("x509: malformed tbs certificate")
    cert.raw_tbs = tbs_raw
    tbs_body = Der(tbs_raw).read(d.SEQUENCE)
    if tbs_body is None:
        raise GoError("x509: malformed tbs certificate")
    tbs = Der(tbs_body)
    ok, version = tbs.read_optional_int(d.context(0, True), 0)
    if not ok or version < 0:
        raise GoError("x509: malformed version")
    version += 1
    if version > 3:
        raise GoError("x509: invalid version")
    cert.version = version
    serial = tbs.read_big_int()
    if serial is None:
        raise GoError("x509: malformed serial number")
    if serial < 0:
        raise GoError("x509: negative serial number")
    cert.serial = serial
    sig_ai = tbs.read_element(d.SEQUENCE)
    if sig_ai is None:
        raise GoError("x509: malformed signature algorithm identifier")
    sig_ai_body = Der(sig_ai).read(d.SEQUENCE)
    if sig_ai_body is None:
        raise GoError("x509: malformed signature algorithm identifier")
    outer = inp.read(d.SEQUENCE)
    if outer is None:
        raise GoError("x509: malformed algorithm identifier")
    if outer != sig_ai_body:
        raise GoError("x509: inner and outer signature algorithm identifiers don't match")
    cert.sig_alg_oid, cert.sig_alg_params = _parse_ai(sig_ai_body)
    cert.signature_algorithm = _signature_algorithm(cert.sig_alg_oid, cert.sig_alg_params)
    issuer = tbs.read_element(d.SEQUENCE)
    if issuer is None:
        raise GoError("x509: malformed issuer")
    cert.raw_issuer = issuer
    cert.issuer = _parse_name(issuer)
    validity = tbs.read(d.SEQUENCE)
    if validity is None:
        raise GoError("x509: malformed validity")
    vr = Der(validity)
    cert.not_before = _read_time(vr)
    cert.not_after = _read_time(vr)
    subject = tbs.read_element(d.SEQUENCE)
    if subject is None:
        raise GoError("x509: malformed issuer")
    cert.raw_subject = subject
    cert.subject = _parse_name(subject)
    spki = tbs.read_element(d.SEQUENCE)
    if spki is None:
        raise GoError("x509: malformed spki")
    cert.raw_spki = spki
    spki_body = Der(spki).read(d.SEQUENCE)
    if spki_body is None:
        raise GoError("x509: malformed spki")
    sr = Der(spki_body)
    pk_ai = sr.read(d.SEQUENCE)
    if pk_ai is None:
        raise GoError("x509: malformed public key algorithm identifier")
    pk_oid, pk_params = _parse_ai(pk_ai)
    cert.public_key_algorithm = PK_ALGS.get(pk_oid, 0)
    spk = sr.read_bit_string()
    if spk is None:
        raise GoError("x509: malformed subjectPublicKey")
    if cert.public_key_algorithm:
        cert.public_key = _parse_public_key(pk_oid, pk_params, spk.right_align())
    if version > 1:
        if not tbs.skip_optional(d.context(1)):
            raise GoError("x509: malformed issuerUniqueID")
        if not tbs.skip_optional(d.context(2)):
            raise GoError("x509: malformed subjectUniqueID")
        if version == 3:
            ok, exts = tbs.read_optional(d.context(3, True))
            if not ok:
                raise GoError("x509: malformed extensions")
            if exts is not None:
                seq = Der(exts).read(d.SEQUENCE)
                if seq is None:
                    raise GoError("x509: malformed extensions")
                er = Der(seq)
                seen: set[tuple[int, ...]] = set()
                cert.extensions = []
                while not er.empty():
                    ext = er.read(d.SEQUENCE)
                    if ext is None:
                        raise GoError("x509: malformed extension")
                    xr = Der(ext)
                    oid = xr.read_oid()
                    if oid is None:
                        raise GoError("x509: malformed extension OID field")
                    critical = False
                    if xr.peek_tag(d.BOOLEAN):
                        b = xr.read_bool()
                        if b is None:
                            raise GoError("x509: malformed extension critical field")
                        critical = b
                    val = xr.read(d.OCTET_STRING)
                    if val is None:
                        raise GoError("x509: malformed extension value field")
                    if oid in seen:
                        raise GoError(
                            f'x509: certificate contains duplicate extension with OID "{d.oid_string(oid)}"'
                        )
                    seen.add(oid)
                    cert.extensions.append((oid, critical, val))
                if not cert.extensions:
                    cert.extensions = None
                _process_extensions(cert)
    sig = inp.read_bit_string()
    if sig is None:
        raise GoError("x509: malformed signature")
    cert.signature = sig.right_align()
    return cert


def parse_certificates(der: bytes) -> list[Certificate]:
    """Go's ``x509.ParseCertificates`` (concatenated DER)."""
    certs = []
    while der:
        cert = parse_certificate(der)
        certs.append(cert)
        der = der[len(cert.raw) :]
    return certs


def parse_single_certificate(der: bytes) -> Certificate:
    """Go's ``x509.ParseCertificate`` (no trailing data)."""
    cert = parse_certificate(der)
    if len(cert.raw) != len(der):
        raise GoError("x509: trailing data")
    return cert


# --------------------------------------------------------------------------
# certificate requests
# --------------------------------------------------------------------------


@dataclasses.dataclass
class CertificateRequest:
    raw: bytes
    raw_tbs: bytes
    raw_spki: bytes
    raw_subject: bytes
    version: int
    signature: bytes
    signature_algorithm: int
    public_key_algorithm: int
    public_key: PublicKey | None
    subject: list[list[tuple[tuple[int, ...], Any]]]
    attributes: list[dict[str, Any]] | None
    extensions: list[tuple[tuple[int, ...], bool, bytes]] | None
    dns_names: list[str] | None = None
    email_addresses: list[str] | None = None
    ip_addresses: list[bytes] | None = None
    uris: list[GoURL] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "Raw": b64(self.raw),
            "RawTBSCertificateRequest": b64(self.raw_tbs),
            "RawSubjectPublicKeyInfo": b64(self.raw_spki),
            "RawSubject": b64(self.raw_subject),
            "Version": self.version,
            "Signature": b64(self.signature),
            "SignatureAlgorithm": self.signature_algorithm,
            "PublicKeyAlgorithm": self.public_key_algorithm,
            "PublicKey": None if self.public_key is None else self.public_key.to_json(),
            "Subject": name_json(self.subject),
            "Attributes": self.attributes,
            "Extensions": None
            if self.extensions is None
            else [
                {"Id": list(oid), "Critical": crit, "Value": b64(val)} for oid, crit, val in self.extensions
            ],
            "ExtraExtensions": None,
            "DNSNames": self.dns_names,
            "EmailAddresses": self.email_addresses,
            "IPAddresses": None
            if self.ip_addresses is None
            else [_ip_string(ip) for ip in self.ip_addresses],
            "URIs": None if self.uris is None else [u.to_json() for u in self.uris],
        }


def _asn1_err(what: str) -> GoError:
    return GoError(f"asn1: structure error: {what}")


def _asn1_interface_value(tag: int, content: bytes) -> Any:
    """How ``encoding/asn1`` fills an ``any`` field (None when Go leaves it nil)."""
    if tag & 0xE0:  # not a universal primitive
        return None
    if tag == d.PRINTABLE_STRING:
        if not all(_is_printable(b) for b in content):
            raise GoError("asn1: syntax error: PrintableString contains invalid character")
        return content.decode("ascii")
    if tag == d.NUMERIC_STRING:
        if not all(0x30 <= b <= 0x39 or b == 0x20 for b in content):
            raise GoError("asn1: syntax error: NumericString contains invalid character")
        return content.decode("ascii")
    if tag == d.IA5_STRING:
        if any(b >= 0x80 for b in content):
            raise GoError("asn1: syntax error: IA5String contains invalid character")
        return content.decode("ascii")
    if tag == d.T61_STRING:
        return _bytes_str(content)
    if tag == d.UTF8_STRING:
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            raise GoError("asn1: syntax error: invalid UTF-8 string") from None
    if tag == d.BMP_STRING:
        return _parse_asn1_string(tag, content)
    element = bytes([tag]) + _der_length(len(content)) + content
    if tag == d.INTEGER:
        v = Der(element).read_int64()
        if v is None:
            raise GoError("asn1: structure error: integer too large")
        return v
    if tag == d.BIT_STRING:
        bs = Der(element).read_bit_string()
        if bs is None:
            raise GoError("asn1: syntax error: invalid padding bits in BIT STRING")
        return {"Bytes": b64(bs.data), "BitLength": bs.bit_length}
    if tag == d.OBJECT_IDENTIFIER:
        oid = Der(element).read_oid()
        if oid is None:
            raise GoError("asn1: syntax error: invalid OBJECT IDENTIFIER")
        return list(oid)
    if tag in (d.UTC_TIME, d.GENERALIZED_TIME):
        return go_time_json(_read_time(Der(element)))
    if tag == d.OCTET_STRING:
        return b64(content)
    return None


def _der_length(n: int) -> bytes:
    if n < 128:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _attribute_json(attr: bytes) -> dict[str, Any] | None:
    """``pkix.AttributeTypeAndValueSET`` of one attribute, or None when Go skips it."""
    r = Der(attr)
    oid = r.read_oid()
    values = r.read(d.SET) if oid is not None else None
    if values is None:
        return None
    sets: list[list[dict[str, Any]]] = []
    vr = Der(values)
    while not vr.empty():
        seq = vr.read(d.SEQUENCE)
        if seq is None:
            return None
        items: list[dict[str, Any]] = []
        sr = Der(seq)
        while not sr.empty():
            item = sr.read(d.SEQUENCE)
            ir = Der(item) if item is not None else None
            t = ir.read_oid() if ir is not None else None
            el = ir.read_any() if ir is not None and t is not None else None
            if t is None or el is None:
                return None
            try:
                v = _asn1_interface_value(*el)
            except GoError:
                return None
            items.append({"Type": list(t), "Value": v})
        sets.append(items)
    return {"Type": list(oid), "Value": sets}  # type: ignore[arg-type]


def _csr_extensions(attrs: list[bytes]) -> list[tuple[tuple[int, ...], bool, bytes]] | None:
    """Go's ``parseCSRExtensions``: the extensions of every extensionRequest attribute."""
    out: list[tuple[tuple[int, ...], bool, bytes]] | None = None
    seen: set[tuple[int, ...]] = set()
    for attr in attrs:
        r = Der(attr)
        oid = r.read_oid()
        values = r.read(d.SET) if oid is not None else None
        if values is None or not values or oid != OID_EXTENSION_REQUEST:
            continue
        first = Der(values).read_any_element()
        if first is None:
            continue
        tag, element = first
        if tag != d.SEQUENCE:
            raise _asn1_err("tags don't match")
        er = Der(Der(element).read(d.SEQUENCE) or b"")
        while not er.empty():
            ext = er.read(d.SEQUENCE)
            xr = Der(ext) if ext is not None else None
            ext_oid = xr.read_oid() if xr is not None else None
            if xr is None or ext_oid is None:
                raise _asn1_err("tags don't match")
            critical = False
            if xr.peek_tag(d.BOOLEAN):
                b = xr.read_bool()
                if b is None:
                    raise GoError("asn1: syntax error: invalid boolean")
                critical = b
            val = xr.read(d.OCTET_STRING)
            if val is None:
                raise _asn1_err("tags don't match")
            if ext_oid in seen:
                raise GoError("x509: certificate request contains duplicate requested extensions")
            seen.add(ext_oid)
            out = _append(out, (ext_oid, critical, val))
    return out


def parse_certificate_request(der: bytes) -> CertificateRequest:
    """Go's ``x509.ParseCertificateRequest``."""
    r = Der(der)
    raw = r.read_element(d.SEQUENCE)
    if raw is None:
        raise GoError(
            "asn1: syntax error: sequence truncated"
            if der[:1] == b"\x30"
            else _asn1_err("tags don't match").args[0]
        )
    if not r.empty():
        raise GoError("asn1: syntax error: trailing data")
    body = Der(Der(raw).read(d.SEQUENCE) or b"")
    tbs_raw = body.read_element(d.SEQUENCE)
    sig_ai = body.read(d.SEQUENCE) if tbs_raw is not None else None
    sig = body.read_bit_string() if sig_ai is not None else None
    if tbs_raw is None or sig_ai is None or sig is None:
        raise _asn1_err("tags don't match")
    tbs = Der(Der(tbs_raw).read(d.SEQUENCE) or b"")
    version = tbs.read_big_int()
    subject = tbs.read_element(d.SEQUENCE) if version is not None else None
    spki = tbs.read_element(d.SEQUENCE) if subject is not None else None
    attrs_ok, raw_attrs = tbs.read_optional(d.context(0, True)) if spki is not None else (False, None)
    if version is None or subject is None or spki is None or not attrs_ok:
        raise _asn1_err("tags don't match")
    sr = Der(Der(spki).read(d.SEQUENCE) or b"")
    pk_ai = sr.read(d.SEQUENCE)
    bits = sr.read_bit_string() if pk_ai is not None else None
    if pk_ai is None or bits is None:
        raise _asn1_err("tags don't match")
    pk_oid, pk_params = _parse_ai(pk_ai)
    sig_oid, sig_params = _parse_ai(sig_ai)
    pk_alg = PK_ALGS.get(pk_oid, 0)
    public_key = _parse_public_key(pk_oid, pk_params, bits.right_align()) if pk_alg else None
    names = _parse_name(subject)
    raw_attr_list: list[bytes] = []
    ar = Der(raw_attrs or b"")
    while not ar.empty():
        el = ar.read_any_element()
        if el is None:
            raise _asn1_err("tags don't match")
        if el[0] == d.SEQUENCE:
            raw_attr_list.append(Der(el[1]).read(d.SEQUENCE) or b"")
    attributes = [a for a in (_attribute_json(raw) for raw in raw_attr_list) if a is not None]
    extensions = _csr_extensions(raw_attr_list)
    csr = CertificateRequest(
        raw=raw,
        raw_tbs=tbs_raw,
        raw_spki=spki,
        raw_subject=subject,
        version=version,
        signature=sig.right_align(),
        signature_algorithm=_signature_algorithm(sig_oid, sig_params),
        public_key_algorithm=pk_alg,
        public_key=public_key,
        subject=names,
        attributes=attributes or None,
        extensions=extensions,
    )
    for oid, _crit, val in extensions or []:
        if oid == OID_SAN:
            dns, emails, ips, uris = _parse_san(val)
            csr.dns_names, csr.email_addresses = dns or None, emails or None
            csr.ip_addresses, csr.uris = ips or None, uris or None
    return csr


# --------------------------------------------------------------------------
# chain verification (Go's Certificate.Verify, simplified to what OPA uses)
# --------------------------------------------------------------------------

_HASHES: dict[int, type[hashes.SHA256 | hashes.SHA384 | hashes.SHA512]] = {
    4: hashes.SHA256,
    5: hashes.SHA384,
    6: hashes.SHA512,
    8: hashes.SHA256,
    10: hashes.SHA256,
    11: hashes.SHA384,
    12: hashes.SHA512,
    13: hashes.SHA256,
    14: hashes.SHA384,
    15: hashes.SHA512,
}


class VerifyError(Exception):
    """Chain verification failed (OPA reports only ``[false, []]``)."""


def check_signature(algo: int, signed: bytes, signature: bytes, key: PublicKey | None) -> None:
    if key is None:
        raise VerifyError("x509: cannot verify signature: unknown public key")
    if algo in (0, 1, 2, 3, 7, 8, 9):
        raise VerifyError("x509: cannot verify signature: insecure or unknown algorithm")
    try:
        pub = key.crypto_key()
        if key.kind == "rsa" and key.n.bit_length() < 1024:
            raise VerifyError("crypto/rsa: 1024-bit or larger RSA keys are required")
        if algo in (4, 5, 6):
            if key.kind != "rsa":
                raise VerifyError("x509: signature algorithm specifies an RSA public key")
            pub.verify(signature, signed, padding.PKCS1v15(), _HASHES[algo]())
        elif algo in (13, 14, 15):
            if key.kind != "rsa":
                raise VerifyError("x509: signature algorithm specifies an RSA public key")
            h = _HASHES[algo]()
            pub.verify(signature, signed, padding.PSS(padding.MGF1(h), h.digest_size), h)
        elif algo in (10, 11, 12):
            if key.kind != "ecdsa":
                raise VerifyError("x509: signature algorithm specifies an ECDSA public key")
            pub.verify(signature, signed, ec.ECDSA(_HASHES[algo]()))
        elif algo == 16:
            if key.kind != "ed25519":
                raise VerifyError("x509: signature algorithm specifies an Ed25519 public key")
            pub.verify(signature, signed)
        else:
            raise VerifyError("x509: unknown signature algorithm")
    except InvalidSignature:
        raise VerifyError("x509: signature verification failure") from None
    except (ValueError, TypeError, GoError) as exc:
        raise VerifyError(str(exc)) from None


def _check_signature_from(child: Certificate, parent: Certificate) -> None:
    if (parent.version == 3 and not parent.basic_constraints_valid) or (
        parent.basic_constraints_valid and not parent.is_ca
    ):
        raise VerifyError("x509: invalid signature: parent certificate cannot sign this kind of certificate")
    if parent.key_usage and not parent.key_usage & (1 << 5):
        raise VerifyError("x509: invalid signature: parent certificate cannot sign this kind of certificate")
    if parent.public_key_algorithm == 0:
        raise VerifyError("x509: cannot verify signature: algorithm unimplemented")
    check_signature(child.signature_algorithm, child.raw_tbs, child.signature, parent.public_key)


@dataclasses.dataclass
class VerifyOptions:
    dns_name: str = ""
    current_time: _dt.datetime | None = None
    key_usages: list[int] = dataclasses.field(default_factory=list)
    max_constraint_comparisons: int = 0


def _is_valid(cert: Certificate, kind: str, chain: list[Certificate], opts: VerifyOptions) -> None:
    if cert.unhandled_critical:
        raise VerifyError("x509: unhandled critical extension")
    if kind in ("intermediate", "root") and not chain:
        raise VerifyError("x509: internal error: empty chain when appending CA cert")
    now = opts.current_time or _dt.datetime.now(_dt.UTC)
    if now < cert.not_before or now > cert.not_after:
        raise VerifyError("x509: certificate has expired or is not yet valid")
    if kind in ("intermediate", "root") and _has_name_constraints(cert):
        leaf = chain[0]
        for name in leaf.dns_names or []:
            if not _dns_permitted(cert, name):
                raise VerifyError(
                    "x509: a root or intermediate certificate is not authorized to sign for this name"
                )
        for ip in leaf.ip_addresses or []:
            if not _ip_permitted(cert, ip):
                raise VerifyError(
                    "x509: a root or intermediate certificate is not authorized to sign for this name"
                )
    if kind == "intermediate" and (not cert.basic_constraints_valid or not cert.is_ca):
        raise VerifyError("x509: certificate is not authorized to sign other certificates")
    if cert.basic_constraints_valid and cert.max_path_len >= 0 and len(chain) - 1 > cert.max_path_len:
        raise VerifyError("x509: too many intermediates for path length constraint")


def _has_name_constraints(cert: Certificate) -> bool:
    return any(
        x
        for x in (
            cert.permitted_dns_domains,
            cert.excluded_dns_domains,
            cert.permitted_ip_ranges,
            cert.excluded_ip_ranges,
            cert.permitted_email_addresses,
            cert.excluded_email_addresses,
            cert.permitted_uri_domains,
            cert.excluded_uri_domains,
        )
    )


def _match_domain_constraint(domain: str, constraint: str) -> bool:
    if not constraint:
        return True
    domain, constraint = domain.lower(), constraint.lower()
    if constraint.startswith("."):
        return domain.endswith(constraint)
    return domain == constraint or domain.endswith("." + constraint)


def _dns_permitted(ca: Certificate, name: str) -> bool:
    if any(_match_domain_constraint(name, c) for c in ca.excluded_dns_domains or []):
        return False
    if ca.permitted_dns_domains:
        return any(_match_domain_constraint(name, c) for c in ca.permitted_dns_domains)
    return True


def _ip_in(ip: bytes, net: tuple[bytes, bytes]) -> bool:
    base, mask = net
    if len(ip) != len(base):
        return False
    return all((a & m) == (b & m) for a, b, m in zip(ip, base, mask, strict=True))


def _ip_permitted(ca: Certificate, ip: bytes) -> bool:
    if any(_ip_in(ip, n) for n in ca.excluded_ip_ranges or []):
        return False
    if ca.permitted_ip_ranges:
        return any(_ip_in(ip, n) for n in ca.permitted_ip_ranges)
    return True


def _valid_hostname(host: str, is_pattern: bool) -> bool:
    if not is_pattern:
        host = host.removesuffix(".")
    if not host:
        return False
    if host == "*":
        return False
    for i, part in enumerate(host.split(".")):
        if not part:
            return False
        if is_pattern and i == 0 and part == "*":
            continue
        for j, c in enumerate(part):
            if c.isascii() and (c.isalnum()):
                continue
            if c == "-" and j != 0:
                continue
            if c == "_":
                continue
            return False
    return True


def _match_hostnames(pattern: str, host: str) -> bool:
    host = host.removesuffix(".")
    if not pattern or not host:
        return False
    pp, hp = pattern.split("."), host.split(".")
    if len(pp) != len(hp):
        return False
    for i, p in enumerate(pp):
        if i == 0 and p == "*":
            continue
        if p != hp[i]:
            return False
    return True


def _ascii_lower(s: str) -> str:
    return "".join(ch.lower() if ch.isascii() else ch for ch in s)


def verify_hostname(cert: Certificate, host: str) -> None:
    candidate = host
    if candidate.startswith("[") and candidate.endswith("]"):
        candidate = candidate[1:-1]
    try:
        ip = ipaddress.ip_address(candidate)
    except ValueError:
        ip = None
    if ip is not None:
        packed = ip.packed
        for c in cert.ip_addresses or []:
            cip = c if len(c) == len(packed) else None
            if cip is None and len(c) == 16 and c[:12] == b"\0" * 10 + b"\xff\xff":
                cip = c[12:]
            if cip == packed:
                return
        raise VerifyError("x509: certificate is not valid for any names")
    lowered = _ascii_lower(host)
    valid_candidate = _valid_hostname(lowered, False)
    for match in cert.dns_names or []:
        if valid_candidate and _valid_hostname(match, True):
            if _match_hostnames(_ascii_lower(match), lowered):
                return
        elif match not in ("", ".") and lowered not in ("", ".") and _ascii_lower(match) == lowered:
            return
    raise VerifyError("x509: certificate is valid for other names")


def _eku_ok(chain: list[Certificate], usages: list[int]) -> bool:
    if 0 in usages:
        return True
    remaining = list(usages)
    for cert in reversed(chain):
        if not cert.ext_key_usage and not cert.unknown_ext_key_usage:
            continue
        if cert.ext_key_usage and 0 in cert.ext_key_usage:
            continue
        new_remaining = []
        for usage in remaining:
            ok = usage in (cert.ext_key_usage or [])
            if (
                not ok
                and usage == 1
                and cert.ext_key_usage
                and (10 in cert.ext_key_usage or 11 in cert.ext_key_usage)
            ):
                ok = True
            if ok:
                new_remaining.append(usage)
        remaining = new_remaining
        if not remaining:
            return False
    return True


def verify_chain(
    leaf: Certificate, intermediates: list[Certificate], roots: list[Certificate], opts: VerifyOptions
) -> list[Certificate]:
    """The first chain Go's ``Verify`` returns (leaf first), or VerifyError."""
    _is_valid(leaf, "leaf", [], opts)
    if opts.dns_name:
        verify_hostname(leaf, opts.dns_name)
    if any(r.raw == leaf.raw for r in roots):
        chains = [[leaf]]
    else:
        chains = _build_chains(leaf, [leaf], intermediates, roots, opts, [0])
    if not chains:
        raise VerifyError("x509: certificate signed by unknown authority")
    usages = opts.key_usages or [1]
    good = [c for c in chains if _eku_ok(c, usages)]
    if not good:
        raise VerifyError("x509: certificate specifies an incompatible key usage")
    return good[0]


def _build_chains(
    cert: Certificate,
    chain: list[Certificate],
    intermediates: list[Certificate],
    roots: list[Certificate],
    opts: VerifyOptions,
    sig_checks: list[int],
) -> list[list[Certificate]]:
    results: list[list[Certificate]] = []

    def candidates(pool: list[Certificate]) -> list[Certificate]:
        found = [c for c in pool if c.raw_subject == cert.raw_issuer]
        if cert.authority_key_id:
            found.sort(key=lambda c: 0 if c.subject_key_id == cert.authority_key_id else 1)
        return found

    def consider(candidate: Certificate, kind: str) -> None:
        if any(c.raw == candidate.raw for c in chain):
            return
        sig_checks[0] += 1
        if sig_checks[0] > 100:
            raise VerifyError(
                "x509: signature check attempts limit reached while verifying certificate chain"
            )
        try:
            _check_signature_from(cert, candidate)
            _is_valid(candidate, kind, chain, opts)
        except VerifyError:
            return
        if kind == "root":
            results.append([*chain, candidate])
        else:
            results.extend(
                _build_chains(candidate, [*chain, candidate], intermediates, roots, opts, sig_checks)
            )

    for c in candidates(roots):
        consider(c, "root")
    for c in candidates(intermediates):
        consider(c, "intermediate")
    return results
