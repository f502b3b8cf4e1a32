"""Burrego's ``sprintf`` (gtmpl's Go-template printf in Rust): exact cases, errors, properties.

Expected values come from gtmpl 0.7.1's own unit tests (``src/printf.rs``), Burrego 0.3.4's
(``sprintf_mixed_input``) and Rust's ``std::fmt`` rules the port reproduces.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins._gtmpl import burrego_sprintf, gtmpl_sprintf
from workbench.core.engines.opa.builtins._registry import RegoSet
from workbench.core.engines.opa.builtins._values import loads
from workbench.core.errors import BuiltinError


@pytest.mark.parametrize(
    ("fmt", "args", "want"),
    [
        # gtmpl's own tests
        ("foo%v2000", ["bar"], "foobar2000"),
        ("%+0v", [1], "+1"),
        ("%+-#10c", [10000], "✐         "),
        ("%+-#10q", [10000], "'\\u2710'  "),
        ("%x", ["foobar2000"], "666f6f62617232303030"),
        ("%X", ["foobar2000"], "666F6F62617232303030"),
        ("%.6s", ["foobar2000"], "foobar"),
        ("%[1]v %v", ["foo", "bar", 2000], "foo bar"),
        ("%[2]v %v%[1]v %v%[1]v", ["!", "wtf", "golang"], "wtf golang! wtf!"),
        ("foobar%d", [2000], "foobar2000"),
        ("%+0d", [1], "+1"),
        ("%+0b", [5], "+101"),
        ("foo %v", [["hello", "world"]], "foo [hello world]"),
        ("foo %v", [[42, 100]], "foo [42 100]"),
        (" foo %% bar ", [], " foo %% bar "),
        # Burrego's own test
        ("hello %v %v %v", ["world", 42, ["this", "is", "a", "list"]], "hello world 42 [this is a list]"),
        # Rust std::fmt through gtmpl's flag arms
        ("%5d|", [42], "   42|"),
        ("%-5d|", [42], "   42|"),  # '-' alone picks the plain arm: still right-aligned
        ("%05d", [42], "   42"),  # '0' alone too
        ("%+05d", [42], "+0042"),
        ("%+-5d|", [42], "+42  |"),
        ("%+05d", [-42], "-0042"),
        ("%d", [-42], "-42"),
        ("%5s|", ["ab"], "ab   |"),  # strings pad to the left
        ("%-5s|", ["ab"], "ab   |"),
        ("%.1s", ["ab"], "a"),
        ("%#x", [255], "0xff"),
        ("%#X", [255], "0xFF"),
        ("%#o", [8], "0o10"),
        ("%#b", [5], "0b101"),
        ("%b", [-1], "1" * 64),
        ("%X", [-255], "FFFFFFFFFFFFFF01"),
        ("%U", [0x1F600], "U+1F600"),
        ("%U", [-1], "U+FFFFFFFFFFFFFFFF"),
        ("%c", [0x41], "A"),
        ("%q", [0xE9], "'\\ue9'"),
        ("%q", [0x7B], "'{'"),
        ("%q", ['tab\there "q" é'], 'tab\\there \\"q\\" \\u{e9}'),
        ("%x", ["\n"], "a"),  # one hex digit per byte below 16 (sic)
        ("%t %v", [True, False], "true false"),
        ("%*d|", [4, 7], "   7|"),
        ("%*d|", [-4, 7], "   7|"),  # a negative * width sets '-' alone: plain arm
        ("%.*s", [2, "abc"], "ab"),
        ("%v", [[None, True, "a", -1]], "[nil true a -1]"),
        ("%v", [[[1, "x"]]], '[[Number(Number { n: U(1) }), String("x")]]'),
        ("%v", [[{"k": None}]], '[{"k": Nil}]'),
        ("%v", [{"b": [1], "a": {"c": True}}], 'map[a:{"c": Bool(true)} b:[Number(Number { n: U(1) })]]'),
        ("%8v|", [["a"]], "[a]     |"),
        ("%y %s", ["a", "b"], "a"),  # 'y' is no verb: everything up to the next verb letter is skipped
        ("no verbs", ["extra"], "no verbs"),  # extra arguments are ignored
    ],
)
def test_gtmpl_printf(fmt: str, args: list[Any], want: str) -> None:
    assert gtmpl_sprintf(fmt, args) == want
    if '"' not in fmt and "\\" not in fmt:
        assert burrego_sprintf(fmt, args) == want


@pytest.mark.parametrize(
    ("fmt", "reason"),
    [
        ("%v", "unable to format nil as v"),
        ("%f", "unable to format nil as f"),
        ("%[3]v", "unable to process verb: [3]"),
        ("%[a]v", "unable to parse index: invalid digit found in string"),
        ("%[x]v", "missing ] in ["),  # x is a verb letter: the directive is "%[x"
        ("%[1v", "missing ] in [1"),
        ("%[1]2v", "width after index (e.g. %[3]2d)"),
        ("%[1].2v", "precision after index (e.g. %[3].2d)"),
        ("trailing %", "unable to terminate format arg: %"),
        ("%99999999999999999999999d", "unable to parse width: number too large to fit in target type"),
        ("%2000000d", "larger than this host formats"),
    ],
)
def test_gtmpl_errors(fmt: str, reason: str) -> None:
    with pytest.raises(BuiltinError) as info:
        burrego_sprintf(fmt, [None])
    message = str(info.value)
    assert message.startswith(f"sprintf: Cannot render go template '{{{{ printf \"{fmt}\" (index . 0)}}}}' ")
    assert "' with args [Nil]: " in message and reason in message.split("' with args [Nil]: ")[1]


@pytest.mark.parametrize(
    ("fmt", "want"),
    [
        ("a\\tb", "a\tb"),
        ("a\\\\b", "a\\b"),
        ('say \\"hi\\"', 'say "hi"'),
        ("\\u00e9", "é"),
        ("\\x41", "A"),
        ("\\U0001F600", "😀"),
    ],
)
def test_template_unquoting(fmt: str, want: str) -> None:
    """The format is a Go-template string literal: gtmpl decodes its escapes first."""
    assert burrego_sprintf(fmt, []) == want


@pytest.mark.parametrize(
    ("fmt", "reason"),
    [
        ('a"b', 'unescaped " ends the quoted string early'),
        ("a\nb", "unterminated quoted string"),
        ("a\\", "unterminated quoted string"),
        ("\\q", "unable to unquote"),
        ("\\x41 is A", "unable to unquote"),  # gtmpl keeps reading \x groups past the escape (sic)
        ("\\U0001F600!", "unable to unquote"),  # \U must end the string (sic)
    ],
)
def test_template_errors(fmt: str, reason: str) -> None:
    with pytest.raises(BuiltinError, match=r"^sprintf: Cannot render go template") as info:
        burrego_sprintf(fmt, [])
    assert reason in str(info.value)


def test_argument_conversion() -> None:
    # sets arrive as arrays (the module's JSON dump), in OPA's order
    assert burrego_sprintf("%v", [RegoSet([3, 1])]) == "[1 3]"
    assert burrego_sprintf("%v", [(1 << 63) - 1]) == str((1 << 63) - 1)
    for text in ("[1.0]", "[2.5]", "[1e3]", "[9223372036854775808]", '[["x", [0.5]]]'):
        with pytest.raises(BuiltinError, match="Burrego panics on the number"):
            burrego_sprintf("%s", loads(text))
    with pytest.raises(BuiltinError, match=r"^sprintf: 1st parameter is not a string$"):
        burrego_sprintf(1, [])
    with pytest.raises(BuiltinError, match=r"^sprintf: 2nd parameter is not an array$"):
        burrego_sprintf("%v", {"a": 1})


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
_FORMAT = st.text(alphabet=st.sampled_from(list('%%%vdsxXqcbotU*[]1230.+-# #"\\nuxaé\n')), max_size=20)


@settings(max_examples=300, deadline=None)
@given(fmt=_FORMAT | st.text(max_size=20), args=st.lists(_JSON, max_size=4))
def test_any_format_gives_a_string_or_a_builtin_error(fmt: str, args: list[Any]) -> None:
    """The tokenizer, verb parser and unquoting never fail with anything but a BuiltinError."""
    try:
        out = burrego_sprintf(fmt, args)
    except BuiltinError as exc:
        assert str(exc).startswith("sprintf: ")
    else:
        assert isinstance(out, str)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_characters='%"\\\n'), max_size=30))
def test_text_without_directives_is_copied(text: str) -> None:
    assert burrego_sprintf(text, []) == text


@pytest.mark.parametrize("fmt", ["\\x", "\\x1", "a\\x4", "\\u", "\\u12", "x\\u004"])
def test_a_truncated_escape_is_an_error_not_a_hang(fmt: str) -> None:
    """Found by hypothesis: a short \\x / \\u escape made no progress and looped forever."""
    with pytest.raises(BuiltinError):
        burrego_sprintf(fmt, [])
