"""Pygments highlighting of YAML and JSON in the editors, light and dark."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QTextDocument

from workbench.gui.highlighter import PygmentsHighlighter


def _colours(doc: QTextDocument, line: int = 0) -> list[tuple[int, int, str]]:
    block = doc.findBlockByNumber(line)
    return [(r.start, r.length, r.format.foreground().color().name()) for r in block.layout().formats()]


def test_yaml_keys_and_values_get_different_colours(qapp: Any) -> None:
    doc = QTextDocument()
    doc.setPlainText("key: value  # note\nlist:\n  - 1\n")
    highlighter = PygmentsHighlighter(doc, "yaml")
    assert highlighter.language == "yaml"
    ranges = _colours(doc)
    assert ranges, "nothing highlighted"
    assert ranges[0][0] == 0 and ranges[0][1] >= 3  # the key
    assert len({colour for _s, _l, colour in ranges}) >= 2


def test_json_language_and_switching(qapp: Any) -> None:
    doc = QTextDocument()
    doc.setPlainText('{"uid": "x", "allowed": true, "n": 1}')
    highlighter = PygmentsHighlighter(doc, "json")
    assert highlighter.language == "json"
    json_ranges = _colours(doc)
    assert len(json_ranges) >= 4
    highlighter.set_language("yaml")
    assert highlighter.language == "yaml"
    assert _colours(doc) != json_ranges


def test_dark_style_changes_colours_and_back(qapp: Any) -> None:
    doc = QTextDocument()
    doc.setPlainText("key: value\n")
    highlighter = PygmentsHighlighter(doc, "yaml", dark=False)
    light = _colours(doc)
    highlighter.set_dark(True)
    dark = _colours(doc)
    assert dark and dark != light
    highlighter.set_dark(True)  # no change, no work
    assert _colours(doc) == dark
    highlighter.set_dark(False)
    assert _colours(doc) == light


def test_empty_and_odd_lines_do_not_break(qapp: Any) -> None:
    doc = QTextDocument()
    doc.setPlainText('\n: : :\n{[\n"unterminated\nblock: |\n  text\n')
    PygmentsHighlighter(doc, "yaml")
    assert _colours(doc, 0) == []
