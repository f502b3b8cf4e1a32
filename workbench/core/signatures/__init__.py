"""cosign-style signatures for Kubewarden policies: verify (kwctl ``verify``), sign, list.

* :mod:`.payload` — the simple-signing payload (build byte-exact, parse);
* :mod:`.keys` — ECDSA / RSA / Ed25519 keys, fingerprints, signing and verifying;
* :mod:`.trust` — the Sigstore trust root from ``trusted_root.json`` or PEM files;
* :mod:`.certificate` — Fulcio certificates: chain, validity, identity;
* :mod:`.rekor` — the Rekor bundle annotation and its signed entry timestamp;
* :mod:`.config` — kwctl's ``verification-config.yml`` and its scaffold;
* :mod:`.registry` — the ``sha256-<hex>.sig`` image in the registry;
* :mod:`.verify` / :mod:`.sign` — the operations.

Qt-free; network only through :class:`~workbench.core.oci.client.RegistryClient`.
See docs/signatures.md.
"""

from __future__ import annotations

from workbench.core.signatures.certificate import CertificateIdentity, SubjectKind
from workbench.core.signatures.config import (
    AnyOf,
    GenericIssuerRequirement,
    GithubActionRequirement,
    PubKeyRequirement,
    Requirement,
    RequirementKind,
    SubjectMatch,
    VerificationConfig,
    config_from_flags,
    default_verification_config_path,
    load_verification_config,
    parse_verification_config,
    scaffold_verification_config,
)
from workbench.core.signatures.keys import (
    KeyAlgorithm,
    PrivateKey,
    PublicKey,
    load_private_key,
    load_private_key_file,
    load_public_key,
    load_public_key_file,
)
from workbench.core.signatures.sign import SignResult, sign_policy
from workbench.core.signatures.trust import TrustRoot, load_trust_root, trust_root_from_pem_files
from workbench.core.signatures.verify import (
    RequirementResult,
    SignatureInfo,
    SignerKind,
    VerificationOptions,
    VerificationReport,
    check_signatures,
    evaluate_policy,
    list_signatures,
    verification_options,
    verify_policy,
)

__all__ = [
    "AnyOf",
    "CertificateIdentity",
    "GenericIssuerRequirement",
    "GithubActionRequirement",
    "KeyAlgorithm",
    "PrivateKey",
    "PubKeyRequirement",
    "PublicKey",
    "Requirement",
    "RequirementKind",
    "RequirementResult",
    "SignResult",
    "SignatureInfo",
    "SignerKind",
    "SubjectKind",
    "SubjectMatch",
    "TrustRoot",
    "VerificationConfig",
    "VerificationOptions",
    "VerificationReport",
    "check_signatures",
    "config_from_flags",
    "default_verification_config_path",
    "evaluate_policy",
    "list_signatures",
    "load_private_key",
    "load_private_key_file",
    "load_public_key",
    "load_public_key_file",
    "load_trust_root",
    "load_verification_config",
    "parse_verification_config",
    "scaffold_verification_config",
    "sign_policy",
    "trust_root_from_pem_files",
    "verification_options",
    "verify_policy",
]
