"""String builtins: corpus, Go text/template behaviour, and property tests."""

from __future__ import annotations

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins._values import loads
from workbench.core.engines.opa.builtins.strings import (
    any_prefix_match,
    any_suffix_match,
    indexof_n,
    int_operand,
    render_template,
    split_n,
    strings_count,
    template_string,
)
from workbench.core.errors import BuiltinError

BUILTINS = (
    "strings.any_prefix_match",
    "strings.any_suffix_match",
    "strings.count",
    "strings.split_n",
    "strings.render_template",
    "indexof_n",
    "internal.template_string",
)


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


# -- simple builtins ------------------------------------------------------------


def test_prefix_and_suffix_accept_sets_and_check_elements() -> None:
    assert any_prefix_match(RegoSet(["abc", "x"]), RegoSet(["ab"])) is True
    assert any_suffix_match(["abc"], RegoSet(["zz", "bc"])) is True
    assert any_prefix_match([], "") is False
    with pytest.raises(BuiltinError) as info:
        any_prefix_match("a", ["a", 1])
    assert (
        str(info.value)
        == "strings.any_prefix_match: operand 2 must be array of strings but got array containing number"
    )
    with pytest.raises(BuiltinError, match="operand 1 must be set of strings but got set containing null"):
        any_suffix_match(RegoSet([None, "a"]), "a")


def test_count_split_and_indexof_use_code_points() -> None:
    assert strings_count("héhé", "") == 5
    assert split_n("a,b,c,d", ",", -2) == ["c", "d"]
    assert split_n("a,b", ",", -9) == ["a", "b"]
    assert split_n("a,b", ",", 0) == []
    assert split_n("añb", "", 5) == ["a", "ñ", "b"]
    assert indexof_n("🦀a🦀", "🦀") == [0, 2]


@pytest.mark.parametrize(
    ("value", "want"),
    [(3, 3), (loads("2.0"), 2), (-(1 << 63), -(1 << 63))],
)
def test_int_operand_accepts_integral_numbers(value: object, want: int) -> None:
    assert int_operand("x", value, 3) == want


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (loads("2.5"), "x: operand 3 must be integer number but got floating-point number"),
        (1 << 63, "x: operand 3 must be integer number but got floating-point number"),
        ("3", "x: operand 3 must be number but got string"),
        (True, "x: operand 3 must be number but got boolean"),
    ],
)
def test_int_operand_errors(value: object, message: str) -> None:
    with pytest.raises(BuiltinError) as info:
        int_operand("x", value, 3)
    assert str(info.value) == message


def test_template_string_parts() -> None:
    assert template_string(["a", RegoSet([RegoSet([2, 1])]), [], 1, None]) == "a{1, 2}<undefined>1null"
    with pytest.raises(BuiltinError) as info:
        template_string([["x", "y"]])
    assert info.value.code == "eval_conflict_error"
    assert str(info.value) == "template-strings must not produce multiple outputs"
    with pytest.raises(BuiltinError, match="illegal argument type: object"):
        template_string([{"a": 1}])


# -- strings.render_template (Go text/template) --------------------------------


@pytest.mark.parametrize(
    ("template", "data", "want"),
    [
        ("{{- .a -}} x {{ .b }}", {"a": 1, "b": "z"}, "1x z"),
        ("a  {{- .a }}  {{- /* note */ -}}  b", {"a": 1}, "a1b"),
        ("{{range $i, $v := .l}}{{$i}}={{$v}};{{else}}empty{{end}}", {"l": ["x", "y"]}, "0=x;1=y;"),
        ("{{range .l}}{{.}}{{else}}empty{{end}}", {"l": []}, "empty"),
        ("{{range $k, $v := .m}}{{$k}}:{{$v}} {{end}}", {"m": {"b": 2, "a": 1}}, "a:1 b:2 "),
        ('{{range .l}}{{if eq (print .) "2"}}{{break}}{{end}}{{.}}{{end}}', loads('{"l": [1, 2, 3]}'), "1"),
        ("{{with .m}}{{.k}}{{else}}none{{end}}", {"m": {"k": "v"}}, "v"),
        ('{{if eq .a "x"}}X{{else if eq .a "y"}}Y{{else}}Z{{end}}', {"a": "y"}, "Y"),
        ("{{.a.b}}|{{.z}}", {"z": None}, "<undefined>|<undefined>"),
        ('{{.n | printf "%v-%s" "q"}}', {"n": 5}, "q-5"),
        ('{{printf "%T %T %T %T" .n 1 "s" 1.5}}', {"n": 5}, "json.Number int string float64"),
        ("{{$x := 3}}{{$x = 4}}{{$x}}", {}, "4"),
        (
            '{{len .s}} {{len .m}} {{index .l 1}} {{index .m "a"}}',
            {"s": "héllo", "m": {"a": 1}, "l": [7, 8]},
            "6 1 8 1",
        ),
        (
            "{{.l}} {{.m}} {{.t}}",
            {"l": [1, "a", None], "m": {"b": [1], "a": {}}, "t": True},
            "[1 a <nil>] map[a:map[] b:[1]] true",
        ),
        ('{{print 1 2 "a" 3}}|{{println .n .n}}', {"n": 2}, "1 2a3|2 2\n"),
        ('{{template "t" .}}{{define "t"}}T{{.a}}{{end}}', {"a": 9}, "T9"),
        ("{{.n.Int64}} {{.f.Float64}} {{.f}}", loads('{"n": 7, "f": 1.50}'), "7 1.5 1.50"),
        (
            '{{html "<a>"}} {{urlquery "a b"}} {{not true}} {{and 1 0}} {{or 0 "x"}}',
            {},
            "&lt;a&gt; a+b false 0 x",
        ),
        (
            "{{if .zero}}json.Number is a non-empty string{{end}}",
            {"zero": 0},
            "json.Number is a non-empty string",
        ),
        ("{{.s}}", {"s": RegoSet([2, 1])}, "[1 2]"),
    ],
)
def test_render_template(template: str, data: dict, want: str) -> None:
    assert render_template(template, data) == want


@pytest.mark.parametrize(
    ("template", "data", "message"),
    [
        ("{{foo}}", {}, 'template: template:1: function "foo" not defined'),
        ("{{.x", {}, "template: template:1: unclosed action"),
        ("{{if .x}}", {}, "template: template:1: unexpected EOF"),
        ("{{end}}", {}, "template: template:1: unexpected {{end}}"),
        ("{{break}}", {}, "template: template:1: {{break}} outside {{range}}"),
        ("{{foo}} {{.x", {}, 'template: template:1: function "foo" not defined'),
        ("{{.name}", {}, 'template: template:1: unexpected "}" in operand'),
        ("{{.a;}}", {}, "template: template:1: bad character U+003B ';'"),
        ("{{nil}}", {}, 'template: template:1:2: executing "template" at <nil>: nil is not a command'),
        ("{{$y}}", {}, 'template: template:1: undefined variable "$y"'),
        (
            "{{index .l 5}}",
            {"l": [1]},
            'template: template:1:2: executing "template" at <index .l 5>: error calling index: index out of range: 5',
        ),
        (
            "x\n {{.a.b}}",
            {"a": None},
            'template: template:2:3: executing "template" at <.a.b>: nil pointer evaluating interface {}.b',
        ),
        (
            "{{.a.b}}",
            {"a": 1},
            'template: template:1:2: executing "template" at <.a.b>: can\'t evaluate field b in type json.Number',
        ),
    ],
)
def test_render_template_errors(template: str, data: dict, message: str) -> None:
    with pytest.raises(BuiltinError) as info:
        render_template(template, data)
    assert str(info.value) == f"strings.render_template: {message}"
    assert info.value.code == "eval_builtin_error"


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)
template_text = st.lists(
    st.sampled_from(
        [
            *"{}.$-| ()\"'`abxyz:=,\n\t/*019",
            "{{",
            "}}",
            "if ",
            "end",
            "range ",
            "else",
            "with ",
            "len ",
            "index ",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(template_text, st.dictionaries(st.sampled_from(["a", "x", "l", "m"]), json_values, max_size=3))
def test_render_template_only_raises_builtin_errors(template: str, data: dict) -> None:
    try:
        assert isinstance(render_template(template, data), str)
    except BuiltinError as exc:
        assert str(exc).startswith("strings.render_template: template: template:")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=40))
def test_text_without_actions_is_unchanged(text: str) -> None:
    assert render_template(text, {}) == text
