"""cosign's "simple signing" payload: the JSON document a cosign signature signs.

cosign signs the exact bytes of this document (stored as the blob of a signature layer):

    {"critical":{"identity":{"docker-reference":"<registry/repository>"},
                 "image":{"docker-manifest-digest":"sha256:<hex>"},
                 "type":"cosign container image signature"},
     "optional":null | {"<annotation>":"<value>", ...}}

:func:`build_payload` writes it byte for byte as cosign does (Go's ``encoding/json``: keys
in struct order / sorted map keys, no spaces, HTML characters escaped) so that a real
cosign verifies what we sign; :func:`parse_payload` reads any payload the way Sigstore's
verifiers do (unknown keys ignored, the digest and type checked by the caller).
See docs/signatures.md, section "Storage format".
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from workbench.core.errors import SignatureError
from workbench.core.yamlio import loads_json

__all__ = [
    "COSIGN_SIGNATURE_TYPE",
    "MAX_PAYLOAD_SIZE",
    "SIGNATURE_ANNOTATION",
    "SIMPLE_SIGNING_MEDIA_TYPE",
    "JsonValue",
    "SimpleSigningPayload",
    "build_payload",
    "go_json_string",
    "parse_payload",
]

#: layer annotation holding the base64 signature of the payload (cosign ``static.SignatureAnnotationKey``)
SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature"
#: media type of a signature layer (cosign ``types.SimpleSigningMediaType``)
SIMPLE_SIGNING_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json"
#: ``critical.type`` of an image signature (sigstore ``payload.CosignSignatureType``)
COSIGN_SIGNATURE_TYPE = "cosign container image signature"
#: payloads are a few hundred bytes; refuse to read anything absurd
MAX_PAYLOAD_SIZE = 1024 * 1024

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]

_DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}")


@dataclasses.dataclass(frozen=True)
class SimpleSigningPayload:
    """A parsed simple-signing document."""

    docker_reference: str
    manifest_digest: str
    type: str
    #: the ``optional`` object (``None`` when it is JSON ``null`` or absent)
    optional: dict[str, JsonValue] | None = None

    @property
    def annotations(self) -> dict[str, str]:
        """The string-valued entries of ``optional`` (what ``cosign sign -a K=V`` writes)."""
        if not self.optional:
            return {}
        return {key: value for key, value in self.optional.items() if isinstance(value, str)}

    def has_annotations(self, required: Mapping[str, str]) -> bool:
        """Every required annotation present with exactly that value (sigstore's annotation check)."""
        present = self.annotations
        return all(present.get(key) == value for key, value in required.items())


_GO_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def go_json_string(text: str) -> str:
    """``text`` as Go's ``json.Marshal`` writes a string (HTML-safe escapes, UTF-8 kept).

    Hand-written because the signed bytes must equal cosign's: Python's ``json.dumps``
    escapes differently (``<``, ``&``, U+2028 are left alone; non-ASCII is escaped or not
    depending on ``ensure_ascii``, never as Go does).
    """
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _GO_SHORT_ESCAPES:
            out.append(_GO_SHORT_ESCAPES[char])
        elif code < 0x20 or char in "<>&" or code in (0x2028, 0x2029):
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            raise SignatureError(f"cannot sign text containing a lone surrogate (U+{code:04X})")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def build_payload(
    docker_reference: str, manifest_digest: str, annotations: Mapping[str, str] | None = None
) -> bytes:
    """The payload cosign writes for ``cosign sign -a K=V ... <docker_reference>@<digest>``."""
    if not _DIGEST_RE.fullmatch(manifest_digest):
        raise SignatureError(f"cannot sign {docker_reference}: {manifest_digest!r} is not a sha256 digest")
    if annotations:
        optional = (
            "{"
            + ",".join(
                f"{go_json_string(key)}:{go_json_string(annotations[key])}"
                for key in sorted(annotations, key=lambda k: k.encode("utf-8"))
            )
            + "}"
        )
    else:
        optional = "null"
    text = (
        '{"critical":{"identity":{"docker-reference":'
        + go_json_string(docker_reference)
        + '},"image":{"docker-manifest-digest":'
        + go_json_string(manifest_digest)
        + '},"type":'
        + go_json_string(COSIGN_SIGNATURE_TYPE)
        + '},"optional":'
        + optional
        + "}"
    )
    return text.encode("utf-8")


def _object(value: object, where: str, field: str) -> dict[str, JsonValue]:
    if not isinstance(value, dict):
        raise SignatureError(f"{where}: the simple-signing payload's {field} is not a JSON object")
    return value


def _string(container: dict[str, JsonValue], key: str, where: str, field: str) -> str:
    value = container.get(key)
    if not isinstance(value, str):
        raise SignatureError(f"{where}: the simple-signing payload has no string {field}")
    return value


def parse_payload(data: bytes, where: str) -> SimpleSigningPayload:
    """Parse a payload blob; :class:`SignatureError` naming ``where`` if it is not one."""
    if len(data) > MAX_PAYLOAD_SIZE:
        raise SignatureError(f"{where}: the signature payload is {len(data)} bytes, over {MAX_PAYLOAD_SIZE}")
    document = loads_json(data, f"{where}: the signature payload", error=SignatureError)
    root = _object(document, where, "document")
    critical = _object(root.get("critical"), where, "'critical'")
    identity = _object(critical.get("identity"), where, "'critical.identity'")
    image = _object(critical.get("image"), where, "'critical.image'")
    optional = root.get("optional")
    if optional is not None and not isinstance(optional, dict):
        raise SignatureError(
            f"{where}: the simple-signing payload's 'optional' is neither null nor an object"
        )
    return SimpleSigningPayload(
        docker_reference=_string(identity, "docker-reference", where, "'critical.identity.docker-reference'"),
        manifest_digest=_string(
            image, "docker-manifest-digest", where, "'critical.image.docker-manifest-digest'"
        ),
        type=_string(critical, "type", where, "'critical.type'"),
        optional=optional,
    )
