"""OPA "Crypto" builtins: digests, HMACs, X.509 certificates and keys.

Results follow OPA v1.20.2 (``v1/topdown/crypto.go``): certificate results
are Go's ``x509.Certificate`` marshalled by ``encoding/json`` (see
``_crypto_x509``), keys are Go's key structs, errors carry Go's messages.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
from typing import Any

from workbench.core.engines.opa.builtins import _crypto_x509 as x509
from workbench.core.engines.opa.builtins._crypto_encoding import (
    GoError,
    b64decode,
    b64encode,
    pem_decode,
    pem_encode,
)
from workbench.core.engines.opa.builtins._operands import check_object, check_string
from workbench.core.engines.opa.builtins._registry import BuiltinTable, RegoSet, builtin_error
from workbench.core.engines.opa.builtins._values import sort_values

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = [
    "certs_from_string",
    "keypair_from_strings",
    "private_keys_from_pem",
]

CATEGORY = "Crypto"


def _b(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


# --------------------------------------------------------------------------
# digests and HMACs
# --------------------------------------------------------------------------


def _digest_builtin(name: str, algo: str) -> None:
    def fn(value: Any) -> str:
        return hashlib.new(algo, _b(check_string(name, value, 1))).hexdigest()

    fn.__name__ = name.replace(".", "_")
    BUILTINS.builtin(name, category=CATEGORY)(fn)


for _name, _algo in (("crypto.md5", "md5"), ("crypto.sha1", "sha1"), ("crypto.sha256", "sha256")):
    _digest_builtin(_name, _algo)


def _hmac_builtin(name: str, algo: str) -> None:
    def fn(message: Any, key: Any) -> str:
        msg = check_string(name, message, 1)
        k = check_string(name, key, 2)
        return hmac.new(_b(k), _b(msg), algo).hexdigest()

    fn.__name__ = name.replace(".", "_")
    BUILTINS.builtin(name, category=CATEGORY)(fn)


for _name, _algo in (
    ("crypto.hmac.md5", "md5"),
    ("crypto.hmac.sha1", "sha1"),
    ("crypto.hmac.sha256", "sha256"),
    ("crypto.hmac.sha512", "sha512"),
):
    _hmac_builtin(_name, _algo)


@BUILTINS.builtin("crypto.hmac.equal", category=CATEGORY)
def hmac_equal(mac1: Any, mac2: Any) -> bool:
    a = check_string("crypto.hmac.equal", mac1, 1)
    b = check_string("crypto.hmac.equal", mac2, 2)
    return hmac.compare_digest(_b(a), _b(b))


# --------------------------------------------------------------------------
# certificates
# --------------------------------------------------------------------------


def _certs_from_pem(data: bytes) -> list[x509.Certificate]:
    decoded = b""
    while data:
        block, rest = pem_decode(data)
        if block is not None and block.type != "CERTIFICATE":
            raise GoError(f"PEM block type is '{block.type}', expected CERTIFICATE")
        if block is None:
            break
        data = rest
        decoded += block.data
    return x509.parse_certificates(decoded)


def certs_from_string(text: str) -> list[x509.Certificate]:
    """OPA's ``getX509CertsFromString``: PEM, base64 DER or base64 PEM."""
    raw = _b(text)
    if raw.startswith(b"-----BEGIN"):
        return _certs_from_pem(raw)
    der = b64decode(raw)
    if der.startswith(b"-----BEGIN"):
        return _certs_from_pem(der)
    return x509.parse_certificates(der)


@BUILTINS.builtin("crypto.x509.parse_certificates", category=CATEGORY)
def parse_certificates(certs: Any) -> list[Any]:
    name = "crypto.x509.parse_certificates"
    text = check_string(name, certs, 1)
    try:
        parsed = certs_from_string(text)
    except GoError as exc:
        raise builtin_error(name, str(exc)) from None
    return [c.to_json(uri_strings=True) for c in parsed]


_KEY_USAGES = {
    "KeyUsageAny": 0,
    "KeyUsageServerAuth": 1,
    "KeyUsageClientAuth": 2,
    "KeyUsageCodeSigning": 3,
    "KeyUsageEmailProtection": 4,
    "KeyUsageIPSECEndSystem": 5,
    "KeyUsageIPSECTunnel": 6,
    "KeyUsageIPSECUser": 7,
    "KeyUsageTimeStamping": 8,
    "KeyUsageOCSPSigning": 9,
    "KeyUsageMicrosoftServerGatedCrypto": 10,
    "KeyUsageNetscapeServerGatedCrypto": 11,
    "KeyUsageMicrosoftCommercialCodeSigning": 12,
    "KeyUsageMicrosoftKernelCodeSigning": 13,
}


def _as_int64(value: int | float) -> int | None:
    """OPA's ``ast.Number.Int64``: only integer literals within int64 convert."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if -(1 << 63) <= value < 1 << 63 else None


def _verify_options(options: dict[Any, Any]) -> x509.VerifyOptions:
    opts = x509.VerifyOptions()
    for key in sort_values(list(options.keys())):
        if not isinstance(key, str):
            continue
        value = options[key]
        if key == "DNSName":
            if not isinstance(value, str):
                raise GoError("'DNSName' should be a string")
            opts.dns_name = value.strip('"')
        elif key == "CurrentTime":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise GoError("'CurrentTime' should be a number")
            ns = _as_int64(value)
            if ns is None:
                raise GoError("'CurrentTime' should be a valid int64 number")
            opts.current_time = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(
                microseconds=ns // 1000
            )
        elif key == "MaxConstraintComparisons":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise GoError("'MaxConstraintComparisons' should be a number")
            n = _as_int64(value)
            if n is None:
                raise GoError("'MaxConstraintComparisons' should be a valid number")
            opts.max_constraint_comparisons = n
        elif key == "KeyUsages":
            if isinstance(value, RegoSet):
                items = sort_values(list(value))
            elif isinstance(value, list):
                items = value
            else:
                raise GoError("'KeyUsages' should be an Array or Set")
            invalid: list[str] = []
            for item in items:
                if isinstance(item, str):
                    usage = item.strip('"')
                    if usage in _KEY_USAGES:
                        opts.key_usages.append(_KEY_USAGES[usage])
                    else:
                        invalid.append(usage)
            if invalid:
                raise GoError(f"invalid entries for 'KeyUsages' found: [{' '.join(invalid)}]")
        else:
            raise GoError("invalid key option")
    return opts


def _verify(certs: list[x509.Certificate], opts: x509.VerifyOptions) -> list[x509.Certificate] | None:
    if len(certs) < 2:
        return None
    try:
        return x509.verify_chain(certs[-1], certs[1:-1], certs[:1], opts)
    except x509.VerifyError:
        return None


@BUILTINS.builtin("crypto.x509.parse_and_verify_certificates", category=CATEGORY, deterministic=False)
def parse_and_verify_certificates(certs: Any) -> list[Any]:
    text = check_string("crypto.x509.parse_and_verify_certificates", certs, 1)
    try:
        parsed = certs_from_string(text)
    except GoError:
        return [False, []]
    verified = _verify(parsed, x509.VerifyOptions())
    if verified is None:
        return [False, []]
    return [True, [c.to_json(uri_strings=True) for c in verified]]


@BUILTINS.builtin("crypto.x509.parse_and_verify_certificates_with_options", category=CATEGORY, deterministic=False)
def parse_and_verify_certificates_with_options(certs: Any, options: Any) -> list[Any]:
    name = "crypto.x509.parse_and_verify_certificates_with_options"
    text = check_string(name, certs, 1)
    opts_obj = check_object(name, options, 2)
    try:
        parsed = certs_from_string(text)
    except GoError:
        return [False, []]
    try:
        opts = _verify_options(opts_obj)
    except GoError as exc:
        raise builtin_error(name, str(exc)) from None
    verified = _verify(parsed, opts)
    if verified is None:
        return [False, []]
    return [True, [c.to_json() for c in verified]]


@BUILTINS.builtin("crypto.x509.parse_certificate_request", category=CATEGORY)
def parse_certificate_request(csr: Any) -> Any:
    name = "crypto.x509.parse_certificate_request"
    text = check_string(name, csr, 1)
    try:
        data = _b(text)
        if not text.startswith("-----BEGIN CERTIFICATE REQUEST-----"):
            data = b64decode(data)
        block, _ = pem_decode(data)
        if block is not None and block.type != "CERTIFICATE REQUEST":
            raise GoError("invalid PEM-encoded certificate signing request")
        if block is not None:
            data = block.data
        return x509.parse_certificate_request(data).to_json()
    except GoError as exc:
        raise builtin_error(name, str(exc)) from None


# --------------------------------------------------------------------------
# private keys
# --------------------------------------------------------------------------


def private_keys_from_pem(text: str) -> list[x509.PrivateKey]:
    """OPA's ``getPrivateKeysFromPEMData``."""
    data = _b(text)
    try:
        data = b64decode(data)
    except GoError:
        pass
    keys: list[x509.PrivateKey] = []
    while data:
        before = len(data)
        block, data = pem_decode(data)
        if block is None and not data:
            break
        if before == len(data):
            break
        if block is None:
            continue
        if block.type == "RSA PRIVATE KEY":
            keys.append(x509.parse_pkcs1_private_key(block.data))
        elif block.type == "PRIVATE KEY":
            keys.append(x509.parse_pkcs8_private_key(block.data))
        elif block.type == "EC PRIVATE KEY":
            keys.append(x509.parse_ec_private_key(block.data))
    return keys


@BUILTINS.builtin("crypto.parse_private_keys", category=CATEGORY)
def parse_private_keys(keys: Any) -> Any:
    name = "crypto.parse_private_keys"
    text = check_string(name, keys, 1)
    if text == "":
        return None
    try:
        parsed = private_keys_from_pem(text)
    except GoError as exc:
        raise builtin_error(name, str(exc)) from None
    return [k.to_json() for k in parsed]


def _b64url_int(value: int) -> str:
    """``big.Int.Bytes()`` (minimal, empty for zero) in unpadded base64url."""
    return b64encode(value.to_bytes((value.bit_length() + 7) // 8, "big"), url=True, pad=False)


def _b64url_fixed(value: int, size: int) -> str:
    """``value`` as exactly ``size`` big-endian octets (left-padded with zeros), unpadded base64url."""
    return b64encode(value.to_bytes(size, "big"), url=True, pad=False)


def jwk_from_private_key(key: x509.PrivateKey) -> dict[str, Any]:
    """OPA's internal ``jwk.New`` of a private key, as JSON."""
    if key.kind == "rsa":
        return {
            "kty": "RSA",
            "n": _b64url_int(key.n),
            "e": _b64url_int(key.e),
            "d": _b64url_int(key.d),
            "p": _b64url_int(key.primes[0]),
            "q": _b64url_int(key.primes[1]),
            "dp": _b64url_int(key.dp),
            "dq": _b64url_int(key.dq),
            "qi": _b64url_int(key.qinv),
        }
    if key.kind == "ecdsa":
        # v1.20.2 marshals the whole EC key (RFC 7518 section 6.2.2): the curve and the
        # coordinates and private scalar as big-endian octets of the curve's full size
        size = x509.CURVE_BY_NAME[key.curve][2]
        return {
            "kty": "EC",
            "crv": key.curve,
            "x": _b64url_fixed(key.x, size),
            "y": _b64url_fixed(key.y, size),
            "d": _b64url_fixed(key.d, size),
        }
    raise GoError("invalid key type ed25519.PrivateKey")


@BUILTINS.builtin("crypto.x509.parse_rsa_private_key", category=CATEGORY)
def parse_rsa_private_key(pem: Any) -> Any:
    name = "crypto.x509.parse_rsa_private_key"
    text = check_string(name, pem, 1)
    if text == "":
        raise builtin_error(name, "input PEM data was empty")
    try:
        if not text.startswith("-----BEGIN"):
            text = b64decode(_b(text)).decode("utf-8", "surrogateescape")
        keys = private_keys_from_pem(text)
        if not keys:
            return None
        return jwk_from_private_key(keys[0])
    except GoError as exc:
        raise builtin_error(name, str(exc)) from None


# --------------------------------------------------------------------------
# key pairs
# --------------------------------------------------------------------------


def _tls_parse_private_key(der: bytes) -> x509.PrivateKey:
    for parser in (x509.parse_pkcs1_private_key, x509.parse_pkcs8_private_key, x509.parse_ec_private_key):
        try:
            return parser(der)
        except GoError as exc:
            if parser is x509.parse_pkcs8_private_key and "unknown algorithm" in str(exc):
                raise GoError("tls: found unknown private key type in PKCS#8 wrapping") from None
            continue
    raise GoError("tls: failed to parse private key")


def keypair_from_strings(cert_text: str, key_text: str) -> dict[str, Any]:
    """OPA's ``getTLSx509KeyPairFromString`` + Go's ``tls.X509KeyPair``."""
    cert_pem, key_pem = _b(cert_text), _b(key_text)
    if not cert_pem.startswith(b"-----BEGIN "):
        cert_pem = b64decode(cert_pem)
    if not key_pem.startswith(b"-----BEGIN "):
        key_pem = b64decode(key_pem)
    if not cert_pem.startswith(b"-----BEGIN "):
        cert_pem = pem_encode("CERTIFICATE", cert_pem)
    if not key_pem.startswith(b"-----BEGIN"):
        key_pem = pem_encode("PRIVATE KEY", key_pem)

    cert_ders: list[bytes] = []
    skipped: list[str] = []
    while True:
        block, cert_pem = pem_decode(cert_pem)
        if block is None:
            break
        if block.type == "CERTIFICATE":
            cert_ders.append(block.data)
        else:
            skipped.append(block.type)
    if not cert_ders:
        if not skipped:
            raise GoError("tls: failed to find any PEM data in certificate input")
        if len(skipped) == 1 and skipped[0].endswith("PRIVATE KEY"):
            raise GoError(
                "tls: failed to find certificate PEM data in certificate input, but did find a private key; "
                "PEM inputs may have been switched"
            )
        raise GoError(
            'tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks '
            f"of the following types: [{' '.join(skipped)}]"
        )
    skipped = []
    while True:
        key_block, key_pem = pem_decode(key_pem)
        if key_block is None:
            if not skipped:
                raise GoError("tls: failed to find any PEM data in key input")
            if len(skipped) == 1 and skipped[0] == "CERTIFICATE":
                raise GoError("tls: found a certificate rather than a key in the PEM for the private key")
            raise GoError(
                'tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping '
                f"PEM blocks of the following types: [{' '.join(skipped)}]"
            )
        if key_block.type == "PRIVATE KEY" or key_block.type.endswith(" PRIVATE KEY"):
            break
        skipped.append(key_block.type)
    leaf = x509.parse_single_certificate(cert_ders[0])
    private = _tls_parse_private_key(key_block.data)
    pub = leaf.public_key
    if pub is None or pub.kind not in ("rsa", "ecdsa", "ed25519"):
        raise GoError("tls: unknown public key algorithm")
    if private.kind != pub.kind:
        raise GoError("tls: private key type does not match public key type")
    mine = private.public()
    if (pub.kind == "rsa" and pub.n != mine.n) or (
        pub.kind == "ecdsa" and (pub.x, pub.y) != (mine.x, mine.y)
    ):
        raise GoError("tls: private key does not match public key")
    if pub.kind == "ed25519" and pub.raw != mine.raw:
        raise GoError("tls: private key does not match public key")
    return {
        "Certificate": [b64encode(der) for der in cert_ders],
        "PrivateKey": private.to_json(),
        "SupportedSignatureAlgorithms": None,
        "OCSPStaple": None,
        "SignedCertificateTimestamps": None,
        "Leaf": leaf.to_json(),
    }


@BUILTINS.builtin("crypto.x509.parse_keypair", category=CATEGORY)
def parse_keypair(cert: Any, key: Any) -> Any:
    name = "crypto.x509.parse_keypair"
    cert_text = check_string(name, cert, 1)
    key_text = check_string(name, key, 1)
    try:
        return keypair_from_strings(cert_text, key_text)
    except GoError as exc:
        raise builtin_error(name, str(exc)) from None
