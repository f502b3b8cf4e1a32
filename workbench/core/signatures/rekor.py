"""cosign's Rekor bundle annotation (``dev.sigstore.cosign/bundle``) and its signed entry timestamp.

The bundle proves *when* a keyless signature was made: Rekor signed (the "SET") the
canonical JSON ``{"body","integratedTime","logID","logIndex"}`` of the log entry with its
key. Verifying the SET with a trusted Rekor key gives a trusted signing time, at which
the short-lived Fulcio certificate must have been valid. We also check that the logged
entry is about *this* signature (same signature, same payload hash, same certificate),
which cosign does and a bare SET check does not. Offline: no log lookups, no inclusion
proofs. See docs/signatures.md, section "Trust root".
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import hashlib
import json

from workbench.core.errors import SignatureError

__all__ = [
    "BUNDLE_ANNOTATION",
    "RekorBundle",
    "canonical_set_payload",
    "parse_bundle",
]

BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle"
_MAX_BUNDLE = 256 * 1024


@dataclasses.dataclass(frozen=True)
class RekorBundle:
    signed_entry_timestamp: bytes
    body: str  # base64 of the canonicalized log entry
    integrated_time: int
    log_index: int
    log_id: str  # hex sha256 of the log's public key

    @property
    def signed_at(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.integrated_time, datetime.UTC)

    def entry(self, where: str) -> dict[str, object]:
        try:
            entry = json.loads(base64.b64decode(self.body, validate=True))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise SignatureError(f"{where}: the Rekor bundle body is not base64 JSON") from None
        if not isinstance(entry, dict):
            raise SignatureError(f"{where}: the Rekor bundle body is not a JSON object")
        return entry

    def check_entry_matches(
        self, *, signature: bytes, payload: bytes, certificate_pem: bytes, where: str
    ) -> None:
        """The logged entry (``rekord`` / ``hashedrekord``) records this signature of this payload by this cert."""
        entry = self.entry(where)
        spec = entry.get("spec")
        kind = entry.get("kind")
        if kind not in ("rekord", "hashedrekord") or not isinstance(spec, dict):
            raise SignatureError(f"{where}: the Rekor entry is of kind {kind!r}, not rekord/hashedrekord")
        sig = spec.get("signature")
        data = spec.get("data")
        if not isinstance(sig, dict) or not isinstance(data, dict):
            raise SignatureError(f"{where}: the Rekor entry has no signature/data")
        try:
            logged_signature = base64.b64decode(str(sig.get("content", "")), validate=True)
            key = sig.get("publicKey")
            logged_key = base64.b64decode(
                str(key.get("content", "") if isinstance(key, dict) else ""), validate=True
            )
        except (binascii.Error, ValueError):
            raise SignatureError(f"{where}: the Rekor entry's signature or key is not base64") from None
        hashed = data.get("hash")
        logged_hash = hashed.get("value") if isinstance(hashed, dict) else None
        if logged_signature != signature:
            raise SignatureError(f"{where}: the Rekor bundle logs a different signature")
        if logged_hash != hashlib.sha256(payload).hexdigest():
            raise SignatureError(f"{where}: the Rekor bundle logs a different payload (hash {logged_hash})")
        if logged_key.strip() != certificate_pem.strip():
            raise SignatureError(f"{where}: the Rekor bundle logs a different certificate")


def canonical_set_payload(bundle: RekorBundle) -> bytes:
    """RFC 8785 canonical JSON of the SET payload.

    The four members are a base64 string, two integers and a hex string, for which
    sorted keys and no whitespace *is* the canonical form (no escapes, no floats).
    """
    document = {
        "body": bundle.body,
        "integratedTime": bundle.integrated_time,
        "logID": bundle.log_id,
        "logIndex": bundle.log_index,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def parse_bundle(text: str, where: str) -> RekorBundle:
    """Parse the bundle annotation value (JSON with ``SignedEntryTimestamp`` and ``Payload``)."""
    if len(text) > _MAX_BUNDLE:
        raise SignatureError(f"{where}: the Rekor bundle annotation is too large")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise SignatureError(f"{where}: the Rekor bundle annotation is not JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("Payload"), dict):
        raise SignatureError(f"{where}: the Rekor bundle has no Payload object")
    payload = document["Payload"]
    body, integrated, index, log_id = (
        payload.get("body"),
        payload.get("integratedTime"),
        payload.get("logIndex"),
        payload.get("logID"),
    )
    if not isinstance(body, str) or not isinstance(log_id, str):
        raise SignatureError(f"{where}: the Rekor bundle lacks its body or logID")
    if not isinstance(integrated, int) or isinstance(integrated, bool) or not isinstance(index, int):
        raise SignatureError(f"{where}: the Rekor bundle's integratedTime/logIndex are not integers")
    try:
        set_bytes = base64.b64decode(str(document.get("SignedEntryTimestamp", "")), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(f"{where}: the Rekor bundle's SignedEntryTimestamp is not base64") from None
    if not set_bytes:
        raise SignatureError(f"{where}: the Rekor bundle has no SignedEntryTimestamp")
    return RekorBundle(set_bytes, body, integrated, index, log_id.lower())
