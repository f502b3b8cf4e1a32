"""``policy-workbench verify REF`` (kwctl ``verify``): check a policy's cosign signatures.

Also the verification flags shared with ``run``/``pull`` (:func:`add_verification_flags`,
:func:`verification_options_from_args`) and the ``inspect --show-signatures`` listing
(:func:`signature_listing`). See docs/signatures.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workbench.cli._common import add_registry_flags, emit
from workbench.core import (
    InputError,
    PolicySource,
    SignatureInfo,
    SourceKind,
    VerificationOptions,
    VerificationReport,
    list_signatures,
    load_public_key_file,
    verification_options,
    verify_policy,
)

__all__ = [
    "add_verification_flags",
    "pretty_signatures",
    "register",
    "run",
    "signature_dict",
    "signature_listing",
    "verification_options_from_args",
]


def add_verification_flags(parser: argparse.ArgumentParser) -> None:
    """kwctl's verification flags (plus the offline trust root files)."""
    group = parser.add_argument_group("signature verification (see docs/signatures.md)")
    group.add_argument(
        "--verification-config-path",
        metavar="FILE",
        help="kwctl verification-config.yml (default: the one in the kwctl config dir, when it exists)",
    )
    group.add_argument(
        "-k",
        "--verification-key",
        dest="verification_keys",
        action="append",
        default=[],
        metavar="FILE",
        help="public key the policy must be signed with (repeatable: all are required)",
    )
    group.add_argument(
        "-a",
        "--verification-annotation",
        dest="verification_annotations",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="annotation the signatures must carry (repeatable)",
    )
    group.add_argument(
        "--cert-email", metavar="EMAIL", help="keyless: the certificate's e-mail (with --cert-oidc-issuer)"
    )
    group.add_argument("--cert-oidc-issuer", metavar="URL", help="keyless: the certificate's OIDC issuer")
    group.add_argument(
        "--github-owner", metavar="OWNER", help="keyless: signed by a GitHub Actions workflow of OWNER"
    )
    group.add_argument("--github-repo", metavar="REPO", help="keyless: ... of this repository of OWNER")
    group.add_argument(
        "--trusted-root",
        "--sigstore-trust-config",
        dest="trusted_root",
        metavar="FILE",
        help="Sigstore trusted_root.json (or a ClientTrustConfig) with the Fulcio CAs and Rekor keys (offline)",
    )
    group.add_argument(
        "--fulcio-cert-path",
        dest="fulcio_cert_paths",
        action="append",
        default=[],
        metavar="FILE",
        help="PEM Fulcio root/intermediate certificates (repeatable)",
    )
    group.add_argument(
        "--rekor-public-key-path",
        dest="rekor_public_key_paths",
        action="append",
        default=[],
        metavar="FILE",
        help="PEM Rekor public key (repeatable)",
    )


def verification_options_from_args(args: argparse.Namespace) -> VerificationOptions | None:
    """The options the flags (or the default config file) ask for; None when nothing is to be verified."""
    return verification_options(
        config_path=getattr(args, "verification_config_path", None),
        keys=getattr(args, "verification_keys", None) or (),
        annotations=getattr(args, "verification_annotations", None) or (),
        cert_email=getattr(args, "cert_email", None),
        cert_oidc_issuer=getattr(args, "cert_oidc_issuer", None),
        github_owner=getattr(args, "github_owner", None),
        github_repo=getattr(args, "github_repo", None),
        trusted_root=getattr(args, "trusted_root", None),
        fulcio_cert_paths=getattr(args, "fulcio_cert_paths", None) or (),
        rekor_public_key_paths=getattr(args, "rekor_public_key_paths", None) or (),
    )


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="verify a policy's cosign signatures in its registry (kwctl verify)")
    p.add_argument("uri", metavar="REF", help="registry://host/repo:tag (scheme optional)")
    add_verification_flags(p)
    add_registry_flags(p)
    p.add_argument("-o", "--output", choices=("text", "json"), default="text", help="report format on stdout")
    p.set_defaults(func=run)


def signature_dict(info: SignatureInfo) -> dict[str, Any]:
    identity = info.identity
    return {
        "layer": info.index,
        "digest": info.layer_digest,
        "mediaType": info.media_type,
        "size": info.size,
        "kind": info.kind.value,
        "signer": info.signer(),
        "keyFingerprint": info.key_fingerprint,
        "certificate": None
        if identity is None
        else {
            "subject": identity.subject,
            "issuer": identity.issuer,
            "trusted": info.certificate_trusted,
            "githubWorkflowRepository": identity.github_workflow_repository,
            "githubWorkflowName": identity.github_workflow_name,
            "githubWorkflowRef": identity.github_workflow_ref,
            "githubWorkflowTrigger": identity.github_workflow_trigger,
            "githubWorkflowSha": identity.github_workflow_sha,
        },
        "signedAt": info.signed_at.strftime("%Y-%m-%dT%H:%M:%SZ") if info.signed_at else None,
        "rekorLogIndex": info.rekor_log_index,
        "signedDigest": info.payload.manifest_digest if info.payload else None,
        "dockerReference": info.payload.docker_reference if info.payload else None,
        "payloadAnnotations": info.payload_annotations,
        "annotations": info.annotations,
        "problems": list(info.problems),
    }


def _report_dict(report: VerificationReport) -> dict[str, Any]:
    return {
        "verified": report.ok,
        "reference": report.reference,
        "digest": report.manifest_digest,
        "signatureReference": report.signature_reference,
        "requirements": [
            {
                "requirement": result.describe(),
                "satisfied": result.satisfied,
                "satisfiedBy": list(result.satisfied_by),
                "reasons": list(result.reasons),
            }
            for result in report.results
        ],
        "signatures": [signature_dict(info) for info in report.signatures],
        "warnings": list(report.warnings),
    }


def run(args: argparse.Namespace) -> int:
    options = verification_options_from_args(args)
    if options is None:
        raise InputError(
            "nothing to verify: give -k KEY, --verification-config-path FILE, --cert-email with "
            "--cert-oidc-issuer, or --github-owner (or create the default verification-config.yml with "
            "'policy-workbench scaffold verification-config')"
        )
    report = verify_policy(
        args.uri,
        options,
        sources_path=args.sources_path,
        docker_config_json_path=args.docker_config_json_path,
    )
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.output == "json":
        emit(_report_dict(report), "json")
    else:
        for result in report.results:
            layers = ", ".join(str(i) for i in result.satisfied_by) or "-"
            state = "satisfied by layer " + layers if result.satisfied else "not satisfied"
            print(f"{result.describe()}: {state}")
    print(f"Policy successfully verified: {report.reference}", file=sys.stderr)
    return 0


def signature_listing(args: argparse.Namespace) -> list[SignatureInfo]:
    """``inspect --show-signatures``: the signature layers of ``args.module`` (keys from ``-k`` identify signers)."""
    source = PolicySource.parse(args.module)
    if source.kind is not SourceKind.REFERENCE or not (source.reference or "").startswith("registry://"):
        raise InputError(f"--show-signatures needs a registry reference, not {args.module!r}")
    keys = [load_public_key_file(path) for path in getattr(args, "verification_keys", None) or ()]
    return list_signatures(
        args.module,
        keys=keys,
        sources_path=getattr(args, "sources_path", None),
        docker_config_json_path=getattr(args, "docker_config_json_path", None),
    )


def pretty_signatures(infos: list[SignatureInfo]) -> str:
    lines = ["", "Sigstore signatures"]
    if not infos:
        lines.append("  none (no sha256-<digest>.sig tag in the repository)")
    for info in infos:
        lines.append(f"  layer {info.index}: {info.signer()}")
        lines.append(f"    digest:     {info.layer_digest} ({info.size} bytes, {info.media_type})")
        if info.payload is not None:
            lines.append(f"    signs:      {info.payload.docker_reference}@{info.payload.manifest_digest}")
            for key, value in sorted(info.payload_annotations.items()):
                lines.append(f"    annotation: {key}={value}")
        if info.signed_at is not None:
            lines.append(
                f"    logged:     {info.signed_at:%Y-%m-%dT%H:%M:%SZ} (Rekor index {info.rekor_log_index})"
            )
        for problem in info.problems:
            lines.append(f"    ! {problem}")
    return "\n".join(lines) + "\n"
