"""Issue 13, OPA side: guest code outside evaluation runs under the deadline and the memory cap
(findings 4), memory starts at max(declared minimum, 5 pages) (22), hostile ``builtins`` maps and
result sets (10), and context-aware data built from a replayed kwctl session (23).

Modules are the hand-written OPA-ABI test module (tests/opa_wat.py) with generated additions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import wasmtime
from hostile import run_cli
from opa_wat import BUILTINS, opa_wat

from workbench.core.engines.base import EngineOptions, ValidationRequest
from workbench.core.engines.hostcaps import build_host_capabilities
from workbench.core.engines.opa import preflight
from workbench.core.engines.opa.abi import MIN_INITIAL_PAGES, PAGE_SIZE, initial_pages
from workbench.core.engines.opa.engine import OpaEngine
from workbench.core.errors import EvaluationTimeout, UnsupportedAbiError
from workbench.core.module import PolicyModule

REQUEST = {
    "uid": "uid-1",
    "kind": {"group": "", "version": "v1", "kind": "Pod"},
    "resource": {"group": "", "version": "v1", "resource": "pods"},
    "operation": "CREATE",
    "userInfo": {"username": "tester"},
    "object": {"metadata": {"name": "p", "namespace": "team-a"}},
}


def _escape(text: str) -> str:
    return "".join(f"\\{b:02x}" for b in text.encode())


def _module(extra: str = "", *, replace: tuple[str, str] | None = None, **kwargs: Any) -> PolicyModule:
    """The OPA test module plus ``extra`` WAT fields; ``replace`` swaps a same-length data text."""
    text = opa_wat(**kwargs)
    if replace is not None:
        old, new = replace
        assert len(old.encode()) == len(new.encode()) and _escape(old) in text
        text = text.replace(_escape(old), _escape(new))
    text = text.rstrip()
    assert text.endswith(")")
    return PolicyModule.from_bytes(bytes(wasmtime.wat2wasm(text[:-1] + extra + "\n)")))


def _extras(value: Any = None) -> dict[str, Any]:
    return {name: (lambda *_args: value) for name in BUILTINS}


def _engine(module: PolicyModule, mode: str = "opa", **options: Any) -> OpaEngine:
    options.setdefault("extra_builtins", _extras())
    return OpaEngine(module, mode, EngineOptions(**options))


SPIN = "(func $spin (loop $l (br $l))) (start $spin)"
HOG = (
    "(func $hog (block $d (loop $l"
    " (br_if $d (i32.eq (memory.grow (i32.const 256)) (i32.const -1)))"
    " (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (i32.const 1))"
    " (br $l)))) (start $hog)"
)


# -- finding 4: start function and maps under the deadline and the memory cap -------------------------
def test_start_function_loop_ends_at_the_deadline_in_preflight_and_engine():
    module = _module(SPIN)
    with pytest.raises(EvaluationTimeout):
        preflight.inspect_opa_module(module, timeout=0.2)
    with pytest.raises(EvaluationTimeout):
        _engine(module, timeout=0.2)


def test_start_function_memory_is_capped_in_preflight():
    module = _module(HOG)
    limit = 16 * 1024 * 1024
    info = preflight.inspect_opa_module(module, memory_limit=limit)
    assert info.initial_memory_pages * PAGE_SIZE <= limit


def test_inspect_of_a_looping_start_function_is_an_error_line(tmp_path: Path):
    path = tmp_path / "spin.wasm"
    path.write_bytes(_module(SPIN).data)
    run = run_cli(["inspect", str(path)], cwd=tmp_path, timeout=120)
    assert run.returncode != 0
    assert run.stderr.startswith("error: ") and "Traceback" not in run.stderr
    assert "exceeded the allowed execution time" in run.stderr
    print(f"inspect of a looping start function: {run.wall_s:.2f} s, peak RSS {run.peak_rss_mb:.0f} MB")


# -- finding 22: initial memory -----------------------------------------------------------------------
def test_memory_starts_with_five_pages_when_data_ends_past_the_declared_minimum():
    module = _module('(data (i32.const 200000) "late data")')  # declared minimum: 2 pages (128 KiB)
    engine = _engine(module, entrypoint="test/echo")
    outcome = engine.validate(ValidationRequest(REQUEST), {})
    assert outcome.policy_output == [{"result": {"request": REQUEST}}]
    assert engine.memory_size() >= MIN_INITIAL_PAGES * PAGE_SIZE
    engine.close()


@pytest.mark.parametrize(
    ("declared", "maximum", "limit", "expected"),
    [
        (2, None, None, 5),
        (7, None, None, 7),
        (2, 3, None, 3),
        (2, None, 3 * PAGE_SIZE, 3),
        (4, None, PAGE_SIZE, 4),
    ],
)
def test_initial_pages(declared, maximum, limit, expected):
    assert initial_pages(declared, maximum, limit) == expected


# -- finding 10: hostile builtins maps and result sets ------------------------------------------------
@pytest.mark.parametrize(
    ("builtins", "replace", "message"),
    [
        ({"weird": [1, 2]}, None, "maps 'weird' to"),
        ({"weird": True}, None, "maps 'weird' to"),
        ({"weird": [1, 2]}, ('{"weird":[1,2]}', '{"weird":[1,2]!'), "not valid JSON"),
    ],
    ids=["list-id", "bool-id", "not-json"],
)
def test_hostile_builtins_map_is_an_abi_error(builtins, replace, message, tmp_path: Path):
    module = _module(replace=replace, builtins=builtins)
    with pytest.raises(UnsupportedAbiError, match=message):
        preflight.inspect_opa_module(module)
    path = tmp_path / "bad.wasm"
    path.write_bytes(module.data)
    run = run_cli(["inspect", str(path)], cwd=tmp_path)
    assert run.returncode != 0 and run.stderr.startswith("error: ") and "Traceback" not in run.stderr


def test_result_set_nested_too_deeply_is_a_500():
    deep: Any = "leaf"
    for _ in range(126):
        deep = {"a": deep}
    request = {**REQUEST, "object": deep}
    engine = _engine(_module(), entrypoint="test/echo")
    outcome = engine.validate(ValidationRequest(request), {})
    engine.close()
    assert outcome.response.allowed is False and outcome.response.code == 500
    assert "nested too deeply" in (outcome.response.message or "")


# -- finding 23: context-aware data from a replayed kwctl session -------------------------------------
SESSION = """\
- type: Exchange
  request: |
    !KubernetesGetResourcePluralName
    api_version: v1
    kind: Namespace
  response:
    type: Success
    payload: '"namespaces"'
- type: Exchange
  request: |
    !KubernetesListResourceAll
    api_version: v1
    kind: Namespace
    label_selector: null
    field_selector: null
  response:
    type: Success
    payload: '{"items":[{"metadata":{"name":"team-a","labels":{"owner":"a"}}}],"metadata":{"resourceVersion":""}}'
- type: Exchange
  request: |
    !DNSLookupHost
    host: example.com
  response:
    type: Success
    payload: '["127.0.0.1"]'
"""


@pytest.mark.parametrize("mode", ["opa", "gatekeeper"])
def test_context_aware_rego_data_comes_from_a_replayed_session(mode, tmp_path: Path):
    session = tmp_path / "session.yml"
    session.write_text(SESSION)
    records: list[Any] = []
    provider = build_host_capabilities(
        context_aware_resources=[("v1", "Namespace")], replay_path=session, log=records.append
    )
    engine = _engine(
        _module(),
        mode,
        entrypoint="test/data",
        host_capabilities=provider,
        context_aware_resources=(("v1", "Namespace"),),
        log=records.append,
    )
    namespace = {"metadata": {"name": "team-a", "labels": {"owner": "a"}}}
    outcome = engine.validate(ValidationRequest(REQUEST), {})
    if mode == "opa":
        assert outcome.policy_output == [{"result": {"kubernetes": {"namespaces": {"team-a": namespace}}}}]
    else:
        assert outcome.policy_output == [
            {
                "result": {
                    "inventory": {"cluster": {"v1": {"Namespace": {"team-a": namespace}}}, "namespace": {}}
                }
            }
        ]
    engine.close()
    warnings = [r.message for r in records if r.level == "warning"]
    assert any("1 recorded host capabilities interaction(s)" in w for w in warnings)  # the DNS entry
