"""Every demo policy × demo request gives the verdict resources/demo/demo.yml documents (Wasm and Rego source)."""

from __future__ import annotations

import io

import pytest

from workbench.core.demo import EXPECTATIONS, load_demo, run_demo_case, run_headless_demo

DEMO = load_demo()
CASES = [pytest.param(p, c, id=f"{p.id}--{c.name}") for p in DEMO.policies for c in p.cases]


@pytest.mark.parametrize(("policy", "case"), CASES)
def test_demo_verdict_is_the_documented_one(policy, case) -> None:
    result = run_demo_case(policy, case)
    assert result.verdict == case.expect, f"{policy.id} / {case.name}: {result.verdict}: {result.message}"
    if case.message is not None:
        assert case.message in result.message


def test_demo_covers_every_path() -> None:
    engines = {p.engine for p in DEMO.policies}
    assert engines == {"wasm", "rego-source"}
    expectations = {c.expect for p in DEMO.policies for c in p.cases}
    assert {"accepted", "rejected", "mutated", "settings-error"} <= expectations <= set(EXPECTATIONS)
    assert any(p.allow_context_aware and p.cluster_snapshot for p in DEMO.policies)
    modes = set()
    from workbench.core.engines.rego_source import load_rego_source, resolve_rego_mode

    for p in DEMO.policies:
        if p.engine == "rego-source":
            modes.add(resolve_rego_mode(load_rego_source(p.module), p.execution_mode))
    assert modes == {"opa", "gatekeeper"}


def test_mutation_patch_sets_the_pull_policy() -> None:
    policy = DEMO.policy("set-image-pull-policy")
    case = next(c for c in policy.cases if c.expect == "mutated")
    result = run_demo_case(policy, case)
    assert result.response is not None and result.response["patchType"] == "JSONPatch"
    import base64
    import json

    ops = json.loads(base64.b64decode(result.response["patch"]))
    assert {"op": "add", "path": "/spec/containers/0/imagePullPolicy", "value": "Always"} in ops


def test_headless_table_reports_every_case() -> None:
    out = io.StringIO()
    assert run_headless_demo(out) == 0
    text = out.getvalue()
    total = sum(len(p.cases) for p in DEMO.policies)
    assert f"{total} of {total} verdicts as documented" in text
    for policy in DEMO.policies:
        assert policy.title in text
