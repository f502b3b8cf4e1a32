"""Compile cache: disk round trip, HMAC verification, corruption recovery, key separation."""

from __future__ import annotations

import hashlib

import pytest
import wasmtime

from workbench.core import cache
from workbench.core.cache import cache_dir, cache_key, clear_cache, compile_module, forget_compiled
from workbench.core.engines.runtime import shared_engine
from workbench.core.errors import ModuleError

WAT = '(module (func (export "answer") (result i32) (i32.const %d)) (memory (export "memory") 1))'


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    forget_compiled()
    yield tmp_path / "cache" / "modules"
    forget_compiled()


def _wasm(value: int = 42) -> tuple[bytes, str]:
    data = wasmtime.wat2wasm(WAT % value)
    return data, hashlib.sha256(data).hexdigest()


def _answer(module: wasmtime.Module) -> int:
    store = wasmtime.Store(shared_engine())
    store.set_epoch_deadline(1_000_000)
    instance = wasmtime.Instance(store, module, [])
    return instance.exports(store)["answer"](store)


class _DeserializeSpy:
    def __init__(self, monkeypatch):
        self.calls = 0
        original = wasmtime.Module.deserialize

        def spy(engine, data):
            self.calls += 1
            return original(engine, data)

        monkeypatch.setattr(wasmtime.Module, "deserialize", staticmethod(spy))


def test_round_trip_through_disk(isolated_cache, monkeypatch):
    engine = shared_engine()
    data, digest = _wasm()
    first = compile_module(engine, data, digest)
    assert cache_dir() == isolated_cache
    entry = isolated_cache / f"{cache_key(digest)}.cwasm"
    key = isolated_cache.parent / "hmac.key"  # outside the entries' folder
    assert entry.is_file() and key.stat().st_mode & 0o777 == 0o600 and not (isolated_cache / "hmac.key").exists()
    assert isolated_cache.stat().st_mode & 0o777 == 0o700
    assert compile_module(engine, data, digest) is first  # in-process memo
    forget_compiled()
    spy = _DeserializeSpy(monkeypatch)
    second = compile_module(engine, data, digest)
    assert spy.calls == 1 and second is not first
    assert _answer(second) == 42


@pytest.mark.parametrize("damage", ["flip-payload", "flip-mac", "truncate", "garbage", "empty"])
def test_corrupted_entry_is_recompiled_not_trusted(isolated_cache, monkeypatch, damage):
    engine = shared_engine()
    data, digest = _wasm(7)
    compile_module(engine, data, digest)
    entry = isolated_cache / f"{cache_key(digest)}.cwasm"
    blob = bytearray(entry.read_bytes())
    if damage == "flip-payload":
        blob[-100] ^= 0xFF
    elif damage == "flip-mac":
        blob[len(cache._MAGIC) + 3] ^= 0x01
    elif damage == "truncate":
        del blob[len(blob) // 2 :]
    elif damage == "garbage":
        blob = bytearray(b"\x7fELF" + bytes(200))
    else:
        blob = bytearray()
    entry.write_bytes(bytes(blob))
    forget_compiled()
    spy = _DeserializeSpy(monkeypatch)
    module = compile_module(engine, data, digest)
    assert spy.calls == 0  # never handed to deserialize
    assert _answer(module) == 7
    # rewritten with a valid entry: the next load deserializes it
    forget_compiled()
    compile_module(engine, data, digest)
    assert spy.calls == 1


def test_entry_from_another_installation_is_rejected(isolated_cache, monkeypatch):
    engine = shared_engine()
    data, digest = _wasm(9)
    compile_module(engine, data, digest)
    (isolated_cache.parent / "hmac.key").write_bytes(b"k" * 32)  # a different secret
    forget_compiled()
    spy = _DeserializeSpy(monkeypatch)
    assert _answer(compile_module(engine, data, digest)) == 9
    assert spy.calls == 0


def test_entry_under_wrong_key_is_rejected(isolated_cache, monkeypatch):
    engine = shared_engine()
    a, digest_a = _wasm(1)
    b, digest_b = _wasm(2)
    compile_module(engine, a, digest_a)
    compile_module(engine, b, digest_b)
    # move module a's (valid) entry to b's name: the MAC binds the key, so it is refused
    (isolated_cache / f"{cache_key(digest_a)}.cwasm").replace(isolated_cache / f"{cache_key(digest_b)}.cwasm")
    forget_compiled()
    spy = _DeserializeSpy(monkeypatch)
    assert _answer(compile_module(engine, b, digest_b)) == 2
    assert spy.calls == 0


def test_use_cache_false_writes_nothing(isolated_cache):
    data, digest = _wasm(3)
    module = compile_module(shared_engine(), data, digest, use_cache=False)
    assert _answer(module) == 3
    assert not isolated_cache.exists()


def test_key_depends_on_config_and_digest():
    assert cache_key("a" * 64) != cache_key("b" * 64)
    assert cache_key("a" * 64) != cache_key("a" * 64, "other-config")


def test_clear_cache(isolated_cache):
    for value in (1, 2):
        data, digest = _wasm(value)
        compile_module(shared_engine(), data, digest)
    assert clear_cache() == 2
    assert not isolated_cache.exists()
    assert clear_cache() == 0


def test_invalid_module_is_module_error(isolated_cache):
    with pytest.raises(ModuleError, match="does not compile"):
        compile_module(shared_engine(), b"\0asm\x01\0\0\0\x05", "0" * 64)
