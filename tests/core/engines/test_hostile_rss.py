"""Issue 13: bounded cost of hostile guests and files, measured on the real CLI in a child process
(wall time and peak RSS from RUSAGE_CHILDREN; every guest loop is bounded by ``--timeout``).

The figures are printed (``pytest -s``) for the issue's closing note; the assertions are generous
memory bounds, never timings.
"""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest
from hostile import loop_calls, run_cli, wapc_guest
from kwtest import pod_request

from workbench.core.wasm.writer import encode_custom_section

MIB = 1024 * 1024
#: a run of a small policy stays far below this; the hostile cases reached 2-24 GB before the fixes
RSS_BOUND_MB = 700


def _files(tmp_path: Path, module_bytes: bytes) -> tuple[str, str]:
    module = tmp_path / "policy.wasm"
    module.write_bytes(module_bytes)
    request = tmp_path / "request.json"
    request.write_text(json.dumps(pod_request()))
    return str(module), str(request)


def _report(what: str, run) -> None:
    print(f"\n{what}: exit {run.returncode}, {run.wall_s:.2f} s, peak RSS {run.peak_rss_mb:.0f} MB")


def test_endless_console_log_of_big_records(tmp_path: Path):
    """Findings 1 and 7: 8 MiB console records in an endless loop until the deadline."""
    size = 8 * MIB
    module = wapc_guest(
        f"(loop $forever (call $log (i32.const 131072) (i32.const {size})) (br $forever)) (i32.const 0)",
        pages=size // 65536 + 4,
    )
    module_path, request = _files(tmp_path, module.data)
    run = run_cli(["run", module_path, "-r", request, "--timeout", "1"], cwd=tmp_path)
    _report("endless 8 MiB console records, --timeout 1", run)
    assert run.returncode == 0 and "Traceback" not in run.stderr
    response = json.loads(run.stdout.strip().splitlines()[-1])
    assert response["allowed"] is False and response["status"]["code"] == 500
    assert run.peak_rss_mb < RSS_BOUND_MB


def test_many_small_log_records(tmp_path: Path):
    """Finding 1: 200,000 log records in one evaluation end quickly after the evaluation."""
    module = wapc_guest(
        loop_calls(200_000, "(call $log {line})") + " (call $resp {accept}) (i32.const 1)",
        data={"line": b"a log line"},
    )
    module_path, request = _files(tmp_path, module.data)
    run = run_cli(["run", module_path, "-r", request, "-v", "--timeout", "60"], cwd=tmp_path)
    _report("200,000 console records", run)
    assert run.returncode == 0 and json.loads(run.stdout.strip().splitlines()[-1])["allowed"] is True
    assert "the rest of its log was dropped" in run.stderr
    assert run.peak_rss_mb < RSS_BOUND_MB


def test_oversized_policy_reply(tmp_path: Path):
    """Finding 18: a 100 MB reply (beyond the 64 MiB reply limit) is refused before it is copied."""
    size = 100 * 1_000_000
    pages = size // 65536 + 4
    module = wapc_guest(
        f"(memory.fill (i32.const 65536) (i32.const 32) (i32.const {size})) "
        f"(call $resp (i32.const 65536) (i32.const {size})) (i32.const 1)",
        pages=pages,
    )
    module_path, request = _files(tmp_path, module.data)
    run = run_cli(["run", module_path, "-r", request, "--memory-limit", "200"], cwd=tmp_path)
    _report("100 MB policy reply", run)
    response = json.loads(run.stdout.strip().splitlines()[-1])
    assert response["status"]["code"] == 500 and "larger than the limit" in response["status"]["message"]
    assert run.peak_rss_mb < RSS_BOUND_MB


def test_huge_request_file_is_refused_unread(tmp_path: Path):
    """Finding 18: a 50 MB request of many small objects is refused (limit 16 MiB) without parsing."""
    module = wapc_guest("(call $resp {accept}) (i32.const 1)")
    module_path, _ = _files(tmp_path, module.data)
    request = tmp_path / "big.json"
    item = b'{"a":1},'
    with request.open("wb") as handle:
        handle.write(b'{"uid":"u","items":[')
        handle.write(item * (50 * 1_000_000 // len(item)))
        handle.write(b"1]}")
    run = run_cli(["run", module_path, "-r", str(request)], cwd=tmp_path)
    _report("50 MB request of small objects", run)
    assert run.returncode != 0 and run.stderr.startswith("error: ") and "larger than 16 MiB" in run.stderr
    assert run.peak_rss_mb < RSS_BOUND_MB


def test_alias_bomb_settings_via_the_cli(tmp_path: Path):
    """Finding 9: a 340-byte settings file that would expand to 387 million nodes."""
    module = wapc_guest("(call $resp {accept}) (i32.const 1)")
    module_path, request = _files(tmp_path, module.data)
    settings = tmp_path / "settings.yml"
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    settings.write_text(text)
    run = run_cli(["run", module_path, "-r", request, "-s", str(settings)], cwd=tmp_path)
    _report("YAML alias bomb settings", run)
    assert run.returncode != 0 and run.stderr.startswith("error: ") and str(settings) in run.stderr
    assert "alias" in run.stderr and run.peak_rss_mb < RSS_BOUND_MB


def test_module_of_empty_custom_sections(tmp_path: Path):
    """Finding 14: a 20 MB module made of empty custom sections."""
    empty = encode_custom_section("", b"")
    path = tmp_path / "sections.wasm"
    path.write_bytes(b"\0asm\x01\x00\x00\x00" + empty * (20 * 1_000_000 // len(empty)))
    run = run_cli(["inspect", str(path)], cwd=tmp_path)
    _report("inspect of a 20 MB module of empty custom sections", run)
    assert run.returncode != 0 and "more than 10000 sections" in run.stderr and "Traceback" not in run.stderr
    assert run.peak_rss_mb < RSS_BOUND_MB


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_AS"), reason="needs RLIMIT_AS")
def test_run_under_an_address_space_limit(tmp_path: Path):
    """Finding 11: ``ulimit -v 4194304`` (4 GiB of address space)."""
    module = wapc_guest("(call $resp {accept}) (i32.const 1)")
    module_path, request = _files(tmp_path, module.data)
    run = run_cli(["run", module_path, "-r", request], cwd=tmp_path, address_space=4 * 1024 * MIB)
    _report("run under ulimit -v 4194304", run)
    assert "Traceback" not in run.stderr and run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1])["allowed"] is True
