"""The workspace model: cases and policies as texts, digests, and the core Suite they become."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO_ROOT

from workbench.core import Expectation, InputError
from workbench.gui.workspace import Workspace, WsCase, inputs_digest, parse_text, to_suite
from workbench.gui.workspace_io import load_workspace

DEMO = REPO_ROOT / "resources" / "demo"


def test_a_bare_module_is_a_workspace_with_a_scratch_case(tmp_path: Path) -> None:
    ws = Workspace(root=tmp_path)
    policy = ws.add_module(str(DEMO / "policies/require-labels/policy.wasm"))
    assert policy.id == "require-labels" and policy.cases[0].scratch and ws.dirty
    second = ws.add_module(str(DEMO / "policies/require-labels/policy.wasm"))
    assert second.id == "require-labels-2"
    assert policy.unique_case_name("scratch") == "scratch (2)"
    assert ws.title == "Unsaved workspace"


def test_to_suite_uses_the_edited_texts(tmp_path: Path) -> None:
    ws = load_workspace(DEMO)
    policy = ws.policy("require-labels")
    assert policy is not None
    case = policy.case_named("labelled pod")
    assert case is not None and not case.dirty
    case.request_text = case.request_text.replace('"owner"', '"proprietor"')
    case.expect = "rejected"
    policy.settings_text = "required_labels: [owner]\n"
    suite, kept, problems = to_suite(ws, [(policy, case)])
    assert problems == [] and kept == [(policy, case)]
    spec = suite.cases[0]
    assert spec.expect is Expectation.REJECTED and spec.policies == ("require-labels",)
    assert "proprietor" in spec.request["object"]["metadata"]["labels"]
    assert suite.policies["require-labels"].settings == {"required_labels": ["owner"]}


def test_to_suite_reports_cases_that_do_not_parse(tmp_path: Path) -> None:
    ws = Workspace(root=tmp_path)
    policy = ws.add_module(str(DEMO / "policies/require-labels/policy.wasm"))
    good = WsCase(name="good", request_text='{"uid": "1", "operation": "CREATE"}')
    policy.cases = [policy.cases[0], good]
    policy.cases[0].request_text = "{not json: ["
    suite, kept, problems = to_suite(ws, [(policy, c) for c in policy.cases])
    assert [c for _p, c in kept] == [good] and len(suite.cases) == 1
    assert len(problems) == 1 and "scratch" in problems[0] and "line" in problems[0]


def test_digest_and_parse() -> None:
    assert inputs_digest("a", {"x": 1}) == inputs_digest("a", {"x": 1}) != inputs_digest("a", {"x": 2})
    assert parse_text("a: 1") == {"a": 1} and parse_text('{"a": 1}') == {"a": 1} and parse_text("  ") is None
    with pytest.raises(InputError, match="line 2"):
        parse_text("a: 1\n b: [\n")
