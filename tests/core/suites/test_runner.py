"""Running suites: every expectation kind passing and failing, parallel == serial, cancellation,
sharding, -k, fail-fast and impact analysis; real policies (demo AssemblyScript, WAT, Rego source)."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from suitetest import DEMO, POD, PULL_POLICY, REQUIRE_LABELS, wapc_policy, write_suite

from workbench.core import (
    CancelToken,
    CaseStatus,
    InputError,
    compare_runs,
    impact_overrides,
    load_suite,
    parse_shard,
    plan_jobs,
    run_suites,
    shard_of,
)
from workbench.core.suites.runner import _keyword_matcher, judge

KINDS = """\
policies:
  labels:
    module: {demo}/policies/require-labels/policy.wasm
    settings: {demo}/settings/require-labels.yml
  pull:
    module: {demo}/policies/set-image-pull-policy/policy.wasm
    settings: {pull_policy: IfNotPresent}
  warn:
    module: warn.wasm
    checkScope: false
  broken:
    module: broken.wasm
    checkScope: false
  rego:
    module: {demo}/rego/allowed-registries/policy.rego
    settings: {demo}/settings/allowed-registries.yml
cases:
  - id: allowed
    policy: labels
    object: pod.yaml
    expect: allowed
  - id: rejected
    policy: labels
    request: {demo}/requests/pod-missing-labels.json
    expect: rejected
    message: "missing required labels: owner$"
  - id: mutated
    policy: pull
    object: pod.yaml
    expect: mutated
    patched: patched.yaml
  - id: mutated-patch
    policy: pull
    object: pod.yaml
    expect: mutated
    patch: [{op: add, path: /spec/containers/0/imagePullPolicy, value: IfNotPresent}]
  - id: skipped
    policy: labels
    object: pod.yaml
    operation: DELETE
    expect: skipped
    message: operation DELETE
  - id: settings-error
    policy: labels
    object: pod.yaml
    settings: {required_labels: []}
    expect: settings-error
  - id: error
    policy: broken
    object: pod.yaml
    expect: error
    code: 500
    message: boom
  - id: warnings
    policy: warn
    object: pod.yaml
    expect: allowed
    warnings: ["^deprecated"]
  - id: gatekeeper
    policy: rego
    request: {demo}/requests/pod-untrusted-registry.json
    expect: rejected
    message: docker.io/library/redis:7
    tags: [rego]
"""


@pytest.fixture(scope="module")
def kinds_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kinds")
    (folder / "pod.yaml").write_text(yaml.safe_dump(POD))
    patched = {
        **POD,
        "spec": {"containers": [{**POD["spec"]["containers"][0], "imagePullPolicy": "IfNotPresent"}]},
    }
    (folder / "patched.yaml").write_text(yaml.safe_dump(patched))
    wapc_policy(folder, "warn", 'respond:{"accepted":true,"warnings":["deprecated field"]}')
    wapc_policy(folder, "broken", "error:boom")
    write_suite(folder, KINDS, "kinds.suite.yaml")
    return folder


def test_every_expectation_kind_passes(kinds_dir: Path) -> None:
    suite = load_suite(kinds_dir / "kinds.suite.yaml")
    run = run_suites([suite], workers=1)
    failures = [(r.case_id, r.got, r.reason) for r in run.results if not r.passed]
    assert failures == [] and run.ok
    got = {r.case_id: r.got for r in run.results}
    assert set(got.values()) == {"allowed", "rejected", "mutated", "skipped", "settings-error", "error"}
    mutated = next(r for r in run.results if r.case_id == "mutated")
    assert mutated.patched["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"


@pytest.mark.parametrize(
    ("case_id", "change", "reason"),
    [
        ("allowed", {"expect": "rejected"}, "expected rejected, got allowed"),
        ("rejected", {"expect": "allowed"}, "expected allowed, got rejected: missing required labels: owner"),
        ("rejected", {"message": "^owner"}, "does not match '^owner'"),
        ("mutated", {"expect": "allowed", "patched": None}, "expected allowed, got mutated"),
        ("mutated-patch", {"patch": [{"op": "add", "path": "/x", "value": 1}]}, "the patch differs"),
        (
            "skipped",
            {"expect": "allowed", "message": None},
            "expected allowed, got skipped: rules: no rule matches",
        ),
        ("settings-error", {"expect": "rejected"}, "expected rejected, got settings-error"),
        ("error", {"code": 403}, "expected status code 403, got 500"),
        ("error", {"expect": "allowed", "code": None, "message": None}, "expected allowed, got error"),
        ("warnings", {"warnings": ["^other"]}, "no warning matches '^other'"),
        ("warnings", {"warnings": []}, "expected no warnings"),
        ("allowed", {"expect": "skipped"}, "expected skipped, got allowed"),
    ],
)
def test_every_expectation_kind_can_fail(kinds_dir: Path, case_id: str, change: dict, reason: str) -> None:
    suite = load_suite(kinds_dir / "kinds.suite.yaml")
    index = next(i for i, c in enumerate(suite.cases) if c.id == case_id)
    case = suite.cases[index]
    fields: dict[str, Any] = {
        k: (tuple(v) if k == "warnings" and v is not None else v) for k, v in change.items() if k != "expect"
    }
    if "expect" in change:
        from workbench.core import Expectation

        fields["expect"] = Expectation.parse(change["expect"])
    changed = dataclasses.replace(case, **fields)
    suite = dataclasses.replace(suite, cases=(*suite.cases[:index], changed, *suite.cases[index + 1 :]))
    run = run_suites([suite], plan_jobs([suite], keyword=case_id), workers=1)
    result = next(r for r in run.results if r.case_id == case_id)
    assert result.status is CaseStatus.FAILED and reason in result.reason, result.reason


def test_a_wrong_patched_object_shows_a_structural_diff(kinds_dir: Path) -> None:
    suite = load_suite(kinds_dir / "kinds.suite.yaml")
    index = next(i for i, c in enumerate(suite.cases) if c.id == "mutated")
    wrong = {**POD, "spec": {"containers": [{**POD["spec"]["containers"][0], "imagePullPolicy": "Always"}]}}
    suite = dataclasses.replace(
        suite,
        cases=(
            *suite.cases[:index],
            dataclasses.replace(suite.cases[index], patched=wrong),
            *suite.cases[index + 1 :],
        ),
    )
    run = run_suites([suite], plan_jobs([suite], keyword="mutated and not patch"), workers=1)
    (result,) = run.results
    assert not result.passed and result.diff == (
        '/spec/containers/0/imagePullPolicy: expected "Always", got "IfNotPresent"',
    )


def _demo_suite(tmp_path: Path, copies: int) -> Path:
    cases = []
    requests = sorted((DEMO / "requests").glob("*.json"))
    for i in range(copies):
        for policy in ("labels", "pull", "ns"):
            req = requests[(i + len(policy)) % len(requests)]
            cases.append({"id": f"{policy}-{i}", "policy": policy, "request": str(req), "expect": "allowed"})
    doc = {
        "policies": {
            "labels": {"module": str(REQUIRE_LABELS), "settings": str(DEMO / "settings/require-labels.yml")},
            "pull": {"module": str(PULL_POLICY), "settings": {"pull_policy": "Always"}},
            "ns": {
                "module": str(DEMO / "policies/namespace-label-required/policy.wasm"),
                "settings": str(DEMO / "settings/namespace-label-required.yml"),
                "allowContextAware": True,
                "context": {"clusterSnapshot": str(DEMO / "cluster")},
            },
        },
        "cases": cases,
    }
    path = tmp_path / "many.suite.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def _comparable(run) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [
        (
            r.case_id,
            r.policy_id,
            r.status,
            r.got,
            r.message,
            r.reason,
            r.response,
            r.patch,
            r.patched,
            r.diff,
            r.scope,
        )
        for r in run.results
    ]


def test_parallel_results_are_identical_to_serial(tmp_path: Path) -> None:
    suite = load_suite(_demo_suite(tmp_path, 20))
    serial = run_suites([suite], workers=1)
    seen: list[int] = []
    parallel = run_suites([suite], workers=2, progress=lambda done, total, _r: seen.append(done))
    assert parallel.workers == 2
    assert _comparable(serial) == _comparable(parallel)
    assert seen == list(range(1, len(suite.cases) + 1))
    assert {r.got for r in serial.results} >= {"allowed", "rejected", "mutated", "skipped"}


def test_cancellation_between_cases(tmp_path: Path) -> None:
    suite = load_suite(_demo_suite(tmp_path, 5))
    token = CancelToken()

    def progress(done: int, _total: int, _result: object) -> None:
        if done == 3:
            token.cancel()

    run = run_suites([suite], workers=1, cancel=token, progress=progress)
    assert run.cancelled and not run.ok
    statuses = [r.status for r in run.results]
    assert statuses[:3] == [
        CaseStatus.FAILED if r.got != "allowed" else CaseStatus.PASSED for r in run.results[:3]
    ]
    assert set(statuses[3:]) == {CaseStatus.CANCELLED}


@pytest.mark.parametrize("workers", [1, 2])
def test_cancellation_interrupts_a_running_evaluation(tmp_path: Path, workers: int) -> None:
    wapc_policy(tmp_path, "spin", "loop")
    (tmp_path / "pod.yaml").write_text(yaml.safe_dump(POD))
    cases = "".join(f"  - id: c{i}\n    object: pod.yaml\n    expect: allowed\n" for i in range(4))
    path = write_suite(
        tmp_path, "policies:\n  spin: {module: spin.wasm, timeout: null, checkScope: false}\ncases:\n" + cases
    )
    suite = load_suite(path)
    token = CancelToken()
    timer = threading.Timer(1.5, token.cancel)
    timer.start()
    started = time.monotonic()
    try:
        run = run_suites([suite], workers=workers, cancel=token)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 30
    assert run.cancelled
    assert all(r.status is CaseStatus.CANCELLED for r in run.results)


def test_fail_fast_stops_after_the_first_failure(tmp_path: Path) -> None:
    suite = load_suite(_demo_suite(tmp_path, 5))
    run = run_suites([suite], workers=1, fail_fast=True)
    first = next(i for i, r in enumerate(run.results) if r.status is CaseStatus.FAILED)
    assert all(r.status is CaseStatus.CANCELLED for r in run.results[first + 1 :])


def test_shards_are_stable_disjoint_and_complete(tmp_path: Path) -> None:
    suite = load_suite(_demo_suite(tmp_path, 10))
    assert parse_shard("2/3") == (2, 3)
    for bad in ("0/3", "4/3", "1/0", "x", "1-2"):
        with pytest.raises(InputError):
            parse_shard(bad)
    shards = [plan_jobs([suite], shard=(k, 3)) for k in (1, 2, 3)]
    ids = [{(j.case, j.policy) for j in s} for s in shards]
    assert not (ids[0] & ids[1]) and not (ids[1] & ids[2]) and not (ids[0] & ids[2])
    assert set().union(*ids) == {(j.case, j.policy) for j in plan_jobs([suite])}
    assert all(ids)
    assert shard_of("labels-0", 3) == shard_of("labels-0", 3)
    # sha256-based, so the same on every machine and Python run
    import hashlib

    assert shard_of("abc", 7) == int.from_bytes(hashlib.sha256(b"abc").digest()[:8], "big") % 7 + 1


def test_keyword_and_tag_selection(kinds_dir: Path) -> None:
    suite = load_suite(kinds_dir / "kinds.suite.yaml")
    assert [suite.cases[j.case].id for j in plan_jobs([suite], keyword="mutated and not patch")] == [
        "mutated"
    ]
    assert [
        suite.cases[j.case].id for j in plan_jobs([suite], keyword="(allowed or error) and not settings")
    ] == [
        "allowed",
        "error",
    ]
    assert [suite.cases[j.case].id for j in plan_jobs([suite], tags=["rego"])] == ["gatekeeper"]
    assert plan_jobs([suite], policy="pull") and all(
        j.policy == "pull" for j in plan_jobs([suite], policy="pull")
    )
    for bad in ("", "a and", "(a", "a b c )"):
        with pytest.raises(InputError):
            _keyword_matcher(bad)


def test_impact_analysis_lists_only_changed_cases(kinds_dir: Path, tmp_path: Path) -> None:
    suite = load_suite(kinds_dir / "kinds.suite.yaml")
    jobs = plan_jobs([suite], policy="labels")
    before = run_suites([suite], jobs, workers=1)
    same = run_suites(
        [suite], jobs, workers=1, overrides=impact_overrides([suite], str(REQUIRE_LABELS), "labels")
    )
    assert compare_runs(before, same) == []
    deny = wapc_policy(tmp_path, "deny", 'respond:{"accepted":false,"message":"nope"}')
    after = run_suites([suite], jobs, workers=2, overrides=impact_overrides([suite], str(deny), "labels"))
    changes = {c.before.case_id: c.changes for c in compare_runs(before, after)}
    # the WAT module rejects everything, accepts any settings and declares no rules (so nothing is skipped)
    assert changes == {
        "allowed": ("verdict", "message"),
        "rejected": ("message",),
        "settings-error": ("verdict", "message"),
        "skipped": ("verdict", "message"),
    }
    with pytest.raises(InputError, match="name one with --policy"):
        impact_overrides([suite], str(deny), None)
    with pytest.raises(InputError, match="no suite has a policy"):
        impact_overrides([suite], str(deny), "nope")


def test_a_policy_that_cannot_be_opened_fails_its_cases_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "bad.wasm").write_bytes(b"not wasm")
    (tmp_path / "pod.yaml").write_text(yaml.safe_dump(POD))
    path = write_suite(
        tmp_path,
        "policies:\n  bad: {module: bad.wasm}\ncases:\n  - {id: a, object: pod.yaml, expect: allowed}\n",
    )
    (result,) = run_suites([load_suite(path)], workers=1).results
    assert (
        result.status is CaseStatus.FAILED
        and result.got == "error"
        and "expected allowed, got error" in result.reason
    )


def test_judge_gator_assertions() -> None:
    from workbench.core.session import Verdict
    from workbench.core.suites.runner import _Got

    suite = load_suite(Path(__file__).parent / "data" / "gator-required-labels" / "suite.yaml")
    case = next(c for c in suite.cases if c.id.endswith("missing-owner"))
    output = [{"result": [{"msg": 'you must provide labels: {"owner"}'}]}]
    assert judge(case, _Got(Verdict.REJECTED, "x", policy_output=output))[0]
    two = [{"result": [{"msg": "you must provide labels"}, {"msg": "you must provide labels too"}]}]
    ok, reason, _ = judge(case, _Got(Verdict.REJECTED, "x", policy_output=two))
    assert not ok and "got 2 violations containing 'you must provide labels' but want exactly 1" in reason
    ok, reason, _ = judge(case, _Got(Verdict.SKIPPED, "rules: ..."))
    assert not ok and "got 0 violations" in reason
    ok, reason, _ = judge(case, _Got(Verdict.ERROR, "boom"))
    assert not ok and "expected rejected, got error" in reason


def test_a_kept_runner_reuses_sessions_until_the_module_changes(tmp_path: Path) -> None:
    from workbench.core.suites.runner import CaseRunner

    (tmp_path / "pod.yaml").write_text(yaml.safe_dump(POD))
    wapc_policy(tmp_path, "p", 'respond:{"accepted":true}')
    text = "policies: {p: {module: p.wasm}}\ncases:\n  - {id: a, object: pod.yaml, expect: allowed}\n"
    path = write_suite(tmp_path, text)
    runner = CaseRunner([load_suite(path)])
    try:
        assert run_suites([load_suite(path)], workers=1, runner=runner).ok
        first = [o.session for o in runner._opened.values()]
        assert run_suites([load_suite(path)], workers=1, runner=runner).ok  # re-read suite, same session
        assert [o.session for o in runner._opened.values()] == first
        wapc_policy(tmp_path, "p", 'respond:{"accepted":false,"message":"now no"}')  # rebuilt module
        run = run_suites([load_suite(path)], workers=1, runner=runner)
        assert not run.ok and run.results[0].message == "now no"
        token = CancelToken()
        token.cancel()
        cancelled = run_suites([load_suite(path)], workers=1, runner=runner, cancel=token)
        assert cancelled.cancelled and not runner.cancel.cancelled  # the kept runner is usable again
        assert run_suites([load_suite(path)], workers=1, runner=runner).results[0].message == "now no"
    finally:
        runner.close()


def test_run_impact_runs_both_versions_in_one_pass(kinds_dir: Path, tmp_path: Path) -> None:
    from workbench.core import run_impact

    suite = load_suite(kinds_dir / "kinds.suite.yaml")
    deny = wapc_policy(tmp_path, "deny", 'respond:{"accepted":false,"message":"nope"}')
    before, after, changes = run_impact([suite], plan_jobs([suite]), str(deny), "labels", workers=2)
    assert len(before.results) == len(after.results) == sum(1 for c in suite.cases if "labels" in c.policies)
    assert {c.before.case_id for c in changes} == {"allowed", "rejected", "settings-error", "skipped"}
    assert all(r.policy_id == "labels" for r in after.results)


def test_a_worker_that_dies_fails_its_cases_and_the_run_ends(tmp_path: Path) -> None:
    import multiprocessing
    import os
    import signal

    wapc_policy(tmp_path, "spin", "loop")
    (tmp_path / "pod.yaml").write_text(yaml.safe_dump(POD))
    cases = "".join(f"  - id: c{i}\n    object: pod.yaml\n    expect: error\n" for i in range(4))
    path = write_suite(tmp_path, "policies:\n  spin: {module: spin.wasm, timeout: 2, checkScope: false}\ncases:\n" + cases)
    suite = load_suite(path)

    def kill_children() -> None:
        for child in multiprocessing.active_children():
            if child.name.startswith("suite-worker-") and child.pid is not None:
                os.kill(child.pid, signal.SIGKILL)

    timer = threading.Timer(1.0, kill_children)
    timer.start()
    started = time.monotonic()
    try:
        run = run_suites([suite], workers=2)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 60
    assert len(run.results) == 4 and not run.cancelled
    for result in run.results:
        assert result.passed or "worker process ended unexpectedly" in result.reason, result.reason
    assert sum(r.passed for r in run.results) >= 2  # the caller's own cases


def test_cases_sharing_a_request_file_are_each_judged_on_their_own(tmp_path: Path) -> None:
    from workbench.core.suites.runner import CaseRunner

    missing = DEMO / "requests/pod-missing-labels.json"
    text = f"""\
policies:
  labels:
    module: {REQUIRE_LABELS}
    settings: {DEMO}/settings/require-labels.yml
  elsewhere:
    module: {REQUIRE_LABELS}
    settings: {DEMO}/settings/require-labels.yml
    scope: {{rules: [{{operations: [DELETE], apiGroups: [""], apiVersions: [v1], resources: [pods]}}]}}
cases:
  - {{id: a, policy: labels, request: {missing}, expect: rejected}}
  - {{id: b, policy: labels, request: {missing}, expect: allowed, settings: {{required_labels: [app]}}}}
  - {{id: c, policy: elsewhere, request: {missing}, expect: skipped}}
  - {{id: d, policy: [labels, elsewhere], request: {missing}, expect: rejected}}
"""
    path = write_suite(tmp_path, text)
    suite = load_suite(path)
    assert all(case.request is suite.cases[0].request for case in suite.cases)  # read once, shared
    runner = CaseRunner([suite])
    try:
        run = run_suites([suite], workers=1, runner=runner)
        got = {(r.case_id, r.policy_id): r.got for r in run.results}
        assert got == {
            ("a", "labels"): "rejected",
            ("b", "labels"): "allowed",
            ("c", "elsewhere"): "skipped",
            ("d", "labels"): "rejected",
            ("d", "elsewhere"): "skipped",
        }
        assert len(runner._prepared) == 2  # one request, two registrations
        assert _comparable(run) == _comparable(run_suites([suite], workers=1))  # a fresh runner agrees
        again = load_suite(path)
        run_suites([again], workers=1, runner=runner)
        assert {id(request) for request, _ in runner._prepared.values()} == {id(again.cases[0].request)}
    finally:
        runner.close()


def test_spawned_workers_give_the_serial_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's case: a process with native threads starts its workers with ``spawn`` (the
    suites and the result pipe travel to them pickled)."""
    from workbench.core.suites import runner

    monkeypatch.setattr(runner, "_start_method", lambda: "spawn")
    suite = load_suite(_demo_suite(tmp_path, 12))
    serial = run_suites([suite], workers=1)
    here: list[int] = []
    plain_run = runner.CaseRunner.run

    def slow_run(self: runner.CaseRunner, job: runner.Job) -> Any:  # this process only: a spawned child imports afresh
        here.append(job.case)
        time.sleep(0.1)
        return plain_run(self, job)

    monkeypatch.setattr(runner.CaseRunner, "run", slow_run)
    parallel = run_suites([suite], workers=2)
    assert _comparable(parallel) == _comparable(serial)
    assert 0 < len(here) < len(suite.cases)  # the spawned worker ran the others


def test_a_forked_run_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    """In a fresh process (this one has wasmtime's threads, so its workers would be spawned)."""
    import subprocess
    import sys

    path = _demo_suite(tmp_path, 4)
    code = f"""
import gc
from workbench.core import load_suite, run_suites
from workbench.core.suites import runner
assert runner._start_method() == "fork"
before = gc.get_freeze_count()
run = run_suites([load_suite({str(path)!r})], workers=2)
print(run.workers, before, gc.get_freeze_count(), gc.isenabled())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["2", "0", "0", "True"]
