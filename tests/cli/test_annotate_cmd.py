from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.core.module import load_module


def test_annotate_cli(tmp_path: Path, fixtures_dir: Path, capsys: pytest.CaptureFixture) -> None:
    src = tmp_path / "policy.wasm"
    shutil.copy(fixtures_dir / "policies/opa-no-default-namespace.wasm", src)
    out = tmp_path / "out.wasm"
    rc = main(
        ["annotate", str(src), "-m", str(fixtures_dir / "policies/gk-disallow-service-lb.metadata-correct.yml"),
         "-o", str(out)]
    )
    assert rc == 0
    assert load_module(out).metadata.execution_mode == "gatekeeper"
    rc = main(
        ["annotate", str(src), "-m", str(fixtures_dir / "policies/gk-disallow-service-lb.metadata-wrong.yml"),
         "-o", str(tmp_path / "bad.wasm")]
    )
    assert rc == 1
    assert "This policy has been created using Rego" in capsys.readouterr().err
    assert not (tmp_path / "bad.wasm").exists()


def test_scaffold_metadata_is_valid_input_for_annotate(tmp_path: Path, fixtures_dir: Path,
                                                       capsys: pytest.CaptureFixture) -> None:
    src = fixtures_dir / "policies/kw-js-demo-wasi.wasm"
    assert main(["scaffold", "metadata", str(src)]) == 0
    text = capsys.readouterr().out
    assert "executionMode: wasi" in text
    md = tmp_path / "metadata.yml"
    md.write_text(text)
    assert main(["annotate", str(src), "-m", str(md), "-o", str(tmp_path / "a.wasm")]) == 0
    assert load_module(tmp_path / "a.wasm").metadata.execution_mode == "wasi"
