"""The OPA builtin conformance runner: case semantics, directory runs, and the whole committed corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builtin_corpus import CORPUS_DIR
from helpers import shared_path

from workbench.conformance.__main__ import main as conformance_main
from workbench.conformance.builtins import CaseResult, run_case, run_directory


@pytest.mark.parametrize(
    ("case", "ok", "want", "got"),
    [
        ({"builtin": "array.flatten", "args": [[1, [2]]], "want": [1, 2]}, True, "[1, 2]", "[1,2]"),
        ({"builtin": "array.flatten", "args": [[1, [2]]], "want": [2, 1]}, False, "[2, 1]", "[1,2]"),
        ({"builtin": "no.such.builtin", "args": [], "want": 1}, False, "1", "not implemented"),
        (
            {"builtin": "yaml.unmarshal", "args": ["a: {b: 1}"], "want": {"b": 1}, "select": ["a", "b"]},
            False,
            '{"b": 1}',
            "1",
        ),
        (
            {"builtin": "yaml.unmarshal", "args": ["a: {b: 1}"], "want": 1, "select": ["a", "b"]},
            True,
            "1",
            "1",
        ),
        (
            {"builtin": "yaml.unmarshal", "args": ["a: {b: 1}"], "undefined": True, "select": ["zz"]},
            True,
            "undefined",
            "undefined",
        ),
    ],
)
def test_run_case_semantics(case: dict, ok: bool, want: str, got: str) -> None:
    assert run_case(case) == (ok, want, got)


def test_errors_are_compared_by_message() -> None:
    case = {"builtin": "hex.decode", "args": ["zz"], "error_contains": "hex.decode"}
    ok, want, got = run_case(case)
    assert ok and want == "error containing: hex.decode" and got.startswith("error: hex.decode")
    exact = {"builtin": "hex.decode", "args": ["zz"], "error": got.removeprefix("error: ")}
    assert run_case(exact)[0]
    assert not run_case({**exact, "error": "something else"})[0]
    # a result where an error was expected is a failure
    assert not run_case({"builtin": "hex.decode", "args": ["61"], "error": "x"})[0]


def test_set_arguments_and_set_results_are_normalised() -> None:
    case = {
        "builtin": "internal.template_string",
        "args": [["x=", [1], " y=", ["s"]]],
        "set_args": [[0, 1], [0, 3]],
    }
    assert run_case({**case, "want": "x=1 y=s"})[0]
    assert not run_case({**case, "want": 'x=[1] y=["s"]'})[0]  # the arrays really became sets


def test_a_crash_is_reported_not_raised() -> None:
    ok, _want, got = run_case({"builtin": "array.flatten", "args": [], "want": []})  # wrong arity
    assert not ok and (got.startswith("crash: ") or got.startswith("error: "))


def test_run_directory_and_cli(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    lines = [
        {"builtin": "array.flatten", "args": [[[1], 2]], "want": [1, 2]},
        {"builtin": "array.flatten", "args": [[[1], 2]], "want": [2]},
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    (tmp_path / "ignored.txt").write_text("not a case")
    results = run_directory(tmp_path)
    assert [(r.path, r.line, r.ok) for r in results] == [("a.jsonl", 1, True), ("a.jsonl", 2, False)]
    assert isinstance(results[0], CaseResult)
    assert conformance_main(["builtins", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL a.jsonl:2 array.flatten" in out and out.rstrip().endswith("1 passed, 1 failed")
    assert conformance_main(["builtins", str(tmp_path), "--builtin", "nothing"]) == 2
    assert "no cases found" in capsys.readouterr().err
    assert conformance_main(["builtins", str(tmp_path / "missing")]) == 2
    assert "is not a directory" in capsys.readouterr().err


def test_whole_committed_corpus_passes() -> None:
    results = run_directory(CORPUS_DIR)
    assert len(results) == 1707  # tests/data/conformance/README.md
    failed = [
        f"{r.path}:{r.line} {r.builtin} want {r.want[:80]} got {r.got[:80]}" for r in results if not r.ok
    ]
    assert not failed, "\n".join(failed[:20])


def test_committed_corpus_is_the_shared_one() -> None:
    """The committed copy is byte-identical to ``../shared/conformance/builtins`` (skips without it)."""
    shared = shared_path("conformance", "builtins")
    names = sorted(p.name for p in shared.glob("*.jsonl"))
    assert names == sorted(p.name for p in CORPUS_DIR.glob("*.jsonl"))
    different = [n for n in names if (shared / n).read_bytes() != (CORPUS_DIR / n).read_bytes()]
    assert not different


def test_each_file_starts_with_an_empty_regexp_cache(tmp_path: Path) -> None:
    """OPA keys template regexps by the template alone (the first delimiters win for the process);
    a file's cases see only that file's earlier calls, whatever ran before in this process."""
    template = "urn:foo:{.*}"
    braces = {"builtin": "regex.template_match", "args": [template, "urn:foo:bar", "{", "}"], "want": True}
    angles = {"builtin": "regex.template_match", "args": [template, "urn:foo:bar", "<", ">"], "want": False}
    (tmp_path / "angles.jsonl").write_text(json.dumps(angles) + "\n")
    assert run_case(braces)[0]  # caches the template with { } delimiters ...
    assert not run_case(angles)[0]  # ... which a later call in the same process then reuses
    assert [r.ok for r in run_directory(tmp_path)] == [True]  # a fresh cache for the file
