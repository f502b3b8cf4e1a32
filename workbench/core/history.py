"""Persistent run history: every run with its inputs' digests, outcome and timings (SQLite).

The store lives in the user data directory (``$XDG_DATA_HOME/policy-workbench/history.sqlite3``
through ``platformdirs``) and is bounded: after each insert the oldest runs beyond
``max_runs`` are deleted. The schema is versioned with ``PRAGMA user_version``; a database
written by a newer release is refused with a :class:`~workbench.core.errors.InputError` instead
of being altered. Texts of the inputs (request, settings) are kept up to :data:`MAX_TEXT` bytes
so a past run can be reopened; larger inputs keep only their digest.

Qt-free: the window shows it, tests exercise it directly. See ``docs/window.md``, section "Run history".
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from workbench.core.errors import InputError

__all__ = [
    "DEFAULT_MAX_RUNS",
    "SCHEMA_VERSION",
    "HistoryEntry",
    "HistoryStore",
    "compare_entries",
    "default_history_path",
    "text_digest",
]

SCHEMA_VERSION = 1
DEFAULT_MAX_RUNS = 2000
MAX_TEXT = 1024 * 1024

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started REAL NOT NULL,
    policy TEXT NOT NULL,
    policy_source TEXT NOT NULL,
    policy_digest TEXT NOT NULL,
    case_name TEXT,
    inputs_digest TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    settings_digest TEXT NOT NULL,
    request_text TEXT,
    settings_text TEXT,
    verdict TEXT NOT NULL,
    message TEXT NOT NULL,
    expected TEXT,
    passed INTEGER,
    response_json TEXT,
    elapsed_s REAL NOT NULL,
    wall_s REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_started ON runs (started);
"""


def default_history_path() -> Path:
    """``history.sqlite3`` in the per-user data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("policy-workbench", appauthor=False)) / "history.sqlite3"


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    """One run as stored (``id`` is 0 until stored)."""

    policy: str
    policy_source: str
    policy_digest: str
    inputs_digest: str
    request_text: str
    settings_text: str
    verdict: str
    message: str
    elapsed_s: float
    wall_s: float
    case_name: str | None = None
    expected: str | None = None
    passed: bool | None = None
    response: dict[str, Any] | None = None
    started: float = dataclasses.field(default_factory=time.time)
    id: int = 0
    request_digest: str = ""
    settings_digest: str = ""

    @property
    def patch(self) -> list[dict[str, Any]] | None:
        """The JSON Patch of a mutation (decoded), if any."""
        response = self.response or {}
        patch = response.get("patch")
        if not patch:
            return None
        import base64

        try:
            value = json.loads(base64.b64decode(patch))
        except (ValueError, TypeError):
            return None
        return value if isinstance(value, list) else None


def _bounded(text: str) -> str | None:
    return text if len(text.encode("utf-8")) <= MAX_TEXT else None


class HistoryStore:
    """A bounded SQLite store of runs; safe to use from one thread at a time (a lock guards it)."""

    def __init__(self, path: str | Path, max_runs: int = DEFAULT_MAX_RUNS) -> None:
        if max_runs < 1:
            raise InputError(f"the history size must be at least 1 run (got {max_runs})")
        self.path = Path(path)
        self.max_runs = max_runs
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"cannot open the run history {self.path}: {exc}") from None
        try:
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise InputError(f"the run history {self.path} is not a usable SQLite database: {exc}") from None

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            self._db.close()
            raise InputError(
                f"the run history {self.path} was written by a newer Policy Workbench "
                f"(schema {version}, this release reads {SCHEMA_VERSION})"
            )
        if version < SCHEMA_VERSION:
            with self._db:
                self._db.executescript(_SCHEMA)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- writing ------------------------------------------------------------------------------
    def add(self, entry: HistoryEntry) -> int:
        """Store ``entry`` and prune beyond :attr:`max_runs`; returns its id."""
        return self.add_many([entry])[0]

    def add_many(self, entries: list[HistoryEntry]) -> list[int]:
        """Store ``entries`` in one transaction (a whole suite run), then prune; returns their ids."""
        rows = [self._row(entry) for entry in entries]
        ids: list[int] = []
        with self._lock, self._db:
            for row in rows:
                cursor = self._db.execute(
                    "INSERT INTO runs (started, policy, policy_source, policy_digest, case_name, inputs_digest,"
                    " request_digest, settings_digest, request_text, settings_text, verdict, message, expected,"
                    " passed, response_json, elapsed_s, wall_s) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    row,
                )
                ids.append(int(cursor.lastrowid or 0))
            self._db.execute(
                "DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?)",
                (self.max_runs,),
            )
        return ids

    @staticmethod
    def _row(entry: HistoryEntry) -> tuple[Any, ...]:
        response = json.dumps(entry.response, ensure_ascii=False) if entry.response is not None else None
        if response is not None and len(response) > MAX_TEXT:
            response = None
        return (
            entry.started,
            entry.policy,
            entry.policy_source,
            entry.policy_digest,
            entry.case_name,
            entry.inputs_digest,
            entry.request_digest or text_digest(entry.request_text),
            entry.settings_digest or text_digest(entry.settings_text),
            _bounded(entry.request_text),
            _bounded(entry.settings_text),
            entry.verdict,
            entry.message,
            entry.expected,
            None if entry.passed is None else int(entry.passed),
            response,
            entry.elapsed_s,
            entry.wall_s,
        )

    def set_max_runs(self, max_runs: int) -> None:
        if max_runs < 1:
            raise InputError(f"the history size must be at least 1 run (got {max_runs})")
        self.max_runs = max_runs
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?)", (max_runs,)
            )

    def clear(self) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM runs")

    # -- reading ------------------------------------------------------------------------------
    _COLUMNS = (
        "id, started, policy, policy_source, policy_digest, case_name, inputs_digest, request_digest,"
        " settings_digest, request_text, settings_text, verdict, message, expected, passed, response_json,"
        " elapsed_s, wall_s"
    )

    @staticmethod
    def _entry(row: tuple[Any, ...]) -> HistoryEntry:
        (
            id_,
            started,
            policy,
            source,
            pdigest,
            case,
            idigest,
            rdigest,
            sdigest,
            rtext,
            stext,
            verdict,
            message,
            expected,
            passed,
            response,
            elapsed,
            wall,
        ) = row
        return HistoryEntry(
            policy=policy,
            policy_source=source,
            policy_digest=pdigest,
            inputs_digest=idigest,
            request_text=rtext or "",
            settings_text=stext or "",
            verdict=verdict,
            message=message,
            elapsed_s=elapsed,
            wall_s=wall,
            case_name=case,
            expected=expected,
            passed=None if passed is None else bool(passed),
            response=json.loads(response) if response else None,
            started=started,
            id=id_,
            request_digest=rdigest,
            settings_digest=sdigest,
        )

    def recent(self, limit: int = 200, *, policy: str | None = None) -> list[HistoryEntry]:
        """The newest runs first (of one policy when given)."""
        query = f"SELECT {self._COLUMNS} FROM runs"
        args: tuple[Any, ...] = ()
        if policy is not None:
            query += " WHERE policy = ?"
            args = (policy,)
        query += " ORDER BY id DESC LIMIT ?"
        with self._lock:
            rows = self._db.execute(query, (*args, max(0, limit))).fetchall()
        return [self._entry(r) for r in rows]

    def get(self, run_id: int) -> HistoryEntry:
        with self._lock:
            row = self._db.execute(f"SELECT {self._COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise InputError(f"run #{run_id} is not in the history (it may have been pruned)")
        return self._entry(row)

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def compare_entries(a: HistoryEntry, b: HistoryEntry) -> list[str]:
    """The differences between two runs (verdict, message, patch, inputs), or [] when they agree."""
    out: list[str] = []
    if a.verdict != b.verdict:
        out.append(f"verdict: {a.verdict} → {b.verdict}")
    if a.message != b.message:
        out.append(f"message: {a.message!r} → {b.message!r}")
    pa, pb = a.patch, b.patch
    if pa != pb:
        before = {json.dumps(op, sort_keys=True) for op in pa or []}
        after = {json.dumps(op, sort_keys=True) for op in pb or []}
        out.extend(f"patch: - {op}" for op in sorted(before - after))
        out.extend(f"patch: + {op}" for op in sorted(after - before))
    if a.policy_digest != b.policy_digest:
        out.append("policy: a different module or metadata")
    if (a.request_digest or text_digest(a.request_text)) != (b.request_digest or text_digest(b.request_text)):
        out.append("request: different")
    if (a.settings_digest or text_digest(a.settings_text)) != (b.settings_digest or text_digest(b.settings_text)):
        out.append("settings: different")
    return out
