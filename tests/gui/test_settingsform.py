"""The settings form generated from a policy's questions-ui.yml, in step with the settings YAML."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from gui.gui_helpers import open_module
from helpers import REPO_ROOT

from workbench.core import InputError
from workbench.gui.mainwindow import MainWindow
from workbench.gui.settingsform import Question, SettingsForm, find_questions, load_questions

DEMO = REPO_ROOT / "resources" / "demo"

QUESTIONS = """\
questions:
  - variable: required_labels
    label: Required labels
    type: array[
    required: true
    description: Labels every object must carry
  - variable: allow_empty
    label: Allow empty values
    type: boolean
  - variable: max_labels
    label: Maximum labels
    type: int
  - variable: mode
    label: Mode
    type: enum
    options: [strict, lenient]
  - variable: extra
    label: Extra
    type: map[
"""


def test_load_and_find_questions(tmp_path: Path) -> None:
    policy = tmp_path / "policy.wasm"
    policy.write_bytes(b"")
    assert find_questions(policy) is None
    (tmp_path / "questions-ui.yml").write_text(QUESTIONS)
    found = find_questions(policy)
    assert found == tmp_path / "questions-ui.yml"
    questions = load_questions(found)
    assert [q.variable for q in questions] == [
        "required_labels",
        "allow_empty",
        "max_labels",
        "mode",
        "extra",
    ]
    assert questions[0].required and questions[3].options == ("strict", "lenient")
    (tmp_path / "bad.yml").write_text("questions: {}\n")
    with pytest.raises(InputError, match="'questions' list"):
        load_questions(tmp_path / "bad.yml")


def test_fields_write_the_settings(qtbot: Any) -> None:
    form = SettingsForm()
    qtbot.addWidget(form)
    form.set_questions(
        [
            Question("names", "Names", "array["),
            Question("strict", "Strict", "boolean"),
            Question("count", "Count", "int"),
            Question("mode", "Mode", "enum", options=("a", "b")),
            Question("title", "Title", "string"),
        ],
        "questions-ui.yml",
    )
    form.show_settings({"names": ["x", "y"], "strict": True, "count": 3, "mode": "b", "title": "t"})
    assert form.fields["names"].toPlainText() == "x\ny"  # type: ignore[attr-defined]
    changes: list[dict[str, Any]] = []
    form.changed.connect(changes.append)
    form.fields["names"].setPlainText("x\ny\nz")  # type: ignore[attr-defined]
    assert changes[-1]["names"] == ["x", "y", "z"]
    form.fields["strict"].setChecked(False)  # type: ignore[attr-defined]
    form.fields["mode"].setCurrentIndex(0)  # type: ignore[attr-defined]  # "(not set)" removes the key
    assert changes[-1] == {"names": ["x", "y", "z"], "strict": False, "count": 3, "title": "t"}


def test_the_window_shows_the_form_for_a_policy_with_questions(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    folder = tmp_path / "require-labels"
    folder.mkdir()
    shutil.copy(DEMO / "policies/require-labels/policy.wasm", folder / "policy.wasm")
    (folder / "questions-ui.yml").write_text(QUESTIONS)
    open_module(qtbot, window, folder / "policy.wasm")
    page = window.settings_page
    assert page.has_form and page.tabs.currentWidget() is page.form
    field = page.form.fields["required_labels"]
    field.setPlainText("owner\napp")  # type: ignore[attr-defined]
    assert window.settings_editor.settings()["required_labels"] == ["owner", "app"]
    window.settings_editor.set_text("required_labels: [team]\n", "yaml", clean=False)
    window.settings_editor.reparse()
    assert field.toPlainText() == "team"  # type: ignore[attr-defined]
    window.settings_editor.undo_stack.undo()
    window.settings_editor.reparse()
    assert window.settings_editor.settings()["required_labels"] == ["owner", "app"]
    open_module(qtbot, window, DEMO / "policies/require-labels/policy.wasm")
    assert not window.settings_page.has_form
