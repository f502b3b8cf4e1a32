"""Compare engines: run one request through a policy's Rego source *and* its compiled Wasm.

The Rego source goes through the embedded interpreter
(:class:`~workbench.core.engines.rego_source.RegoSourceEngine`), the ``.wasm``
through the OPA ABI engine; both use the same input/response adapters, so any
difference in the verdict, the message, the patch or the raw result set is a
difference between the two evaluators (a builtin, a v0/v1 syntax subtlety, …) and
is listed in :attr:`Comparison.differences` for the GUI to highlight.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench.core.engines.base import ValidationOutcome, ValidationRequest
from workbench.core.engines.rego_source import RegoSource, load_rego_source
from workbench.core.errors import WorkbenchError
from workbench.core.module import PolicyModule
from workbench.core.session import (
    ExecutionMode,
    RunConfig,
    Session,
    Verdict,
    classify,
    open_session,
)

__all__ = ["Comparison", "EngineRun", "compare_engines", "compare_values"]


@dataclasses.dataclass(frozen=True)
class EngineRun:
    """What one engine produced: an outcome, or the error it stopped with."""

    label: str
    outcome: ValidationOutcome | None
    error: str | None = None
    #: the one verdict rule (:func:`workbench.core.session.classify`)
    verdict: Verdict = Verdict.ERROR

    @property
    def response(self) -> dict[str, Any] | None:
        return None if self.outcome is None else self.outcome.response.to_dict()

    @property
    def result_set(self) -> Any:
        return None if self.outcome is None else self.outcome.policy_output


@dataclasses.dataclass(frozen=True)
class Comparison:
    rego: EngineRun
    wasm: EngineRun
    #: human-readable differences ("response.allowed: rego-source true, wasm false"); empty = same
    differences: list[str]

    @property
    def same(self) -> bool:
        return not self.differences


def _canonical(value: Any) -> Any:
    """Result sets hold Rego sets as arrays in implementation order: compare them order-free."""
    if isinstance(value, list):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    return value


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= 120 else text[:117] + "..."


def compare_values(
    left: Any, right: Any, path: str = "", *, names: tuple[str, str] = ("rego", "wasm")
) -> list[str]:
    """Paths where two JSON values differ (numbers compare by value, so 1 == 1.0)."""
    a, b = names
    if isinstance(left, dict) and isinstance(right, dict):
        out: list[str] = []
        for key in sorted(set(left) | set(right)):
            sub = f"{path}.{key}" if path else str(key)
            if key not in left:
                out.append(f"{sub}: only {b} has it ({_show(right[key])})")
            elif key not in right:
                out.append(f"{sub}: only {a} has it ({_show(left[key])})")
            else:
                out.extend(compare_values(left[key], right[key], sub, names=names))
        return out
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        out = []
        for i, (x, y) in enumerate(zip(left, right, strict=True)):
            out.extend(compare_values(x, y, f"{path}[{i}]", names=names))
        return out
    if isinstance(left, bool) or isinstance(right, bool):
        same = type(left) is type(right) and left == right
    else:
        same = left == right
    if same:
        return []
    return [f"{path or '(value)'}: {a} {_show(left)}, {b} {_show(right)}"]


def _run(label: str, session: Session, request: ValidationRequest, settings: dict[str, Any]) -> EngineRun:
    evaluation = session.evaluate(request, settings)
    if evaluation.error is None:
        return EngineRun(label, evaluation.outcome, verdict=evaluation.verdict)
    prefix = "settings error: " if evaluation.verdict == Verdict.SETTINGS_ERROR else ""
    return EngineRun(label, None, f"{prefix}{evaluation.message}", verdict=evaluation.verdict)


def _open_and_run(
    label: str,
    source: PolicyModule | RegoSource,
    config: RunConfig,
    request: ValidationRequest,
    settings: dict[str, Any],
) -> EngineRun:
    try:
        session = open_session(source, config)
    except WorkbenchError as exc:
        return EngineRun(label, None, str(exc), verdict=classify(exc))
    with session:
        return _run(label, session, request, settings)


def compare_engines(
    rego_path: str | Path | Sequence[str | Path],
    wasm_module: PolicyModule | str | Path,
    request: ValidationRequest,
    settings: dict[str, Any],
    *,
    execution_mode: str | None = None,
    entrypoint: str | None = None,
    config: RunConfig | None = None,
) -> Comparison:
    """Run ``request`` through the Rego source and the compiled module; list every difference.

    ``wasm_module`` is a :class:`~workbench.core.module.PolicyModule` or a path to a
    ``.wasm``. The execution mode is the override, else the module's metadata, else
    the Rego source's (metadata.yml or guessed); the same mode and entrypoint are
    used for both engines. Both go through :func:`~workbench.core.session.open_session`.
    """
    from workbench.core.engines.rego_source import LABEL, resolve_rego_mode
    from workbench.core.module import load_module

    module = wasm_module if isinstance(wasm_module, PolicyModule) else load_module(wasm_module)
    rego_source = load_rego_source(rego_path)
    mode_text = execution_mode or module.execution_mode or resolve_rego_mode(rego_source)
    base = dataclasses.replace(config) if config is not None else RunConfig()
    base.execution_mode = ExecutionMode.parse(mode_text)
    if entrypoint is not None:
        base.entrypoint = entrypoint
    wasm_config = dataclasses.replace(base)
    rego_config = dataclasses.replace(base)
    if rego_config.entrypoint is None and module.is_rego:
        # the compiled module's default entrypoint is id 0: use its name for the source too
        from workbench.core.engines.opa import preflight

        rego_config.entrypoint = preflight.inspect_opa_module(module).entrypoint_name(0)
    elif isinstance(rego_config.entrypoint, int):
        from workbench.core.engines.opa import preflight

        rego_config.entrypoint = preflight.inspect_opa_module(module).entrypoint_name(rego_config.entrypoint)

    rego_run = _open_and_run(LABEL, rego_source, rego_config, request, settings)
    wasm_run = _open_and_run("OPA Wasm", module, wasm_config, request, settings)

    differences: list[str] = []
    if (rego_run.error is None) != (wasm_run.error is None):
        differences.append(f"error: rego-source {rego_run.error or 'none'}; wasm {wasm_run.error or 'none'}")
    elif rego_run.error is not None and rego_run.error != wasm_run.error:
        differences.append(f"error: rego-source {rego_run.error}; wasm {wasm_run.error}")
    else:
        names = ("rego-source", "wasm")
        differences.extend(compare_values(rego_run.response, wasm_run.response, "response", names=names))
        differences.extend(
            compare_values(
                _canonical(rego_run.result_set), _canonical(wasm_run.result_set), "result", names=names
            )
        )
    return Comparison(rego_run, wasm_run, differences)
