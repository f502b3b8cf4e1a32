"""AdmissionResponse serialisation and the conversions every engine shares (docs/kubewarden-compat.md §2.5, §6)."""

from __future__ import annotations

import base64
import json
from typing import Any

import jsonpatch
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.response import (
    DELETE_MUTATION_MESSAGE,
    MUTATION_NOT_ALLOWED_TEMPLATE,
    AdmissionResponse,
    PostProcessing,
    from_policy_validation_response,
    internal_error,
    post_process,
)
from workbench.core.errors import EvaluationError

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


def test_key_order_matches_kwctl() -> None:
    response = AdmissionResponse(
        uid="u",
        allowed=False,
        patch_type="JSONPatch",
        patch="W10=",
        status={"code": 400, "message": "m", "reason": "r", "status": "Failure"},
        audit_annotations={"a": "b"},
        warnings=["w"],
    )
    assert list(response.to_dict()) == [
        "uid",
        "allowed",
        "patchType",
        "patch",
        "status",
        "auditAnnotations",
        "warnings",
    ]
    assert list(response.to_dict()["status"]) == ["status", "message", "reason", "code"]
    assert response.to_json() == (
        '{"uid":"u","allowed":false,"patchType":"JSONPatch","patch":"W10=",'
        '"status":{"status":"Failure","message":"m","reason":"r","code":400},'
        '"auditAnnotations":{"a":"b"},"warnings":["w"]}'
    )


def test_audit_annotations_and_warnings_always_present() -> None:
    assert AdmissionResponse(uid="", allowed=True).to_json() == (
        '{"uid":"","allowed":true,"auditAnnotations":null,"warnings":null}'
    )


def test_null_status_members_and_empty_causes_are_omitted() -> None:
    response = AdmissionResponse(
        uid="u",
        allowed=False,
        status={"message": None, "code": 403, "details": {"causes": [], "name": None, "kind": "Pod"}},
    )
    assert response.to_dict()["status"] == {"details": {"kind": "Pod"}, "code": 403}
    assert "status" not in AdmissionResponse(uid="u", allowed=False, status={"message": None}).to_dict()


def test_to_json_is_one_compact_line_and_keeps_unicode() -> None:
    text = AdmissionResponse(uid="ü", allowed=False, status={"message": "line1\nline2 ✓"}).to_json()
    assert "\n" not in text and "✓" in text and ": " not in text
    assert json.loads(text)["status"]["message"] == "line1\nline2 ✓"


def test_internal_error_shape() -> None:
    assert internal_error("id", "boom").to_dict() == {
        "uid": "id",
        "allowed": False,
        "status": {"message": "internal server error: boom", "code": 500},
        "auditAnnotations": None,
        "warnings": None,
    }


# -- from_dict ------------------------------------------------------------------------------
def test_from_dict_round_trip() -> None:
    data = {
        "uid": "u",
        "allowed": True,
        "patchType": "JSONPatch",
        "patch": "W10=",
        "status": {"message": "hi", "code": 200, "bogus": 1},
        "auditAnnotations": {"k": "v"},
        "warnings": ["w"],
    }
    response = AdmissionResponse.from_dict(data)
    assert response.message == "hi" and response.code == 200
    assert response.to_dict() == {**data, "status": {"message": "hi", "code": 200}}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected an object, got an array"),
        (None, "expected an object, got null"),
        ({"allowed": True}, "missing field `uid`"),
        ({"uid": "u"}, "missing field `allowed`"),
        ({"uid": 1, "allowed": True}, "`uid`: expected a string"),
        ({"uid": "u", "allowed": "yes"}, "`allowed`: expected a boolean"),
        ({"uid": "u", "allowed": True, "status": "bad"}, "`status`: expected an object"),
    ],
)
def test_from_dict_errors(data: Any, message: str) -> None:
    with pytest.raises(EvaluationError, match=message):
        AdmissionResponse.from_dict(data)


@given(json_values)
def test_from_dict_accepts_or_raises_evaluation_error(value: Any) -> None:
    try:
        response = AdmissionResponse.from_dict(value)
    except EvaluationError as exc:
        assert str(exc)
    else:
        json.loads(response.to_json())


# -- from_policy_validation_response ---------------------------------------------------------
def test_accept_without_message_has_no_status() -> None:
    response = from_policy_validation_response("u", {}, {"accepted": True, "message": None, "code": None})
    assert response.to_dict() == {"uid": "u", "allowed": True, "auditAnnotations": None, "warnings": None}


def test_message_and_code_are_copied_with_annotations_and_warnings() -> None:
    response = from_policy_validation_response(
        "u",
        {},
        {
            "accepted": False,
            "message": "no",
            "code": 418,
            "audit_annotations": {"a": "1"},
            "warnings": ["careful"],
        },
    )
    assert response.to_json() == (
        '{"uid":"u","allowed":false,"status":{"message":"no","code":418},'
        '"auditAnnotations":{"a":"1"},"warnings":["careful"]}'
    )


@pytest.mark.parametrize("policy_response", [{}, {"accepted": None}, {"accepted": "true"}, {"accepted": 1}])
def test_missing_or_non_boolean_accepted_is_an_evaluation_error(policy_response: dict[str, Any]) -> None:
    with pytest.raises(EvaluationError, match="missing field `accepted`"):
        from_policy_validation_response("u", {}, policy_response)


def test_mutation_gives_a_standard_base64_json_patch() -> None:
    original = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}
    mutated = {"metadata": {"name": "p", "labels": {"x": "y"}}, "spec": {"containers": [{"name": "c"}]}}
    response = from_policy_validation_response("u", original, {"accepted": True, "mutated_object": mutated})
    assert response.patch_type == "JSONPatch"
    assert response.patch is not None
    text = base64.b64decode(response.patch, validate=True).decode()
    assert text == '[{"op":"add","path":"/metadata/labels","value":{"x":"y"}}]'
    assert response.patch_operations() == json.loads(text)
    assert len(response.patch) % 4 == 0  # padded standard alphabet


def test_identical_mutated_object_gives_no_patch() -> None:
    obj = {"a": [1, 2, {"b": None}]}
    response = from_policy_validation_response(
        "u", obj, {"accepted": True, "mutated_object": json.loads(json.dumps(obj))}
    )
    assert response.patch is None and response.patch_type is None and response.patch_operations() is None


def test_mutation_of_a_delete_request_is_refused() -> None:
    response = from_policy_validation_response(
        "u",
        None,
        {"accepted": True, "mutated_object": {"a": 1}, "warnings": ["w"], "audit_annotations": {"k": "v"}},
        object_present=False,
    )
    assert response.to_dict() == {
        "uid": "u",
        "allowed": False,
        "status": {"message": DELETE_MUTATION_MESSAGE},
        "auditAnnotations": {"k": "v"},
        "warnings": ["w"],
    }


def test_delete_without_mutation_is_fine() -> None:
    response = from_policy_validation_response(
        "u", None, {"accepted": True, "mutated_object": None}, object_present=False
    )
    assert response.allowed is True and response.status is None


@settings(max_examples=150, deadline=None)
@given(json_values, json_values)
def test_patch_always_turns_original_into_mutated(original: Any, mutated: Any) -> None:
    response = from_policy_validation_response("u", original, {"accepted": True, "mutated_object": mutated})
    if mutated is None:
        assert response.patch is None
        return
    operations = response.patch_operations() or []
    assert jsonpatch.apply_patch(original, operations) == mutated
    if json.dumps(original, sort_keys=True) == json.dumps(mutated, sort_keys=True):
        assert response.patch is None


# -- post_process ----------------------------------------------------------------------------
def _mutating() -> AdmissionResponse:
    return AdmissionResponse(
        uid="u",
        allowed=True,
        patch_type="JSONPatch",
        patch="W10=",
        warnings=["w"],
        audit_annotations={"a": "b"},
    )


def test_defaults_are_kwctl_run_defaults() -> None:
    assert PostProcessing() == PostProcessing("policy-from-cli", "protect", True, None)
    response = _mutating()
    assert post_process(response, PostProcessing()) == response


def test_monitor_mode_keeps_warnings_and_annotations() -> None:
    rejected = AdmissionResponse(
        uid="u",
        allowed=False,
        status={"message": "no", "code": 400},
        warnings=["w"],
        audit_annotations={"a": "b"},
    )
    for response in (rejected, _mutating()):
        out = post_process(
            response, PostProcessing(mode="monitor", allowed_to_mutate=False, custom_rejection_message="x")
        )
        assert out.to_dict() == {
            "uid": "u",
            "allowed": True,
            "auditAnnotations": {"a": "b"},
            "warnings": ["w"],
        }


def test_disallowed_mutation_names_the_policy() -> None:
    out = post_process(_mutating(), PostProcessing(policy_id="my-policy", allowed_to_mutate=False))
    assert out.allowed is False and out.patch is None and out.patch_type is None
    assert out.message == MUTATION_NOT_ALLOWED_TEMPLATE.format(policy_id="my-policy")
    assert out.warnings == ["w"]


def test_disallowed_mutation_without_patch_changes_nothing() -> None:
    response = AdmissionResponse(uid="u", allowed=True)
    assert post_process(response, PostProcessing(allowed_to_mutate=False)) == response


def test_custom_message_appends_to_existing_causes() -> None:
    response = AdmissionResponse(
        uid="u",
        allowed=False,
        status={
            "message": "original",
            "code": 403,
            "details": {"name": "p", "causes": [{"field": "f", "message": "first"}]},
        },
    )
    out = post_process(response, PostProcessing(custom_rejection_message="custom"))
    assert out.to_dict()["status"] == {
        "message": "custom",
        "details": {
            "name": "p",
            "causes": [
                {"reason": None, "message": "first", "field": "f"},
                {"reason": None, "message": "original", "field": None},
            ],
        },
        "code": 403,
    }
    # the input is not modified
    assert response.status["message"] == "original"
    assert response.status["details"]["causes"] == [{"field": "f", "message": "first"}]


def test_custom_message_without_original_message() -> None:
    out = post_process(
        AdmissionResponse(uid="u", allowed=False), PostProcessing(custom_rejection_message="custom")
    )
    status = out.to_dict()["status"]
    # policy-evaluator moves the original message, "" when there is none, into a cause
    assert status == {"message": "custom", "details": {"causes": [{"reason": None, "message": "", "field": None}]}}


def test_custom_message_ignores_accepted_responses() -> None:
    response = AdmissionResponse(uid="u", allowed=True, status={"message": "fine"})
    assert post_process(response, PostProcessing(custom_rejection_message="custom")) == response


@given(
    st.booleans(),
    st.booleans(),
    st.none() | st.text(max_size=5),
    st.sampled_from(["protect", "monitor"]),
    st.booleans(),
    st.none() | st.text(max_size=5),
)
def test_post_process_invariants(
    allowed: bool, has_patch: bool, message: str | None, mode: str, may_mutate: bool, custom: str | None
) -> None:
    response = AdmissionResponse(
        uid="u",
        allowed=allowed,
        patch="W10=" if has_patch else None,
        patch_type="JSONPatch" if has_patch else None,
        status={"message": message} if message is not None else None,
    )
    before = response.to_json()
    out = post_process(
        response, PostProcessing(mode=mode, allowed_to_mutate=may_mutate, custom_rejection_message=custom)
    )
    assert response.to_json() == before  # never modified in place
    if mode == "monitor":
        assert out.allowed and out.patch is None and out.status is None
        return
    if has_patch and not may_mutate:
        assert not out.allowed and out.patch is None
    if not out.allowed and custom is not None:
        assert out.message == custom
    if out.allowed:
        assert out.to_json() == before
