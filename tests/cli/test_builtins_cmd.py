"""``policy-workbench builtins``: table and JSON listings of the builtin status table, per builtin profile."""

from __future__ import annotations

import json

import pytest

from workbench.cli.main import main
from workbench.core.engines.opa.builtins.status import all_builtins


def _rows(out: list[str]) -> dict[str, list[str]]:
    rows = {}
    for line in out[1:]:
        if not line:
            break
        cells = line.split()
        rows[cells[0]] = cells[1:3]
    return rows


def test_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["builtins"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["NAME", "OPA", "KUBEWARDEN", "CATEGORY", "DETERMINISTIC"]
    rows = _rows(out)
    assert rows["sprintf"] == ["host", "host"]
    assert rows["abs"] == ["native", "native"]
    assert rows["units.parse"] == ["host", "missing"]  # Kubewarden's policy-server lacks it
    assert rows["time.date"] == ["host", "missing"]  # Burrego registers it as "date"
    assert rows["http.send"] == ["disabled", "missing"]
    total = len(all_builtins())
    assert len(rows) == total
    assert out[-3] == f"{total} builtins (OPA v1.20.2)"
    assert out[-2].startswith("--builtins opa: ") and "native" in out[-2] and "missing" in out[-2]
    assert out[-1] == "--builtins kubewarden: 100 native, 20 host, 86 missing"


def test_table_of_one_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["builtins", "--builtins", "kubewarden"]) == 0
    out = capsys.readouterr().out.splitlines()
    rows = _rows(out)
    assert len(rows) == 120 and all(kw in ("native", "host") for _opa, kw in rows.values())
    assert "units.parse" not in rows and "sprintf" in rows
    assert out[-3] == "120 builtins available under --builtins kubewarden"
    assert main(["builtins", "--builtins", "opa", "-o", "json"]) == 0
    names = {item["name"] for item in json.loads(capsys.readouterr().out)}
    assert "units.parse" in names and "http.send" in names


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
        "kubewarden": "host",
    }
    date = next(item for item in data if item["name"] == "time.date")
    assert date["kubewarden"] == "missing" and "registers it as 'date'" in date["note"]


def test_bad_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["builtins", "-o", "yaml"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["builtins", "--builtins", "burrego"])
