"""The committed case list ``tests/data/shared_fixture_cases.json`` matches ``../shared/fixtures/MANIFEST.json``.

Tests parametrise over the manifest's expected behaviours from the committed list, so that the same test ids
are collected whether or not ``../shared`` is present (absent, each is one visible skip). This test keeps
the list honest: it fails when the manifest gains, loses or renames a case. See docs/testing.md.
"""

from __future__ import annotations

import json

import pytest
from helpers import (
    SHARED_FIXTURE_CASES,
    committed_fixture_modules,
    fixture_modules_of,
    manifest_behaviour_cases,
    shared_path,
)


def test_committed_list_matches_the_manifest() -> None:
    manifest = json.loads(shared_path("fixtures", "MANIFEST.json").read_text(encoding="utf-8"))
    assert committed_fixture_modules() == fixture_modules_of(manifest), (
        f"{SHARED_FIXTURE_CASES} is stale: regenerate it from MANIFEST.json with helpers.fixture_modules_of"
    )


def test_committed_list_is_well_formed() -> None:
    modules = committed_fixture_modules()
    names = [module["name"] for module in modules]
    assert len(names) == len(set(names))
    for module in modules:
        assert set(module) == {"name", "kind", "behaviours", "rego_sources"}
        assert module["name"].startswith("policies/") and module["name"].endswith(".wasm")
        assert isinstance(module["behaviours"], int) and module["behaviours"] >= 0
        assert isinstance(module["rego_sources"], bool)


def test_cases_are_selected_by_kind_and_sources() -> None:
    every = manifest_behaviour_cases()
    assert len(every) == sum(module["behaviours"] for module in committed_fixture_modules())
    wapc = manifest_behaviour_cases("kubewarden-wapc")
    assert wapc and all(case.values[0].startswith("policies/kw-") for case in wapc)
    assert wapc[0].id == f"{wapc[0].values[0].split('/')[-1]}-0"
    both = manifest_behaviour_cases(("opa", "gatekeeper"), stem_ids=True)
    assert {case.values[0] for case in both} >= {"policies/gk-always-happy.wasm"}
    assert all(".wasm" not in case.id for case in both)
    with_sources = manifest_behaviour_cases(rego_sources=True)
    assert with_sources and len(with_sources) < len(every)
    ids = [case.id for case in every]
    assert len(ids) == len(set(ids))


def test_a_case_missing_from_the_manifest_fails_loudly() -> None:
    import helpers

    shared_path("fixtures", "MANIFEST.json")
    with pytest.raises(pytest.fail.Exception, match="refresh"):
        helpers.manifest_behaviour("policies/not-in-the-manifest.wasm", 0)
    name = committed_fixture_modules()[0]["name"]
    with pytest.raises(pytest.fail.Exception, match="refresh"):
        helpers.manifest_behaviour(name, 10_000)
