"""Pieces of the Metadata editor: rule-cell lists, table filling, combo boxes."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QTableWidget

from workbench.gui.metadatatables import (
    default_metadata,
    fill_table,
    format_list,
    list_of,
    parse_list,
    set_combo,
    table_cell,
)

names = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-./*", max_size=10), max_size=5)


@given(names)
def test_rule_cells_round_trip(values: list[str]) -> None:
    assert parse_list(format_list(values)) == values


def test_core_group_and_empty_cells() -> None:
    assert format_list(["", "apps"]) == '"", apps' and parse_list('"", apps') == ["", "apps"]
    assert parse_list("  ") == [] and list_of(None) == [] and list_of([1]) == [1]
    assert default_metadata()["rules"][0]["resources"] == ["pods"]


def test_fill_table_and_combo(qtbot: Any) -> None:
    table = QTableWidget(0, 3)
    qtbot.addWidget(table)
    fill_table(table, [["a", "b", True], ["c", "d", False]])
    assert table.rowCount() == 2 and table_cell(table, 1, 0) == "c"
    assert table.item(0, 2).checkState() == Qt.CheckState.Checked
    fill_table(table, [["a", "x", False]])
    assert table.rowCount() == 1 and table_cell(table, 0, 1) == "x" and table_cell(table, 5, 5) == ""
    box = QComboBox()
    qtbot.addWidget(box)
    box.addItems(["one", "two"])
    set_combo(box, "two")
    assert box.currentText() == "two"
    set_combo(box, "three")  # an unknown value is shown, not lost
    assert box.currentText() == "three" and box.count() == 3
