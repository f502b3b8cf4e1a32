"""``scaffold artifacthub``: byte-identical to files kwctl wrote (tests/data/artifacthub/README.md)."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
from helpers import REPO_ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.cli.main import main
from workbench.core.metadata.io import load_metadata_file
from workbench.core.metadata.model import ContextAwareResource, Metadata
from workbench.core.scaffold.artifacthub import (
    COMMENT_HEADER,
    VERSION_FLAG_DEPRECATED,
    ArtifactHubError,
    format_created_at,
    parse_created_at,
    scaffold_artifacthub,
)

DATA = REPO_ROOT / "tests" / "data" / "artifacthub"
VECTORS = ["image-cve-policy", "cel-policy", "deprecated-api-versions"]


def _created_at(expected: str) -> str:
    return next(line for line in expected.splitlines() if line.startswith("createdAt: ")).split(": ", 1)[1]


def _questions(name: str) -> str | None:
    path = DATA / f"{name}-questions-ui.yml"
    return path.read_text() if path.exists() else None


@pytest.mark.parametrize("name", VECTORS)
def test_byte_identical_to_kwctl(name: str) -> None:
    expected = (DATA / f"{name}-artifacthub-pkg.yml").read_text()
    result = scaffold_artifacthub(
        DATA / f"{name}-metadata.yml", questions=_questions(name), created_at=_created_at(expected)
    )
    assert result.text == expected
    assert result.warnings == ()


@pytest.mark.parametrize("name", VECTORS)
def test_cli_output_file_and_stdout(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = (DATA / f"{name}-artifacthub-pkg.yml").read_text()
    args = [
        "scaffold",
        "artifacthub",
        "-m",
        str(DATA / f"{name}-metadata.yml"),
        "--created-at",
        _created_at(expected),
    ]
    if _questions(name) is not None:
        args += ["-q", str(DATA / f"{name}-questions-ui.yml")]
    out = tmp_path / "artifacthub-pkg.yml"
    assert main([*args, "-o", str(out)]) == 0
    assert out.read_text() == expected  # -o: the content as is
    assert main(args) == 0
    assert capsys.readouterr().out == expected + "\n"  # stdout: println! adds a newline


def test_cli_finds_metadata_and_questions_in_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = (DATA / "image-cve-policy-artifacthub-pkg.yml").read_text()
    (tmp_path / "metadata.yml").write_text((DATA / "image-cve-policy-metadata.yml").read_text())
    (tmp_path / "questions-ui.yml").write_text((DATA / "image-cve-policy-questions-ui.yml").read_text())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert main(["scaffold", "artifacthub", "-v", "9.9.9"]) == 0
    out = capsys.readouterr()
    created = _created_at(expected)
    assert out.out == expected.replace(f"createdAt: {created}", "createdAt: 1970-01-01T00:00:00Z") + "\n"
    assert f"warning: {VERSION_FLAG_DEPRECATED}" in out.err
    (tmp_path / "metadata.yml").unlink()
    assert main(["scaffold", "artifacthub"]) == 1
    assert "path to metadata file not provided, plus 'metadata.yml' not found" in capsys.readouterr().err


def test_header_and_created_at_default_is_now() -> None:
    result = scaffold_artifacthub(DATA / "cel-policy-metadata.yml")
    assert result.text.startswith(COMMENT_HEADER + "\nversion: ")
    stamp = result.document["createdAt"]
    assert stamp.endswith("Z") and parse_created_at(stamp).moment.year >= 2026


@pytest.mark.parametrize(
    ("text", "formatted"),
    [
        ("2025-03-19T09:27:52.338863758Z", "2025-03-19T09:27:52.338863758Z"),
        ("2026-08-12T11:54:24.568061550Z", "2026-08-12T11:54:24.56806155Z"),  # time crate trims zeros
        ("2026-08-12T11:54:24.000Z", "2026-08-12T11:54:24Z"),
        ("2026-08-12T13:54:24+02:00", "2026-08-12T13:54:24+02:00"),
        ("2026-08-12T11:54:24+00:00", "2026-08-12T11:54:24Z"),
    ],
)
def test_created_at_formatting(text: str, formatted: str) -> None:
    assert format_created_at(parse_created_at(text)) == formatted


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01T00:00:00Z", "2026-08-12 11:54:24Z"])
def test_created_at_must_be_rfc3339(bad: str) -> None:
    with pytest.raises(Exception, match="created-at"):
        parse_created_at(bad)


# -- policy-evaluator's own expectations (src/policy_artifacthub.rs tests) -----------------------
MINIMUM = {
    "io.kubewarden.policy.version": "0.2.1",
    "io.kubewarden.policy.title": "verify-image-signatures",
    "io.artifacthub.displayName": "Verify Image Signatures",
    "io.kubewarden.policy.description": "A description",
    "io.kubewarden.policy.ociUrl": "ghcr.io/ocirepo/namespace/verify-image-signatures",
    "io.artifacthub.resources": "Pod, Deployment",
}
INSTALL = (
    "The policy can be obtained using [`kwctl`](https://github.com/kubewarden/kwctl):\n```console\n"
    "kwctl pull ghcr.io/ocirepo/namespace/verify-image-signatures:v0.2.1\n```\n"
    "Then, generate the policy manifest and tune it to your liking. For example:\n```console\n"
    "kwctl scaffold manifest -t ClusterAdmissionPolicy "
    "registry://ghcr.io/ocirepo/namespace/verify-image-signatures:v0.2.1\n```\n"
)
EPOCH = "1970-01-01T00:00:00Z"


def _metadata(annotations: dict[str, str] | None, **extra: object) -> Metadata:
    return Metadata(rules=[], mutating=False, annotations=annotations, **extra)  # type: ignore[arg-type]


def test_minimum_required() -> None:
    result = scaffold_artifacthub(_metadata(dict(MINIMUM)), created_at=EPOCH)
    assert result.document == {
        "version": "0.2.1",
        "name": "verify-image-signatures",
        "displayName": "Verify Image Signatures",
        "createdAt": EPOCH,
        "description": "A description",
        "containersImages": [
            {"name": "policy", "image": "ghcr.io/ocirepo/namespace/verify-image-signatures:v0.2.1"}
        ],
        "install": INSTALL,
        "provider": {"name": "kubewarden"},
        "recommendations": [{"url": "https://artifacthub.io/packages/helm/kubewarden/kubewarden-controller"}],
        "annotations": {
            "kubewarden/mutation": "false",
            "kubewarden/resources": "Pod, Deployment",
            "kubewarden/rules": "[]\n",
        },
    }


def test_with_everything() -> None:
    annotations = dict(MINIMUM) | {
        "io.kubewarden.policy.author": "Tux Tuxedo <tux@example.com>, Pidgin <pidgin@example.com>",
        "io.kubewarden.policy.url": "https://github.com/home",
        "io.kubewarden.policy.source": "https://github.com/repo",
        "io.kubewarden.policy.license": "Apache-2.0",
        "io.artifacthub.keywords": "pod, signature",
        "io.kubewarden.hidden-ui": "true",
    }
    md = _metadata(annotations, context_aware_resources=[ContextAwareResource("v1", "Pod")])
    result = scaffold_artifacthub(md, questions="questions contents", created_at=EPOCH)
    doc = result.document
    assert list(doc) == [
        "version", "name", "displayName", "createdAt", "description", "license", "homeURL", "containersImages",
        "keywords", "links", "install", "maintainers", "provider", "recommendations", "annotations",
    ]  # fmt: skip
    assert doc["keywords"] == ["pod", "signature"]
    assert doc["links"] == [
        {"name": "policy", "url": "https://github.com/repo/releases/download/v0.2.1/policy.wasm"},
        {"name": "source", "url": "https://github.com/repo"},
    ]
    assert doc["maintainers"] == [
        {"name": "Tux Tuxedo", "email": "tux@example.com"},
        {"name": "Pidgin", "email": "pidgin@example.com"},
    ]
    assert doc["annotations"] == {
        "kubewarden/contextAwareResources": "- apiVersion: v1\n  kind: Pod\n",
        "kubewarden/hidden-ui": "true",
        "kubewarden/mutation": "false",
        "kubewarden/questions-ui": "questions contents",
        "kubewarden/resources": "Pod, Deployment",
        "kubewarden/rules": "[]\n",
    }


def test_links_release_tag_and_other_hosts() -> None:
    annotations = dict(MINIMUM) | {"io.kubewarden.policy.source": "https://github.com/repo",
                                   "com.github.release.tag": "SomePolicy/v0.2.1"}  # fmt: skip
    doc = scaffold_artifacthub(_metadata(annotations), created_at=EPOCH).document
    assert (
        doc["links"][0]["url"] == "https://github.com/repo/releases/download/SomePolicy%2Fv0.2.1/policy.wasm"
    )
    annotations["io.kubewarden.policy.source"] = "https://notgithub.com/repo"
    doc = scaffold_artifacthub(_metadata(annotations), created_at=EPOCH).document
    assert doc["links"] == [{"name": "source", "url": "https://notgithub.com/repo"}]


def test_maintainers_forms() -> None:
    annotations = dict(MINIMUM) | {
        "io.kubewarden.policy.author": "Foo <foo@example.com>,,Bar <bar@example.com>"
    }
    doc = scaffold_artifacthub(_metadata(annotations), created_at=EPOCH).document
    assert [m["name"] for m in doc["maintainers"]] == ["Foo", "Bar"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"io.kubewarden.policy.version": None}, 'policy metadata must specify "io.kubewarden.policy.version" in annotations'),
        ({"io.kubewarden.policy.version": "not-semver"}, "policy version must be in semver"),
        ({"io.kubewarden.policy.title": None}, 'must specify "io.kubewarden.policy.title"'),
        ({"io.artifacthub.displayName": None}, 'must specify "io.artifacthub.displayName"'),
        ({"io.kubewarden.policy.ociUrl": None}, 'must specify "io.kubewarden.policy.ociUrl"'),
        ({"io.artifacthub.keywords": ""}, 'annotation "io.artifacthub.keywords" in policy metadata is malformed, must be csv values'),
        ({"io.artifacthub.keywords": "foo,,bar"}, "must be csv values"),
        ({"io.kubewarden.policy.source": "@&*foo"}, 'annotation ""io.kubewarden.policy.source"" in policy metadata must be a well formed URL'),
        ({"io.kubewarden.policy.author": ""}, 'must be csv values of "name <email>"'),
        ({"io.kubewarden.policy.author": "Foo missing@chevrons.com, Bar <bar@example.com>"}, "must be a well formed email"),
        ({"io.kubewarden.policy.author": "Bar <#$%#$%>"}, "must be a well formed email"),
        ({"io.kubewarden.hidden-ui": "yes"}, 'must be a string "true" or "false"'),
    ],
)  # fmt: skip
def test_errors_are_kwctls(change: dict[str, str | None], message: str) -> None:
    annotations = dict(MINIMUM)
    for key, value in change.items():
        if value is None:
            annotations.pop(key)
        else:
            annotations[key] = value
    with pytest.raises(ArtifactHubError) as info:
        scaffold_artifacthub(_metadata(annotations), created_at=EPOCH)
    assert message in str(info.value)


def test_no_annotations_and_empty_questions() -> None:
    for supplied in (None, {}):
        with pytest.raises(ArtifactHubError, match="no annotations in policy metadata"):
            scaffold_artifacthub(_metadata(supplied), created_at=EPOCH)
    with pytest.raises(ArtifactHubError, match="questions-ui content cannot be empty"):
        scaffold_artifacthub(_metadata(dict(MINIMUM)), questions="", created_at=EPOCH)


def test_input_is_not_modified(tmp_path: Path) -> None:
    md = load_metadata_file(DATA / "cel-policy-metadata.yml")
    before = copy.deepcopy(md)
    scaffold_artifacthub(md, created_at=EPOCH)
    assert md == before


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.integers(min_value=0, max_value=999_999_999),
    st.sampled_from(["Z", "+02:00", "-05:30", "+00:00"]),
)
def test_created_at_round_trips(moment: dt.datetime, nanos: int, offset: str) -> None:
    fraction = f".{nanos:09d}" if nanos else ""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + offset
    formatted = format_created_at(parse_created_at(text))
    assert parse_created_at(formatted) == parse_created_at(text)
    expected_fraction = fraction.rstrip("0") if nanos else ""
    assert formatted == moment.strftime("%Y-%m-%dT%H:%M:%S") + expected_fraction + (
        "Z" if offset in ("Z", "+00:00") else offset
    )
