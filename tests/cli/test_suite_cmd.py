"""``policy-workbench suite import-gator | check | schema``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from suitetest import DEMO, GATOR

from workbench.cli.main import main


def test_import_gator_then_test(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "labels.suite.yaml"
    assert main(["suite", "import-gator", str(GATOR / "suite.yaml"), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"wrote {out}" in captured.out and "note:" in captured.err
    assert main(["test", str(out), "-j", "1"]) == 0
    assert "7 passed" in capsys.readouterr().out


def test_import_gator_errors_are_user_errors(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert (
        main(["suite", "import-gator", str(DEMO / "demo.suite.yaml"), "-o", str(tmp_path / "x.suite.yaml")])
        == 1
    )
    assert "not a gator suite" in capsys.readouterr().err


def test_check_and_schema(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["suite", "check", str(DEMO), str(GATOR / "suite.yaml")]) == 0
    out = capsys.readouterr().out
    assert "(workbench)" in out and "(gator)" in out
    (tmp_path / "bad.suite.yaml").write_text("cases: 1\n")
    assert main(["suite", "check", str(tmp_path)]) == 2
    assert "bad.suite.yaml:1:" in capsys.readouterr().err
    assert main(["suite", "schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"].startswith("Policy Workbench test suite")
