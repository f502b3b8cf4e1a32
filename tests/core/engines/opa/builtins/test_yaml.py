"""OPA ``yaml.*`` builtins: corpus, go-yaml v2 semantics, property tests."""

from __future__ import annotations

import json
import math

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext
from workbench.core.engines.opa.builtins._values import OpaFloat, canonical_key
from workbench.core.engines.opa.builtins.yaml import YamlError, yaml_marshal, yaml_to_value
from workbench.core.errors import BuiltinError

NAMES = ("yaml.is_valid", "yaml.marshal", "yaml.unmarshal")


@pytest.mark.parametrize("case", corpus_params(*NAMES))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


def call(name: str, *args: object) -> object:
    return REGISTRY[name](BuiltinContext(), list(args))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- 0b101\n- -0b11\n- 0x_1F\n- 1:30\n- +.5\n- .5\n- 0o17", [5, -3, 31, "1:30", 0.5, 0.5, 15]),
        ("a: !!float 1\nb: !!str 12\nc: !!binary aGVsbG8=", {"a": 1, "b": "12", "c": "hello"}),
        (
            "base: &b {x: 1}\nc:\n  <<: *b\n  z: 2\n  y: 3",
            {"base": {"x": 1}, "c": {"x": 1, "z": 2, "true": 3}},
        ),
        ("a: &x [1, 2]\nb: *x", {"a": [1, 2], "b": [1, 2]}),
        ("1.5: a\n2: b\nno: c", {"1.5": "a", "2": "b", "false": "c"}),
        ("big: 18446744073709551615", {"big": 18446744073709551615}),
        (
            "d: 2001-12-14\nt: 2001-12-14t21:59:43.10-05:00",
            {"d": "2001-12-14", "t": "2001-12-14t21:59:43.10-05:00"},
        ),
        ("", None),
        ("[1, 2]]", [1, 2]),  # only the first document is read
    ],
)
def test_unmarshal(text: str, expected: object) -> None:
    assert canonical_key(call("yaml.unmarshal", text)) == canonical_key(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("!!int 1.5", "yaml: cannot decode !!float `1.5` as a !!int"),
        ("a: *nope", "yaml: unknown anchor 'nope' referenced"),
        ("a: &x [*x]", "yaml: anchor 'x' value contains itself"),
        ("!!binary '%%%'", "yaml: !!binary value contains invalid base64 data"),
        ("<<: 1", "yaml: map merge requires map or sequence of maps as the value"),
        ("{[1]: 2}", "yaml: invalid map key: []interface {}{1}"),
        ("a: '", "yaml: found unexpected end of stream"),
    ],
)
def test_unmarshal_errors(text: str, message: str) -> None:
    with pytest.raises(BuiltinError) as info:
        call("yaml.unmarshal", text)
    assert str(info.value) == "yaml.unmarshal: " + message
    assert call("yaml.is_valid", text) is False


def test_marshal_styles() -> None:
    value = {
        "a10": 1,
        "a2": "a: b",
        "e": "😀",
        "m": "line1\nline2",
        "n": OpaFloat("1e6"),
        "o": OpaFloat("1.0"),
    }
    assert yaml_marshal(value) == (
        'a2: \'a: b\'\na10: 1\ne: "\\U0001F600"\nm: |-\n  line1\n  line2\n"n": 1e+06\no: 1\n'
    )


# -- property tests ------------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False).map(lambda f: OpaFloat(repr(f)))
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=120, deadline=None)
@given(VALUES)
def test_marshal_unmarshal_round_trip(value: object) -> None:
    back = yaml_to_value(yaml_marshal(value))
    assert _normal(back) == _normal(value)


def _normal(value: object) -> object:
    """Numbers compare by value (YAML may turn 1e20 into an integer text)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return ("n", value if abs(value) < 2**53 else float(value))
    if isinstance(value, float):
        return ("n", float(value))
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    raise TypeError(type(value).__name__)


@settings(max_examples=250, deadline=None)
@given(st.text(alphabet="ab:- \n\t[]{}&*!,'\"#|>%@`~?.01yn<", max_size=30))
def test_unmarshal_never_crashes(text: str) -> None:
    try:
        value = yaml_to_value(text)
    except YamlError:
        return
    json.dumps(value)  # always a JSON value
    assert not isinstance(value, float) or math.isfinite(value)
