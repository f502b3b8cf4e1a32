"""Verification: real cosign signatures (offline), and our signer + verifier on the real registry.

The refusals the brief names -- a tampered payload, a wrong key, a signature for another
digest, an expired or untrusted certificate -- each fail with their own message, and a
failed verification names every unmet requirement.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from pathlib import Path

import pytest
from core.oci.wasmgen import METADATA, module
from core.signatures.pki import GITHUB_ISSUER, FulcioCA, Rekor, keyless_layer, pem, write_trusted_root
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from helpers import REPO_ROOT
from oci.registry import Registry

from workbench.core.errors import InputError, RegistryNotFound, SignatureError
from workbench.core.oci.artifact import MANIFEST_MEDIA_TYPE
from workbench.core.oci.client import RegistryClient
from workbench.core.oci.reference import parse_oci_reference
from workbench.core.signatures.config import (
    AnyOf,
    GenericIssuerRequirement,
    GithubActionRequirement,
    PubKeyRequirement,
    Requirement,
    SubjectMatch,
    VerificationConfig,
    parse_verification_config,
)
from workbench.core.signatures.keys import PrivateKey, load_public_key, load_public_key_file
from workbench.core.signatures.payload import SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, build_payload
from workbench.core.signatures.registry import (
    SignatureDescriptor,
    SignatureManifest,
    docker_reference,
    signature_manifest_bytes,
    signature_reference,
)
from workbench.core.signatures.sign import sign_policy
from workbench.core.signatures.trust import load_trust_root, trust_root_from_pem_files
from workbench.core.signatures.verify import (
    SignerKind,
    VerificationOptions,
    check_signatures,
    evaluate_policy,
    list_signatures,
    verification_options,
    verify_policy,
)

DATA = REPO_ROOT / "tests" / "data" / "signatures"
REAL_KEYED_DIGEST = "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b"
REAL_KEYLESS_DIGEST = "sha256:5f481572d088dc4023afb35fced9530ced3d9b03bf7299c6f492163cb9f0452e"


# --------------------------------------------------------------------------- offline, real cosign artefacts


def _layer(payload: bytes, annotations: dict[str, str]) -> SignatureDescriptor:
    return SignatureDescriptor(
        SIMPLE_SIGNING_MEDIA_TYPE,
        "sha256:" + hashlib.sha256(payload).hexdigest(),
        len(payload),
        annotations,
        payload,
    )


def _real_keyed_layer(payload: bytes | None = None) -> SignatureDescriptor:
    signature = (DATA / "keyed-signature.b64").read_text()
    return _layer(payload or (DATA / "keyed-payload.json").read_bytes(), {SIGNATURE_ANNOTATION: signature})


def _real_keyless_layer() -> SignatureDescriptor:
    return _layer(
        (DATA / "keyless-2021-payload.json").read_bytes(),
        {
            SIGNATURE_ANNOTATION: (DATA / "keyless-2021-signature.b64").read_text(),
            "dev.sigstore.cosign/certificate": (DATA / "keyless-2021-certificate.pem").read_text(),
            "dev.sigstore.cosign/chain": (DATA / "fulcio-2021-root-1.pem").read_text(),
            "dev.sigstore.cosign/bundle": (DATA / "keyless-2021-bundle.json").read_text(),
        },
    )


def _check(config: VerificationConfig, layers: list[SignatureDescriptor], digest: str, trust_root=None):
    ref = parse_oci_reference("registry-testing.svc.lan/busybox")
    manifest = SignatureManifest(signature_reference(ref, digest), "sha256:" + "0" * 64, tuple(layers))
    return check_signatures(
        config,
        manifest,
        reference=f"registry-testing.svc.lan/busybox@{digest}",
        manifest_digest=digest,
        signature_ref=manifest.reference.whole(),
        trust_root=trust_root,
    )


def _pub_key_config(path: Path = DATA / "keyed-cosign.pub", annotations=None) -> VerificationConfig:
    key = load_public_key_file(path)
    return VerificationConfig((PubKeyRequirement(key, key.pem, None, annotations),))


def test_real_cosign_key_signature_verifies() -> None:
    report = _check(_pub_key_config(), [_real_keyed_layer()], REAL_KEYED_DIGEST)
    assert report.ok
    assert report.results[0].satisfied_by == (1,)
    assert report.signatures[0].key_fingerprint == load_public_key_file(DATA / "keyed-cosign.pub").fingerprint


def test_real_cosign_signature_with_tampered_payload_is_refused() -> None:
    tampered = (
        (DATA / "keyed-payload.json").read_bytes().replace(b'"optional":null', b'"optional":{"env":"prod"}')
    )
    report = _check(_pub_key_config(), [_real_keyed_layer(tampered)], REAL_KEYED_DIGEST)
    assert not report.ok
    assert "layer 1: not signed by this key" in report.failure_message()


def test_real_cosign_signature_with_a_wrong_key_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.pub"
    other.write_bytes(
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    report = _check(_pub_key_config(other), [_real_keyed_layer()], REAL_KEYED_DIGEST)
    message = report.failure_message()
    assert message.splitlines()[1:3] == [
        "missing signatures",
        "The following constraints were not satisfied:",
    ]
    assert "- allOf[0] pubKey (key SHA256:" in message and "layer 1: not signed by this key" in message


def test_real_cosign_signature_for_another_digest_is_refused() -> None:
    other_digest = "sha256:" + "1" * 64
    report = _check(_pub_key_config(), [_real_keyed_layer()], other_digest)
    assert not report.ok
    assert (
        f"the signature is for another image ({REAL_KEYED_DIGEST}, not {other_digest})"
        in report.failure_message()
    )


def test_real_keyless_signature_against_sigstore_public_good_root() -> None:
    """cosign keyless output of 2021 (Fulcio certificate + Rekor bundle), verified offline."""
    trust = load_trust_root(DATA / "sigstore-prod-trusted_root.json")
    config = VerificationConfig(
        (GenericIssuerRequirement("https://accounts.google.com", "flavio@castelli.me", SubjectMatch.EQUAL),)
    )
    report = _check(config, [_real_keyless_layer()], REAL_KEYLESS_DIGEST, trust)
    info = report.signatures[0]
    assert info.kind is SignerKind.CERTIFICATE and info.certificate_trusted
    assert info.identity is not None and info.identity.subject == "flavio@castelli.me"
    assert info.signed_at == datetime.datetime(2021, 10, 20, 7, 25, 17, tzinfo=datetime.UTC)
    assert info.rekor_log_index == 783607 and info.problems == ()
    # a 2021 Fulcio certificate predates the OIDC issuer extension: kwctl's genericIssuer cannot match it either
    assert not report.ok
    assert (
        "layer 1: certificate issuer is missing, not https://accounts.google.com" in report.failure_message()
    )


def test_real_keyless_signature_without_trust_root_is_ignored_like_kwctl() -> None:
    config = VerificationConfig((GithubActionRequirement("kubewarden"),))
    report = _check(config, [_real_keyless_layer()], REAL_KEYLESS_DIGEST)
    assert not report.ok and report.warnings
    assert "certificate ignored: no Fulcio CA given" in report.failure_message()
    assert report.signatures[0].identity is not None and not report.signatures[0].certificate_trusted


def test_real_keyless_signature_is_refused_with_a_forged_bundle_time() -> None:
    trust = trust_root_from_pem_files([DATA / "fulcio-2021-root-1.pem"], [DATA / "rekor-2021.pub"])
    layer = _real_keyless_layer()
    bundle = layer.annotations["dev.sigstore.cosign/bundle"].replace("1634714717", "1634714718")
    forged = dataclasses.replace(
        layer, annotations=layer.annotations | {"dev.sigstore.cosign/bundle": bundle}
    )
    report = _check(VerificationConfig((GithubActionRequirement("x"),)), [forged], REAL_KEYLESS_DIGEST, trust)
    problems = report.signatures[0].problems
    assert "signed entry timestamp does not verify" in problems[0]
    assert "no verified Rekor bundle" in report.failure_message()


# --------------------------------------------------------------------------- offline, keyless with a test Fulcio


@pytest.fixture(scope="module")
def sigstore(tmp_path_factory: pytest.TempPathFactory):
    ca, rekor = FulcioCA.create(), Rekor.create()
    root = write_trusted_root(tmp_path_factory.mktemp("trust") / "trusted_root.json", [ca], rekor)
    return ca, rekor, load_trust_root(root), root


DIGEST = "sha256:" + "ab" * 32
WORKFLOW = "https://github.com/kubewarden/policies/.github/workflows/release.yml@refs/tags/v1"


def _gh_layer(ca: FulcioCA, rekor: Rekor, *, repo="kubewarden/policies", annotations=None, **kwargs):
    payload = build_payload("h/r", DIGEST, annotations)
    cert, key = ca.issue(uri=WORKFLOW, issuer=GITHUB_ISSUER, github_repository=repo, **kwargs)
    return keyless_layer(payload, cert, key, ca, rekor)


def test_keyless_requirements(sigstore) -> None:
    ca, rekor, trust, _ = sigstore
    layer = _gh_layer(ca, rekor, annotations={"env": "prod"})
    good: list[Requirement] = [
        GithubActionRequirement("kubewarden"),
        GithubActionRequirement("kubewarden", "policies", {"env": "prod"}),
        GenericIssuerRequirement(GITHUB_ISSUER, WORKFLOW, SubjectMatch.EQUAL),
        GenericIssuerRequirement(GITHUB_ISSUER, "https://github.com/kubewarden/", SubjectMatch.URL_PREFIX),
    ]
    bad: list[tuple[Requirement, str]] = [
        (GithubActionRequirement("kubewarden", "other"), "repository is not other"),
        (GithubActionRequirement("someone"), "owner is not someone"),
        (
            GithubActionRequirement("kubewarden", None, {"env": "dev"}),
            "lacks annotation(s) env=dev (has env=prod)",
        ),
        (
            GenericIssuerRequirement("https://accounts.google.com", WORKFLOW, SubjectMatch.EQUAL),
            "certificate issuer is",
        ),
        (
            GenericIssuerRequirement(GITHUB_ISSUER, "https://github.com/kube/", SubjectMatch.URL_PREFIX),
            "does not start with",
        ),
    ]
    config = VerificationConfig(tuple(good), AnyOf(tuple(r for r, _ in bad), 1))
    report = _check(config, [layer], DIGEST, trust)
    assert not report.ok
    assert all(r.satisfied for r in report.results if r.section == "allOf")
    message = report.failure_message()
    assert "minimum number of signatures not reached: needed 1, got 0" in message
    for index, (requirement, reason) in enumerate(bad):  # every unmet requirement is named, with its reason
        assert f"- anyOf[{index}] {requirement.describe()}" in message
        assert reason in message


def test_expired_certificate_is_refused(sigstore) -> None:
    ca, rekor, trust, _ = sigstore
    payload = build_payload("h/r", DIGEST)
    cert, key = ca.issue(uri=WORKFLOW, issuer=GITHUB_ISSUER, github_repository="kubewarden/policies")
    late = int(cert.not_valid_after_utc.timestamp()) + 60  # logged after the 10 minutes
    layer = keyless_layer(payload, cert, key, ca, rekor, integrated_time=late)
    report = _check(VerificationConfig((GithubActionRequirement("kubewarden"),)), [layer], DIGEST, trust)
    assert "the signing certificate was not valid at the signing time" in report.failure_message()
    assert "expired certificate" in report.failure_message()


def test_untrusted_certificate_is_refused(sigstore) -> None:
    _ca, rekor, trust, _ = sigstore
    rogue = FulcioCA.create("rogue")
    layer = _gh_layer(rogue, rekor)
    report = _check(VerificationConfig((GithubActionRequirement("kubewarden"),)), [layer], DIGEST, trust)
    assert (
        "layer 1: the signing certificate is not trusted (untrusted certificate" in report.failure_message()
    )


def test_unknown_rekor_log_and_key_mismatch(sigstore) -> None:
    ca, _rekor, trust, _ = sigstore
    layer = _gh_layer(ca, Rekor.create())
    report = _check(VerificationConfig((GithubActionRequirement("kubewarden"),)), [layer], DIGEST, trust)
    assert "Rekor bundle from an unknown log" in report.signatures[0].problems[0]
    # a valid certificate whose key did not make the signature
    other_key = ec.generate_private_key(ec.SECP256R1())
    payload = build_payload("h/r", DIGEST)
    cert, _key = ca.issue(uri=WORKFLOW, issuer=GITHUB_ISSUER, github_repository="kubewarden/policies")
    forged = keyless_layer(payload, cert, other_key, ca, sigstore[1])
    report = _check(VerificationConfig((GithubActionRequirement("kubewarden"),)), [forged], DIGEST, trust)
    assert "the signature does not verify with the certificate's key" in report.failure_message()


def test_github_action_needs_the_workflow_extensions(sigstore) -> None:
    ca, rekor, trust, _ = sigstore
    payload = build_payload("h/r", DIGEST)
    cert, key = ca.issue(uri=WORKFLOW, issuer=GITHUB_ISSUER)  # no repository extension
    layer = keyless_layer(payload, cert, key, ca, rekor)
    email_cert, email_key = ca.issue(email="bot@example.com", issuer=GITHUB_ISSUER)
    email_layer = keyless_layer(payload, email_cert, email_key, ca, rekor)
    report = _check(
        VerificationConfig((GithubActionRequirement("kubewarden"),)), [layer, email_layer], DIGEST, trust
    )
    message = report.failure_message()
    assert "layer 1: The certificate is missing the github_workflow_repository extension" in message
    assert "layer 2: certificate subject is an e-mail address" in message


def test_key_requirement_ignores_keyless_layers_and_vice_versa(sigstore) -> None:
    ca, rekor, trust, _ = sigstore
    layer = _gh_layer(ca, rekor)
    report = _check(_pub_key_config(), [layer], DIGEST, trust)
    assert "layer 1: not signed by this key" in report.failure_message()
    report = _check(
        VerificationConfig((GithubActionRequirement("kubewarden"),)),
        [_real_keyed_layer()],
        REAL_KEYED_DIGEST,
        trust,
    )
    assert "layer 1: key-based signature, no certificate" in report.failure_message()


def test_minimum_matches_counts_requirements(sigstore) -> None:
    ca, rekor, trust, _ = sigstore
    layer = _gh_layer(ca, rekor)
    config = VerificationConfig(
        None,
        AnyOf((GithubActionRequirement("kubewarden"), GithubActionRequirement("kubewarden", "policies")), 2),
    )
    assert _check(config, [layer], DIGEST, trust).ok
    config3 = dataclasses.replace(config, any_of=AnyOf(config.any_of.signatures, 3))  # type: ignore[union-attr]
    assert "needed 3, got 2" in _check(config3, [layer], DIGEST, trust).failure_message()


def test_unusable_layers_are_explained() -> None:
    payload = build_payload("h/r", DIGEST)
    layers = [
        dataclasses.replace(_layer(payload, {}), media_type="application/octet-stream"),
        _layer(payload, {}),
        _layer(payload, {SIGNATURE_ANNOTATION: "%%%"}),
        _layer(b"{}", {SIGNATURE_ANNOTATION: "AAAA"}),
    ]
    message = _check(_pub_key_config(), layers, DIGEST).failure_message()
    assert "layer 1: media type application/octet-stream is not a cosign signature" in message
    assert "layer 2: no dev.cosignproject.cosign/signature annotation" in message
    assert "layer 3: the signature annotation is not base64" in message
    assert "layer 4: the simple-signing payload's 'critical' is not a JSON object" in message


# --------------------------------------------------------------------------- on the real registry


def _key(kind: str) -> PrivateKey:
    raw: object = {
        "p256": lambda: ec.generate_private_key(ec.SECP256R1()),
        "p384": lambda: ec.generate_private_key(ec.SECP384R1()),
        "rsa": lambda: rsa.generate_private_key(65537, 2048),
        "ed25519": ed25519.Ed25519PrivateKey.generate,
    }[kind]()
    assert isinstance(raw, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey, ed25519.Ed25519PrivateKey))
    return PrivateKey(raw, kind)


def _push(client: RegistryClient, registry: Registry, name: str, seed: bytes) -> str:
    ref = registry.ref(f"signed/{name}", "v1")
    client.push(module(metadata=METADATA, seed=seed), ref)
    return ref


def _options(*keys: PrivateKey, annotations=None, trust=None) -> VerificationOptions:
    reqs = tuple(PubKeyRequirement(k.public_key, k.public_key.pem, None, annotations) for k in keys)
    return VerificationOptions(VerificationConfig(reqs), trust)


@pytest.mark.registry
@pytest.mark.parametrize("kind", ["p256", "p384", "rsa", "ed25519"])
def test_sign_then_verify_on_the_registry(
    plain_client: RegistryClient, plain_registry: Registry, kind: str
) -> None:
    ref = _push(plain_client, plain_registry, f"algo-{kind}", kind.encode())
    key = _key(kind)
    result = sign_policy(ref, key, {"env": "prod"}, client=plain_client)
    assert result.added and result.signature_reference.endswith(".sig")
    report = verify_policy(ref, _options(key, annotations={"env": "prod"}), client=plain_client)
    assert report.ok and report.results[0].satisfied_by == (1,)
    assert report.manifest_digest == plain_client.head_manifest(ref)
    with pytest.raises(SignatureError, match="lacks annotation"):
        verify_policy(ref, _options(key, annotations={"env": "dev"}), client=plain_client)


@pytest.mark.registry
def test_two_signers_and_every_unmet_requirement(
    plain_client: RegistryClient, plain_registry: Registry
) -> None:
    ref = _push(plain_client, plain_registry, "two", b"two")
    alice, bob, carol, dave = (_key("p256") for _ in range(4))
    sign_policy(ref, alice, client=plain_client)
    sign_policy(ref, bob, {"team": "b"}, client=plain_client)
    assert verify_policy(ref, _options(alice, bob), client=plain_client).ok
    with pytest.raises(SignatureError) as info:
        verify_policy(ref, _options(alice, carol, dave), client=plain_client)
    message = str(info.value)
    assert "allOf[0]" not in message  # alice signed
    assert message.count("not signed by this key") == 4  # carol and dave, each against both layers
    assert f"- allOf[1] pubKey (key {carol.public_key.fingerprint[:23]}" in message
    assert f"- allOf[2] pubKey (key {dave.public_key.fingerprint[:23]}" in message
    infos = list_signatures(ref, keys=[alice.public_key, bob.public_key], client=plain_client)
    assert [i.key_fingerprint for i in infos] == [alice.public_key.fingerprint, bob.public_key.fingerprint]
    assert infos[1].payload_annotations == {"team": "b"}
    assert "unknown" in list_signatures(ref, client=plain_client)[0].signer()


@pytest.mark.registry
def test_unsigned_policy(plain_client: RegistryClient, plain_registry: Registry) -> None:
    ref = _push(plain_client, plain_registry, "unsigned", b"unsigned")
    with pytest.raises(SignatureError, match="no signatures found for image") as info:
        verify_policy(ref, _options(_key("p256")), client=plain_client)
    assert "no signature layers" in str(info.value)
    assert list_signatures(ref, client=plain_client) == []
    with pytest.raises(RegistryNotFound):
        verify_policy(
            plain_registry.ref("signed/unsigned", "nope"), _options(_key("p256")), client=plain_client
        )


@pytest.mark.registry
def test_signature_copied_to_another_policy_is_refused(
    plain_client: RegistryClient, plain_registry: Registry
) -> None:
    a = _push(plain_client, plain_registry, "copy", b"copy-a")
    b = plain_registry.ref("signed/copy", "v2")
    plain_client.push(module(metadata=METADATA, seed=b"copy-b"), b)
    key = _key("p256")
    sign_policy(a, key, client=plain_client)
    a_digest, b_digest = plain_client.head_manifest(a), plain_client.head_manifest(b)
    assert a_digest and b_digest
    oci = parse_oci_reference(a)
    raw, media_type, _ = plain_client.manifest_bytes(signature_reference(oci, a_digest))
    plain_client.put_manifest(signature_reference(oci, b_digest), raw, media_type)
    with pytest.raises(
        SignatureError, match=f"the signature is for another image \\({a_digest}, not {b_digest}\\)"
    ):
        verify_policy(b, _options(key), client=plain_client)


@pytest.mark.registry
def test_tampered_payload_in_the_registry_is_refused(
    plain_client: RegistryClient, plain_registry: Registry
) -> None:
    ref = _push(plain_client, plain_registry, "tamper", b"tamper")
    key = _key("p256")
    sign_policy(ref, key, {"env": "dev"}, client=plain_client)
    digest = plain_client.head_manifest(ref)
    assert digest
    oci = parse_oci_reference(ref)
    sig_ref = signature_reference(oci, digest)
    manifest = __import__("json").loads(plain_client.manifest_bytes(sig_ref)[0])
    signature = manifest["layers"][0]["annotations"][SIGNATURE_ANNOTATION]
    forged = build_payload(docker_reference(oci), digest, {"env": "prod"})  # same signature, new payload
    layer = SignatureDescriptor(
        SIMPLE_SIGNING_MEDIA_TYPE,
        "sha256:" + hashlib.sha256(forged).hexdigest(),
        len(forged),
        {SIGNATURE_ANNOTATION: signature},
    )
    raw, config = signature_manifest_bytes([layer])
    plain_client.put_blob(sig_ref, config)
    plain_client.put_blob(sig_ref, forged)
    plain_client.put_manifest(sig_ref, raw, MANIFEST_MEDIA_TYPE)
    with pytest.raises(SignatureError, match="layer 1: not signed by this key"):
        verify_policy(ref, _options(key, annotations={"env": "prod"}), client=plain_client)


@pytest.mark.registry
def test_keyless_end_to_end_with_a_trusted_root_file(
    plain_client: RegistryClient, plain_registry: Registry, sigstore, tmp_path: Path
) -> None:
    ca, rekor, _trust, root_file = sigstore
    ref = _push(plain_client, plain_registry, "keyless", b"keyless")
    digest = plain_client.head_manifest(ref)
    assert digest
    oci = parse_oci_reference(ref)
    payload = build_payload(docker_reference(oci), digest)
    cert, key = ca.issue(uri=WORKFLOW, issuer=GITHUB_ISSUER, github_repository="kubewarden/policies")
    layer = keyless_layer(payload, cert, key, ca, rekor)
    raw, config = signature_manifest_bytes([layer])
    sig_ref = signature_reference(oci, digest)
    plain_client.put_blob(sig_ref, config)
    plain_client.put_blob(sig_ref, payload)
    plain_client.put_manifest(sig_ref, raw, MANIFEST_MEDIA_TYPE)
    config_file = tmp_path / "vc.yml"
    config_file.write_text(
        "apiVersion: v1\nallOf:\n- kind: githubAction\n  owner: kubewarden\n  repo: policies\n"
    )
    options = verification_options(config_path=config_file, trusted_root=root_file, use_default_config=False)
    assert options is not None
    report = verify_policy(ref, options, client=plain_client)
    assert report.ok and report.signatures[0].certificate_trusted
    # the same signature without the trust root: kwctl discards keyless signatures
    bare = evaluate_policy(ref, VerificationOptions(options.config), client=plain_client)
    assert not bare.ok and "certificate ignored" in bare.failure_message()
    infos = list_signatures(ref, trust_root=options.trust_root, client=plain_client)
    assert "certificate: " + WORKFLOW in infos[0].signer() and "kubewarden/policies" in infos[0].signer()
    assert pem(cert) == infos[0].annotations["dev.sigstore.cosign/certificate"]


def test_verification_options_like_kwctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    key = tmp_path / "k.pub"
    key.write_text(load_public_key_file(DATA / "keyed-cosign.pub").pem)
    vc = tmp_path / "vc.yml"
    vc.write_text("apiVersion: v1\nallOf: [{kind: githubAction, owner: kubewarden}]\n")
    assert verification_options() is None
    with pytest.raises(InputError, match="cannot be used in conjunction with other verification flags"):
        verification_options(config_path=vc, keys=[key])
    with pytest.raises(InputError, match="nothing to verify"):
        verification_options(trusted_root=DATA / "sigstore-prod-trusted_root.json")
    default = tmp_path / "xdg" / "kubewarden" / "verification-config.yml"
    default.parent.mkdir(parents=True)
    default.write_text(vc.read_text())
    options = verification_options(fulcio_cert_paths=[DATA / "fulcio-2021-root-1.pem"])
    assert options is not None and options.config.source == str(default)
    assert options.trust_root is not None and len(options.trust_root.authorities) == 1
    assert verification_options(use_default_config=False) is None
    keyed = verification_options(keys=[key], annotations=["a=b"])
    assert keyed is not None and keyed.config.all_of and keyed.config.all_of[0].annotations == {"a": "b"}
    assert parse_verification_config(vc.read_text()).all_of == options.config.all_of
    assert load_public_key(key.read_text(), "k").fingerprint == keyed.config.all_of[0].key.fingerprint  # type: ignore[union-attr]
