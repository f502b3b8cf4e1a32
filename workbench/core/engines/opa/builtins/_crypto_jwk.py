"""JSON Web Keys as OPA's JWT builtins read them (``lestrrat-go/jwx`` v3).

:func:`parse_jwk_set` returns the keys of a JWK or JWK Set with the wrapped
error texts jwx produces (``jwk.Parse: failed to parse sole key: ...``);
each :class:`Jwk` knows its ``alg``/``kid`` and can give the equivalent
``cryptography`` key for verification or signing.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from workbench.core.engines.opa.builtins._crypto_encoding import GoError, b64decode
from workbench.core.engines.opa.builtins._crypto_x509 import CURVE_BY_NAME, PrivateKey, PublicKey
from workbench.core.engines.opa.builtins._gojson import go_unmarshal

__all__ = ["Jwk", "parse_jwk_set"]


@dataclasses.dataclass
class Jwk:
    kty: str
    alg: str = ""
    kid: str = ""
    public: PublicKey | None = None
    private: PrivateKey | None = None
    secret: bytes | None = None
    #: jwx's Go type name of the key (``*jwk.rsaPrivateKey`` ...), used in error texts
    go_type: str = ""


_KEY_TYPES = {
    ("RSA", False): "*jwk.rsaPublicKey",
    ("RSA", True): "*jwk.rsaPrivateKey",
    ("EC", False): "*jwk.ecdsaPublicKey",
    ("EC", True): "*jwk.ecdsaPrivateKey",
    ("OKP", False): "*jwk.okpPublicKey",
    ("OKP", True): "*jwk.okpPrivateKey",
    ("oct", False): "*jwk.symmetricKey",
    ("oct", True): "*jwk.symmetricKey",
}


def _go_type(v: Any) -> str:
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "[]interface {}"
    return "map[string]interface {}"


def _b64_field(obj: dict[str, Any], name: str) -> bytes | None:
    if name not in obj:
        return None
    value = obj[name]
    if isinstance(value, str):
        for url, pad in ((True, False), (False, False), (True, True), (False, True)):
            try:
                return b64decode(value, url=url, pad=pad)
            except GoError:
                continue
    raise GoError(
        f"failed to decode value for key {name}: expected base64 encoded []byte ({_go_type(value)})"
    )


def _int_field(obj: dict[str, Any], name: str) -> int | None:
    raw = _b64_field(obj, name)
    return None if raw is None else int.from_bytes(raw, "big")


def _string_field(obj: dict[str, Any], name: str) -> str:
    value = obj.get(name, "")
    if not isinstance(value, str):
        raise GoError(f"failed to decode value for key {name}: expected string, got {_go_type(value)}")
    return value


def _parse_key(obj: Any) -> Jwk:
    if not isinstance(obj, dict):
        raise GoError(
            "jwk.ParseKey: jwk.Parse: failed to probe data: probe: failed to unmarshal data: "
            f"json: cannot unmarshal {_json_kind(obj)} into Go value of type struct"
        )
    kty = obj.get("kty")
    if kty is not None and not isinstance(kty, str):
        kind = "object" if isinstance(kty, dict) else _json_kind(kty)
        raise GoError(
            "jwk.ParseKey: jwk.Parse: failed to probe data: probe: failed to unmarshal data: "
            f"json: cannot unmarshal {kind} into Go struct field .kty of type string"
        )
    kty_s = kty if isinstance(kty, str) else ""
    private = "d" in obj
    type_name = _KEY_TYPES.get((kty_s, private))
    if type_name is None:
        raise GoError(f"jwk.ParseKey: invalid key type from JSON ({kty_s})")
    wrap = f"jwk.ParseKey: failed to unmarshal JSON into key ({type_name}): failed to unmarshal JSON into key ({type_name}): "
    try:
        key = Jwk(kty=kty_s, alg=_string_field(obj, "alg"), kid=_string_field(obj, "kid"), go_type=type_name)
        if kty_s == "RSA":
            n, e = _int_field(obj, "n"), _int_field(obj, "e")
            if n is None or e is None:
                raise GoError("required field n or e is missing")
            key.public = PublicKey("rsa", n=n, e=e)
            if private:
                d = _int_field(obj, "d") or 0
                p, q = _int_field(obj, "p"), _int_field(obj, "q")
                if p is None or q is None:
                    try:
                        p, q = rsa.rsa_recover_prime_factors(n, e, d)
                    except (ValueError, ArithmeticError):
                        p, q = 0, 0
                dp = _int_field(obj, "dp")
                dq = _int_field(obj, "dq")
                qi = _int_field(obj, "qi")
                if p and q and d:
                    dp = dp if dp is not None else rsa.rsa_crt_dmp1(d, p)
                    dq = dq if dq is not None else rsa.rsa_crt_dmq1(d, q)
                    qi = qi if qi is not None else rsa.rsa_crt_iqmp(p, q)
                key.private = PrivateKey(
                    "rsa", n=n, e=e, d=d, primes=[p, q], dp=dp or 0, dq=dq or 0, qinv=qi or 0
                )
        elif kty_s == "EC":
            crv = _string_field(obj, "crv")
            x, y = _int_field(obj, "x"), _int_field(obj, "y")
            if crv not in CURVE_BY_NAME:
                raise GoError(f"invalid curve algorithm {crv}")
            if x is None or y is None:
                raise GoError("required field x or y is missing")
            key.public = PublicKey("ecdsa", curve=crv, x=x, y=y)
            if private:
                key.private = PrivateKey("ecdsa", curve=crv, x=x, y=y, d=_int_field(obj, "d") or 0)
        elif kty_s == "OKP":
            crv = _string_field(obj, "crv")
            x_raw = _b64_field(obj, "x")
            if x_raw is None:
                raise GoError("required field x is missing")
            key.public = PublicKey("ed25519" if crv == "Ed25519" else crv.lower(), raw=x_raw)
            if private:
                seed = _b64_field(obj, "d") or b""
                key.private = PrivateKey("ed25519", seed=seed, pub=x_raw)
        else:
            secret = _b64_field(obj, "k")
            if secret is None:  # jwx refuses a symmetric key without "k" (never an empty secret)
                raise GoError("required field k is missing")
            key.secret = secret
    except GoError as exc:
        raise GoError(wrap + str(exc)) from None
    return key


def _json_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "null"


def parse_jwk_set(src: bytes | str, *, from_string: bool = False) -> list[Jwk]:
    """``jwk.Parse`` (or ``jwk.ParseString`` when ``from_string``)."""
    try:
        try:
            obj = go_unmarshal(src)
        except GoError as exc:
            raise GoError(
                "jwk.Parse: failed to parse sole key: jwk.ParseKey: jwk.Parse: failed to probe data: "
                f"probe: failed to unmarshal data: {exc}"
            ) from None
        if isinstance(obj, dict) and "keys" in obj:
            keys_value = obj["keys"]
            if not isinstance(keys_value, list):
                raise GoError(
                    f'jwk.Parse: failed to decode "keys": json: cannot unmarshal {_json_kind(keys_value)} '
                    "into Go value of type []json.RawMessage"
                )
            keys = []
            for i, item in enumerate(keys_value):
                try:
                    keys.append(_parse_key(item))
                except GoError as exc:
                    raise GoError(f'jwk.Parse: failed to decode key #{i} in "keys": {exc}') from None
            return keys
        try:
            return [_parse_key(obj)]
        except GoError as exc:
            raise GoError(f"jwk.Parse: failed to parse sole key: {exc}") from None
    except GoError as exc:
        if from_string:
            raise GoError(f"jwk.ParseString: failed to parse string: {exc}") from None
        raise


def crypto_private_key(key: Jwk) -> Any:
    """The ``cryptography`` private key of a JWK (for signing)."""
    if key.private is None:
        raise GoError("jwsbb.Sign: key is not a private key")
    priv = key.private
    try:
        if priv.kind == "rsa":
            return priv.crypto_key()
        if priv.kind == "ecdsa":
            return ec.derive_private_key(priv.d, CURVE_BY_NAME[priv.curve][1])
        return ed25519.Ed25519PrivateKey.from_private_bytes(priv.seed)
    except (ValueError, TypeError) as exc:
        raise GoError(f"jwsbb.Sign: invalid private key: {exc}") from None
