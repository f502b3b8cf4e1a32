from __future__ import annotations

import pytest

from workbench.core.errors import InputError
from workbench.core.scaffold.templates import (
    TEMPLATE_KINDS,
    request_template,
    template_names,
    template_object,
    updated_object,
)


@pytest.mark.parametrize(("kind", "operation"), template_names())
def test_every_template_is_a_consistent_review(kind: str, operation: str) -> None:
    review = request_template(kind, operation)
    assert review["kind"] == "AdmissionReview"
    req = review["request"]
    assert req["operation"] == operation
    assert req["kind"]["kind"] == kind
    if operation == "CREATE":
        assert req["object"] == template_object(kind) and "oldObject" not in req
    elif operation == "UPDATE":
        assert req["oldObject"] == template_object(kind)
        assert req["object"] == updated_object(kind) != req["oldObject"]
    else:
        assert "object" not in req and req["oldObject"] == template_object(kind)


def test_fifteen_templates() -> None:
    assert len(template_names()) == len(TEMPLATE_KINDS) * 3 == 15


def test_copies_are_independent() -> None:
    a = template_object("Pod")
    a["spec"]["containers"][0]["image"] = "x"
    assert template_object("Pod")["spec"]["containers"][0]["image"] != "x"


def test_unknown() -> None:
    with pytest.raises(InputError, match="no request template"):
        template_object("CronJob")
    with pytest.raises(InputError, match="unsupported operation"):
        request_template("Pod", "PATCH")
