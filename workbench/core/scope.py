"""Match scope: would Kubernetes send this admission request to the policy at all?

The API server calls a webhook only for requests its registration matches; Kubewarden
registers each policy with the ``rules``, ``namespaceSelector``, ``objectSelector`` and
``matchConditions`` of its custom resource (or, for ``kwctl scaffold``, of the module's
metadata). ``kwctl run`` ignores all of this, so a policy whose rules never match runs
happily on the desk and never in the cluster. :func:`check_scope` applies the API
server's decision, step by step, and returns a :class:`ScopeDecision` naming the step
that skipped the request. See docs/suites.md, section "Match scope".

Steps, in the API server's order:

1. ``rules`` (operations, apiGroups, apiVersions, resources incl. subresources, scope);
2. the namespace scope of an ``AdmissionPolicy`` (only namespaced requests of its own namespace);
3. ``namespaceSelector`` (labels of the request's Namespace, from the cluster snapshot);
4. ``objectSelector`` (labels of ``object`` or ``oldObject``);
5. ``matchConditions`` (CEL over ``object``, ``oldObject``, ``request``; any ``false`` skips;
   an evaluation error rejects under ``failurePolicy: Fail`` and skips under ``Ignore``).
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from workbench.core.engines.hostcaps.selectors import LabelRequirement
from workbench.core.errors import InputError

if TYPE_CHECKING:
    from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot
    from workbench.core.manifests import GroupManifest, PolicyManifest
    from workbench.core.metadata import Metadata

__all__ = [
    "FailurePolicy",
    "MatchRules",
    "ScopeDecision",
    "ScopeOutcome",
    "ScopeStep",
    "check_scope",
    "check_session_scope",
    "compile_label_selector",
    "match_rules_of",
]

#: the label the API server puts on every Namespace (Kubernetes >= 1.21)
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


class FailurePolicy(StrEnum):
    FAIL = "Fail"
    IGNORE = "Ignore"


class ScopeOutcome(StrEnum):
    """What the API server does with the request."""

    MATCHED = "matched"  # the policy is called
    SKIPPED = "skipped"  # the policy is not called
    ERROR = "error"  # a matchCondition failed under failurePolicy Fail: the request is rejected


@dataclasses.dataclass(slots=True)
class ScopeStep:
    """One check of the decision and what it found. Read-only by convention (not ``frozen``:
    a suite makes several for every case, and a frozen dataclass is slow to construct)."""

    check: str  # rules | namespace | namespaceSelector | objectSelector | matchConditions
    passed: bool
    detail: str


@dataclasses.dataclass(frozen=True)
class ScopeDecision:
    """Whether the request reaches the policy, and why (``reason`` names the deciding step)."""

    outcome: ScopeOutcome
    reason: str
    steps: tuple[ScopeStep, ...] = ()
    #: where the rules came from: "suite", "manifest", "metadata" or "none"
    origin: str = "none"

    @property
    def matched(self) -> bool:
        return self.outcome is ScopeOutcome.MATCHED

    def describe(self) -> str:
        """Human-readable: the outcome and reason, then every step (as ``run --check-scope`` prints it)."""
        lines = [
            f"scope: {self.outcome.value}: {self.reason}"
            + (f" (rules from {self.origin})" if self.origin != "none" else "")
        ]
        lines.extend(f"  {'ok ' if s.passed else 'no '} {s.check}: {s.detail}" for s in self.steps)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "matched": self.matched,
            "outcome": self.outcome.value,
            "reason": self.reason,
            "origin": self.origin,
            "steps": [dataclasses.asdict(s) for s in self.steps],
        }


@dataclasses.dataclass(frozen=True)
class MatchRules:
    """What a webhook registration matches on (Kubewarden's policy spec fields)."""

    rules: tuple[Mapping[str, Any], ...] = ()
    namespace_selector: Mapping[str, Any] | None = None
    object_selector: Mapping[str, Any] | None = None
    match_conditions: tuple[Mapping[str, Any], ...] = ()
    failure_policy: FailurePolicy = FailurePolicy.FAIL
    #: an AdmissionPolicy's namespace (it sees only namespaced requests there); None = cluster-wide
    namespace: str | None = None
    origin: str = "suite"
    #: compiled selectors, filled on first use (a suite checks thousands of requests against one policy)
    _compiled: dict[str, list[LabelRequirement]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False, hash=False
    )
    _compiled_rules: list[_Rule] = dataclasses.field(default_factory=list, compare=False, repr=False, hash=False)

    def compiled_rules(self) -> list[_Rule]:
        """The ``rules``, validated once (a bad field raises :class:`InputError` every time)."""
        found = self._compiled_rules
        if not found and self.rules:
            compiled = [_compile_rule(rule) for rule in self.rules]  # all or nothing
            found[:] = compiled  # (a whole replacement: two threads compiling at once agree)
        return found

    def requirements(self, which: str) -> list[LabelRequirement]:
        """The compiled ``namespaceSelector`` or ``objectSelector`` (validated once)."""
        found = self._compiled.get(which)
        if found is None:
            selector = self.namespace_selector if which == "namespaceSelector" else self.object_selector
            found = compile_label_selector(selector, which)
            self._compiled[which] = found
        return found

    @classmethod
    def from_manifest(cls, manifest: PolicyManifest | GroupManifest) -> MatchRules:
        return cls(
            rules=tuple(manifest.rules),
            namespace_selector=manifest.namespace_selector,
            object_selector=manifest.object_selector,
            match_conditions=tuple(manifest.match_conditions),
            failure_policy=FailurePolicy(manifest.failure_policy),
            namespace=manifest.namespace if manifest.kind.namespaced else None,
            origin="manifest",
        )

    @classmethod
    def from_metadata(cls, metadata: Metadata) -> MatchRules:
        return cls(rules=tuple(rule.to_dict() for rule in metadata.rules), origin="metadata")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], origin: str = "suite") -> MatchRules:
        """From the spec-like mapping a suite writes (``rules``, ``namespaceSelector``, ...)."""
        failure = data.get("failurePolicy") or "Fail"
        try:
            policy = FailurePolicy(failure)
        except ValueError:
            raise InputError(f"failurePolicy must be Fail or Ignore, got {failure!r}") from None
        return cls(
            rules=tuple(data.get("rules") or ()),
            namespace_selector=data.get("namespaceSelector"),
            object_selector=data.get("objectSelector"),
            match_conditions=tuple(data.get("matchConditions") or ()),
            failure_policy=policy,
            namespace=data.get("namespace"),
            origin=origin,
        )


def match_rules_of(session: Any) -> MatchRules | None:
    """The match rules of an open session: its manifest's, else its metadata's; None when unknown."""
    from workbench.core.metadata import Metadata

    manifest = getattr(session, "manifest", None)
    if manifest is not None:
        from workbench.core.manifests import GroupManifest, PolicyManifest

        if isinstance(manifest, (PolicyManifest, GroupManifest)):
            return MatchRules.from_manifest(manifest)
    metadata = getattr(session, "metadata", None)
    if metadata is None:
        module = getattr(session, "module", None)
        metadata = getattr(module, "metadata", None)
    if isinstance(metadata, Metadata):
        return MatchRules.from_metadata(metadata)
    return None


# -- rules -------------------------------------------------------------------------------
def _strings(rule: Mapping[str, Any], key: str) -> list[str]:
    value = rule.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"rule field `{key}` must be a list of strings")
    return value


def _resource_matches(patterns: Sequence[str], resource: str, subresource: str) -> bool:
    """The API server's resource matching: ``*`` = every resource but no subresource,
    ``pods/*`` = every subresource of pods, ``*/status`` = that subresource of every resource,
    ``*/*`` = everything."""
    for pattern in patterns:
        if pattern == "*/*":
            return True
        base, sep, sub = pattern.partition("/")
        if not sep:
            if not subresource and pattern in ("*", resource):
                return True
            continue
        if base not in ("*", resource) or not subresource:
            continue
        if sub in ("*", subresource):
            return True
    return False


class _Rule(NamedTuple):
    """One rule, validated once: its lists as written (for the explanations) and as sets."""

    operations: list[str]
    groups: list[str]
    versions: list[str]
    resources: list[str]
    scope: str
    operation_set: frozenset[str]
    group_set: frozenset[str]
    version_set: frozenset[str]


def _compile_rule(rule: Mapping[str, Any]) -> _Rule:
    operations, groups = _strings(rule, "operations"), _strings(rule, "apiGroups")
    versions, resources = _strings(rule, "apiVersions"), _strings(rule, "resources")
    return _Rule(
        operations,
        groups,
        versions,
        resources,
        rule.get("scope") or "*",
        frozenset(operations),
        frozenset(groups),
        frozenset(versions),
    )


def _rule_matches(rule: _Rule, request: Mapping[str, Any], explain: bool = True) -> tuple[bool, str]:
    operation = str(request.get("operation") or "")
    resource = request.get("resource") or {}
    group = str(resource.get("group") or "")
    version = str(resource.get("version") or "")
    plural = str(resource.get("resource") or "")
    subresource = str(request.get("subResource") or "")
    if operation not in rule.operation_set and "*" not in rule.operation_set:
        return False, f"operation {operation} not in {rule.operations}"
    if group not in rule.group_set and "*" not in rule.group_set:
        return False, f"apiGroup {group!r} not in {rule.groups}"
    if version not in rule.version_set and "*" not in rule.version_set:
        return False, f"apiVersion {version!r} not in {rule.versions}"
    shown = f"{plural}/{subresource}" if subresource else plural
    if not _resource_matches(rule.resources, plural, subresource):
        return False, f"resource {shown} not in {rule.resources}"
    namespaced = bool(request.get("namespace"))
    if rule.scope == "Cluster" and namespaced:
        return False, "rule scope is Cluster but the request is namespaced"
    if rule.scope == "Namespaced" and not namespaced:
        return False, "rule scope is Namespaced but the request is cluster-scoped"
    return True, f"{operation} {shown} ({group or 'core'}/{version}) matches" if explain else ""


# -- label selectors -------------------------------------------------------------------
_OPERATORS = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}


def compile_label_selector(selector: Mapping[str, Any] | None, what: str) -> list[LabelRequirement]:
    """A ``metav1.LabelSelector`` (matchLabels AND matchExpressions) as requirements; None/{} = everything."""
    if selector is None:
        return []
    if not isinstance(selector, Mapping):
        raise InputError(f"{what} must be a label selector mapping")
    unknown = set(selector) - {"matchLabels", "matchExpressions"}
    if unknown:
        raise InputError(f"{what}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    out: list[LabelRequirement] = []
    labels = selector.get("matchLabels") or {}
    if not isinstance(labels, Mapping):
        raise InputError(f"{what}.matchLabels must map label keys to values")
    for key, value in labels.items():
        out.append(LabelRequirement(str(key), "=", (str(value),)))
    expressions = selector.get("matchExpressions") or []
    if not isinstance(expressions, list):
        raise InputError(f"{what}.matchExpressions must be a list")
    for i, expr in enumerate(expressions):
        where = f"{what}.matchExpressions[{i}]"
        if not isinstance(expr, Mapping) or not isinstance(expr.get("key"), str):
            raise InputError(f"{where} needs a string `key`")
        op = expr.get("operator")
        if op not in _OPERATORS:
            raise InputError(f"{where}.operator must be one of {', '.join(_OPERATORS)}, got {op!r}")
        values = expr.get("values") or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputError(f"{where}.values must be a list of strings")
        if op in ("In", "NotIn") and not values:
            raise InputError(f"{where}: operator {op} needs at least one value")
        if op in ("Exists", "DoesNotExist") and values:
            raise InputError(f"{where}: operator {op} takes no values")
        out.append(LabelRequirement(expr["key"], _OPERATORS[op], tuple(values)))
    return out


def _labels(obj: Any) -> dict[str, str]:
    if not isinstance(obj, Mapping):
        return {}
    meta = obj.get("metadata")
    labels = meta.get("labels") if isinstance(meta, Mapping) else None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else {}


def _selector_text(requirements: list[LabelRequirement]) -> str:
    parts = []
    for req in requirements:
        if req.operator == "=":
            parts.append(f"{req.key}={req.values[0]}")
        elif req.operator == "exists":
            parts.append(req.key)
        elif req.operator == "!":
            parts.append(f"!{req.key}")
        else:
            parts.append(f"{req.key} {req.operator} ({','.join(req.values)})")
    return ", ".join(parts)


def _namespace_labels(
    request: Mapping[str, Any], snapshot: ClusterSnapshot | None
) -> tuple[dict[str, str] | None, str]:
    """Labels the namespaceSelector sees (None: not applicable = always matches) and a note."""
    namespace = request.get("namespace")
    kind = (request.get("kind") or {}).get("kind")
    if not namespace:
        if kind == "Namespace":
            obj = request.get("object") or request.get("oldObject")
            return _labels(obj), "the object is a Namespace: its own labels"
        return None, "cluster-scoped request: namespaceSelector does not apply"
    if snapshot is not None:
        for obj in snapshot.objects():
            if (
                obj.get("kind") == "Namespace"
                and obj.get("apiVersion") == "v1"
                and (obj.get("metadata") or {}).get("name") == namespace
            ):
                return _labels(obj), f"labels of Namespace {namespace} (cluster snapshot)"
    return (
        {NAMESPACE_NAME_LABEL: str(namespace)},
        f"Namespace {namespace} is not in the cluster snapshot: assumed to carry only {NAMESPACE_NAME_LABEL}",
    )


# -- match conditions (CEL) --------------------------------------------------------------
_programs: dict[str, Any] = {}
_programs_lock = threading.Lock()
_MAX_PROGRAMS = 512


class _CelError(Exception):
    pass


def _compile_cel(expression: str) -> Any:
    with _programs_lock:
        program = _programs.get(expression)
    if program is not None:
        return program
    import cel  # common-expression-language (Rust cel-interpreter bindings)

    try:
        program = cel.compile(expression)
    except Exception as exc:  # the library reports parse errors as ValueError, others as RuntimeError
        raise InputError(f"matchCondition expression does not compile: {_first_line(exc)}") from None
    with _programs_lock:
        if len(_programs) >= _MAX_PROGRAMS:
            _programs.clear()
        _programs[expression] = program
    return program


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, KeyError):
        text = f"no such key: {text}"
    return text.splitlines()[0]


def _eval_condition(expression: str, variables: dict[str, Any]) -> bool:
    program = _compile_cel(expression)
    if "authorizer" in program.variables():
        raise _CelError("`authorizer` is not available offline")
    try:
        value = program.execute(variables)
    except Exception as exc:  # CEL runtime errors: no such key, division by zero, type mismatch...
        raise _CelError(_first_line(exc)) from None
    if not isinstance(value, bool):
        raise _CelError(f"expression must evaluate to bool, got {type(value).__name__}")
    return value


# -- the decision ------------------------------------------------------------------------
def check_scope(
    request: Mapping[str, Any],
    match: MatchRules | None,
    *,
    snapshot: ClusterSnapshot | Path | None = None,
    explain: bool = True,
) -> ScopeDecision:
    """Would the API server send ``request`` (an AdmissionRequest) to a policy registered with ``match``?

    ``match`` None means nothing is known about the registration (a module without
    metadata, a raw policy): the request is taken to match, and the reason says so.
    Bad selectors or CEL that does not compile raise :class:`InputError` (the API server
    would refuse the policy itself). ``explain=False`` leaves out the steps that passed (the
    suite runner needs only the outcome and the reason, for thousands of requests).
    """
    if match is None:
        return ScopeDecision(ScopeOutcome.MATCHED, "no rules known for this policy: scope not checked")
    if isinstance(snapshot, Path):
        from workbench.core.engines.hostcaps.snapshot import ClusterSnapshot

        snapshot = ClusterSnapshot.load(snapshot)
    steps: list[ScopeStep] = []

    def skipped(check: str, detail: str) -> ScopeDecision:
        steps.append(ScopeStep(check, False, detail))
        return ScopeDecision(ScopeOutcome.SKIPPED, f"{check}: {detail}", tuple(steps), match.origin)

    # 1. rules
    if not match.rules:
        return skipped("rules", f"the policy declares no rules ({match.origin}), so no request reaches it")
    misses = []
    for i, rule in enumerate(match.compiled_rules()):
        ok, detail = _rule_matches(rule, request, explain)
        if ok:
            if explain:
                steps.append(ScopeStep("rules", True, f"rules[{i}]: {detail}"))
            break
        misses.append(f"rules[{i}]: {detail}")
    else:
        return skipped("rules", "no rule matches (" + "; ".join(misses) + ")")
    # 2. AdmissionPolicy namespace
    if match.namespace is not None:
        namespace = request.get("namespace") or ""
        if namespace != match.namespace:
            where = f"namespace {namespace}" if namespace else "a cluster-scoped request"
            return skipped(
                "namespace", f"an AdmissionPolicy in namespace {match.namespace} does not see {where}"
            )
        if explain:
            steps.append(ScopeStep("namespace", True, f"request in the policy's namespace {match.namespace}"))
    # 3. namespaceSelector
    ns_requirements = match.requirements("namespaceSelector")
    if ns_requirements:
        labels, note = _namespace_labels(request, snapshot)
        if labels is not None and not all(r.matches(labels) for r in ns_requirements):
            return skipped("namespaceSelector", f"{_selector_text(ns_requirements)} does not match ({note})")
        if explain:
            steps.append(
                ScopeStep("namespaceSelector", True, f"{_selector_text(ns_requirements)} matches ({note})")
            )
    # 4. objectSelector
    obj_requirements = match.requirements("objectSelector")
    if obj_requirements:
        candidates = [o for o in (request.get("object"), request.get("oldObject")) if isinstance(o, Mapping)]
        label_sets = [_labels(o) for o in candidates] or [{}]
        if not any(all(r.matches(labels) for r in obj_requirements) for labels in label_sets):
            return skipped(
                "objectSelector",
                f"{_selector_text(obj_requirements)} matches neither object nor oldObject labels",
            )
        if explain:
            steps.append(ScopeStep("objectSelector", True, f"{_selector_text(obj_requirements)} matches"))
    # 5. matchConditions
    if match.match_conditions:
        variables = {
            "object": request.get("object"),
            "oldObject": request.get("oldObject"),
            "request": dict(request),
        }
        errors: list[str] = []
        for i, condition in enumerate(match.match_conditions):
            name = condition.get("name") or f"matchConditions[{i}]"
            expression = condition.get("expression")
            if not isinstance(expression, str) or not expression.strip():
                raise InputError(f"matchCondition {name} needs an `expression` string")
            try:
                value = _eval_condition(expression, variables)
            except _CelError as exc:
                errors.append(f"{name}: {exc}")
                continue
            if not value:
                return skipped("matchConditions", f"{name} is false ({expression})")
            if explain:
                steps.append(ScopeStep("matchConditions", True, f"{name} is true"))
        if errors:
            detail = "; ".join(errors)
            if match.failure_policy is FailurePolicy.FAIL:
                steps.append(ScopeStep("matchConditions", False, detail))
                return ScopeDecision(
                    ScopeOutcome.ERROR,
                    f"matchConditions: evaluation error with failurePolicy Fail, the request is rejected: {detail}",
                    tuple(steps),
                    match.origin,
                )
            return skipped(
                "matchConditions", f"evaluation error with failurePolicy Ignore, skipped: {detail}"
            )
    if not explain:
        return _reaches(match.origin)  # the same answer for every request: made once
    return ScopeDecision(ScopeOutcome.MATCHED, _REACHES, tuple(steps), match.origin)


_REACHES = "the request reaches the policy"


@functools.cache
def _reaches(origin: str) -> ScopeDecision:
    return ScopeDecision(ScopeOutcome.MATCHED, _REACHES, (), origin)


def check_session_scope(
    session: Any, request: Any, *, snapshot: ClusterSnapshot | Path | None = None
) -> ScopeDecision:
    """:func:`check_scope` for an open session (its manifest's or metadata's rules) and a
    :class:`~workbench.core.ValidationRequest` or AdmissionRequest mapping; what
    ``policy-workbench run --check-scope`` prints. Raw policies are not scope-checked."""
    if getattr(session, "raw", False) or getattr(request, "raw", False):
        return ScopeDecision(
            ScopeOutcome.MATCHED, "raw policy: the request is not an admission request, scope not checked"
        )
    payload = getattr(request, "request", request)
    if not isinstance(payload, Mapping):
        raise InputError("the request is not an AdmissionRequest object: cannot check the scope")
    return check_scope(payload, match_rules_of(session), snapshot=snapshot)
