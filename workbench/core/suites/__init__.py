"""Policy test suites: saved cases with expected outcomes, run and reported (docs/suites.md)."""

from __future__ import annotations

from workbench.core.suites.gator import import_gator
from workbench.core.suites.loader import SuiteError, discover_suites, load_suite, load_suites, suite_schema
from workbench.core.suites.model import (
    CaseResult,
    CaseSpec,
    CaseStatus,
    Expectation,
    PolicySpec,
    Suite,
    SuiteRun,
)
from workbench.core.suites.report import OutputFormat, format_run
from workbench.core.suites.runner import (
    CaseRunner,
    ImpactChange,
    Job,
    compare_runs,
    default_jobs,
    impact_overrides,
    parse_shard,
    plan_jobs,
    run_impact,
    run_suites,
    shard_of,
)
from workbench.core.suites.update import SuiteUpdate, apply_updates, plan_updates, render_updates

__all__ = [
    "CaseResult",
    "CaseRunner",
    "CaseSpec",
    "CaseStatus",
    "Expectation",
    "ImpactChange",
    "Job",
    "OutputFormat",
    "PolicySpec",
    "Suite",
    "SuiteError",
    "SuiteRun",
    "SuiteUpdate",
    "apply_updates",
    "compare_runs",
    "default_jobs",
    "discover_suites",
    "format_run",
    "impact_overrides",
    "import_gator",
    "load_suite",
    "load_suites",
    "parse_shard",
    "plan_jobs",
    "plan_updates",
    "render_updates",
    "run_impact",
    "run_suites",
    "shard_of",
    "suite_schema",
]
