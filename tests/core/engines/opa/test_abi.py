"""The OPA Wasm ABI host (workbench.core.engines.opa.abi) on hand-written WAT modules."""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import pytest
import wasmtime
from hypothesis import given, settings
from hypothesis import strategies as st
from opa_wat import BUILTINS, ENTRYPOINTS, MISSING_BUILTIN, make_module

from workbench.core.engines import runtime
from workbench.core.engines.base import CancelToken, EngineOptions, LogRecord
from workbench.core.engines.opa import preflight
from workbench.core.engines.opa.abi import TIMEOUT_MESSAGE, OpaInstance, rego_text
from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins._values import loads, parse_rego_value
from workbench.core.engines.opa.engine import OpaEngine
from workbench.core.errors import (
    BuiltinError,
    EvaluationCancelled,
    EvaluationTimeout,
    InputError,
    MissingBuiltinError,
    PolicyTrap,
    UnsupportedAbiError,
)


def _instance(module: Any, dispatcher: Any = None, **kwargs: Any) -> OpaInstance:
    return OpaInstance(
        runtime.shared_engine(), preflight.compiled_module(module), dispatcher=dispatcher, **kwargs
    )


def _echo_builtins() -> dict[str, Any]:
    return {
        "test.zero": lambda: 42,
        "test.one": lambda a: {"one": a},
        "test.two": lambda a, b: [a, b],
        "test.three": lambda a, b, c: [len([a, b, c])],
        "test.four": lambda a, b, c, d: {"n": 4, "same": a == b == c == d},
        "test.set": len,
    }


def _engine(module: Any, **kwargs: Any) -> OpaEngine:
    extra = kwargs.pop("extra_builtins", _echo_builtins())
    return OpaEngine(module, "opa", EngineOptions(extra_builtins=extra, **kwargs))


# -- flows ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "flow"), [(0, "context"), (1, "context"), (2, "opa_eval"), (3, "opa_eval")]
)
def test_flow_follows_abi_minor_version(opa_module_factory: Any, minor: int, flow: str) -> None:
    instance = _instance(opa_module_factory(minor=minor))
    assert instance.abi_version == (1, minor)
    assert instance.flow == flow
    assert instance.entrypoints == ENTRYPOINTS
    assert instance.builtins == BUILTINS


def test_minor_2_without_opa_eval_export_uses_context_calls(opa_module_factory: Any) -> None:
    instance = _instance(opa_module_factory(minor=2, eval_export=False))
    assert instance.flow == "context"
    assert loads(instance.evaluate(b'{"x":1}', 0)) == [{"result": {"x": 1}}]


def test_echo_input_and_data(opa_module: Any) -> None:
    engine = _engine(opa_module)
    assert engine.evaluate({"a": [1, 2.5, "é"]}, entrypoint="test/echo") == [{"result": {"a": [1, 2.5, "é"]}}]
    assert engine.evaluate({}, data={"d": True}, entrypoint="test/data") == [{"result": {"d": True}}]
    # data is reloaded only when it changes, and a changed value is seen
    assert engine.evaluate({}, data={"d": False}, entrypoint=1) == [{"result": {"d": False}}]
    assert engine.evaluate({}, entrypoint="test/undefined") == []


def test_both_flows_give_identical_bytes(opa_module_factory: Any) -> None:
    context = _instance(opa_module_factory(minor=1))
    fast = _instance(opa_module_factory(minor=2))
    for instance in (context, fast):
        instance.set_data(b'{"k":[1,2,3]}')
    payload = json.dumps({"request": {"uid": "u", "object": {"n": list(range(50))}}}).encode()
    for ep in (0, 1, 13, 14, 15):
        assert context.evaluate(payload, ep) == fast.evaluate(payload, ep)


@pytest.mark.parametrize("minor", [1, 2])
def test_heap_is_reset_so_memory_does_not_grow(opa_module_factory: Any, minor: int) -> None:
    instance = _instance(opa_module_factory(minor=minor))
    instance.set_data(b'{"big":"' + b"x" * 4096 + b'"}')
    payload = json.dumps({"pad": "y" * 2000}).encode()
    for _ in range(10):
        instance.evaluate(payload, 0)
    size_after_10, heap_after_10 = instance.memory_size(), instance.heap_ptr()
    # without the reset each evaluation leaks > 4 KB: 100k (or 20k) evaluations would need > 80 MB
    for _ in range(100_000 if minor == 2 else 20_000):
        instance.evaluate(payload, 0)
    assert instance.memory_size() == size_after_10
    assert instance.heap_ptr() == heap_after_10


def test_large_input_grows_memory_from_the_host(opa_module: Any) -> None:
    instance = _instance(opa_module)
    big = {"blob": "z" * (3 * 1024 * 1024)}
    assert instance.evaluate_value(big, 0) == [{"result": big}]
    assert instance.memory_size() > 3 * 1024 * 1024


# -- abort, println, traps ------------------------------------------------------------------------


def test_abort_raises_policy_trap_with_message_and_engine_recovers(opa_module: Any) -> None:
    engine = _engine(opa_module)
    with pytest.raises(PolicyTrap, match="boom from policy") as info:
        engine.evaluate({}, entrypoint="test/abort")
    assert info.value.abort_message == "boom from policy"  # type: ignore[attr-defined]
    assert engine.evaluate({"after": 1}, entrypoint="test/echo") == [{"result": {"after": 1}}]


def test_unknown_entrypoint_id_aborts_in_the_guest(opa_module: Any) -> None:
    instance = _instance(opa_module)
    with pytest.raises(PolicyTrap, match="internal: illegal entrypoint id"):
        instance.evaluate(b"{}", 99)
    assert instance.broken


def test_unknown_entrypoint_is_rejected_before_running(opa_module: Any) -> None:
    engine = _engine(opa_module)
    with pytest.raises(InputError, match=r"unknown entrypoint 'nope'.*test/echo \(0\)"):
        engine.evaluate({}, entrypoint="nope")
    with pytest.raises(InputError, match="unknown entrypoint id 77"):
        engine.evaluate({}, entrypoint=77)


def test_println_goes_to_the_policy_log(opa_module: Any) -> None:
    records: list[LogRecord] = []
    engine = _engine(opa_module, log=records.append)
    assert engine.evaluate({"p": 1}, entrypoint="test/println") == [{"result": {"p": 1}}]
    assert [(r.source, r.level, r.message) for r in records] == [("policy", "info", "hello from policy")]


def test_malformed_input_in_context_flow_is_an_input_error(opa_module_factory: Any) -> None:
    instance = _instance(opa_module_factory(minor=1))
    with pytest.raises(InputError, match="input is not valid JSON"):
        instance.evaluate(b"!not json", 0)
    assert not instance.broken
    assert instance.evaluate(b"[1]", 0) == b'[{"result":[1]}]'


def test_malformed_data_is_an_input_error(opa_module: Any) -> None:
    instance = _instance(opa_module)
    with pytest.raises(InputError, match="data is not valid JSON"):
        instance.set_data(b"!bad")
    instance.set_data(b'{"ok":1}')
    assert instance.evaluate(b"{}", 1) == b'[{"result":{"ok":1}}]'


# -- builtins -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entrypoint", "expected"),
    [
        ("test/b0", 42),
        ("test/b1", {"one": {"v": 1}}),
        ("test/b2", [{"v": 1}, {"v": 1}]),
        ("test/b3", [3]),
        ("test/b4", {"n": 4, "same": True}),
    ],
)
def test_builtin_dispatch_for_every_arity(opa_module: Any, entrypoint: str, expected: Any) -> None:
    engine = _engine(opa_module)
    assert engine.evaluate({"v": 1}, entrypoint=entrypoint) == [{"result": expected}]


def test_builtin_returning_undefined_returns_zero(opa_module: Any) -> None:
    from workbench.core.engines.opa.builtins import UNDEFINED

    engine = _engine(opa_module, extra_builtins={**_echo_builtins(), "test.one": lambda _a: UNDEFINED})
    assert engine.evaluate({}, entrypoint="test/b1") == []


def test_set_arguments_arrive_as_sets_through_value_dump(opa_module: Any) -> None:
    seen: list[Any] = []
    engine = _engine(
        opa_module, extra_builtins={**_echo_builtins(), "test.set": lambda s: seen.append(s) or len(s)}
    )
    assert engine.evaluate({}, entrypoint="test/set") == [{"result": 2}]
    assert seen == [RegoSet([1, 2])]


def test_without_value_dump_sets_arrive_as_arrays(opa_module_factory: Any) -> None:
    seen: list[Any] = []
    module = opa_module_factory(minor=2, value_dump=False)
    engine = _engine(module, extra_builtins={**_echo_builtins(), "test.set": lambda s: seen.append(s) or 0})
    engine.evaluate({}, entrypoint="test/set")
    assert seen == [[1, 2]]


def test_builtin_error_propagates_with_its_message(opa_module: Any) -> None:
    def failing(_a: Any) -> Any:
        raise BuiltinError("test.one: operand 1 must be string but got object", code="eval_type_error")

    engine = _engine(opa_module, extra_builtins={**_echo_builtins(), "test.one": failing})
    with pytest.raises(BuiltinError, match=r"^test.one: operand 1 must be string but got object$") as info:
        engine.evaluate({}, entrypoint="test/b1")
    assert info.value.code == "eval_type_error"
    assert engine.evaluate({"x": 2}, entrypoint="test/echo") == [{"result": {"x": 2}}]


def test_extra_builtin_errors_are_prefixed_with_the_builtin_name(opa_module: Any) -> None:
    def failing(_a: Any) -> Any:
        raise BuiltinError("no such thing")

    engine = _engine(opa_module, extra_builtins={**_echo_builtins(), "test.one": failing})
    with pytest.raises(BuiltinError, match=r"^test\.one: no such thing$"):
        engine.evaluate({}, entrypoint="test/b1")


@pytest.mark.parametrize(
    ("name", "argument"),
    [("http.send", {"method": "get", "url": "http://127.0.0.1:9/"}), ("net.lookup_ip_addr", "localhost")],
)
def test_network_builtins_are_disabled_by_default(opa_module_factory: Any, name: str, argument: Any) -> None:
    from workbench.core.engines.opa.builtins import BuiltinOptions

    module = opa_module_factory(minor=2, builtins={name: 20})
    assert preflight.missing_builtins(module) == []
    engine = OpaEngine(module, "opa", EngineOptions(builtin_options=BuiltinOptions()))
    with pytest.raises(BuiltinError, match=rf"^{re.escape(name)}: disabled in Policy Workbench"):
        engine.evaluate(argument, entrypoint="test/missing")


def test_one_builtin_context_per_evaluation(opa_module: Any) -> None:
    from workbench.core.engines.opa.builtins import REGISTRY

    contexts: list[Any] = []

    def now(_a: Any) -> Any:
        contexts.append(engine._builtin_ctx)
        return REGISTRY["time.now_ns"](engine._builtin_ctx, [])

    engine = _engine(opa_module, extra_builtins={**_echo_builtins(), "test.one": now})
    first = engine.evaluate({}, entrypoint="test/b1")[0]["result"]
    second = engine.evaluate({}, entrypoint="test/b1")[0]["result"]
    assert contexts[0] is not contexts[1]
    assert [first, second] == [contexts[0].now_ns, contexts[1].now_ns]


def test_unexpected_python_error_in_a_builtin_becomes_a_builtin_error(opa_module: Any) -> None:
    engine = _engine(opa_module, extra_builtins={**_echo_builtins(), "test.two": lambda a, b: 1 / 0})
    with pytest.raises(BuiltinError, match=r"test\.two: ZeroDivisionError"):
        engine.evaluate({}, entrypoint="test/b2")


def test_builtin_ids_not_in_the_map_fail_cleanly(opa_module: Any) -> None:
    engine = _engine(opa_module)
    with pytest.raises(BuiltinError, match="id 20 is not in the module's builtins map"):
        engine.evaluate({}, entrypoint="test/missing")


def test_missing_builtin_fails_before_running(opa_module_factory: Any) -> None:
    module = opa_module_factory(minor=2, builtins={**BUILTINS, MISSING_BUILTIN: 20})
    assert MISSING_BUILTIN in preflight.missing_builtins(module)
    engine = _engine(module)
    assert MISSING_BUILTIN in engine.missing_builtins()
    with pytest.raises(MissingBuiltinError) as info:
        engine.evaluate({}, entrypoint="test/echo")
    assert info.value.missing == [MISSING_BUILTIN]
    assert engine.memory_size() == 0  # nothing was instantiated for evaluation
    # supplying it as an extra builtin makes the module runnable
    extra = {**_echo_builtins(), MISSING_BUILTIN: lambda a: "supplied"}
    assert _engine(module, extra_builtins=extra).evaluate({}, entrypoint="test/missing") == [
        {"result": "supplied"}
    ]


def test_missing_builtin_error_names_every_missing_builtin(opa_module_factory: Any) -> None:
    engine = _engine(opa_module_factory(minor=1), extra_builtins={})
    with pytest.raises(
        MissingBuiltinError, match=re.escape("test.four, test.one, test.set, test.three, test.two, test.zero")
    ):
        engine.evaluate({})


# -- deadline, cancel, memory cap -------------------------------------------------------------------


def test_infinite_loop_times_out_and_engine_stays_usable(opa_module: Any) -> None:
    engine = _engine(opa_module, timeout=0.2)
    with pytest.raises(EvaluationTimeout, match=f"^{TIMEOUT_MESSAGE}$"):
        engine.evaluate({}, entrypoint="test/loop")
    assert engine.evaluate({"again": True}, entrypoint="test/echo") == [{"result": {"again": True}}]


def test_interrupt_cancels_a_running_evaluation(opa_module: Any) -> None:
    engine = _engine(opa_module, timeout=None)
    timer = threading.Timer(0.1, engine.interrupt)
    timer.start()
    with pytest.raises(EvaluationCancelled):
        engine.evaluate({}, entrypoint="test/loop")
    timer.join()
    assert engine.evaluate({}, entrypoint="test/echo") == [{"result": {}}]


def test_cancel_token_cancels_and_stays_cancelled(opa_module: Any) -> None:
    token = CancelToken()
    engine = _engine(opa_module, timeout=5, cancel=token)
    timer = threading.Timer(0.1, token.cancel)
    timer.start()
    with pytest.raises(EvaluationCancelled):
        engine.evaluate({}, entrypoint="test/loop")
    timer.join()
    with pytest.raises(EvaluationCancelled):
        engine.evaluate({}, entrypoint="test/echo")


def test_cancelling_one_engine_does_not_disturb_another(opa_module: Any) -> None:
    victim = _engine(opa_module, timeout=None)
    bystander = _engine(opa_module, timeout=None)
    errors: list[BaseException] = []

    def spin() -> None:
        try:
            victim.evaluate({}, entrypoint="test/loop")
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=spin)
    thread.start()
    for _ in range(200):
        assert bystander.evaluate({"n": 1}, entrypoint="test/echo") == [{"result": {"n": 1}}]
    victim.interrupt()
    thread.join(5)
    assert len(errors) == 1
    assert isinstance(errors[0], EvaluationCancelled)


def test_memory_cap_stops_a_hungry_policy(opa_module: Any) -> None:
    engine = _engine(opa_module, memory_limit=32 * 1024 * 1024)
    with pytest.raises(PolicyTrap, match="exceeded its memory limit of 33554432 bytes"):
        engine.evaluate({}, entrypoint="test/hog")
    assert engine.evaluate({}, entrypoint="test/echo") == [{"result": {}}]


def test_memory_cap_applies_to_host_written_input(opa_module: Any) -> None:
    engine = _engine(opa_module, memory_limit=1024 * 1024)
    with pytest.raises(PolicyTrap, match="memory limit"):
        engine.evaluate({"blob": "x" * (2 * 1024 * 1024)}, entrypoint="test/echo")
    assert engine.evaluate({"small": 1}, entrypoint="test/echo") == [{"result": {"small": 1}}]


def test_memory_limit_below_the_module_minimum(opa_module: Any) -> None:
    with pytest.raises(PolicyTrap, match="needs at least 131072 bytes"):
        _instance(opa_module, memory_limit=65536)


# -- unsupported modules ------------------------------------------------------------------------------


def test_pre_1_0_module_is_rejected(opa_module_factory: Any) -> None:
    module = opa_module_factory(minor=1, abi_globals=False, entrypoints_export=False)
    with pytest.raises(UnsupportedAbiError, match="unsupported OPA ABI"):
        preflight.inspect_opa_module(module)
    assert preflight.abi_version(module) is None


def test_non_opa_module_is_rejected() -> None:
    module = make_module_from_wat('(module (func (export "_start")))')
    with pytest.raises(UnsupportedAbiError, match="unsupported OPA ABI"):
        OpaEngine(module, "opa", EngineOptions())


def make_module_from_wat(text: str) -> Any:
    from workbench.core.module import PolicyModule

    return PolicyModule.from_bytes(bytes(wasmtime.wat2wasm(text)))


def test_conftest_module_compiles() -> None:
    assert make_module(minor=3).abi == (1, 3)


# -- Rego value text for builtin results ----------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.text(max_size=8),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda f: f + 0.0),  # no -0.0
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
        st.lists(inner, max_size=4).map(RegoSet),
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(_values)
def test_rego_text_round_trips_through_the_rego_parser(value: Any) -> None:
    assert parse_rego_value(rego_text(value)) == _normalise(value)


def _normalise(value: Any) -> Any:
    """What the parser gives back: floats stay floats by value, sets stay sets."""
    if isinstance(value, RegoSet):
        return RegoSet(_normalise(v) for v in value)
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    return value
