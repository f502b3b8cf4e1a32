"""Tests for the OPA "Tokens (JWT)" builtins (``workbench/core/engines/opa/builtins/jwt.py``)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from builtin_corpus import check_corpus_case, corpus_cases
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext
from workbench.core.errors import BuiltinError

_JWT_BUILTINS = sorted(n for n, b in REGISTRY.items() if b.category == "Tokens (JWT)")


@pytest.mark.parametrize(("name", "case"), corpus_cases(_JWT_BUILTINS))
def test_corpus(name: str, case: dict[str, Any] | None) -> None:
    check_corpus_case(name, case)


def call(name: str, *args: Any, ctx: BuiltinContext | None = None) -> Any:
    return REGISTRY[name](ctx or BuiltinContext(), list(args))


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_int(value: int, size: int = 0) -> str:
    return b64u(value.to_bytes(max(size, (value.bit_length() + 7) // 8), "big"))


def public_pem(key: Any) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def private_jwk(key: Any) -> dict[str, Any]:
    if isinstance(key, rsa.RSAPrivateKey):
        n = key.private_numbers()
        return {
            "kty": "RSA",
            "n": b64u_int(n.public_numbers.n),
            "e": b64u_int(n.public_numbers.e),
            "d": b64u_int(n.d),
            "p": b64u_int(n.p),
            "q": b64u_int(n.q),
            "dp": b64u_int(n.dmp1),
            "dq": b64u_int(n.dmq1),
            "qi": b64u_int(n.iqmp),
        }
    if isinstance(key, ec.EllipticCurvePrivateKey):
        size = (key.curve.key_size + 7) // 8
        n = key.private_numbers()
        crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}[key.curve.name]
        return {
            "kty": "EC",
            "crv": crv,
            "x": b64u_int(n.public_numbers.x, size),
            "y": b64u_int(n.public_numbers.y, size),
            "d": b64u_int(n.private_value, size),
        }
    raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "d": b64u(raw), "x": b64u(pub)}


def public_jwk(key: Any, **extra: str) -> dict[str, Any]:
    jwk = private_jwk(key)
    for field in ("d", "p", "q", "dp", "dq", "qi"):
        jwk.pop(field, None)
    jwk.update(extra)
    return jwk


@pytest.fixture(scope="module")
def keys() -> dict[str, Any]:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "RS": rsa_key,
        "PS": rsa_key,
        "ES256": ec.generate_private_key(ec.SECP256R1()),
        "ES384": ec.generate_private_key(ec.SECP384R1()),
        "ES512": ec.generate_private_key(ec.SECP521R1()),
        "EdDSA": ed25519.Ed25519PrivateKey.generate(),
        "other_rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }


def key_for(keys: dict[str, Any], alg: str) -> Any:
    return keys.get(alg) or keys[alg[:2]]


ASYMMETRIC = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


@pytest.mark.parametrize("alg", ASYMMETRIC)
def test_sign_then_verify_round_trip(keys: dict[str, Any], alg: str) -> None:
    key = key_for(keys, alg)
    token = call("io.jwt.encode_sign", {"alg": alg, "typ": "JWT"}, {"sub": "alice", "n": 1}, private_jwk(key))
    verify = f"io.jwt.verify_{alg.lower()}"
    assert call(verify, token, public_pem(key)) is True
    assert call(verify, token, json.dumps(public_jwk(key))) is True
    assert call(verify, token, json.dumps({"keys": [public_jwk(key, alg=alg)]})) is True
    # the wrong key, or a tampered payload, does not verify
    wrong = keys["other_rsa"] if alg[:2] not in ("RS", "PS") else keys["ES256"]
    assert call(verify, token, public_pem(wrong)) is False
    header, _payload, sig = token.split(".")
    tampered = ".".join([header, b64u(b'{"sub":"mallory","n":1}'), sig])
    assert call(verify, tampered, public_pem(key)) is False
    ok, hdr, claims = call("io.jwt.decode_verify", token, {"cert": public_pem(key), "time": 0})
    assert ok is True and hdr == {"alg": alg, "typ": "JWT"} and claims == {"sub": "alice", "n": 1}
    assert call("io.jwt.decode_verify", tampered, {"cert": public_pem(key), "time": 0}) == [False, {}, {}]


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_hmac_round_trip_is_deterministic(alg: str) -> None:
    jwk = {"kty": "oct", "k": b64u(b"s3cret")}
    token = call("io.jwt.encode_sign", {"alg": alg}, {"a": [1, 2]}, jwk)
    assert token == call("io.jwt.encode_sign", {"alg": alg}, {"a": [1, 2]}, jwk)
    assert call(f"io.jwt.verify_{alg.lower()}", token, "s3cret") is True
    assert call(f"io.jwt.verify_{alg.lower()}", token, "other") is False
    assert call("io.jwt.decode_verify", token, {"secret": "s3cret", "alg": alg, "time": 0})[0] is True
    assert call("io.jwt.decode", token) == [{"alg": alg}, {"a": [1, 2]}, call("io.jwt.decode", token)[2]]


def test_rs256_signature_is_deterministic(keys: dict[str, Any]) -> None:
    jwk = private_jwk(keys["RS"])
    first = call("io.jwt.encode_sign_raw", '{"alg":"RS256"}', '{"x":1}', json.dumps(jwk))
    assert first == call("io.jwt.encode_sign_raw", '{"alg":"RS256"}', '{"x":1}', json.dumps(jwk))
    assert first.split(".")[0] == b64u(b'{"alg":"RS256"}')


def test_encode_sign_marshals_like_go() -> None:
    jwk = {"kty": "oct", "k": b64u(b"k")}
    token = call("io.jwt.encode_sign", {"typ": "JWT", "alg": "HS256"}, {"b": "<&>", "a": 1.5}, jwk)
    header, payload, _ = token.split(".")
    assert base64.urlsafe_b64decode(header + "==") == b'{"alg":"HS256","typ":"JWT"}'
    assert base64.urlsafe_b64decode(payload + "==") == b'{"a":1.5,"b":"\\u003c\\u0026\\u003e"}'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (('{"alg":"none"}', "{}", '{"kty":"oct","k":"azE"}'), "unknown JWS algorithm: none"),
        (('{"alg":"HS256"}', "notjson", '{"kty":"oct","k":"azE"}'), "type is JWT but payload is not JSON"),
        (
            ('{"alg":1}', "{}", '{"kty":"oct","k":"azE"}'),
            "missing or invalid 'alg' header: jwsbb: header \"alg\" is not a string",
        ),
        (
            ('{"alg":"HS256"}', "{}", "{"),
            "jwk.Parse: failed to parse sole key: jwk.ParseKey: jwk.Parse: failed to probe data: probe: failed to unmarshal data: unexpected end of JSON input",
        ),
    ],
)
def test_encode_sign_raw_errors(args: tuple[str, str, str], message: str) -> None:
    with pytest.raises(BuiltinError) as info:
        call("io.jwt.encode_sign_raw", *args)
    assert str(info.value) == f"io.jwt.encode_sign_raw: {message}"


_NO_K = (
    "jwk.Parse: failed to parse sole key: jwk.ParseKey: failed to unmarshal JSON into key (*jwk.symmetricKey): "
    "failed to unmarshal JSON into key (*jwk.symmetricKey): required field k is missing"
)


@pytest.mark.parametrize("name", ["io.jwt.encode_sign", "io.jwt.encode_sign_raw"])
def test_symmetric_key_without_k_is_refused(name: str) -> None:
    """A JWK {"kty":"oct"} without "k" is an error in OPA, never a signature with an empty secret."""
    if name == "io.jwt.encode_sign":
        args: tuple[object, ...] = ({"alg": "HS256"}, {"sub": "x"}, {"kty": "oct"})
    else:
        args = ('{"alg":"HS256"}', '{"sub":"x"}', '{"kty":"oct"}')
    with pytest.raises(BuiltinError) as info:
        call(name, *args)
    assert str(info.value) == f"{name}: {_NO_K}"
    # inside a JWK Set the same key is refused with the set's wording
    with pytest.raises(
        BuiltinError, match=r'failed to decode key #0 in "keys": .*required field k is missing$'
    ):
        call("io.jwt.encode_sign", {"alg": "HS256"}, {"sub": "x"}, {"keys": [{"kty": "oct"}]})
    # with "k" the same call signs
    assert call(
        name,
        *args[:2],
        {"kty": "oct", "k": "azE"} if name == "io.jwt.encode_sign" else '{"kty":"oct","k":"azE"}',
    )


def test_encode_sign_raw_operand_order() -> None:
    with pytest.raises(BuiltinError, match="operand 3 must be string but got number"):
        call("io.jwt.encode_sign_raw", 1, 2, 3)


def test_payload_not_json_allowed_when_typ_is_not_jwt() -> None:
    token = call("io.jwt.encode_sign_raw", '{"alg":"HS256","typ":"text"}', "plain", '{"kty":"oct","k":"azE"}')
    assert token.split(".")[1] == b64u(b"plain")


def _hs_token(header: dict[str, Any], claims: dict[str, Any], secret: str = "k") -> str:
    jwk = {"kty": "oct", "k": b64u(secret.encode())}
    return call("io.jwt.encode_sign", header, claims, jwk)


def test_decode_verify_claims() -> None:
    now = 1_700_000_000
    ns = now * 1_000_000_000
    token = _hs_token({"alg": "HS256"}, {"iss": "me", "aud": ["x", "y"], "exp": now + 10, "nbf": now - 10})
    base = {"secret": "k", "time": ns}
    assert call("io.jwt.decode_verify", token, {**base, "iss": "me", "aud": "y"})[0] is True
    assert call("io.jwt.decode_verify", token, {**base, "aud": "y", "iss": "you"})[0] is False
    # an aud claim requires an aud constraint
    assert call("io.jwt.decode_verify", token, base)[0] is False
    assert call("io.jwt.decode_verify", token, {**base, "aud": "x", "time": (now + 10) * 10**9})[0] is False
    assert call("io.jwt.decode_verify", token, {**base, "aud": "x", "time": (now - 11) * 10**9})[0] is False
    assert call("io.jwt.decode_verify", token, {**base, "aud": "x", "time": (now + 9) * 10**9})[0] is True
    plain = _hs_token({"alg": "HS256"}, {"exp": now + 10})
    ctx = BuiltinContext(now_ns=ns)
    assert call("io.jwt.decode_verify", plain, {"secret": "k"}, ctx=ctx)[0] is True
    ctx_late = BuiltinContext(now_ns=(now + 20) * 10**9)
    assert call("io.jwt.decode_verify", plain, {"secret": "k"}, ctx=ctx_late)[0] is False


def test_decode_verify_nested_token() -> None:
    inner = _hs_token({"alg": "HS256"}, {"sub": "inner"})
    outer = call(
        "io.jwt.encode_sign_raw", '{"alg":"HS256","cty":"JWT","typ":"JOSE"}', inner, '{"kty":"oct","k":"aw"}'
    )
    ok, header, claims = call("io.jwt.decode_verify", outer, {"secret": "k", "time": 0})
    assert ok is True and claims == {"sub": "inner"} and header == {"alg": "HS256"}
    quoted = call(
        "io.jwt.encode_sign_raw",
        '{"alg":"HS256","cty":"JWT","typ":"JOSE"}',
        f'"{inner}"',
        '{"kty":"oct","k":"aw"}',
    )
    assert call("io.jwt.decode", quoted)[1] == {"sub": "inner"}


def test_jwks_kid_selection(keys: dict[str, Any]) -> None:
    signer = keys["ES256"]
    token = call("io.jwt.encode_sign", {"alg": "ES256", "kid": "b"}, {"x": 1}, private_jwk(signer))
    jwks = {"keys": [public_jwk(keys["ES384"], kid="a"), public_jwk(signer, kid="b")]}
    assert call("io.jwt.verify_es256", token, json.dumps(jwks)) is True
    # the kid match is authoritative: a wrong key under that kid fails even if another key would verify
    wrong = {"keys": [public_jwk(signer, kid="a"), public_jwk(keys["ES384"], kid="b")]}
    assert call("io.jwt.verify_es256", token, json.dumps(wrong)) is False
    # keys whose alg differs from the header's are skipped, unknown algs are dropped
    skipped = {"keys": [public_jwk(signer, alg="ES384"), public_jwk(signer, alg="XX1")]}
    assert call("io.jwt.verify_es256", token, json.dumps(skipped)) is False
    assert call("io.jwt.decode_verify", token, {"cert": json.dumps(jwks), "time": 0})[0] is True


@pytest.mark.parametrize(
    ("constraints", "message"),
    [
        ({}, "no key constraint"),
        ({"secret": "a", "cert": '{"keys": []}'}, "duplicate key constraints"),
        ({"secret": 1}, "secret constraint: must be a string"),
        ({"cert": 1}, "cert constraint: must be a string"),
        ({"secret": "a", "time": -1}, "token time constraint: must not be negative"),
        ({"secret": "a", "time": "1"}, "token time constraint: must be a number"),
        ({"secret": "a", "zzz": 1}, "unknown token validation constraint: zzz"),
        (
            {"cert": "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"},
            "failed to extract a Key from the PEM certificate",
        ),
        (
            {"cert": "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\nx"},
            "extra data after a PEM certificate block",
        ),
    ],
)
def test_decode_verify_constraint_errors(constraints: dict[str, Any], message: str) -> None:
    token = _hs_token({"alg": "HS256"}, {})
    with pytest.raises(BuiltinError) as info:
        call("io.jwt.decode_verify", token, constraints)
    assert str(info.value) == f"io.jwt.decode_verify: {message}"


def test_decode_verify_exp_must_be_a_number() -> None:
    token = _hs_token({"alg": "HS256"}, {"exp": "soon"})
    with pytest.raises(BuiltinError, match="exp value must be a number"):
        call("io.jwt.decode_verify", token, {"secret": "k", "time": 0})


def test_decode_verify_header_rules() -> None:
    crit = _hs_token({"alg": "HS256", "crit": ["x"], "x": 1}, {})
    assert call("io.jwt.decode_verify", crit, {"secret": "k", "time": 0})[0] is False
    known_crit = _hs_token({"alg": "HS256", "crit": ["kid"], "kid": "1"}, {})
    assert call("io.jwt.decode_verify", known_crit, {"secret": "k", "time": 0})[0] is True
    bad_kid = _hs_token({"alg": "HS256", "kid": 5}, {})
    with pytest.raises(BuiltinError, match="kid: must be a string"):
        call("io.jwt.decode_verify", bad_kid, {"secret": "k", "time": 0})


def test_decode_errors() -> None:
    jwe_header = b64u(b'{"alg":"RSA-OAEP","enc":"A256GCM"}')
    with pytest.raises(BuiltinError, match="JWT is a JWE object, which is not supported"):
        call("io.jwt.decode", f"{jwe_header}.e30.")
    with pytest.raises(BuiltinError, match="decoded JSON type was not an Object"):
        call("io.jwt.decode", f"{b64u(b'{}')}.{b64u(b'[1]')}.")
    with pytest.raises(
        BuiltinError,
        match=r"bad JWT header: invalid JSON: invalid character 'x' looking for beginning of value",
    ):
        call("io.jwt.decode", f"{b64u(b'x')}.e30.")
    with pytest.raises(BuiltinError, match="JWT signature had invalid encoding: illegal base64url string: a"):
        call("io.jwt.decode", "e30.e30.a")


def test_verify_rejects_certificate_with_wrong_key_type(keys: dict[str, Any]) -> None:
    key = keys["ES256"]
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "t")])
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    token = call("io.jwt.encode_sign", {"alg": "ES256"}, {}, private_jwk(key))
    assert call("io.jwt.verify_es256", token, pem) is True
    assert call("io.jwt.verify_rs256", token, pem) is False


@given(st.text(max_size=80))
@settings(max_examples=200)
def test_decode_never_crashes(text: str) -> None:
    try:
        call("io.jwt.decode", text)
    except BuiltinError as exc:
        assert str(exc).startswith("io.jwt.decode: ")


_segment = st.one_of(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=", max_size=40),
    st.binary(max_size=30).map(b64u),
    st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3).map(
        lambda d: b64u(json.dumps(d).encode())
    ),
)


@given(_segment, _segment, _segment, st.sampled_from(["k", ""]))
@settings(max_examples=200)
def test_verify_and_decode_verify_never_crash(h: str, p: str, s: str, secret: str) -> None:
    token = f"{h}.{p}.{s}"
    for name, args in (
        ("io.jwt.verify_hs256", (token, secret)),
        ("io.jwt.decode_verify", (token, {"secret": secret or "x", "time": 0})),
        ("io.jwt.decode", (token,)),
    ):
        try:
            call(name, *args)
        except BuiltinError as exc:
            assert str(exc).startswith(f"{name}: ")


@given(st.text(max_size=60))
@settings(max_examples=150)
def test_key_parsing_never_crashes(text: str) -> None:
    try:
        call("io.jwt.verify_rs256", "e30.e30.", text)
    except BuiltinError as exc:
        assert str(exc).startswith("io.jwt.verify_rs256: ")


def test_jwk_errors_follow_jwx() -> None:
    with pytest.raises(BuiltinError) as info:
        call("io.jwt.encode_sign_raw", '{"alg":"HS256"}', "{}", '{"kty": 1}')
    assert str(info.value).endswith(
        "probe: failed to unmarshal data: json: cannot unmarshal number into Go struct field .kty of type string"
    )
    with pytest.raises(
        BuiltinError, match=r"jwsbb.Sign: invalid key type \*jwk.symmetricKey. \*rsa.PrivateKey"
    ):
        call("io.jwt.encode_sign_raw", '{"alg":"RS256"}', "{}", '{"kty":"oct","k":"azE"}')
