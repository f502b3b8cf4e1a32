"""The bundled offline demo: a manifest of policies × requests with the verdicts they should give.

``resources/demo/demo.yml``::

    policies:
      - id: require-labels                 # unique
        title: Require labels
        module: policies/require-labels/policy.wasm     # relative to the demo folder
        engine: wasm                       # wasm (default) | rego-source
        execution_mode: gatekeeper         # optional override (else the metadata's)
        entrypoint: policy/violation       # optional (OPA)
        settings: settings/require-labels.yml           # optional
        allow_context_aware: false
        cluster_snapshot: cluster/         # optional
        requests:
          - name: labelled pod
            request: requests/pod-labelled.json
            settings: settings/other.yml   # optional, overrides the policy's
            expect: accepted               # accepted | rejected | mutated | settings-error | error
            message: substring             # optional

The same manifest drives the GUI's demo mode, the headless demo and the demo tests.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from workbench.core.errors import InputError, SettingsError, WorkbenchError
from workbench.core.resources import demo_dir
from workbench.core.yamlio import load_yaml, read_text

__all__ = [
    "EXPECTATIONS",
    "Demo",
    "DemoCase",
    "DemoPolicy",
    "DemoResult",
    "load_demo",
    "run_demo_case",
    "run_headless_demo",
]

EXPECTATIONS = ("accepted", "rejected", "mutated", "settings-error", "error")


@dataclasses.dataclass(frozen=True)
class DemoCase:
    name: str
    request: Path
    expect: str
    message: str | None = None
    settings: Path | None = None


@dataclasses.dataclass(frozen=True)
class DemoPolicy:
    id: str
    title: str
    module: Path
    engine: str = "wasm"
    execution_mode: str | None = None
    entrypoint: str | None = None
    settings: Path | None = None
    allow_context_aware: bool = False
    cluster_snapshot: Path | None = None
    description: str = ""
    cases: tuple[DemoCase, ...] = ()


@dataclasses.dataclass(frozen=True)
class Demo:
    root: Path
    policies: tuple[DemoPolicy, ...]

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

    @property
    def as_expected(self) -> bool:
        if self.verdict != self.case.expect:
            return False
        return self.case.message is None or self.case.message in self.message


def _path(root: Path, value: Any, where: str, *, required: bool = True) -> Path | None:
    if value is None:
        if required:
            raise InputError(f"demo.yml: {where} is missing")
        return None
    if not isinstance(value, str):
        raise InputError(f"demo.yml: {where} must be a path string")
    path = (root / value).resolve()
    if not path.exists():
        raise InputError(f"demo.yml: {where} points to {value}, which does not exist")
    return path


def load_demo(root: Path | None = None) -> Demo:
    root = (root or demo_dir()).resolve()
    manifest = root / "demo.yml"
    data = load_yaml(read_text(manifest, "demo manifest"), str(manifest))
    if not isinstance(data, dict) or not isinstance(data.get("policies"), list):
        raise InputError(f"{manifest}: expected a mapping with a 'policies' list")
    policies: list[DemoPolicy] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["policies"]):
        where = f"policies[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise InputError(f"demo.yml: {where} needs an id")
        if raw["id"] in seen:
            raise InputError(f"demo.yml: duplicate policy id {raw['id']!r}")
        seen.add(raw["id"])
        cases = []
        for j, rc in enumerate(raw.get("requests") or []):
            cwhere = f"{where}.requests[{j}]"
            if not isinstance(rc, dict):
                raise InputError(f"demo.yml: {cwhere} must be a mapping")
            expect = rc.get("expect")
            if expect not in EXPECTATIONS:
                raise InputError(f"demo.yml: {cwhere}.expect must be one of {', '.join(EXPECTATIONS)}")
            cases.append(
                DemoCase(
                    name=str(rc.get("name") or f"request {j + 1}"),
                    request=_path(root, rc.get("request"), f"{cwhere}.request"),  # type: ignore[arg-type]
                    expect=expect,
                    message=rc.get("message"),
                    settings=_path(root, rc.get("settings"), f"{cwhere}.settings", required=False),
                )
            )
        engine = raw.get("engine", "wasm")
        if engine not in ("wasm", "rego-source"):
            raise InputError(f"demo.yml: {where}.engine must be wasm or rego-source")
        policies.append(
            DemoPolicy(
                id=raw["id"],
                title=str(raw.get("title") or raw["id"]),
                module=_path(root, raw.get("module"), f"{where}.module"),  # type: ignore[arg-type]
                engine=engine,
                execution_mode=raw.get("execution_mode"),
                entrypoint=raw.get("entrypoint"),
                settings=_path(root, raw.get("settings"), f"{where}.settings", required=False),
                allow_context_aware=bool(raw.get("allow_context_aware", False)),
                cluster_snapshot=_path(root, raw.get("cluster_snapshot"), f"{where}.cluster_snapshot", required=False),
                description=str(raw.get("description") or ""),
                cases=tuple(cases),
            )
        )
    return Demo(root, tuple(policies))


def _verdict(response: dict[str, Any]) -> tuple[str, str]:
    message = (response.get("status") or {}).get("message") or ""
    if response.get("patch"):
        return "mutated", message
    return ("accepted" if response.get("allowed") else "rejected"), message


def run_demo_case(policy: DemoPolicy, case: DemoCase) -> DemoResult:
    """Run one demo request through the same pipeline as ``run`` (or the Rego interpreter)."""
    from workbench.core.requests import load_request, load_settings
    from workbench.core.runner import PolicySession, RunConfig

    started = time.perf_counter()
    try:
        settings = load_settings(case.settings or policy.settings)
        config = RunConfig(
            execution_mode=policy.execution_mode if policy.engine == "wasm" else None,
            entrypoint=policy.entrypoint,
            allow_context_aware=policy.allow_context_aware,
            cluster_snapshot=policy.cluster_snapshot,
        )
        if policy.engine == "rego-source":
            from workbench.core.engines.rego_source import open_rego_session

            session = open_rego_session(policy.module, config, execution_mode=policy.execution_mode)
        else:
            from workbench.core.module import load_module

            session = PolicySession(load_module(policy.module), config)
        with session:
            request = load_request(case.request, raw=session.raw)
            outcome = session.run(request, settings)
        response = outcome.response.to_dict()
        verdict, message = _verdict(response)
    except SettingsError as exc:
        return DemoResult(policy, case, "settings-error", str(exc), None, time.perf_counter() - started)
    except WorkbenchError as exc:
        return DemoResult(policy, case, "error", str(exc), None, time.perf_counter() - started)
    return DemoResult(policy, case, verdict, message, response, time.perf_counter() - started)


def run_headless_demo(out: TextIO | None = None, root: Path | None = None) -> int:
    """Print the verdict table (policy × request); exit status 1 if any verdict is not the documented one."""
    out = out or sys.stdout
    demo = load_demo(root)
    rows = []
    for policy in demo.policies:
        for case in policy.cases:
            rows.append(run_demo_case(policy, case))
    w_policy = max([len("policy")] + [len(r.policy.title) for r in rows])
    w_case = max([len("request")] + [len(r.case.name) for r in rows])
    out.write(f"Policy Workbench demo ({demo.root})\n\n")
    out.write(f"{'policy':<{w_policy}}  {'request':<{w_case}}  {'verdict':<14}  message\n")
    out.write(f"{'-' * w_policy}  {'-' * w_case}  {'-' * 14}  {'-' * 7}\n")
    failures = 0
    for r in rows:
        mark = "" if r.as_expected else f"   <-- expected {r.case.expect}"
        failures += not r.as_expected
        message = r.message.replace("\n", " ")
        if len(message) > 90:
            message = message[:87] + "..."
        out.write(f"{r.policy.title:<{w_policy}}  {r.case.name:<{w_case}}  {r.verdict:<14}  {message}{mark}\n")
    out.write(f"\n{len(rows) - failures} of {len(rows)} verdicts as documented\n")
    return 1 if failures else 0
