"""AdmissionResponse as Kubewarden produces it, and the conversions every engine shares.

See docs/kubewarden-compat.md §2.5 (types, key order, conversion) and §6 (post-processing).
"""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

from workbench.core.errors import EvaluationError

__all__ = [
    "DELETE_MUTATION_MESSAGE",
    "MUTATION_NOT_ALLOWED_TEMPLATE",
    "AdmissionResponse",
    "PostProcessing",
    "from_policy_validation_response",
    "internal_error",
    "post_process",
]

DELETE_MUTATION_MESSAGE = (
    "Incoming object is null, which happens only with DELETE operations, but the policy is "
    "attempting a mutation. This is not allowed"
)
MUTATION_NOT_ALLOWED_TEMPLATE = (
    "Request rejected by policy {policy_id}. The policy attempted to mutate the request, but it is "
    "currently configured to not allow mutations."
)
_STATUS_KEYS = ("status", "message", "reason", "details", "code")


@dataclasses.dataclass
class AdmissionResponse:
    """Kubernetes ``admission/v1`` AdmissionResponse, serialised exactly as kwctl prints it."""

    uid: str
    allowed: bool
    patch_type: str | None = None
    patch: str | None = None
    status: dict[str, Any] | None = None
    audit_annotations: dict[str, str] | None = None
    warnings: list[str] | None = None

    # -- reading -------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any) -> AdmissionResponse:
        """Parse a camelCase AdmissionResponse (as a Rego policy returns it); ``uid`` and ``allowed`` required."""
        if not isinstance(data, dict):
            raise EvaluationError(f"invalid AdmissionResponse: expected an object, got {_json_type(data)}")
        for key in ("uid", "allowed"):
            if key not in data:
                raise EvaluationError(f"missing field `{key}`")
        if not isinstance(data["uid"], str):
            raise EvaluationError("invalid type for field `uid`: expected a string")
        if not isinstance(data["allowed"], bool):
            raise EvaluationError("invalid type for field `allowed`: expected a boolean")
        status = data.get("status")
        if status is not None and not isinstance(status, dict):
            raise EvaluationError("invalid type for field `status`: expected an object")
        return cls(
            uid=data["uid"],
            allowed=data["allowed"],
            patch_type=data.get("patchType"),
            patch=data.get("patch"),
            status={k: status[k] for k in _STATUS_KEYS if status.get(k) is not None} if status else None,
            audit_annotations=data.get("auditAnnotations"),
            warnings=data.get("warnings"),
        )

    # -- writing -------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"uid": self.uid, "allowed": self.allowed}
        if self.patch_type is not None:
            out["patchType"] = self.patch_type
        if self.patch is not None:
            out["patch"] = self.patch
        if self.status:
            status = {k: self.status[k] for k in _STATUS_KEYS if self.status.get(k) is not None}
            if "details" in status and isinstance(status["details"], dict):
                details = {k: v for k, v in status["details"].items() if v is not None and v != []}
                status["details"] = details
            if status:
                out["status"] = status
        out["auditAnnotations"] = self.audit_annotations
        out["warnings"] = self.warnings
        return out

    def to_json(self) -> str:
        """One line of compact JSON, as ``kwctl run`` prints it."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    # -- convenience ---------------------------------------------------------
    @property
    def message(self) -> str | None:
        return (self.status or {}).get("message")

    @property
    def code(self) -> int | None:
        return (self.status or {}).get("code")

    def patch_operations(self) -> list[dict[str, Any]] | None:
        """The decoded JSON Patch, or None when the response carries no patch."""
        if self.patch is None:
            return None
        return json.loads(base64.b64decode(self.patch))


def internal_error(uid: str, message: str) -> AdmissionResponse:
    """Kubewarden's "reject internal error": allowed false, code 500."""
    return AdmissionResponse(
        uid=uid, allowed=False, status={"message": f"internal server error: {message}", "code": 500}
    )


def from_policy_validation_response(
    uid: str, original_object: Any, policy_response: dict[str, Any], *, object_present: bool = True
) -> AdmissionResponse:
    """Convert a policy's snake_case ``ValidationResponse`` into an AdmissionResponse (docs/kubewarden-compat.md §2.5).

    ``original_object`` is ``request.object`` (or the whole raw request);
    ``object_present`` is False when ``request.object`` is missing (DELETE).
    """
    from workbench.core.engines.jsondiff import diff

    accepted = policy_response.get("accepted")
    if not isinstance(accepted, bool):
        raise EvaluationError("Cannot deserialize policy validation response: missing field `accepted`")
    message = policy_response.get("message")
    code = policy_response.get("code")
    status: dict[str, Any] | None = None
    if message is not None or code is not None:
        status = {}
        if message is not None:
            status["message"] = message
        if code is not None:
            status["code"] = code
    response = AdmissionResponse(
        uid=uid,
        allowed=accepted,
        status=status,
        audit_annotations=policy_response.get("audit_annotations"),
        warnings=policy_response.get("warnings"),
    )
    mutated = policy_response.get("mutated_object")
    if mutated is not None:
        if not object_present:
            return AdmissionResponse(
                uid=uid,
                allowed=False,
                status={"message": DELETE_MUTATION_MESSAGE},
                audit_annotations=response.audit_annotations,
                warnings=response.warnings,
            )
        try:
            operations = diff(original_object, mutated)
            if operations:
                text = json.dumps(operations, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
                response.patch = base64.b64encode(text.encode()).decode()
                response.patch_type = "JSONPatch"
        except RecursionError:
            raise EvaluationError("the mutated object is nested too deeply to build a JSON patch") from None
        except (ValueError, UnicodeEncodeError) as exc:
            raise EvaluationError(f"the mutated object cannot be encoded as a JSON patch: {exc}") from None
    return response


@dataclasses.dataclass(frozen=True)
class PostProcessing:
    """How the policy is deployed (docs/kubewarden-compat.md §6); CLI defaults match ``kwctl run``."""

    policy_id: str = "policy-from-cli"
    mode: str = "protect"  # or "monitor"
    allowed_to_mutate: bool = True
    custom_rejection_message: str | None = None


def post_process(response: AdmissionResponse, options: PostProcessing) -> AdmissionResponse:
    """Apply monitor mode, the mutation permission and a custom rejection message, in that order."""
    out = dataclasses.replace(response, status=dict(response.status) if response.status else None)
    if options.mode == "monitor":
        out.allowed = True
        out.patch = None
        out.patch_type = None
        out.status = None
        return out
    if not options.allowed_to_mutate and out.patch is not None:
        # policy-evaluator's apply_mutation_constraint replaces the whole status
        out.allowed = False
        out.patch = None
        out.patch_type = None
        out.status = {"message": MUTATION_NOT_ALLOWED_TEMPLATE.format(policy_id=options.policy_id)}
    if options.custom_rejection_message is not None and not out.allowed:
        # apply_custom_rejection_message: the original message (or "") becomes one more cause,
        # serialised like Kubernetes' StatusCause with its null reason and field
        status = out.status or {}
        details = dict(status.get("details") or {})
        causes = [
            {"reason": c.get("reason"), "message": c.get("message"), "field": c.get("field")}
            for c in details.get("causes") or []
            if isinstance(c, dict)
        ]
        causes.append({"reason": None, "message": status.get("message") or "", "field": None})
        details["causes"] = causes
        out.status = {**status, "message": options.custom_rejection_message, "details": details}
    return out


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
