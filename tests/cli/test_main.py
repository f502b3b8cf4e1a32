"""The ``policy-workbench`` front end: dispatch, exit codes, and no traceback for user errors.

Every garbage case runs in-process through :func:`main` (fast; any exception other than a
usage ``SystemExit`` fails the test), and the first case of every verb also runs in a real
subprocess (``python -m workbench``, the console script's entry point), concurrently.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers import REPO_ROOT

from workbench import __version__
from workbench.cli.main import COMMAND_MODULES, EXIT_USER_ERROR, build_parser, main

DEMO = REPO_ROOT / "resources" / "demo"
CLOSED_REGISTRY = "registry://127.0.0.1:1/garbage/policy:v1"  # nothing listens on port 1


def _cli(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "NO_COLOR": "1"},
    )


@pytest.fixture(scope="module")
def garbage(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("garbage")
    files = {
        "bin": root / "garbage.wasm",
        "text": root / "garbage.yml",
        "json": root / "garbage.json",
        "empty": root / "empty.wasm",
    }
    files["bin"].write_bytes(b"\x00asm\x01\x00\x00\x00\x0a\xff\xff\xff\xff\x0f" + bytes(range(256)))
    files["text"].write_text("a: [\n  b: {\n\x00")
    files["json"].write_text('{"uid": 1, "kind": ')
    files["empty"].write_bytes(b"")
    out = {k: str(v) for k, v in files.items()}
    out["dir"] = str(root)
    out["missing"] = str(root / "does-not-exist.wasm")
    out["out"] = str(root / "out" / "x.wasm")
    out["policy"] = str(DEMO / "policies/require-labels/policy.wasm")
    out["store"] = str(root / "store")
    out["demo"] = str(DEMO)
    return out


# (argv template, expected exit code); {name} is replaced by a garbage path
GARBAGE_CASES: list[tuple[list[str], int]] = [
    (["inspect", "{bin}"], 1),
    (["inspect", "{empty}"], 1),
    (["inspect", "{missing}"], 1),
    (["inspect", "{dir}"], 1),
    (["inspect", "{text}"], 1),
    (["annotate", "{bin}", "-m", "{text}", "-o", "{out}"], 1),
    (["annotate", "{policy}", "-m", "{text}", "-o", "{out}"], 1),
    (["annotate", "{policy}", "-m", "{json}", "-o", "{out}"], 1),
    (["annotate", "{policy}", "-m", "{missing}", "-o", "{out}"], 1),
    (["run", "{bin}", "-r", "{json}"], 1),
    (["run", "{policy}", "-r", "{json}"], 1),
    (["run", "{policy}", "-r", "{text}"], 1),
    (["run", "{policy}", "-r", "{bin}"], 1),
    (["run", "{policy}", "-r", "{missing}"], 1),
    (["run", "{policy}", "-r", "{json}", "-s", "{text}"], 1),
    (["eval", "{bin}", "-i", "{json}"], 1),
    (["eval", "{policy}", "-i", "{text}"], 1),
    (["bench", "{bin}", "-r", "{json}"], 1),
    (["bench", "{policy}", "-r", "{json}"], 1),
    (["scaffold", "metadata", "{bin}"], 1),
    (["scaffold", "manifest", "{empty}", "-t", "ClusterAdmissionPolicy"], 1),
    (["scaffold", "manifest", "{policy}", "-t", "AdmissionPolicy", "-s", "{text}"], 1),
    (["scaffold", "admission-request", "-o", "CREATE", "--object", "{text}"], 1),
    (["scaffold", "admission-request", "-o", "UPDATE", "--object", "{json}"], 1),
    (["scaffold", "admission-request", "-o", "DELETE", "--object", "{missing}"], 1),
    (["demo", "--root", "{dir}"], 1),
    (["demo", "--root", "{missing}"], 1),
    (["push", "{bin}", CLOSED_REGISTRY], 1),
    (["push", "{policy}", "not a reference at all"], 1),
    (["pull", "not a reference at all", "--store", "{store}"], 1),
    (["pull", CLOSED_REGISTRY, "--store", "{store}"], 1),
    (["policies", "-o", "yaml"], 2),
    (["rm", "registry://nothing.example/x:1", "--store", "{store}"], 1),
    (["rm", "zz-not-a-sha", "--store", "{store}"], 1),
    (["digest", CLOSED_REGISTRY], 1),
    (["digest", "::::"], 1),
    (["verify", CLOSED_REGISTRY], 1),
    (["verify", CLOSED_REGISTRY, "-k", "{text}"], 1),
    (["verify", "{policy}", "-k", "{text}"], 1),
    (["sign", CLOSED_REGISTRY, "-k", "{text}"], 1),
    (["sign", CLOSED_REGISTRY], 2),
    (["save", "{missing}", "-o", "{out}", "--store", "{store}"], 1),
    (["save", "registry://nothing.example/x:1", "-o", "{out}", "--store", "{store}"], 1),
    (["save", "registry://nothing.example/x:1"], 2),
    (["load", "--input", "{bin}", "--store", "{store}"], 1),
    (["load", "--input", "{text}", "--store", "{store}"], 1),
    (["load", "--input", "{missing}", "--store", "{store}"], 1),
    (["load", "--input", "{dir}", "--store", "{store}"], 1),
    (["scaffold", "vap", "-p", "{bin}", "-b", "{json}"], 1),
    (["scaffold", "vap", "-p", "{json}", "-b", "{missing}"], 1),
    (["scaffold", "artifacthub", "-m", "{text}", "-o", "{out}"], 1),
    (["scaffold", "artifacthub", "-m", "{bin}"], 1),
    (["test", "-j", "zero"], 2),
    (["test", "--shard", "5/2", "{demo}"], 1),
    (["suite", "import-gator", "{text}", "-o", "{out}"], 1),
    (["suite", "import-gator", "{bin}", "-o", "{out}"], 1),
    (["suite", "import-gator", "{missing}", "-o", "{out}"], 1),
    (["suite"], 2),
    (["gui", "--theme", "purple"], 2),
    (["builtins", "-o", "xml"], 2),
    (["run"], 2),
    (["no-such-verb"], 2),
]


def test_every_verb_is_covered_by_the_garbage_cases() -> None:
    verbs = {build_parser()._subparsers._group_actions[0].choices[v].prog.split()[-1] for v in _verbs()}  # type: ignore[union-attr]
    assert verbs == {case[0][0] for case in GARBAGE_CASES if case[0][0] != "no-such-verb"}


def _verbs() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(action.choices)


def _check(argv: list[str], code: int, returncode: int, out: str, err: str) -> str | None:
    ok = returncode == code and "Traceback" not in err and "panicked" not in err
    expected_output = err.startswith("error: ") and out == "" if code == EXIT_USER_ERROR else "usage:" in err
    ok = ok and expected_output
    return None if ok else f"{argv}: exit {returncode}\n{err[-800:]}"


def _cases(garbage: dict[str, str]) -> list[tuple[list[str], int]]:
    return [([a.format(**garbage) for a in argv], code) for argv, code in GARBAGE_CASES]


def test_garbage_inputs_in_process(garbage: dict[str, str], capsys: pytest.CaptureFixture) -> None:
    problems = []
    for argv, code in _cases(garbage):
        try:
            returncode = main(argv)
        except SystemExit as exc:  # argparse usage error
            returncode = exc.code  # type: ignore[assignment]
        out, err = capsys.readouterr()
        problem = _check(argv, code, returncode, out, err)
        if problem:
            problems.append(problem)
    assert not problems, "\n\n".join(problems)


def test_garbage_inputs_in_a_subprocess_for_every_verb(garbage: dict[str, str]) -> None:
    first: dict[str, tuple[list[str], int]] = {}
    for argv, code in _cases(garbage):
        first.setdefault(argv[0], (argv, code))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda case: _cli(case[0]), first.values()))
    problems = [
        _check(argv, code, proc.returncode, proc.stdout, proc.stderr)
        for (argv, code), proc in zip(first.values(), results, strict=True)
    ]
    assert not [p for p in problems if p], "\n\n".join(p for p in problems if p)


def test_version_and_help() -> None:
    proc = _cli(["--version"])
    assert proc.returncode == 0 and proc.stdout.strip() == f"policy-workbench {__version__}"
    proc = _cli(["--help"])
    assert proc.returncode == 0
    for verb in _verbs():
        assert verb in proc.stdout


def test_every_command_module_registers_a_verb_with_a_function() -> None:
    parser = build_parser()
    assert len(_verbs()) == len(COMMAND_MODULES)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"workbench.cli.{name}")
        assert callable(module.register)
    for verb in _verbs():
        if verb in ("scaffold", "suite"):
            continue  # needs a sub-verb
        args = parser.parse_args([verb, *_minimal_args(verb)])
        assert callable(args.func), verb


def _minimal_args(verb: str) -> list[str]:
    return {
        "inspect": ["m.wasm"],
        "annotate": ["m.wasm", "-m", "md.yml", "-o", "o.wasm"],
        "run": ["m.wasm", "-r", "r.json"],
        "eval": ["m.wasm", "-i", "i.json"],
        "bench": ["m.wasm", "-r", "r.json"],
        "push": ["m.wasm", "registry://x/y:1"],
        "pull": ["registry://x/y:1"],
        "rm": ["abc"],
        "digest": ["registry://x/y:1"],
        "verify": ["registry://x/y:1"],
        "sign": ["registry://x/y:1", "-k", "k.pem"],
        "save": ["registry://x/y:1", "-o", "p.tar.gz"],
        "load": ["--input", "p.tar.gz"],
    }.get(verb, [])


def test_user_error_maps_to_exit_one_in_process(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    assert main(["inspect", str(tmp_path / "missing.wasm")]) == EXIT_USER_ERROR
    out, err = capsys.readouterr()
    assert out == "" and err == f"error: module {tmp_path / 'missing.wasm'} does not exist\n"


def test_usage_error_exits_two(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run", "--no-such-flag"])
    assert info.value.code == 2
    assert "usage: policy-workbench run" in capsys.readouterr().err


def test_closed_stdout_is_not_an_error() -> None:
    """``policy-workbench builtins | head -1``: the reader goes away early."""
    proc = subprocess.run(
        f"{sys.executable} -m workbench builtins | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_wasi_policy_exit_is_clean_every_time(fixtures_dir: Path) -> None:
    """wasmtime-wasi's tokio threads used to abort the process at exit (134) after a correct answer."""
    args = [
        "run",
        str(fixtures_dir / "policies/kw-tinygo-pod-name-denylist-large.wasm"),
        "-r",
        str(fixtures_dir / "requests/pod-named-test-pod.json"),
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: _cli(args), range(8)))
    codes = [p.returncode for p in results]
    assert codes == [0] * len(codes), [p.stderr[-300:] for p in results if p.returncode]
    assert all(p.stdout.startswith('{"uid":"1299d386') for p in results)
