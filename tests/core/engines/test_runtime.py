"""wasmtime plumbing: shared engine, epoch ticker, per-evaluation deadlines and cancellation."""

from __future__ import annotations

import threading
import time
from importlib import metadata

import pytest
import wasmtime

from workbench.core.engines.runtime import (
    ENGINE_CONFIG_ID,
    Watchdog,
    shared_engine,
    ticker_for,
    wasmtime_version,
)

SPIN_WAT = """
(module
  (func (export "spin") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.get $i))
  (func (export "forever") (loop $l (br $l))))
"""


@pytest.fixture(scope="module")
def spin_module() -> wasmtime.Module:
    return wasmtime.Module(shared_engine(), wasmtime.wat2wasm(SPIN_WAT))


def _instance(module: wasmtime.Module) -> tuple[wasmtime.Store, wasmtime.Instance, Watchdog]:
    store = wasmtime.Store(shared_engine())
    watchdog = Watchdog(shared_engine())
    watchdog.attach(store)
    return store, wasmtime.Instance(store, module, []), watchdog


def test_shared_engine_is_one_per_process() -> None:
    assert shared_engine() is shared_engine(ENGINE_CONFIG_ID)
    assert ticker_for(shared_engine()) is ticker_for(shared_engine())
    with pytest.raises(ValueError, match="unknown engine configuration"):
        shared_engine("epoch_interruption=0")
    assert wasmtime_version() == metadata.version("wasmtime")


def test_guest_finishes_within_its_deadline(spin_module: wasmtime.Module) -> None:
    store, instance, watchdog = _instance(spin_module)
    with watchdog.guard(store, 5.0):
        result = instance.exports(store)["spin"](store, 2_000_000)
    assert result == 2_000_000 and watchdog.reason is None


def test_deadline_traps_an_endless_guest(spin_module: wasmtime.Module) -> None:
    store, instance, watchdog = _instance(spin_module)
    started = time.monotonic()
    with pytest.raises(wasmtime.WasmtimeError, match="evaluation timeout"), watchdog.guard(store, 0.1):
        instance.exports(store)["forever"](store)
    assert watchdog.reason == "timeout"
    assert 0.09 <= time.monotonic() - started < 5
    # the store is still usable for the next evaluation
    with watchdog.guard(store, 5.0):
        assert instance.exports(store)["spin"](store, 10) == 10
    assert watchdog.reason is None


def test_no_timeout_runs_until_cancelled_from_another_thread(spin_module: wasmtime.Module) -> None:
    store, instance, watchdog = _instance(spin_module)
    timer = threading.Timer(0.1, watchdog.interrupt)
    timer.start()
    try:
        with pytest.raises(wasmtime.WasmtimeError, match="evaluation cancelled"), watchdog.guard(store, None):
            instance.exports(store)["forever"](store)
    finally:
        timer.cancel()
    assert watchdog.reason == "cancelled" and watchdog.cancelled
    watchdog.reset_cancel()
    assert not watchdog.cancelled
    with watchdog.guard(store, 5.0):
        assert instance.exports(store)["spin"](store, 3) == 3


def test_cancelling_one_evaluation_leaves_another_running(spin_module: wasmtime.Module) -> None:
    """Deadlines and cancel flags are per Store even though the Engine (and its epoch) is shared."""
    store_a, instance_a, watchdog_a = _instance(spin_module)
    store_b, instance_b, watchdog_b = _instance(spin_module)
    results: dict[str, object] = {}

    def long_b() -> None:
        try:
            with watchdog_b.guard(store_b, 30.0):
                results["b"] = instance_b.exports(store_b)["spin"](store_b, 150_000_000)
        except Exception as exc:  # pragma: no cover - reported below
            results["b"] = exc

    thread = threading.Thread(target=long_b)
    thread.start()
    threading.Timer(0.05, watchdog_a.interrupt).start()
    with pytest.raises(wasmtime.WasmtimeError, match="cancelled"), watchdog_a.guard(store_a, None):
        instance_a.exports(store_a)["forever"](store_a)
    thread.join(60)
    assert results["b"] == 150_000_000
    assert watchdog_b.reason is None
