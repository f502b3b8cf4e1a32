from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from workbench.core.errors import MetadataError
from workbench.core.metadata import Metadata, load_metadata_file, metadata_errors
from workbench.gui.metadataeditor import USAGE_KEY, MetadataEditor, format_list, parse_list

MD = {
    "protocolVersion": "v1",
    "rules": [
        {"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE", "UPDATE"]}
    ],
    "annotations": {"io.kubewarden.policy.title": "demo", USAGE_KEY: "# Usage\n\nSet `x`."},
    "mutating": False,
    "backgroundAudit": True,
    "executionMode": "kubewarden-wapc",
    "policyType": "kubernetes",
    "contextAwareResources": [{"apiVersion": "v1", "kind": "Namespace"}],
}


@pytest.fixture
def editor(qtbot: Any) -> MetadataEditor:
    widget = MetadataEditor()
    qtbot.addWidget(widget)
    widget.set_metadata(Metadata.from_dict(MD))
    return widget


def test_form_shows_every_field(editor: MetadataEditor) -> None:
    table = editor.rules.table
    assert [table.item(0, c).text() for c in range(3)] == ['""', "v1", "pods"]
    checks = [table.item(0, c).checkState() == Qt.CheckState.Checked for c in range(3, 8)]
    assert checks == [True, True, False, False, False]
    assert editor.execution_mode.currentText() == "kubewarden-wapc"
    assert editor.protocol_version.currentText() == "v1"
    assert editor.context_aware.table.item(0, 1).text() == "Namespace"
    assert editor.annotations.table.rowCount() == 1  # usage lives in its own tab
    assert editor.usage.toPlainText() == "# Usage\n\nSet `x`."
    assert "Usage" in editor.usage_preview.toPlainText()
    assert editor.valid and not editor.dirty
    assert editor.metadata() == Metadata.from_dict(MD)


def test_rule_edit_validates_with_core_messages_and_undoes(editor: MetadataEditor) -> None:
    editor.rules.table.item(0, 2).setText("")
    assert editor.errors == ["rules[0].resources: must contain at least one element"]
    assert "rules[0].resources: must contain at least one element" in editor.status.text()
    assert editor.dirty
    editor.rules.table.item(0, 2).setText("*, pods")
    md = Metadata.from_dict(editor.data)
    assert editor.errors == metadata_errors(md) != []
    editor.undo_stack.undo()
    assert editor.data["rules"][0]["resources"] == []
    editor.undo_stack.undo()
    assert editor.data == MD and editor.valid and not editor.dirty
    editor.undo_stack.redo()
    assert editor.rules.table.item(0, 2).text() == ""


def test_operation_checkbox_and_add_remove_rule(editor: MetadataEditor) -> None:
    editor.rules.table.item(0, 5).setCheckState(Qt.CheckState.Checked)  # DELETE
    assert editor.data["rules"][0]["operations"] == ["CREATE", "UPDATE", "DELETE"]
    editor.rules.add_button.click()
    assert len(editor.data["rules"]) == 2 and editor.rules.table.rowCount() == 2
    editor.rules.table.selectRow(0)
    editor.rules.remove_button.click()
    assert editor.data["rules"] == [
        {"apiGroups": [""], "apiVersions": ["v1"], "resources": ["pods"], "operations": ["CREATE"]}
    ]


def test_behaviour_fields(editor: MetadataEditor) -> None:
    editor.mutating.setChecked(True)
    editor.background_audit.setChecked(False)
    editor.execution_mode.setCurrentText("opa")
    editor.policy_type.setCurrentText("raw")
    editor.minimum_version.setText("1.20.0")
    editor.minimum_version.textEdited.emit("1.20.0")
    data = editor.data
    assert (data["mutating"], data["backgroundAudit"], data["executionMode"], data["policyType"]) == (
        True,
        False,
        "opa",
        "raw",
    )
    assert data["minimumKubewardenVersion"] == "1.20.0"
    editor.minimum_version.setText("not-semver")
    editor.minimum_version.textEdited.emit("not-semver")
    assert any("minimumKubewardenVersion" in e for e in editor.errors)
    assert editor.metadata() is None


def test_annotations_and_host_capabilities(editor: MetadataEditor) -> None:
    index = editor.well_known.findText("io.kubewarden.policy.author")
    editor.well_known.setCurrentIndex(index)
    editor.well_known.activated.emit(index)
    row = editor.annotations.table.rowCount() - 1
    assert editor.annotations.table.item(row, 0).text() == "io.kubewarden.policy.author"
    editor.annotations.table.item(row, 1).setText("Jane <jane@example.com>")
    assert editor.data["annotations"]["io.kubewarden.policy.author"] == "Jane <jane@example.com>"
    assert editor.data["annotations"][USAGE_KEY] == MD["annotations"][USAGE_KEY]
    editor.host_caps.add_button.click()
    assert editor.data["hostCapabilities"] == ["kubernetes/get_resource"]
    editor.host_caps.table.selectRow(0)
    editor.host_caps.remove_button.click()
    assert "hostCapabilities" not in editor.data
    editor.usage.setPlainText("new usage")
    assert editor.data["annotations"][USAGE_KEY] == "new usage"


def test_yaml_tab_in_sync_both_ways(qtbot: Any, editor: MetadataEditor) -> None:
    assert "executionMode: kubewarden-wapc" in editor.yaml.toPlainText()
    editor.mutating.setChecked(True)
    assert "mutating: true" in editor.yaml.toPlainText()
    editor.yaml.setPlainText(editor.yaml.toPlainText().replace("policyType: kubernetes", "policyType: raw"))
    editor.flush()
    assert editor.policy_type.currentText() == "raw"
    editor.yaml.setPlainText("rules: [\nmutating: true\n")
    editor.flush()
    assert not editor.valid and editor.errors[0].startswith("YAML tab: line ")
    assert editor.yaml.error_line is not None
    assert editor.metadata() is None
    editor.yaml.setPlainText("rules: []\nmutating: yes-please\n")
    editor.flush()
    assert editor.errors == ['mutating: invalid type: string "yes-please", expected a boolean']
    # consecutive YAML-tab edits merge into one undo step (like typing)
    editor.undo_stack.undo()
    assert editor.valid and editor.yaml.error_line is None
    assert editor.policy_type.currentText() == "kubernetes" and editor.mutating.isChecked()
    editor.undo_stack.undo()
    assert editor.data == MD


def test_missing_protocol_version_is_what_annotate_sets(qtbot: Any) -> None:
    widget = MetadataEditor()
    qtbot.addWidget(widget)
    widget.set_data({k: v for k, v in MD.items() if k != "protocolVersion"}, annotated=False)
    assert widget.valid
    assert (
        "Annotate &amp; Save sets it" in widget.status.text()
        or "Annotate & Save sets it" in widget.status.text()
    )
    assert "not annotated" in widget.status.text()


def test_import_export(tmp_path: Path, editor: MetadataEditor) -> None:
    source = tmp_path / "metadata.yml"
    source.write_text("rules: []\nmutating: true\nexecutionMode: wasi\nprotocolVersion: Unknown\n")
    editor.import_file(source)
    assert editor.data["executionMode"] == "wasi" and editor.dirty
    out = tmp_path / "out.yml"
    editor.export_file(out)
    assert load_metadata_file(out) == Metadata.from_dict(editor.data)
    editor.rules.add_button.click()
    editor.rules.table.item(0, 0).setText("*, apps")
    with pytest.raises(MetadataError, match="cannot export"):
        editor.export_file(out)
    bad = tmp_path / "bad.yml"
    bad.write_text("- not a mapping\n")
    with pytest.raises(MetadataError, match="must be a mapping"):
        editor.import_file(bad)


_item = st.text(
    alphabet=st.characters(blacklist_characters=",\"'", blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    max_size=10,
)


@given(st.lists(_item, max_size=5))
def test_rule_cells_roundtrip(values: list[str]) -> None:
    if values == [""]:
        assert parse_list(format_list(values)) == [""]
    assert parse_list(format_list(values)) == values or (
        values == [] and parse_list(format_list(values)) == []
    )
