"""Gatekeeper ``gator verify`` suites: run from Rego source in Gatekeeper mode, and converted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from suitetest import GATOR

from workbench.core import CaseStatus, InputError, SuiteError, import_gator, load_suite, run_suites
from workbench.core.suites.gator import scope_of_match


def test_a_realistic_gator_suite_runs_and_passes() -> None:
    suite = load_suite(GATOR / "suite.yaml")
    assert suite.format == "gator"
    assert any("invalid: true" in n for n in suite.notes)
    run = run_suites([suite], workers=1)
    assert run.ok, [(r.case_id, r.reason) for r in run.results if not r.passed]
    got = {r.case_id.split("/")[1]: r for r in run.results}
    assert got["missing-owner"].violations and got["missing-owner"].got == "rejected"
    assert got["configmap-not-matched"].got == "skipped"  # outside the constraint's match
    assert got["unlabelled-pod"].message == "pods need an app and a tier label"


def test_a_wrong_assertion_fails(tmp_path: Path) -> None:
    folder = tmp_path / "g"
    shutil.copytree(GATOR, folder)
    text = (
        (folder / "suite.yaml")
        .read_text()
        .replace(
            '          - violations: 1\n            message: "you must',
            '          - violations: 2\n            message: "you must',
        )
    )
    (folder / "suite.yaml").write_text(text)
    run = run_suites([load_suite(folder / "suite.yaml")], workers=1)
    failed = [r for r in run.results if r.status is CaseStatus.FAILED]
    assert (
        len(failed) == 1
        and "got 1 violations containing 'you must provide labels' but want exactly 2" in failed[0].reason
    )


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (
            (
                "template: template.yaml\n    constraint: constraint.yaml\n    cases",
                "template: nope.yaml\n    constraint: constraint.yaml\n    cases",
            ),
            "template file nope.yaml does not exist",
        ),
        (
            ("      - name: example-allowed\n", "      - name: example-allowed\n        objekt: x\n"),
            "unknown key in a gator case",
        ),
        (
            ("          - violations: no\n", "          - violations: maybe\n"),
            'must be a nonnegative integer, "yes", or "no"',
        ),
        (("tests:\n", "tests: 3\nx:\n"), "unknown key"),
    ],
)
def test_bad_gator_suites_name_the_line(tmp_path: Path, edit: tuple[str, str], fragment: str) -> None:
    folder = tmp_path / "g"
    shutil.copytree(GATOR, folder)
    text = (folder / "suite.yaml").read_text()
    assert edit[0] in text
    (folder / "suite.yaml").write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(SuiteError, match=rf"suite\.yaml:\d+: .*{fragment[:20]}") as info:
        load_suite(folder / "suite.yaml")
    assert fragment in str(info.value)


def test_import_gator_writes_a_suite_that_runs_the_same(tmp_path: Path) -> None:
    out = tmp_path / "converted" / "labels.suite.yaml"
    out.parent.mkdir()
    written, notes = import_gator(GATOR / "suite.yaml", out)
    assert out in written and any(p.name == "template.rego" for p in written) and notes
    converted = load_suite(out)
    assert converted.format == "workbench" and len(converted.cases) == 7
    original = run_suites([load_suite(GATOR / "suite.yaml")], workers=1)
    again = run_suites([converted], workers=1)
    assert again.ok
    assert [(r.case_id, r.got, r.message) for r in again.results] == [
        (r.case_id, r.got, r.message) for r in original.results
    ]
    with pytest.raises(InputError, match="would overwrite"):
        import_gator(GATOR / "suite.yaml", GATOR / "suite.yaml")
    with pytest.raises(InputError, match="not a gator suite"):
        import_gator(out, tmp_path / "x.suite.yaml")


def test_constraint_match_becomes_scope() -> None:
    scope = scope_of_match(
        {
            "kinds": [{"apiGroups": ["apps"], "kinds": ["Deployment"]}],
            "namespaces": ["prod-*", "web"],
            "labelSelector": {"matchLabels": {"a": "b"}},
        }
    )
    assert scope is not None
    assert scope["rules"][0]["resources"] == ["deployments"] and scope["objectSelector"] == {
        "matchLabels": {"a": "b"}
    }
    assert "startsWith('prod-')" in scope["matchConditions"][0]["expression"]
    assert scope_of_match({}) is None
