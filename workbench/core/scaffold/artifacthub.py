"""``artifacthub-pkg.yml`` exactly as ``kwctl scaffold artifacthub`` writes it.

kwctl builds the package from ``metadata.yml`` with policy-evaluator's ``ArtifactHubPkg``
and prints it with serde_yaml under a fixed comment header (docs/kubewarden-parity.md,
section "Scaffolds"). Field order: version, name, displayName, createdAt, description,
license, homeURL, containersImages, keywords, links, install, maintainers, provider,
recommendations, annotations (sorted). The version is the metadata's
``io.kubewarden.policy.version`` (kwctl's ``--version`` flag is deprecated and ignored).

``createdAt`` is the only moving part: kwctl writes the current time; here it can be given
(``created_at``, or ``SOURCE_DATE_EPOCH``) so the output is reproducible.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import urllib.parse
from pathlib import Path
from typing import Any

from workbench.core.errors import InputError, MetadataError
from workbench.core.metadata.model import Metadata
from workbench.core.scaffold.kwyaml import dump_kwctl_yaml

__all__ = [
    "COMMENT_HEADER",
    "ArtifactHubError",
    "ArtifactHubResult",
    "format_created_at",
    "parse_created_at",
    "scaffold_artifacthub",
]

COMMENT_HEADER = (
    "# Kubewarden Artifacthub Package config\n"
    "#\n"
    "# Use this config to submit the policy to https://artifacthub.io.\n"
    "#\n"
    "# This config can be saved to its default location with:\n"
    "#   kwctl scaffold artifacthub > artifacthub-pkg.yml "
)
VERSION_FLAG_DEPRECATED = (
    "The 'version' flag is deprecated and will be removed in a future release. The value of the "
    "`io.kubewarden.policy.version` field in the policy metadata file is used instead."
)

TITLE = "io.kubewarden.policy.title"
VERSION = "io.kubewarden.policy.version"
DESCRIPTION = "io.kubewarden.policy.description"
AUTHOR = "io.kubewarden.policy.author"
URL = "io.kubewarden.policy.url"
OCI_URL = "io.kubewarden.policy.ociUrl"
SOURCE = "io.kubewarden.policy.source"
LICENSE = "io.kubewarden.policy.license"
RELEASE_TAG = "com.github.release.tag"
AH_RESOURCES = "io.artifacthub.resources"
AH_DISPLAY_NAME = "io.artifacthub.displayName"
AH_KEYWORDS = "io.artifacthub.keywords"
HIDDEN_UI = "io.kubewarden.hidden-ui"

RECOMMENDATION_URL = "https://artifacthub.io/packages/helm/kubewarden/kubewarden-controller"

_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})"
)
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
)


class ArtifactHubError(MetadataError):
    """The metadata cannot make an Artifact Hub package (kwctl's ``ArtifactHubError`` messages)."""


@dataclasses.dataclass(frozen=True)
class ArtifactHubResult:
    document: dict[str, Any]
    #: the file content as ``kwctl scaffold artifacthub -o FILE`` writes it (stdout adds a newline)
    text: str
    warnings: tuple[str, ...] = ()


# -- createdAt ---------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class _Timestamp:
    moment: dt.datetime  # whole seconds, with its offset
    nanos: int


def parse_created_at(text: str) -> _Timestamp:
    """An RFC 3339 timestamp (``2025-03-19T09:27:52.338863758Z``), nanoseconds kept."""
    match = _RFC3339.fullmatch(text.strip())
    if not match:
        raise InputError(f"created-at {text!r} is not an RFC 3339 timestamp (e.g. 2025-03-19T09:27:52Z)")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    if offset in ("Z", "z"):
        tz = dt.UTC
    else:
        sign = 1 if offset[0] == "+" else -1
        tz = dt.timezone(sign * dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    try:
        moment = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=tz)
    except ValueError as exc:
        raise InputError(f"created-at {text!r} is not a valid date and time: {exc}") from None
    return _Timestamp(moment, int((fraction or "0").ljust(9, "0")))


def _now() -> _Timestamp:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip().isdigit():
        return _Timestamp(dt.datetime.fromtimestamp(int(epoch), dt.UTC), 0)
    now = dt.datetime.now(dt.UTC)
    return _Timestamp(now.replace(microsecond=0), now.microsecond * 1000)


def format_created_at(stamp: _Timestamp) -> str:
    """RFC 3339 as the ``time`` crate writes it: fraction without trailing zeros, ``Z`` for UTC."""
    text = stamp.moment.strftime("%Y-%m-%dT%H:%M:%S")
    if stamp.nanos:
        text += "." + f"{stamp.nanos:09d}".rstrip("0")
    offset = stamp.moment.utcoffset() or dt.timedelta(0)
    if offset == dt.timedelta(0):
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return text + f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# -- fields ------------------------------------------------------------------------------------
def _missing(annotation: str) -> ArtifactHubError:
    return ArtifactHubError(f'policy metadata must specify "{annotation}" in annotations')


def _debug(text: str) -> str:
    """Rust's ``{:?}`` of a string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _malformed_url(annotation: str, error: str) -> ArtifactHubError:
    return ArtifactHubError(
        f'annotation "{_debug(annotation)}" in policy metadata must be a well formed URL: {_debug(error)}'
    )


def _url(text: str, annotation: str) -> str:
    """A URL as the ``url`` crate serialises it (scheme and host lower-cased, ``/`` for an empty path)."""
    value = text.strip()
    parts = urllib.parse.urlsplit(value)
    if not parts.scheme or not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme):
        raise _malformed_url(annotation, "relative URL without a base")
    scheme = parts.scheme.lower()
    if scheme in ("http", "https", "ftp", "ws", "wss"):
        if not parts.hostname:
            raise _malformed_url(annotation, "empty host")
        if any(c in parts.netloc for c in ' <>"`{}|\\^'):
            raise _malformed_url(annotation, "invalid domain character")
        netloc = parts.netloc
        host_start = netloc.rfind("@") + 1
        netloc = netloc[:host_start] + netloc[host_start:].lower()
        path = parts.path or "/"
        out = f"{scheme}://{netloc}{path}"
    else:
        out = f"{scheme}:{value[len(parts.scheme) + 1 :]}"
        return out
    if parts.query:
        out += f"?{parts.query}"
    if parts.fragment:
        out += f"#{parts.fragment}"
    return out


def _oci_image(annotations: dict[str, str], version: str) -> str:
    from workbench.core.oci.reference import parse_oci_reference

    base = annotations.get(OCI_URL)
    if base is None:
        raise _missing(OCI_URL)
    try:
        return parse_oci_reference(f"{base}:v{version}").whole()
    except InputError as exc:
        raise _malformed_url(OCI_URL, str(exc)) from None


def _keywords(annotations: dict[str, str]) -> list[str] | None:
    text = annotations.get(AH_KEYWORDS)
    if text is None:
        return None
    words = [word.strip(" ") for word in text.split(",")]
    if any(not word for word in words):
        raise ArtifactHubError(
            f'annotation "{AH_KEYWORDS}" in policy metadata is malformed, must be csv values'
        )
    return words


def _form_urlencode(text: str) -> str:
    return urllib.parse.quote_plus(text, safe="*-._")


def _links(annotations: dict[str, str], version: str) -> list[dict[str, str]] | None:
    text = annotations.get(SOURCE)
    if text is None:
        return None
    source = _url(text, SOURCE)
    if urllib.parse.urlsplit(source).hostname != "github.com":
        return [{"name": "source", "url": source}]
    tag = annotations.get(RELEASE_TAG)
    release = _form_urlencode(tag) if tag is not None else f"v{version}"
    policy = _url(f"{source}/releases/download/{release}/policy.wasm", SOURCE)
    return [{"name": "policy", "url": policy}, {"name": "source", "url": source}]


def _install(image: str) -> str:
    return (
        "The policy can be obtained using [`kwctl`](https://github.com/kubewarden/kwctl):\n"
        "```console\n"
        f"kwctl pull {image}\n"
        "```\n"
        "Then, generate the policy manifest and tune it to your liking. For example:\n"
        "```console\n"
        f"kwctl scaffold manifest -t ClusterAdmissionPolicy registry://{image}\n"
        "```\n"
    )


def _split_addresses(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    angle = quoted = False
    for ch in text:
        if ch == '"' and not angle:
            quoted = not quoted
        elif ch == "<" and not quoted:
            angle = True
        elif ch == ">" and not quoted:
            angle = False
        if ch == "," and not angle and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _maintainers(annotations: dict[str, str]) -> list[dict[str, str]] | None:
    text = annotations.get(AUTHOR)
    if text is None:
        return None
    addresses = _split_addresses(text)
    if not addresses:
        raise ArtifactHubError(
            f'annotation "{AUTHOR}" in policy metadata is malformed, must be csv values of "name <email>"'
        )
    out: list[dict[str, str]] = []
    for address in addresses:
        match = re.fullmatch(r"(.*?)\s*<([^<>]*)>", address)
        name, email = (
            (match.group(1).strip().strip('"').strip(), match.group(2).strip()) if match else ("", address)
        )
        if not _EMAIL.fullmatch(email) or len(email) > 254:
            raise ArtifactHubError(
                f'annotation "{_debug(AUTHOR)}" in policy metadata must be a well formed email: '
                f"{_debug(f'{email!r} is not an email address')}"
            )
        out.append({"name": name, "email": email})
    return out


def _rules_yaml(metadata: Metadata) -> str:
    return dump_kwctl_yaml([r.to_dict() for r in metadata.rules])


def _package_annotations(
    annotations: dict[str, str], metadata: Metadata, questions: str | None
) -> dict[str, str]:
    out: dict[str, str] = {"kubewarden/mutation": "true" if metadata.mutating else "false"}
    if metadata.context_aware_resources:
        resources = [c.to_dict() for c in sorted(set(metadata.context_aware_resources))]
        out["kubewarden/contextAwareResources"] = dump_kwctl_yaml(resources)
    out["kubewarden/rules"] = _rules_yaml(metadata)
    if questions is not None:
        out["kubewarden/questions-ui"] = questions
    hidden = annotations.get(HIDDEN_UI)
    if hidden is not None:
        if hidden not in ("true", "false"):
            raise ArtifactHubError(
                f'annotation "{HIDDEN_UI}" in policy metadata is malformed, must be a string "true" or "false"'
            )
        out["kubewarden/hidden-ui"] = hidden
    resources_text = annotations.get(AH_RESOURCES)
    if resources_text is not None:
        out["kubewarden/resources"] = resources_text
    return dict(sorted(out.items()))


def _load_metadata(path: str | Path) -> Metadata:
    from workbench.core.metadata.io import load_metadata_file

    try:
        return load_metadata_file(path)
    except MetadataError as exc:
        raise MetadataError(f"Error unmarshalling metadata {exc}") from None


def scaffold_artifacthub(
    metadata: Metadata | str | Path,
    *,
    questions: str | None = None,
    created_at: str | None = None,
    version: str | None = None,
) -> ArtifactHubResult:
    """The ``artifacthub-pkg.yml`` for ``metadata`` (a model or a ``metadata.yml`` path; raises :class:`ArtifactHubError` like kwctl).

    ``questions`` is the questions-ui file content; ``created_at`` an RFC 3339 timestamp (default:
    ``SOURCE_DATE_EPOCH``, else now); ``version`` (kwctl's deprecated ``-v``) only adds kwctl's warning.
    """
    if not isinstance(metadata, Metadata):
        metadata = _load_metadata(metadata)
    warnings: list[str] = []
    if version is not None:
        warnings.append(VERSION_FLAG_DEPRECATED)
    annotations = metadata.annotations
    if not annotations:
        raise ArtifactHubError("no annotations in policy metadata. policy metadata must specify annotations")
    policy_version = annotations.get(VERSION)
    if policy_version is None:
        raise _missing(VERSION)
    if not _SEMVER.fullmatch(policy_version):
        raise ArtifactHubError(
            f"policy version must be in semver: {policy_version!r} is not MAJOR.MINOR.PATCH[-PRE][+BUILD]"
        )
    if questions is not None and questions == "":
        raise ArtifactHubError("questions-ui content cannot be empty")
    name = annotations.get(TITLE)
    if name is None:
        raise _missing(TITLE)
    display_name = annotations.get(AH_DISPLAY_NAME)
    if display_name is None:
        raise _missing(AH_DISPLAY_NAME)
    description = annotations.get(DESCRIPTION)
    if description is None:
        raise _missing(DESCRIPTION)
    home = annotations.get(URL)
    home_url = _url(home, URL) if home is not None else None
    image = _oci_image(annotations, policy_version)
    keywords = _keywords(annotations)
    links = _links(annotations, policy_version)
    maintainers = _maintainers(annotations)
    package_annotations = _package_annotations(annotations, metadata, questions)
    stamp = parse_created_at(created_at) if created_at is not None else _now()

    document: dict[str, Any] = {
        "version": policy_version,
        "name": name,
        "displayName": display_name,
        "createdAt": format_created_at(stamp),
        "description": description,
    }
    if annotations.get(LICENSE) is not None:
        document["license"] = annotations[LICENSE]
    if home_url is not None:
        document["homeURL"] = home_url
    document["containersImages"] = [{"name": "policy", "image": image}]
    if keywords is not None:
        document["keywords"] = keywords
    if links is not None:
        document["links"] = links
    document["install"] = _install(image)
    if maintainers is not None:
        document["maintainers"] = maintainers
    document["provider"] = {"name": "kubewarden"}
    document["recommendations"] = [{"url": RECOMMENDATION_URL}]
    document["annotations"] = package_annotations
    text = f"{COMMENT_HEADER}\n{dump_kwctl_yaml(document)}"
    return ArtifactHubResult(document, text, tuple(warnings))
