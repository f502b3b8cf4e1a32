"""OPA "Tokens (JWT)" builtins, following OPA v1.20.2's ``v1/topdown/tokens.go``.

Decoding uses OPA's base64url and JSON rules; verification keys come from a
PEM certificate, a PEM public key or a JWK / JWK Set; all signature
primitives are ``cryptography``'s. ``io.jwt.decode_verify`` distinguishes
errors (malformed token, bad constraints) from a failed verification
(``[false, {}, {}]``) exactly as OPA does.
"""

from __future__ import annotations

import dataclasses
import hmac
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

from workbench.core.engines.opa.builtins import _crypto_x509 as x509
from workbench.core.engines.opa.builtins._crypto_encoding import (
    GoError,
    b64encode,
    b64url_decode_opa,
    pem_decode,
)
from workbench.core.engines.opa.builtins._crypto_jwk import Jwk, crypto_private_key, parse_jwk_set
from workbench.core.engines.opa.builtins._gojson import Eof, marshal, opa_unmarshal, scan_value
from workbench.core.engines.opa.builtins._operands import check_object, check_string
from workbench.core.engines.opa.builtins._registry import BuiltinContext, BuiltinTable, builtin_error
from workbench.core.engines.opa.builtins._values import to_decimal

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["TOKEN_ALGORITHMS", "decode_token", "jws_verify", "keys_from_cert_or_jwk"]

CATEGORY = "Tokens (JWT)"

TOKEN_ALGORITHMS = frozenset(
    {
        "RS256",
        "RS384",
        "RS512",
        "PS256",
        "PS384",
        "PS512",
        "ES256",
        "ES384",
        "ES512",
        "HS256",
        "HS384",
        "HS512",
        "EdDSA",
    }
)

_HASH_BY_SIZE: dict[str, type[hashes.HashAlgorithm]] = {
    "256": hashes.SHA256,
    "384": hashes.SHA384,
    "512": hashes.SHA512,
}


def _b(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


def _s(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


# --------------------------------------------------------------------------
# token structure
# --------------------------------------------------------------------------


@dataclasses.dataclass
class Token:
    header: str
    payload: str
    signature: str
    decoded_header: dict[str, Any] | None = None

    def decode_header(self) -> dict[str, Any]:
        try:
            raw = b64url_decode_opa(self.header)
        except GoError as exc:
            raise GoError(f"JWT header had invalid encoding: {exc}") from None
        try:
            header = extract_json_object(raw)
        except GoError as exc:
            raise GoError(f"bad JWT header: {exc}") from None
        if "enc" in header:
            raise GoError("JWT is a JWE object, which is not supported")
        self.decoded_header = header
        return header

    def decode_signature(self) -> bytes:
        return b64url_decode_opa(self.signature)


def decode_token(name: str, value: Any) -> Token:
    """OPA's ``decodeJWT``: split a compact JWS into its three sections."""
    text = check_string(name, value, 1)
    if "." not in text:
        raise GoError("encoded JWT had no period separators")
    parts = text.split(".")
    if len(parts) != 3:
        raise GoError(f"encoded JWT must have 3 sections, found {len(parts)}")
    return Token(parts[0], parts[1], parts[2])


def extract_json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = opa_unmarshal(raw)
    except GoError as exc:
        raise GoError(f"invalid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise GoError("decoded JSON type was not an Object")
    return value


@dataclasses.dataclass
class TokenHeader:
    alg: str = ""
    kid: str = ""
    typ: str = ""
    cty: str = ""
    crit: set[str] = dataclasses.field(default_factory=set)
    unknown: list[str] = dataclasses.field(default_factory=list)

    def valid(self) -> bool:
        if not self.alg:
            return False
        return not any(u in self.crit for u in self.unknown)


def parse_token_header(header: dict[str, Any]) -> TokenHeader:
    out = TokenHeader()
    for key in sorted(header, key=lambda k: _b(k)):
        value = header[key]
        if key in ("alg", "kid", "typ", "cty"):
            if not isinstance(value, str):
                raise GoError(f"{key}: must be a string")
            setattr(out, key, value)
        elif key == "crit":
            if not isinstance(value, list):
                raise GoError("crit: must be a list")
            # OPA stops at the first non-string element (and ignores that error)
            out.crit = set()
            for item in value:
                if not isinstance(item, str):
                    break
                out.crit.add(item)
            if not out.crit:
                raise GoError("crit: must be a nonempty list")
        else:
            out.unknown.append(key)
    return out


# --------------------------------------------------------------------------
# keys
# --------------------------------------------------------------------------


@dataclasses.dataclass
class VerificationKey:
    key: Any  # x509.PublicKey | x509.PrivateKey | bytes | None
    alg: str = ""
    kid: str = ""


def _export(jwk: Jwk) -> Any:
    if jwk.kty == "oct":
        return jwk.secret
    return jwk.private if jwk.private is not None else jwk.public


def keys_from_cert_or_jwk(text: str) -> list[VerificationKey]:
    """OPA's ``getKeysFromCertOrJWK``."""
    block, rest = pem_decode(_b(text))
    if block is not None:
        if rest:
            raise GoError("extra data after a PEM certificate block")
        if block.type == "CERTIFICATE":
            try:
                cert = x509.parse_single_certificate(block.data)
            except GoError as exc:
                raise GoError(f"failed to parse a PEM certificate: {exc}") from None
            return [VerificationKey(cert.public_key)]
        if block.type == "PUBLIC KEY":
            try:
                key = x509.parse_pkix_public_key(block.data)
            except GoError as exc:
                raise GoError(f"failed to parse a PEM public key: {exc}") from None
            return [VerificationKey(key)]
        raise GoError("failed to extract a Key from the PEM certificate")
    try:
        jwks = parse_jwk_set(text, from_string=True)
    except GoError as exc:
        raise GoError(f"failed to parse a JWK key (set): {exc}") from None
    keys = []
    for jwk in jwks:
        if jwk.alg and jwk.alg not in TOKEN_ALGORITHMS:
            continue
        keys.append(VerificationKey(_export(jwk), jwk.alg, jwk.kid))
    return keys


def _public_of(key: Any) -> x509.PublicKey | None:
    if isinstance(key, x509.PrivateKey):
        return key.public()
    if isinstance(key, x509.PublicKey):
        return key
    return None


# --------------------------------------------------------------------------
# signature primitives
# --------------------------------------------------------------------------


def _rsa_ok(pub: x509.PublicKey) -> bool:
    return pub.kind == "rsa" and pub.n.bit_length() >= 1024


def _verify_rsa(pub: Any, msg: bytes, sig: bytes, bits: str, pss: str | None) -> bool:
    if not isinstance(pub, x509.PublicKey) or not _rsa_ok(pub):
        return False
    h = _HASH_BY_SIZE[bits]()
    try:
        key = pub.crypto_key()
        if pss is None:
            key.verify(sig, msg, padding.PKCS1v15(), h)
        else:
            salt = padding.PSS.AUTO if pss == "auto" else h.digest_size
            key.verify(sig, msg, padding.PSS(mgf=padding.MGF1(h), salt_length=salt), h)
    except (InvalidSignature, ValueError, TypeError, GoError):
        return False
    return True


def _verify_ecdsa(pub: Any, msg: bytes, sig: bytes, bits: str, *, strict_length: bool) -> bool:
    if not isinstance(pub, x509.PublicKey) or pub.kind != "ecdsa":
        return False
    size = x509.CURVE_BY_NAME[pub.curve][2]
    if strict_length and len(sig) != 2 * size:
        return False
    half = len(sig) // 2
    r = int.from_bytes(sig[:half], "big")
    s = int.from_bytes(sig[half:], "big")
    if r <= 0 or s <= 0:
        return False
    h = _HASH_BY_SIZE[bits]()
    digest = hashes.Hash(h)
    digest.update(msg)
    try:
        pub.crypto_key().verify(
            utils.encode_dss_signature(r, s),
            digest.finalize(),
            ec.ECDSA(utils.Prehashed(_HASH_BY_SIZE[bits]())),
        )
    except (InvalidSignature, ValueError, TypeError, GoError):
        return False
    return True


def _verify_eddsa(pub: Any, msg: bytes, sig: bytes) -> bool:
    if not isinstance(pub, x509.PublicKey) or pub.kind != "ed25519" or len(pub.raw) != 32 or len(sig) != 64:
        return False
    try:
        pub.crypto_key().verify(sig, msg)
    except (InvalidSignature, ValueError, TypeError, GoError):
        return False
    return True


def _verify_hmac(secret: Any, msg: bytes, sig: bytes, bits: str) -> bool:
    if not isinstance(secret, bytes):
        return False
    mac = hmac.new(secret, msg, "sha" + bits).digest()
    return hmac.compare_digest(mac, sig)


def jws_verify(key: Any, alg: str, msg: bytes, sig: bytes) -> bool:
    """``jwsbb.Verify``: verify ``sig`` over ``msg`` with ``alg`` and ``key``."""
    if alg not in TOKEN_ALGORITHMS:
        return False
    family, bits = alg[:2], alg[2:]
    if family == "HS":
        return _verify_hmac(key, msg, sig, bits)
    if family == "Ed":
        return _verify_eddsa(_public_of(key), msg, sig)
    pub = _public_of(key)
    if family == "RS":
        return _verify_rsa(pub, msg, sig, bits, None)
    if family == "PS":
        return _verify_rsa(pub, msg, sig, bits, "hash")
    return _verify_ecdsa(pub, msg, sig, bits, strict_length=True)


def _jws_sign(key: Jwk, alg: str, msg: bytes) -> bytes:
    family, bits = alg[:2], alg[2:]
    if family == "HS":
        if key.kty != "oct" or key.secret is None:
            raise GoError(f"jwsbb.Sign: invalid key type {key.go_type}. []byte is required")
        return hmac.new(key.secret, msg, "sha" + bits).digest()
    expected, required = {
        "RS": ("RSA", "*rsa.PrivateKey"),
        "PS": ("RSA", "*rsa.PrivateKey"),
        "ES": ("EC", "*ecdsa.PrivateKey"),
        "Ed": ("OKP", "ed25519.PrivateKey"),
    }[family]
    if key.kty != expected or key.private is None:
        raise GoError(f"jwsbb.Sign: invalid key type {key.go_type}. {required} is required")
    priv = crypto_private_key(key)
    try:
        if family == "RS":
            return priv.sign(msg, padding.PKCS1v15(), _HASH_BY_SIZE[bits]())
        if family == "PS":
            h = _HASH_BY_SIZE[bits]()
            return priv.sign(msg, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)
        if family == "ES":
            der = priv.sign(msg, ec.ECDSA(_HASH_BY_SIZE[bits]()))
            r, s = utils.decode_dss_signature(der)
            size = x509.CURVE_BY_NAME[key.private.curve][2]
            return r.to_bytes(size, "big") + s.to_bytes(size, "big")
        return priv.sign(msg)
    except (ValueError, TypeError) as exc:
        raise GoError(f"jwsbb.Sign: failed to sign payload: {exc}") from None


# --------------------------------------------------------------------------
# io.jwt.decode
# --------------------------------------------------------------------------


def _decode(name: str, value: Any) -> list[Any]:
    token = decode_token(name, value)
    header = token.decode_header()
    try:
        payload = b64url_decode_opa(token.payload)
    except GoError as exc:
        raise GoError(f"JWT payload had invalid encoding: {exc}") from None
    cty = header.get("cty")
    if isinstance(cty, str) and cty == "JWT":
        inner = _s(payload).strip("\"'")
        return _decode(name, inner)
    claims = extract_json_object(payload)
    try:
        sig = token.decode_signature()
    except GoError as exc:
        raise GoError(f"JWT signature had invalid encoding: {exc}") from None
    return [header, claims, sig.hex()]


@BUILTINS.builtin("io.jwt.decode", category=CATEGORY)
def jwt_decode(jwt: Any) -> list[Any]:
    try:
        return _decode("io.jwt.decode", jwt)
    except GoError as exc:
        raise builtin_error("io.jwt.decode", str(exc)) from None


# --------------------------------------------------------------------------
# io.jwt.verify_*
# --------------------------------------------------------------------------

Verifier = Callable[[Any, bytes, bytes], bool]


def _verify_with_keys(name: str, jwt: Any, key_text: Any, verify: Verifier) -> bool:
    token = decode_token(name, jwt)
    text = check_string(name, key_text, 2)
    keys = keys_from_cert_or_jwk(text)
    signature = token.decode_signature()
    header = parse_token_header(token.decode_header())
    msg = _b(token.header + "." + token.payload)
    if header.kid:
        for key in keys:
            if key.kid == header.kid:
                return verify(key.key, msg, signature)
    for key in keys:
        if key.alg and key.alg != header.alg:
            continue
        if verify(key.key, msg, signature):
            return True
    return False


def _register_verify(alg: str) -> None:
    name = f"io.jwt.verify_{alg.lower()}"
    family, bits = alg[:2], alg[2:]

    def verify(key: Any, msg: bytes, sig: bytes) -> bool:
        if isinstance(key, x509.PrivateKey) or not isinstance(key, x509.PublicKey):
            return False
        if family == "RS":
            return _verify_rsa(key, msg, sig, bits, None)
        if family == "PS":
            return _verify_rsa(key, msg, sig, bits, "auto")
        if family == "ES":
            return _verify_ecdsa(key, msg, sig, bits, strict_length=False)
        return _verify_eddsa(key, msg, sig)

    def fn(jwt: Any, certificate: Any) -> bool:
        try:
            return _verify_with_keys(name, jwt, certificate, verify)
        except GoError as exc:
            raise builtin_error(name, str(exc)) from None

    fn.__name__ = name.replace(".", "_")
    BUILTINS.builtin(name, category=CATEGORY)(fn)


for _alg in ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"):
    _register_verify(_alg)


@BUILTINS.builtin("io.jwt.verify_eddsa", category=CATEGORY)
def verify_eddsa(jwt: Any, certificate: Any) -> bool:
    name = "io.jwt.verify_eddsa"

    def verify(key: Any, msg: bytes, sig: bytes) -> bool:
        return isinstance(key, x509.PublicKey) and _verify_eddsa(key, msg, sig)

    try:
        return _verify_with_keys(name, jwt, certificate, verify)
    except GoError as exc:
        raise builtin_error(name, str(exc)) from None


def _register_verify_hs(bits: str) -> None:
    name = f"io.jwt.verify_hs{bits}"

    def fn(jwt: Any, secret: Any) -> bool:
        text = check_string(name, jwt, 1)
        key = check_string(name, secret, 2)
        try:
            token = decode_token(name, text)
            mac = hmac.new(_b(key), _b(token.header + "." + token.payload), "sha" + bits).digest()
            signature = token.decode_signature()
        except GoError as exc:
            raise builtin_error(name, str(exc)) from None
        return hmac.compare_digest(signature, mac)

    fn.__name__ = name.replace(".", "_")
    BUILTINS.builtin(name, category=CATEGORY)(fn)


for _bits in ("256", "384", "512"):
    _register_verify_hs(_bits)


# --------------------------------------------------------------------------
# io.jwt.decode_verify
# --------------------------------------------------------------------------


@dataclasses.dataclass
class Constraints:
    secret: str = ""
    alg: str = ""
    iss: str = ""
    aud: str = ""
    keys: list[VerificationKey] | None = None
    time: float = -1.0


def _time_from_value(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GoError("token time constraint: must be a number")
    try:
        t = float(to_decimal(value))
    except (ValueError, ArithmeticError, OverflowError):
        raise GoError("token time constraint: unvalid float64") from None
    if t in (float("inf"), float("-inf")):
        raise GoError("token time constraint: unvalid float64")
    if t < 0:
        raise GoError("token time constraint: must not be negative")
    return t


def parse_constraints(obj: dict[Any, Any], now_ns: int) -> Constraints:
    out = Constraints()
    for key in sorted(obj, key=lambda k: _b(k) if isinstance(k, str) else b""):
        value = obj[key]
        if key == "cert":
            if not isinstance(value, str):
                raise GoError("cert constraint: must be a string")
            out.keys = keys_from_cert_or_jwk(value)
        elif key in ("secret", "alg", "iss", "aud"):
            if not isinstance(value, str):
                raise GoError(f"{key} constraint: must be a string")
            setattr(out, key, value)
        elif key == "time":
            out.time = _time_from_value(value)
        else:
            raise GoError(f"unknown token validation constraint: {key}")
    if out.time == -1:
        out.time = _time_from_value(now_ns)
    count = (out.keys is not None) + (out.secret != "")
    if count > 1:
        raise GoError("duplicate key constraints")
    if count < 1:
        raise GoError("no key constraint")
    return out


def _constraints_verify(c: Constraints, header: TokenHeader, msg: bytes, sig: bytes) -> bool:
    if c.keys is not None:
        if header.kid:
            for key in c.keys:
                if key.kid == header.kid:
                    return jws_verify(key.key, header.alg, msg, sig)
        for key in c.keys:
            if key.alg and key.alg != header.alg:
                continue
            if jws_verify(key.key, header.alg, msg, sig):
                return True
        return False
    return jws_verify(_b(c.secret), header.alg, msg, sig)


def _float_number(f: float) -> Decimal:
    return Decimal(repr(f))


def _valid_audience(c: Constraints, aud: Any) -> bool:
    if isinstance(aud, str):
        return aud == c.aud
    if isinstance(aud, list):
        return any(isinstance(a, str) and a == c.aud for a in aud)
    return False


_UNVERIFIED: list[Any] = [False, {}, {}]


def _decode_verify(token_value: Any, constraints: Any, now_ns: int) -> list[Any]:
    name = "io.jwt.decode_verify"
    obj = check_object(name, constraints, 2)
    c = parse_constraints(obj, now_ns)
    current = token_value
    while True:
        token = decode_token(name, current)
        decoded_header = token.decode_header()
        header = parse_token_header(decoded_header)
        if not header.valid():
            return list(_UNVERIFIED)
        if c.alg and c.alg != header.alg:
            return list(_UNVERIFIED)
        signature = token.decode_signature()
        if not _constraints_verify(c, header, _b(token.header + "." + token.payload), signature):
            return list(_UNVERIFIED)
        try:
            payload_raw = b64url_decode_opa(token.payload)
        except GoError as exc:
            raise GoError(f"JWT payload had invalid encoding: {exc}") from None
        if header.cty.lower() == "jwt":
            current = _s(payload_raw)
            continue
        break
    payload = extract_json_object(payload_raw)
    if c.iss:
        iss = payload.get("iss")
        if not isinstance(iss, str) or iss != c.iss:
            return list(_UNVERIFIED)
    if "aud" in payload:
        if not _valid_audience(c, payload["aud"]):
            return list(_UNVERIFIED)
    elif c.aud:
        return list(_UNVERIFIED)
    now = _float_number(c.time / 1_000_000_000)
    if "exp" in payload:
        exp = payload["exp"]
        if isinstance(exp, bool) or not isinstance(exp, (int, float)):
            raise GoError("exp value must be a number")
        if now >= to_decimal(exp):
            return list(_UNVERIFIED)
    if "nbf" in payload:
        nbf = payload["nbf"]
        if isinstance(nbf, bool) or not isinstance(nbf, (int, float)):
            raise GoError("nbf value must be a number")
        if now < to_decimal(nbf):
            return list(_UNVERIFIED)
    return [True, decoded_header, payload]


@BUILTINS.builtin("io.jwt.decode_verify", category=CATEGORY, needs_context=True, deterministic=False)
def decode_verify(ctx: BuiltinContext, jwt: Any, constraints: Any) -> list[Any]:
    try:
        return _decode_verify(jwt, constraints, ctx.now_ns)
    except GoError as exc:
        raise builtin_error("io.jwt.decode_verify", str(exc)) from None


# --------------------------------------------------------------------------
# io.jwt.encode_sign / encode_sign_raw
# --------------------------------------------------------------------------


def _json_valid(data: bytes) -> bool:
    i, n = 0, len(data)
    while i < n and data[i] in b" \t\r\n":
        i += 1
    if i >= n:
        return False
    try:
        end = scan_value(data, i)
    except (GoError, Eof):
        return False
    return not data[end:].strip(b" \t\r\n")


def _header_string(header: Any, key: str) -> str:
    if not isinstance(header, dict) or key not in header:
        raise GoError(f'jwsbb: header "{key}" not found')
    value = header[key]
    if not isinstance(value, str):
        raise GoError(f'jwsbb: header "{key}" is not a string')
    return value


def encode_sign(headers: bytes, payload: bytes, jwk_src: bytes) -> str:
    """OPA's ``commonBuiltinJWTEncodeSign``."""
    keys = parse_jwk_set(jwk_src)
    if not keys:
        raise GoError("no keys found in JWK set")
    key = keys[0]
    try:
        parsed_headers: Any = opa_unmarshal(headers)
    except GoError:
        parsed_headers = None
    try:
        alg = _header_string(parsed_headers, "alg")
    except GoError as exc:
        raise GoError(f"missing or invalid 'alg' header: {exc}") from None
    if alg not in TOKEN_ALGORITHMS:
        raise GoError(f"unknown JWS algorithm: {alg}")
    try:
        typ: str | None = _header_string(parsed_headers, "typ")
    except GoError:
        typ = None
    if (typ is None or typ == "JWT") and not _json_valid(payload):
        raise GoError("type is JWT but payload is not JSON")
    signing_input = b64encode(headers, url=True, pad=False) + "." + b64encode(payload, url=True, pad=False)
    signature = _jws_sign(key, alg, signing_input.encode())
    return signing_input + "." + b64encode(signature, url=True, pad=False)


@BUILTINS.builtin("io.jwt.encode_sign", category=CATEGORY, deterministic=False)
def jwt_encode_sign(headers: Any, payload: Any, key: Any) -> str:
    name = "io.jwt.encode_sign"
    try:
        return encode_sign(_b(marshal(headers)), _b(marshal(payload)), _b(marshal(key)))
    except GoError as exc:
        raise builtin_error(name, str(exc)) from None


@BUILTINS.builtin("io.jwt.encode_sign_raw", category=CATEGORY, deterministic=False)
def jwt_encode_sign_raw(headers: Any, payload: Any, key: Any) -> str:
    name = "io.jwt.encode_sign_raw"
    jwk_src = check_string(name, key, 3)
    header_text = check_string(name, headers, 1)
    payload_text = check_string(name, payload, 2)
    try:
        return encode_sign(_b(header_text), _b(payload_text), _b(jwk_src))
    except GoError as exc:
        raise builtin_error(name, str(exc)) from None
