"""The Metadata editor's widgets are built with their names, columns and pages."""

from __future__ import annotations

from typing import Any

from workbench.gui.metadataeditor import MetadataEditor
from workbench.gui.metadataform import RULE_COLUMNS, USAGE_KEY


def test_pages_columns_and_usage_stays_a_block_scalar(qtbot: Any) -> None:
    editor = MetadataEditor()
    qtbot.addWidget(editor)
    assert [editor.tabs.tabText(i) for i in range(editor.tabs.count())] == ["&Form", "&Usage", "&YAML"]
    assert editor.rules.table.columnCount() == len(RULE_COLUMNS) and RULE_COLUMNS[3] == "CREATE"
    assert editor.well_known.findText(USAGE_KEY) < 0  # the usage has its own page
    editor.set_data({**editor.data, "annotations": {USAGE_KEY: "line one\nline two\n"}})
    text = editor.yaml.toPlainText()
    assert f"{USAGE_KEY}: |" in text and "line one\n" in text  # issue 14, defect 10: not a quoted string
    editor.usage.setPlainText("first\nsecond\n")
    assert f"{USAGE_KEY}: |" in editor.yaml.toPlainText()
