"""The typed form of a test suite and of its results (see docs/suites.md).

Everything here is plain data (picklable), so suites and results cross the process
boundary of the parallel runner unchanged.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from pathlib import Path
from typing import Any

from workbench.core.session import Verdict

__all__ = [
    "CaseResult",
    "CaseSpec",
    "CaseStatus",
    "Expectation",
    "PolicySpec",
    "Position",
    "Suite",
    "SuiteRun",
]


class Expectation(StrEnum):
    """What a case expects. ``allowed`` (spelled ``accepted`` too) means allowed *without* a patch."""

    ALLOWED = "allowed"
    REJECTED = "rejected"
    MUTATED = "mutated"
    SKIPPED = "skipped"
    SETTINGS_ERROR = "settings-error"
    ERROR = "error"

    @classmethod
    def parse(cls, text: str) -> Expectation:
        return cls.ALLOWED if text == "accepted" else cls(text)

    @property
    def verdict(self) -> Verdict:
        return Verdict.ACCEPTED if self is Expectation.ALLOWED else Verdict(self.value)

    @classmethod
    def of(cls, verdict: Verdict) -> Expectation:
        return cls.ALLOWED if verdict is Verdict.ACCEPTED else cls(verdict.value)


class CaseStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclasses.dataclass(frozen=True)
class Position:
    """Where something is written: file and 1-based line."""

    file: Path
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclasses.dataclass(frozen=True)
class PolicySpec:
    """One entry of ``policies``: what to open and how to run it."""

    id: str
    module: str  # as written; resolved with PolicySource.parse(module, base=suite folder)
    base: Path
    position: Position
    title: str = ""
    description: str = ""
    settings: dict[str, Any] | None = None  # None: the manifest's settings, else {}
    execution_mode: str | None = None
    entrypoint: str | int | None = None
    raw: bool | None = None
    mode: str | None = None
    mutating: bool | None = None
    message: str | None = None
    timeout: float | None = 2.0
    allow_context_aware: bool = False
    allowed_host_capabilities: tuple[str, ...] = ("*",)
    cluster_snapshot: Path | None = None
    replay: Path | None = None
    scope: dict[str, Any] | None = None
    check_scope: bool = True


@dataclasses.dataclass(slots=True)
class CaseSpec:
    """One entry of ``cases``. Read-only by convention: not ``frozen``, because a suite builds
    thousands of them and a frozen dataclass costs four times as much to construct (see
    docs/suites.md, "Performance")."""

    id: str
    policies: tuple[str, ...]
    position: Position
    expect: Expectation
    #: the AdmissionRequest, already built (from a request file, or scaffolded from an object);
    #: read-only: cases naming the same file share it
    request: dict[str, Any]
    description: str = ""
    settings: dict[str, Any] | None = None
    message: str | None = None  # regular expression (re.search)
    code: int | None = None
    warnings: tuple[str, ...] | None = None  # regular expressions, each must match one warning
    patched: Any = None  # expected object after applying the patch (None: not checked)
    patch: list[dict[str, Any]] | None = None  # expected JSON Patch operations
    tags: tuple[str, ...] = ()
    #: how the request was given (a file name, or "CREATE of an inline object"), for reports
    source: str = ""
    #: gator-style assertions on Gatekeeper violations: (violations "yes"|"no"|N, message regex or None)
    assertions: tuple[tuple[str | int, str | None], ...] | None = None
    #: Kubernetes objects for data.inventory / the cluster snapshot of this case only
    inventory: tuple[dict[str, Any], ...] = ()


@dataclasses.dataclass(frozen=True)
class Suite:
    path: Path
    name: str
    policies: dict[str, PolicySpec]
    cases: tuple[CaseSpec, ...]
    description: str = ""
    #: "workbench" (our format) or "gator" (imported from a gator verify suite)
    format: str = "workbench"
    #: things the reader should know (e.g. gator tests that are not run)
    notes: tuple[str, ...] = ()

    @property
    def base(self) -> Path:
        return self.path.parent


@dataclasses.dataclass(slots=True)
class CaseResult:
    """The outcome of one case against one policy. Read-only by convention (not ``frozen``, for
    the same reason as :class:`CaseSpec`: one is made for every case of every run)."""

    suite: Path
    case_id: str
    policy_id: str
    line: int
    status: CaseStatus
    expected: str  # Expectation value
    got: str  # Verdict value ("" when cancelled)
    message: str  # the response's message / error text / skip reason
    reason: str  # why it failed ("" when it passed)
    elapsed_s: float
    tags: tuple[str, ...] = ()
    #: the AdmissionResponse (None for skipped/errors before evaluation)
    response: dict[str, Any] | None = None
    #: the decoded JSON Patch, and the object after applying it (mutations)
    patch: list[dict[str, Any]] | None = None
    patched: Any = None
    #: structural differences of a patched-object comparison ("path: expected X, got Y")
    diff: tuple[str, ...] = ()
    #: scope decision summary
    scope: str = ""
    #: gator-style violation count (Gatekeeper mode), when known
    violations: tuple[str, ...] | None = None

    @property
    def name(self) -> str:
        return self.case_id if self.policy_id == "" else f"{self.case_id} [{self.policy_id}]"

    @property
    def passed(self) -> bool:
        return self.status is CaseStatus.PASSED

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["suite"] = str(self.suite)
        out["status"] = self.status.value
        out["tags"] = list(self.tags)
        out["diff"] = list(self.diff)
        if self.violations is not None:
            out["violations"] = list(self.violations)
        return out


@dataclasses.dataclass
class SuiteRun:
    """All results of one run, in the suites' case order."""

    results: list[CaseResult]
    elapsed_s: float
    cancelled: bool = False
    workers: int = 1

    @property
    def passed(self) -> int:
        return sum(r.status is CaseStatus.PASSED for r in self.results)

    @property
    def failed(self) -> int:
        return sum(r.status is CaseStatus.FAILED for r in self.results)

    @property
    def ok(self) -> bool:
        return not self.cancelled and all(r.passed for r in self.results)
