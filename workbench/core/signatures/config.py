"""kwctl's ``verification-config.yml``: which signatures a policy must carry.

Format (policy-fetcher ``verify/config.rs``, ``apiVersion: v1``)::

    apiVersion: v1
    allOf:                      # every one of these must be satisfied
    - kind: pubKey              # signed with this key
      owner: someone            # optional, informative
      key: |
        -----BEGIN PUBLIC KEY-----
        ...
      annotations: {env: prod}  # optional: the signature must carry these
    - kind: genericIssuer       # keyless: certificate issuer + subject
      issuer: https://token.actions.githubusercontent.com
      subject:
        equal: https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main
        # or  urlPrefix: https://github.com/org   (a "/" is appended to the path)
    - kind: githubAction        # keyless, signed in a GitHub Actions workflow
      owner: kubewarden
      repo: policies            # optional
    anyOf:                      # at least minimumMatches (default 1) of these
      minimumMatches: 1
      signatures: [...]

Parsing is strict like serde's ``deny_unknown_fields``: an unknown key, a wrong type or
a missing field is an :class:`~workbench.core.errors.InputError` naming the file and the
field. As in kwctl, a document without ``apiVersion`` is read as v1, another version is
refused, and at least one of ``allOf`` / ``anyOf`` is required. Unlike kwctl, a public
key that does not parse is refused when the file is read (kwctl only counts it as an
unmet requirement). See docs/signatures.md, section "Verification config".
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from workbench.core.errors import InputError
from workbench.core.signatures.keys import PublicKey, load_public_key
from workbench.core.yamlio import load_yaml, read_text

__all__ = [
    "GITHUB_ACTIONS_ISSUER",
    "VERIFICATION_CONFIG_NAME",
    "AnyOf",
    "GenericIssuerRequirement",
    "GithubActionRequirement",
    "PubKeyRequirement",
    "Requirement",
    "RequirementKind",
    "SubjectMatch",
    "VerificationConfig",
    "config_from_flags",
    "default_verification_config_path",
    "load_verification_config",
    "parse_verification_config",
    "scaffold_verification_config",
]

VERIFICATION_CONFIG_NAME = "verification-config.yml"
GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com"


class RequirementKind(StrEnum):
    PUB_KEY = "pubKey"
    GENERIC_ISSUER = "genericIssuer"
    GITHUB_ACTION = "githubAction"


class SubjectMatch(StrEnum):
    EQUAL = "equal"
    URL_PREFIX = "urlPrefix"


Annotations = dict[str, str]


@dataclasses.dataclass(frozen=True)
class PubKeyRequirement:
    key: PublicKey
    key_pem: str
    owner: str | None = None
    annotations: Annotations | None = None
    kind: RequirementKind = dataclasses.field(default=RequirementKind.PUB_KEY, init=False)

    def describe(self) -> str:
        owner = f", owner {self.owner}" if self.owner else ""
        return f"pubKey (key {self.key.fingerprint[:23]}…{owner}){_describe_annotations(self.annotations)}"


@dataclasses.dataclass(frozen=True)
class GenericIssuerRequirement:
    issuer: str
    subject: str
    match: SubjectMatch
    annotations: Annotations | None = None
    kind: RequirementKind = dataclasses.field(default=RequirementKind.GENERIC_ISSUER, init=False)

    def describe(self) -> str:
        how = "subject equal to" if self.match is SubjectMatch.EQUAL else "subject starting with"
        return f"genericIssuer (issuer {self.issuer}, {how} {self.subject}){_describe_annotations(self.annotations)}"


@dataclasses.dataclass(frozen=True)
class GithubActionRequirement:
    owner: str
    repo: str | None = None
    annotations: Annotations | None = None
    kind: RequirementKind = dataclasses.field(default=RequirementKind.GITHUB_ACTION, init=False)

    def describe(self) -> str:
        repo = f", repo {self.repo}" if self.repo else ""
        return f"githubAction (owner {self.owner}{repo}){_describe_annotations(self.annotations)}"


Requirement = PubKeyRequirement | GenericIssuerRequirement | GithubActionRequirement


def _describe_annotations(annotations: Annotations | None) -> str:
    if not annotations:
        return ""
    return " with annotations " + ", ".join(f"{k}={v}" for k, v in sorted(annotations.items()))


@dataclasses.dataclass(frozen=True)
class AnyOf:
    signatures: tuple[Requirement, ...]
    minimum_matches: int = 1


@dataclasses.dataclass(frozen=True)
class VerificationConfig:
    all_of: tuple[Requirement, ...] | None = None
    any_of: AnyOf | None = None
    source: str = "verification config"


# --------------------------------------------------------------------------- parsing


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> InputError:
        where = f" at {path}" if path else ""
        return InputError(f"{self.source} is not a valid verification config{where}: {message}")

    def mapping(self, value: object, path: str, allowed: Sequence[str]) -> dict[str, object]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, found {_type_name(value)}")
        for key in value:
            if not isinstance(key, str) or key not in allowed:
                expected = ", ".join(f"`{name}`" for name in allowed)
                raise self.fail(path, f"unknown field `{key}`, expected one of {expected}")
        return value

    def string(
        self, container: Mapping[str, object], key: str, path: str, *, required: bool = True
    ) -> str | None:
        if key not in container or container[key] is None:
            if required:
                raise self.fail(path, f"missing field `{key}`")
            return None
        value = container[key]
        if not isinstance(value, str):
            raise self.fail(_join(path, key), f"expected a string, found {_type_name(value)}")
        return value

    def annotations(self, container: Mapping[str, object], path: str) -> Annotations | None:
        value = container.get("annotations")
        if value is None:
            return None
        where = _join(path, "annotations")
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping of strings, found {_type_name(value)}")
        result: Annotations = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise self.fail(where, f"annotation keys must be strings, found {_type_name(key)}")
            if not isinstance(item, str):
                raise self.fail(_join(where, key), f"expected a string, found {_type_name(item)}")
            result[key] = item
        return result

    def requirement(self, value: object, path: str) -> Requirement:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a signature mapping, found {_type_name(value)}")
        kind = value.get("kind")
        if kind is None:
            raise self.fail(path, "missing field `kind`")
        kinds = ", ".join(f"`{k.value}`" for k in RequirementKind)
        if not isinstance(kind, str) or kind not in {k.value for k in RequirementKind}:
            raise self.fail(_join(path, "kind"), f"unknown variant `{kind}`, expected one of {kinds}")
        if kind == RequirementKind.PUB_KEY:
            fields = self.mapping(value, path, ("kind", "owner", "key", "annotations"))
            key_pem = self.string(fields, "key", path)
            assert key_pem is not None
            key = load_public_key(key_pem, f"{self.source} at {_join(path, 'key')}")
            return PubKeyRequirement(
                key,
                key_pem,
                self.string(fields, "owner", path, required=False),
                self.annotations(fields, path),
            )
        if kind == RequirementKind.GENERIC_ISSUER:
            fields = self.mapping(value, path, ("kind", "issuer", "subject", "annotations"))
            issuer = self.string(fields, "issuer", path)
            assert issuer is not None
            if "subject" not in fields:
                raise self.fail(path, "missing field `subject`")
            subject_path = _join(path, "subject")
            subject = self.mapping(fields["subject"], subject_path, ("equal", "urlPrefix"))
            if len(subject) != 1:
                raise self.fail(subject_path, "expected exactly one of `equal` or `urlPrefix`")
            ((match_name, text),) = subject.items()
            if not isinstance(text, str):
                raise self.fail(
                    _join(subject_path, match_name), f"expected a string, found {_type_name(text)}"
                )
            match = SubjectMatch(match_name)
            if match is SubjectMatch.URL_PREFIX:
                text = self.url_prefix(text, _join(subject_path, match_name))
            return GenericIssuerRequirement(issuer, text, match, self.annotations(fields, path))
        fields = self.mapping(value, path, ("kind", "owner", "repo", "annotations"))
        owner = self.string(fields, "owner", path)
        assert owner is not None
        return GithubActionRequirement(
            owner, self.string(fields, "repo", path, required=False), self.annotations(fields, path)
        )

    def url_prefix(self, text: str, path: str) -> str:
        """kwctl parses ``urlPrefix`` as a URL and makes its path end with ``/``."""
        parts = urlsplit(text.strip())
        if not parts.scheme or not parts.netloc or any(c.isspace() for c in text.strip()):
            raise self.fail(path, f"{text!r} is not an absolute URL")
        path_part = parts.path or "/"
        if not path_part.endswith("/"):
            path_part += "/"
        return urlunsplit(
            (parts.scheme.lower(), parts.netloc.lower(), path_part, parts.query, parts.fragment)
        )

    def signatures(self, value: object, path: str) -> tuple[Requirement, ...]:
        if not isinstance(value, list):
            raise self.fail(path, f"expected a sequence of signatures, found {_type_name(value)}")
        return tuple(self.requirement(item, f"{path}[{index}]") for index, item in enumerate(value))

    def document(self, document: object) -> VerificationConfig:
        root = self.mapping(document, "", ("apiVersion", "allOf", "anyOf"))
        version = root.get("apiVersion")
        if "apiVersion" in root and version != "v1":
            raise InputError(
                f"{self.source}: not a supported configuration version: {version!r} (only v1 is)"
            )
        all_of = None if root.get("allOf") is None else self.signatures(root["allOf"], "allOf")
        any_of = None
        if root.get("anyOf") is not None:
            fields = self.mapping(root["anyOf"], "anyOf", ("minimumMatches", "signatures"))
            minimum = fields.get("minimumMatches", 1)
            if minimum is None:
                minimum = 1
            if not isinstance(minimum, int) or isinstance(minimum, bool) or not 0 <= minimum <= 255:
                raise self.fail(
                    "anyOf.minimumMatches", f"expected an integer from 0 to 255, found {minimum!r}"
                )
            if "signatures" not in fields:
                raise self.fail("anyOf", "missing field `signatures`")
            any_of = AnyOf(self.signatures(fields["signatures"], "anyOf.signatures"), minimum)
        if all_of is None and any_of is None:
            raise InputError(f"{self.source}: config is missing signatures in both allOf and anyOf lists")
        return VerificationConfig(all_of, any_of, self.source)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})" if len(value) < 40 else "a string"
    if isinstance(value, list):
        return "a sequence"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def parse_verification_config(text: str, source: str = "verification config") -> VerificationConfig:
    """Parse the YAML text of a verification config (errors name ``source`` and the field)."""
    return _Parser(source).document(load_yaml(text, source))


def load_verification_config(path: str | Path) -> VerificationConfig:
    return parse_verification_config(read_text(path, "verification config"), str(path))


# --------------------------------------------------------------------------- defaults and flags


def default_verification_config_path() -> Path:
    """``<kwctl config dir>/verification-config.yml`` (used automatically when it exists)."""
    from workbench.core.oci.sources import kubewarden_config_dir

    return kubewarden_config_dir() / VERIFICATION_CONFIG_NAME


def scaffold_verification_config(config_path: str | os.PathLike[str] | None = None) -> str:
    """What ``kwctl scaffold verification-config`` prints, byte for byte (trailing newline included).

    kwctl builds a comment header naming its default config path and serialises the
    default config with ``yaml_serde`` (``None`` written as ``null``, block sequences
    not indented under their key), then ``println!`` adds one more newline.
    """
    path = str(config_path if config_path is not None else default_verification_config_path())
    header = (
        "# Default Kubewarden verification config\n"
        "#\n"
        "# With this config, the only valid policies are those signed by Kubewarden\n"
        "# infrastructure.\n"
        "#\n"
        "# This config can be saved to its default location (for this OS) with:\n"
        f"#   kwctl scaffold verification-config > {path}\n"
        "#\n"
        "# Providing a config in the default location enables Sigstore verification.\n"
        "# See https://docs.kubewarden.io/next/howtos/security-hardening/secure-supply-chain\n"
        "# for more Sigstore verification options."
    )
    body = (
        "apiVersion: v1\n"
        "allOf:\n"
        "- kind: githubAction\n"
        "  owner: kubewarden\n"
        "  repo: null\n"
        "  annotations: null\n"
        "anyOf: null\n"
    )
    return f"{header}\n{body}\n"


def _parse_annotation_flags(items: Sequence[str]) -> Annotations | None:
    """kwctl splits ``KEY=VALUE`` at the first ``=``; items without one are ignored."""
    values: Annotations = {}
    for item in items:
        key, sep, value = item.partition("=")
        if sep:
            values[key] = value
    return values or None


def config_from_flags(
    *,
    keys: Sequence[str | Path] = (),
    annotations: Sequence[str] = (),
    cert_email: str | None = None,
    cert_oidc_issuer: str | None = None,
    github_owner: str | None = None,
    github_repo: str | None = None,
) -> VerificationConfig | None:
    """kwctl's ``build_verification_options_from_flags``: the flags as an ``allOf`` list (None if no flag)."""
    parsed = _parse_annotation_flags(annotations)
    if (
        not keys
        and parsed is None
        and not cert_email
        and not cert_oidc_issuer
        and not github_owner
        and not github_repo
    ):
        return None
    if not keys and not cert_email and not cert_oidc_issuer and not github_owner and parsed is not None:
        raise InputError(
            "Intending to verify annotations, but no verification keys, OIDC issuer or GitHub owner were passed"
        )
    if github_repo and not github_owner:
        raise InputError("Intending to verify GitHub actions signature, but the repository owner is missing.")
    requirements: list[Requirement] = []
    if bool(cert_email) != bool(cert_oidc_issuer):
        raise InputError(
            "Intending to verify OIDC issuer, but no email or issuer were provided. You must pass the email "
            "and OIDC issuer to be validated together"
        )
    if cert_email and cert_oidc_issuer:
        requirements.append(
            GenericIssuerRequirement(cert_oidc_issuer, cert_email, SubjectMatch.EQUAL, parsed)
        )
    if github_owner:
        requirements.append(GithubActionRequirement(github_owner, github_repo, parsed))
    for path in keys:
        text = read_text(path, "verification key")
        requirements.append(PubKeyRequirement(load_public_key(text, str(path)), text, None, parsed))
    return VerificationConfig(tuple(requirements) or None, None, "command-line verification flags")
