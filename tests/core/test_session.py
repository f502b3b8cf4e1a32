"""The ``run`` pipeline (docs/kubewarden-compat.md §2, §6) with real engines, fixtures and demo policies."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonpatch
import pytest
from helpers import REPO_ROOT

from workbench.core.engines import ValidationRequest
from workbench.core.engines.base import LogRecord, ValidationOutcome
from workbench.core.engines.response import MUTATION_NOT_ALLOWED_TEMPLATE, PostProcessing
from workbench.core.errors import MetadataError, ModuleError, SettingsError, WorkbenchError
from workbench.core.metadata import METADATA_SECTION
from workbench.core.module import PolicyModule, load_module
from workbench.core.requests import load_request
from workbench.core.session import (
    KUBEWARDEN_COMPAT_VERSION,
    RunConfig,
    check_minimum_version,
    open_session,
    resolve_execution_mode,
)
from workbench.core.wasm.writer import replace_custom_section

DEMO = REPO_ROOT / "resources" / "demo"
REQUIRE_LABELS = DEMO / "policies" / "require-labels" / "policy.wasm"
PULL_POLICY = DEMO / "policies" / "set-image-pull-policy" / "policy.wasm"
NAMESPACE_LABEL = DEMO / "policies" / "namespace-label-required" / "policy.wasm"
LABELS = {"required_labels": ["app", "owner"]}


def run_policy(
    module: PolicyModule, request: ValidationRequest, settings: dict, config: RunConfig | None = None
) -> ValidationOutcome:
    """One-shot run through the one entry point."""
    with open_session(module, config) as session:
        return session.run(request, settings)


def demo_request(name: str) -> ValidationRequest:
    return load_request(DEMO / "requests" / f"{name}.json")


def with_metadata(module: PolicyModule, **changes: object) -> PolicyModule:
    """The same module re-annotated with some metadata fields changed."""
    assert module.metadata is not None
    md = dataclasses.replace(module.metadata, **changes)
    return load_module(replace_custom_section(module.data, METADATA_SECTION, md.to_json_bytes()))


@pytest.fixture(scope="module")
def require_labels() -> PolicyModule:
    return load_module(REQUIRE_LABELS)


@pytest.fixture(scope="module")
def pull_policy() -> PolicyModule:
    return load_module(PULL_POLICY)


# -- execution mode --------------------------------------------------------------------------
def test_unannotated_rego_needs_an_explicit_mode(fixtures_dir: Path) -> None:
    module = load_module(fixtures_dir / "policies" / "gk-always-happy.wasm")
    assert module.metadata is None
    with pytest.raises(
        ModuleError, match="The policy has been created with Rego, please specify which Opa runtime"
    ):
        resolve_execution_mode(module)
    assert resolve_execution_mode(module, "gatekeeper") == "gatekeeper"
    assert resolve_execution_mode(module, "opa") == "opa"


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("kw-go-pod-name-denylist.wasm", "kubewarden-wapc"),  # unannotated waPC -> kwctl's default
        ("kw-js-demo-wasi.wasm", "wasi"),  # unannotated WASI command
        ("gk-container-limits-annotated.wasm", "gatekeeper"),  # from the metadata
        ("kw-js-demo-wasi-annotated.wasm", "wasi"),
    ],
)
def test_mode_from_metadata_or_module_kind(fixtures_dir: Path, fixture: str, expected: str) -> None:
    assert resolve_execution_mode(load_module(fixtures_dir / "policies" / fixture)) == expected


def test_unknown_module_is_refused_with_its_reason() -> None:
    module = load_module(b"\0asm\1\0\0\0")  # a valid but empty module
    with pytest.raises(ModuleError, match="cannot run this module: exports none of opa_eval"):
        resolve_execution_mode(module)


def test_legacy_opa_module_is_rego_but_cannot_run(fixtures_dir: Path) -> None:
    module = load_module(fixtures_dir / "policies" / "opa-legacy-abi-no-entrypoints.wasm")
    with pytest.raises(ModuleError, match="created with Rego"):
        resolve_execution_mode(module)
    with pytest.raises(WorkbenchError):
        run_policy(module, ValidationRequest({"uid": "x"}, raw=True), {}, RunConfig(execution_mode="opa"))


def test_override_is_used_as_is_and_accepts_the_kubewarden_alias(require_labels: PolicyModule) -> None:
    assert resolve_execution_mode(require_labels, "kubewarden") == "kubewarden-wapc"
    assert resolve_execution_mode(require_labels, "kubewarden-wapc") == "kubewarden-wapc"
    # kwctl does no consistency check on -e: an annotated waPC policy can be forced to "opa"
    assert resolve_execution_mode(require_labels, "opa") == "opa"
    with pytest.raises(ModuleError, match="unknown execution mode 'rust'"):
        resolve_execution_mode(require_labels, "rust")


def test_kubewarden_alias_runs_the_policy(require_labels: PolicyModule) -> None:
    out = run_policy(
        require_labels, demo_request("pod-compliant"), LABELS, RunConfig(execution_mode="kubewarden")
    )
    assert out.response.allowed is True


def test_forcing_a_wrong_engine_fails_with_a_workbench_error(require_labels: PolicyModule) -> None:
    with pytest.raises(WorkbenchError):
        run_policy(require_labels, demo_request("pod-compliant"), LABELS, RunConfig(execution_mode="opa"))


# -- minimumKubewardenVersion ----------------------------------------------------------------
def _bump(version: str, minor_delta: int) -> str:
    major, minor, _ = (int(x) for x in version.split("."))
    return f"{major}.{minor + minor_delta}.0"


@pytest.mark.parametrize(
    "version",
    [
        KUBEWARDEN_COMPAT_VERSION,
        KUBEWARDEN_COMPAT_VERSION.rsplit(".", 1)[0] + ".99",  # patch is ignored (major.minor.0)
        KUBEWARDEN_COMPAT_VERSION.rsplit(".", 1)[0] + ".7-rc1",  # pre-release ignored too
        "1.0.0",
        _bump(KUBEWARDEN_COMPAT_VERSION, -1),
    ],
)
def test_minimum_version_satisfied(require_labels: PolicyModule, version: str) -> None:
    module = with_metadata(require_labels, minimum_kubewarden_version=version)
    check_minimum_version(module.metadata)
    assert run_policy(module, demo_request("pod-compliant"), LABELS).response.allowed


@pytest.mark.parametrize("version", [_bump(KUBEWARDEN_COMPAT_VERSION, 1), "99.0.0"])
def test_minimum_version_too_new_is_refused_before_running(
    require_labels: PolicyModule, version: str
) -> None:
    module = with_metadata(require_labels, minimum_kubewarden_version=version)
    with pytest.raises(MetadataError, match=f"requires Kubewarden {version} or newer"):
        check_minimum_version(module.metadata)
    with pytest.raises(MetadataError, match=KUBEWARDEN_COMPAT_VERSION):
        open_session(module)


def test_no_metadata_means_no_version_check(fixtures_dir: Path) -> None:
    check_minimum_version(load_module(fixtures_dir / "policies" / "kw-go-pod-name-denylist.wasm").metadata)


# -- settings --------------------------------------------------------------------------------
def test_invalid_settings_raise_kwctls_message(require_labels: PolicyModule) -> None:
    with pytest.raises(SettingsError) as info:
        run_policy(require_labels, demo_request("pod-compliant"), {"required_labels": []})
    assert str(info.value) == "Provided settings are not valid: required_labels must not be empty"


def test_settings_check_can_be_skipped_for_repeated_runs(require_labels: PolicyModule) -> None:
    with open_session(require_labels) as session:
        assert session.validate_settings(LABELS).valid
        assert not session.validate_settings({"required_labels": []}).valid
        out = session.run(demo_request("pod-compliant"), LABELS, check_settings=False)
        assert out.response.allowed


def test_fixture_settings_validation_outcomes(fixtures_dir: Path, manifest: dict) -> None:
    """Every validate_settings expectation of a waPC fixture goes through the pipeline unchanged."""
    checked = 0
    for entry in manifest["modules"]:
        if entry["kind"] != "kubewarden-wapc":
            continue
        module = load_module(fixtures_dir / entry["name"])
        for case in entry.get("expected_behaviours", []):
            if case.get("op") != "validate_settings":
                continue
            with open_session(module) as session:
                assert session.validate_settings(case["settings"]).valid is case["expect_valid"], entry[
                    "name"
                ]
            checked += 1
    assert checked


def test_fixture_verdicts_through_run_policy(fixtures_dir: Path, manifest: dict) -> None:
    """The verified waPC expectations of MANIFEST.json, through the whole pipeline."""
    checked = 0
    for entry in manifest["modules"]:
        if entry["kind"] != "kubewarden-wapc":
            continue
        module = load_module(fixtures_dir / entry["name"])
        for case in entry.get("expected_behaviours", []):
            if "request" not in case or not case.get("verified_with_harness"):
                continue
            request = load_request(fixtures_dir / case["request"])
            out = run_policy(module, request, case.get("settings") or {})
            assert out.response.allowed is case["expect_allowed"], (entry["name"], case)
            if case.get("message_substring"):
                assert case["message_substring"] in (out.response.message or "")
            checked += 1
    assert checked >= 2


# -- post-processing (§2.2) ------------------------------------------------------------------
def test_protect_mode_reject(require_labels: PolicyModule) -> None:
    out = run_policy(require_labels, demo_request("pod-missing-labels"), LABELS)
    assert out.response.allowed is False
    assert out.response.message == "missing required labels: owner"
    assert out.response.uid == "7d3c9a52-0003-4c1e-9a61-demo00000003"


def test_monitor_mode_accepts_and_drops_status(require_labels: PolicyModule) -> None:
    config = RunConfig(post=PostProcessing(mode="monitor"))
    out = run_policy(require_labels, demo_request("pod-missing-labels"), LABELS, config)
    assert out.response.to_dict() == {
        "uid": "7d3c9a52-0003-4c1e-9a61-demo00000003",
        "allowed": True,
        "auditAnnotations": None,
        "warnings": None,
    }


def test_monitor_mode_drops_the_patch(pull_policy: PolicyModule) -> None:
    out = run_policy(
        pull_policy, demo_request("pod-needs-pull-policy"), {}, RunConfig(post=PostProcessing(mode="monitor"))
    )
    assert out.response.allowed and out.response.patch is None and out.response.patch_type is None


def test_mutation_patch_applies_to_the_object(pull_policy: PolicyModule) -> None:
    request = demo_request("pod-needs-pull-policy")
    out = run_policy(pull_policy, request, {"pull_policy": "IfNotPresent"})
    assert out.response.allowed and out.response.patch_type == "JSONPatch"
    patched = jsonpatch.apply_patch(request.request["object"], out.response.patch_operations())
    for container in patched["spec"]["containers"]:
        assert container["imagePullPolicy"] == "IfNotPresent"


def test_disallow_mutation_rejects_a_mutating_response(pull_policy: PolicyModule) -> None:
    config = RunConfig(post=PostProcessing(policy_id="pull-guard", allowed_to_mutate=False))
    out = run_policy(pull_policy, demo_request("pod-needs-pull-policy"), {}, config)
    assert out.response.allowed is False
    assert out.response.patch is None and out.response.patch_type is None
    assert out.response.message == MUTATION_NOT_ALLOWED_TEMPLATE.format(policy_id="pull-guard")
    # a request that needs no mutation is still accepted
    out = run_policy(pull_policy, demo_request("pod-compliant"), {}, config)
    assert out.response.allowed is True


def test_custom_message_moves_the_original_into_causes(require_labels: PolicyModule) -> None:
    config = RunConfig(post=PostProcessing(custom_rejection_message="labels policy says no"))
    out = run_policy(require_labels, demo_request("pod-missing-labels"), LABELS, config)
    assert out.response.to_dict()["status"] == {
        "message": "labels policy says no",
        "details": {"causes": [{"reason": None, "message": "missing required labels: owner", "field": None}]},
    }
    # an accepted request is left alone
    out = run_policy(require_labels, demo_request("pod-compliant"), LABELS, config)
    assert "status" not in out.response.to_dict()


def test_custom_message_and_disallowed_mutation_combine_in_kwctls_order(pull_policy: PolicyModule) -> None:
    config = RunConfig(
        post=PostProcessing(allowed_to_mutate=False, custom_rejection_message="no mutations here")
    )
    out = run_policy(pull_policy, demo_request("pod-needs-pull-policy"), {}, config)
    status = out.response.to_dict()["status"]
    assert status["message"] == "no mutations here"
    assert status["details"]["causes"] == [
        {"reason": None, "message": MUTATION_NOT_ALLOWED_TEMPLATE.format(policy_id="policy-from-cli"), "field": None}
    ]


def test_delete_mutation_is_refused(pull_policy: PolicyModule) -> None:
    out = run_policy(pull_policy, demo_request("pod-delete"), {})
    assert out.response.allowed is False
    assert out.response.message is not None and out.response.message.startswith("Incoming object is null")
    assert out.response.patch is None


# -- raw policies (§2.7) ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def raw_require_labels(require_labels: PolicyModule) -> PolicyModule:
    return with_metadata(require_labels, policy_type="raw")


def test_raw_policy_uid_comes_from_the_document(raw_require_labels: PolicyModule) -> None:
    doc = {"uid": "raw-uid-1", "object": {"metadata": {"labels": {"app": "a", "owner": "b"}}}}
    out = run_policy(raw_require_labels, ValidationRequest(doc, raw=True), LABELS)
    assert out.response.uid == "raw-uid-1" and out.response.allowed


@pytest.mark.parametrize("doc", [{"object": {"metadata": {}}}, {"uid": 7}, [1, 2], "text", None])
def test_raw_policy_without_string_uid_gets_empty_uid(raw_require_labels: PolicyModule, doc: object) -> None:
    out = run_policy(raw_require_labels, ValidationRequest(doc, raw=True), LABELS)
    assert out.response.uid == ""
    assert out.response.allowed is False


def test_raw_from_metadata_overrides_the_request_flag(raw_require_labels: PolicyModule) -> None:
    with open_session(raw_require_labels) as session:
        assert session.raw is True
        doc = {"uid": "u", "object": {"metadata": {"labels": {"app": "x", "owner": "y"}}}}
        # loaded as a non-raw request by mistake: the session passes it as raw anyway
        out = session.run(ValidationRequest(doc, raw=False), LABELS)
        assert out.response.uid == "u" and out.response.allowed


def test_raw_config_flag(require_labels: PolicyModule) -> None:
    with open_session(require_labels, RunConfig(raw=True)) as session:
        assert session.raw is True
    with open_session(require_labels) as session:
        assert session.raw is False


def test_raw_mutation_is_diffed_against_the_whole_document(pull_policy: PolicyModule) -> None:
    raw = with_metadata(pull_policy, policy_type="raw")
    doc = {
        "uid": "r",
        "kind": {"kind": "Pod"},
        "operation": "CREATE",
        "object": {"spec": {"containers": [{"name": "a", "image": "x"}]}},
    }
    out = run_policy(raw, ValidationRequest(doc, raw=True), {})
    assert out.response.uid == "r" and out.response.patch_type == "JSONPatch"
    result = jsonpatch.apply_patch(doc, out.response.patch_operations())
    # the policy returns the mutated *object*; kwctl diffs it against the whole raw request
    assert result == {"spec": {"containers": [{"name": "a", "image": "x", "imagePullPolicy": "Always"}]}}


# -- context awareness and logs --------------------------------------------------------------
def test_context_aware_policy_without_permission_warns_and_is_denied_access() -> None:
    module = load_module(NAMESPACE_LABEL)
    records: list[LogRecord] = []
    settings = {"label": "policy.example.com/allowed", "value": "true"}
    out = run_policy(module, demo_request("pod-compliant"), settings, RunConfig(log=records.append))
    warnings = [r for r in records if r.source == "app" and r.level == "warning"]
    assert len(warnings) == 1 and "access to cluster resources was not allowed" in warnings[0].message
    assert out.response.allowed is False
    assert "not been granted access" in (out.response.message or "")
    assert any(r.source == "app" for r in out.logs)


def test_context_aware_policy_with_permission_and_snapshot() -> None:
    module = load_module(NAMESPACE_LABEL)
    records: list[LogRecord] = []
    settings = {"label": "policy.example.com/allowed", "value": "true"}
    config = RunConfig(allow_context_aware=True, cluster_snapshot=DEMO / "cluster", log=records.append)
    out = run_policy(module, demo_request("pod-compliant"), settings, config)
    assert out.response.allowed is True
    assert not [r for r in records if r.source == "app" and "was not allowed" in r.message]


def test_session_is_reusable_and_deterministic(require_labels: PolicyModule) -> None:
    with open_session(require_labels) as session:
        results = [
            session.run(demo_request(n), LABELS).response.to_json()
            for n in ("pod-missing-labels", "pod-compliant", "pod-missing-labels")
        ]
    assert results[0] == results[2] != results[1]
    assert json.loads(results[1])["allowed"] is True


def test_elapsed_time_is_reported(require_labels: PolicyModule) -> None:
    out = run_policy(require_labels, demo_request("pod-compliant"), LABELS)
    assert out.elapsed_s > 0


# -- the one classifier of what a user names ---------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from workbench.core.engines.response import AdmissionResponse  # noqa: E402
from workbench.core.errors import InputError  # noqa: E402
from workbench.core.session import (  # noqa: E402
    EngineSession,
    Evaluation,
    ExecutionMode,
    PolicyKind,
    PolicySource,
    Session,
    SourceKind,
    Verdict,
    classify,
    open_sessions,
    parse_timeout,
)

MANIFEST = """\
apiVersion: policies.kubewarden.io/v1
kind: ClusterAdmissionPolicy
metadata:
  name: labels
spec:
  module: {module}
  mode: {mode}
  message: {message}
  timeoutEvalSeconds: 3
  rules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      resources: ["pods"]
      operations: ["CREATE"]
  settings:
    required_labels: [app, owner]
"""


def write_manifest(tmp_path: Path, *, mode: str = "protect", message: str = "custom refusal", name: str = "m.yaml") -> Path:
    path = tmp_path / name
    path.write_text(MANIFEST.format(module=REQUIRE_LABELS, mode=mode, message=message))
    return path


def test_source_kinds(tmp_path: Path) -> None:
    assert PolicySource.parse(str(REQUIRE_LABELS)).kind == SourceKind.WASM
    assert PolicySource.parse(f"file://{REQUIRE_LABELS}").path == REQUIRE_LABELS
    rego = tmp_path / "p.rego"
    rego.write_text("package p\n")
    assert PolicySource.parse(str(rego)).kind == SourceKind.REGO
    assert PolicySource.parse(str(tmp_path)).kind == SourceKind.REGO  # a folder of .rego
    manifest = write_manifest(tmp_path)
    assert PolicySource.parse(str(manifest)).kind == SourceKind.MANIFEST
    other_yaml = tmp_path / "settings.yaml"
    other_yaml.write_text("required_labels: [a]\n")
    assert PolicySource.parse(str(other_yaml)).kind == SourceKind.WASM  # not a manifest: read as a module later


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("kubewarden/safe-labels", "registry://docker.io/kubewarden/safe-labels:latest"),
        ("ghcr.io/org/p:v1", "registry://ghcr.io/org/p:v1"),
        ("registry://ghcr.io/org/p:v1", "registry://ghcr.io/org/p:v1"),
        ("127.0.0.1:5000/policies/x:v2", "registry://127.0.0.1:5000/policies/x:v2"),
        ("https://example.com/p.wasm", "https://example.com/p.wasm"),
    ],
)
def test_references_follow_docker_rules(text: str, reference: str) -> None:
    source = PolicySource.parse(text)
    assert source.kind == SourceKind.REFERENCE and source.reference == reference and source.path is None


def test_missing_local_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        PolicySource.parse(str(tmp_path / "nope.wasm"))
    with pytest.raises(InputError, match=r"Rego file .* does not exist"):
        PolicySource.parse(str(tmp_path / "nope.rego"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"without \.rego files"):
        PolicySource.parse(str(empty))


def test_relative_paths_resolve_against_base(tmp_path: Path) -> None:
    (tmp_path / "policy.wasm").write_bytes(REQUIRE_LABELS.read_bytes())
    source = PolicySource.parse("policy.wasm", base=tmp_path)
    assert source.kind == SourceKind.WASM and source.path == tmp_path / "policy.wasm"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_parse_never_fails_with_an_internal_error(text: str) -> None:
    try:
        source = PolicySource.parse(text)
    except InputError:
        return
    assert source.kind in SourceKind


# -- the one verdict rule ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("result", "verdict"),
    [
        ({"allowed": True}, Verdict.ACCEPTED),
        ({"allowed": True, "patch": "W10="}, Verdict.MUTATED),
        ({"allowed": False, "status": {"message": "no", "code": 400}}, Verdict.REJECTED),
        ({"allowed": False, "status": {"message": "trap", "code": 500}}, Verdict.ERROR),
        (AdmissionResponse(uid="u", allowed=False, status={"code": 500, "message": "x"}), Verdict.ERROR),
        (AdmissionResponse(uid="u", allowed=False), Verdict.REJECTED),
        (SettingsError("bad"), Verdict.SETTINGS_ERROR),
        (ModuleError("bad"), Verdict.ERROR),
    ],
)
def test_classify(result: object, verdict: Verdict) -> None:
    assert classify(result) == verdict  # type: ignore[arg-type]


def test_a_500_answer_is_an_error_everywhere(tmp_path: Path) -> None:
    """Issue 11: a code-500 answer showed "error" in the result view but "rejected" in the demo."""
    from workbench.core.compare import EngineRun

    outcome = ValidationOutcome(AdmissionResponse(uid="u", allowed=False, status={"code": 500, "message": "boom"}))
    assert classify(outcome) == Verdict.ERROR
    assert EngineRun("x", outcome, verdict=classify(outcome)).verdict == Verdict.ERROR


def test_evaluate_folds_errors_into_verdicts(require_labels: PolicyModule) -> None:
    with open_session(require_labels) as session:
        assert isinstance(session, Session) and isinstance(session, EngineSession)
        assert session.kind == PolicyKind.KUBEWARDEN_WAPC and session.execution_mode == ExecutionMode.KUBEWARDEN_WAPC
        good = session.evaluate(demo_request("pod-compliant"), LABELS)
        assert isinstance(good, Evaluation) and good.verdict == Verdict.ACCEPTED and good.error is None
        bad = session.evaluate(demo_request("pod-missing-labels"), LABELS)
        assert bad.verdict == Verdict.REJECTED and "owner" in bad.message
        invalid = session.evaluate(demo_request("pod-compliant"), {"required_labels": []})
        assert invalid.verdict == Verdict.SETTINGS_ERROR and isinstance(invalid.error, SettingsError)


def test_timeouts_must_be_positive_and_finite() -> None:
    assert parse_timeout("1.5") == 1.5 and parse_timeout(None) is None
    for bad in ("0", "-1", "nan", "inf", "soon"):
        with pytest.raises(InputError, match="deadline"):
            parse_timeout(bad)
    with pytest.raises(InputError):
        RunConfig(timeout=0)


def test_merge_logs_keeps_order_without_duplicates() -> None:
    from workbench.core.session import _merge_logs

    logged = [LogRecord("info", f"l{i}") for i in range(20_000)]
    engine_only = [LogRecord("info", "extra")]
    merged = _merge_logs(logged, [*logged[:10_000], *engine_only])
    assert merged == [*logged, *engine_only] and len(merged) == 20_001


# -- manifests as the policy -------------------------------------------------------------------
def test_manifest_supplies_settings_mode_message_and_deadline(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path)
    with open_session(str(manifest)) as session:
        assert session.default_settings == LABELS
        assert session.manifest is not None and session.manifest.name == "labels"
        assert isinstance(session, EngineSession) and session.config.timeout == 3.0
        out = session.run(demo_request("pod-missing-labels"), session.default_settings)
        assert out.response.allowed is False
        assert out.response.status is not None and out.response.status["message"].startswith("custom refusal")
    monitor = write_manifest(tmp_path, mode="monitor", name="monitor.yaml")
    with open_session(monitor) as session:
        assert session.run(demo_request("pod-missing-labels"), session.default_settings).response.allowed


def test_multi_document_manifest_opens_each_policy(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    one = MANIFEST.format(module=REQUIRE_LABELS, mode="protect", message="first")
    path.write_text(one + "---\n" + one.replace("name: labels", "name: second"))
    sessions = open_sessions(path)
    try:
        assert [s.manifest.name for s in sessions if s.manifest] == ["labels", "second"]
    finally:
        for s in sessions:
            s.close()
    with pytest.raises(InputError, match="holds 2 policies"):
        open_session(path)


def test_rego_source_session_speaks_the_same_protocol(tmp_path: Path) -> None:
    rego = tmp_path / "p.rego"
    rego.write_text(
        "package policy\nimport rego.v1\nviolation contains {\"msg\": \"no\"} if input.review.object.bad\n"
    )
    with open_session(rego, RunConfig(execution_mode=ExecutionMode.GATEKEEPER)) as session:
        assert isinstance(session, Session) and session.kind == PolicyKind.REGO_SOURCE and session.module is None
        request = session.load_request(DEMO / "requests" / "pod-compliant.json")
        assert session.evaluate(request, {}).verdict == Verdict.ACCEPTED


def test_a_session_reads_its_cluster_snapshot_once_and_shows_it() -> None:
    from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot

    config = RunConfig(allow_context_aware=True, cluster_snapshot=DEMO / "cluster")
    with open_session(NAMESPACE_LABEL, config) as session:
        snapshot = session.snapshot
        assert isinstance(snapshot, ClusterSnapshot)
        assert {o["metadata"]["name"] for o in snapshot.objects() if o["kind"] == "Namespace"} >= {"team-a"}
        assert session.engine.options.cluster_snapshot is snapshot  # the engine answers from the same one
    with open_session(NAMESPACE_LABEL) as session:
        assert session.snapshot is None
