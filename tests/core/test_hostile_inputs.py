"""Issue 13, file side: hostile files and values end as WorkbenchErrors that name the input, within
bounded time and memory (findings 8, 9, 10, 14, 19, 21). Every input is generated here."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core import cache
from workbench.core.engines.hostcaps import ClusterSnapshot, SessionRecorder, SessionReplayer
from workbench.core.engines.hostcaps.session import CallbackRequest, check_record_path
from workbench.core.errors import InputError, MetadataError, ModuleError, RequestError, SettingsError
from workbench.core.metadata.model import METADATA_SECTION
from workbench.core.module import PolicyModule
from workbench.core.requests import MAX_INPUT_BYTES, load_request, load_settings
from workbench.core.wasm.reader import MAX_SECTIONS, parse_module
from workbench.core.wasm.writer import encode_custom_section
from workbench.core.yamlio import (
    MAX_NESTING_DEPTH,
    STALE_TEMP_AGE,
    atomic_write,
    clean_stale_temp_files,
    load_yaml,
    loads_json,
    temp_prefix,
)

HEADER = b"\0asm\x01\x00\x00\x00"


def _alias_bomb(levels: int = 9) -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


# -- finding 9: YAML alias bombs ---------------------------------------------------------------------
def test_alias_bomb_settings_file_is_refused_naming_the_file(tmp_path: Path):
    path = tmp_path / "settings.yml"
    path.write_text(_alias_bomb())
    assert len(path.read_bytes()) < 500
    started = time.monotonic()
    with pytest.raises(SettingsError, match=f"settings file {path} is not valid YAML.*alias"):
        load_settings(path)
    print(f"alias bomb refused in {time.monotonic() - started:.3f} s")


def test_alias_bomb_request_is_refused(tmp_path: Path):
    path = tmp_path / "request.yml"
    path.write_text("uid: x\n" + _alias_bomb())
    with pytest.raises(RequestError, match=f"request {path} is not valid YAML.*alias"):
        load_request(path)


def test_recursive_alias_is_refused():
    with pytest.raises(InputError, match="recursive alias"):
        load_yaml("a: &a [*a]", "doc")


def test_ordinary_aliases_and_merge_keys_still_work():
    assert load_yaml("base: &b {x: 1}\nuse: *b\nmerged: {<<: *b, y: 2}") == {
        "base": {"x": 1},
        "use": {"x": 1},
        "merged": {"x": 1, "y": 2},
    }


def test_alias_bomb_in_a_replay_session_and_a_snapshot(tmp_path: Path):
    session = tmp_path / "session.yml"
    session.write_text(_alias_bomb())
    with pytest.raises(InputError, match=r"host capabilities session .* alias"):
        SessionReplayer(session)
    with pytest.raises(InputError, match=r"cluster snapshot .* alias"):
        ClusterSnapshot.from_yaml(_alias_bomb(), source="snap.yml")


# -- finding 10: nesting, huge integers, surrogates, NaN ---------------------------------------------
def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_nested(3000), "nested too deeply"),
        ('{"a": "\\ud800"}', "lone UTF-16 surrogate"),
        ('{"a": 1' + "0" * 5000 + "}", "not valid JSON"),
        ('{"a": NaN}', "NaN is not a JSON value"),
        ('{"a": 1e999}', "out of range"),
    ],
    ids=["nested-3000", "surrogate-escape", "huge-integer", "nan", "infinite"],
)
def test_hostile_settings_json_is_a_settings_error(text, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(json_text=text)


def test_settings_json_with_a_raw_surrogate_from_argv_is_a_settings_error():
    with pytest.raises(SettingsError, match="lone UTF-16 surrogate"):
        load_settings(json_text='{"a": "\udc80"}')  # what surrogateescape makes of a bad argv byte


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_nested(5000), "nested too deeply"),
        ('{"uid": "\\ud800"}', "lone UTF-16 surrogate"),
        ('uid: "\\ud800"\n', "lone UTF-16 surrogate"),
        ("uid: .nan\n", "not a JSON number"),
        ("- " * 5000 + "x\n", "nested too deeply"),
    ],
    ids=["json-nested", "json-surrogate", "yaml-surrogate", "yaml-nan", "yaml-nested"],
)
def test_hostile_request_file_is_a_request_error(text, message, tmp_path: Path):
    path = tmp_path / "request.yml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    with pytest.raises(RequestError, match=message):
        load_request(path)


def test_oversized_request_file_is_refused_unread(tmp_path: Path):
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_INPUT_BYTES + 1)
    with pytest.raises(InputError, match=r"request file .* is larger than 16 MiB"):
        load_request(path)


@pytest.mark.parametrize(
    "payload",
    [_nested(5000).encode(), b'{"rules":[],"mutating":' + b"1" * 5000 + b"}", b"\xff\xfe"],
    ids=["nested-5000", "integer-5000-digits", "not-utf8"],
)
def test_hostile_metadata_section_is_a_metadata_error(payload):
    with pytest.raises(MetadataError, match=METADATA_SECTION):
        PolicyModule.from_bytes(HEADER + encode_custom_section(METADATA_SECTION, payload))


def test_replay_session_and_snapshot_nested_5000_deep(tmp_path: Path):
    deep = "- " * 5000 + "x\n"
    session = tmp_path / "session.yml"
    session.write_text(deep)
    with pytest.raises(InputError, match="nested too deeply"):
        SessionReplayer(session)
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(_nested(5000))
    with pytest.raises(InputError, match="nested too deeply"):
        ClusterSnapshot.from_path(snapshot)


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    )
)
def test_loads_json_agrees_with_json_within_the_bounds(value):
    text = json.dumps(value)
    assert loads_json(text) == json.loads(text)
    assert loads_json(text.encode()) == json.loads(text)


@given(st.integers(min_value=1, max_value=400))
@settings(max_examples=30, deadline=None)
def test_loads_json_depth_limit_is_exact(depth):
    text = _nested(depth)
    if depth <= MAX_NESTING_DEPTH:
        assert loads_json(text) is not None
    else:
        with pytest.raises(InputError, match="nested too deeply"):
            loads_json(text)


# -- finding 14: modules made of many sections ---------------------------------------------------------
def test_module_of_many_empty_custom_sections_is_refused_quickly():
    empty = encode_custom_section("", b"")
    data = HEADER + empty * (5 * MAX_SECTIONS)
    with pytest.raises(ModuleError, match=f"more than {MAX_SECTIONS} sections"):
        parse_module(data)
    assert len(parse_module(HEADER + empty * 100).custom_sections) == 100


# -- finding 19: temporary files and umask -------------------------------------------------------------
def test_atomic_write_respects_the_umask(tmp_path: Path):
    old = os.umask(0o077)
    try:
        atomic_write(tmp_path / "private.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "private.txt").stat().st_mode & 0o777 == 0o600
    old = os.umask(0o002)
    try:
        atomic_write(tmp_path / "shared.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "shared.txt").stat().st_mode & 0o777 == 0o664


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    return int(child.stdout)


def test_stale_temp_files_of_a_killed_writer_are_removed(tmp_path: Path):
    target = tmp_path / "out.wasm"
    dead = _dead_pid()
    stale = tmp_path / f".out.wasm.pwbtmp-{dead}-abc123.tmp"
    live = tmp_path / f".out.wasm.pwbtmp-{os.getpid()}-def456.tmp"
    young = tmp_path / f".out.wasm.pwbtmp-{dead}-young1.tmp"
    foreign = tmp_path / ".out.wasm.someone-else.tmp"
    for path in (stale, live, young, foreign):
        path.write_bytes(b"x" * 1000)
    old_time = time.time() - STALE_TEMP_AGE - 10
    for path in (stale, live, foreign):
        os.utime(path, (old_time, old_time))
    atomic_write(target, b"new")
    assert not stale.exists()
    assert live.exists() and young.exists() and foreign.exists()
    assert temp_prefix("out.wasm").startswith(".out.wasm.pwbtmp-")
    assert clean_stale_temp_files(tmp_path) == 0


def test_cache_cleans_stale_entry_temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import hashlib

    import wasmtime

    from workbench.core.engines.runtime import shared_engine

    monkeypatch.setenv("POLICY_WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    cache.forget_compiled()
    modules = tmp_path / "cache" / "modules"
    modules.mkdir(parents=True, mode=0o700)
    stale = modules / f".x.cwasm.pwbtmp-{_dead_pid()}-zz.tmp"
    stale.write_bytes(b"x" * 4096)
    old_time = time.time() - STALE_TEMP_AGE - 10
    os.utime(stale, (old_time, old_time))
    data = wasmtime.wat2wasm("(module)")
    cache.compile_module(shared_engine(), data, hashlib.sha256(data).hexdigest())
    assert not stale.exists()
    cache.forget_compiled()


# -- finding 8: the compile cache's key ---------------------------------------------------------------
def test_cache_key_is_outside_the_entries_folder_and_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import hashlib

    import wasmtime

    from workbench.core.engines.runtime import shared_engine

    monkeypatch.delenv("POLICY_WORKBENCH_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    cache.forget_compiled()
    data = wasmtime.wat2wasm('(module (func (export "f")))')
    cache.compile_module(shared_engine(), data, hashlib.sha256(data).hexdigest())
    key = cache.key_path()
    assert key.is_relative_to(tmp_path / "xdg-config") and not key.is_relative_to(tmp_path / "xdg-cache")
    assert key.stat().st_mode & 0o777 == 0o600 and key.parent.stat().st_mode & 0o777 == 0o700
    assert list(cache.cache_dir().glob("*.cwasm")) and not list(cache.cache_dir().glob("*.key"))
    cache.forget_compiled()


def test_cache_folder_of_another_user_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import hashlib

    import wasmtime

    from workbench.core.engines.runtime import shared_engine

    if os.getuid() != 0:
        pytest.skip("chown to another user needs root")
    monkeypatch.setenv("POLICY_WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    cache.forget_compiled()
    modules = tmp_path / "cache" / "modules"
    modules.mkdir(parents=True)
    os.chown(modules, 4242, 4242)
    data = wasmtime.wat2wasm('(module (func (export "g")))')
    module = cache.compile_module(shared_engine(), data, hashlib.sha256(data).hexdigest())
    assert [e.name for e in module.exports] == ["g"]
    assert not list(modules.iterdir())  # nothing written into (or read from) a folder we do not own
    cache.forget_compiled()


def test_cache_key_readable_by_others_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import hashlib

    import wasmtime

    from workbench.core.engines.runtime import shared_engine

    monkeypatch.setenv("POLICY_WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    cache.forget_compiled()
    (tmp_path / "cache").mkdir(mode=0o700)
    planted = b"p" * 32
    key = cache.key_path()
    key.write_bytes(planted)
    os.chmod(key, 0o666)
    data = wasmtime.wat2wasm('(module (func (export "h")))')
    cache.compile_module(shared_engine(), data, hashlib.sha256(data).hexdigest())
    assert key.read_bytes() != planted and key.stat().st_mode & 0o777 == 0o600
    cache.forget_compiled()


# -- finding 21: recording never destroys an input --------------------------------------------------
def test_record_path_that_is_an_input_is_refused(tmp_path: Path):
    request = tmp_path / "request.json"
    request.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(request)
    for record in (request, link, tmp_path / "." / "request.json"):
        with pytest.raises(InputError, match="it is an input of this run"):
            check_record_path(record, [tmp_path / "module.wasm", request, None])
    check_record_path(tmp_path / "session.yml", [request])


def test_recorder_writes_nothing_until_the_run_ends(tmp_path: Path):
    request = tmp_path / "request.json"
    request.write_text('{"uid": "keep me"}')
    recorder = SessionRecorder(request)  # misdirected: the input survives until the end
    assert request.read_text() == '{"uid": "keep me"}'
    recorder.record(CallbackRequest("DNSLookupHost", {"host": "example.com"}), True, '["127.0.0.1"]')
    assert request.read_text() == '{"uid": "keep me"}'
    session = tmp_path / "session.yml"
    recorder = SessionRecorder(session)
    recorder.record(CallbackRequest("DNSLookupHost", {"host": "example.com"}), True, '["127.0.0.1"]')
    recorder.save()
    assert SessionReplayer(session).remaining == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
