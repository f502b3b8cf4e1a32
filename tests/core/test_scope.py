"""Match scope: rules, AdmissionPolicy namespace, namespace/object selectors and CEL matchConditions
decide, like the API server, whether a request reaches a policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import REPO_ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core import InputError, ScopeOutcome
from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot
from workbench.core.manifests import load_manifests
from workbench.core.scope import (
    FailurePolicy,
    MatchRules,
    check_scope,
    compile_label_selector,
    match_rules_of,
)

POD_RULE = {
    "operations": ["CREATE", "UPDATE"],
    "apiGroups": [""],
    "apiVersions": ["v1"],
    "resources": ["pods"],
}
SNAPSHOT = ClusterSnapshot.from_yaml(
    """
apiVersion: v1
kind: Namespace
metadata: {name: team-a, labels: {team: a, env: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: sandbox}
"""
)


def request(
    operation: str = "CREATE",
    *,
    group: str = "",
    version: str = "v1",
    resource: str = "pods",
    kind: str = "Pod",
    subresource: str | None = None,
    namespace: str | None = "team-a",
    labels: dict[str, str] | None = None,
    old_labels: dict[str, str] | None = None,
    name: str = "web",
) -> dict[str, Any]:
    obj = {"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "labels": labels or {}}}
    req: dict[str, Any] = {
        "uid": "u",
        "kind": {"group": group, "version": version, "kind": kind},
        "resource": {"group": group, "version": version, "resource": resource},
        "operation": operation,
        "userInfo": {"username": "alice", "groups": ["dev"]},
    }
    if namespace:
        req["namespace"] = namespace
    if subresource:
        req["subResource"] = subresource
    if operation != "DELETE":
        req["object"] = obj
    if old_labels is not None or operation == "DELETE":
        req["oldObject"] = {**obj, "metadata": {"name": name, "labels": old_labels or {}}}
    return req


def rules(*items: dict[str, Any], **kw: Any) -> MatchRules:
    return MatchRules(rules=items or (POD_RULE,), **kw)


# -- rules -----------------------------------------------------------------------------------
def test_no_known_rules_means_scope_not_checked() -> None:
    decision = check_scope(request(), None)
    assert decision.matched and "not checked" in decision.reason


def test_matching_rule_reaches_the_policy() -> None:
    decision = check_scope(request(), rules())
    assert decision.outcome is ScopeOutcome.MATCHED and decision.matched
    assert decision.steps[0].check == "rules" and decision.steps[0].passed


def test_empty_rules_never_match() -> None:
    decision = check_scope(request(), MatchRules(rules=(), origin="metadata"))
    assert decision.outcome is ScopeOutcome.SKIPPED and "declares no rules" in decision.reason


@pytest.mark.parametrize(
    ("req", "why"),
    [
        (request("DELETE"), "operation DELETE"),
        (request(group="apps", resource="deployments", kind="Deployment"), "apiGroup 'apps'"),
        (request(version="v2"), "apiVersion 'v2'"),
        (request(resource="configmaps", kind="ConfigMap"), "resource configmaps"),
        (request(subresource="exec"), "resource pods/exec"),
    ],
)
def test_each_rule_field_can_skip(req: dict[str, Any], why: str) -> None:
    decision = check_scope(req, rules())
    assert decision.outcome is ScopeOutcome.SKIPPED
    assert decision.reason.startswith("rules:") and why in decision.reason


@pytest.mark.parametrize(
    ("resources", "resource", "sub", "matched"),
    [
        (["*"], "pods", None, True),
        (["*"], "pods", "status", False),  # '*' means every resource, but no subresource
        (["pods/*"], "pods", "exec", True),
        (["pods/*"], "pods", None, False),
        (["pods/*"], "services", "status", False),
        (["*/status"], "deployments", "status", True),
        (["*/status"], "deployments", "scale", False),
        (["*/*"], "anything", "sub", True),
        (["*/*"], "anything", None, True),
        (["pods/exec"], "pods", "exec", True),
        (["pods/exec"], "pods", "attach", False),
        (["pods", "pods/exec"], "pods", "exec", True),
    ],
)
def test_resource_patterns_with_subresources(
    resources: list[str], resource: str, sub: str | None, matched: bool
) -> None:
    rule = {"operations": ["*"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": resources}
    decision = check_scope(request("CONNECT", resource=resource, subresource=sub), rules(rule))
    assert decision.matched is matched, decision.reason


def test_rule_scope_cluster_and_namespaced() -> None:
    cluster = {**POD_RULE, "resources": ["*"], "scope": "Cluster"}
    namespaced = {**POD_RULE, "resources": ["*"], "scope": "Namespaced"}
    assert not check_scope(request(), rules(cluster)).matched
    ns_obj = request(resource="namespaces", kind="Namespace", namespace=None)
    assert check_scope(ns_obj, rules(cluster)).matched
    assert not check_scope(ns_obj, rules(namespaced)).matched
    assert check_scope(request(), rules(namespaced)).matched


def test_bad_rule_field_is_an_input_error() -> None:
    with pytest.raises(InputError, match="operations"):
        check_scope(request(), rules({**POD_RULE, "operations": "CREATE"}))


# -- AdmissionPolicy namespace --------------------------------------------------------------
def test_admission_policy_sees_only_its_namespace() -> None:
    match = rules(namespace="team-a")
    assert check_scope(request(namespace="team-a"), match).matched
    other = check_scope(request(namespace="sandbox"), match)
    assert other.outcome is ScopeOutcome.SKIPPED and other.reason.startswith("namespace:")
    cluster_rule = {**POD_RULE, "resources": ["namespaces"]}
    cluster = check_scope(
        request(resource="namespaces", kind="Namespace", namespace=None),
        rules(cluster_rule, namespace="team-a"),
    )
    assert not cluster.matched and "cluster-scoped" in cluster.reason


# -- selectors ------------------------------------------------------------------------------
def test_namespace_selector_uses_the_snapshot_labels() -> None:
    match = rules(namespace_selector={"matchLabels": {"team": "a"}})
    assert check_scope(request(namespace="team-a"), match, snapshot=SNAPSHOT).matched
    skipped = check_scope(request(namespace="sandbox"), match, snapshot=SNAPSHOT)
    assert skipped.outcome is ScopeOutcome.SKIPPED and skipped.reason.startswith("namespaceSelector:")


def test_namespace_selector_of_an_unknown_namespace_sees_only_its_name_label() -> None:
    match = rules(namespace_selector={"matchLabels": {"kubernetes.io/metadata.name": "ghost"}})
    decision = check_scope(request(namespace="ghost"), match, snapshot=SNAPSHOT)
    assert decision.matched and "not in the cluster snapshot" in decision.steps[-1].detail
    assert not check_scope(
        request(namespace="ghost"), rules(namespace_selector={"matchLabels": {"team": "a"}})
    ).matched


def test_namespace_selector_on_a_namespace_uses_its_own_labels_and_ignores_other_cluster_objects() -> None:
    rule = {"operations": ["*"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*"]}
    match = rules(rule, namespace_selector={"matchLabels": {"team": "a"}})
    ns = request(resource="namespaces", kind="Namespace", namespace=None, labels={"team": "a"})
    assert check_scope(ns, match).matched
    assert not check_scope({**ns, "object": {**ns["object"], "metadata": {"name": "x"}}}, match).matched
    node = request(resource="nodes", kind="Node", namespace=None)
    assert check_scope(node, match).matched  # other cluster-scoped objects are never skipped by it


def test_namespace_selector_from_a_snapshot_path() -> None:
    match = rules(namespace_selector={"matchLabels": {"policy.example.com/allowed": "true"}})
    cluster = REPO_ROOT / "resources" / "demo" / "cluster"
    assert check_scope(request(namespace="team-a"), match, snapshot=Path(cluster)).matched
    assert not check_scope(request(namespace="team-b"), match, snapshot=Path(cluster)).matched


@pytest.mark.parametrize(
    ("expression", "labels", "matched"),
    [
        ({"key": "app", "operator": "In", "values": ["web", "api"]}, {"app": "web"}, True),
        ({"key": "app", "operator": "In", "values": ["api"]}, {"app": "web"}, False),
        ({"key": "app", "operator": "NotIn", "values": ["api"]}, {"app": "web"}, True),
        ({"key": "app", "operator": "NotIn", "values": ["api"]}, {}, True),
        ({"key": "app", "operator": "Exists"}, {"app": ""}, True),
        ({"key": "app", "operator": "Exists"}, {}, False),
        ({"key": "app", "operator": "DoesNotExist"}, {}, True),
        ({"key": "app", "operator": "DoesNotExist"}, {"app": "x"}, False),
    ],
)
def test_object_selector_match_expressions(
    expression: dict[str, Any], labels: dict[str, str], matched: bool
) -> None:
    decision = check_scope(request(labels=labels), rules(object_selector={"matchExpressions": [expression]}))
    assert decision.matched is matched
    if not matched:
        assert decision.reason.startswith("objectSelector:")


def test_object_selector_matches_old_object_too() -> None:
    match = rules({**POD_RULE, "operations": ["*"]}, object_selector={"matchLabels": {"app": "web"}})
    assert check_scope(request("UPDATE", labels={}, old_labels={"app": "web"}), match).matched
    assert check_scope(request("DELETE", old_labels={"app": "web"}), match).matched
    assert not check_scope(request("DELETE", old_labels={"app": "db"}), match).matched


@pytest.mark.parametrize(
    "selector",
    [
        {"matchExpressions": [{"key": "a", "operator": "In", "values": []}]},
        {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
        {"matchExpressions": [{"key": "a", "operator": "Equals", "values": ["x"]}]},
        {"matchLabel": {"a": "b"}},
        {"matchLabels": ["a"]},
    ],
)
def test_invalid_selectors_are_input_errors(selector: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="objectSelector"):
        check_scope(request(), rules(object_selector=selector))


# -- matchConditions --------------------------------------------------------------------------
def conditions(*exprs: str, failure: FailurePolicy = FailurePolicy.FAIL) -> MatchRules:
    return rules(
        {**POD_RULE, "operations": ["*"]},
        match_conditions=tuple({"name": f"c{i}", "expression": e} for i, e in enumerate(exprs)),
        failure_policy=failure,
    )


def test_match_conditions_true_and_false() -> None:
    assert check_scope(
        request(labels={"team": "a"}), conditions("object.metadata.labels['team'] == 'a'")
    ).matched
    decision = check_scope(
        request(), conditions("request.userInfo.username == 'alice'", "object.metadata.name == 'db'")
    )
    assert decision.outcome is ScopeOutcome.SKIPPED and "c1 is false" in decision.reason


def test_cel_sees_request_old_object_and_null() -> None:
    assert check_scope(
        request("CREATE"), conditions("oldObject == null", "'dev' in request.userInfo.groups")
    ).matched
    assert check_scope(
        request("DELETE", old_labels={"x": "y"}), conditions("object == null && has(oldObject.metadata)")
    ).matched


@pytest.mark.parametrize("failure", [FailurePolicy.FAIL, FailurePolicy.IGNORE])
def test_cel_evaluation_errors_follow_the_failure_policy(failure: FailurePolicy) -> None:
    decision = check_scope(request(), conditions("object.metadata.labels['missing'] == 'x'", failure=failure))
    if failure is FailurePolicy.FAIL:
        assert decision.outcome is ScopeOutcome.ERROR and "failurePolicy Fail" in decision.reason
    else:
        assert decision.outcome is ScopeOutcome.SKIPPED and "failurePolicy Ignore" in decision.reason
    assert "missing" in decision.reason


def test_a_false_condition_wins_over_an_error() -> None:
    decision = check_scope(request(), conditions("object.nope.x == 1", "false"))
    assert decision.outcome is ScopeOutcome.SKIPPED and "c1 is false" in decision.reason


@pytest.mark.parametrize("failure", [FailurePolicy.FAIL, FailurePolicy.IGNORE])
def test_non_boolean_and_authorizer_are_evaluation_errors(failure: FailurePolicy) -> None:
    for expr, why in (
        ("object.metadata.name", "must evaluate to bool"),
        ("authorizer.group('').check()", "authorizer"),
    ):
        decision = check_scope(request(), conditions(expr, failure=failure))
        assert decision.outcome is (
            ScopeOutcome.ERROR if failure is FailurePolicy.FAIL else ScopeOutcome.SKIPPED
        )
        assert why in decision.reason


def test_cel_that_does_not_compile_is_an_input_error() -> None:
    with pytest.raises(InputError, match="does not compile"):
        check_scope(request(), conditions("object.("))


# -- where the rules come from ---------------------------------------------------------------
def test_rules_from_a_manifest_and_a_session() -> None:
    manifest = load_manifests(REPO_ROOT / "resources" / "demo" / "manifests" / "require-labels.yaml")[0]
    match = MatchRules.from_manifest(manifest)
    assert match.origin == "manifest" and match.match_conditions and match.namespace is None
    debug = request(name="debug-1", namespace="team-a", labels={})
    assert check_scope(debug, match, snapshot=SNAPSHOT).reason.startswith("matchConditions:")

    class Fake:
        manifest = None
        metadata = None
        module = None

    assert match_rules_of(Fake()) is None
    fake = Fake()
    fake.manifest = manifest  # type: ignore[assignment]
    assert match_rules_of(fake) == match


def test_from_mapping_validates_failure_policy() -> None:
    assert (
        MatchRules.from_mapping({"rules": [POD_RULE], "failurePolicy": "Ignore"}).failure_policy
        is FailurePolicy.IGNORE
    )
    with pytest.raises(InputError, match="failurePolicy"):
        MatchRules.from_mapping({"failurePolicy": "Sometimes"})


def test_decision_to_dict() -> None:
    data = check_scope(request(), rules()).to_dict()
    assert data["matched"] is True and data["outcome"] == "matched" and data["steps"][0]["check"] == "rules"


# -- properties -------------------------------------------------------------------------------
_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)
_labels = st.dictionaries(_word, _word, max_size=4)


@settings(max_examples=150, deadline=None)
@given(
    op=st.sampled_from(["CREATE", "UPDATE", "DELETE", "CONNECT"]),
    group=_word,
    version=_word,
    resource=_word,
    sub=st.one_of(st.none(), _word),
)
def test_a_rule_built_from_the_request_matches_it_and_wildcards_match_all(
    op: str, group: str, version: str, resource: str, sub: str | None
) -> None:
    req = request(op, group=group, version=version, resource=resource, subresource=sub)
    own = {
        "operations": [op],
        "apiGroups": [group],
        "apiVersions": [version],
        "resources": [f"{resource}/{sub}" if sub else resource],
    }
    assert check_scope(req, rules(own)).matched
    everything = {"operations": ["*"], "apiGroups": ["*"], "apiVersions": ["*"], "resources": ["*/*"]}
    assert check_scope(req, rules(everything)).matched
    other_op = next(o for o in ("CREATE", "UPDATE") if o != op)
    assert not check_scope(req, rules({**own, "operations": [other_op]})).matched


@settings(max_examples=200, deadline=None)
@given(
    labels=_labels, wanted=_labels, present=st.lists(_word, max_size=3), absent=st.lists(_word, max_size=3)
)
def test_label_selector_semantics(
    labels: dict[str, str], wanted: dict[str, str], present: list[str], absent: list[str]
) -> None:
    selector = {
        "matchLabels": wanted,
        "matchExpressions": [{"key": k, "operator": "Exists"} for k in present]
        + [{"key": k, "operator": "DoesNotExist"} for k in absent],
    }
    expected = (
        all(labels.get(k) == v for k, v in wanted.items())
        and all(k in labels for k in present)
        and all(k not in labels for k in absent)
    )
    requirements = compile_label_selector(selector, "objectSelector")
    assert all(r.matches(labels) for r in requirements) is expected
    assert check_scope(request(labels=labels), rules(object_selector=selector)).matched is expected


def test_describe_lists_every_step() -> None:
    text = check_scope(
        request(labels={"app": "web"}), rules(object_selector={"matchLabels": {"app": "web"}})
    ).describe()
    assert text.splitlines()[0] == "scope: matched: the request reaches the policy (rules from suite)"
    assert "ok  objectSelector: app=web matches" in text


def test_check_session_scope_uses_the_session_rules() -> None:
    from workbench.core import RunConfig, ValidationRequest, open_session
    from workbench.core.scope import check_session_scope

    demo = REPO_ROOT / "resources" / "demo"
    with open_session(demo / "policies" / "set-image-pull-policy" / "policy.wasm") as session:
        assert check_session_scope(session, session.load_request(demo / "requests" / "pod-compliant.json")).matched
        skipped = check_session_scope(session, session.load_request(demo / "requests" / "pod-delete.json"))
        assert skipped.outcome is ScopeOutcome.SKIPPED and skipped.origin == "metadata"
        assert check_session_scope(session, ValidationRequest({"x": 1}, raw=True)).matched
        with pytest.raises(InputError, match="not an AdmissionRequest"):
            check_session_scope(session, [1])
    manifest = demo / "manifests" / "require-labels.yaml"
    with open_session(manifest, RunConfig()) as session:
        sandbox = session.load_request(demo / "requests" / "pod-sandbox-namespace.json")
        decision = check_session_scope(session, sandbox, snapshot=demo / "cluster")
        assert decision.reason.startswith("namespaceSelector:") and decision.origin == "manifest"


@pytest.mark.parametrize(
    "match",
    [
        MatchRules(rules=(POD_RULE,)),
        MatchRules(rules=(POD_RULE,), namespace_selector={"matchLabels": {"team": "a"}}),
        MatchRules(rules=(POD_RULE,), object_selector={"matchLabels": {"app": "web"}}),
        MatchRules(rules=(POD_RULE,), match_conditions=({"name": "c", "expression": "object.metadata.name == 'web'"},)),
        MatchRules(rules=({**POD_RULE, "operations": ["DELETE"]},)),
        MatchRules(rules=(POD_RULE,), namespace="other"),
    ],
)
@pytest.mark.parametrize("req", [request(), request(labels={"app": "web"}), request(name="db", namespace="sandbox")])
def test_a_decision_without_explanation_has_the_same_outcome_and_reason(
    match: MatchRules, req: dict[str, Any]
) -> None:
    full = check_scope(req, match, snapshot=SNAPSHOT)
    quiet = check_scope(req, match, snapshot=SNAPSHOT, explain=False)
    assert (quiet.outcome, quiet.reason, quiet.origin) == (full.outcome, full.reason, full.origin)
    assert all(not step.passed for step in quiet.steps)  # only the deciding failure, if any
    if full.matched:
        assert full.steps and not quiet.steps


def test_rules_are_validated_once_and_whole() -> None:
    bad = MatchRules(rules=(POD_RULE, {**POD_RULE, "apiGroups": "apps"}))
    for _ in range(2):  # a bad field in a later rule fails every check, not only the first
        with pytest.raises(InputError, match="apiGroups"):
            check_scope(request(), bad)
    good = MatchRules(rules=(POD_RULE, {**POD_RULE, "operations": ["DELETE"]}))
    assert check_scope(request(), good).matched
    assert len(good.compiled_rules()) == 2 and good.compiled_rules() is good.compiled_rules()
