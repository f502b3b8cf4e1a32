"""Running suites: every case through a warm session, scope first, then the expectation check.

Parallelism (see docs/suites.md, "Running in parallel"): the per-evaluation Python work holds
the GIL, so threads do not scale; ``jobs > 1`` starts ``jobs - 1`` worker *processes* while
the calling process works too (``fork`` while this process has no native threads, ``spawn``
otherwise: never ``fork`` once wasmtime threads exist). Workers claim small chunks of cases from a shared counter, keep one warm session per
policy (compiled modules come from the module cache), and send results back; the caller
orders them by case, so a parallel run gives exactly the serial results. Cancellation
crosses the process boundary through an event that interrupts the running evaluation.
"""

from __future__ import annotations

import copy
import dataclasses
import gc
import hashlib
import multiprocessing
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing import connection as mp_connection
from pathlib import Path
from typing import Any, NamedTuple, cast

import jsonpatch

from workbench.core.engines.base import CancelToken, ValidationRequest
from workbench.core.engines.response import PostProcessing
from workbench.core.errors import InputError, WorkbenchError
from workbench.core.scope import MatchRules, ScopeOutcome, check_scope, match_rules_of
from workbench.core.session import PolicySource, RunConfig, Session, SourceKind, Verdict, open_session
from workbench.core.suites.model import (
    CaseResult,
    CaseSpec,
    CaseStatus,
    Expectation,
    PolicySpec,
    Suite,
    SuiteRun,
)

__all__ = [
    "CaseRunner",
    "ImpactChange",
    "Job",
    "ProgressCallback",
    "compare_runs",
    "default_jobs",
    "impact_overrides",
    "judge",
    "parse_shard",
    "plan_jobs",
    "run_impact",
    "run_suites",
    "shard_of",
]

ProgressCallback = Callable[[int, int, CaseResult], None]

#: how long the caller waits for a result before re-checking cancellation and worker health
_POLL_S = 0.05
#: a worker that started but never reported is given up after this long without any progress
_STALL_S = 600.0


class Job(NamedTuple):
    """One case against one policy (a tuple: a run plans one per case, and a frozen dataclass
    costs five times as much to make)."""

    suite: int  # index into the suites list
    case: int  # index into suite.cases
    policy: str


def default_jobs() -> int:
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# -- selection ---------------------------------------------------------------------------
def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` (1-based K) → (K, N)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match:
        raise InputError(f"--shard must be K/N (e.g. 1/4), got {text!r}")
    k, n = int(match.group(1)), int(match.group(2))
    if n < 1 or not 1 <= k <= n:
        raise InputError(f"--shard {text}: K must be between 1 and N (N >= 1)")
    return k, n


def shard_of(case_id: str, count: int) -> int:
    """The 1-based shard of a case: a stable hash of its id (same on every machine and run)."""
    digest = hashlib.sha256(case_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def _keyword_matcher(expression: str) -> Callable[[str], bool]:
    """pytest-like ``-k``: words matched as substrings, combined with ``and``, ``or``, ``not`` and parentheses."""
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    if not tokens:
        raise InputError("-k needs an expression")
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def parse_or() -> Callable[[str], bool]:
        left = parse_and()
        while peek() == "or":
            take()
            right = parse_and()
            left = (lambda a, b: lambda s: a(s) or b(s))(left, right)
        return left

    def parse_and() -> Callable[[str], bool]:
        left = parse_not()
        while peek() == "and":
            take()
            right = parse_not()
            left = (lambda a, b: lambda s: a(s) and b(s))(left, right)
        return left

    def parse_not() -> Callable[[str], bool]:
        if peek() == "not":
            take()
            inner = parse_not()
            return lambda s: not inner(s)
        if peek() == "(":
            take()
            inner = parse_or()
            if peek() != ")":
                raise InputError(f"-k {expression!r}: missing ')'")
            take()
            return inner
        word = peek()
        if word is None or word in ("and", "or", ")"):
            raise InputError(f"-k {expression!r}: expected a word")
        take()
        needle = word.lower()
        return lambda s: needle in s.lower()

    matcher = parse_or()
    if pos != len(tokens):
        raise InputError(f"-k {expression!r}: unexpected {tokens[pos]!r}")
    return matcher


def plan_jobs(
    suites: Sequence[Suite],
    *,
    keyword: str | None = None,
    tags: Sequence[str] = (),
    shard: tuple[int, int] | None = None,
    policy: str | None = None,
) -> list[Job]:
    """The (case, policy) pairs to run, in suite order, after -k, --tag, --shard and --policy."""
    matcher = _keyword_matcher(keyword) if keyword else None
    jobs: list[Job] = []
    for si, suite in enumerate(suites):
        for ci, case in enumerate(suite.cases):
            if tags and not set(tags) & set(case.tags):
                continue
            if shard is not None and shard_of(case.id, shard[1]) != shard[0]:
                continue
            for pid in case.policies:
                if policy is not None and pid != policy:
                    continue
                if matcher is not None and not matcher(f"{suite.name} {case.id} {pid} {' '.join(case.tags)}"):
                    continue
                jobs.append(Job(si, ci, pid))
    return jobs


# -- comparing ---------------------------------------------------------------------------
def _structural_diff(expected: Any, got: Any, limit: int = 50) -> tuple[str, ...]:
    """``path: expected X, got Y`` lines (a JSON Patch from expected to got, spelled out)."""
    ops = jsonpatch.make_patch(expected, got).patch
    lines: list[str] = []
    for op in ops[:limit]:
        path = op.get("path") or "/"
        if op["op"] == "add":
            lines.append(f"{path}: unexpected {_short(op['value'])}")
        elif op["op"] == "remove":
            lines.append(
                f"{path}: missing (expected {_short(jsonpatch.JsonPointer(path).resolve(expected))})"
            )
        elif op["op"] == "replace":
            lines.append(
                f"{path}: expected {_short(jsonpatch.JsonPointer(path).resolve(expected))}, got {_short(op['value'])}"
            )
        else:
            lines.append(f"{path}: {op['op']} from {op.get('from')}")
    if len(ops) > limit:
        lines.append(f"... and {len(ops) - limit} more differences")
    return tuple(lines)


def _short(value: Any) -> str:
    import json

    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


def _violations(output: Any) -> list[str] | None:
    if not isinstance(output, list) or not output or not isinstance(output[0], dict):
        return [] if isinstance(output, list) else None
    result = output[0].get("result")
    if not isinstance(result, list):
        return []
    return [str(v.get("msg", "")) if isinstance(v, dict) else "" for v in result]


def _check_assertions(assertions: Sequence[tuple[str | int, str | None]], messages: list[str]) -> str:
    """gator's assertion rules; "" when all hold, else the first failure."""
    for want, pattern in assertions:
        matching = sum(1 for m in messages if pattern is None or re.search(pattern, m))
        about = f" containing {pattern!r}" if pattern is not None else ""
        if isinstance(want, int) and matching != want:
            return f"got {matching} violations{about} but want exactly {want}: got messages {messages}"
        if want == "yes" and matching == 0:
            return f"got 0 violations{about} but want at least 1: got messages {messages}"
        if want == "no" and matching > 0:
            return f"got {matching} violations{about} but want none: got messages {messages}"
    return ""


@dataclasses.dataclass(slots=True)
class _Got:
    verdict: Verdict
    message: str
    response: dict[str, Any] | None = None
    policy_output: Any = None
    scope: str = ""


@dataclasses.dataclass(slots=True)
class _Prepared:
    """What a case's request gives before evaluation: a verdict already (out of scope, a scope
    or request error), or the parsed request and the scope note."""

    early: _Got | None
    request: ValidationRequest | None = None
    scope: str = ""


def judge(case: CaseSpec, got: _Got) -> tuple[bool, str, dict[str, Any]]:
    """(passed, reason, extras) of one result against the case's expectations."""
    extras: dict[str, Any] = {}
    response = got.response or {}
    patch_ops: list[dict[str, Any]] | None = None
    if response.get("patch"):
        import base64
        import json

        try:
            patch_ops = json.loads(base64.b64decode(response["patch"]))
        except ValueError:
            patch_ops = None
    extras["patch"] = patch_ops
    if patch_ops is not None and isinstance(case.request.get("object"), (dict, list)):
        try:
            extras["patched"] = jsonpatch.apply_patch(copy.deepcopy(case.request["object"]), patch_ops)
        except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
            extras["patched"] = None
            return False, f"the policy's patch does not apply to the object: {exc}", extras
    if case.assertions is not None:
        # gator's rules: a request the constraint does not match has no violations
        messages = [] if got.verdict is Verdict.SKIPPED else (_violations(got.policy_output) or [])
        extras["violations"] = tuple(messages)
        if got.verdict in (Verdict.ERROR, Verdict.SETTINGS_ERROR) and got.verdict != case.expect.verdict:
            return False, f"expected {case.expect}, got {Expectation.of(got.verdict)}: {got.message}", extras
        problem = _check_assertions(case.assertions, messages)
        return (not problem), problem, extras
    expected = case.expect.verdict
    if got.verdict != expected:
        why = f"expected {case.expect}, got {Expectation.of(got.verdict)}"
        return False, why + (f": {got.message}" if got.message else ""), extras
    if case.message is not None and not re.search(case.message, got.message):
        return False, f"message {got.message!r} does not match {case.message!r}", extras
    if case.code is not None:
        code = (response.get("status") or {}).get("code")
        if code != case.code:
            return False, f"expected status code {case.code}, got {code}", extras
    if case.warnings is not None:
        warnings = [str(w) for w in response.get("warnings") or []]
        for pattern in case.warnings:
            if not any(re.search(pattern, w) for w in warnings):
                return False, f"no warning matches {pattern!r} (warnings: {warnings})", extras
        if not case.warnings and warnings:
            return False, f"expected no warnings, got {warnings}", extras
    if case.patch is not None and patch_ops != case.patch:
        diff = _structural_diff(case.patch, patch_ops)
        extras["diff"] = diff
        return False, "the patch differs from the expected one", extras
    if case.patched is not None and extras.get("patched") != case.patched:
        diff = _structural_diff(case.patched, extras.get("patched"))
        extras["diff"] = diff
        return False, "the patched object differs from the expected one", extras
    return True, "", extras


#: what each verdict is reported as (an enum looked up by value costs a microsecond a case)
_GOT = {verdict: Expectation.of(verdict).value for verdict in Verdict}
_STATUS = {status.value: status for status in CaseStatus}


# -- one worker's sessions ---------------------------------------------------------------
@dataclasses.dataclass
class _Opened:
    session: Session | None
    error: WorkbenchError | None
    match: MatchRules | None
    snapshot: Any
    settings: dict[str, Any]
    raw: bool


def _spec_key(spec: PolicySpec) -> tuple[Any, ...]:
    """What decides a session: the policy's source (and its file's stamp) and run options, not its
    settings; so a runner kept across runs reuses sessions of unchanged policies."""
    import json

    stamp: tuple[int, int] | None = None
    local = (spec.base / spec.module).expanduser()
    try:
        stat = local.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        pass
    return (
        spec.module,
        str(spec.base),
        stamp,
        spec.execution_mode,
        spec.entrypoint,
        spec.raw,
        spec.mode,
        spec.mutating,
        spec.message,
        spec.timeout,
        spec.allow_context_aware,
        spec.allowed_host_capabilities,
        str(spec.cluster_snapshot),
        str(spec.replay),
        json.dumps(spec.scope, sort_keys=True),
        spec.id,
    )


class CaseRunner:
    """Runs jobs in this process with one warm session per (policy, inventory).

    A runner may be kept across runs (``run_suites(..., runner=...)``, e.g. by the window or a
    watch loop): sessions of policies whose source and options did not change stay warm.
    """

    def __init__(
        self,
        suites: Sequence[Suite],
        *,
        cancel: CancelToken | None = None,
        overrides: dict[tuple[int, str], str] | None = None,
    ) -> None:
        self.suites = list(suites)
        self.cancel = cancel or CancelToken()
        #: (suite index, policy id) -> module to use instead (impact analysis)
        self.overrides = dict(overrides or {})
        self._opened: dict[tuple[Any, ...], _Opened] = {}
        #: id(spec) -> (spec, session key): the key needs a stat() of the module, once per spec
        self._keys: dict[int, tuple[PolicySpec, tuple[Any, ...]]] = {}
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        #: (id(request), id(opened)) -> the request, its scope decision and its parsed form: many
        #: cases share one request file (the loader reads a file once and shares the value,
        #: read-only), and both are pure functions of the request and the registration
        self._prepared: dict[tuple[int, int], tuple[dict[str, Any], _Prepared]] = {}
        #: (id(spec), suite index) -> (spec, its open session) for this run's jobs without inventory
        self._by_spec: dict[tuple[int, int], tuple[PolicySpec, _Opened]] = {}

    # -- sessions ------------------------------------------------------------------
    def _config(
        self, spec: PolicySpec, inventory_path: Path | None, granted: tuple[tuple[str, str], ...] | None
    ) -> RunConfig:
        return RunConfig(
            execution_mode=spec.execution_mode,  # type: ignore[arg-type]  # parsed in __post_init__
            entrypoint=spec.entrypoint,
            raw=spec.raw,
            timeout=spec.timeout,
            post=PostProcessing(
                policy_id=spec.id,
                mode=spec.mode or "protect",
                allowed_to_mutate=True if spec.mutating is None else spec.mutating,
                custom_rejection_message=spec.message,
            ),
            allow_context_aware=spec.allow_context_aware or inventory_path is not None,
            allowed_host_capabilities=spec.allowed_host_capabilities,
            cluster_snapshot=inventory_path or spec.cluster_snapshot,
            replay_path=spec.replay,
            cancel=self.cancel,
            granted_resources=granted,
        )

    def _inventory_file(self, inventory: tuple[dict[str, Any], ...]) -> tuple[Path, str]:
        import json

        text = json.dumps(list(inventory), sort_keys=True)
        key = hashlib.sha256(text.encode()).hexdigest()[:16]
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="pwb-suite-")
        path = Path(self._tmp.name) / f"inventory-{key}.yaml"
        if not path.exists():
            from workbench.core.yamlio import dump_yaml

            path.write_text("---\n".join(dump_yaml(obj) for obj in inventory), encoding="utf-8")
        return path, key

    def _open(self, suite_index: int, spec: PolicySpec, inventory: tuple[dict[str, Any], ...]) -> _Opened:
        if not inventory:  # the common case, asked for every job: one lookup
            known = self._by_spec.get((id(spec), suite_index))
            if known is not None and known[0] is spec:
                return known[1]
        opened = self._open_keyed(suite_index, spec, inventory)
        if not inventory:
            self._by_spec[(id(spec), suite_index)] = (spec, opened)
        return opened

    def _open_keyed(
        self, suite_index: int, spec: PolicySpec, inventory: tuple[dict[str, Any], ...]
    ) -> _Opened:
        inv_path, inv_key = (None, "") if not inventory else self._inventory_file(inventory)
        cached = self._keys.get(id(spec))
        if cached is None or cached[0] is not spec:
            cached = (spec, _spec_key(spec))
            self._keys[id(spec)] = cached
        key = (cached[1], self.overrides.get((suite_index, spec.id)), inv_key)
        found = self._opened.get(key)
        if found is not None:
            return found
        granted = None
        if inventory:
            granted = tuple(sorted({(str(o.get("apiVersion")), str(o.get("kind"))) for o in inventory}))
        try:
            opened = self._open_session(suite_index, spec, self._config(spec, inv_path, granted))
        except WorkbenchError as exc:
            opened = _Opened(None, exc, None, None, {}, False)
        self._opened[key] = opened
        return opened

    def _open_session(self, suite_index: int, spec: PolicySpec, config: RunConfig) -> _Opened:
        override = self.overrides.get((suite_index, spec.id))
        source = PolicySource.parse(spec.module, base=spec.base)
        manifest_defaults: dict[str, Any] | None = None
        match: MatchRules | None = None
        if override is not None:
            new_source = PolicySource.parse(override)
            if source.kind == SourceKind.MANIFEST and new_source.kind != SourceKind.MANIFEST:
                # keep the manifest's deployment (settings, rules, mode) around the other module
                from workbench.core.manifests import PolicyManifest, load_manifests

                assert source.path is not None
                manifests = load_manifests(source.path)
                manifest = manifests[0]
                if len(manifests) != 1 or not isinstance(manifest, PolicyManifest):
                    raise InputError(f"{source.path}: --against needs a manifest with exactly one policy")
                config = dataclasses.replace(
                    config,
                    post=dataclasses.replace(
                        config.post,
                        policy_id=manifest.name,
                        mode=manifest.mode,
                        allowed_to_mutate=manifest.mutating,
                        custom_rejection_message=manifest.message,
                    ),
                    timeout=float(manifest.timeout_eval_seconds)
                    if manifest.timeout_eval_seconds
                    else config.timeout,
                    granted_resources=manifest.context_aware_resources or config.granted_resources,
                )
                manifest_defaults = dict(manifest.settings)
                match = MatchRules.from_manifest(manifest)
            source = new_source
        session = open_session(source, config)
        if spec.scope is not None:
            match = MatchRules.from_mapping(spec.scope, "suite")
        elif match is None:
            match = match_rules_of(session)
        settings = manifest_defaults if manifest_defaults is not None else dict(session.default_settings)
        return _Opened(session, None, match, session.snapshot, settings, bool(session.raw))

    def close(self) -> None:
        self._keys.clear()
        self._prepared.clear()
        self._by_spec.clear()
        for opened in self._opened.values():
            if opened.session is not None:
                try:
                    opened.session.close()
                except WorkbenchError:
                    pass
        self._opened.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def forget_requests(self) -> None:
        """Drop what earlier runs remembered of their suites (their requests, which policy spec
        went with which session); the sessions themselves stay open."""
        self._prepared.clear()
        self._by_spec.clear()

    # -- one job -------------------------------------------------------------------
    def _evaluate(self, opened: _Opened, case: CaseSpec, spec: PolicySpec) -> _Got:
        session = opened.session
        if session is None:
            assert opened.error is not None
            from workbench.core.session import classify

            return _Got(classify(opened.error), str(opened.error))
        key = (id(case.request), id(opened))
        memo = self._prepared.get(key)
        if memo is not None and memo[0] is case.request:
            prepared = memo[1]
        else:
            prepared = self._prepare(opened, case.request, session, spec.check_scope)
            self._prepared[key] = (case.request, prepared)
        if prepared.early is not None:
            return prepared.early
        if case.settings is not None:
            settings = case.settings
        elif spec.settings is not None:
            settings = spec.settings
        else:
            settings = opened.settings
        assert prepared.request is not None
        evaluation = session.evaluate(prepared.request, settings)
        scope_note = prepared.scope
        outcome = evaluation.outcome
        if outcome is None:
            return _Got(evaluation.verdict, evaluation.message, scope=scope_note)
        return _Got(
            evaluation.verdict, evaluation.message, outcome.response.to_dict(), outcome.policy_output, scope_note
        )

    @staticmethod
    def _prepare(opened: _Opened, request: dict[str, Any], session: Session, check: bool) -> _Prepared:
        """The scope decision and the parsed request, or the verdict that ends the case early."""
        scope_note = ""
        if check and not opened.raw:
            try:
                decision = check_scope(request, opened.match, snapshot=opened.snapshot, explain=False)
            except WorkbenchError as exc:
                return _Prepared(_Got(Verdict.ERROR, f"scope: {exc}"))
            scope_note = decision.reason
            if decision.outcome is ScopeOutcome.SKIPPED:
                return _Prepared(_Got(Verdict.SKIPPED, scope_note, scope=scope_note))
            if decision.outcome is ScopeOutcome.ERROR:
                return _Prepared(_Got(Verdict.ERROR, scope_note, scope=scope_note))
        try:
            return _Prepared(None, session.load_request(request), scope_note)
        except WorkbenchError as exc:
            return _Prepared(_Got(Verdict.ERROR, str(exc), scope=scope_note))

    def run(self, job: Job) -> CaseResult:
        suite = self.suites[job.suite]
        case = suite.cases[job.case]
        spec = suite.policies[job.policy]
        if self.cancel.cancelled:
            return cancelled_result(suite, case, job.policy)
        opened = self._open(job.suite, spec, case.inventory)  # warm-up is not the case's time
        started = time.perf_counter()
        got = self._evaluate(opened, case, spec)
        if got.verdict is Verdict.ERROR and self.cancel.cancelled and "cancel" in got.message.lower():
            return cancelled_result(suite, case, job.policy)
        passed, reason, extras = judge(case, got)
        diff = extras.get("diff")
        return _result(
            suite,
            case,
            job.policy,
            (
                (CaseStatus.PASSED if passed else CaseStatus.FAILED).value,
                _GOT[got.verdict],
                got.message,
                reason,
                time.perf_counter() - started,
                got.response,
                extras.get("patch"),
                extras.get("patched"),
                tuple(diff) if diff else (),
                got.scope,
                extras.get("violations"),
            ),
        )


#: what a result holds besides the case's own facts (suite, ids, line, expectation, tags): all a
#: worker sends back, as plain values — unpickling whole CaseResults (a Path, an enum, a dataclass)
#: cost the caller ~30 us a case, serial work that held back the speed-up of a parallel run.
#: (status, got, message, reason, elapsed_s, response, patch, patched, diff, scope, violations)
_Outcome = tuple[
    str, str, str, str, float, "dict[str, Any] | None", Any, Any, tuple[str, ...], str, "tuple[str, ...] | None"
]


def _result(suite: Suite, case: CaseSpec, policy_id: str, outcome: _Outcome) -> CaseResult:
    """A case's result: its own facts, and what running it gave."""
    status, got, message, reason, elapsed, response, patch, patched, diff, scope, violations = outcome
    return CaseResult(
        suite=suite.path,
        case_id=case.id,
        policy_id=policy_id,
        line=case.position.line,
        status=_STATUS[status],
        expected=case.expect.value,
        got=got,
        message=message,
        reason=reason,
        elapsed_s=elapsed,
        tags=case.tags,
        response=response,
        patch=patch,
        patched=patched,
        diff=diff,
        scope=scope,
        violations=violations,
    )


def _outcome(result: CaseResult) -> _Outcome:
    return (
        result.status.value,
        result.got,
        result.message,
        result.reason,
        result.elapsed_s,
        result.response,
        result.patch,
        result.patched,
        result.diff,
        result.scope,
        result.violations,
    )


def cancelled_result(suite: Suite, case: CaseSpec, policy_id: str) -> CaseResult:
    return _result(
        suite, case, policy_id, (CaseStatus.CANCELLED.value, "", "", "cancelled", 0.0, None, None, None, (), "", None)
    )


def _safe_run(runner: CaseRunner, suites: Sequence[Suite], job: Job) -> CaseResult:
    """``runner.run(job)``; a bug (an exception that is not a WorkbenchError, which the runner folds
    into verdicts itself) becomes this case's failure instead of a traceback or a hung worker."""
    try:
        return runner.run(job)
    except Exception as exc:
        suite = suites[job.suite]
        return _failed_result(suite, suite.cases[job.case], job.policy, f"internal error: {exc!r}")


def _failed_result(suite: Suite, case: CaseSpec, policy_id: str, why: str) -> CaseResult:
    return dataclasses.replace(
        cancelled_result(suite, case, policy_id),
        status=CaseStatus.FAILED,
        got="error",
        message=why,
        reason=why,
    )


# -- worker processes --------------------------------------------------------------------
def _start_method() -> str:
    """``fork`` while this process has no threads but Python's own (no wasmtime engine, no Qt yet:
    the CLI's case), which starts workers in milliseconds; ``spawn`` otherwise, because forking a
    process whose native threads hold locks (wasmtime's epoch and I/O threads) is unsafe."""
    import os

    if sys.platform.startswith("linux"):
        try:
            native = len(os.listdir("/proc/self/task"))
        except OSError:
            return "spawn"
        if native == threading.active_count() == 1:
            return "fork"
    return "spawn"


#: modules every worker needs; imported before forking so that children inherit them (and the
#: parts of multiprocessing a parallel run uses: ~8 ms of imports, not to be paid after the fork)
_PRELOAD = (
    "workbench.core.oci.reference",
    "workbench.core.engines.wapc",
    "workbench.core.engines.wasi",
    "workbench.core.engines.hostcaps",
    "workbench.core.inspect",
    "workbench.core.cache",
    "multiprocessing.sharedctypes",
    "multiprocessing.synchronize",
    "multiprocessing.popen_fork",
)


def _preload() -> None:
    """Import what sessions of Kubewarden policies need (imports start no native threads, so
    forking stays safe); the OPA and Rego engines are imported by the workers that need them."""
    import importlib

    for name in _PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional part missing here fails later, in the worker, with its own error
            continue


def _chunk_size(total: int, workers: int) -> int:
    return max(1, min(16, total // (workers * 16) or 1))


def _claim(
    counter: Any, claimed: Any, worker_id: int, chunk: int, total: int, workers: int = 1
) -> tuple[int, int] | None:
    """Take the next chunk of job indexes (under the counter's lock, which also guards ``claimed``).

    Chunks shrink towards the end (at most half of each worker's share of what is left), so the
    workers finish together instead of one waiting for another's last big chunk."""
    with counter.get_lock():
        start = counter.value
        if start >= total:
            return None
        size = max(1, min(chunk, (total - start) // (2 * workers)))
        end = min(total, start + size)
        counter.value = end
        claimed[worker_id] += end - start
    return start, end


def _child_main(
    payload: tuple[list[Suite], dict[tuple[int, str], str], list[Job], int, int],
    counter: Any,
    claimed_counts: Any,
    results: Any,
    cancel_flag: Any,
    worker_id: int,
) -> None:
    """Entry point of a worker process (spawned: imports, then runs claimed chunks)."""
    suites, overrides, jobs, chunk, workers = payload
    token = CancelToken()
    stop = threading.Event()

    def watch() -> None:
        # a plain shared flag, polled: a multiprocessing Event would hang the caller's set() if a
        # worker died while waiting on it
        while not stop.wait(0.05):
            if cancel_flag.value:
                token.cancel()
                return

    watcher = threading.Thread(target=watch, name="suite-cancel-watch", daemon=True)
    watcher.start()
    runner = CaseRunner(suites, cancel=token, overrides=overrides)
    worked = False
    try:
        while not token.cancelled:
            claimed = _claim(counter, claimed_counts, worker_id, chunk, len(jobs), workers)
            if claimed is None:
                break
            start, end = claimed
            worked = True
            results.send(("claim", worker_id, start, end))
            batch = []
            for index in range(start, end):
                batch.append((index, _outcome(_safe_run(runner, suites, jobs[index]))))
            results.send(("results", worker_id, batch))
    finally:
        stop.set()
        if worked:  # a worker that claimed nothing never writes, so the caller may stop it at any time
            results.send(("done", worker_id))
        results.close()
        runner.close()
        watcher.join(1.0)


def run_suites(
    suites: Sequence[Suite],
    jobs: Sequence[Job] | None = None,
    *,
    workers: int | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressCallback | None = None,
    fail_fast: bool = False,
    overrides: dict[tuple[int, str], str] | None = None,
    runner: CaseRunner | None = None,
) -> SuiteRun:
    """Run ``jobs`` (default: every case × policy) and return the results in job order.

    ``runner``: an in-process runner to use (and keep warm) when running with one worker.
    """
    suites = list(suites)
    job_list = list(jobs) if jobs is not None else plan_jobs(suites)
    total = len(job_list)
    token = cancel or CancelToken()
    n_workers = max(1, min(workers or default_jobs(), total or 1))
    started = time.perf_counter()
    results: list[CaseResult | None] = [None] * total
    done = 0

    def record(index: int, result: CaseResult) -> None:
        nonlocal done
        if results[index] is not None:
            return
        results[index] = result
        done += 1
        if progress is not None:
            progress(done, total, result)
        if fail_fast and result.status is CaseStatus.FAILED:
            token.cancel()

    if n_workers == 1:
        own = runner is None
        local = runner if runner is not None else CaseRunner(suites, cancel=token, overrides=overrides)
        local.suites, local.overrides = suites, dict(overrides or {})
        local.forget_requests()  # (a kept runner: the previous run's requests are not this run's)
        # a kept runner's sessions listen to its own token: forward this run's cancellation to it
        forward = None if local.cancel is token else token.on_cancel(local.cancel.cancel)
        try:
            for index, job in enumerate(job_list):
                if token.cancelled:
                    break
                record(index, _safe_run(local, suites, job))
        finally:
            if forward is not None:
                forward()
            if own:
                local.close()
            elif local.cancel.cancelled:  # its sessions were interrupted: start afresh next time
                local.close()
                local.cancel = CancelToken()
    else:
        _run_parallel(suites, job_list, n_workers, token, overrides or {}, record, results)
    cancelled = token.cancelled and any(r is None or r.status is CaseStatus.CANCELLED for r in results)
    final: list[CaseResult] = []
    for index, result in enumerate(results):
        if result is None:
            job = job_list[index]
            suite = suites[job.suite]
            result = cancelled_result(suite, suite.cases[job.case], job.policy)
        final.append(result)
    return SuiteRun(final, time.perf_counter() - started, cancelled=cancelled, workers=n_workers)


def _run_parallel(
    suites: list[Suite],
    job_list: list[Job],
    n_workers: int,
    token: CancelToken,
    overrides: dict[tuple[int, str], str],
    record: Callable[[int, CaseResult], None],
    results: list[CaseResult | None],
) -> None:
    method = _start_method()
    if method == "fork":
        _preload()
    ctx: Any = multiprocessing.get_context(method)  # typeshed's BaseContext lacks Process
    total = len(job_list)
    chunk = _chunk_size(total, n_workers)
    counter = ctx.Value("l", 0)
    claimed_counts = ctx.Array("l", n_workers, lock=False)  # guarded by the counter's lock
    # one pipe per child: a single writer needs no lock, and the child writes from its own thread
    # (a multiprocessing Queue pickles and writes in a feeder thread that competes for the GIL)
    pipes = {wid: ctx.Pipe(duplex=False) for wid in range(1, n_workers)}
    cancel_flag = ctx.RawValue("b", 0)

    def raise_flag() -> None:
        cancel_flag.value = 1

    unregister = token.on_cancel(raise_flag)
    payload = (suites, overrides, job_list, chunk, n_workers)
    children = [
        ctx.Process(
            target=_child_main,
            args=(payload, counter, claimed_counts, pipes[wid][1], cancel_flag, wid),
            name=f"suite-worker-{wid}",
            daemon=True,
        )
        for wid in range(1, n_workers)
    ]
    claims: dict[int, set[int]] = {c: set() for c in range(1, n_workers)}
    finished: set[int] = set()
    reported: set[int] = set()  # children that sent "done"
    runner = CaseRunner(suites, cancel=token, overrides=overrides)

    readers = [reader for reader, _writer in pipes.values()]  # those still open

    def handle(message: tuple[Any, ...]) -> None:
        kind, wid = message[0], message[1]
        if kind == "claim":
            claims[wid].update(range(message[2], message[3]))
        elif kind == "results":
            for index, outcome in message[2]:
                claims[wid].discard(index)
                job = job_list[index]
                suite = suites[job.suite]
                record(index, _result(suite, suite.cases[job.case], job.policy, outcome))
        elif kind == "done":
            finished.add(wid)
            reported.add(wid)

    def drain(block: bool) -> None:
        timeout = _POLL_S if block else 0.0
        if not readers and block:  # every pipe has ended: wait for the children's exits to show
            time.sleep(_POLL_S)
        while readers:
            ready = mp_connection.wait(list(readers), timeout)
            if not ready:
                return
            timeout = 0.0
            for ready_one in ready:
                reader = cast(mp_connection.Connection, ready_one)  # wait() returns what it was given
                try:
                    message = reader.recv()
                except (EOFError, OSError):  # the child is gone: its liveness check handles the rest
                    readers.remove(reader)
                    continue
                handle(message)

    frozen = method == "fork"
    if frozen:
        # Python's advice for fork without exec: the objects alive now (the suites, the modules)
        # move out of the collector's generations, so neither process's collections touch them and
        # copy the pages both still share (docs/suites.md, "Performance")
        gc.freeze()
    try:
        for child in children:
            child.start()
        for _reader, writer in pipes.values():
            writer.close()  # the children hold their ends: a pipe ends when its child does
        # the caller works too (no start-up wait), in small chunks so it keeps draining results
        while not token.cancelled:
            claimed = _claim(counter, claimed_counts, 0, chunk, total, n_workers)
            if claimed is None:
                break
            for index in range(*claimed):
                if token.cancelled:
                    break
                record(index, _safe_run(runner, suites, job_list[index]))
            drain(block=False)
        # the caller's sessions are not needed any more: close them while the children finish
        runner.close()
        # children that never claimed a job (still starting up) are not needed any more
        with counter.get_lock():
            idle = (
                [wid for wid in range(1, n_workers) if claimed_counts[wid] == 0]
                if counter.value >= total
                else []
            )
        for wid in idle:
            children[wid - 1].terminate()
            finished.add(wid)
        last_progress = time.monotonic()
        while len(finished) < len(children):
            before = sum(r is not None for r in results)
            drain(block=True)
            if sum(r is not None for r in results) != before:
                last_progress = time.monotonic()
            for wid, child in enumerate(children, start=1):
                if wid not in finished and not child.is_alive():
                    drain(block=True)
                    if wid in finished:
                        continue
                    with counter.get_lock():
                        never_claimed = claimed_counts[wid] == 0
                    finished.add(wid)
                    if never_claimed:
                        continue
                    for index in sorted(claims[wid]):
                        job = job_list[index]
                        suite = suites[job.suite]
                        record(
                            index,
                            _failed_result(
                                suite,
                                suite.cases[job.case],
                                job.policy,
                                f"worker process ended unexpectedly (exit code {child.exitcode})",
                            ),
                        )
            if time.monotonic() - last_progress > _STALL_S:
                token.cancel()
                break
    finally:
        unregister()
        raise_flag()  # normally every child is done; after an interruption this stops them
        runner.close()
        for wid, child in enumerate(children, start=1):
            if child.pid is None:  # never started
                continue
            if wid in reported and not token.cancelled:
                # it sent everything and is only exiting: not waited for (multiprocessing reaps
                # finished children when the next one starts, and at exit)
                child.join(0)
                continue
            child.join(5.0)
            if child.is_alive():
                child.terminate()
                child.join(2.0)
        for reader, writer in pipes.values():
            reader.close()
            writer.close()
        if frozen:
            gc.unfreeze()


# -- impact analysis ---------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ImpactChange:
    """A case whose outcome differs between the suite's policy and another version of it."""

    before: CaseResult
    after: CaseResult
    changes: tuple[str, ...]  # "verdict", "message", "patch"


def impact_overrides(suites: Sequence[Suite], against: str, policy: str | None) -> dict[tuple[int, str], str]:
    """Which (suite, policy) pairs run ``against`` instead of their module."""
    if policy is None:
        ids = {pid for suite in suites for pid in suite.policies}
        if len(ids) != 1:
            raise InputError(
                f"--against: the suites have {len(ids)} policies ({', '.join(sorted(ids))}); name one with --policy"
            )
        policy = ids.pop()
    found = {(si, policy): against for si, suite in enumerate(suites) if policy in suite.policies}
    if not found:
        raise InputError(f"--policy {policy}: no suite has a policy with this id")
    local = Path(against).expanduser()
    if "://" not in against and local.exists():
        found = {key: str(local.absolute()) for key in found}
    # fail early, in this process, on a source that cannot even be classified
    PolicySource.parse(next(iter(found.values())))
    return found


def compare_runs(before: SuiteRun, after: SuiteRun) -> list[ImpactChange]:
    """Cases (matched by suite, case and policy) whose verdict, message or patch changed."""
    index = {(r.suite, r.case_id, r.policy_id): r for r in after.results}
    changes: list[ImpactChange] = []
    for old in before.results:
        new = index.get((old.suite, old.case_id, old.policy_id))
        if new is None or CaseStatus.CANCELLED in (old.status, new.status):
            continue
        what = []
        if old.got != new.got:
            what.append("verdict")
        if old.message != new.message:
            what.append("message")
        if old.patch != new.patch:
            what.append("patch")
        if what:
            changes.append(ImpactChange(old, new, tuple(what)))
    return changes


def run_impact(
    suites: Sequence[Suite],
    jobs: Sequence[Job],
    against: str,
    policy: str | None = None,
    *,
    workers: int | None = None,
    cancel: CancelToken | None = None,
) -> tuple[SuiteRun, SuiteRun, list[ImpactChange]]:
    """Run ``jobs`` with the suites' policy and with ``against`` in one pass (one set of workers),
    and return both runs and the cases whose verdict, message or patch changed."""
    suites = list(suites)
    count = len(suites)
    overrides = {
        (si + count, pid): module for (si, pid), module in impact_overrides(suites, against, policy).items()
    }
    affected = {pid for (_si, pid) in overrides}
    selected = [j for j in jobs if j.policy in affected]
    doubled = [*selected, *(Job(j.suite + count, j.case, j.policy) for j in selected)]
    both = run_suites([*suites, *suites], doubled, workers=workers, cancel=cancel, overrides=overrides)
    half = len(selected)
    before = SuiteRun(both.results[:half], both.elapsed_s, both.cancelled, both.workers)
    after = SuiteRun(both.results[half:], both.elapsed_s, both.cancelled, both.workers)
    return before, after, compare_runs(before, after)
