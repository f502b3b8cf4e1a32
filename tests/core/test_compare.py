"""Compare engines: the Rego source and its compiled Wasm on the same request."""

from __future__ import annotations

from pathlib import Path

from helpers import shared_path

from workbench.core.compare import compare_engines, compare_values
from workbench.core.requests import load_request


def test_compare_values_reports_paths() -> None:
    assert compare_values({"a": 1, "b": [1, 2]}, {"a": 1.0, "b": [1, 2]}) == []
    diffs = compare_values({"a": True, "b": [1], "c": 1}, {"a": 1, "b": [1, 2], "d": 2}, "r")
    assert diffs == [
        "r.a: rego true, wasm 1",
        "r.b: rego [1], wasm [1, 2]",
        "r.c: only rego has it (1)",
        "r.d: only wasm has it (2)",
    ]


def test_same_policy_gives_no_difference() -> None:
    fixtures = shared_path("fixtures")
    request = load_request(fixtures / "requests" / "pod-privileged.json")
    comparison = compare_engines(
        [
            fixtures / "policies" / "opa-no-default-namespace--no-default-namespace.rego",
            fixtures / "policies" / "opa-no-default-namespace--utility-policy.rego",
        ],
        fixtures / "policies" / "opa-no-default-namespace.wasm",
        request,
        {},
        execution_mode="opa",
    )
    assert comparison.same, comparison.differences
    assert comparison.rego.response == comparison.wasm.response
    assert comparison.rego.response["allowed"] is False


def test_a_different_source_is_highlighted(tmp_path: Path) -> None:
    fixtures = shared_path("fixtures")
    source = tmp_path / "unhappy.rego"
    source.write_text('package policy\n\nviolation[{"msg": "always unhappy"}] { true }\n')
    request = load_request(fixtures / "requests" / "pod-privileged.json")
    comparison = compare_engines(source, fixtures / "policies" / "gk-always-happy.wasm", request, {})
    assert not comparison.same
    assert "response.allowed: rego-source false, wasm true" in comparison.differences
    assert any(d.startswith("response.status") for d in comparison.differences)


def test_an_engine_error_is_a_difference(tmp_path: Path) -> None:
    fixtures = shared_path("fixtures")
    source = tmp_path / "broken.rego"
    source.write_text(
        "package policy\nimport rego.v1\nf(s) if { startswith(s, input.r[_]) }\nviolation if f(1)\n"
    )
    request = load_request(fixtures / "requests" / "pod-privileged.json")
    comparison = compare_engines(source, fixtures / "policies" / "gk-always-happy.wasm", request, {})
    assert comparison.rego.error is not None and comparison.wasm.error is None
    assert comparison.differences and comparison.differences[0].startswith("error: rego-source")
