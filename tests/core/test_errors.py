"""The exception tree: the documented tree is the real one, and every class is exported."""

from __future__ import annotations

import re

import pytest

import workbench.core.errors as errors
from workbench.core.errors import BuiltinError, EvaluationError, MissingBuiltinError, WorkbenchError


def _documented_tree() -> dict[str, str]:
    """child -> parent, read from the module docstring's box drawing."""
    assert errors.__doc__ is not None
    parents: dict[int, str] = {}
    tree: dict[str, str] = {}
    for line in errors.__doc__.splitlines():
        match = re.match(r"^(\s*)(?:[│ ]*)(?:├── |└── )?([A-Z][A-Za-z]+)\b", line)
        if not match or not match.group(2).endswith(
            ("Error", "Timeout", "Cancelled", "Trap", "NotFound", "Unavailable")
        ):
            continue
        depth = line.find(match.group(2))
        name = match.group(2)
        if depth > min(parents, default=depth):
            tree[name] = parents[max(d for d in parents if d < depth)]
        parents = {d: n for d, n in parents.items() if d < depth}
        parents[depth] = name
    return tree


def test_docstring_tree_matches_the_classes() -> None:
    tree = _documented_tree()
    classes = {name: getattr(errors, name) for name in errors.__all__}
    assert set(tree) | {"WorkbenchError"} == set(classes)
    for child, parent in tree.items():
        assert classes[child].__bases__ == (classes[parent],), f"{child} should derive from {parent}"


def test_every_error_is_a_workbench_error_and_exported() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, WorkbenchError) and issubclass(cls, Exception)
        assert cls.__doc__, f"{name} needs a docstring saying when it is raised"
    defined = {n for n, v in vars(errors).items() if isinstance(v, type) and issubclass(v, BaseException)}
    assert defined == set(errors.__all__)


def test_missing_builtin_error_lists_sorted_names() -> None:
    exc = MissingBuiltinError(("time.now_ns", "http.send", "crypto.md5"))
    assert exc.missing == ["crypto.md5", "http.send", "time.now_ns"]
    assert (
        str(exc)
        == "the policy needs OPA builtins that are not implemented: crypto.md5, http.send, time.now_ns"
    )
    assert isinstance(exc, EvaluationError)


def test_builtin_error_code() -> None:
    assert BuiltinError("sprintf: bad").code == "eval_builtin_error"
    exc = BuiltinError("x: y", code="eval_type_error")
    assert exc.code == "eval_type_error" and str(exc) == "x: y"
    with pytest.raises(WorkbenchError, match=r"^x: y$"):
        raise exc
