"""OPA's own test cases (YAML cases and Go unit tests of open-policy-agent/opa) as a second oracle.

The cases live in ``opa_cases/<builtin>.jsonl`` (one conformance case a line, with a ``source``
naming the OPA file it was derived from; see ``opa_cases/README.md``) and run through the same
``run_case`` as the shared corpus. ``error_contains`` matches OPA's harness, which compares
error texts by substring; ``select`` compares one field of a large result.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.conformance.builtins import run_case
from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext, RegoSet

CASES_DIR = Path(__file__).parent / "opa_cases"



def _cases() -> list:
    params = []
    for path in sorted(CASES_DIR.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                params.append(pytest.param(json.loads(line), id=f"{path.stem}:{number}"))
    return params


CASES = _cases()


def test_cases_are_present_and_well_formed() -> None:
    assert len(CASES) >= 300
    for param in CASES:
        case = param.values[0]
        assert case["builtin"] in REGISTRY, case["builtin"]  # host builtins only
        assert case["source"].startswith("v1/"), case["source"]
        outcomes = [key for key in ("want", "undefined", "error", "error_contains") if key in case]
        assert len(outcomes) == 1, case
        assert Path(CASES_DIR, f"{case['builtin']}.jsonl").exists()


def test_every_source_is_listed_in_the_readme() -> None:
    readme = (CASES_DIR / "README.md").read_text(encoding="utf-8")
    for param in CASES:
        source = param.values[0]["source"].split(" ", 1)[0]
        assert source in readme, source


@pytest.mark.parametrize("case", CASES)
def test_opa_case(case: dict) -> None:
    # each OPA test case runs in a fresh evaluation: no regexp (or template delimiters) cached by
    # whatever ran before in this process (OPA's cache is process-wide, see builtins/regex.py)
    from workbench.core.engines.opa.builtins.regex import clear_regexp_cache

    clear_regexp_cache()
    ok, want, got = run_case(case)
    assert ok, f"{case['builtin']} {case['args']!r} ({case['source']}): want {want}, got {got}"


def test_yaml_round_trip_of_a_set() -> None:
    """v1/test/cases/testdata/v1/jsonbuiltins/test-jsonbuiltins-0927.yaml: sets marshal as sorted sequences."""
    ctx = BuiltinContext()
    text = REGISTRY["yaml.marshal"](ctx, [[{"foo": RegoSet([3, 1, 2])}]])
    assert REGISTRY["yaml.unmarshal"](ctx, [text]) == [{"foo": [1, 2, 3]}]
