"""The structural mutation diff: aligned by JSON path, no false changes, unified / side-by-side."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from workbench.gui.diffview import DiffView, apply_patch, structural_diff

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=4), children, max_size=3)
    ),
    max_leaves=12,
)


def test_rows_by_path() -> None:
    before = {"metadata": {"labels": {"a": "1", "gone": "x"}}, "spec": {"containers": [{"image": "a:1"}]}}
    after = {
        "metadata": {"labels": {"a": "1", "b": "2"}},
        "spec": {"containers": [{"image": "a:2", "imagePullPolicy": "Always"}]},
    }
    rows = {(r.path, r.kind, r.before, r.after) for r in structural_diff(before, after)}
    assert rows == {
        ("/metadata/labels/b", "added", None, "2"),
        ("/spec/containers/0/image", "changed", "a:1", "a:2"),
        ("/spec/containers/0/imagePullPolicy", "added", None, "Always"),
        ("/metadata/labels/gone", "removed", "x", None),
    }


def test_adding_a_last_key_is_one_row_not_a_trailing_comma_change() -> None:
    before = {"labels": {"a": "1"}}
    after = apply_patch(before, [{"op": "add", "path": "/labels/b", "value": "2"}])
    assert [(r.path, r.kind) for r in structural_diff(before, after)] == [("/labels/b", "added")]
    assert structural_diff({"a/b": {"c~d": 1}}, {"a/b": {"c~d": 2}})[0].path == "/a~1b/c~0d"


@given(json_values)
def test_a_document_has_no_difference_with_itself(value: Any) -> None:
    assert structural_diff(value, value) == []


@given(json_values, json_values)
def test_every_difference_is_real(before: Any, after: Any) -> None:
    for row in structural_diff(before, after):
        if row.kind == "changed":  # JSON equality: false is not 0
            assert json.dumps(row.before, sort_keys=True) != json.dumps(row.after, sort_keys=True)


def test_unified_and_side_by_side(qtbot: Any) -> None:
    view = DiffView()
    qtbot.addWidget(view)
    view.show()
    view.set_documents({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4})
    assert view.unified.toPlainText() == "- /b: 2\n+ /b: 3\n+ /c: 4"
    assert view.summary.text() == "1 added, 1 changed"
    assert view.stack.currentWidget() is view.unified
    view.side_button.click()
    assert view.stack.currentWidget() is view.table and view.table.rowCount() == 2
    assert [view.table.item(0, c).text() for c in range(3)] == ["/b", "2", "3"]
    view.clear()
    assert view.rows == [] and view.table.rowCount() == 0
