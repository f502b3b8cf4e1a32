"""The bundled offline demo: ``resources/demo/demo.suite.yaml``, a test suite (docs/suites.md).

The same suite drives ``policy-workbench demo`` (the verdict table below),
``policy-workbench test resources/demo/``, the GUI's demo mode and the demo tests.
:func:`load_demo` also offers the suite as :class:`Demo` / :class:`DemoPolicy` /
:class:`DemoCase` records for front ends that list policies and cases.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any, TextIO

from workbench.core.errors import InputError
from workbench.core.resources import demo_dir
from workbench.core.suites.model import CaseResult, CaseSpec, PolicySpec, Suite

__all__ = [
    "DEMO_SUITE",
    "EXPECTATIONS",
    "Demo",
    "DemoCase",
    "DemoPolicy",
    "DemoResult",
    "load_demo",
    "run_demo_case",
    "run_headless_demo",
]

#: the suite file inside the demo folder
DEMO_SUITE = "demo.suite.yaml"
#: verdict words of the demo (Verdict values)
EXPECTATIONS = ("accepted", "rejected", "mutated", "skipped", "settings-error", "error")


@dataclasses.dataclass(frozen=True)
class DemoCase:
    """One case of a demo policy; ``request`` is the file when the case names one."""

    name: str
    request: Path | None
    expect: str  # a Verdict value (accepted, rejected, mutated, skipped, settings-error, error)
    message: str | None = None  # a regular expression (re.search)
    settings: Path | None = None
    id: str = ""
    #: the AdmissionRequest the case sends (from the file, or scaffolded from an object)
    request_document: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    spec: CaseSpec | None = dataclasses.field(default=None, compare=False, repr=False)


@dataclasses.dataclass(frozen=True)
class DemoPolicy:
    id: str
    title: str
    module: Path
    engine: str = "wasm"  # wasm | rego-source | manifest
    execution_mode: str | None = None
    entrypoint: str | int | None = None
    settings: Path | None = None
    allow_context_aware: bool = False
    cluster_snapshot: Path | None = None
    description: str = ""
    cases: tuple[DemoCase, ...] = ()
    spec: PolicySpec | None = dataclasses.field(default=None, compare=False, repr=False)


@dataclasses.dataclass(frozen=True)
class Demo:
    root: Path
    policies: tuple[DemoPolicy, ...]
    suite: Suite | None = dataclasses.field(default=None, compare=False, repr=False)

    def policy(self, policy_id: str) -> DemoPolicy:
        for policy in self.policies:
            if policy.id == policy_id:
                return policy
        raise InputError(f"the demo has no policy {policy_id!r}")


@dataclasses.dataclass(frozen=True)
class DemoResult:
    policy: DemoPolicy
    case: DemoCase
    verdict: str  # one of EXPECTATIONS
    message: str
    response: dict[str, Any] | None
    elapsed_s: float
    result: CaseResult | None = None

    @property
    def as_expected(self) -> bool:
        return self.result.passed if self.result is not None else self.verdict == self.case.expect


def _file_field(suite: Suite, value: Any) -> Path | None:
    """A file a suite field names (relative to the suite), else None (inline or absent)."""
    return (suite.base / value).resolve() if isinstance(value, str) else None


def _raw_fields(suite: Suite) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The suite's policy and case mappings as written (for the file names of settings and requests)."""
    from workbench.core.suites.loader import parse_positions
    from workbench.core.yamlio import read_text

    data, _ = parse_positions(read_text(suite.path, "suite file"), str(suite.path))
    return dict(data.get("policies") or {}), list(data.get("cases") or [])


def _engine(module: Path) -> str:
    if module.suffix == ".rego" or module.is_dir():
        return "rego-source"
    if module.suffix in (".yaml", ".yml"):
        return "manifest"
    return "wasm"


def load_demo(root: Path | None = None) -> Demo:
    """The demo suite of ``root`` (default: the bundled ``resources/demo``)."""
    from workbench.core.suites.loader import load_suite

    root = (root or demo_dir()).resolve()
    suite = load_suite(root / DEMO_SUITE)
    raw_policies, raw_cases = _raw_fields(suite)
    by_policy: dict[str, list[DemoCase]] = {pid: [] for pid in suite.policies}
    for case, raw in zip(suite.cases, raw_cases, strict=True):
        for pid in case.policies:
            by_policy[pid].append(
                DemoCase(
                    name=case.description or case.id,
                    request=_file_field(suite, raw.get("request")),
                    expect=case.expect.verdict.value,
                    message=case.message,
                    settings=_file_field(suite, raw.get("settings")),
                    id=case.id,
                    request_document=case.request,
                    spec=case,
                )
            )
    policies = []
    for pid, spec in suite.policies.items():
        module = (spec.base / spec.module).resolve()
        policies.append(
            DemoPolicy(
                id=pid,
                title=spec.title or pid,
                module=module,
                engine=_engine(module),
                execution_mode=spec.execution_mode,
                entrypoint=spec.entrypoint,
                settings=_file_field(suite, (raw_policies.get(pid) or {}).get("settings")),
                allow_context_aware=spec.allow_context_aware,
                cluster_snapshot=spec.cluster_snapshot,
                description=spec.description,
                cases=tuple(by_policy[pid]),
                spec=spec,
            )
        )
    return Demo(root, tuple(policies), suite)


def _demo_of(policy: DemoPolicy) -> tuple[Suite, int]:
    if policy.spec is None:
        raise InputError(f"demo policy {policy.id} was not loaded from a suite (use load_demo)")
    suite = load_demo(policy.spec.base).suite
    assert suite is not None
    return suite, 0


def run_demo_case(policy: DemoPolicy, case: DemoCase, suite: Suite | None = None) -> DemoResult:
    """Run one demo case exactly as ``policy-workbench test`` does (scope check first)."""
    from workbench.core.suites.runner import CaseRunner, Job

    if suite is None:
        suite, _ = _demo_of(policy)
    index = next((i for i, c in enumerate(suite.cases) if c.id == case.id), None)
    if index is None:
        raise InputError(f"the demo suite has no case {case.id!r}")
    runner = CaseRunner([suite])
    try:
        result = runner.run(Job(0, index, policy.id))
    finally:
        runner.close()
    verdict = "accepted" if result.got == "allowed" else result.got
    return DemoResult(policy, case, verdict, result.message, result.response, result.elapsed_s, result)


def run_headless_demo(out: TextIO | None = None, root: Path | None = None) -> int:
    """Print the verdict table (policy × case); exit status 1 if any verdict is not the documented one."""
    from workbench.core.suites.runner import run_suites

    out = out or sys.stdout
    demo = load_demo(root)
    assert demo.suite is not None
    run = run_suites([demo.suite], workers=1)
    titles = {p.id: p.title for p in demo.policies}
    names = {c.id: (c.description or c.id) for c in demo.suite.cases}
    w_policy = max([len("policy")] + [len(titles[r.policy_id]) for r in run.results])
    w_case = max([len("case")] + [len(names[r.case_id]) for r in run.results])
    out.write(f"Policy Workbench demo ({demo.root})\n\n")
    out.write(f"{'policy':<{w_policy}}  {'case':<{w_case}}  {'verdict':<14}  message\n")
    out.write(f"{'-' * w_policy}  {'-' * w_case}  {'-' * 14}  {'-' * 7}\n")
    failures = 0
    for r in run.results:
        verdict = "accepted" if r.got == "allowed" else r.got
        mark = "" if r.passed else f"   <-- {r.reason}"
        failures += not r.passed
        message = r.message.replace("\n", " ")
        if len(message) > 90:
            message = message[:87] + "..."
        out.write(
            f"{titles[r.policy_id]:<{w_policy}}  {names[r.case_id]:<{w_case}}  {verdict:<14}  {message}{mark}\n"
        )
    out.write(f"\n{len(run.results) - failures} of {len(run.results)} verdicts as documented\n")
    return 1 if failures else 0
