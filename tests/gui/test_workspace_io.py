"""Reading and writing workspaces in the suite format, checked by the core's loader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import REPO_ROOT

from workbench.core import InputError, load_suite
from workbench.gui.workspace import Workspace, WsCase
from workbench.gui.workspace_io import load_workspace, save_workspace

DEMO = REPO_ROOT / "resources" / "demo"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    target = tmp_path / "demo"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns("node_modules", "assembly"))
    return target


def test_round_trip_keeps_every_case(demo: Path) -> None:
    ws = load_workspace(demo)
    before = {(p.id, c.name, c.expect, c.message) for p in ws.policies for c in p.cases}
    original = load_suite(demo / "demo.suite.yaml")
    save_workspace(ws)
    again = load_workspace(demo)
    assert {(p.id, c.name, c.expect, c.message) for p in again.policies for c in p.cases} == before
    reread = load_suite(demo / "demo.suite.yaml")

    def without_uid(request: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in request.items() if k != "uid"}  # scaffolded requests get a fresh uid

    assert [without_uid(c.request) for c in reread.cases] == [without_uid(c.request) for c in original.cases]
    assert (demo / "demo.suite.yaml").read_text().startswith("# Policy Workbench test suite")
    assert not again.dirty


def test_edits_and_new_cases_are_written(demo: Path) -> None:
    ws = load_workspace(demo)
    policy = ws.policy("require-labels")
    assert policy is not None
    case = policy.case_named("labelled pod")
    assert case is not None
    case.request_text = case.request_text.replace('"owner"', '"proprietor"')
    new = WsCase(name="a new case", request_text=case.request_text, expect="rejected", message="owner")
    policy.cases.append(new)
    policy.settings_text = "required_labels: [owner, app]\n"
    assert ws.dirty
    save_workspace(ws)
    assert not ws.dirty
    assert (demo / "settings/require-labels.yml").read_text() == "required_labels: [owner, app]\n"
    assert new.request_path is not None and new.request_path.is_relative_to(demo / "cases")
    again = load_workspace(demo)
    saved = again.policy("require-labels")
    assert saved is not None
    assert "proprietor" in saved.case_named("labelled pod").request_text  # type: ignore[union-attr]
    assert saved.case_named("a new case").expect == "rejected"  # type: ignore[union-attr]


def test_an_unsaved_workspace_is_saved_where_asked(tmp_path: Path) -> None:
    ws = Workspace(root=tmp_path)
    policy = ws.add_module(str(DEMO / "policies/require-labels/policy.wasm"))
    policy.cases[0].request_text = (DEMO / "requests/pod-compliant.json").read_text()
    policy.cases[0].expect = "allowed"
    written = save_workspace(ws, tmp_path / "mine")
    assert written.name == "mine.suite.yaml" and ws.path == written
    suite = load_suite(written)
    assert list(suite.policies) == ["require-labels"] and len(suite.cases) == 1
    with pytest.raises(InputError, match="choose a file"):
        save_workspace(Workspace(root=tmp_path))


def test_a_folder_without_a_suite_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no \*\.suite\.yaml"):
        load_workspace(tmp_path)
