"""The window's worker functions over the core session API: opening policies, the decision path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import REPO_ROOT

from workbench.core import PostProcessing, RunConfig, Verdict
from workbench.gui.evaluation import evaluate_inputs, load_policy, policy_input_key

DEMO = REPO_ROOT / "resources" / "demo"


def _request(name: str) -> dict[str, object]:
    return json.loads((DEMO / "requests" / name).read_text())


def test_load_a_wasm_module_and_a_rego_source() -> None:
    wasm = load_policy(str(DEMO / "policies/require-labels/policy.wasm"))
    assert wasm.label == "kubewarden-wapc" and wasm.report is not None and wasm.compile_s is not None
    assert wasm.name == "require-labels" and len(wasm.sha256) == 64
    rego = load_policy(str(DEMO / "rego/allowed-registries/policy.rego"))
    assert rego.is_rego and rego.execution_mode == "gatekeeper" and rego.rego_texts
    assert rego.metadata is not None and rego.report is None
    assert policy_input_key(rego, None) != policy_input_key(wasm, None)
    assert policy_input_key(wasm, {"a": 1}) != policy_input_key(wasm, {"a": 2})


def test_decision_path_of_an_accepted_request() -> None:
    output = evaluate_inputs(
        str(DEMO / "policies/require-labels/policy.wasm"),
        RunConfig(),
        _request("pod-compliant.json"),
        {"required_labels": ["app", "owner"]},
    )
    assert output.evaluation.verdict == Verdict.ACCEPTED
    assert [s.title for s in output.decision] == [
        "Scope (rules from the metadata)",
        "Settings validation",
        "Evaluation (kubewarden-wapc)",
        "Post-processing",
    ]
    assert output.decision[2].detail == "the policy accepted the request"


def test_monitor_mode_and_a_custom_message_are_explained() -> None:
    config = RunConfig(post=PostProcessing(mode="monitor"))
    output = evaluate_inputs(
        str(DEMO / "policies/require-labels/policy.wasm"),
        config,
        _request("pod-missing-labels.json"),
        {"required_labels": ["owner"]},
    )
    assert output.evaluation.verdict == Verdict.ACCEPTED  # monitor mode lets everything through
    assert "monitor mode accepts every request" in output.decision[-1].detail
    rejected = evaluate_inputs(
        str(DEMO / "policies/require-labels/policy.wasm"),
        RunConfig(post=PostProcessing(custom_rejection_message="ask the platform team")),
        _request("pod-missing-labels.json"),
        {"required_labels": ["owner"]},
    )
    assert "message replaced by the deployment's: ask the platform team" in rejected.decision[-1].detail


@pytest.mark.parametrize("scope", [True, False])
def test_out_of_scope_requests_are_skipped_unless_scope_is_off(scope: bool) -> None:
    output = evaluate_inputs(
        str(DEMO / "policies/set-image-pull-policy/policy.wasm"),
        RunConfig(),
        _request("pod-delete.json"),
        {"pull_policy": "Always"},
        scope=scope,
    )
    if scope:
        assert output.evaluation.verdict == Verdict.SKIPPED and output.decision[0].status == "skipped"
    else:
        assert (
            output.evaluation.verdict != Verdict.SKIPPED and output.decision[0].title == "Settings validation"
        )


def test_a_policy_that_cannot_open_is_an_error_verdict(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(b"not wasm")
    output = evaluate_inputs(str(bad), RunConfig(), _request("pod-compliant.json"), {})
    assert output.evaluation.verdict == Verdict.ERROR and output.decision[0].title == "Opening the policy"
