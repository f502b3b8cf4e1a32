"""``--update``: failing expectations rewritten from the results, comments and layout kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from suitetest import POD, wapc_policy, write_suite

from workbench.core import InputError, apply_updates, load_suite, plan_updates, render_updates, run_suites
from workbench.core.suites.loader import parse_positions

SUITE = """\
# my suite: keep this comment
policies:
  labels:
    module: {demo}/policies/require-labels/policy.wasm
    settings: {required_labels: [app, owner, team]}   # inline settings
  pull:
    module: {demo}/policies/set-image-pull-policy/policy.wasm
    settings: {pull_policy: Always}
cases:
  - id: one          # expects the wrong verdict
    policy: labels
    object: pod.yaml
    expect: allowed
    message: "whatever"
    code: 200
  - id: two
    policy: labels
    object: pod.yaml
    expect: rejected   # already right
    message: "team$"
  - id: three
    policy: pull
    object: pod.yaml
    expect: mutated
    patched: patched.json
  - id: four
    policy: pull
    object: pod.yaml
    expect: allowed
"""


@pytest.fixture
def suite_path(tmp_path: Path) -> Path:
    (tmp_path / "pod.yaml").write_text(yaml.safe_dump(POD))
    (tmp_path / "patched.json").write_text(json.dumps(POD))
    return write_suite(tmp_path, SUITE)


def test_update_rewrites_only_what_failed_and_keeps_the_rest(suite_path: Path) -> None:
    suite = load_suite(suite_path)
    run = run_suites([suite], workers=1)
    assert [r.passed for r in run.results] == [False, True, False, False]
    updates = plan_updates([suite], run)
    diff = render_updates(updates)
    lines = diff.splitlines()
    assert "-    expect: allowed" in lines and "+    expect: rejected" in lines
    assert '+    message: "missing required labels: team"' in lines
    assert "-    code: 200" in diff and "patched.json" in diff
    before = suite_path.read_text()
    assert suite_path.read_text() == before  # nothing written yet
    written = apply_updates(updates)
    assert set(written) == {suite_path, suite_path.parent / "patched.json"}
    text = suite_path.read_text()
    assert (
        "# my suite: keep this comment" in text and "# inline settings" in text and "# already right" in text
    )
    assert "# expects the wrong verdict" in text
    again = run_suites([load_suite(suite_path)], workers=1)
    assert again.ok, [(r.case_id, r.reason) for r in again.results if not r.passed]
    data, _ = parse_positions(text, "x")
    four = data["cases"][3]
    assert (
        four["expect"] == "mutated"
        and four["patched"]["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    )
    assert "code" not in data["cases"][0]


def test_nothing_to_update_when_all_pass(suite_path: Path, tmp_path: Path) -> None:
    wapc_policy(tmp_path, "ok", 'respond:{"accepted":true}')
    path = write_suite(
        tmp_path,
        "policies: {p: {module: ok.wasm}}\ncases:\n  - {id: a, object: pod.yaml, expect: allowed}\n",
        "ok.suite.yaml",
    )
    suite = load_suite(path)
    assert plan_updates([suite], run_suites([suite], workers=1)) == []


def test_flow_style_cases_and_gator_suites_are_not_rewritten(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(yaml.safe_dump(POD))
    wapc_policy(tmp_path, "deny", 'respond:{"accepted":false,"message":"no"}')
    path = write_suite(
        tmp_path,
        "policies: {p: {module: deny.wasm}}\ncases:\n  - {id: a, object: pod.yaml, expect: allowed}\n",
    )
    suite = load_suite(path)
    (update,) = plan_updates([suite], run_suites([suite], workers=1))
    assert not update.changed and "flow-style" in update.notes[0]
    from suitetest import GATOR

    gator = load_suite(GATOR / "suite.yaml")
    run = run_suites([gator], workers=1)
    from dataclasses import replace

    from workbench.core import CaseStatus

    run.results[0] = replace(run.results[0], status=CaseStatus.FAILED)
    with pytest.raises(InputError, match="workbench suites only"):
        plan_updates([gator], run)


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text(max_size=40))
def test_literal_regex_matches_exactly_its_text(text: str) -> None:
    import re

    from workbench.core.suites.update import _literal_regex

    assert re.fullmatch(_literal_regex(text), text, re.S) is not None
