"""The suite schema's fast check, compiled ahead of time (docs/suites.md, "Validation")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import fastjsonschema
import pytest

from workbench.core.suites import loader, schema_check

VALID: dict[str, Any] = {
    "apiVersion": "workbench.policy/v1",
    "kind": "Suite",
    "policies": {"p": {"module": "policy.wasm"}},
    "cases": [{"id": "one", "request": "r.json", "expect": "allowed"}],
}


@pytest.fixture
def fresh_check() -> Iterator[None]:
    loader._fast_check.cache_clear()
    yield
    loader._fast_check.cache_clear()


def test_the_shipped_check_was_generated_from_the_shipped_schema() -> None:
    assert loader._schema_digest() == schema_check.SCHEMA_SHA256, (
        "suite.schema.json changed: regenerate workbench/core/suites/schema_check.py with "
        'python -c "from workbench.core.suites.loader import write_schema_check; write_schema_check()"'
    )


def test_the_loader_uses_the_shipped_check(fresh_check: None) -> None:
    assert loader._fast_check() is schema_check.validate


def test_a_check_from_another_schema_is_not_used(monkeypatch: pytest.MonkeyPatch, fresh_check: None) -> None:
    monkeypatch.setattr(schema_check, "SCHEMA_SHA256", "0" * 64)
    check = loader._fast_check()
    assert check is not schema_check.validate
    check(VALID)  # compiled from the schema now, with the same answers
    with pytest.raises(fastjsonschema.JsonSchemaException):
        check({**VALID, "kind": "Other"})


def test_rendering_is_stamped_and_compiles() -> None:
    text = loader.render_schema_check()
    assert f"SCHEMA_SHA256 = {loader._schema_digest()!r}" in text
    compile(text, "schema_check.py", "exec")
    shipped = loader.Path(schema_check.__file__).read_text(encoding="utf-8")
    # the same generator version writes the same text (another version may lay the code out otherwise)
    if re.search(rf'^VERSION = "{re.escape(fastjsonschema.VERSION)}"$', shipped, re.M):
        assert text == shipped


@pytest.mark.parametrize(
    ("change", "valid"),
    [
        ({}, True),
        ({"apiVersion": "workbench.policy/v2"}, False),  # a const, checked as a one-value enum
        ({"kind": "Suite"}, True),
        ({"kind": "suite"}, False),
        ({"extra": 1}, False),
        ({"cases": [{"id": "one", "request": "r.json", "expect": "maybe"}]}, False),
        ({"cases": [{"id": "one", "request": "r.json", "expect": "allowed", "expcet": "x"}]}, False),
    ],
)
def test_the_shipped_check_and_jsonschema_agree(change: dict[str, Any], valid: bool) -> None:
    doc = {**VALID, **change}
    try:
        schema_check.validate(doc)
        fast = True
    except fastjsonschema.JsonSchemaException:
        fast = False
    assert fast is valid
    assert loader._validator().is_valid(doc) is valid


def test_const_becomes_a_one_value_enum() -> None:
    assert loader._const_as_enum({"a": {"const": "x", "title": "t"}, "b": [{"const": 1}]}) == {
        "a": {"title": "t", "enum": ["x"]},
        "b": [{"enum": [1]}],
    }
