"""Pygments-driven syntax highlighting for the code editors (YAML, JSON and Rego).

Each block (line) is lexed on its own: YAML and JSON tokens never need the
previous line to be coloured right except inside block scalars, which are
rendered as plain text. Token formats come from a Pygments style picked for
the light or dark palette.
"""

from __future__ import annotations

from typing import Any

from pygments.lexers import JsonLexer, RegoLexer, YamlLexer
from pygments.styles import get_style_by_name
from pygments.token import Token, _TokenType
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

__all__ = ["PygmentsHighlighter"]

LIGHT_STYLE = "default"
DARK_STYLE = "monokai"


class PygmentsHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, language: str = "yaml", dark: bool = False) -> None:
        super().__init__(document)
        self._formats: dict[Any, QTextCharFormat] = {}
        self._dark = dark
        self._style = get_style_by_name(DARK_STYLE if dark else LIGHT_STYLE)
        self._lexer: Any = None
        self.set_language(language)

    @property
    def language(self) -> str:
        if isinstance(self._lexer, JsonLexer):
            return "json"
        return "rego" if isinstance(self._lexer, RegoLexer) else "yaml"

    def set_language(self, language: str) -> None:
        lexers = {"json": JsonLexer, "rego": RegoLexer}
        self._lexer = lexers.get(language, YamlLexer)()
        self.rehighlight()

    def set_dark(self, dark: bool) -> None:
        if dark != self._dark:
            self._dark = dark
            self._style = get_style_by_name(DARK_STYLE if dark else LIGHT_STYLE)
            self._formats.clear()
            self.rehighlight()

    def _format(self, token: _TokenType) -> QTextCharFormat:
        cached = self._formats.get(token)
        if cached is not None:
            return cached
        fmt = QTextCharFormat()
        while token not in self._style.styles and token.parent is not None:
            token = token.parent
        style = self._style.style_for_token(token)
        colour = style.get("color")
        if colour:
            fmt.setForeground(QColor("#" + str(colour)))
        if style.get("bold"):
            fmt.setFontWeight(QFont.Weight.Bold)
        if style.get("italic"):
            fmt.setFontItalic(True)
        self._formats[token] = fmt
        return fmt

    def highlightBlock(self, text: str) -> None:
        if not text:
            return
        position = 0
        for token, value in self._lexer.get_tokens(text):
            length = len(value)
            if token is not Token.Text and token not in Token.Text.Whitespace and value.strip():
                self.setFormat(position, length, self._format(token))
            position += length
