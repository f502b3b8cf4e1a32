"""The WASI engine: the Javy (JavaScript) fixtures, stdin/host.call plumbing, exits, traps and limits."""

from __future__ import annotations

import json
import threading

import pytest
from helpers import manifest_behaviour_cases
from kwtest import pod_request, read_request, wat_module

from workbench.core.engines.base import EngineOptions, ValidationRequest
from workbench.core.engines.hostcaps import build_host_capabilities
from workbench.core.engines.kwcommon import TIMEOUT_MESSAGE
from workbench.core.engines.wasi import WasiEngine
from workbench.core.errors import EvaluationCancelled, ModuleError
from workbench.core.module import load_module


@pytest.fixture(scope="session")
def js_engine(fixtures_dir):
    engines: dict[str, WasiEngine] = {}

    def get(name: str, **options) -> WasiEngine:
        key = name + repr(sorted(options.items()))
        if key not in engines:
            engines[key] = WasiEngine(load_module(fixtures_dir / name), "wasi", EngineOptions(**options))
        return engines[key]

    return get


@pytest.mark.parametrize(("name", "index"), manifest_behaviour_cases("wasi"))
def test_manifest_expected_behaviours(name, index, manifest, fixtures_dir, js_engine):
    entry = next(m for m in manifest["modules"] if m["name"] == name)
    behaviour = entry["expected_behaviours"][index]
    engine = js_engine(name)
    if behaviour.get("op") == "validate_settings":
        outcome = engine.validate_settings(behaviour["settings"])
        assert outcome.valid is behaviour["expect_valid"]
        return
    request = ValidationRequest(read_request(fixtures_dir, behaviour["request"]))
    outcome = engine.validate(request, behaviour["settings"])
    assert outcome.response.allowed is behaviour["expect_allowed"], outcome.response.to_json()
    if "message_substring" in behaviour:
        assert behaviour["message_substring"] in (outcome.response.message or "")
    # the policy writes diagnostics to stderr: they become warning records
    assert any(r.message == "Action: validate" and r.level == "warning" for r in outcome.logs)


def test_js_settings_validation(js_engine):
    engine = js_engine("policies/kw-js-demo-wasi.wasm")
    assert engine.validate_settings({"ignoredNamespaces": ["a"]}).valid
    outcome = engine.validate_settings({"testScenario": "bogus"})
    assert not outcome.valid and outcome.message == "Error: Unknown testScenario: bogus"
    assert engine.protocol_version() == "Unknown"


DNS_SESSION = """\
- type: Exchange
  request: |
    !DNSLookupHost
    host: google.com
  response:
    type: Success
    payload: '{"ips":["142.250.184.206"]}'
"""


def test_js_host_call_through_replay(js_engine, fixtures_dir, tmp_path):
    session = tmp_path / "dns.yml"
    session.write_text(DNS_SESSION)
    provider = build_host_capabilities(context_aware_resources=(), replay_path=session)
    engine = WasiEngine(
        load_module(fixtures_dir / "policies/kw-js-demo-wasi.wasm"),
        "wasi",
        EngineOptions(host_capabilities=provider),
    )
    request = ValidationRequest(read_request(fixtures_dir, "requests/pod-js-no-privileged.json"))
    outcome = engine.validate(request, {"testScenario": "dns-lookup-success"})
    assert outcome.response.allowed
    assert outcome.response.audit_annotations == {"ips": "142.250.184.206"}
    assert [(c["operation"], c["ok"], c["source"]) for c in outcome.host_calls] == [
        ("v1/dns_lookup_host", True, "replay")
    ]


def test_js_host_call_refused_offline(js_engine, fixtures_dir):
    engine = js_engine("policies/kw-js-demo-wasi.wasm")
    request = ValidationRequest(read_request(fixtures_dir, "requests/pod-js-no-privileged.json"))
    outcome = engine.validate(request, {"testScenario": "dns-lookup-success"})
    # the JS SDK turns the host error into an exception; the policy answers "wrong invocation"
    assert not outcome.response.allowed
    assert outcome.host_calls[0]["ok"] is False
    assert (
        "Policy has not been granted access to the 'net/v1/dns_lookup_host' host capability"
        in outcome.host_calls[0]["error"]
    )
    assert any("Host call failed" in r.message for r in outcome.logs)


# -- WAT programs ------------------------------------------------------------------------------------------

WASI_IMPORTS = """
 (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
 (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
 (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
"""

ECHO = (
    "(module"
    + WASI_IMPORTS
    + """
 (import "%(host_module)s" "call" (func $call (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
 (memory (export "memory") 2)
 (data (i32.const 100) "kubewarden")
 (data (i32.const 120) "net")
 (data (i32.const 130) "v1/dns_lookup_host")
 (data (i32.const 160) "\\"example.com\\"")
 (global $pos (mut i32) (i32.const 1025))
 (func $drain
   (loop $more
     (i32.store (i32.const 0) (global.get $pos))
     (i32.store (i32.const 4) (i32.const 7))
     (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
     (if (i32.gt_u (i32.load (i32.const 8)) (i32.const 0))
       (then (global.set $pos (i32.add (global.get $pos) (i32.load (i32.const 8)))) (br $more)))))
 (func (export "_start")
   (i32.store (i32.const 0) (i32.const 2000))
   (i32.store (i32.const 4) (i32.const 4))
   (i32.store8 (i32.const 1022)
     (i32.add (i32.const 48) (i32.eq (call $fd_read (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)) (i32.const 8))))
   (i32.store8 (i32.const 1023) (i32.const 124))
   (call $drain)
   (i32.store8 (i32.const 1024) (i32.add (i32.const 48)
     (call $call (i32.const 100) (i32.const 10) (i32.const 120) (i32.const 3) (i32.const 130) (i32.const 18)
                 (i32.const 160) (i32.const 13))))
   (call $drain)
   (i32.store (i32.const 16) (i32.const 1022))
   (i32.store (i32.const 20) (i32.sub (global.get $pos) (i32.const 1022)))
   (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))))
"""
)


@pytest.mark.parametrize("host_module", ["host", "kubewarden:javy/host"])
def test_stdin_and_host_call_replies(host_module, tmp_path):
    session = tmp_path / "dns.yml"
    session.write_text(DNS_SESSION.replace("google.com", "example.com"))
    provider = build_host_capabilities(context_aware_resources=(), replay_path=session)
    engine = WasiEngine(
        wat_module(ECHO % {"host_module": host_module}), "wasi", EngineOptions(host_capabilities=provider)
    )
    request = ValidationRequest(pod_request())
    outcome = engine.validate(request, {"k": "v"})
    stdin = json.dumps({"request": request.request, "settings": {"k": "v"}}, separators=(",", ":"))
    # fd_read(1) -> EBADF, then host.call status 0 (success), stdin, reply appended to stdin
    assert outcome.policy_output == "1|0" + stdin + '{"ips":["142.250.184.206"]}'
    assert outcome.response.code == 500
    assert outcome.response.message.startswith(
        "internal server error: Cannot deserialize policy validation response"
    )


def test_host_call_error_returns_one_and_error_text():
    engine = WasiEngine(wat_module(ECHO % {"host_module": "host"}), "wasi", EngineOptions())
    outcome = engine.validate(ValidationRequest(pod_request()), {})
    text = outcome.policy_output
    assert text.startswith("1|1{")
    assert text.endswith(
        "Policy has not been granted access to the 'net/v1/dns_lookup_host' host capability. The violation has been reported."
    )


FAIL = (
    "(module"
    + WASI_IMPORTS
    + """
 (memory (export "memory") 1)
 (data (i32.const 100) "something bad happened\\n")
 (func (export "_start")
   (i32.store (i32.const 0) (i32.const 100))
   (i32.store (i32.const 4) (i32.const 23))
   (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
   (call $exit (i32.const 3))))
"""
)


def test_nonzero_exit_uses_stderr():
    engine = WasiEngine(wat_module(FAIL), "wasi", EngineOptions())
    outcome = engine.validate(ValidationRequest(pod_request()), {})
    assert outcome.response.to_dict()["status"] == {"message": "something bad happened", "code": 500}
    assert any(r.level == "warning" and r.message == "something bad happened" for r in outcome.logs)
    settings = engine.validate_settings({})
    assert not settings.valid and settings.message == "something bad happened"


def test_trap_without_stderr_reports_trap():
    module = wat_module('(module (memory (export "memory") 1) (func (export "_start") unreachable))')
    outcome = WasiEngine(module, "wasi", EngineOptions()).validate(ValidationRequest(pod_request()), {})
    assert outcome.response.code == 500
    assert outcome.response.message == "wasm trap: wasm `unreachable` instruction executed"


def test_exit_zero_is_success():
    module = wat_module(
        "(module"
        + WASI_IMPORTS
        + """
 (memory (export "memory") 1)
 (data (i32.const 100) "{\\"valid\\":false,\\"message\\":\\"nope\\"}")
 (func (export "_start")
   (i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 32))
   (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
   (call $exit (i32.const 0))))"""
    )
    outcome = WasiEngine(module, "wasi", EngineOptions()).validate_settings({})
    assert (outcome.valid, outcome.message) == (False, "nope")


LOOP = '(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))'


def test_runaway_wasi_policy_times_out():
    engine = WasiEngine(wat_module(LOOP), "wasi", EngineOptions(timeout=0.2))
    response = engine.validate(ValidationRequest(pod_request()), {}).response
    assert response.to_dict()["status"] == {"message": TIMEOUT_MESSAGE, "code": 500}
    assert engine.validate_settings({}).message == TIMEOUT_MESSAGE  # and the engine is still usable


def test_wasi_interrupt():
    engine = WasiEngine(wat_module(LOOP), "wasi", EngineOptions(timeout=None))
    timer = threading.Timer(0.2, engine.interrupt)
    timer.start()
    with pytest.raises(EvaluationCancelled):
        engine.validate(ValidationRequest(pod_request()), {})
    timer.join()


def test_wasi_memory_cap():
    module = wat_module(
        '(module (memory (export "memory") 1) (func (export "_start")'
        " (block $done (loop $more (br_if $done (i32.eq (memory.grow (i32.const 16)) (i32.const -1))) (br $more)))"
        " unreachable))"
    )
    response = (
        WasiEngine(module, "wasi", EngineOptions(memory_limit=4 * 1024 * 1024))
        .validate(ValidationRequest(pod_request()), {})
        .response
    )
    assert response.code == 500 and "of the 4 MiB limit" in response.message


def test_not_a_command_module():
    with pytest.raises(ModuleError, match="_start"):
        WasiEngine(wat_module('(module (memory (export "memory") 1))'), "wasi", EngineOptions())
