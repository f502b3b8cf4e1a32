"""OpaEngine in opa and gatekeeper modes (docs/kubewarden-compat.md §7) on WAT modules."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from workbench.core.engines import create_engine
from workbench.core.engines.base import EngineOptions, ValidationRequest
from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot
from workbench.core.engines.opa.engine import CANNOT_INTERPRET, GATEKEEPER_RAW, OpaEngine
from workbench.core.errors import InputError, ModuleError, SettingsError

REQUEST = {
    "uid": "req-uid-1",
    "kind": {"group": "", "version": "v1", "kind": "Pod"},
    "resource": {"group": "", "version": "v1", "resource": "pods"},
    "operation": "CREATE",
    "userInfo": {"username": "alice"},
    "namespace": "default",
    "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}},
}


def _engine(module: Any, mode: str, entrypoint: str | int | None = None, **kwargs: Any) -> OpaEngine:
    options = EngineOptions(entrypoint=entrypoint, extra_builtins=_builtins_returning(None), **kwargs)
    engine = create_engine(module, mode, options)
    assert isinstance(engine, OpaEngine)
    return engine


def test_engine_protocol_basics(opa_module: Any) -> None:
    engine = _engine(opa_module, "opa")
    assert engine.execution_mode == "opa"
    assert engine.protocol_version() == "Unknown"
    assert engine.validate_settings({"anything": [1]}).valid
    assert engine.abi_version == opa_module.abi
    assert engine.entrypoints()["test/response"] == 13
    engine.close()


def test_only_opa_modes_are_accepted(opa_module: Any) -> None:
    with pytest.raises(ModuleError, match="opa and gatekeeper"):
        OpaEngine(opa_module, "wasi", EngineOptions())


# -- opa mode --------------------------------------------------------------------------------------


def test_opa_mode_reads_the_response_and_overwrites_the_uid(opa_module: Any) -> None:
    engine = _engine(opa_module, "opa", "test/response")
    outcome = engine.validate(ValidationRequest(REQUEST), {})
    assert outcome.response.to_dict() == {
        "uid": "req-uid-1",
        "allowed": False,
        "status": {"message": "no way"},
        "auditAnnotations": None,
        "warnings": None,
    }
    assert outcome.policy_output[0]["result"]["response"]["uid"] == "policy-uid"


def test_opa_mode_input_is_request_wrapped(opa_module: Any) -> None:
    engine = _engine(opa_module, "opa", "test/echo")
    outcome = engine.validate(ValidationRequest(REQUEST), {"s": 1})
    assert outcome.policy_output == [{"result": {"request": REQUEST}}]
    # {"request": ...} has no `response`: Kubewarden's "cannot interpret" internal error
    assert outcome.response.allowed is False
    assert outcome.response.status == {"message": f"internal server error: {CANNOT_INTERPRET}", "code": 500}
    assert any("no `response` object" in w for w in engine.warnings())


def test_opa_mode_settings_are_data_and_policy_patch_is_kept(opa_module: Any) -> None:
    engine = _engine(opa_module, "opa", "test/data")
    settings = {
        "response": {
            "uid": "ignored",
            "allowed": True,
            "patchType": "JSONPatch",
            "patch": "W10=",
            "warnings": ["w"],
        }
    }
    response = engine.validate(ValidationRequest(REQUEST), settings).response
    assert (response.uid, response.allowed, response.patch_type, response.patch, response.warnings) == (
        "req-uid-1",
        True,
        "JSONPatch",
        "W10=",
        ["w"],
    )


@pytest.mark.parametrize(
    ("response", "message"),
    [
        ({"uid": "x"}, "missing field `allowed`"),
        ({"allowed": True}, "missing field `uid`"),
    ],
)
def test_opa_mode_response_needs_uid_and_allowed(
    opa_module: Any, response: dict[str, Any], message: str
) -> None:
    engine = _engine(opa_module, "opa", "test/data")
    result = engine.validate(ValidationRequest(REQUEST), {"response": response}).response
    assert result.to_dict()["status"] == {"message": f"internal server error: {message}", "code": 500}
    assert result.uid == "req-uid-1"


def test_opa_mode_undefined_result_cannot_be_interpreted(opa_module: Any) -> None:
    engine = _engine(opa_module, "opa", "test/undefined")
    response = engine.validate(ValidationRequest(REQUEST), {}).response
    assert response.message == f"internal server error: {CANNOT_INTERPRET}"


def test_opa_mode_raw_request_is_passed_as_is(opa_module: Any) -> None:
    engine = _engine(opa_module, "opa", "test/echo")
    raw = {"uid": "raw-uid", "user": "bob", "action": "eat"}
    outcome = engine.validate(ValidationRequest(raw, raw=True), {})
    assert outcome.policy_output == [{"result": {"request": raw}}]
    assert outcome.response.uid == "raw-uid"


# -- gatekeeper mode ------------------------------------------------------------------------------


def test_gatekeeper_violations_are_joined(opa_module: Any) -> None:
    engine = _engine(opa_module, "gatekeeper", "test/violation")
    response = engine.validate(ValidationRequest(REQUEST), {}).response
    assert response.to_dict() == {
        "uid": "req-uid-1",
        "allowed": False,
        "status": {"message": "first, second"},
        "auditAnnotations": None,
        "warnings": None,
    }


def test_gatekeeper_input_has_parameters_and_review(opa_module: Any) -> None:
    engine = _engine(opa_module, "gatekeeper", "test/echo")
    outcome = engine.validate(ValidationRequest(REQUEST), {"limit": 3})
    assert outcome.policy_output == [{"result": {"parameters": {"limit": 3}, "review": REQUEST}}]
    # an unreadable result (an object, not a list of violations) falls back to "no violations"
    assert outcome.response.allowed is True


def test_gatekeeper_data_is_empty_without_inventory(opa_module: Any) -> None:
    engine = _engine(opa_module, "gatekeeper", "test/data")
    outcome = engine.validate(ValidationRequest(REQUEST), {"not": "data"})
    assert outcome.policy_output == [{"result": {}}]


@pytest.mark.parametrize("entrypoint", ["test/undefined", "test/b0"])
def test_gatekeeper_empty_or_odd_results_allow(opa_module: Any, entrypoint: str) -> None:
    engine = OpaEngine(
        opa_module, "gatekeeper", EngineOptions(entrypoint=entrypoint, extra_builtins=_builtins_returning([]))
    )
    assert engine.validate(ValidationRequest(REQUEST), {}).response.allowed is True


def _builtins_returning(value: Any) -> dict[str, Any]:
    return {
        "test.zero": lambda: value,
        "test.one": lambda a: value,
        "test.two": lambda a, b: value,
        "test.three": lambda a, b, c: value,
        "test.four": lambda a, b, c, d: value,
        "test.set": lambda s: value,
    }


def test_gatekeeper_violation_without_msg_is_skipped(opa_module: Any) -> None:
    violations = [{"msg": "kept"}, {"details": {}}, {"msg": None}]
    engine = OpaEngine(
        opa_module,
        "gatekeeper",
        EngineOptions(entrypoint="test/b0", extra_builtins=_builtins_returning(violations)),
    )
    assert engine.validate(ValidationRequest(REQUEST), {}).response.to_dict()["status"] == {"message": "kept"}


def test_gatekeeper_rejects_raw_requests(opa_module: Any) -> None:
    engine = _engine(opa_module, "gatekeeper", "test/violation")
    response = engine.validate(ValidationRequest({"uid": "r"}, raw=True), {}).response
    assert response.to_dict()["status"] == {
        "message": f"internal server error: {GATEKEEPER_RAW}",
        "code": 500,
    }


# -- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["opa", "gatekeeper"])
def test_settings_must_be_an_object(opa_module: Any, mode: str) -> None:
    engine = _engine(opa_module, mode, "test/echo")
    with pytest.raises(SettingsError, match="not an object"):
        engine.validate(ValidationRequest(REQUEST), ["not", "an", "object"])  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [math.nan, {1, 2}, b"bytes"])
def test_request_that_is_not_json_is_an_input_error(opa_module: Any, bad: Any) -> None:
    engine = _engine(opa_module, "opa", "test/echo")
    with pytest.raises(InputError, match="request cannot be encoded as JSON"):
        engine.validate(ValidationRequest({**REQUEST, "object": bad}), {})
    assert engine.validate(ValidationRequest(REQUEST), {}).policy_output[0]["result"]["request"] == REQUEST


def test_raw_bytes_path(opa_module: Any) -> None:
    engine = _engine(opa_module, "gatekeeper")
    assert engine.evaluate_raw_input(b'{"a":1}', "test/echo") == b'[{"result":{"a":1}}]'
    assert engine.evaluate_raw_input(b"{}", "test/data", data_json=b'{"d":2}') == b'[{"result":{"d":2}}]'
    assert engine.evaluate_raw_input(b"{}", 1) == b'[{"result":{"d":2}}]'


def test_trapping_module_raises_and_recovers(opa_module: Any) -> None:
    from workbench.core.errors import PolicyTrap

    engine = _engine(opa_module, "opa", "test/abort")
    with pytest.raises(PolicyTrap, match="boom from policy"):
        engine.validate(ValidationRequest(REQUEST), {})
    assert engine.evaluate({"request": REQUEST}, entrypoint="test/echo") == [{"result": {"request": REQUEST}}]


# -- warnings -------------------------------------------------------------------------------------------


def test_gatekeeper_warning_for_non_violation_entrypoint(opa_module: Any) -> None:
    warnings = _engine(opa_module, "gatekeeper").warnings()
    assert any("not a `violation` rule" in w for w in warnings)
    assert not any("violation" in w for w in _engine(opa_module, "gatekeeper", "test/violation").warnings())


def test_opa_warning_for_set_like_entrypoint(opa_module: Any) -> None:
    assert any(
        "looks like a set of messages" in w for w in _engine(opa_module, "opa", "test/violation").warnings()
    )


def test_warning_when_declared_mode_differs(opa_module: Any) -> None:
    from workbench.core.metadata import Metadata

    metadata = Metadata.from_dict({"rules": [], "mutating": False, "executionMode": "gatekeeper"})
    module = dataclasses.replace(opa_module, metadata=metadata)
    warnings = _engine(module, "opa", "test/response").warnings()
    assert any("declares executionMode gatekeeper" in w for w in warnings)


# -- context-aware inventories --------------------------------------------------------------------------

OBJECTS = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}},
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "team-a"}},
    {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "hidden", "namespace": "team-a"}},
]
GRANTED = (("v1", "Namespace"), ("apps/v1", "Deployment"))


def test_opa_mode_inventory_in_data_kubernetes(opa_module: Any) -> None:
    snapshot = ClusterSnapshot(OBJECTS)
    engine = _engine(
        opa_module, "opa", "test/data", cluster_snapshot=snapshot, context_aware_resources=GRANTED
    )
    outcome = engine.validate(ValidationRequest(REQUEST), {"kubernetes": "overwritten", "keep": 1})
    data = outcome.policy_output[0]["result"]
    assert data["keep"] == 1
    assert data["kubernetes"] == {
        "namespaces": {"team-a": OBJECTS[0]},
        "deployments": {"team-a": {"web": OBJECTS[1]}},
    }
    assert any("overwritten" in r.message for r in outcome.logs)


def test_gatekeeper_inventory_in_data_inventory(opa_module: Any) -> None:
    snapshot = ClusterSnapshot(OBJECTS)
    engine = _engine(
        opa_module, "gatekeeper", "test/data", cluster_snapshot=snapshot, context_aware_resources=GRANTED
    )
    data = engine.validate(ValidationRequest(REQUEST), {}).policy_output[0]["result"]
    assert data == {
        "inventory": {
            "cluster": {"v1": {"Namespace": {"team-a": OBJECTS[0]}}},
            "namespace": {"team-a": {"apps/v1": {"Deployment": {"web": OBJECTS[1]}}}},
        }
    }


def test_no_inventory_without_granted_resources(opa_module: Any) -> None:
    engine = _engine(opa_module, "opa", "test/data", cluster_snapshot=ClusterSnapshot(OBJECTS))
    assert engine.validate(ValidationRequest(REQUEST), {"a": 1}).policy_output == [{"result": {"a": 1}}]
