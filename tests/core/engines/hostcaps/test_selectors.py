"""Label and field selectors parse and match like the Kubernetes API server."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.engines.hostcaps.selectors import (
    LabelRequirement,
    field_value,
    match_fields,
    match_labels,
    parse_field_selector,
    parse_label_selector,
)
from workbench.core.errors import HostCapabilityError


def _obj(labels=None, **fields):
    return {"metadata": {"name": "n", "namespace": "ns", "labels": labels or {}}, **fields}


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ("", {}, True),
        ("app", {"app": "x"}, True),
        ("app", {}, False),
        ("!app", {}, True),
        ("!app", {"app": ""}, False),
        ("app=web", {"app": "web"}, True),
        ("app==web", {"app": "web"}, True),
        ("app!=web", {"app": "db"}, True),
        ("app!=web", {}, True),
        ("app!=web", {"app": "web"}, False),
        ("tier in (frontend, backend)", {"tier": "backend"}, True),
        ("tier in (frontend,backend)", {"tier": "cache"}, False),
        ("tier notin (frontend)", {}, True),
        ("tier notin (frontend)", {"tier": "frontend"}, False),
        ("app=web,tier in (frontend),!legacy", {"app": "web", "tier": "frontend"}, True),
        ("app=web,tier in (frontend),!legacy", {"app": "web", "tier": "frontend", "legacy": "1"}, False),
        ("replicas>2", {"replicas": "3"}, True),
        ("replicas<2", {"replicas": "3"}, False),
        ("replicas>2", {"replicas": "abc"}, False),
        ("app.kubernetes.io/name=demo", {"app.kubernetes.io/name": "demo"}, True),
        ("app=", {"app": ""}, True),
    ],
)
def test_label_selector(selector, labels, expected):
    assert match_labels(parse_label_selector(selector), _obj(labels)) is expected


@pytest.mark.parametrize(
    "selector", ["app=", "=x", "app in ()", "app in (a", "app=a b", "app==", "app foo", "-bad=x", "app>x"]
)
def test_label_selector_errors(selector):
    if selector in ("app=", "app=="):
        parse_label_selector(selector)  # empty values are legal
        return
    with pytest.raises(HostCapabilityError, match="unable to parse requirement"):
        parse_label_selector(selector)


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("metadata.name=n", True),
        ("metadata.name==n,metadata.namespace=ns", True),
        ("metadata.namespace!=ns", False),
        ("status.phase=Running", True),
        ("spec.nodeName=", True),  # missing field compares as ""
        ("status.phase!=Pending", True),
        ("metadata.name=a\\,b", False),
    ],
)
def test_field_selector(selector, expected):
    obj = _obj(status={"phase": "Running"})
    assert match_fields(parse_field_selector(selector), obj) is expected


def test_field_selector_escapes():
    [req] = parse_field_selector("metadata.name=a\\,b\\=c\\\\")
    assert req.value == "a,b=c\\"
    assert req.matches({"metadata": {"name": "a,b=c\\"}})
    with pytest.raises(HostCapabilityError):
        parse_field_selector("metadata.name")
    with pytest.raises(HostCapabilityError):
        parse_field_selector("metadata.name=a=b")


def test_field_value_forms():
    obj = {"a": {"b": True, "c": 3, "d": None, "e": [1]}}
    assert [field_value(obj, p) for p in ("a.b", "a.c", "a.d", "a.e", "a.x.y")] == ["true", "3", "", "", ""]


_names = st.from_regex(r"\A[a-z][a-z0-9]{0,6}\Z")
_requirements = st.one_of(
    st.builds(lambda k: LabelRequirement(k, "exists"), _names),
    st.builds(lambda k: LabelRequirement(k, "!"), _names),
    st.builds(lambda k, v: LabelRequirement(k, "=", (v,)), _names, _names),
    st.builds(lambda k, v: LabelRequirement(k, "!=", (v,)), _names, _names),
    st.builds(
        lambda k, vs: LabelRequirement(k, "in", tuple(vs)), _names, st.lists(_names, min_size=1, max_size=3)
    ),
    st.builds(
        lambda k, vs: LabelRequirement(k, "notin", tuple(vs)),
        _names,
        st.lists(_names, min_size=1, max_size=3),
    ),
    st.builds(lambda k, n: LabelRequirement(k, "gt", (str(n),)), _names, st.integers(-50, 50)),
)


def _render(req: LabelRequirement) -> str:
    if req.operator == "exists":
        return req.key
    if req.operator == "!":
        return "!" + req.key
    if req.operator in ("in", "notin"):
        return f"{req.key} {req.operator} ({', '.join(req.values)})"
    if req.operator == "gt":
        return f"{req.key}>{req.values[0]}"
    return f"{req.key}{req.operator}{req.values[0]}"


@given(st.lists(_requirements, max_size=5))
def test_label_selector_round_trip(requirements):
    text = ",".join(_render(r) for r in requirements)
    assert parse_label_selector(text) == requirements


@given(st.dictionaries(_names, _names, max_size=4), st.lists(_requirements, max_size=4))
def test_label_matching_is_conjunction(labels, requirements):
    obj = _obj(labels)
    combined = match_labels(requirements, obj)
    assert combined == all(match_labels([r], obj) for r in requirements)


@given(st.text(max_size=30))
def test_label_parser_never_crashes(text):
    try:
        parse_label_selector(text)
    except HostCapabilityError:
        pass


@given(st.text(max_size=30))
def test_field_parser_never_crashes(text):
    try:
        parse_field_selector(text)
    except HostCapabilityError:
        pass
