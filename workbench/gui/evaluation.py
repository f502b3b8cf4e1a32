"""The window's work in worker threads, through the core session API only (no Qt here).

:func:`load_policy` opens what a workspace policy names (a ``.wasm``, ``.rego`` source, policy
manifest or registry reference) with :func:`workbench.core.open_session` — which also compiles it
through the module cache, so the first run does not wait — and gathers the facts the Policy tab
shows. :func:`evaluate_inputs` runs one case and records the *decision path*: scope, settings
validation, the engine's verdict with the policy's log lines, and post-processing.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

from workbench.core import (
    CancelToken,
    CaseResult,
    Evaluation,
    GroupManifest,
    GroupOutcome,
    LogRecord,
    Metadata,
    ModuleReport,
    PolicyModule,
    PolicySource,
    RegistryOptions,
    RunConfig,
    ScopeDecision,
    ScopeOutcome,
    SettingsError,
    SourceKind,
    ValidationOutcome,
    Verdict,
    WorkbenchError,
    check_group_expression,
    check_scope,
    classify,
    load_policy_module,
    match_rules_of,
    module_report,
    open_session,
)
from workbench.gui.resultview import DecisionStep

__all__ = [
    "LoadedPolicy",
    "RunOutput",
    "decision_from_result",
    "evaluate_inputs",
    "load_policy",
    "policy_input_key",
]

DELETE_MUTATION_HINT = "which happens only with DELETE operations"
MUTATION_REFUSED_HINT = "configured to not allow mutations"


@dataclasses.dataclass(frozen=True)
class LoadedPolicy:
    """An opened policy: what ran it, and the facts about it."""

    text: str  # as the workspace names it
    source: PolicySource
    module: PolicyModule | None  # None for Rego source
    report: ModuleReport | None
    warnings: tuple[str, ...]
    metadata: Metadata | None
    label: str  # the engine, e.g. "kubewarden-wapc" or "Rego source (interpreter)"
    execution_mode: str
    rego_files: tuple[Path, ...] = ()
    rego_texts: tuple[str, ...] = ()
    rego_sha256: str = ""
    manifest: Any = None
    compile_s: float | None = None
    #: a policy group: its members (name, module), expression and the problems of the expression
    group_members: tuple[tuple[str, str], ...] = ()
    group_expression: str = ""
    expression_problems: tuple[str, ...] = ()

    @property
    def is_rego(self) -> bool:
        return bool(self.rego_files)

    @property
    def is_group(self) -> bool:
        return bool(self.group_members)

    @property
    def name(self) -> str:
        if self.module is not None:
            return self.module.name
        return self.source.path.stem if self.source.path else self.text

    @property
    def sha256(self) -> str:
        if self.module is not None:
            return self.module.sha256
        if self.is_group:
            from workbench.gui.workspace import inputs_digest

            return inputs_digest(self.text, self.group_members, self.group_expression)
        return self.rego_sha256


def _facts_only(
    text: str, source: PolicySource, module: PolicyModule, label: str, *extra: str
) -> LoadedPolicy:
    facts = module_report(module)
    return LoadedPolicy(
        text=text,
        source=source,
        module=module,
        report=facts,
        warnings=(*facts.warnings, *extra),
        metadata=module.metadata,
        label=label,
        execution_mode="",
    )


def load_policy(
    text: str, registry: RegistryOptions | None = None, execution_mode: str | None = None
) -> LoadedPolicy:
    """Open ``text`` (see :meth:`PolicySource.parse`) and warm it up (compile through the cache).

    A module that cannot run as it is (an unknown kind, or OPA without an execution mode) still
    opens: its facts are shown and the reason is among its warnings."""
    source = PolicySource.parse(text)
    config = RunConfig(registry=registry or RegistryOptions(), execution_mode=execution_mode)  # type: ignore[arg-type]
    module: PolicyModule | None = None
    if source.kind in (SourceKind.WASM, SourceKind.REFERENCE):
        module = load_policy_module(source, config.registry)
    if module is not None and module.kind == "unknown":  # facts only: it cannot be run
        return _facts_only(text, source, module, "cannot run")
    if module is not None and module.is_rego and module.metadata is None and execution_mode is None:
        return _facts_only(
            text,
            source,
            module,
            "OPA (choose opa or gatekeeper)",
            "an OPA module without metadata: choose its execution mode (Metadata tab) before running it",
        )
    started = time.perf_counter()
    with open_session(module if module is not None else source, config) as session:
        compile_s = time.perf_counter() - started
        module = session.module
        report: ModuleReport | None = module_report(module) if module is not None else None
        warnings = tuple(session.warnings())
        rego = getattr(session, "rego", None)
        metadata = module.metadata if module is not None else getattr(rego, "metadata", None)
        members: tuple[tuple[str, str], ...] = ()
        expression = ""
        problems: tuple[str, ...] = ()
        if isinstance(session.manifest, GroupManifest):
            group = session.manifest
            members = tuple((member.name, member.module) for member in group.policies)
            expression = group.expression
            problems = tuple(str(e) for e in check_group_expression(expression, [n for n, _m in members]))
        return LoadedPolicy(
            text=text,
            source=source,
            module=module,
            report=report,
            warnings=warnings,
            metadata=metadata,
            label=session.label,
            execution_mode=str(session.execution_mode),
            rego_files=tuple(rego.files) if rego is not None else (),
            rego_texts=tuple(p.read_text(encoding="utf-8") for p in rego.files) if rego is not None else (),
            rego_sha256=rego.sha256 if rego is not None else "",
            manifest=session.manifest,
            compile_s=compile_s if module is not None else None,
            group_members=members,
            group_expression=expression,
            expression_problems=problems,
        )


def policy_input_key(loaded: LoadedPolicy, metadata: dict[str, Any] | None) -> str:
    """What identifies the policy side of a run: its bytes (or Rego text) and the edited metadata."""
    from workbench.gui.workspace import inputs_digest

    return inputs_digest(loaded.sha256, metadata)


@dataclasses.dataclass
class RunOutput:
    evaluation: Evaluation
    decision: tuple[DecisionStep, ...]
    wall_s: float


def _scope_step(decision: ScopeDecision) -> DecisionStep:
    status = {ScopeOutcome.MATCHED: "ok", ScopeOutcome.SKIPPED: "skipped"}.get(decision.outcome, "failed")
    lines = tuple(f"{'✔' if s.passed else '✖'} {s.check}: {s.detail}" for s in decision.steps)
    origin = f" (rules from the {decision.origin})" if decision.origin not in ("none", "") else ""
    what = {
        ScopeOutcome.MATCHED: "the request reaches the policy",
        ScopeOutcome.SKIPPED: "the API server would not send this request to the policy",
        ScopeOutcome.ERROR: "a match condition failed and failurePolicy is Fail: the request is rejected",
    }[decision.outcome]
    return DecisionStep("Scope" + origin, status, f"{what}: {decision.reason}", lines)


def _settings_step(outcome_valid: bool, message: str | None) -> DecisionStep:
    if outcome_valid:
        return DecisionStep("Settings validation", "ok", "the policy accepts the settings")
    return DecisionStep(
        "Settings validation", "failed", f"the policy rejects the settings: {message or 'no reason given'}"
    )


def _engine_step(label: str, evaluation: Evaluation, logs: list[LogRecord]) -> DecisionStep:
    lines = tuple(f"[{r.level}] {r.message}" for r in logs if r.source in ("policy", "host"))
    output = evaluation.outcome.policy_output if evaluation.outcome is not None else None
    if isinstance(output, GroupOutcome):  # a policy group: each member's verdict, then the expression
        members = tuple(f"{m.name}: {m.display()}" for m in output.members)
        said = f"expression {output.expression} → {'allowed' if output.allowed else 'rejected'}"
        status = "ok" if output.allowed else "failed"
        return DecisionStep(f"Evaluation ({label})", status, said, members + lines)
    outcome = evaluation.outcome
    if outcome is None:
        return DecisionStep(
            f"Evaluation ({label})", "failed", evaluation.message or "the evaluation failed", lines
        )
    output = outcome.policy_output
    said = ""
    if isinstance(output, dict) and "accepted" in output:
        said = (
            "the policy accepted the request" if output.get("accepted") else "the policy rejected the request"
        )
        if output.get("message"):
            said += f": {output['message']}"
        if output.get("mutated_object") is not None:
            said += " (and returned a mutated object)"
    else:
        said = f"verdict {evaluation.verdict.value}" + (
            f": {evaluation.message}" if evaluation.message else ""
        )
    status = "ok" if evaluation.verdict in (Verdict.ACCEPTED, Verdict.MUTATED) else "failed"
    return DecisionStep(f"Evaluation ({label})", status, said, lines)


def _post_step(config: RunConfig, evaluation: Evaluation) -> DecisionStep:
    post = config.post
    notes = [f"{post.mode} mode"]
    message = evaluation.message
    status = "info"
    if DELETE_MUTATION_HINT in message:
        notes.append("mutation refused: a DELETE request has no object to mutate")
        status = "failed"
    elif MUTATION_REFUSED_HINT in message:
        notes.append("mutation refused: the policy is deployed with mutating: false")
        status = "failed"
    if post.mode == "monitor":
        notes.append("monitor mode accepts every request (the verdict is only logged)")
    if post.custom_rejection_message and evaluation.verdict == Verdict.REJECTED:
        notes.append(f"message replaced by the deployment's: {post.custom_rejection_message}")
    return DecisionStep("Post-processing", status, "; ".join(notes))


def evaluate_inputs(
    policy: PolicyModule | PolicySource | str,
    config: RunConfig,
    request_value: Any,
    settings: dict[str, Any] | None,
    *,
    cancel: CancelToken | None = None,
    scope: bool = True,
) -> RunOutput:
    """Run one request through the session API and keep the decision path; never raises a
    WorkbenchError (it becomes an error verdict), a cancellation excepted.

    With ``scope``, the request is first checked against the policy's match rules
    (:func:`workbench.core.check_scope`): a request the API server would not send to the
    policy is *skipped*, with the deciding step named.
    """
    started = time.perf_counter()
    steps: list[DecisionStep] = []
    collected: list[LogRecord] = []
    sink = config.log

    def log(record: LogRecord) -> None:
        collected.append(record)
        sink(record)

    config = dataclasses.replace(config, log=log, cancel=cancel or config.cancel)
    try:
        with open_session(policy, config) as session:
            request = session.load_request(request_value)
            if scope and not session.raw:
                decision = check_scope(
                    request.request, match_rules_of(session), snapshot=config.cluster_snapshot
                )
                step = _scope_step(decision)
                steps.append(step)
                if decision.outcome == ScopeOutcome.SKIPPED:
                    evaluation = Evaluation(Verdict.SKIPPED, decision.reason, None, None, 0.0)
                    return RunOutput(evaluation, tuple(steps), time.perf_counter() - started)
                if decision.outcome == ScopeOutcome.ERROR:
                    evaluation = Evaluation(Verdict.REJECTED, decision.reason, None, None, 0.0)
                    return RunOutput(evaluation, tuple(steps), time.perf_counter() - started)
            if settings is None:  # not given: the manifest's settings, else {}
                settings = dict(session.default_settings)
            settings_outcome = session.validate_settings(settings)
            steps.append(_settings_step(settings_outcome.valid, settings_outcome.message))
            if not settings_outcome.valid:
                error = SettingsError(
                    f"Provided settings are not valid: {settings_outcome.message or ''}".rstrip()
                )
                evaluation = Evaluation(Verdict.SETTINGS_ERROR, str(error), None, error, 0.0)
            else:
                evaluation = _run(session, request, settings)
            label = session.label
    except WorkbenchError as exc:
        if cancel is not None and cancel.cancelled:
            raise
        evaluation = Evaluation(classify(exc), str(exc), None, exc, 0.0)
        steps.append(DecisionStep("Opening the policy", "failed", str(exc)))
        return RunOutput(evaluation, tuple(steps), time.perf_counter() - started)
    if evaluation.verdict != Verdict.SETTINGS_ERROR:
        outcome_logs = evaluation.outcome.logs if evaluation.outcome is not None else collected
        steps.append(_engine_step(label, evaluation, outcome_logs))
        steps.append(_post_step(config, evaluation))
    return RunOutput(evaluation, tuple(steps), time.perf_counter() - started)


def _run(session: Any, request: Any, settings: dict[str, Any]) -> Evaluation:
    started = time.perf_counter()
    try:
        outcome: ValidationOutcome = session.run(request, settings, check_settings=False)
    except WorkbenchError as exc:
        from workbench.core import EvaluationCancelled, OperationCancelled

        if isinstance(exc, (EvaluationCancelled, OperationCancelled)):
            raise
        return Evaluation(classify(exc), str(exc), None, exc, time.perf_counter() - started)
    message = str((outcome.response.status or {}).get("message") or "")
    return Evaluation(
        classify(outcome), message, outcome, None, outcome.elapsed_s or time.perf_counter() - started
    )


def decision_from_result(result: CaseResult) -> tuple[DecisionStep, ...]:
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
