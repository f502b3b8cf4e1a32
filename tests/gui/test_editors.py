from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workbench.core.errors import InputError
from workbench.core.requests import parse_request
from workbench.core.scaffold.admission_request import SCAFFOLD_UID
from workbench.core.scaffold.templates import template_names
from workbench.gui import textdoc
from workbench.gui.editors import RequestEditor, SettingsEditor, describe_request


def test_settings_must_be_an_object(qtbot: Any) -> None:
    editor = SettingsEditor()
    qtbot.addWidget(editor)
    assert editor.settings() == {} and editor.problem() is None
    editor.set_text("- a\n- b\n", "yaml")
    assert editor.problem() == "settings must be a mapping (an object), e.g. {} or key: value"
    with pytest.raises(InputError, match="must be a mapping"):
        editor.settings()
    editor.set_text("denied_names: [a]\n", "yaml")
    assert editor.settings() == {"denied_names": ["a"]}
    editor.set_text("", "yaml")
    assert editor.settings() == {}


def test_settings_file_roundtrip(qtbot: Any, tmp_path: Path) -> None:
    editor = SettingsEditor()
    qtbot.addWidget(editor)
    source = tmp_path / "s.json"
    source.write_text('{"a": 1}')
    editor.load_file(source)
    assert editor.language == "json" and editor.settings() == {"a": 1} and not editor.dirty
    editor.convert()
    assert editor.dirty
    saved = editor.save_file(tmp_path / "out.yml")
    assert saved.read_text() == "a: 1\n" and not editor.dirty


@pytest.mark.parametrize(("kind", "operation"), template_names()[::4])
def test_templates_are_runnable_requests(qtbot: Any, kind: str, operation: str) -> None:
    editor = RequestEditor()
    qtbot.addWidget(editor)
    editor.use_template(kind, operation)
    assert editor.problem() is None
    request = parse_request(editor.result.value)
    assert request.request["operation"] == operation
    assert editor.status.text().startswith(f"AdmissionReview · {operation} {kind}")


def test_wrap_plain_object(qtbot: Any) -> None:
    editor = RequestEditor()
    qtbot.addWidget(editor)
    editor.set_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\n", "yaml")
    assert editor.wrap_button.isEnabled()
    assert "wrap it into an AdmissionReview first" in (editor.problem() or "")
    editor.wrap_object("CREATE")
    review = editor.result.value
    assert review["kind"] == "AdmissionReview"
    assert review["request"]["uid"] == SCAFFOLD_UID
    assert review["request"]["resource"]["resource"] == "deployments"
    assert editor.problem() is None and not editor.wrap_button.isEnabled()
    editor.undo_stack.undo()
    assert editor.result.value["kind"] == "Deployment"
    with pytest.raises(InputError):
        editor.set_text("[1, 2]", "json")
        editor.wrap_object("DELETE")


def test_describe_request() -> None:
    assert describe_request(None) == "no request"
    assert describe_request([1]) == "a raw request (not an object)"
    assert (
        describe_request({"uid": "1", "operation": "DELETE", "kind": {"kind": "Pod"}, "name": "x"})
        == "DELETE Pod x"
    )
    assert describe_request({"hello": "world"}) == "a raw request"


def test_empty_request_has_a_reason(qtbot: Any) -> None:
    editor = RequestEditor()
    qtbot.addWidget(editor)
    assert editor.problem() == "the request is empty: pick a template or load a request file"
    editor.set_text('{"uid": ', "json")
    assert (editor.problem() or "").startswith("request: invalid JSON at line 1")
    assert textdoc.parse(editor.text(), "json").error is not None
