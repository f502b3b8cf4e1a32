"""Deprecated cast_* builtins: corpus and pass-through behaviour."""

from __future__ import annotations

import pytest
from builtin_corpus import check_corpus_param, corpus_params

from workbench.core.engines.opa.builtins import RegoSet
from workbench.core.engines.opa.builtins.casts import (
    cast_array,
    cast_boolean,
    cast_null,
    cast_object,
    cast_set,
    cast_string,
)
from workbench.core.errors import BuiltinError

BUILTINS = ("cast_array", "cast_boolean", "cast_null", "cast_object", "cast_set", "cast_string")


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


def test_pass_through() -> None:
    assert cast_array([1]) == [1]
    assert cast_array(RegoSet([2, 1])) == [1, 2]
    assert cast_set(RegoSet([1])) == RegoSet([1])
    assert cast_string("s") == "s"
    assert cast_boolean(False) is False
    assert cast_null(None) is None
    assert cast_object({"a": 1}) == {"a": 1}


def test_union_error_wording() -> None:
    with pytest.raises(
        BuiltinError, match=r"^cast_set: operand 1 must be one of \{array, set\} but got null$"
    ):
        cast_set(None)
    with pytest.raises(BuiltinError, match=r"^cast_boolean: operand 1 must be boolean but got string$"):
        cast_boolean("true")
