"""The waPC engine: shared fixtures from MANIFEST.json, the AssemblyScript demo policies, WAT edge cases."""

from __future__ import annotations

import threading
import time

import jsonpatch
import pytest
import yaml
from helpers import manifest_behaviour_cases
from kwtest import DEMO_CLUSTER, pod_request, read_request, wapc_wat, wat_module

from workbench.core.engines import create_engine
from workbench.core.engines.base import CancelToken, EngineOptions, ValidationRequest
from workbench.core.engines.hostcaps import build_host_capabilities
from workbench.core.engines.kwcommon import TIMEOUT_MESSAGE
from workbench.core.engines.response import DELETE_MUTATION_MESSAGE
from workbench.core.engines.wapc import WapcEngine
from workbench.core.errors import EvaluationCancelled, ModuleError, PolicyTrap
from workbench.core.module import load_module

# -- shared real-world fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fixture_engine(fixtures_dir):
    engines: dict[str, WapcEngine] = {}

    def get(name: str) -> WapcEngine:
        if name not in engines:
            engines[name] = WapcEngine(load_module(fixtures_dir / name), "kubewarden-wapc", EngineOptions())
        return engines[name]

    yield get
    for engine in engines.values():
        engine.close()


@pytest.mark.parametrize(("name", "index"), manifest_behaviour_cases("kubewarden-wapc"))
def test_manifest_expected_behaviours(name, index, manifest, fixtures_dir, fixture_engine):
    entry = next(m for m in manifest["modules"] if m["name"] == name)
    behaviour = entry["expected_behaviours"][index]
    engine = fixture_engine(name)
    if behaviour.get("op") == "validate_settings":
        outcome = engine.validate_settings(behaviour["settings"])
        assert outcome.valid is behaviour["expect_valid"], outcome
        if "message_substring" in behaviour:
            assert behaviour["message_substring"] in (outcome.message or "")
        return
    request = ValidationRequest(read_request(fixtures_dir, behaviour["request"]))
    outcome = engine.validate(request, behaviour["settings"])
    assert outcome.response.allowed is behaviour["expect_allowed"], outcome.response.to_json()
    assert outcome.response.uid == request.uid
    if "message_substring" in behaviour:
        assert behaviour["message_substring"] in (outcome.response.message or "")


@pytest.mark.parametrize(
    "name", ["policies/kw-go-pod-name-denylist.wasm", "policies/kw-safe-labels-annotated.wasm"]
)
def test_fixture_protocol_version_and_tracing_logs(name, fixtures_dir, fixture_engine):
    engine = fixture_engine(name)
    assert engine.protocol_version() == "v1"


def test_tinygo_tracing_host_calls_become_policy_logs(fixtures_dir, fixture_engine):
    engine = fixture_engine("policies/kw-go-pod-name-denylist.wasm")
    request = ValidationRequest(read_request(fixtures_dir, "requests/pod-named-test-pod.json"))
    outcome = engine.validate(request, {"denied_names": ["test-pod"]})
    messages = [(r.source, r.level, r.message) for r in outcome.logs]
    assert ("policy", "info", "rejecting pod object") in messages
    assert outcome.host_calls == []  # tracing is not a host capability call
    assert outcome.policy_output["accepted"] is False


def test_create_engine_registry(fixtures_dir):
    engine = create_engine(load_module(fixtures_dir / "policies/kw-go-pod-name-denylist.wasm"), "kubewarden")
    assert isinstance(engine, WapcEngine)
    assert engine.execution_mode == "kubewarden-wapc"


# -- demo policies (AssemblyScript) -------------------------------------------------------------------------


def _labels_pod(labels):
    return pod_request(obj={"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": labels}})


def test_require_labels(demo_module):
    logs = []
    engine = WapcEngine(demo_module("require-labels"), "kubewarden-wapc", EngineOptions(log=logs.append))
    assert engine.protocol_version() == "v1"
    settings = {"required_labels": ["app", "team"]}
    assert engine.validate_settings(settings).valid
    rejected = engine.validate(ValidationRequest(_labels_pod({"app": "x"})), settings)
    assert not rejected.response.allowed
    assert rejected.response.message == "missing required labels: team"
    assert [r.message for r in rejected.logs if r.fields.get("console")] == ["missing labels: team"]
    accepted = engine.validate(ValidationRequest(_labels_pod({"app": "x", "team": "y"})), settings)
    assert accepted.response.allowed and accepted.response.patch is None


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({}, "required_labels must be a list of label names"),
        ({"required_labels": []}, "required_labels must not be empty"),
        ({"required_labels": "app"}, "required_labels must be a list of label names"),
        (
            {"required_labels": ["app", 3]},
            "required_labels must contain only non-empty strings (item 1 is not)",
        ),
    ],
)
def test_require_labels_invalid_settings(demo_module, settings, message):
    engine = WapcEngine(demo_module("require-labels"), "kubewarden-wapc", EngineOptions())
    outcome = engine.validate_settings(settings)
    assert not outcome.valid
    assert outcome.message == message


def test_mutation_patch_applies_to_mutated_object(demo_module):
    engine = WapcEngine(demo_module("set-image-pull-policy"), "kubewarden-wapc", EngineOptions())
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "annotations": {"a/b~c": "ü"}},
        "spec": {
            "initContainers": [{"name": "init", "image": "busybox", "imagePullPolicy": "Never"}],
            "containers": [
                {"name": "a", "image": "x"},
                {"name": "b", "image": "y", "imagePullPolicy": "IfNotPresent"},
            ],
        },
    }
    outcome = engine.validate(ValidationRequest(pod_request(obj=pod)), {"pull_policy": "Always"})
    response = outcome.response
    assert response.allowed and response.patch_type == "JSONPatch"
    mutated = outcome.policy_output["mutated_object"]
    assert jsonpatch.apply_patch(pod, response.patch_operations()) == mutated
    assert all(
        c["imagePullPolicy"] == "Always"
        for c in mutated["spec"]["containers"] + mutated["spec"]["initContainers"]
    )
    assert [r.message for r in outcome.logs if r.source == "policy"] == [
        "setting imagePullPolicy Always on 3 container(s)"
    ]
    # nothing left to change: accepted without a patch
    again = engine.validate(ValidationRequest(pod_request(obj=mutated)), {"pull_policy": "Always"})
    assert again.response.allowed and again.response.patch is None


def test_delete_mutation_is_refused(demo_module):
    engine = WapcEngine(demo_module("set-image-pull-policy"), "kubewarden-wapc", EngineOptions())
    old = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "a"}]},
    }
    request = ValidationRequest(pod_request(operation="DELETE", old=old))
    response = engine.validate(request, {}).response
    assert not response.allowed
    assert response.message == DELETE_MUTATION_MESSAGE
    assert response.patch is None and response.code is None


def test_mutating_policy_settings(demo_module):
    engine = WapcEngine(demo_module("set-image-pull-policy"), "kubewarden-wapc", EngineOptions())
    assert engine.validate_settings({}).valid
    bad = engine.validate_settings({"pull_policy": "Sometimes"})
    assert not bad.valid and "Sometimes" in bad.message


def _context_aware(demo_module, **kwargs):
    module = demo_module("namespace-label-required")
    provider = build_host_capabilities(
        context_aware_resources=module.metadata.context_aware_resources, **kwargs
    )
    return WapcEngine(module, "kubewarden-wapc", EngineOptions(host_capabilities=provider)), provider


CONTEXT_SETTINGS = {"label": "policy.example.com/allowed", "value": "true"}
CONTEXT_EXPECTED = {
    "team-a": (True, None),
    "team-b": (False, "namespace team-b has label policy.example.com/allowed=false, expected true"),
    "sandbox": (False, "namespace sandbox does not have the label policy.example.com/allowed"),
    "nowhere": (
        False,
        "cannot read namespace nowhere: Cannot find v1/Namespace named 'nowhere' inside of namespace 'None'",
    ),
}


def test_context_aware_lookups_from_snapshot(demo_module):
    engine, _ = _context_aware(demo_module, snapshot=DEMO_CLUSTER)
    for namespace, (allowed, message) in CONTEXT_EXPECTED.items():
        outcome = engine.validate(ValidationRequest(pod_request(namespace=namespace)), CONTEXT_SETTINGS)
        assert outcome.response.allowed is allowed, namespace
        assert outcome.response.message == message
        assert len(outcome.host_calls) == 1
        call = outcome.host_calls[0]
        assert (call["namespace"], call["operation"], call["ok"]) == (
            "kubernetes",
            "get_resource",
            allowed or namespace != "nowhere",
        )
        assert call["request"]["name"] == namespace
        assert any(r.source == "host" for r in outcome.logs)


def test_context_aware_without_permission(demo_module):
    module = demo_module("namespace-label-required")
    provider = build_host_capabilities(context_aware_resources=(), snapshot=DEMO_CLUSTER)
    engine = WapcEngine(module, "kubewarden-wapc", EngineOptions(host_capabilities=provider))
    outcome = engine.validate(ValidationRequest(pod_request(namespace="team-a")), CONTEXT_SETTINGS)
    assert outcome.response.message == (
        "cannot read namespace team-a: Policy has not been granted access to Kubernetes v1/Namespace resources. "
        "The violation has been reported."
    )
    # the default provider (no options) refuses the capability itself
    bare = WapcEngine(module, "kubewarden-wapc", EngineOptions())
    refused = bare.validate(ValidationRequest(pod_request(namespace="team-a")), CONTEXT_SETTINGS)
    assert (
        "Policy has not been granted access to the 'kubernetes/get_resource' host capability"
        in refused.response.message
    )


def test_record_then_replay_gives_identical_results(demo_module, tmp_path):
    session = tmp_path / "session.yml"
    recorder, _ = _context_aware(demo_module, snapshot=DEMO_CLUSTER, record_path=session)
    recorded = [
        recorder.validate(ValidationRequest(pod_request(namespace=ns)), CONTEXT_SETTINGS).response.to_json()
        for ns in CONTEXT_EXPECTED
    ]
    recorder.close()  # the session file is written when the run ends
    entries = yaml.safe_load(session.read_text())
    assert [e["response"]["type"] for e in entries] == ["Success", "Success", "Success", "Error"]
    assert entries[0]["request"].startswith(
        "!KubernetesGetResource\napi_version: v1\nkind: Namespace\nname: team-a\n"
    )
    replayer, provider = _context_aware(
        demo_module, replay_path=session
    )  # no snapshot: answers come from the file
    replayed = [
        replayer.validate(ValidationRequest(pod_request(namespace=ns)), CONTEXT_SETTINGS).response.to_json()
        for ns in CONTEXT_EXPECTED
    ]
    assert replayed == recorded
    assert provider.replayer.remaining == 0
    # strict FIFO: the queue is now empty
    extra = replayer.validate(ValidationRequest(pod_request(namespace="team-a")), CONTEXT_SETTINGS)
    assert (
        extra.response.message
        == "cannot read namespace team-a: Replay error: the list of recorded responses is empty"
    )


def test_replay_mismatch_is_reported(demo_module, tmp_path):
    session = tmp_path / "session.yml"
    recorder, _ = _context_aware(demo_module, snapshot=DEMO_CLUSTER, record_path=session)
    recorder.validate(ValidationRequest(pod_request(namespace="team-a")), CONTEXT_SETTINGS)
    recorder.close()
    replayer, _ = _context_aware(demo_module, replay_path=session)
    outcome = replayer.validate(ValidationRequest(pod_request(namespace="team-b")), CONTEXT_SETTINGS)
    assert outcome.response.message.startswith(
        "cannot read namespace team-b: Replay error: unexpected request"
    )


# -- guest behaviour edge cases (WAT) -----------------------------------------------------------------------


def test_invalid_guest_json_is_internal_error():
    engine = WapcEngine(wat_module(wapc_wat("respond:not json")), "kubewarden-wapc", EngineOptions())
    response = engine.validate(ValidationRequest(pod_request()), {}).response
    assert not response.allowed and response.code == 500
    assert response.message.startswith(
        "internal server error: Cannot deserialize policy validation response: "
    )


def test_missing_accepted_is_internal_error():
    engine = WapcEngine(wat_module(wapc_wat('respond:{"message":"hi"}')), "kubewarden-wapc", EngineOptions())
    response = engine.validate(ValidationRequest(pod_request()), {}).response
    assert response.to_dict()["status"] == {
        "message": "internal server error: Cannot deserialize policy validation response: missing field `accepted`",
        "code": 500,
    }


def test_guest_errors():
    module = wat_module(wapc_wat("error:boom", settings="error:bad settings", protocol="error:nope"))
    engine = WapcEngine(module, "kubewarden-wapc", EngineOptions())
    response = engine.validate(ValidationRequest(pod_request()), {}).response
    assert response.message == "internal server error: Guest call failure: boom" and response.code == 500
    settings = engine.validate_settings({})
    assert not settings.valid
    assert settings.message == "Error invoking settings validation callback: Guest call failure: bad settings"
    with pytest.raises(Exception, match="nope"):
        engine.protocol_version()


def test_malformed_settings_reply():
    engine = WapcEngine(
        wat_module(wapc_wat("respond:{}", settings="respond:[1]")), "kubewarden-wapc", EngineOptions()
    )
    outcome = engine.validate_settings({})
    assert not outcome.valid and outcome.message.startswith("error: ")


def test_runaway_loop_hits_deadline_and_engine_stays_usable():
    engine = WapcEngine(wat_module(wapc_wat("loop")), "kubewarden-wapc", EngineOptions(timeout=0.2))
    started = time.monotonic()
    outcome = engine.validate(ValidationRequest(pod_request()), {})
    assert time.monotonic() - started < 5
    assert outcome.response.to_dict()["status"] == {"message": TIMEOUT_MESSAGE, "code": 500}
    assert not outcome.response.allowed
    assert engine.validate_settings({}).valid  # a fresh instance answers
    assert engine.validate(ValidationRequest(pod_request()), {}).response.message == TIMEOUT_MESSAGE


def test_memory_cap_stops_unbounded_growth():
    limit = 8 * 1024 * 1024
    engine = WapcEngine(wat_module(wapc_wat("grow")), "kubewarden-wapc", EngineOptions(memory_limit=limit))
    response = engine.validate(ValidationRequest(pod_request()), {}).response
    assert not response.allowed and response.code == 500
    assert response.message.startswith(
        "internal server error: Guest call failure: wasm trap: wasm `unreachable`"
    )
    assert "MiB used of the 8 MiB limit" in response.message
    assert engine.validate_settings({}).valid


def test_interrupt_from_another_thread():
    engine = WapcEngine(wat_module(wapc_wat("loop")), "kubewarden-wapc", EngineOptions(timeout=None))
    timer = threading.Timer(0.2, engine.interrupt)
    timer.start()
    with pytest.raises(EvaluationCancelled):
        engine.validate(ValidationRequest(pod_request()), {})
    timer.join()
    assert engine.validate_settings({}).valid


def test_cancel_token_stops_evaluation():
    token = CancelToken()
    engine = WapcEngine(
        wat_module(wapc_wat("loop")), "kubewarden-wapc", EngineOptions(timeout=None, cancel=token)
    )
    timer = threading.Timer(0.2, token.cancel)
    timer.start()
    with pytest.raises(EvaluationCancelled):
        engine.validate(ValidationRequest(pod_request()), {})
    timer.join()
    with pytest.raises(EvaluationCancelled):  # a cancelled token stays cancelled
        engine.validate_settings({})


def test_not_a_wapc_module():
    module = wat_module('(module (memory (export "memory") 1))')
    with pytest.raises(ModuleError, match="__guest_call"):
        WapcEngine(module, "kubewarden-wapc", EngineOptions())


def test_unknown_import_cannot_instantiate():
    module = wat_module(
        '(module (import "env" "abort" (func (param i32 i32 i32 i32))) (memory (export "memory") 1)'
        ' (func (export "__guest_call") (param i32 i32) (result i32) (i32.const 1)))'
    )
    engine = WapcEngine(module, "kubewarden-wapc", EngineOptions())
    with pytest.raises(ModuleError, match="cannot instantiate the policy"):
        engine.validate_settings({})


def test_unused_replay_entries_are_reported_on_close(demo_module, tmp_path):
    session = tmp_path / "session.yml"
    recorder, _ = _context_aware(demo_module, snapshot=DEMO_CLUSTER, record_path=session)
    for namespace in ("team-a", "team-b"):
        recorder.validate(ValidationRequest(pod_request(namespace=namespace)), CONTEXT_SETTINGS)
    recorder.close()
    records = []
    module = demo_module("namespace-label-required")
    provider = build_host_capabilities(
        context_aware_resources=module.metadata.context_aware_resources,
        replay_path=session,
        log=records.append,
    )
    engine = WapcEngine(module, "kubewarden-wapc", EngineOptions(host_capabilities=provider))
    engine.validate(ValidationRequest(pod_request(namespace="team-a")), CONTEXT_SETTINGS)
    engine.close()
    engine.close()
    warnings = [r.message for r in records if r.level == "warning"]
    assert len(warnings) == 1 and warnings[0].startswith("1 recorded host capabilities interaction(s)")


def _with_start(body: str) -> str:
    text = wapc_wat('respond:{"accepted":true}')
    return text.rstrip().removesuffix(")") + f'\n  (func (export "_start") {body}))\n'


def test_start_that_never_returns_times_out():
    engine = WapcEngine(
        wat_module(_with_start("(loop $l (br $l))")), "kubewarden-wapc", EngineOptions(timeout=0.2)
    )
    response = engine.validate(ValidationRequest(pod_request()), {}).response
    assert response.message == TIMEOUT_MESSAGE and response.code == 500


def test_start_that_traps_is_policy_trap():
    engine = WapcEngine(wat_module(_with_start("unreachable")), "kubewarden-wapc", EngineOptions())
    with pytest.raises(PolicyTrap, match="initialisation failed: wasm trap: wasm `unreachable`"):
        engine.validate(ValidationRequest(pod_request()), {})
