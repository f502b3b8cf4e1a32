"""Fulcio certificates: the real 2021 certificate chains to Sigstore's real root at its signing time;
expired, untrusted and non-code-signing certificates are refused; identities as sigstore-rs reads them."""

from __future__ import annotations

import datetime

import pytest
from core.signatures.pki import GITHUB_ISSUER, FulcioCA
from helpers import REPO_ROOT
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.errors import SignatureError
from workbench.core.signatures.certificate import (
    SubjectKind,
    _der_string,
    certificate_identity,
    load_certificate,
    verify_certificate,
)
from workbench.core.signatures.trust import CertificateAuthority, TrustRoot, load_trust_root

DATA = REPO_ROOT / "tests" / "data" / "signatures"
SIGNED_AT = datetime.datetime.fromtimestamp(1634714717, datetime.UTC)  # the real Rekor integratedTime


def _real_cert():
    return load_certificate((DATA / "keyless-2021-certificate.pem").read_bytes(), "layer 1")


def _root_of(ca: FulcioCA, **window) -> TrustRoot:
    return TrustRoot((CertificateAuthority((ca.intermediate, ca.root), "test CA", **window),), ())


def test_real_certificate_chains_to_the_public_good_root() -> None:
    identity, key = verify_certificate(
        _real_cert(), [], load_trust_root(DATA / "sigstore-prod-trusted_root.json"), SIGNED_AT, "layer 1"
    )
    assert (identity.subject, identity.subject_kind, identity.issuer) == (
        "flavio@castelli.me",
        SubjectKind.EMAIL,
        None,
    )
    signature = __import__("base64").b64decode((DATA / "keyless-2021-signature.b64").read_text())
    assert key.verify(signature, (DATA / "keyless-2021-payload.json").read_bytes())


def test_real_certificate_is_expired_after_its_ten_minutes() -> None:
    later = SIGNED_AT + datetime.timedelta(hours=1)
    with pytest.raises(SignatureError, match=r"not valid at the signing time .*expired certificate"):
        verify_certificate(
            _real_cert(), [], load_trust_root(DATA / "sigstore-prod-trusted_root.json"), later, "layer 1"
        )


def test_real_certificate_is_untrusted_under_another_root() -> None:
    with pytest.raises(SignatureError, match="layer 1: the signing certificate is not trusted"):
        verify_certificate(_real_cert(), [], _root_of(FulcioCA.create()), SIGNED_AT, "layer 1")


def test_ca_validity_window_of_the_trust_root_applies() -> None:
    root = load_trust_root(DATA / "sigstore-prod-trusted_root.json")
    only_later = TrustRoot(root.authorities[1:], root.logs)  # the 2022+ CA did not issue it
    with pytest.raises(SignatureError, match="not trusted"):
        verify_certificate(_real_cert(), [], only_later, SIGNED_AT, "layer 1")


def test_github_identity_with_both_issuer_extensions() -> None:
    ca = FulcioCA.create()
    cert, _ = ca.issue(
        uri="https://github.com/kubewarden/policies/.github/workflows/release.yml@refs/tags/v1",
        issuer=GITHUB_ISSUER,
        github_repository="kubewarden/policies",
    )
    identity, _ = verify_certificate(
        cert, [], _root_of(ca), cert.not_valid_before_utc + datetime.timedelta(seconds=5), "l"
    )
    assert identity.subject_kind is SubjectKind.URI
    assert identity.issuer == GITHUB_ISSUER
    assert identity.github_workflow_repository == "kubewarden/policies"
    assert identity.github_workflow_ref == "refs/heads/main" and identity.github_workflow_trigger == "push"
    assert "workflow release of kubewarden/policies" in identity.describe()


def test_old_issuer_extension_alone_is_read() -> None:
    cert, _ = FulcioCA.create().issue(email="a@b.c", issuer="https://accounts.example", issuer_v2=False)
    assert certificate_identity(cert, "l").issuer == "https://accounts.example"


def test_leaf_must_be_for_code_signing() -> None:
    ca = FulcioCA.create()
    cert, _ = ca.issue(email="a@b.c", issuer="i", code_signing=False)
    with pytest.raises(SignatureError, match=r"not trusted .*code-signing"):
        verify_certificate(
            cert, [], _root_of(ca), cert.not_valid_before_utc + datetime.timedelta(seconds=5), "l"
        )


def test_intermediate_may_come_from_the_chain_annotation() -> None:
    ca = FulcioCA.create()
    cert, _ = ca.issue(email="a@b.c", issuer="i")
    roots_only = TrustRoot((CertificateAuthority((ca.root,), "root only"),), ())
    when = cert.not_valid_before_utc + datetime.timedelta(seconds=5)
    with pytest.raises(SignatureError, match="not trusted"):
        verify_certificate(cert, [], roots_only, when, "l")
    assert verify_certificate(cert, [ca.intermediate], roots_only, when, "l")[0].subject == "a@b.c"


def test_no_san_identity() -> None:
    cert, _ = FulcioCA.create().issue()
    with pytest.raises(SignatureError, match="SAN has no e-mail address or URI"):
        certificate_identity(cert, "l")


def test_empty_trust_root_and_bad_pem() -> None:
    with pytest.raises(SignatureError, match="no Fulcio CA"):
        verify_certificate(_real_cert(), [], TrustRoot(), SIGNED_AT, "l")
    with pytest.raises(SignatureError, match="not a PEM certificate"):
        load_certificate("nope", "l")


def test_der_string_decoding() -> None:
    assert _der_string(b"\x0c\x03abc") == "abc"
    assert _der_string(b"\x0c\x81\x03abc") == "abc"
    assert _der_string(b"\x04\x03abc") is None
    assert _der_string(b"\x0c\x05abc") is None


@given(st.binary(max_size=40))
def test_der_string_never_raises(raw: bytes) -> None:
    value = _der_string(raw)
    assert value is None or isinstance(value, str)
