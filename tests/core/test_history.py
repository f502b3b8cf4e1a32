"""The persistent run history (SQLite): storing, bounding, reading back, versioning, comparing."""

from __future__ import annotations

import base64
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.errors import InputError
from workbench.core.history import (
    MAX_TEXT,
    SCHEMA_VERSION,
    HistoryEntry,
    HistoryStore,
    compare_entries,
    default_history_path,
    text_digest,
)


def _entry(verdict: str = "accepted", message: str = "", **fields: object) -> HistoryEntry:
    values: dict[str, object] = {
        "policy": "require-labels",
        "policy_source": "/p/policy.wasm",
        "policy_digest": "a" * 64,
        "inputs_digest": "b" * 64,
        "request_text": '{"request": {"uid": "1"}}',
        "settings_text": "required_labels: [owner]\n",
        "verdict": verdict,
        "message": message,
        "elapsed_s": 0.002,
        "wall_s": 0.01,
    }
    values.update(fields)
    return HistoryEntry(**values)  # type: ignore[arg-type]


def _patch(ops: list[dict[str, object]]) -> dict[str, object]:
    return {
        "uid": "1",
        "allowed": True,
        "patchType": "JSONPatch",
        "patch": base64.b64encode(json.dumps(ops).encode()).decode(),
    }


def test_add_read_back_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "data" / "history.sqlite3"
    with HistoryStore(path) as store:
        first = store.add(_entry(case_name="labelled pod", expected="allowed", passed=True))
        second = store.add(_entry("rejected", "missing owner", response={"uid": "1", "allowed": False}))
        assert second > first and store.count() == 2
        newest = store.recent()
        assert [e.id for e in newest] == [second, first]
        assert newest[0].verdict == "rejected" and newest[0].response == {"uid": "1", "allowed": False}
        assert newest[1].passed is True and newest[1].case_name == "labelled pod"
        assert newest[1].request_digest == text_digest('{"request": {"uid": "1"}}')
    with HistoryStore(path) as again:  # persistent
        entry = again.get(first)
        assert entry.settings_text == "required_labels: [owner]\n" and entry.expected == "allowed"
        assert again.recent(policy="other") == []
        with pytest.raises(InputError, match="not in the history"):
            again.get(9999)


def test_bounded_size_keeps_the_newest(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3", max_runs=5) as store:
        ids = store.add_many([_entry(message=str(i)) for i in range(12)])
        assert len(ids) == 12 and store.count() == 5
        assert [e.message for e in store.recent()] == ["11", "10", "9", "8", "7"]
        store.set_max_runs(2)
        assert [e.message for e in store.recent()] == ["11", "10"]
        with pytest.raises(InputError, match="at least 1 run"):
            store.set_max_runs(0)
        store.clear()
        assert store.count() == 0
    with pytest.raises(InputError, match="at least 1 run"):
        HistoryStore(tmp_path / "x.sqlite3", max_runs=0)


def test_huge_inputs_keep_only_their_digest(tmp_path: Path) -> None:
    big = "x" * (MAX_TEXT + 1)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        run_id = store.add(_entry(request_text=big))
        entry = store.get(run_id)
        assert entry.request_text == "" and entry.request_digest == text_digest(big)


def test_schema_is_versioned(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    HistoryStore(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(InputError, match="newer Policy Workbench"):
        HistoryStore(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"definitely not sqlite" * 100)
    with pytest.raises(InputError, match="not a usable SQLite database"):
        HistoryStore(path)


def test_compare_two_runs() -> None:
    before = _entry("mutated", response=_patch([{"op": "add", "path": "/a", "value": 1}]))
    after = _entry(
        "rejected",
        "no",
        response={"uid": "1", "allowed": False},
        settings_text="required_labels: []\n",
        settings_digest="",
    )
    differences = compare_entries(before, after)
    assert "verdict: mutated → rejected" in differences
    assert "message: '' → 'no'" in differences
    assert any(d.startswith("patch: - ") and '"/a"' in d for d in differences)
    assert "settings: different" in differences and "request: different" not in differences
    assert compare_entries(before, before) == []


def test_default_path_is_in_the_user_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    path = default_history_path()
    assert path.name == "history.sqlite3" and "policy-workbench" in path.parts


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["accepted", "rejected", "mutated", "error"]), st.text(max_size=40)),
        max_size=15,
    )
)
def test_recent_returns_what_was_stored_newest_first(
    tmp_path_factory: pytest.TempPathFactory, runs: list[tuple[str, str]]
) -> None:
    path = tmp_path_factory.mktemp("prop") / "h.sqlite3"
    with HistoryStore(path, max_runs=10) as store:
        store.add_many([_entry(verdict, message) for verdict, message in runs])
        got = [(e.verdict, e.message) for e in store.recent()]
    assert got == list(reversed(runs))[:10]
