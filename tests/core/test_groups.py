"""Policy groups run like policy-server: short-circuit, causes, mutation refusal, deadlines, settings."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import wasmtime
from helpers import REPO_ROOT
from kwtest import pod_request, wapc_wat

from workbench.core.engines.base import ValidationRequest
from workbench.core.errors import InputError, SettingsError
from workbench.core.groups import (
    MUTATION_NOT_ALLOWED_IN_GROUP,
    GroupOutcome,
    GroupSession,
    open_group_session,
)
from workbench.core.manifests import load_manifests
from workbench.core.session import PolicyKind, RunConfig, Verdict, open_session, open_sessions

ACCEPT = 'respond:{"accepted":true}'
REJECT = 'respond:{"accepted":false,"message":"rejected by {name}"}'
LOOP = "loop"
MUTATE = 'respond:{"accepted":true,"mutated_object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}}'


def _module(tmp: Path, name: str, validate: str, settings: str = 'respond:{"valid":true}') -> str:
    path = tmp / f"{name}.wasm"
    path.write_bytes(wasmtime.wat2wasm(wapc_wat(validate.replace("{name}", name), settings)))
    return path.name


def _group(
    tmp: Path,
    members: dict[str, str],
    expression: str,
    *,
    kind: str = "ClusterAdmissionPolicyGroup",
    mode: str | None = None,
    timeouts: dict[str, int] | None = None,
    settings_answers: dict[str, str] | None = None,
    extra: str = "",
) -> Path:
    lines = [
        "apiVersion: policies.kubewarden.io/v1",
        f"kind: {kind}",
        "metadata:",
        "  name: grp",
        "spec:",
        "  rules: [{apiGroups: [''], apiVersions: [v1], resources: [pods], operations: [CREATE]}]",
        f"  expression: {json.dumps(expression)}",
        "  message: the group says no",
    ]
    if mode:
        lines.append(f"  mode: {mode}")
    lines.append("  policies:")
    for name, behaviour in members.items():
        answer = (settings_answers or {}).get(name, 'respond:{"valid":true}')
        lines.append(f"    {json.dumps(name)}:")
        lines.append(f"      module: {_module(tmp, name, behaviour, answer)}")
        lines.append(f"      settings: {{who: {name}}}")
        if timeouts and name in timeouts:
            lines.append(f"      timeoutEvalSeconds: {timeouts[name]}")
    path = tmp / "group.yaml"
    path.write_text("\n".join(lines) + "\n" + extra)
    return path


def _run(path: Path, config: RunConfig | None = None) -> tuple[dict, GroupOutcome, float]:
    with open_session(path, config) as session:
        assert isinstance(session, GroupSession)
        request = session.load_request(pod_request())
        started = time.perf_counter()
        outcome = session.run(request, {})
        elapsed = time.perf_counter() - started
        assert isinstance(outcome.policy_output, GroupOutcome)
        return outcome.response.to_dict(), outcome.policy_output, elapsed


def test_accepted_group_has_no_status_and_members_not_needed_do_not_run(tmp_path: Path) -> None:
    path = _group(tmp_path, {"ok": ACCEPT, "slow": LOOP}, "ok() || slow()", timeouts={"slow": 30})
    response, group, elapsed = _run(path)
    assert response == {"uid": "uid-nginx", "allowed": True, "auditAnnotations": None, "warnings": None}
    assert group.allowed and group.evaluated == ("ok",)
    assert group.member("slow").verdict is Verdict.SKIPPED and not group.member("slow").evaluated
    assert elapsed < 10  # the 30 s member never ran


def test_member_that_would_time_out_is_not_run_by_and_short_circuit(tmp_path: Path) -> None:
    path = _group(tmp_path, {"no": REJECT, "slow": LOOP}, "no() && slow()")
    response, group, _ = _run(path, RunConfig(timeout=60))
    assert group.evaluated == ("no",)
    assert response["status"] == {
        "message": "the group says no",
        "details": {"causes": [{"reason": None, "message": "rejected by no", "field": "spec.policies.no"}]},
    }


def test_member_deadline_from_timeout_eval_seconds(tmp_path: Path) -> None:
    # the run's default would be 60 s; the member's timeoutEvalSeconds (1 s) wins
    path = _group(tmp_path, {"no": REJECT, "slow": LOOP}, "no() || slow()", timeouts={"slow": 1})
    response, group, elapsed = _run(path, RunConfig(timeout=60))
    assert elapsed < 30
    slow = group.member("slow")
    assert slow.evaluated and slow.verdict is Verdict.ERROR and slow.allowed is False
    assert slow.outcome is not None and slow.outcome.response.code == 500
    causes = response["status"]["details"]["causes"]
    assert [c["field"] for c in causes] == ["spec.policies.no", "spec.policies.slow"]
    assert causes[1]["message"] == slow.message
    assert response["allowed"] is False and "code" not in response["status"]


def test_member_without_timeout_uses_the_run_deadline(tmp_path: Path) -> None:
    path = _group(tmp_path, {"slow": LOOP}, "slow()")
    _, group, elapsed = _run(path, RunConfig(timeout=0.5))
    assert group.member("slow").verdict is Verdict.ERROR
    assert elapsed < 20


def test_mutation_inside_a_group_is_refused(tmp_path: Path) -> None:
    path = _group(tmp_path, {"mut": MUTATE, "ok": ACCEPT}, "mut() && ok()")
    response, group, _ = _run(path)
    mut = group.member("mut")
    assert (
        mut.verdict is Verdict.MUTATED
        and mut.allowed is False
        and mut.message == MUTATION_NOT_ALLOWED_IN_GROUP
    )
    assert "patch" not in response and response["allowed"] is False
    assert response["status"]["details"]["causes"] == [
        {"reason": None, "message": MUTATION_NOT_ALLOWED_IN_GROUP, "field": "spec.policies.mut"}
    ]
    assert group.member("ok").verdict is Verdict.SKIPPED


def test_rejection_without_failing_members_has_empty_details(tmp_path: Path) -> None:
    path = _group(tmp_path, {"ok": ACCEPT}, "!ok()")
    response, group, _ = _run(path)
    assert response["status"] == {"message": "the group says no", "details": {}}
    assert group.member("ok").display() == "[ALLOWED]"


def test_literals_and_equality(tmp_path: Path) -> None:
    path = _group(tmp_path, {"ok": ACCEPT, "no": REJECT}, "ok() != no() && true")
    response, group, _ = _run(path)
    assert response["allowed"] is True and group.evaluated == ("ok", "no")


def test_monitor_mode_accepts(tmp_path: Path) -> None:
    path = _group(tmp_path, {"no": REJECT}, "no()", mode="monitor")
    response, group, _ = _run(path)
    assert response["allowed"] is True and "status" not in response
    assert group.allowed is False  # the typed outcome keeps what the group decided


def test_admission_policy_group_kind(tmp_path: Path) -> None:
    path = _group(tmp_path, {"no": REJECT}, "no()", kind="AdmissionPolicyGroup")
    [manifest] = load_manifests(path)
    assert manifest.namespace == "default"
    response, group, _ = _run(path)
    assert response["allowed"] is False and group.member("no").display() == "[DENIED] - rejected by no"


def test_invalid_member_settings_fail_like_kwctl(tmp_path: Path) -> None:
    path = _group(
        tmp_path,
        {"ok": ACCEPT, "bad": ACCEPT},
        "ok() && bad()",
        settings_answers={"bad": 'respond:{"valid":false,"message":"who is wrong"}'},
    )
    with open_session(path) as session, pytest.raises(SettingsError) as info:
        session.run(session.load_request(pod_request()), {})
    assert str(info.value) == (
        "Provided settings are not valid: grp/bad: settings not valid: Policy settings are invalid: who is wrong"
    )


def test_expression_errors_are_settings_errors_and_warnings(tmp_path: Path) -> None:
    path = _group(tmp_path, {"ok": ACCEPT}, "ok() && missing()")
    with open_session(path) as session:
        assert any("unknown member 'missing'" in w for w in session.warnings())
        with pytest.raises(SettingsError) as info:
            session.run(session.load_request(pod_request()), {})
        assert "grp: line 1, column 9: unknown member 'missing'" in str(info.value)
        evaluation = session.evaluate(session.load_request(pod_request()), {})
        assert evaluation.verdict is Verdict.SETTINGS_ERROR
        # without the settings check policy-server answers a 500 rejection
        outcome = session.run(session.load_request(pod_request()), {}, check_settings=False)
        assert outcome.response.code == 500
        assert outcome.response.message.startswith("error evaluating policy group expression: ")


def test_unused_member_warning_and_session_facts(tmp_path: Path) -> None:
    path = _group(tmp_path, {"ok": ACCEPT, "unused": ACCEPT}, "ok()")
    with open_session(path) as session:
        assert session.kind is PolicyKind.GROUP and session.raw is False and session.module is None
        assert "member unused is never called by the expression: it never runs" in session.warnings()
        assert session.label == "policy group (2 members)"
        evaluation = session.evaluate(session.load_request(pod_request()), {})
        assert evaluation.verdict is Verdict.ACCEPTED


def test_raw_request_is_treated_as_admission_request(tmp_path: Path) -> None:
    path = _group(tmp_path, {"ok": ACCEPT}, "ok()")
    with open_session(path) as session:
        outcome = session.run(ValidationRequest(pod_request(), raw=True), {})
        assert outcome.response.uid == "uid-nginx"


@pytest.mark.parametrize(
    ("name", "fragment"), [("true", "reserved word"), ("bad-name", "not a valid member name")]
)
def test_member_names_the_controller_refuses(tmp_path: Path, name: str, fragment: str) -> None:
    path = _group(tmp_path, {name: ACCEPT}, "x()")
    [manifest] = load_manifests(path)
    with pytest.raises(InputError, match=fragment):
        open_group_session(manifest, RunConfig())


def test_missing_member_module_names_the_member(tmp_path: Path) -> None:
    path = _group(tmp_path, {"ok": ACCEPT}, "ok()")
    path.write_text(path.read_text().replace("ok.wasm", "gone.wasm"))
    with pytest.raises(Exception) as info:
        open_session(path)
    assert "member ok" in str(info.value)


def test_multi_document_manifest_opens_each_policy(tmp_path: Path) -> None:
    path = _group(tmp_path, {"ok": ACCEPT}, "ok()")
    single = _module(tmp_path, "single", REJECT)
    path.write_text(
        path.read_text()
        + "---\napiVersion: policies.kubewarden.io/v1\nkind: ClusterAdmissionPolicy\nmetadata: {name: one}\n"
        + f"spec:\n  module: {single}\n  rules: []\n  mutating: false\n"
    )
    sessions = open_sessions(path)
    try:
        assert [type(s).__name__ for s in sessions] == ["GroupSession", "EngineSession"]
    finally:
        for s in sessions:
            s.close()


def test_interrupt_stops_a_running_member(tmp_path: Path) -> None:
    import threading

    path = _group(tmp_path, {"slow": LOOP}, "slow()")
    with open_session(path, RunConfig(timeout=None)) as session:
        timer = threading.Timer(0.5, session.interrupt)
        timer.start()
        started = time.perf_counter()
        evaluation = session.evaluate(session.load_request(pod_request()), {})
        timer.cancel()
        assert time.perf_counter() - started < 20
        assert evaluation.verdict is Verdict.ERROR


# -- the demo group (resources/demo/manifests/group.yaml) ----------------------------------------
DEMO = REPO_ROOT / "resources" / "demo"


@pytest.mark.parametrize(
    ("request_file", "allowed", "evaluated"),
    [
        ("pod-compliant.json", True, ("trusted_registry", "owned_by_team")),
        ("pod-missing-labels.json", True, ("trusted_registry", "owned_by_team", "labelled_app")),
        ("pod-untrusted-registry.json", False, ("trusted_registry",)),
    ],
)
def test_demo_group(request_file: str, allowed: bool, evaluated: tuple[str, ...]) -> None:
    with open_session(DEMO / "manifests" / "group.yaml") as session:
        outcome = session.run(session.load_request(DEMO / "requests" / request_file), {})
    group = outcome.policy_output
    assert isinstance(group, GroupOutcome)
    assert outcome.response.allowed is allowed and group.evaluated == evaluated
    if not allowed:
        causes = outcome.response.status["details"]["causes"]
        assert [c["field"] for c in causes] == ["spec.policies.trusted_registry"]
        assert "from an untrusted registry" in causes[0]["message"]


def test_group_session_satisfies_the_session_protocol(tmp_path: Path) -> None:
    from workbench.core.session import Session

    path = _group(tmp_path, {"ok": ACCEPT}, "ok()")
    with open_session(path) as session:
        assert isinstance(session, Session)
        assert session.manifest is not None and session.default_settings == {}
        assert session.report() is None


def test_cli_run_prints_the_group_response(capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.cli.main import main

    code = main(
        [
            "run",
            str(DEMO / "manifests" / "group.yaml"),
            "-r",
            str(DEMO / "requests" / "pod-untrusted-registry.json"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    response = json.loads(out)
    assert response["allowed"] is False
    assert response["status"]["message"].startswith("the images must come from a trusted registry")
    assert response["status"]["details"]["causes"][0]["field"] == "spec.policies.trusted_registry"


def test_demo_multi_document_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    """resources/demo/manifests/policies.yaml: one response line per policy, in document order."""
    from workbench.cli.main import main

    manifests = DEMO / "manifests" / "policies.yaml"
    assert [m.name for m in load_manifests(manifests)] == ["require-owner-label", "always-pull"]
    assert main(["run", str(manifests), "-r", str(DEMO / "requests" / "pod-missing-labels.json")]) == 0
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert first["allowed"] is False
    assert first["status"]["message"] == "every pod must name its owning team (label owner)"
    assert second["allowed"] is True


@pytest.mark.parametrize(
    ("kind", "resources", "allowed"),
    [
        ("ClusterAdmissionPolicyGroup", "[{apiVersion: v1, kind: Namespace}]", True),
        (
            "ClusterAdmissionPolicyGroup",
            "[]",
            False,
        ),  # no grant: --allow-context-aware does not apply to members
        (
            "AdmissionPolicyGroup",
            "[{apiVersion: v1, kind: Namespace}]",
            False,
        ),  # namespaced groups read nothing
    ],
)
def test_member_context_aware_resources(tmp_path: Path, kind: str, resources: str, allowed: bool) -> None:
    module = (DEMO / "policies" / "namespace-label-required" / "policy.wasm").as_posix()
    path = tmp_path / "ctx.yaml"
    path.write_text(
        f"apiVersion: policies.kubewarden.io/v1\nkind: {kind}\nmetadata: {{name: ctx, namespace: team-a}}\n"
        "spec:\n  expression: ns_allowed()\n  message: namespace not allowed\n  policies:\n    ns_allowed:\n"
        f"      module: {module}\n      contextAwareResources: {resources}\n"
        '      settings: {label: policy.example.com/allowed, value: "true"}\n'
    )
    config = RunConfig(cluster_snapshot=DEMO / "cluster", allow_context_aware=True)
    with open_session(path, config) as session:
        outcome = session.run(session.load_request(DEMO / "requests" / "pod-compliant.json"), {})
    assert outcome.response.allowed is allowed
    if not allowed:
        message = outcome.policy_output.member("ns_allowed").message
        assert "has not been granted access to Kubernetes v1/Namespace resources" in message


def test_a_group_shows_the_snapshot_its_members_read(tmp_path: Path) -> None:
    module = (DEMO / "policies" / "namespace-label-required" / "policy.wasm").as_posix()
    path = tmp_path / "ctx.yaml"
    path.write_text(
        "apiVersion: policies.kubewarden.io/v1\nkind: ClusterAdmissionPolicyGroup\nmetadata: {name: ctx}\n"
        "spec:\n  expression: ns_allowed()\n  message: namespace not allowed\n  policies:\n    ns_allowed:\n"
        f"      module: {module}\n      contextAwareResources: [{{apiVersion: v1, kind: Namespace}}]\n"
        '      settings: {label: policy.example.com/allowed, value: "true"}\n'
    )
    with open_session(path, RunConfig(cluster_snapshot=DEMO / "cluster", allow_context_aware=True)) as session:
        assert session.snapshot is not None
        assert session.snapshot in [m.snapshot for m in session.members.values()]  # type: ignore[attr-defined]
    with open_session(path) as session:
        assert session.snapshot is None
