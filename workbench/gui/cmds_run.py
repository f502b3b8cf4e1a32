"""Commands that run policies: the selected case (F5), a policy's cases, the whole workspace
(Ctrl+F5), settings validation, "Save as case", and the run options (deadline, snapshot).

Every run is tied to the digest of its inputs (module bytes and edited metadata, settings,
request, run options) so the window can mark a result stale the moment one of them changes.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

from workbench.core import (
    DEFAULT_MEMORY_LIMIT,
    InputError,
    MetadataError,
    PolicyModule,
    RunConfig,
    WorkbenchError,
)
from workbench.gui import textdoc
from workbench.gui.editors import describe_request
from workbench.gui.errors import ErrorInfo, window_wording
from workbench.gui.evaluation import LoadedPolicy, RunOutput, evaluate_inputs, load_policy, policy_input_key
from workbench.gui.resultview import RunRecord
from workbench.gui.tasks import Progress, Task, TaskContext
from workbench.gui.view import WindowView
from workbench.gui.workspace import CaseResult, WsCase, WsPolicy, inputs_digest, judge

__all__ = [
    "case_digest",
    "edited_module",
    "run_cases",
    "run_config",
    "run_selected",
    "save_result_as_case",
    "set_run_timeout",
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
        execution_mode=policy.execution_mode,
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


def _value(text: str) -> Any:
    result = textdoc.parse(text, textdoc.detect_language(text))
    return result.value if result.ok else ("unparsed", text)


def case_settings_text(policy: WsPolicy, case: WsCase) -> str:
    return case.settings_text if case.settings_text is not None else policy.settings_text


def case_digest(view: WindowView, policy: WsPolicy, case: WsCase) -> str | None:
    """The digest of the inputs a run of ``case`` would have now (None: its policy is not loaded)."""
    key = view.policy_keys.get(policy.id)
    if key is None:
        return None
    config = run_config(view, policy)
    return inputs_digest(key, _options_key(config, view.check_scope_enabled()), _value(case_settings_text(policy, case)), _value(case.request_text))


# -- running -----------------------------------------------------------------------------------
def _record(
    view: WindowView, policy: WsPolicy, case: WsCase, request_value: Any, settings: dict[str, Any], digest: str
) -> RunRecord:
    view.run_count += 1
    request = request_value.get("request", request_value) if isinstance(request_value, dict) else request_value
    original = request.get("object") if isinstance(request, dict) and "object" in request else request
    return RunRecord(
        number=view.run_count,
        policy=policy.title,
        request_label=describe_request(request_value),
        request=request,
        original=original,
        settings=settings,
        request_text=(case.request_text, textdoc.detect_language(case.request_text)),
        settings_text=(case_settings_text(policy, case), "yaml"),
        digest=digest,
        case_name=case.name,
        expect=case.expect,
        expect_message=case.message,
    )


def _finish(view: WindowView, policy: WsPolicy, case: WsCase, record: RunRecord, output: RunOutput | None, error: ErrorInfo | None) -> None:
    if output is not None:
        ev = output.evaluation
        record.outcome = ev.outcome
        record.verdict_name = ev.verdict.value
        record.decision = output.decision
        record.wall_s = output.wall_s
        if ev.outcome is None and ev.error is not None:
            record.error = ErrorInfo(
                "Run failed", window_wording(ev.message), exception_type=type(ev.error).__name__
            )
        elif ev.outcome is None:  # skipped
            record.reason = ev.message
    else:
        record.error = error
        record.verdict_name = "error"
    message = record.message
    passed, reason = judge(case.expect, case.message, record.verdict, message)
    record.passed, record.reason = passed, reason or record.reason
    case.result = CaseResult(record.verdict, message, record.digest, passed, record.reason, record)
    history = view.context.history
    if history is not None:
        record.history_id = history.add_record(policy, case, record)


def _inputs(view: WindowView, policy: WsPolicy, case: WsCase) -> tuple[Any, dict[str, Any]]:
    request = textdoc.parse(case.request_text, textdoc.detect_language(case.request_text))
    if request.error is not None:
        raise InputError(f"{case.name}: the request is not valid: {request.error}")
    if request.empty:
        raise InputError(f"{case.name}: the request is empty: pick a template or load a request file")
    settings = textdoc.parse(case_settings_text(policy, case), "yaml")
    if settings.error is not None:
        raise InputError(f"{case.name}: the settings are not valid YAML: {settings.error}")
    if settings.value is not None and not isinstance(settings.value, dict):
        raise InputError(f"{case.name}: the settings must be a mapping")
    return request.value, dict(settings.value or {})


def run_selected(view: WindowView) -> Task | None:
    """Run the selected case (F5) with the editors' content."""
    blockers = view.run_blockers()
    if blockers:
        view.show_message("Cannot run: " + "; ".join(blockers), "warning")
        return None
    policy, case = view.open_policy, view.current_case
    assert policy is not None and case is not None
    try:
        target: Any = edited_module(view) or view.loaded.source  # type: ignore[union-attr]
        request_value, settings = _inputs(view, policy, case)
    except WorkbenchError as exc:
        view.show_message(window_wording(str(exc)), "error")
        return None
    digest = case_digest(view, policy, case) or ""
    record = _record(view, policy, case, request_value, settings, digest)
    config = run_config(view, policy)
    view.banner.hide()
    view.status_label.setText(f"Running {case.name}…")
    view.context.log.app(f"run #{record.number}: {policy.title} ← {case.name} ({record.request_label})")
    scope = view.check_scope_enabled()

    def work(ctx: TaskContext) -> RunOutput:
        return evaluate_inputs(target, config, request_value, settings, cancel=ctx.cancel, scope=scope)

    def finished(output: RunOutput) -> None:
        view.run_task = None
        _finish(view, policy, case, record, output, None)
        view.run_done(record)

    def failed(error: ErrorInfo) -> None:
        view.run_task = None
        if error.cancelled:
            view.show_error(error)
            view.update_actions()
            return
        _finish(view, policy, case, record, None, error)
        view.run_done(record)

    view.run_task = view.context.runner.run(work, "Run", on_finished=finished, on_failed=failed)
    view.update_actions()
    return view.run_task


@dataclasses.dataclass
class _Job:
    policy: WsPolicy
    case: WsCase
    record: RunRecord
    request_value: Any
    settings: dict[str, Any]
    scope: bool
    output: RunOutput | None = None
    error: ErrorInfo | None = None


def run_cases(view: WindowView, pairs: list[tuple[WsPolicy, WsCase]], title: str = "Run suite") -> Task | None:
    """Run many cases in one background task (one session per policy), with progress and Cancel."""
    if view.run_task is not None or view.suite_task is not None:
        view.show_message("Wait for the running cases to finish (or cancel them)", "warning")
        return None
    jobs: list[_Job] = []
    targets: dict[str, Any] = {}
    configs: dict[str, RunConfig] = {}
    problems: list[str] = []
    for policy, case in pairs:
        try:
            request_value, settings = _inputs(view, policy, case)
        except WorkbenchError as exc:
            problems.append(str(exc))
            continue
        if policy.id not in targets:
            configs[policy.id] = run_config(view, policy)
            if policy is view.open_policy and view.loaded is not None:
                try:
                    targets[policy.id] = edited_module(view) or view.loaded.source
                except WorkbenchError as exc:
                    problems.append(f"{policy.title}: {exc}")
                    continue
            else:
                targets[policy.id] = policy.module
        digest = case_digest(view, policy, case) or ""
        record = _record(view, policy, case, request_value, settings, digest)
        jobs.append(_Job(policy, case, record, request_value, settings, view.check_scope_enabled()))
    if not jobs:
        view.show_message("Nothing to run: " + ("; ".join(problems) or "no cases"), "warning")
        return None
    registry = view.registry_options()
    started = time.perf_counter()
    keys: dict[str, str] = {}

    def work(ctx: TaskContext) -> list[_Job]:
        loaded: dict[str, LoadedPolicy] = {}
        for index, job in enumerate(jobs):
            ctx.cancel.check("suite run")
            ctx.progress(index, len(jobs), f"{title}: {job.policy.title} ← {job.case.name}")
            target = targets[job.policy.id]
            if isinstance(target, str):
                if job.policy.id not in loaded:
                    try:
                        loaded[job.policy.id] = load_policy(target, registry)
                    except WorkbenchError as exc:
                        job.error = ErrorInfo("Run failed", window_wording(str(exc)), exception_type=type(exc).__name__)
                        continue
                    found = loaded[job.policy.id]
                    keys[job.policy.id] = policy_input_key(found, found.metadata.to_dict() if found.metadata else None)
                found = loaded[job.policy.id]
                target = found.module if found.module is not None else found.source
            job.output = evaluate_inputs(
                target, configs[job.policy.id], job.request_value, job.settings, cancel=ctx.cancel, scope=job.scope
            )
        ctx.progress(len(jobs), len(jobs), f"{title}: done")
        return jobs

    def finished(done: list[_Job]) -> None:
        view.suite_task = None
        view.policy_keys.update({k: v for k, v in keys.items() if k not in view.policy_keys})
        for job in done:
            digest = case_digest(view, job.policy, job.case) or job.record.digest
            job.record.digest = digest
            _finish(view, job.policy, job.case, job.record, job.output, job.error)
        view.suite_done(done_records=[j.record for j in done], wall_s=time.perf_counter() - started, problems=problems)

    def progress(p: Progress) -> None:
        view.task_progress(p)

    def failed(error: ErrorInfo) -> None:
        view.suite_task = None
        view.show_error(error)
        view.update_actions()

    view.status_label.setText(f"{title}: {len(jobs)} case(s)…")
    view.suite_task = view.context.runner.run(work, title, on_finished=finished, on_failed=failed, on_progress=progress)
    view.update_actions()
    return view.suite_task


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
            view.settings_editor.status.setText('<span style="color:#2e7d32">✔ settings accepted by the policy</span>')
        else:
            message = outcome.message or "no reason given"
            view.last_settings_check = (False, message)
            view.show_message(f"Provided settings are not valid: {message}", "error")
            view.settings_editor.status.setText(
                f'<span style="color:#d32f2f">✖ settings rejected: {_esc(message)}</span>'
            )

    return view.context.runner.run(work, "Validate settings", on_finished=done, on_failed=view.show_error)


# -- results into cases ------------------------------------------------------------------------------
def save_result_as_case(view: WindowView, record: RunRecord, name: str | None = None) -> WsCase | None:
    """A new case from a result: its inputs, and its outcome as the (editable) expectation."""
    policy = view.open_policy
    if policy is None or record.request_text is None:
        return None
    base = name or f"{record.request_label[:40]} ({record.verdict})"
    case = WsCase(
        name=policy.unique_case_name(base),
        request_text=record.request_text[0],
        expect=record.verdict if record.verdict != "error" else "error",
        message=(record.message[:120] or None) if record.verdict in ("rejected", "settings-error") else None,
    )
    if record.settings_text is not None and record.settings_text[0] != policy.settings_text:
        case.settings_text = record.settings_text[0]
    if record.history_id is None or record.digest:
        passed, reason = judge(case.expect, case.message, record.verdict, record.message)
        case.result = CaseResult(record.verdict, record.message, record.digest, passed, reason, record)
    policy.cases.append(case)
    view.workspace.structure_changed = True
    view.tree.rebuild(select=case)
    from workbench.gui.cmds_open import select_case

    select_case(view, policy, case)
    view.editors.setCurrentWidget(view.case_editor)
    view.show_message(f"Saved as case “{case.name}” expecting {case.expect}: edit the expectation above the request", "success")
    return case


# -- options -------------------------------------------------------------------------------------------
def set_run_timeout(view: WindowView, seconds: float | None) -> None:
    """Set (and remember) the evaluation deadline; None means no deadline, 0 or less is refused."""
    if seconds is not None and seconds <= 0:
        raise InputError("the evaluation deadline must be more than 0 seconds (choose “No deadline” instead)")
    view.context.run_timeout = seconds
    view.context.settings.setValue("run/timeout", float(seconds) if seconds is not None else "none")
    view.update_run_options()


def memory_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit % (1024 * 1024) == 0 else f"{limit:,} bytes"


def run_options_text(view: WindowView) -> str:
    timeout = view.context.run_timeout
    deadline = f"{timeout:g} s" if timeout is not None else "none"
    limit = view.context.memory_limit or DEFAULT_MEMORY_LIMIT
    return f"Deadline {deadline} · Memory {memory_text(limit)}"


def restore_run_timeout(view: WindowView) -> None:
    saved = view.context.settings.value("run/timeout")
    if saved is None:
        return
    if str(saved) == "none":
        view.context.run_timeout = None
        return
    try:
        seconds = float(saved)
    except (TypeError, ValueError):
        return
    if seconds > 0:  # a stored 0 (older releases) is not a deadline: keep the default
        view.context.run_timeout = seconds


def dump_settings(settings: dict[str, Any]) -> str:
    return textdoc.dump(settings, "yaml") if settings else "{}\n"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def snapshot_label(path: Path | None) -> str:
    return f"Cluster snapshot: {path.name}" if path else "No cluster snapshot"


def as_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
