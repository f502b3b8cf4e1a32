"""``policy-workbench eval``: raw OPA evaluation printed like ``opa eval``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from workbench.cli.main import main


def test_eval_with_json_input_and_yaml_data(
    fixtures_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    module = fixtures_dir / "policies/opa-builtin-provided-by-sdk.wasm"
    (tmp_path / "in.json").write_text('{"message": "looking for world"}')
    (tmp_path / "data.yaml").write_text("world: world\n")
    assert (
        main(["eval", str(module), "-i", str(tmp_path / "in.json"), "-d", str(tmp_path / "data.yaml")]) == 0
    )
    assert json.loads(capsys.readouterr().out) == [{"result": True}]


def test_eval_stdin_input_and_entrypoint_by_name(
    fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    module = fixtures_dir / "policies/opa-issue-nested-entrypoint.wasm"
    monkeypatch.setattr("sys.stdin", io.StringIO("{}"))
    assert main(["eval", str(module), "-i", "-", "--entrypoint", "wasm/test/main/a", "--compact"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert json.loads(out) == [{"result": 18}]


def test_eval_undefined_gives_empty_result_set(
    fixtures_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    module = fixtures_dir / "policies/opa-no-default-namespace.wasm"
    (tmp_path / "in.yaml").write_text("other: 1\n")
    assert main(["eval", str(module), "-i", str(tmp_path / "in.yaml")]) == 0
    # the response needs input.request.uid: without a request the decision is undefined
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--entrypoint", "no/such"], "unknown entrypoint 'no/such'"),
        (["--entrypoint", "5"], "unknown entrypoint id 5"),
    ],
)
def test_eval_bad_entrypoint(
    fixtures_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture, args: list[str], message: str
) -> None:
    (tmp_path / "in.json").write_text("{}")
    module = fixtures_dir / "policies/opa-issue-nested-entrypoint.wasm"
    assert main(["eval", str(module), "-i", str(tmp_path / "in.json"), *args]) == 1
    assert message in capsys.readouterr().err


def test_eval_legacy_module_is_an_error(
    fixtures_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "in.json").write_text("{}")
    module = fixtures_dir / "policies/opa-legacy-abi-no-entrypoints.wasm"
    assert main(["eval", str(module), "-i", str(tmp_path / "in.json")]) == 1
    assert "unsupported OPA ABI" in capsys.readouterr().err


def test_eval_rejects_two_stdin_documents(fixtures_dir: Path, capsys: pytest.CaptureFixture) -> None:
    module = fixtures_dir / "policies/opa-no-default-namespace.wasm"
    assert main(["eval", str(module), "-i", "-", "-d", "-"]) == 1
    assert "only one of --input and --data" in capsys.readouterr().err


def test_eval_bad_json_input(fixtures_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "in.json").write_text('{"a": ')
    module = fixtures_dir / "policies/opa-no-default-namespace.wasm"
    assert main(["eval", str(module), "-i", str(tmp_path / "in.json")]) == 1
    assert capsys.readouterr().err.startswith("error: ")


def _module_file(tmp_path: Path, builtins: dict[str, int]) -> Path:
    import wasmtime
    from opa_wat import opa_wat

    path = tmp_path / "policy.wasm"
    path.write_bytes(bytes(wasmtime.wat2wasm(opa_wat(minor=2, builtins=builtins))))
    return path


def test_eval_builtins_profile(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """--builtins opa (the default) gives every OPA builtin; kubewarden refuses what policy-server lacks."""
    module = _module_file(tmp_path, {"time.date": 20})
    (tmp_path / "in.json").write_text("0")
    base = ["eval", str(module), "-i", str(tmp_path / "in.json"), "--entrypoint", "test/missing", "--compact"]
    assert main(base) == 0
    assert capsys.readouterr().out == '[{"result":[1970,1,1]}]\n'
    assert main([*base, "--builtins", "opa"]) == 0
    assert capsys.readouterr().out == '[{"result":[1970,1,1]}]\n'
    assert main([*base, "--builtins", "kubewarden"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Kubewarden's policy-server") and "time.date" in err
    assert "--builtins opa" in err


def test_eval_kubewarden_profile_runs_what_burrego_provides(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    module = _module_file(tmp_path, {"hex.encode": 20})
    (tmp_path / "in.json").write_text('"hi"')
    args = ["eval", str(module), "-i", str(tmp_path / "in.json"), "--entrypoint", "test/missing", "--compact"]
    assert main([*args, "--builtins", "kubewarden"]) == 0
    assert capsys.readouterr().out == '[{"result":"6869"}]\n'
    with pytest.raises(SystemExit):
        main([*args, "--builtins", "burrego"])
