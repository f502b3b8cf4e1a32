"""Run OPA builtin conformance cases (``*.jsonl``) against our host builtins.

Case format: see ``shared/conformance/README.md``. Each line has ``builtin``,
``args`` and exactly one of ``want`` (value), ``undefined: true`` or
``error`` (OPA's message) or ``error_contains`` (a part of OPA's message: OPA's own
YAML test cases match error texts by substring), and optionally ``select`` (a path of
keys/indices into the result; only that part is compared). Numbers compare by value (integers exactly), sets
(written as sorted arrays in ``want``) compare as arrays.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from workbench.core.engines.opa.builtins import REGISTRY, UNDEFINED, BuiltinContext, RegoSet
from workbench.core.engines.opa.builtins._values import canonical_key, dumps, loads
from workbench.core.errors import BuiltinError

__all__ = ["CaseResult", "run_case", "run_directory"]


@dataclasses.dataclass
class CaseResult:
    path: str
    line: int
    builtin: str
    args: Any
    want: str
    got: str
    ok: bool


def _apply_set_args(args: list[Any], paths: list[list[Any]]) -> list[Any]:
    for path in sorted(paths, key=len, reverse=True):
        parent: Any = args
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        parent[last] = RegoSet(parent[last])
    return args


def _normalise(value: Any) -> str:
    """Canonical text of a value with sets turned into sorted arrays (as the corpus writes them)."""
    return canonical_key(loads(dumps(value)))


def run_case(case: dict[str, Any], ctx: BuiltinContext | None = None) -> tuple[bool, str, str]:
    """Evaluate one case; returns (ok, want, got) as display strings."""
    name = case["builtin"]
    args = loads(json.dumps(case["args"]))
    if case.get("set_args"):
        args = _apply_set_args(args, case["set_args"])
    if "error" in case:
        want = f"error: {case['error']}"
    elif "error_contains" in case:
        want = f"error containing: {case['error_contains']}"
    elif case.get("undefined"):
        want = "undefined"
    else:
        want = json.dumps(case["want"], ensure_ascii=False)
    entry = REGISTRY.get(name)
    if entry is None:
        entry = REGISTRY.get(name)
    if entry is None:
        return False, want, "not implemented"
    ctx = ctx or BuiltinContext()
    try:
        result = entry(ctx, args)
    except BuiltinError as exc:
        got = f"error: {exc}"
        if "error_contains" in case:
            return case["error_contains"] in str(exc), want, got
        return got == want, want, got
    except Exception as exc:  # a crash is a failure to report, not to propagate
        return False, want, f"crash: {type(exc).__name__}: {exc}"
    for key in case.get("select", ()):
        # optional projection into the result (OPA's test cases often check one field)
        try:
            result = result[key] if not isinstance(result, RegoSet) else UNDEFINED
        except (KeyError, IndexError, TypeError):
            result = UNDEFINED
        if result is UNDEFINED:
            break
    if result is UNDEFINED:
        return want == "undefined", want, "undefined"
    try:
        got_text = dumps(result)
    except (TypeError, ValueError) as exc:
        return False, want, f"crash: unencodable result {exc}"
    if "error" in case or "error_contains" in case or case.get("undefined"):
        return False, want, got_text
    wanted = loads(json.dumps(case["want"]))
    return _normalise(result) == _normalise(wanted), want, got_text


def run_directory(directory: Path) -> list[CaseResult]:
    """Every case of every ``*.jsonl`` file of ``directory``, in file and line order.

    Each file starts from a fresh engine state: OPA's process-wide regexp cache (which some
    regex builtins' results depend on) is emptied before it, so earlier calls in this process
    cannot change the outcome.
    """
    from workbench.core.engines.opa.builtins.regex import clear_regexp_cache
    results: list[CaseResult] = []
    for path in sorted(directory.glob("*.jsonl")):
        clear_regexp_cache()
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            case = json.loads(line)
            ok, want, got = run_case(case)
            results.append(CaseResult(path.name, lineno, case["builtin"], case["args"], want, got, ok))
    return results
