"""Helpers importable from any test module: ``from helpers import shared_path``.

The third-party policy modules live outside the repository, in ``../shared`` (``WORKBENCH_SHARED_DIR``
overrides the place). Tests reach them only through :func:`shared_path` (or the ``fixtures_dir`` /
``manifest`` fixtures of ``tests/conftest.py``, which call it): absent, each test that needs them is
reported as one skip; under ``CI=true`` it fails instead. Parametrisations never read ``../shared`` at
collection time: the cases of ``../shared/fixtures/MANIFEST.json`` are enumerated from the committed list
``tests/data/shared_fixture_cases.json`` (see :func:`manifest_behaviour_cases`), so the same test ids are
collected with or without ``../shared``. See docs/testing.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("WORKBENCH_SHARED_DIR", REPO_ROOT.parent / "shared"))
#: the committed list of MANIFEST.json cases (module name, kind, number of behaviours, Rego sources)
SHARED_FIXTURE_CASES = REPO_ROOT / "tests" / "data" / "shared_fixture_cases.json"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def shared_path(*parts: str) -> Path:
    """Path inside ``../shared``; skips (or fails in CI) when it does not exist."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        message = (
            f"shared fixtures not found at {path} (expected the project's shared/ folder next to the repo)"
        )
        if in_ci():
            pytest.fail(message + "; CI=true requires them")
        pytest.skip(message)
    return path


def committed_fixture_modules() -> list[dict[str, Any]]:
    """The modules of the committed case list, in MANIFEST.json order."""
    modules: list[dict[str, Any]] = json.loads(SHARED_FIXTURE_CASES.read_text(encoding="utf-8"))["modules"]
    return modules


def fixture_modules_of(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """What the committed case list must say for ``manifest`` (a parsed MANIFEST.json)."""
    return [
        {
            "name": module["name"],
            "kind": module["kind"],
            "behaviours": len(module["expected_behaviours"]),
            "rego_sources": bool(module.get("rego_sources")),
        }
        for module in manifest["modules"]
    ]


def manifest_behaviour_cases(
    kinds: str | Iterable[str] | None = None, *, rego_sources: bool = False, stem_ids: bool = False
) -> list[Any]:
    """``(module name, behaviour index)`` params for the MANIFEST.json behaviours of modules of ``kinds``.

    ``rego_sources`` keeps only the modules shipped with their Rego sources. Test ids are
    ``<file name>-<index>`` (``<file stem>-<index>`` with ``stem_ids``). The cases come from the committed
    list, never from ``../shared``: the test looks its behaviour up with :func:`manifest_behaviour`, which
    skips (or fails in CI) when the fixtures are absent.
    """
    wanted = {kinds} if isinstance(kinds, str) else (set(kinds) if kinds is not None else None)
    cases: list[Any] = []
    for module in committed_fixture_modules():
        if wanted is not None and module["kind"] not in wanted:
            continue
        if rego_sources and not module["rego_sources"]:
            continue
        label = Path(module["name"]).stem if stem_ids else module["name"].split("/")[-1]
        cases.extend(
            pytest.param(module["name"], index, id=f"{label}-{index}") for index in range(module["behaviours"])
        )
    return cases


@cache
def _shared_manifest(path: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def shared_manifest() -> dict[str, Any]:
    """``../shared/fixtures/MANIFEST.json``, parsed (skips, or fails in CI, when absent)."""
    return _shared_manifest(shared_path("fixtures", "MANIFEST.json"))


def manifest_module(name: str) -> dict[str, Any]:
    """The MANIFEST.json entry of module ``name`` (skips, or fails in CI, when ``../shared`` is absent)."""
    for module in shared_manifest()["modules"]:
        if module["name"] == name:
            return module
    pytest.fail(f"{name} is in {SHARED_FIXTURE_CASES.name} but not in MANIFEST.json: refresh the committed list")


def manifest_behaviour(name: str, index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The MANIFEST.json entry of ``name`` and its behaviour number ``index``."""
    module = manifest_module(name)
    behaviours = module["expected_behaviours"]
    if index >= len(behaviours):
        pytest.fail(f"{name} lists {len(behaviours)} behaviours in MANIFEST.json, not {index + 1}: refresh "
                    f"{SHARED_FIXTURE_CASES.name}")
    behaviour: dict[str, Any] = behaviours[index]
    return module, behaviour


@contextlib.contextmanager
def timed(seconds: float) -> Iterator[None]:
    """The block must finish (raise included) within ``seconds``."""
    start = time.monotonic()
    try:
        yield
    finally:
        elapsed = time.monotonic() - start
        assert elapsed < seconds, f"took {elapsed:.2f} s (limit {seconds} s)"
