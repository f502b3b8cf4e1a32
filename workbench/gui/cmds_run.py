"""Commands that run policies: the selected case (F5), a policy's cases, the whole workspace
(Ctrl+F5), settings validation, "Save as case", and the run options (deadline, snapshot).

Every run is tied to the digest of its inputs (module bytes and edited metadata, settings,
request, run options) so the window can mark a result stale the moment one of them changes.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer

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
from workbench.gui.evaluation import (
    RunOutput,
    decision_from_result,
    evaluate_inputs,
    load_policy,
    policy_input_key,
)
from workbench.gui.resultview import RunRecord
from workbench.gui.tasks import Task, TaskContext
from workbench.gui.view import WindowView
from workbench.gui.workspace import CaseResult, WsCase, WsPolicy, inputs_digest, parse_text, to_suite

__all__ = [
    "case_digest",
    "edited_module",
    "run_cases",
    "run_config",
    "run_selected",
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


@functools.lru_cache(maxsize=4096)
def _value_json(text: str) -> str:
    result = textdoc.parse(text, textdoc.detect_language(text))
    return json.dumps(result.value if result.ok else ["unparsed", text], sort_keys=True, default=str)


def _value(text: str | None) -> Any:
    """The parsed document as canonical JSON (cached: a digest per case on every edit stays cheap)."""
    if text is None:
        return None
    return _value_json(text)


def case_settings_text(policy: WsPolicy, case: WsCase) -> str | None:
    return case.settings_text if case.settings_text is not None else policy.settings_text


def policy_digest_key(view: WindowView, policy: WsPolicy) -> str | None:
    """The policy side of its cases' digests (module, metadata, run options); None when not loaded."""
    key = view.policy_keys.get(policy.id)
    if key is None:
        return None
    return inputs_digest(key, _options_key(run_config(view, policy), view.check_scope_enabled()))


def case_digest(view: WindowView, policy: WsPolicy, case: WsCase, prefix: str | None = None) -> str | None:
    """The digest of the inputs a run of ``case`` would have now (None: its policy is not loaded).

    ``prefix``: :func:`policy_digest_key` of the policy, when digesting many cases of it."""
    prefix = prefix or policy_digest_key(view, policy)
    if prefix is None:
        return None
    return inputs_digest(
        prefix, case.expect, case.message, _value(case_settings_text(policy, case)), _value(case.request_text)
    )


# -- running -----------------------------------------------------------------------------------
def _record(policy: WsPolicy, case: WsCase, digest: str, number: int = 0) -> RunRecord:
    """A record of the inputs of a run (its number is set when it is shown)."""
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
        number=number,
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
    *,
    store: bool = True,
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
    if history is not None and store:
        record.history_id = history.add_record(policy, case, record)


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
    view.run_count += 1
    record = _record(policy, case, digest, view.run_count)
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
    """Run many cases through the core suite runner in the background, with progress and Cancel.

    The GUI thread only snapshots the texts; parsing them, building the core Suite and running it
    happen in the worker (a 1,000-case suite never stalls the window)."""
    if view.run_task is not None or view.suite_task is not None:
        view.show_message("Wait for the running cases to finish (or cancel them)", "warning")
        return None
    if not pairs:
        view.show_message("Nothing to run: no cases", "warning")
        return None
    ws = dataclasses.replace(view.workspace, policies=[])
    policy_copies = {id(p): dataclasses.replace(p, cases=[]) for p, _c in pairs}
    snapshot = [(policy_copies[id(p)], dataclasses.replace(c, result=None)) for p, c in pairs]
    originals = {id(copy_case): (p, c) for (p, c), (_pc, copy_case) in zip(pairs, snapshot, strict=True)}
    edited, problems = _modules_for_run(view, {p.id for p, _c in pairs})
    scope = view.check_scope_enabled()
    workers = 1 if len(pairs) < PARALLEL_FROM else None
    started = time.perf_counter()
    unkeyed = {p.id: (p.module, p.execution_mode) for p, _c in pairs if p.id not in view.policy_keys}
    registry = view.registry_options()
    keys: dict[str, str] = {}

    def work(ctx: TaskContext) -> tuple[Any, list[tuple[WsPolicy, WsCase]], list[RunRecord], list[str]]:
        suite, kept, more = to_suite(ws, snapshot)
        if not scope:
            suite = dataclasses.replace(
                suite,
                policies={k: dataclasses.replace(v, check_scope=False) for k, v in suite.policies.items()},
            )
        records = [_record(p, c, "") for p, c in kept]

        def progress(done: int, total: int, result: SuiteCaseResult) -> None:
            ctx.progress(done, total, f"{title}: {done} / {total} ({result.case_id.split(':', 1)[-1]})")

        with tempfile.TemporaryDirectory(prefix="pwb-suite-") as folder:
            overrides = _annotated_overrides(edited, Path(folder))
            run = run_suites(
                [suite], workers=workers, cancel=ctx.cancel, progress=progress, overrides=overrides
            )
        for pid, (module, mode) in unkeyed.items():  # what the results belong to, for the stale marks
            try:
                found = load_policy(module, registry, mode)
            except WorkbenchError:
                continue
            keys[pid] = policy_input_key(
                found, found.metadata.to_dict() if found.metadata is not None else None
            )
        return run, kept, records, more

    def finished(value: tuple[Any, list[tuple[WsPolicy, WsCase]], list[RunRecord], list[str]]) -> None:
        run, kept, records, more = value
        view.suite_task = None
        problems.extend(more)
        for pid, key in keys.items():
            view.policy_keys.setdefault(pid, key)
        done_records = []
        stored = []
        prefixes: dict[str, str | None] = {}
        for (_pc, copy_case), record, result in zip(kept, records, run.results, strict=False):
            if result.status.value == "cancelled":
                continue
            policy, case = originals[id(copy_case)]
            view.run_count += 1
            record.number = view.run_count
            if policy.id not in prefixes:
                prefixes[policy.id] = policy_digest_key(view, policy)
            record.digest = case_digest(view, policy, case, prefixes[policy.id]) or ""
            _apply(view, policy, case, record, result, None, None, store=False)
            done_records.append(record)
            stored.append((policy, case, record))

        def store() -> None:  # in their own events: the window stays responsive after a big suite
            history = view.context.history
            if history is not None and stored:
                for (_p, _c, record), run_id in zip(stored, history.add_records(stored), strict=True):
                    record.history_id = run_id

        if run.cancelled:
            problems.append(f"cancelled after {len(done_records)} of {len(kept)} case(s)")
        wall_s = time.perf_counter() - started
        QTimer.singleShot(15, store)  # staggered: the event loop runs between the steps
        QTimer.singleShot(
            45, lambda: view.suite_done(done_records=done_records, wall_s=wall_s, problems=problems)
        )

    def failed(error: ErrorInfo) -> None:
        view.suite_task = None
        view.show_error(error)
        view.update_actions()

    view.status_label.setText(f"{title}: {len(pairs)} case(s)…")
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
