"""Policy groups (``ClusterAdmissionPolicyGroup`` / ``AdmissionPolicyGroup``) run as Kubewarden runs them.

A group holds named member policies and a boolean ``spec.expression`` over them (see
:mod:`workbench.core.group_expr`). Evaluation follows policy-server's ``PolicyGroupEvaluator``
(docs/kubewarden-parity.md, section "Policy groups"):

* members run only when the expression needs them (``&&``/``||`` short-circuit);
* each member runs with its own settings and deadline (``timeoutEvalSeconds``, else the
  run's default) and only the context-aware resources listed for it;
* a member that mutates counts as a rejection with the message
  ``mutation is not allowed inside of policy group``; the group itself never mutates;
* when the expression is false the response is ``allowed: false`` with ``status.message`` =
  ``spec.message`` and one ``status.details.causes`` entry per member that ran and did not
  accept (``field: spec.policies.<name>``, the member's message); when it is true the
  response has no status;
* the group's ``mode`` applies as for a policy (monitor accepts), mutation is not allowed and
  there is no custom rejection message (``spec.message`` already is the message);
* settings validation (kwctl runs it before evaluating) checks every member's settings and
  the expression: ``<group>/<member>: settings not valid: Policy settings are invalid: <msg>``
  and ``<group>: <expression error>``, joined by ``, ``.

Every member's verdict is in the typed :class:`GroupOutcome` attached to the outcome as
``ValidationOutcome.policy_output``.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from workbench.core.engines.base import LogRecord, SettingsOutcome, ValidationOutcome, ValidationRequest
from workbench.core.engines.response import AdmissionResponse, PostProcessing, post_process
from workbench.core.errors import (
    EvaluationCancelled,
    InputError,
    OperationCancelled,
    SettingsError,
    WorkbenchError,
)
from workbench.core.group_expr import (
    ExpressionError,
    GroupExpression,
    check_group_expression,
    check_member_name,
    parse_group_expression,
)

if TYPE_CHECKING:
    from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot
    from workbench.core.manifests import GroupManifest, GroupMember, PolicyManifest
    from workbench.core.module import PolicyModule
    from workbench.core.session import (
        Evaluation,
        ExecutionMode,
        ModuleReport,
        PolicyKind,
        PolicySource,
        RunConfig,
        Session,
        Verdict,
    )

__all__ = [
    "MUTATION_NOT_ALLOWED_IN_GROUP",
    "GroupOutcome",
    "GroupSession",
    "MemberOutcome",
    "open_group_session",
]

#: the member message policy-server records when a member tries to mutate
MUTATION_NOT_ALLOWED_IN_GROUP = "mutation is not allowed inside of policy group"
EXPRESSION_ERROR_PREFIX = "error evaluating policy group expression: "


@dataclasses.dataclass(frozen=True)
class MemberOutcome:
    """What one member did in one group evaluation (``evaluated`` False: not needed, not run)."""

    name: str
    module: str
    evaluated: bool
    #: the member's verdict (``skipped`` when not run; ``mutated`` when it tried to mutate)
    verdict: Verdict
    #: what the group saw: True when the member accepted (a mutation counts as False)
    allowed: bool | None
    #: the member's status message as the group reports it (None when it gave none)
    message: str | None
    outcome: ValidationOutcome | None
    elapsed_s: float = 0.0

    def display(self) -> str:
        """Kubewarden's own rendering of a member result: ``[ALLOWED]`` / ``[DENIED] - message``."""
        if not self.evaluated:
            return "[NOT EVALUATED]"
        text = "[ALLOWED]" if self.allowed else "[DENIED]"
        return f"{text} - {self.message}" if self.message is not None else text


@dataclasses.dataclass(frozen=True)
class GroupOutcome:
    """The typed result of a group evaluation, for front ends (``ValidationOutcome.policy_output``)."""

    group: str
    expression: str
    #: the value of the expression (before the group's mode is applied)
    allowed: bool
    #: every member in ``spec.policies`` order, run or not
    members: tuple[MemberOutcome, ...]
    #: set when the expression could not be evaluated (the response is then a 500 rejection)
    error: str | None = None

    def member(self, name: str) -> MemberOutcome:
        for m in self.members:
            if m.name == name:
                return m
        raise KeyError(name)

    @property
    def evaluated(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.members if m.evaluated)


class _ExpressionFailure(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _member_config(
    member: GroupMember, config: RunConfig, group: str, *, namespaced: bool = False
) -> RunConfig:
    """A member runs with its own deadline and resource grant, without the group's deployment options.

    Members of an ``AdmissionPolicyGroup`` have no ``contextAwareResources`` field in Kubewarden's
    CRD (a namespaced group reads no cluster resources): a value there is ignored, as kwctl does.
    """
    changes: dict[str, Any] = {
        # members are evaluated raw by policy-server: their response is not post-processed
        "post": PostProcessing(policy_id=f"{group}/{member.name}"),
        "execution_mode": None,  # always from the member's metadata, as kwctl does for manifests
        "entrypoint": None,
        "raw": False,
        "granted_resources": () if namespaced else tuple(member.context_aware_resources),
    }
    if member.timeout_eval_seconds is not None:
        changes["timeout"] = float(member.timeout_eval_seconds)
    return dataclasses.replace(config, **changes)


class GroupSession:
    """A :class:`~workbench.core.session.Session` over a policy group: one warm session per member."""

    module: PolicyModule | None = None
    raw = False

    def __init__(
        self,
        manifest: GroupManifest,
        config: RunConfig,
        source: PolicySource,
        members: dict[str, Session],
    ) -> None:
        from workbench.core.session import ExecutionMode, PolicyKind

        #: the group's manifest (also :attr:`manifest`, typed as the Session protocol has it)
        self.group = manifest
        self.manifest: PolicyManifest | GroupManifest | None = manifest
        self.config = config
        self.source = source
        self.members = members
        self.kind: PolicyKind = PolicyKind.GROUP
        modes = {m.execution_mode for m in members.values()}
        self.execution_mode: ExecutionMode = (
            next(iter(modes)) if len(modes) == 1 else ExecutionMode.KUBEWARDEN_WAPC
        )
        self.label = f"policy group ({len(members)} member{'s' if len(members) != 1 else ''})"
        self.default_settings: dict[str, Any] = {}
        self.post = PostProcessing(
            policy_id=manifest.name,
            mode=manifest.mode,
            allowed_to_mutate=False,
            custom_rejection_message=None,
        )
        self.expression_errors: list[ExpressionError] = check_group_expression(
            manifest.expression, [m.name for m in manifest.policies]
        )
        self._expression: GroupExpression | None = (
            None if self.expression_errors else parse_group_expression(manifest.expression)
        )
        self._settings_outcome: SettingsOutcome | None = None
        self._running: Session | None = None
        self._lock = threading.Lock()
        self._cancelled = False

    # -- facts ---------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.group.name

    @property
    def expression(self) -> GroupExpression | None:
        """The parsed expression, or None when it has errors (see :attr:`expression_errors`)."""
        return self._expression

    @property
    def snapshot(self) -> ClusterSnapshot | None:
        """The members run with the group's snapshot; the first member's copy of it."""
        return next((m.snapshot for m in self.members.values() if m.snapshot is not None), None)

    def report(self) -> ModuleReport | None:
        return None

    def warnings(self) -> list[str]:
        out: list[str] = []
        for error in self.expression_errors:
            out.append(f"spec.expression, {error}")
        if self._expression is not None:
            called = set(self._expression.members)
            for member in self.group.policies:
                if member.name not in called:
                    out.append(f"member {member.name} is never called by the expression: it never runs")
        for name, session in self.members.items():
            out.extend(f"member {name}: {w}" for w in session.warnings())
        return out

    def load_request(self, source: str | Path | Any) -> ValidationRequest:
        """Groups evaluate AdmissionRequests only (kwctl: "group policies cannot be raw")."""
        from workbench.core.requests import load_request, parse_request

        if isinstance(source, (str, Path)):
            return load_request(source, raw=False)
        return parse_request(source, raw=False)

    # -- settings ------------------------------------------------------------
    def validate_settings(self, settings: dict[str, Any] | None = None) -> SettingsOutcome:
        """Every member's settings (from the manifest) and the expression, like policy-server.

        ``settings`` is ignored: a group has no settings of its own.
        """
        if self._settings_outcome is not None:
            return self._settings_outcome
        problems: list[str] = []
        for member in self.group.policies:
            try:
                outcome = self.members[member.name].validate_settings(member.settings)
            except WorkbenchError as exc:
                problems.append(f"{self.name}/{member.name}: settings not valid: {exc}")
                continue
            if not outcome.valid:
                problems.append(
                    f"{self.name}/{member.name}: settings not valid: Policy settings are invalid: "
                    f"{outcome.message if outcome.message is not None else 'no message'}"
                )
        if self.expression_errors:
            problems.append(f"{self.name}: " + "; ".join(str(e) for e in self.expression_errors))
        result = SettingsOutcome(True) if not problems else SettingsOutcome(False, ", ".join(problems))
        self._settings_outcome = result
        return result

    # -- running -------------------------------------------------------------
    def run(
        self,
        request: ValidationRequest,
        settings: dict[str, Any] | None = None,
        *,
        check_settings: bool = True,
    ) -> ValidationOutcome:
        """Evaluate the group like ``kwctl run`` on a group manifest (``settings`` is ignored)."""
        if request.raw:
            request = ValidationRequest(request.request, raw=False)
        if check_settings:
            outcome = self.validate_settings()
            if not outcome.valid:
                raise SettingsError(f"Provided settings are not valid: {outcome.message or ''}".rstrip())
        if self._expression is None:  # only reachable with check_settings=False
            detail = "; ".join(str(e) for e in self.expression_errors)
            return self._finish(
                AdmissionResponse(
                    uid=request.uid,
                    allowed=False,
                    status={"message": EXPRESSION_ERROR_PREFIX + detail, "code": 500},
                ),
                GroupOutcome(self.name, self.group.expression, False, self._skipped_all(), detail),
                [],
                0.0,
            )
        self._cancelled = False
        results: dict[str, MemberOutcome] = {}
        logs: list[LogRecord] = []
        started = time.perf_counter()

        def call(name: str) -> bool:
            member = next(m for m in self.group.policies if m.name == name)
            result = self._run_member(member, request, logs)
            results[name] = result
            return bool(result.allowed)

        error: str | None = None
        try:
            allowed = self._expression.evaluate(call)
        except _ExpressionFailure as exc:
            allowed, error = False, exc.message
        elapsed = time.perf_counter() - started
        members = tuple(results.get(m.name) or self._skipped(m) for m in self.group.policies)
        group_outcome = GroupOutcome(self.name, self.group.expression, allowed, members, error)
        if error is not None:
            response = AdmissionResponse(
                uid=request.uid,
                allowed=False,
                status={"message": EXPRESSION_ERROR_PREFIX + error, "code": 500},
            )
        elif allowed:
            response = AdmissionResponse(uid=request.uid, allowed=True)
        else:
            causes = [
                {"reason": None, "message": m.message, "field": f"spec.policies.{m.name}"}
                for m in members
                if m.evaluated and not m.allowed
            ]
            response = AdmissionResponse(
                uid=request.uid,
                allowed=False,
                status={"message": self.group.message or "", "details": {"causes": causes}},
            )
        return self._finish(response, group_outcome, logs, elapsed)

    def _finish(
        self, response: AdmissionResponse, group: GroupOutcome, logs: list[LogRecord], elapsed: float
    ) -> ValidationOutcome:
        for member in group.members:
            if member.evaluated:
                record = LogRecord("info", f"{self.name}/{member.name}: {member.display()}", source="app")
                logs.append(record)
                self.config.log(record)
        host_calls = [c for m in group.members if m.outcome is not None for c in m.outcome.host_calls]
        return ValidationOutcome(
            response=post_process(response, self.post),
            policy_output=group,
            logs=logs,
            elapsed_s=elapsed,
            host_calls=host_calls,
        )

    def _skipped(self, member: GroupMember) -> MemberOutcome:
        from workbench.core.session import Verdict

        return MemberOutcome(member.name, member.module, False, Verdict.SKIPPED, None, None, None)

    def _skipped_all(self) -> tuple[MemberOutcome, ...]:
        return tuple(self._skipped(m) for m in self.group.policies)

    def _run_member(
        self, member: GroupMember, request: ValidationRequest, logs: list[LogRecord]
    ) -> MemberOutcome:
        from workbench.core.session import classify

        if self._cancelled or (self.config.cancel is not None and self.config.cancel.cancelled):
            raise EvaluationCancelled("evaluation cancelled by the user")
        session = self.members[member.name]
        with self._lock:
            self._running = session
        started = time.perf_counter()
        try:
            outcome = session.run(request, member.settings, check_settings=False)
        except (EvaluationCancelled, OperationCancelled):
            raise
        except WorkbenchError as exc:
            # policy-server: a member that cannot be invoked aborts the expression (Rhai ErrorSystem)
            raise _ExpressionFailure(f"error invoking {self.name}/{member.name}: {exc}") from exc
        finally:
            with self._lock:
                self._running = None
        elapsed = time.perf_counter() - started
        logs.extend(outcome.logs)
        response = outcome.response
        verdict = classify(outcome)
        if response.patch is not None:
            return MemberOutcome(
                member.name,
                member.module,
                True,
                verdict,
                False,
                MUTATION_NOT_ALLOWED_IN_GROUP,
                outcome,
                elapsed,
            )
        return MemberOutcome(
            member.name, member.module, True, verdict, response.allowed, response.message, outcome, elapsed
        )

    def evaluate(self, request: ValidationRequest, settings: dict[str, Any] | None = None) -> Evaluation:
        from workbench.core.session import evaluate_with

        return evaluate_with(self, request, settings or {})

    def interrupt(self) -> None:
        self._cancelled = True
        with self._lock:
            running = self._running
        if running is not None:
            running.interrupt()

    def close(self) -> None:
        for session in self.members.values():
            session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_group_session(
    manifest: GroupManifest, config: RunConfig, source: PolicySource | None = None
) -> GroupSession:
    """Open every member of ``manifest`` (each module loaded once per member) as a :class:`GroupSession`.

    Member modules are resolved like a policy manifest's ``spec.module``: relative paths
    against the manifest's folder. A member name the Kubewarden controller would refuse, or
    a member naming another manifest, is an :class:`InputError`; expression errors surface
    as a settings error when the group runs (as with kwctl) and in :attr:`GroupSession.warnings`.
    """
    from workbench.core.session import PolicySource, SourceKind, open_engine_session

    if source is None:
        if manifest.source_path is not None:
            source = PolicySource(SourceKind.MANIFEST, str(manifest.source_path), path=manifest.source_path)
        else:
            source = PolicySource(SourceKind.MANIFEST, manifest.name)
    for member in manifest.policies:
        problem = check_member_name(member.name)
        if problem is not None:
            raise InputError(f"{manifest.where}: spec.policies: {problem}")
    members: dict[str, Session] = {}
    try:
        for member in manifest.policies:
            try:
                member_source = PolicySource.parse(member.module, base=manifest.base_dir)
                if member_source.kind == SourceKind.MANIFEST:
                    raise InputError("its module names a policy manifest, not a policy")
                members[member.name] = open_engine_session(
                    member_source,
                    _member_config(member, config, manifest.name, namespaced=manifest.kind.namespaced),
                )
            except WorkbenchError as exc:
                located = copy.copy(exc)
                located.args = (f"{manifest.where}: member {member.name}: {exc}",)
                raise located from exc
    except BaseException:
        for opened in members.values():
            opened.close()
        raise
    return GroupSession(manifest, config, source, members)
