"""The bundled demo is a suite (resources/demo/demo.suite.yaml): every case gives its documented
verdict, through the same runner as ``policy-workbench test``, and every outcome kind is there."""

from __future__ import annotations

import base64
import io
import json

import pytest

from workbench.core.demo import EXPECTATIONS, load_demo, run_demo_case, run_headless_demo

DEMO = load_demo()
CASES = [pytest.param(p, c, id=f"{p.id}--{c.id}") for p in DEMO.policies for c in p.cases]


@pytest.mark.parametrize(("policy", "case"), CASES)
def test_demo_verdict_is_the_documented_one(policy, case) -> None:
    result = run_demo_case(policy, case, DEMO.suite)
    assert result.verdict == case.expect, f"{policy.id} / {case.name}: {result.verdict}: {result.message}"
    assert result.as_expected, result.result


def test_demo_covers_every_outcome_kind_and_engine() -> None:
    engines = {p.engine for p in DEMO.policies}
    assert engines == {"wasm", "rego-source", "manifest"}
    expectations = {c.expect for p in DEMO.policies for c in p.cases}
    assert expectations == set(EXPECTATIONS)
    assert any(p.allow_context_aware and p.cluster_snapshot for p in DEMO.policies)
    mutated = [c for p in DEMO.policies for c in p.cases if c.expect == "mutated"]
    assert mutated and all(c.spec is not None and c.spec.patched is not None for c in mutated)
    # cases given as a request file and as an object scaffolded into a request
    assert any(c.request is not None for p in DEMO.policies for c in p.cases)
    assert any(c.request is None and c.request_document for p in DEMO.policies for c in p.cases)


def test_mutation_patch_sets_the_pull_policy() -> None:
    policy = DEMO.policy("set-image-pull-policy")
    case = next(c for c in policy.cases if c.expect == "mutated")
    result = run_demo_case(policy, case, DEMO.suite)
    assert result.response is not None and result.response["patchType"] == "JSONPatch"
    ops = json.loads(base64.b64decode(result.response["patch"]))
    assert {"op": "add", "path": "/spec/containers/0/imagePullPolicy", "value": "Always"} in ops
    assert result.result is not None and result.result.patched == case.spec.patched  # type: ignore[union-attr]


def test_run_demo_case_loads_the_suite_itself() -> None:
    policy = DEMO.policy("require-labels")
    result = run_demo_case(policy, policy.cases[0])
    assert result.as_expected


def test_unknown_policy_is_an_input_error() -> None:
    from workbench.core import InputError

    with pytest.raises(InputError, match="no policy 'nope'"):
        DEMO.policy("nope")


def test_headless_table_reports_every_case() -> None:
    out = io.StringIO()
    assert run_headless_demo(out) == 0
    text = out.getvalue()
    total = sum(len(p.cases) for p in DEMO.policies)
    assert f"{total} of {total} verdicts as documented" in text
    for policy in DEMO.policies:
        assert policy.title in text
