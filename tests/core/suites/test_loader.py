"""Reading suites: the schema, line numbers in every error, relative paths, requests from objects."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from suitetest import DEMO, GATOR, POD, REQUIRE_LABELS, write_suite

from workbench.core import Expectation, SuiteError, discover_suites, load_suite, suite_schema
from workbench.core.suites.loader import build_request, parse_positions

GOOD = """\
    # a comment
    policies:
      labels:
        module: {demo}/policies/require-labels/policy.wasm
        settings: {required_labels: [app]}
    cases:
      - id: one
        request: {demo}/requests/pod-compliant.json
        expect: allowed
      - id: two
        object: pod.yaml
        operation: UPDATE
        oldObject: pod.yaml
        expect: rejected
        message: "missing"
"""


def _pod(folder: Path) -> None:
    (folder / "pod.yaml").write_text(yaml.safe_dump(POD))


def expect_error(folder: Path, text: str, line: int, *fragments: str) -> SuiteError:
    _pod(folder)
    path = write_suite(folder, text)
    with pytest.raises(SuiteError) as info:
        load_suite(path)
    message = str(info.value)
    assert f"{path}:{line}:" in message, message
    for fragment in fragments:
        assert fragment in message, message
    assert info.value.line == line
    return info.value


def test_a_good_suite_loads_with_positions_and_relative_paths(tmp_path: Path) -> None:
    _pod(tmp_path)
    suite = load_suite(write_suite(tmp_path, GOOD))
    assert list(suite.policies) == ["labels"]
    assert suite.policies["labels"].settings == {"required_labels": ["app"]}
    one, two = suite.cases
    assert (one.position.line, two.position.line) == (7, 10)
    assert one.policies == ("labels",) and one.expect is Expectation.ALLOWED
    assert two.request["operation"] == "UPDATE" and two.request["oldObject"]["metadata"]["name"] == "web"
    assert suite.name == "t" and suite.format == "workbench"


def test_the_demo_suite_loads() -> None:
    suite = load_suite(DEMO / "demo.suite.yaml")
    assert len(suite.policies) >= 6 and len(suite.cases) >= 15
    kinds = {c.expect for c in suite.cases}
    assert kinds == set(Expectation)


def test_the_schema_ships_in_the_package() -> None:
    schema = suite_schema()
    assert schema["additionalProperties"] is False and "cases" in schema["required"]


@pytest.mark.parametrize(
    ("text", "line", "fragments"),
    [
        (
            "policies: {p: {module: " + str(REQUIRE_LABELS) + "}}\ncases: []\nextra: 1\n",
            3,
            ["extra", "unknown key"],
        ),
        (
            "policies:\n  p:\n    module: " + str(REQUIRE_LABELS) + "\n    setings: {}\ncases: []\n",
            4,
            ["policies.p.setings", "did you mean `settings`"],
        ),
        (
            "policies: {p: {module: " + str(REQUIRE_LABELS) + "}}\ncases:\n  - id: a\n    expect: allowed\n"
            "    request: x.json\n    expcet: 1\n",
            6,
            ["cases[0].expcet", "unknown key"],
        ),
        (
            "policies: {p: {module: "
            + str(REQUIRE_LABELS)
            + "}}\ncases:\n  - id: a\n    expect: maybe\n    object: pod.yaml\n",
            4,
            ["cases[0].expect", "'maybe'"],
        ),
        (
            "policies: {p: {module: "
            + str(REQUIRE_LABELS)
            + "}}\ncases:\n  - id: a\n    expect: allowed\n    object: pod.yaml\n"
            "    code: ten\n",
            6,
            ["cases[0].code", "'ten'"],
        ),
        ("policies: []\ncases: []\n", 1, ["policies", "not of type 'object'"]),
        ("policies: {p: {module: " + str(REQUIRE_LABELS) + "}}\n", 1, ["'cases' is required"]),
        (
            "policies: {p: {module: " + str(REQUIRE_LABELS) + ", timeout: -1}}\ncases: []\n",
            1,
            ["policies.p.timeout"],
        ),
    ],
)
def test_schema_errors_name_file_line_and_field(
    tmp_path: Path, text: str, line: int, fragments: list[str]
) -> None:
    expect_error(tmp_path, text, line, *fragments)


def test_several_problems_are_listed_in_line_order(tmp_path: Path) -> None:
    text = (
        "policies: {p: {module: "
        + str(REQUIRE_LABELS)
        + "}}\ncases:\n  - id: a\n    expect: nope\n    bogus: 1\n"
    )
    err = expect_error(tmp_path, text, 4, "2 problems", "cases[0].bogus")
    assert str(err).index(":4:") < str(err).index(":5:")


@pytest.mark.parametrize(
    ("case", "line", "fragments"),
    [
        ("    request: missing.json\n", 5, ["cases[0].request", "missing.json does not exist"]),
        ("    object: pod.yaml\n    request: pod.yaml\n", 3, ["either `request`", "cases[0]"]),
        ("    object: pod.yaml\n    policy: nope\n", 6, ["no policy 'nope'"]),
        ("    object: pod.yaml\n    message: '(['\n", 6, ["not a valid regular expression"]),
        ("    object: pod.yaml\n    patched: pod.yaml\n", 6, ["only meaningful with `expect: mutated`"]),
        ("    object: pod.yaml\n    settings: nope.yml\n", 6, ["settings file nope.yml does not exist"]),
        ("    object: pod.yaml\n    operation: UPDATE\n", 3, ["UPDATE request needs the old object"]),
        ("    oldObject: pod.yaml\n    operation: CREATE\n", 5, ["needs `object`"]),
        ("    request: pod.yaml\n    namespace: x\n", 6, ["only allowed with `object`"]),
        ("    object: pod.yaml\n    operation: CONNECT\n", 3, ["CONNECT case needs `resource`"]),
    ],
)
def test_case_problems_name_the_line(tmp_path: Path, case: str, line: int, fragments: list[str]) -> None:
    text = (
        "policies: {p: {module: "
        + str(REQUIRE_LABELS)
        + "}}\ncases:\n  - id: a\n    expect: allowed\n"
        + case
    )
    expect_error(tmp_path, text, line, *fragments)


def test_duplicate_ids_missing_modules_and_yaml_errors(tmp_path: Path) -> None:
    head = "policies: {p: {module: " + str(REQUIRE_LABELS) + "}}\ncases:\n"
    case = "  - id: a\n    expect: allowed\n    object: pod.yaml\n"
    expect_error(tmp_path, head + case + case, 6, "duplicate case id 'a' (first at line 3)")
    expect_error(
        tmp_path,
        "policies:\n  p:\n    module: nowhere/policy.wasm\ncases: []\n",
        3,
        "policies.p.module",
        "does not exist",
    )
    expect_error(tmp_path, "policies: {p: {module: x}\ncases: [\n", 2, "not valid YAML")
    expect_error(tmp_path, "policies: {}\npolicies: {}\ncases: []\n", 2, "duplicate mapping key 'policies'")
    expect_error(tmp_path, "- 1\n- 2\n", 1, "a suite is a mapping")
    expect_error(
        tmp_path,
        "policies:\n  p:\n    module: "
        + str(REQUIRE_LABELS)
        + "\n    context: {clusterSnapshot: nowhere/}\ncases: []\n",
        4,
        "nowhere/ does not exist",
    )


def test_unreadable_suites(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="does not exist"):
        load_suite(tmp_path / "none.suite.yaml")
    (tmp_path / "bin.suite.yaml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(SuiteError, match="not UTF-8"):
        load_suite(tmp_path / "bin.suite.yaml")
    (tmp_path / "empty.suite.yaml").write_text("")
    with pytest.raises(SuiteError, match="a suite is a mapping"):
        load_suite(tmp_path / "empty.suite.yaml")


def test_discovery(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match=r"no \*\.suite\.yaml files"):
        discover_suites([tmp_path])
    with pytest.raises(SuiteError, match="no such suite file"):
        discover_suites([tmp_path / "missing"])
    (tmp_path / "b").mkdir()
    for name in ("b/z.suite.yaml", "a.suite.yml", "b/ignored.yaml"):
        (tmp_path / name).write_text("x")
    found = discover_suites([tmp_path, tmp_path / "a.suite.yml"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.suite.yml", "b/z.suite.yaml"]


def test_gator_suites_are_recognised() -> None:
    suite = load_suite(GATOR / "suite.yaml")
    assert suite.format == "gator" and suite.cases and suite.notes


def test_requests_from_objects() -> None:
    review = build_request(
        operation="CREATE",
        obj=POD,
        old_object=None,
        namespace="other",
        user_info={"username": "bob"},
        dry_run=True,
    )
    assert (
        review["namespace"] == "other"
        and review["userInfo"] == {"username": "bob"}
        and review["dryRun"] is True
    )
    assert review["resource"]["resource"] == "pods" and review["object"] == POD
    delete = build_request(operation="DELETE", obj=None, old_object=POD)
    assert delete["operation"] == "DELETE" and "object" not in delete and delete["oldObject"] == POD
    status = build_request(operation="UPDATE", obj=POD, old_object=POD, subresource="status")
    assert status["subResource"] == "status" and status["requestSubResource"] == "status"
    options = {"apiVersion": "v1", "kind": "PodExecOptions", "command": ["sh"]}
    connect = build_request(
        operation="CONNECT", obj=options, old_object=None, resource="pods", subresource="exec", name="web"
    )
    assert connect["kind"]["kind"] == "PodExecOptions" and connect["resource"]["resource"] == "pods"
    assert connect["subResource"] == "exec" and connect["name"] == "web"
    cluster = build_request(operation="CREATE", obj=POD, old_object=None, namespace="")
    assert "namespace" not in cluster


def test_positions_of_nested_values() -> None:
    data, spans = parse_positions("a:\n  b: [1, 2]\n  c: {d: x}\n", "mem")
    assert data == {"a": {"b": [1, 2], "c": {"d": "x"}}}
    assert spans[("a", "b")].key_line == 2 and spans[("a", "b", 1)].line == 2
    assert spans[("a", "c", "d")].line == 3


# -- properties --------------------------------------------------------------------------------
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=8))
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_mutation_of_a_suite_loads_or_fails_with_a_located_suite_error(
    tmp_path: Path, data: st.DataObject
) -> None:
    _pod(tmp_path)
    doc = yaml.safe_load(
        GOOD.replace("    ", "", 0).replace("{demo}", str(DEMO)).replace("\n    ", "\n").lstrip()
    )
    paths = [p for p in _paths(doc) if p]
    target = data.draw(st.sampled_from(paths))
    parent: Any = doc
    for part in target[:-1]:
        parent = parent[part]
    parent[target[-1]] = data.draw(_values)
    path = tmp_path / "m.suite.yaml"
    path.write_text(json.dumps(doc))
    try:
        load_suite(path)
    except SuiteError as exc:
        assert re.match(rf"^(\d+ problems in the suite:\n  )?{re.escape(str(path))}(:\d+)?: ", str(exc)), str(
            exc
        )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_arbitrary_text_never_escapes_as_another_exception(tmp_path: Path, text: str) -> None:
    path = tmp_path / "r.suite.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_suite(path)
    except SuiteError:
        pass


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_the_fast_and_the_explaining_validators_agree(data: st.DataObject) -> None:
    from workbench.core.suites.loader import _fast_check, _validator

    doc = yaml.safe_load(GOOD.replace("\n    ", "\n").lstrip().replace("{demo}", str(DEMO)))
    paths = [p for p in _paths(doc) if p]
    target = data.draw(st.sampled_from(paths))
    parent: Any = doc
    for part in target[:-1]:
        parent = parent[part]
    parent[target[-1]] = data.draw(_values)
    import fastjsonschema

    try:
        _fast_check()(doc)
        fast_ok = True
    except fastjsonschema.JsonSchemaException:
        fast_ok = False
    assert fast_ok == _validator().is_valid(doc)


@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        st.text(max_size=12),
        st.sampled_from(["", "~", "null", "true", "False", "yes", "1", "-2.5", "0x1F", ".inf", "<<", "=", "2026-12-06"]),
    ),
    implicit=st.tuples(st.booleans(), st.booleans()),
)
def test_the_loaders_tag_resolution_is_pyyamls(value: str, implicit: tuple[bool, bool]) -> None:
    from workbench.core.suites.loader import _Loader

    loader = _Loader("")
    try:
        for kind in (yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode):
            assert loader.resolve(kind, value, implicit) == yaml.resolver.BaseResolver.resolve(
                loader, kind, value, implicit
            )
    finally:
        loader.dispose()


def test_anchors_aliases_and_merge_keys(tmp_path: Path) -> None:
    text = f"""\
policies:
  labels: &labels
    module: {DEMO}/policies/require-labels/policy.wasm
    settings: &settings {{required_labels: [app]}}
  again:
    <<: *labels
    settings: {{required_labels: [owner]}}
cases:
  - &base
    id: one
    policy: labels
    request: {DEMO}/requests/pod-compliant.json
    expect: allowed
    tags: [a]
  - <<: *base
    id: two
    policy: again
  - {{!!merge <<: *base, id: three}}
"""
    suite = load_suite(write_suite(tmp_path, text))
    assert suite.policies["again"].module == suite.policies["labels"].module
    assert suite.policies["again"].settings == {"required_labels": ["owner"]}
    assert [(c.id, c.policies, c.tags) for c in suite.cases] == [
        ("one", ("labels",), ("a",)),
        ("two", ("again",), ("a",)),
        ("three", ("labels",), ("a",)),
    ]
    assert [c.position.line for c in suite.cases] == [9, 15, 18]


def test_an_alias_bomb_is_built_once_per_node(tmp_path: Path) -> None:
    # nine levels of ten aliases each: a billion leaves when expanded, a few dozen nodes when shared
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(10))}]" for i in range(1, 10)]
    text = "\n".join(lines) + "\npolicies: {p: {module: x.wasm}}\ncases: []\n"
    with pytest.raises(SuiteError, match="a1"):  # unknown keys, found without expanding the aliases
        load_suite(write_suite(tmp_path, text))
