"""Engine-facing types: ValidationRequest views, CancelToken semantics, LogRecord defaults."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.engines.base import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_TIMEOUT,
    EXECUTION_MODES,
    CancelToken,
    EngineOptions,
    LogRecord,
    ValidationRequest,
    null_log,
)
from workbench.core.errors import EvaluationCancelled, OperationCancelled


def test_admission_request_views() -> None:
    request = ValidationRequest({"uid": "u1", "object": {"a": 1}, "operation": "CREATE"})
    assert (request.uid, request.original_object, request.object_present) == ("u1", {"a": 1}, True)
    delete = ValidationRequest({"uid": "u2", "oldObject": {"a": 1}, "object": None, "operation": "DELETE"})
    assert delete.original_object is None and delete.object_present is False


def test_raw_request_views() -> None:
    doc = {"uid": "r", "anything": [1, 2]}
    request = ValidationRequest(doc, raw=True)
    assert (request.uid, request.original_object, request.object_present) == ("r", doc, True)
    assert ValidationRequest(["no", "uid"], raw=True).uid == ""
    assert ValidationRequest({"uid": 5}, raw=True).uid == ""


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
        max_leaves=10,
    ),
    st.booleans(),
)
def test_views_never_fail(value: object, raw: bool) -> None:
    request = ValidationRequest(value, raw=raw)
    assert isinstance(request.uid, str)
    assert isinstance(request.object_present, bool)
    request.original_object  # noqa: B018 -- must not raise


def test_cancel_token_runs_callbacks_once_and_raises() -> None:
    token = CancelToken()
    calls: list[str] = []
    unregister = token.on_cancel(lambda: calls.append("a"))
    token.on_cancel(lambda: calls.append("b"))
    removed = token.on_cancel(lambda: calls.append("never"))
    removed()
    token.check()
    token.check_evaluation()
    token.cancel()
    token.cancel()  # idempotent
    assert calls == ["a", "b"] and token.cancelled
    unregister()  # after the fact: harmless
    with pytest.raises(OperationCancelled, match=r"^push cancelled$"):
        token.check("push")
    with pytest.raises(EvaluationCancelled, match="evaluation cancelled by the user"):
        token.check_evaluation()
    late: list[int] = []
    token.on_cancel(lambda: late.append(1))  # already cancelled: called at once
    assert late == [1]


def test_cancel_from_another_thread() -> None:
    token = CancelToken()
    fired = threading.Event()
    token.on_cancel(fired.set)
    thread = threading.Thread(target=token.cancel)
    thread.start()
    thread.join(5)
    assert fired.is_set() and token.cancelled


def test_defaults() -> None:
    assert EXECUTION_MODES == ("kubewarden-wapc", "opa", "gatekeeper", "wasi")
    options = EngineOptions()
    assert options.timeout == DEFAULT_TIMEOUT == 2.0
    assert options.memory_limit == DEFAULT_MEMORY_LIMIT == 256 * 1024 * 1024
    record = LogRecord("info", "hello")
    assert record.source == "policy" and record.fields == {} and record.timestamp > 0
    assert null_log(record) is None
