"""Commands that run policies: the selected case (F5), a policy's cases, the whole workspace
(Ctrl+F5), settings validation, "Save as case", and the run options (deadline, snapshot).

Every run is tied to the digest of its inputs (module bytes and edited metadata, settings,
request, run options) so the window can mark a result stale the moment one of them changes.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from workbench.core import (
    AdmissionResponse,
    EvaluationCancelled,
    InputError,
    MetadataError,
    PolicyModule,
    PolicySpec,
    PostProcessing,
    RunConfig,
    ValidationOutcome,
    WorkbenchError,
    annotate_module,
    run_suites,
)
from workbench.core import CaseResult as SuiteCaseResult
from workbench.gui import textdoc
from workbench.gui.codeeditor import escape_html
from workbench.gui.editors import describe_request
from workbench.gui.errors import ErrorInfo, window_wording
from workbench.gui.evaluation import RunOutput, evaluate_inputs
from workbench.gui.resultview import DecisionStep, RunRecord
from workbench.gui.tasks import Task, TaskContext
from workbench.gui.view import WindowView
from workbench.gui.workspace import CaseResult, WsCase, WsPolicy, inputs_digest, parse_text, to_suite

__all__ = [
    "case_digest",
    "edited_module",
    "run_cases",
    "run_config",
    "run_selected",
    "save_result_as_case",
    "validate_settings",
]


# -- inputs ----------------------------------------------------------------------------------
def edited_module(view: WindowView) -> PolicyModule | None:
    """The open module with the metadata as edited (None for Rego source)."""
    loaded = view.loaded
    if loaded is None:
        raise InputError("open a policy first")
    module = loaded.module
    if module is None:
        return None
    md = view.metadata_editor.metadata()
    if md is None or not view.metadata_editor.valid:
        raise MetadataError("Metadata is invalid: " + "; ".join(view.metadata_editor.errors))
    if module.metadata is not None and md.to_dict() == module.metadata.to_dict():
        return module
    return dataclasses.replace(module, metadata=md)


def run_config(view: WindowView, policy: WsPolicy) -> RunConfig:
    """The RunConfig of a policy's options, built in the GUI thread (workers never read widgets)."""
    entrypoint: Any = policy.entrypoint
    if policy is view.open_policy and view.module_pane.selected_entrypoint() is not None:
        entrypoint = view.module_pane.selected_entrypoint()
    return RunConfig(
        execution_mode=policy.execution_mode,  # type: ignore[arg-type]  # parsed in __post_init__
        entrypoint=entrypoint,
        timeout=view.context.run_timeout,
        memory_limit=view.context.memory_limit,
        log=view.context.log.sink,
        allow_context_aware=policy.allow_context_aware,
        cluster_snapshot=policy.cluster_snapshot,
        registry=view.registry_options(),
    )


def _options_key(config: RunConfig, scope: bool = True) -> list[Any]:
    return [
        scope,
        config.execution_mode,
        config.entrypoint,
        config.timeout,
        config.memory_limit,
        config.allow_context_aware,
        str(config.cluster_snapshot or ""),
    ]


def _value(text: str | None) -> Any:
    if text is None:
        return None
    result = textdoc.parse(text, textdoc.detect_language(text))
    return result.value if result.ok else ("unparsed", text)


def case_settings_text(policy: WsPolicy, case: WsCase) -> str | None:
    return case.settings_text if case.settings_text is not None else policy.settings_text


def case_digest(view: WindowView, policy: WsPolicy, case: WsCase) -> str | None:
    """The digest of the inputs a run of ``case`` would have now (None: its policy is not loaded)."""
    key = view.policy_keys.get(policy.id)
    if key is None:
        return None
    config = run_config(view, policy)
    return inputs_digest(
        key,
        _options_key(config, view.check_scope_enabled()),
        case.expect,
        case.message,
        _value(case_settings_text(policy, case)),
        _value(case.request_text),
    )


# -- running -----------------------------------------------------------------------------------
def _record(view: WindowView, policy: WsPolicy, case: WsCase, digest: str) -> RunRecord:
    view.run_count += 1
    try:
        value = parse_text(case.request_text)
    except WorkbenchError:
        value = None
    request = (
        value.get("request", value)
        if isinstance(value, dict) and value.get("kind") == "AdmissionReview"
        else value
    )
    original = (
        request.get("object") if isinstance(request, dict) and request.get("object") is not None else request
    )
    return RunRecord(
        number=view.run_count,
        policy=policy.title,
        request_label=describe_request(value),
        request=request,
        original=original,
        settings={},
        request_text=(case.request_text, textdoc.detect_language(case.request_text)),
        settings_text=(case_settings_text(policy, case) or "", "yaml"),
        digest=digest,
        case_name=case.name,
        expect=case.expect,
        expect_message=case.message,
    )


def _apply(
    view: WindowView,
    policy: WsPolicy,
    case: WsCase,
    record: RunRecord,
    result: SuiteCaseResult | None,
    output: RunOutput | None,
    error: ErrorInfo | None,
) -> None:
    """Fill ``record`` from the core runner's judged result (and the decision path of a single run)."""
    if result is not None:
        record.verdict_name = "accepted" if result.got == "allowed" else result.got
        record.wall_s = result.elapsed_s
        if result.response is not None:
            outcome = (
                output.evaluation.outcome
                if output is not None and output.evaluation.outcome is not None
                else None
            )
            if outcome is None:
                outcome = ValidationOutcome(
                    AdmissionResponse.from_dict(result.response), elapsed_s=result.elapsed_s
                )
            record.outcome = outcome
        elif record.verdict_name not in ("skipped",):
            record.error = ErrorInfo(
                "Run failed" if record.verdict_name == "error" else "Settings rejected",
                window_wording(result.message),
                exception_type="SettingsError" if record.verdict_name == "settings-error" else "",
            )
        if case.expect:
            record.passed = result.status.value == "passed"
            record.reason = result.reason or f"expected {case.expect}, got {record.verdict_name}"
        else:
            record.reason = result.message if record.verdict_name == "skipped" else ""
        if record.verdict_name == "skipped" and not case.expect:
            record.reason = result.message
        record.decision = output.decision if output is not None else decision_from_result(result)
        if result.diff:
            record.reason += "\n" + "\n".join(result.diff[:20])
    else:
        record.error = error
        record.verdict_name = "error"
        record.passed = False if case.expect else None
        record.reason = error.message if error is not None else "the run failed"
    case.result = CaseResult(
        record.verdict, record.message, record.digest, record.passed, record.reason, record
    )
    history = view.context.history
    if history is not None:
        record.history_id = history.add_record(policy, case, record)


def decision_from_result(result: SuiteCaseResult) -> tuple[DecisionStep, ...]:
    """The decision path of a suite result (the runner keeps no policy log)."""
    steps = []
    if result.scope:
        skipped = result.got == "skipped"
        steps.append(DecisionStep("Scope", "skipped" if skipped else "ok", result.scope))
        if skipped:
            return tuple(steps)
    if result.got == "settings-error":
        steps.append(DecisionStep("Settings validation", "failed", result.message))
        return tuple(steps)
    steps.append(DecisionStep("Settings validation", "ok", "the policy accepts the settings"))
    status = "ok" if result.got in ("allowed", "mutated") else "failed"
    steps.append(
        DecisionStep(
            "Evaluation", status, f"{result.got}" + (f": {result.message}" if result.message else "")
        )
    )
    return tuple(steps)


def _modules_for_run(view: WindowView, policies: set[str]) -> tuple[dict[str, Any], list[str]]:
    """The open policy runs with its edited metadata: (policy id -> module to annotate), problems."""
    policy, loaded = view.open_policy, view.loaded
    if policy is None or loaded is None or loaded.module is None or policy.id not in policies:
        return {}, []
    try:
        module = edited_module(view)
    except WorkbenchError as exc:
        return {}, [f"{policy.title}: {exc}"]
    if module is None or module is loaded.module:
        return {}, []
    return {policy.id: module}, []


def _annotated_overrides(edited: dict[str, Any], folder: Path) -> dict[tuple[int, str], str]:
    overrides = {}
    for pid, module in edited.items():
        target = folder / f"{pid}-edited.wasm"
        annotate_module(module, metadata=module.metadata, output=target)
        overrides[(0, pid)] = str(target)
    return overrides


def run_selected(view: WindowView) -> Task | None:
    """Run the selected case (F5) through the core suite runner, with its decision path."""
    blockers = view.run_blockers()
    if blockers:
        view.show_message("Cannot run: " + "; ".join(blockers), "warning")
        return None
    policy, case, loaded = view.open_policy, view.current_case, view.loaded
    assert policy is not None and case is not None and loaded is not None
    try:
        target: Any = edited_module(view) or loaded.source
        suite, _kept, problems = to_suite(view.workspace, [(policy, case)])
        if problems:
            raise InputError(problems[0])
        spec = suite.policies[policy.id]
        request_value = suite.cases[0].request
        settings = suite.cases[0].settings if suite.cases[0].settings is not None else spec.settings
    except WorkbenchError as exc:
        view.show_message(window_wording(str(exc)), "error")
        return None
    edited, _ = _modules_for_run(view, {policy.id})
    digest = case_digest(view, policy, case) or ""
    record = _record(view, policy, case, digest)
    config = spec_config(view, spec)
    scope = view.check_scope_enabled() and spec.check_scope
    if not scope:
        suite = dataclasses.replace(suite, policies={policy.id: dataclasses.replace(spec, check_scope=False)})
    view.banner.hide()
    view.status_label.setText(f"Running {case.name}…")
    view.context.log.app(f"run #{record.number}: {policy.title} ← {case.name} ({record.request_label})")

    def work(ctx: TaskContext) -> tuple[SuiteCaseResult, RunOutput]:
        with tempfile.TemporaryDirectory(prefix="pwb-run-") as folder:
            overrides = _annotated_overrides(edited, Path(folder))
            run = run_suites([suite], workers=1, cancel=ctx.cancel, overrides=overrides)
        if run.cancelled:
            raise EvaluationCancelled("the run was cancelled")
        output = evaluate_inputs(target, config, request_value, settings, cancel=ctx.cancel, scope=scope)
        return run.results[0], output

    def finished(value: tuple[SuiteCaseResult, RunOutput]) -> None:
        view.run_task = None
        _apply(view, policy, case, record, value[0], value[1], None)
        view.run_done(record)

    def failed(error: ErrorInfo) -> None:
        view.run_task = None
        if error.cancelled:
            view.show_error(error)
            view.update_actions()
            return
        _apply(view, policy, case, record, None, None, error)
        view.run_done(record)

    view.run_task = view.context.runner.run(work, "Run", on_finished=finished, on_failed=failed)
    view.update_actions()
    return view.run_task


#: suites at least this large run in worker processes (the GUI thread then never competes for the GIL)
PARALLEL_FROM = 40


def run_cases(
    view: WindowView, pairs: list[tuple[WsPolicy, WsCase]], title: str = "Run suite"
) -> Task | None:
    """Run many cases through the core suite runner in the background, with progress and Cancel."""
    if view.run_task is not None or view.suite_task is not None:
        view.show_message("Wait for the running cases to finish (or cancel them)", "warning")
        return None
    suite, kept, problems = to_suite(view.workspace, pairs)
    if not view.check_scope_enabled():
        suite = dataclasses.replace(
            suite, policies={k: dataclasses.replace(v, check_scope=False) for k, v in suite.policies.items()}
        )
    edited, more = _modules_for_run(view, set(suite.policies))
    problems += more
    if not kept:
        view.show_message("Nothing to run: " + ("; ".join(problems) or "no cases"), "warning")
        return None
    records = [_record(view, p, c, case_digest(view, p, c) or "") for p, c in kept]
    started = time.perf_counter()
    workers = 1 if len(kept) < PARALLEL_FROM else None

    def work(ctx: TaskContext) -> Any:
        def progress(done: int, total: int, result: SuiteCaseResult) -> None:
            ctx.progress(done, total, f"{title}: {done} / {total} ({result.case_id.split(':', 1)[-1]})")

        with tempfile.TemporaryDirectory(prefix="pwb-suite-") as folder:
            overrides = _annotated_overrides(edited, Path(folder))
            return run_suites(
                [suite], workers=workers, cancel=ctx.cancel, progress=progress, overrides=overrides
            )

    def finished(run: Any) -> None:
        view.suite_task = None
        done_records = []
        for (policy, case), record, result in zip(kept, records, run.results, strict=False):
            if result.status.value == "cancelled":
                continue
            record.digest = case_digest(view, policy, case) or record.digest
            _apply(view, policy, case, record, result, None, None)
            done_records.append(record)
        if run.cancelled:
            problems.append(f"cancelled after {len(done_records)} of {len(kept)} case(s)")
        view.suite_done(done_records=done_records, wall_s=time.perf_counter() - started, problems=problems)

    def failed(error: ErrorInfo) -> None:
        view.suite_task = None
        view.show_error(error)
        view.update_actions()

    view.status_label.setText(f"{title}: {len(kept)} case(s)…")
    view.suite_task = view.context.runner.run(
        work, title, on_finished=finished, on_failed=failed, on_progress=view.task_progress
    )
    view.update_actions()
    return view.suite_task


def spec_config(view: WindowView, spec: PolicySpec) -> RunConfig:
    """A RunConfig like the suite runner's for ``spec``, with the window's deadline, memory and log."""
    return RunConfig(
        execution_mode=spec.execution_mode,  # type: ignore[arg-type]  # parsed in __post_init__
        entrypoint=spec.entrypoint,
        raw=spec.raw,
        timeout=view.context.run_timeout,
        memory_limit=view.context.memory_limit,
        post=PostProcessing(
            policy_id=spec.id,
            mode=spec.mode or "protect",
            allowed_to_mutate=True if spec.mutating is None else spec.mutating,
            custom_rejection_message=spec.message,
        ),
        allow_context_aware=spec.allow_context_aware,
        allowed_host_capabilities=spec.allowed_host_capabilities,
        cluster_snapshot=spec.cluster_snapshot,
        replay_path=spec.replay,
        log=view.context.log.sink,
        registry=view.registry_options(),
    )


# -- settings validation -------------------------------------------------------------------------
def validate_settings(view: WindowView) -> Task | None:
    policy = view.open_policy
    try:
        if policy is None or view.loaded is None:
            raise InputError("open a policy first")
        target: Any = edited_module(view) or view.loaded.source
        settings = view.settings_editor.settings()
    except WorkbenchError as exc:
        view.show_message(window_wording(str(exc)), "error")
        return None
    config = run_config(view, policy)

    def work(ctx: TaskContext) -> Any:
        from workbench.core import open_session

        with open_session(target, dataclasses.replace(config, cancel=ctx.cancel)) as session:
            return session.validate_settings(settings)

    def done(outcome: Any) -> None:
        if outcome.valid:
            view.last_settings_check = (True, "")
            view.show_message("The policy accepts these settings ✔", "success")
            view.settings_editor.status.setText(
                '<span style="color:#2e7d32">✔ settings accepted by the policy</span>'
            )
        else:
            message = outcome.message or "no reason given"
            view.last_settings_check = (False, message)
            view.show_message(f"Provided settings are not valid: {message}", "error")
            view.settings_editor.status.setText(
                f'<span style="color:#d32f2f">✖ settings rejected: {escape_html(message)}</span>'
            )

    return view.context.runner.run(work, "Validate settings", on_finished=done, on_failed=view.show_error)


# -- results into cases ------------------------------------------------------------------------------
def save_result_as_case(view: WindowView, record: RunRecord, name: str | None = None) -> WsCase | None:
    """A new case from a result: its inputs, and its outcome as the (editable) expectation."""
    policy = view.open_policy
    if policy is None or record.request_text is None:
        return None
    base = name or f"{record.request_label[:40]} ({record.verdict})"
    expect = "allowed" if record.verdict == "accepted" else record.verdict
    message = None
    if record.verdict in ("rejected", "settings-error") and record.message:
        message = re.escape(record.message.splitlines()[0][:120])  # a suite message is a regular expression
    case = WsCase(
        name=policy.unique_case_name(base),
        request_text=record.request_text[0],
        expect=expect,
        message=message,
    )
    if record.settings_text is not None and record.settings_text[0] != (policy.settings_text or ""):
        case.settings_text = record.settings_text[0]
    reason = f"expected {expect}, got {record.verdict} (saved from run #{record.number})"
    case.result = CaseResult(record.verdict, record.message, record.digest, True, reason, record)
    policy.cases.append(case)
    view.workspace.structure_changed = True
    view.tree.rebuild(select=case)
    from workbench.gui.cmds_open import select_case

    select_case(view, policy, case)
    view.editors.setCurrentWidget(view.case_editor)
    view.show_message(
        f"Saved as case “{case.name}” expecting {expect}: edit the expectation above the request", "success"
    )
    return case
