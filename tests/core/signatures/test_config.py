"""kwctl's verification-config.yml: strict parsing, kwctl's messages, the scaffold byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.errors import InputError, WorkbenchError
from workbench.core.signatures.config import (
    GenericIssuerRequirement,
    GithubActionRequirement,
    PubKeyRequirement,
    SubjectMatch,
    config_from_flags,
    load_verification_config,
    parse_verification_config,
    scaffold_verification_config,
)

PUB = (
    ec.generate_private_key(ec.SECP256R1())
    .public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


def test_kwctl_documented_example() -> None:
    config = parse_verification_config(
        """---
apiVersion: v1

allOf:
  - kind: genericIssuer
    issuer: https://token.actions.githubusercontent.com
    subject:
       equal: https://github.com/kubewarden/policy-secure-pod-images/.github/workflows/release.yml@refs/heads/main
  - kind: genericIssuer
    issuer: https://token.actions.githubusercontent.com
    subject:
       urlPrefix: https://github.com/kubewarden # should deserialize path to kubewarden/
anyOf:
  minimumMatches: 2
  signatures:
  - kind: githubAction
    owner: kubewarden
    repo: policies
    annotations: {env: prod}
  - kind: pubKey
    owner: me
    key: |
"""
        + "".join(f"      {line}\n" for line in PUB.splitlines()),
        "vc.yml",
    )
    assert config.all_of is not None and config.any_of is not None
    first, second = config.all_of
    assert isinstance(first, GenericIssuerRequirement) and first.match is SubjectMatch.EQUAL
    assert isinstance(second, GenericIssuerRequirement)
    assert (second.match, second.subject) == (SubjectMatch.URL_PREFIX, "https://github.com/kubewarden/")
    assert config.any_of.minimum_matches == 2
    gh, key = config.any_of.signatures
    assert gh == GithubActionRequirement("kubewarden", "policies", {"env": "prod"})
    assert isinstance(key, PubKeyRequirement) and key.owner == "me" and key.key.pem == PUB


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # kwctl's own test: "Not a valid configuration file: missing field `subject`"
        (
            "apiVersion: v1\nallOf:\n- kind: genericIssuer\n  issuer: x\n",
            r"at allOf\[0\]: missing field `subject`",
        ),
        ("apiVersion: v2\nallOf: []\n", "not a supported configuration version: 'v2'"),
        ("apiVersion: v1\n", "missing signatures in both allOf and anyOf"),
        (
            "apiVersion: v1\nallOf: []\nextra: 1\n",
            "unknown field `extra`, expected one of `apiVersion`, `allOf`, `anyOf`",
        ),
        ("allOf:\n- kind: pubkey\n  key: x\n", r"allOf\[0\].kind: unknown variant `pubkey`"),
        ("allOf:\n- owner: x\n", r"allOf\[0\]: missing field `kind`"),
        ("allOf:\n- kind: githubAction\n  owner: o\n  repository: r\n", "unknown field `repository`"),
        (
            "allOf:\n- kind: githubAction\n  owner: 3\n",
            r"allOf\[0\].owner: expected a string, found a number",
        ),
        (
            "allOf:\n- kind: githubAction\n  owner: o\n  annotations: {a: 1}\n",
            r"annotations.a: expected a string",
        ),
        (
            "allOf:\n- kind: genericIssuer\n  issuer: i\n  subject: {equal: a, urlPrefix: b}\n",
            "exactly one of",
        ),
        (
            "allOf:\n- kind: genericIssuer\n  issuer: i\n  subject: {startsWith: a}\n",
            "unknown field `startsWith`",
        ),
        (
            "allOf:\n- kind: genericIssuer\n  issuer: i\n  subject: {urlPrefix: not a url}\n",
            "is not an absolute URL",
        ),
        ("anyOf:\n  minimumMatches: 300\n  signatures: []\n", "from 0 to 255"),
        ("anyOf:\n  minimumMatches: 1\n", "anyOf: missing field `signatures`"),
        ("allOf:\n- kind: pubKey\n  key: nope\n", r"allOf\[0\].key is not a PEM public key"),
        ("allOf: {kind: pubKey}\n", "expected a sequence of signatures"),
        ("- 1\n", "expected a mapping, found a sequence"),
        ("allOf: [\n", "is not valid YAML"),
        ("allOf: []\nallOf: []\n", "duplicate"),
    ],
)
def test_errors_name_file_and_field(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        parse_verification_config(text, "/etc/vc.yml")
    assert "/etc/vc.yml" in str(info.value)


def test_missing_api_version_reads_as_v1_like_kwctl() -> None:
    config = parse_verification_config("allOf:\n- kind: githubAction\n  owner: kubewarden\n")
    assert config.all_of == (GithubActionRequirement("kubewarden"),)


def test_scaffold_is_kwctl_output_byte_for_byte() -> None:
    """kwctl 1.3x: comment header with the default path, yaml_serde output, println!'s newline."""
    expected = (
        "# Default Kubewarden verification config\n"
        "#\n"
        "# With this config, the only valid policies are those signed by Kubewarden\n"
        "# infrastructure.\n"
        "#\n"
        "# This config can be saved to its default location (for this OS) with:\n"
        "#   kwctl scaffold verification-config > /home/user/.config/kubewarden/verification-config.yml\n"
        "#\n"
        "# Providing a config in the default location enables Sigstore verification.\n"
        "# See https://docs.kubewarden.io/next/howtos/security-hardening/secure-supply-chain\n"
        "# for more Sigstore verification options.\n"
        "apiVersion: v1\n"
        "allOf:\n"
        "- kind: githubAction\n"
        "  owner: kubewarden\n"
        "  repo: null\n"
        "  annotations: null\n"
        "anyOf: null\n"
        "\n"
    )
    text = scaffold_verification_config("/home/user/.config/kubewarden/verification-config.yml")
    assert text == expected
    assert parse_verification_config(text).all_of == (GithubActionRequirement("kubewarden"),)


def test_scaffold_names_the_default_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert f"> {tmp_path}/kubewarden/verification-config.yml\n" in scaffold_verification_config()


def test_load_from_file(tmp_path: Path) -> None:
    path = tmp_path / "vc.yml"
    path.write_text("apiVersion: v1\nallOf: [{kind: githubAction, owner: o}]\n")
    assert load_verification_config(path).source == str(path)
    with pytest.raises(InputError, match="does not exist"):
        load_verification_config(tmp_path / "missing.yml")


def test_flags_build_an_all_of_list(tmp_path: Path) -> None:
    key = tmp_path / "k.pub"
    key.write_text(PUB)
    config = config_from_flags(keys=[key], annotations=["env=prod", "junk", "a=b=c"], github_owner="kw")
    assert config is not None and config.all_of is not None and config.any_of is None
    gh, pub = config.all_of
    assert gh == GithubActionRequirement("kw", None, {"env": "prod", "a": "b=c"})
    assert isinstance(pub, PubKeyRequirement) and pub.annotations == {"env": "prod", "a": "b=c"}
    email = config_from_flags(cert_email="a@b.c", cert_oidc_issuer="https://i")
    assert email is not None and email.all_of == (
        GenericIssuerRequirement("https://i", "a@b.c", SubjectMatch.EQUAL),
    )
    assert config_from_flags() is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"annotations": ["a=b"]}, "Intending to verify annotations, but no verification keys"),
        ({"github_repo": "r"}, "repository owner is missing"),
        ({"cert_email": "a@b.c"}, "You must pass the email and OIDC issuer"),
    ],
)
def test_flag_errors_are_kwctls(kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        config_from_flags(**kwargs)


# --------------------------------------------------------------------------- properties

names = st.text(
    st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_categories=("Cs",)),
    min_size=1,
    max_size=12,
)
annotations = st.none() | st.dictionaries(names, names, max_size=3)
requirement = st.one_of(
    st.builds(
        lambda o, r, a: {"kind": "githubAction", "owner": o, "repo": r, "annotations": a},
        names,
        st.none() | names,
        annotations,
    ),
    st.builds(
        lambda i, s, a: {"kind": "genericIssuer", "issuer": i, "subject": {"equal": s}, "annotations": a},
        names,
        names,
        annotations,
    ),
    st.builds(
        lambda o, a: {"kind": "pubKey", "owner": o, "key": PUB, "annotations": a},
        st.none() | names,
        annotations,
    ),
)


@settings(max_examples=200, deadline=None)
@given(
    all_of=st.none() | st.lists(requirement, max_size=3),
    any_of=st.none() | st.tuples(st.integers(0, 255), st.lists(requirement, max_size=3)),
)
def test_generated_configs_parse_to_what_was_written(all_of, any_of) -> None:
    document: dict = {"apiVersion": "v1", "allOf": all_of}
    if any_of is not None:
        document["anyOf"] = {"minimumMatches": any_of[0], "signatures": any_of[1]}
    text = yaml.safe_dump(document, allow_unicode=False)
    if all_of is None and any_of is None:
        with pytest.raises(InputError, match="missing signatures"):
            parse_verification_config(text)
        return
    config = parse_verification_config(text)

    def back(req) -> dict:
        if isinstance(req, GithubActionRequirement):
            return {
                "kind": "githubAction",
                "owner": req.owner,
                "repo": req.repo,
                "annotations": req.annotations,
            }
        if isinstance(req, GenericIssuerRequirement):
            return {
                "kind": "genericIssuer",
                "issuer": req.issuer,
                "subject": {"equal": req.subject},
                "annotations": req.annotations,
            }
        return {"kind": "pubKey", "owner": req.owner, "key": req.key_pem, "annotations": req.annotations}

    assert (None if config.all_of is None else [back(r) for r in config.all_of]) == all_of
    if any_of is not None:
        assert config.any_of is not None
        assert (config.any_of.minimum_matches, [back(r) for r in config.any_of.signatures]) == (
            any_of[0],
            any_of[1],
        )


yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | names
    | st.sampled_from(["v1", "pubKey", "githubAction", "genericIssuer"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "apiVersion",
                    "allOf",
                    "anyOf",
                    "kind",
                    "owner",
                    "repo",
                    "key",
                    "issuer",
                    "subject",
                    "equal",
                    "urlPrefix",
                    "annotations",
                    "minimumMatches",
                    "signatures",
                    "x",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=15,
)


@settings(max_examples=400, deadline=None)
@given(yaml_values)
def test_any_document_parses_or_raises_input_error(value) -> None:
    text = yaml.safe_dump(value)
    try:
        parse_verification_config(text, "fuzz.yml")
    except InputError as exc:
        assert "fuzz.yml" in str(exc)
    except WorkbenchError as exc:  # pragma: no cover - any other class is a defect
        pytest.fail(f"unexpected {type(exc).__name__}: {exc}")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_parses_or_raises_input_error(text: str) -> None:
    try:
        parse_verification_config(text, "fuzz.yml")
    except InputError:
        pass
