"""Verify a policy's cosign signatures against a verification config, as kwctl does.

Steps (kwctl / policy-fetcher ``verify``, sigstore-rs ``trusted_signature_layers``):

1. resolve the policy reference to its manifest digest and fetch ``sha256-<hex>.sig``;
2. read every signature layer: a simple-signing payload for *this* digest, a base64
   signature; a Rekor bundle whose SET verifies with a trusted Rekor key gives the signing
   time; a certificate counts only when it chains to a trusted Fulcio CA at that time
   (so keyless signatures need a trust root *and* a bundle) and the signature verifies
   with its key;
3. every ``allOf`` requirement must be satisfied by at least one layer, and at least
   ``minimumMatches`` of the ``anyOf`` requirements.

Unlike kwctl, a failure names *every* unmet requirement of both lists, each with the
reason every layer gave (kwctl stops at the first failing list and prints the
requirement only). See docs/signatures.md, section "Verification rules".
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from cryptography import x509

from workbench.core.errors import InputError, SignatureError
from workbench.core.signatures.certificate import (
    CERTIFICATE_ANNOTATION,
    CHAIN_ANNOTATION,
    CertificateIdentity,
    SubjectKind,
    certificate_identity,
    certificate_pem,
    load_certificate,
    verify_certificate,
)
from workbench.core.signatures.config import (
    GITHUB_ACTIONS_ISSUER,
    GenericIssuerRequirement,
    GithubActionRequirement,
    PubKeyRequirement,
    Requirement,
    SubjectMatch,
    VerificationConfig,
    config_from_flags,
    default_verification_config_path,
    load_verification_config,
)
from workbench.core.signatures.keys import PublicKey, decode_signature
from workbench.core.signatures.payload import (
    COSIGN_SIGNATURE_TYPE,
    SIGNATURE_ANNOTATION,
    SIMPLE_SIGNING_MEDIA_TYPE,
    SimpleSigningPayload,
    parse_payload,
)
from workbench.core.signatures.registry import (
    SignatureDescriptor,
    SignatureManifest,
    as_reference,
    fetch_signature_manifest,
    make_client,
    resolve_digest,
    signature_reference,
)
from workbench.core.signatures.rekor import (
    BUNDLE_ANNOTATION,
    RekorBundle,
    canonical_set_payload,
    parse_bundle,
)
from workbench.core.signatures.trust import TrustRoot, load_trust_root, trust_root_from_pem_files

if TYPE_CHECKING:
    from workbench.core.oci.client import RegistryClient
    from workbench.core.oci.distribution import CancelLike
    from workbench.core.oci.reference import OciReference

__all__ = [
    "RequirementResult",
    "SignatureInfo",
    "SignerKind",
    "VerificationOptions",
    "VerificationReport",
    "analyse_signatures",
    "check_signatures",
    "evaluate_policy",
    "list_signatures",
    "verification_options",
    "verify_policy",
]


class SignerKind(StrEnum):
    KEY = "key"
    CERTIFICATE = "certificate"


@dataclasses.dataclass(frozen=True)
class SignatureInfo:
    """One signature layer as found, and what could be established about it."""

    index: int  # 1-based layer number
    layer_digest: str
    media_type: str
    size: int
    annotations: dict[str, str]
    kind: SignerKind
    payload: SimpleSigningPayload | None = None
    #: the certificate's identity (read even when the certificate is not trusted)
    identity: CertificateIdentity | None = None
    #: True when the certificate chains to the trust root and the signature verifies with it
    certificate_trusted: bool = False
    #: fingerprint of the given public key that verifies this signature, if any
    key_fingerprint: str | None = None
    #: trusted signing time (from a verified Rekor bundle)
    signed_at: datetime.datetime | None = None
    rekor_log_index: int | None = None
    #: why this layer cannot count (or counts only partly)
    problems: tuple[str, ...] = ()

    @property
    def payload_annotations(self) -> dict[str, str]:
        return self.payload.annotations if self.payload else {}

    def signer(self) -> str:
        """Human description of who signed."""
        if self.kind is SignerKind.CERTIFICATE and self.identity is not None:
            trust = "" if self.certificate_trusted else " [certificate not verified]"
            return f"certificate: {self.identity.describe()}{trust}"
        if self.key_fingerprint:
            return f"key {self.key_fingerprint}"
        return "key (unknown: give the public key with -k to identify it)"


@dataclasses.dataclass(frozen=True)
class RequirementResult:
    section: str  # "allOf" | "anyOf"
    index: int
    requirement: Requirement
    satisfied_by: tuple[int, ...]  # layer numbers
    reasons: tuple[str, ...]  # why each layer does not satisfy it

    @property
    def satisfied(self) -> bool:
        return bool(self.satisfied_by)

    def describe(self) -> str:
        return f"{self.section}[{self.index}] {self.requirement.describe()}"


@dataclasses.dataclass(frozen=True)
class VerificationReport:
    reference: str  # what was verified, immutable: host/repo@sha256:...
    manifest_digest: str
    signature_reference: str
    signatures: tuple[SignatureInfo, ...]
    results: tuple[RequirementResult, ...]
    any_of_minimum: int | None = None
    found_signatures: bool = True
    warnings: tuple[str, ...] = ()

    @property
    def all_of_failures(self) -> list[RequirementResult]:
        return [r for r in self.results if r.section == "allOf" and not r.satisfied]

    @property
    def any_of_matches(self) -> int:
        return sum(1 for r in self.results if r.section == "anyOf" and r.satisfied)

    @property
    def any_of_failed(self) -> bool:
        return self.any_of_minimum is not None and self.any_of_matches < self.any_of_minimum

    @property
    def ok(self) -> bool:
        return not self.all_of_failures and not self.any_of_failed

    def failure_message(self) -> str:
        """kwctl's headline(s), then every unmet requirement with the reasons."""
        lines = [f"Image verification failed for {self.reference}"]
        if not self.found_signatures:
            lines.append(f"no signatures found for image: {self.reference} (no {self.signature_reference})")
        if self.all_of_failures:
            lines.append("missing signatures")
            lines.append("The following constraints were not satisfied:")
            lines.extend(_result_lines(self.all_of_failures))
        if self.any_of_failed:
            lines.append(
                f"minimum number of signatures not reached: needed {self.any_of_minimum}, got {self.any_of_matches}"
            )
            lines.append("The following constraints were not satisfied:")
            lines.extend(_result_lines([r for r in self.results if r.section == "anyOf" and not r.satisfied]))
        return "\n".join(lines)


def _result_lines(results: Sequence[RequirementResult]) -> list[str]:
    lines = []
    for result in results:
        lines.append(f"- {result.describe()}")
        lines.extend(f"    {reason}" for reason in result.reasons)
    return lines


@dataclasses.dataclass(frozen=True)
class VerificationOptions:
    """What to require (``config``) and whom to trust for keyless signatures (``trust_root``)."""

    config: VerificationConfig
    trust_root: TrustRoot | None = None


# --------------------------------------------------------------------------- layer analysis


@dataclasses.dataclass
class _Layer:
    info: SignatureInfo
    payload_bytes: bytes
    signature: bytes | None
    #: payload parsed, for this digest, with a signature: the layer can satisfy something
    usable: bool
    #: trusted identity of a verified keyless signature
    trusted_identity: CertificateIdentity | None = None
    #: why the certificate does not count (keyless requirements quote it)
    certificate_problem: str | None = None


def _verified_bundle(
    descriptor: SignatureDescriptor, trust_root: TrustRoot | None, where: str, problems: list[str]
) -> RekorBundle | None:
    text = descriptor.annotations.get(BUNDLE_ANNOTATION)
    if text is None:
        return None
    try:
        bundle = parse_bundle(text, where)
    except SignatureError as exc:
        problems.append(str(exc))
        return None
    if trust_root is None or not trust_root.logs:
        problems.append(f"{where}: Rekor bundle ignored: no Rekor key in the trust root")
        return None
    log = trust_root.log(bundle.log_id)
    if log is None:
        problems.append(f"{where}: Rekor bundle from an unknown log {bundle.log_id[:16]}…: untrusted")
        return None
    if not log.covers(bundle.signed_at):
        problems.append(
            f"{where}: the Rekor key {log.source} was not valid at {bundle.signed_at:%Y-%m-%dT%H:%M:%SZ}"
        )
        return None
    if not log.key.verify(bundle.signed_entry_timestamp, canonical_set_payload(bundle)):
        problems.append(
            f"{where}: the Rekor bundle's signed entry timestamp does not verify with the Rekor key"
        )
        return None
    return bundle


def _analyse_layer(
    descriptor: SignatureDescriptor,
    index: int,
    manifest_digest: str,
    trust_root: TrustRoot | None,
    keys: Sequence[PublicKey],
) -> _Layer:
    where = f"layer {index}"
    problems: list[str] = []
    kind = SignerKind.CERTIFICATE if CERTIFICATE_ANNOTATION in descriptor.annotations else SignerKind.KEY
    payload: SimpleSigningPayload | None = None
    signature: bytes | None = None
    usable = False
    if descriptor.media_type != SIMPLE_SIGNING_MEDIA_TYPE:
        problems.append(f"{where}: media type {descriptor.media_type} is not a cosign signature")
    elif descriptor.blob is None:
        problems.append(f"{where}: payload of {descriptor.size} bytes not downloaded (too large)")
    else:
        try:
            payload = parse_payload(descriptor.blob, where)
            if payload.manifest_digest != manifest_digest:
                problems.append(
                    f"{where}: the signature is for another image ({payload.manifest_digest}, not {manifest_digest})"
                )
            elif payload.type != COSIGN_SIGNATURE_TYPE:
                problems.append(f"{where}: payload type {payload.type!r} is not {COSIGN_SIGNATURE_TYPE!r}")
            else:
                usable = True
        except SignatureError as exc:
            problems.append(str(exc))
        text = descriptor.annotations.get(SIGNATURE_ANNOTATION)
        if text is None:
            problems.append(f"{where}: no {SIGNATURE_ANNOTATION} annotation")
            usable = False
        else:
            try:
                signature = decode_signature(text, where)
            except SignatureError as exc:
                problems.append(str(exc))
                usable = False
    payload_bytes = descriptor.blob or b""
    key_fingerprint = None
    if usable and signature is not None:
        for key in keys:
            if key.verify(signature, payload_bytes):
                key_fingerprint = key.fingerprint
                break
    bundle = _verified_bundle(descriptor, trust_root, where, problems)
    identity = None
    trusted_identity = None
    certificate_problem = None
    if kind is SignerKind.CERTIFICATE:
        try:
            cert = load_certificate(descriptor.annotations[CERTIFICATE_ANNOTATION], where)
            identity = certificate_identity(cert, where)
            trusted_identity = _trusted_identity(
                cert, descriptor, bundle, trust_root, signature, payload_bytes, usable, where
            )
        except SignatureError as exc:
            certificate_problem = str(exc)
            problems.append(certificate_problem)
    info = SignatureInfo(
        index=index,
        layer_digest=descriptor.digest,
        media_type=descriptor.media_type,
        size=descriptor.size,
        annotations=dict(descriptor.annotations),
        kind=kind,
        payload=payload,
        identity=identity,
        certificate_trusted=trusted_identity is not None,
        key_fingerprint=key_fingerprint,
        signed_at=bundle.signed_at if bundle else None,
        rekor_log_index=bundle.log_index if bundle else None,
        problems=tuple(problems),
    )
    return _Layer(info, payload_bytes, signature, usable, trusted_identity, certificate_problem)


def _trusted_identity(
    cert: x509.Certificate,
    descriptor: SignatureDescriptor,
    bundle: RekorBundle | None,
    trust_root: TrustRoot | None,
    signature: bytes | None,
    payload: bytes,
    usable: bool,
    where: str,
) -> CertificateIdentity:
    if trust_root is None or not trust_root.authorities:
        raise SignatureError(
            f"{where}: certificate ignored: no Fulcio CA given (--trusted-root or --fulcio-cert-path)"
        )
    if bundle is None:
        raise SignatureError(
            f"{where}: certificate ignored: no verified Rekor bundle proves the signing time"
        )
    chain: list[x509.Certificate] = []
    chain_text = descriptor.annotations.get(CHAIN_ANNOTATION)
    if chain_text:
        try:
            chain = x509.load_pem_x509_certificates(chain_text.encode("utf-8"))
        except ValueError:
            raise SignatureError(f"{where}: the certificate chain annotation is not PEM") from None
    identity, key = verify_certificate(cert, chain, trust_root, bundle.signed_at, where)
    if not usable or signature is None:
        raise SignatureError(f"{where}: certificate ignored: the signature itself is unusable")
    if not key.verify(signature, payload):
        raise SignatureError(f"{where}: the signature does not verify with the certificate's key")
    bundle.check_entry_matches(
        signature=signature, payload=payload, certificate_pem=certificate_pem(cert), where=where
    )
    return identity


def analyse_signatures(
    manifest: SignatureManifest | None,
    manifest_digest: str,
    trust_root: TrustRoot | None = None,
    keys: Sequence[PublicKey] = (),
) -> list[_Layer]:
    if manifest is None:
        return []
    return [
        _analyse_layer(descriptor, index, manifest_digest, trust_root, keys)
        for index, descriptor in enumerate(manifest.layers, start=1)
    ]


# --------------------------------------------------------------------------- requirements


def _annotation_gap(layer: _Layer, required: dict[str, str] | None) -> str | None:
    if not required or layer.info.payload is None:
        return None
    present = layer.info.payload.annotations
    missing = [f"{k}={v}" for k, v in sorted(required.items()) if present.get(k) != v]
    if not missing:
        return None
    has = ", ".join(f"{k}={v}" for k, v in sorted(present.items())) or "none"
    return f"lacks annotation(s) {', '.join(missing)} (has {has})"


def _unusable_reason(layer: _Layer) -> str:
    return layer.info.problems[0] if layer.info.problems else f"layer {layer.info.index}: unusable"


def _check_pub_key(requirement: PubKeyRequirement, layer: _Layer) -> str | None:
    where = f"layer {layer.info.index}"
    if not layer.usable or layer.signature is None:
        return _unusable_reason(layer)
    if not requirement.key.verify(layer.signature, layer.payload_bytes):
        return f"{where}: not signed by this key"
    gap = _annotation_gap(layer, requirement.annotations)
    return f"{where}: signed by this key but {gap}" if gap else None


def _check_keyless(layer: _Layer) -> tuple[CertificateIdentity | None, str | None]:
    where = f"layer {layer.info.index}"
    if layer.info.kind is SignerKind.KEY:
        if not layer.usable:
            return None, _unusable_reason(layer)
        return None, f"{where}: key-based signature, no certificate"
    if layer.trusted_identity is None:
        return None, layer.certificate_problem or _unusable_reason(layer)
    return layer.trusted_identity, None


def _check_generic_issuer(requirement: GenericIssuerRequirement, layer: _Layer) -> str | None:
    identity, problem = _check_keyless(layer)
    if identity is None:
        return problem
    where = f"layer {layer.info.index}"
    if identity.issuer != requirement.issuer:
        return f"{where}: certificate issuer is {identity.issuer or 'missing'}, not {requirement.issuer}"
    if requirement.match is SubjectMatch.EQUAL and identity.subject != requirement.subject:
        return f"{where}: certificate subject is {identity.subject}, not {requirement.subject}"
    if requirement.match is SubjectMatch.URL_PREFIX and not identity.subject.startswith(requirement.subject):
        return f"{where}: certificate subject {identity.subject} does not start with {requirement.subject}"
    gap = _annotation_gap(layer, requirement.annotations)
    return f"{where}: identity matches but {gap}" if gap else None


def _github_owner_repo(url: str) -> tuple[str, str] | None:
    """kwctl's ``GitHubRepo::try_from``: host github.com and two path segments."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "") != "github.com":
        return None
    segments = parts.path.split("/")[1:]
    if len(segments) < 2:
        return None
    return segments[0], segments[1]


def _check_github_action(requirement: GithubActionRequirement, layer: _Layer) -> str | None:
    identity, problem = _check_keyless(layer)
    if identity is None:
        return problem
    where = f"layer {layer.info.index}"
    if identity.issuer != GITHUB_ACTIONS_ISSUER:
        return f"{where}: certificate issuer is {identity.issuer or 'missing'}, not {GITHUB_ACTIONS_ISSUER}"
    if identity.subject_kind is SubjectKind.EMAIL:
        return f"{where}: certificate subject is an e-mail address ({identity.subject}), not a GitHub workflow URL"
    if _github_owner_repo(identity.subject) is None:
        return (
            f"{where}: The certificate subject url doesn't seem a GitHub valid one, despite the issuer being the "
            f"GitHub Action one: {identity.subject}"
        )
    repository = identity.github_workflow_repository
    if repository is None:
        return (
            f"{where}: The certificate is missing the github_workflow_repository extension despite being a "
            "GitHub Action one"
        )
    owner_repo = _github_owner_repo(f"https://github.com/{repository}")
    if owner_repo is None:
        return (
            f"{where}: The certificate doesn't have a valid github_workflow_repository extension, despite the "
            f"issuer being the GitHub Action one: {repository}"
        )
    if owner_repo[0] != requirement.owner:
        return f"{where}: signed by a workflow of {owner_repo[0]}/{owner_repo[1]}, owner is not {requirement.owner}"
    if requirement.repo is not None and owner_repo[1] != requirement.repo:
        return f"{where}: signed by a workflow of {owner_repo[0]}/{owner_repo[1]}, repository is not {requirement.repo}"
    gap = _annotation_gap(layer, requirement.annotations)
    return f"{where}: workflow matches but {gap}" if gap else None


def _evaluate(
    requirement: Requirement, layers: Sequence[_Layer], section: str, index: int
) -> RequirementResult:
    satisfied: list[int] = []
    reasons: list[str] = []
    for layer in layers:
        if isinstance(requirement, PubKeyRequirement):
            reason = _check_pub_key(requirement, layer)
        elif isinstance(requirement, GenericIssuerRequirement):
            reason = _check_generic_issuer(requirement, layer)
        else:
            reason = _check_github_action(requirement, layer)
        if reason is None:
            satisfied.append(layer.info.index)
        else:
            reasons.append(reason)
    if not layers:
        reasons.append("no signature layers")
    return RequirementResult(
        section, index, requirement, tuple(satisfied), tuple(reasons) if not satisfied else ()
    )


def check_signatures(
    config: VerificationConfig,
    manifest: SignatureManifest | None,
    *,
    reference: str,
    manifest_digest: str,
    signature_ref: str,
    trust_root: TrustRoot | None = None,
) -> VerificationReport:
    """Evaluate fetched signatures against ``config`` (offline; no exception for unmet requirements)."""
    keys = [
        r.key
        for r in (*(config.all_of or ()), *(config.any_of.signatures if config.any_of else ()))
        if isinstance(r, PubKeyRequirement)
    ]
    layers = analyse_signatures(manifest, manifest_digest, trust_root, keys)
    results = [_evaluate(r, layers, "allOf", i) for i, r in enumerate(config.all_of or ())]
    if config.any_of is not None:
        results += [_evaluate(r, layers, "anyOf", i) for i, r in enumerate(config.any_of.signatures)]
    warnings = []
    if trust_root is None and any(layer.info.kind is SignerKind.CERTIFICATE for layer in layers):
        warnings.append(
            "keyless signatures are ignored: no Sigstore trust root given (--trusted-root, or --fulcio-cert-path "
            "with --rekor-public-key-path)"
        )
    return VerificationReport(
        reference=reference,
        manifest_digest=manifest_digest,
        signature_reference=signature_ref,
        signatures=tuple(layer.info for layer in layers),
        results=tuple(results),
        any_of_minimum=config.any_of.minimum_matches if config.any_of else None,
        found_signatures=manifest is not None and bool(manifest.layers),
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------- registry entry points


def _with_client(
    client: RegistryClient | None, sources_path: str | Path | None, docker_config_json_path: str | Path | None
) -> tuple[RegistryClient, bool]:
    if client is not None:
        return client, False
    return make_client(sources_path, docker_config_json_path), True


def _fetch(
    ref: str | OciReference, client: RegistryClient, cancel: CancelLike | None
) -> tuple[OciReference, str, SignatureManifest | None]:
    oci = as_reference(ref)
    digest = resolve_digest(client, oci, cancel)
    return oci, digest, fetch_signature_manifest(client, oci, digest, cancel=cancel)


def verify_policy(
    ref: str | OciReference,
    options: VerificationOptions,
    *,
    client: RegistryClient | None = None,
    sources_path: str | Path | None = None,
    docker_config_json_path: str | Path | None = None,
    cancel: CancelLike | None = None,
) -> VerificationReport:
    """Verify the policy at ``ref``; :class:`SignatureError` naming each unmet requirement if it fails.

    Returns the report (its ``manifest_digest`` is the verified digest: pull that, not the tag).
    """
    report = evaluate_policy(
        ref,
        options,
        client=client,
        sources_path=sources_path,
        docker_config_json_path=docker_config_json_path,
        cancel=cancel,
    )
    if not report.ok:
        raise SignatureError(report.failure_message())
    return report


def evaluate_policy(
    ref: str | OciReference,
    options: VerificationOptions,
    *,
    client: RegistryClient | None = None,
    sources_path: str | Path | None = None,
    docker_config_json_path: str | Path | None = None,
    cancel: CancelLike | None = None,
) -> VerificationReport:
    """Like :func:`verify_policy` but returns a failed report instead of raising (for the window)."""
    active, own = _with_client(client, sources_path, docker_config_json_path)
    try:
        oci, digest, manifest = _fetch(ref, active, cancel)
    finally:
        if own:
            active.close()
    return check_signatures(
        options.config,
        manifest,
        reference=f"{oci.name}@{digest}",
        manifest_digest=digest,
        signature_ref=signature_reference(oci, digest).whole(),
        trust_root=options.trust_root,
    )


def list_signatures(
    ref: str | OciReference,
    *,
    keys: Sequence[PublicKey] = (),
    trust_root: TrustRoot | None = None,
    client: RegistryClient | None = None,
    sources_path: str | Path | None = None,
    docker_config_json_path: str | Path | None = None,
    cancel: CancelLike | None = None,
) -> list[SignatureInfo]:
    """Every signature layer of ``ref`` with its signer (key fingerprint when a given key verifies it,
    certificate issuer + subject + workflow otherwise); empty when the policy is unsigned."""
    active, own = _with_client(client, sources_path, docker_config_json_path)
    try:
        _oci, digest, manifest = _fetch(ref, active, cancel)
    finally:
        if own:
            active.close()
    return [layer.info for layer in analyse_signatures(manifest, digest, trust_root, keys)]


def verification_options(
    *,
    config_path: str | Path | None = None,
    keys: Sequence[str | Path] = (),
    annotations: Sequence[str] = (),
    cert_email: str | None = None,
    cert_oidc_issuer: str | None = None,
    github_owner: str | None = None,
    github_repo: str | None = None,
    trusted_root: str | Path | None = None,
    fulcio_cert_paths: Sequence[str | Path] = (),
    rekor_public_key_paths: Sequence[str | Path] = (),
    use_default_config: bool = True,
) -> VerificationOptions | None:
    """kwctl's ``build_verification_options``: flags, else ``--verification-config-path``, else the
    default ``verification-config.yml`` when it exists; None when nothing asks for verification."""
    config = config_from_flags(
        keys=keys,
        annotations=annotations,
        cert_email=cert_email,
        cert_oidc_issuer=cert_oidc_issuer,
        github_owner=github_owner,
        github_repo=github_repo,
    )
    if config is not None and config_path is not None:
        raise InputError(
            "verification-config-path cannot be used in conjunction with other verification flags"
        )
    if config is None and config_path is not None:
        config = load_verification_config(config_path)
    if config is None and use_default_config:
        default = default_verification_config_path()
        if default.is_file():
            config = load_verification_config(default)
    if config is None:
        if trusted_root is not None or fulcio_cert_paths or rekor_public_key_paths:
            raise InputError(
                "a trust root was given but nothing to verify: add -k KEY, --verification-config-path FILE "
                "or the certificate identity flags"
            )
        return None
    trust: TrustRoot | None = None
    if trusted_root is not None:
        trust = load_trust_root(trusted_root)
    if fulcio_cert_paths or rekor_public_key_paths:
        pem_root = trust_root_from_pem_files(fulcio_cert_paths, rekor_public_key_paths)
        trust = pem_root if trust is None else trust.merged(pem_root)
    return VerificationOptions(config, trust)
