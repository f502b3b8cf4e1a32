"""``jsondiff.diff`` reproduces Rust json-patch 4.x ``diff`` and its patches always apply."""

from __future__ import annotations

import copy

import jsonpatch
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.jsondiff import diff, escape_pointer_token, json_equal

# Cases from json-patch's own unit tests (src/diff.rs) and its doc example.
CRATE_CASES = [
    ({"title": "Hello!"}, None, [{"op": "replace", "path": "", "value": None}]),
    (
        {"title": "Something", "": "Hello!"},
        {"title": "Something", "": "Bye!"},
        [{"op": "replace", "path": "/", "value": "Bye!"}],
    ),
    (None, {"title": "Hello!"}, [{"op": "replace", "path": "", "value": {"title": "Hello!"}}]),
    (["hello", "bye"], [], [{"op": "remove", "path": "/0"}, {"op": "remove", "path": "/0"}]),
    (["hello", "bye", "hi"], ["hello"], [{"op": "remove", "path": "/1"}, {"op": "remove", "path": "/1"}]),
    (
        ["hello"],
        ["hello", "bye", "hi"],
        [{"op": "add", "path": "/1", "value": "bye"}, {"op": "add", "path": "/2", "value": "hi"}],
    ),
    (["hello", "bye"], {"hello": "bye"}, [{"op": "replace", "path": "", "value": {"hello": "bye"}}]),
    (
        {"style": {"ref": {"name": "name"}}},
        {"style": [{"ref": {"hello": "hello"}}]},
        [{"op": "replace", "path": "/style", "value": [{"ref": {"hello": "hello"}}]}],
    ),
    (
        {"first": 1, "second": 2, "third": 3},
        {"first": 1, "second": 2},
        [{"op": "remove", "path": "/third"}],
    ),
    (
        {"first": 1, "second": 2},
        {"first": 1, "second": 2, "third": 3},
        [{"op": "add", "path": "/third", "value": 3}],
    ),
    (
        {
            "title": "Goodbye!",
            "author": {"givenName": "John", "familyName": "Doe"},
            "tags": ["example", "sample"],
            "content": "This will be unchanged",
        },
        {
            "title": "Hello!",
            "author": {"givenName": "John"},
            "tags": ["example"],
            "content": "This will be unchanged",
            "phoneNumber": "+01-123-456-7890",
        },
        # serde_json's default (sorted) map order: author, content, phoneNumber, tags, title
        [
            {"op": "remove", "path": "/author/familyName"},
            {"op": "add", "path": "/phoneNumber", "value": "+01-123-456-7890"},
            {"op": "remove", "path": "/tags/1"},
            {"op": "replace", "path": "/title", "value": "Hello!"},
        ],
    ),
    (
        {"/slashed/path/with/~": 1},
        {"/slashed/path/with/~": 2},
        [{"op": "replace", "path": "/~1slashed~1path~1with~1~0", "value": 2}],
    ),
]


@pytest.mark.parametrize(("left", "right", "expected"), CRATE_CASES)
def test_matches_json_patch_crate(left, right, expected):
    assert diff(left, right) == expected
    assert json_equal(jsonpatch.apply_patch(copy.deepcopy(left), expected), right)


def test_preserve_order_follows_insertion_order():
    left = {"title": "Goodbye!", "tags": ["a", "b"]}
    right = {"title": "Hello!", "tags": ["a"], "phone": "1"}
    assert diff(left, right, preserve_order=True) == [
        {"op": "replace", "path": "/title", "value": "Hello!"},
        {"op": "remove", "path": "/tags/1"},
        {"op": "add", "path": "/phone", "value": "1"},
    ]


def test_serde_equality_rules():
    assert diff({"a": 1}, {"a": 1.0}) == [{"op": "replace", "path": "/a", "value": 1.0}]
    assert diff([True], [1]) == [{"op": "replace", "path": "/0", "value": 1}]
    assert diff({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}) == []
    assert not json_equal(0, False)
    assert json_equal({"x": [1.5, "s"]}, {"x": [1.5, "s"]})


def test_pointer_escaping():
    assert escape_pointer_token("a/b~c") == "a~1b~0c"
    assert escape_pointer_token("~1") == "~01"


def test_mutation_shaped_diff():
    pod = {"metadata": {"name": "p", "labels": {"app": "a"}}, "spec": {"containers": [{"name": "c"}]}}
    mutated = copy.deepcopy(pod)
    mutated["metadata"]["labels"]["team"] = "x"
    mutated["spec"]["containers"][0]["imagePullPolicy"] = "Always"
    assert diff(pod, mutated) == [
        {"op": "add", "path": "/metadata/labels/team", "value": "x"},
        {"op": "add", "path": "/spec/containers/0/imagePullPolicy", "value": "Always"},
    ]


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
_keys = st.text(alphabet=st.sampled_from(["a", "b", "~", "/", "0", "1", "é"]), max_size=3)
json_values = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values, json_values)
def test_patch_applies(left, right):
    patch = diff(left, right)
    result = jsonpatch.apply_patch(copy.deepcopy(left), patch)
    assert json_equal(result, right)
    for op in patch:
        assert op["op"] in {"add", "remove", "replace"}


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_identity_is_empty(value):
    assert diff(value, copy.deepcopy(value)) == []


@settings(max_examples=200, deadline=None)
@given(json_values, json_values)
def test_preserve_order_applies_too(left, right):
    result = jsonpatch.apply_patch(copy.deepcopy(left), diff(left, right, preserve_order=True))
    assert json_equal(result, right)
