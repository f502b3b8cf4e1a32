"""``policy-workbench builtins``: table and JSON listings of the builtin status table."""

from __future__ import annotations

import json

import pytest

from workbench.cli.main import main
from workbench.core.engines.opa.builtins.status import all_builtins


def test_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["builtins"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["NAME", "STATUS", "CATEGORY", "DETERMINISTIC"]
    rows = {
        line.split()[0]: line.split()[1]
        for line in out[1:]
        if line and not line.startswith(tuple("0123456789"))
    }
    assert rows["sprintf"] == "host"
    assert rows["abs"] == "native"
    total = len(all_builtins())
    assert out[-1].startswith(f"{total} builtins (OPA v1.20.2): ")
    assert "native" in out[-1] and "missing" in out[-1]


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["builtins", "-o", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [item["name"] for item in data] == [e.name for e in all_builtins()]
    sprintf = next(item for item in data if item["name"] == "sprintf")
    assert sprintf == {
        "name": "sprintf",
        "status": "host",
        "category": "Strings",
        "deterministic": "yes",
        "note": "",
    }


def test_bad_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["builtins", "-o", "yaml"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
