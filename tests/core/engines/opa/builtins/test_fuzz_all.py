"""Every registered host builtin, on arbitrary arguments, raises nothing but ``BuiltinError``.

For each builtin the arity is the number of positional parameters of its Python function
(minus the context for ``needs_context`` ones); argument lists of that length are drawn from
arbitrary JSON values plus Rego sets, mixed with strings shaped like what the builtins parse
(durations, CIDRs, versions, tokens, PEM headers, layouts ...) so the parsers are reached too.
Half the argument lists start from real arguments (the committed conformance corpus and OPA's own cases in
``opa_cases/``) with one argument, or one part of it, replaced, so that the builtins are
reached past their operand checks. A result must be encodable by ``_values.dumps`` (or be
UNDEFINED). Network builtins are included: with the default (disabled) options they must
raise their disabled error.
"""

from __future__ import annotations

import copy
import inspect
import json
import os
from pathlib import Path
from typing import Any

import pytest
from builtin_corpus import CORPUS_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import REGISTRY, UNDEFINED, BuiltinContext, RegoSet
from workbench.core.engines.opa.builtins._values import OpaFloat, dumps, loads
from workbench.core.errors import BuiltinError

_SHAPED = st.sampled_from(
    [
        "",
        "1h30m",
        "1.5d",
        "-0s",
        "10.0.0.0/8",
        "192.168.1.1",
        "::1/128",
        "2001:db8::/126",
        "1.2.3-rc.1+build",
        "v1.0",
        "100Mi",
        "1e3K",
        "%v %d %s %x %.2f %!",
        "2006-01-02T15:04:05Z07:00",
        "RFC3339",
        "2017-06-02T19:00:00-07:00",
        "America/New_York",
        "Local",
        "eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
        "eyJhbGciOiJub25lIn0.eyJleHAiOjF9.",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
        "{{ .x }}",
        "a.b.c",
        "(a|b)*[",
        "{a,b}*",
        "https://user:pw@example.com:8080/p?q=1#f",
        "%zz&a=b;c",
        "key: [1, 2",
        '{"type": "object"}',
        '[{"op": "add", "path": "/a", "value": 1}]',
        "package p\nx := 1",
        "type Query { a: Int }",
        "{ a }",
        "550e8400-e29b-41d4-a716-446655440000",
        "0x1f",
        "\x00\ud7ff\U0001f600",
    ]
)

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: OpaFloat(repr(f))),
    st.text(max_size=20),
    _SHAPED,
)


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=8), _SHAPED), children, max_size=4),
        st.lists(children, max_size=4).map(RegoSet),
    )


VALUES = st.recursive(_SCALARS, _extend, max_leaves=12)


def _arity(name: str) -> int:
    entry = REGISTRY[name]
    params = [
        p
        for p in inspect.signature(entry.fn).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return len(params) - (1 if entry.needs_context else 0)


def _seed_args() -> dict[str, list[list[Any]]]:
    """Real argument lists per builtin (the committed conformance corpus and OPA's own cases)."""
    seeds: dict[str, list[list[Any]]] = {}
    paths = sorted((Path(__file__).parent / "opa_cases").glob("*.jsonl"))
    paths += sorted(CORPUS_DIR.glob("*.jsonl"))
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                if isinstance(case.get("args"), list):
                    seeds.setdefault(case["builtin"], []).append(case["args"])
    return seeds


SEEDS = _seed_args()


def _replace_somewhere(value: Any, path: list[int], new: Any) -> Any:
    """``value`` with the element that ``path`` picks (indices taken modulo sizes) replaced."""
    if not path or not isinstance(value, (list, dict)) or not value:
        return new
    if isinstance(value, list):
        i = path[0] % len(value)
        value[i] = _replace_somewhere(value[i], path[1:], new)
    else:
        key = sorted(value)[path[0] % len(value)]
        value[key] = _replace_somewhere(value[key], path[1:], new)
    return value


def _mutated(name: str, arity: int) -> st.SearchStrategy[list[Any]]:
    seeds = [args for args in SEEDS.get(name, []) if len(args) == arity]
    if not seeds or arity == 0:
        return st.lists(VALUES, min_size=arity, max_size=arity)

    def mutate(seed: list[Any], position: int, path: list[int], new: Any) -> list[Any]:
        args = loads(json.dumps(copy.deepcopy(seed)))
        args[position % arity] = _replace_somewhere(args[position % arity], path, new)
        return args

    return st.builds(
        mutate,
        st.sampled_from(seeds),
        st.integers(min_value=0, max_value=arity - 1),
        st.lists(st.integers(min_value=0, max_value=50), max_size=3),
        VALUES,
    )


def test_every_host_builtin_is_fuzzed() -> None:
    assert len(REGISTRY) >= 105
    assert all(_arity(name) >= 0 for name in REGISTRY)


#: examples per builtin; derandomized so CI is deterministic (raise it locally for a deep run)
EXAMPLES = int(os.environ.get("WORKBENCH_FUZZ_EXAMPLES", "50"))


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_builtin_raises_only_builtin_error(name: str) -> None:
    arity = _arity(name)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=EXAMPLES <= 50,
    )
    @given(args=st.one_of(st.lists(VALUES, min_size=arity, max_size=arity), _mutated(name, arity)))
    def run(args: list[Any]) -> None:
        ctx = BuiltinContext(now_ns=1_700_000_000_000_000_000)
        try:
            result = REGISTRY[name](ctx, args)
        except BuiltinError:
            return
        if result is not UNDEFINED:
            dumps(result)

    run()
