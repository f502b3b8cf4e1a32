"""Builtin status table: native / host / disabled / missing for the OPA v1.20.2 capabilities."""

from __future__ import annotations

import collections

import pytest

from workbench.core.engines.opa.builtins import REGISTRY
from workbench.core.engines.opa.builtins.status import (
    COMPILED_AWAY,
    NATIVE_BUILTINS,
    NON_NATIVE_BUILTINS,
    all_builtins,
    builtin_status,
    kubewarden_status,
)


def test_capability_counts_match_the_doc() -> None:
    assert len(NATIVE_BUILTINS) == 94
    assert len(NON_NATIVE_BUILTINS) == 112
    names = [name for name, _, _ in NON_NATIVE_BUILTINS]
    assert len(set(names)) == 112
    assert not set(names) & NATIVE_BUILTINS
    assert set(names) >= COMPILED_AWAY


def test_every_capability_listed_once_with_a_known_status() -> None:
    entries = all_builtins()
    names = [e.name for e in entries]
    assert names == sorted(names)
    assert len(names) == len(set(names))
    assert NATIVE_BUILTINS | {n for n, _, _ in NON_NATIVE_BUILTINS} <= set(names)
    assert {e.status for e in entries} <= {"native", "host", "disabled", "missing"}
    counts = collections.Counter(e.status for e in entries)
    assert counts["native"] == len(NATIVE_BUILTINS) + len(COMPILED_AWAY)


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("abs", "native"),
        ("regex.match", "native"),
        ("assign", "native"),
        ("sprintf", "host"),
        ("strings.render_template", "host"),
        ("regex.globs_match", "host"),
        ("urlquery.encode_object", "host"),
        ("no.such.builtin", "missing"),
    ],
)
def test_builtin_status(name: str, status: str) -> None:
    assert builtin_status(name) == status


def test_status_follows_the_registry() -> None:
    all_builtins()  # loads every category module
    for name, _category, _deterministic in NON_NATIVE_BUILTINS:
        if name in COMPILED_AWAY:
            continue
        entry = REGISTRY.get(name)
        expected = "missing" if entry is None else ("host" if entry.enabled_by_default else "disabled")
        assert builtin_status(name) == expected, name


def test_entries_serialise() -> None:
    entry = next(e for e in all_builtins() if e.name == "sprintf")
    assert entry.as_dict() == {
        "name": "sprintf",
        "status": "host",
        "category": "Strings",
        "deterministic": "yes",
        "note": "",
        "kubewarden": "host",
    }


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("abs", "native"),
        ("print", "native"),
        ("sprintf", "host"),
        ("yaml.marshal", "host"),
        ("time.now_ns", "host"),
        ("time.date", "missing"),
        ("time.parse_rfc3339_ns", "missing"),
        ("units.parse", "missing"),
        ("http.send", "missing"),
    ],
)
def test_kubewarden_status(name: str, status: str) -> None:
    assert kubewarden_status(name) == status
    assert next(e for e in all_builtins() if e.name == name).kubewarden == status


def test_kubewarden_column_counts() -> None:
    """Burrego's 23 names: 20 reach modules, json.is_valid is native, two are misspelt."""
    counts = collections.Counter(e.kubewarden for e in all_builtins())
    assert counts["host"] == 20
    assert counts["native"] == len(NATIVE_BUILTINS) + len(COMPILED_AWAY)
    notes = {e.name: e.note for e in all_builtins() if "registers it as" in e.note}
    assert set(notes) == {"time.date", "time.parse_rfc3339_ns"}
