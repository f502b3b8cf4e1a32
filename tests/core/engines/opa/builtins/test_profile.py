"""Builtin profiles: ``kubewarden`` (what Kubewarden's policy-server provides) and ``opa`` (every builtin).

Engine-level tests run hand-written OPA-ABI modules (tests/opa_wat.py) whose ``builtins`` export
asks for the builtins under test: entrypoint ``test/missing`` calls builtin id 20 with the input,
``test/b2`` calls ``test.two`` (here remapped to a real builtin) with (input, input).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from opa_wat import make_module

from workbench.core import BuiltinOptions, BuiltinProfile, KubewardenMissingBuiltinError
from workbench.core import kubewarden_missing_builtins as public_kubewarden_missing_builtins
from workbench.core.engines.base import EngineOptions
from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext
from workbench.core.engines.opa.builtins.profile import (
    kubewarden_missing_builtins,
    kubewarden_profile,
    missing_builtin_error,
    profile_missing_builtins,
    profile_of,
    profile_provides,
)
from workbench.core.engines.opa.builtins.status import NATIVE_BUILTINS, NON_NATIVE_BUILTINS
from workbench.core.engines.opa.engine import OpaEngine
from workbench.core.errors import BuiltinError, MissingBuiltinError

KUBEWARDEN = BuiltinOptions(profile=BuiltinProfile.KUBEWARDEN)
OPA = BuiltinOptions(profile=BuiltinProfile.OPA)


def _engine(module: Any, options: BuiltinOptions | None) -> OpaEngine:
    return OpaEngine(module, "opa", EngineOptions(builtin_options=options))


# -- the data file ----------------------------------------------------------------------------


def test_data_file_is_burregos_table_with_its_source() -> None:
    raw = json.loads(
        resources.files("workbench.core.engines.opa.builtins")
        .joinpath("kubewarden_profile.json")
        .read_text(encoding="utf-8")
    )
    profile = kubewarden_profile()
    assert profile.builtins == frozenset(raw["builtins"])
    assert len(raw["builtins"]) == len(set(raw["builtins"])) == 23  # mod.rs registers 23 names
    assert raw["builtins"] == sorted(raw["builtins"])
    assert profile.burrego_version == "0.3.4"
    assert (
        len(profile.source["commit"]) == 40 and profile.source["file"] == "crates/burrego/src/builtins/mod.rs"
    )
    # Burrego's misnamed registrations are kept as they are: a module asks for time.date, never for date
    assert {"date", "parse_rfc3339_ns"} <= profile.builtins
    assert not {"time.date", "time.parse_rfc3339_ns"} & profile.builtins
    # every other entry is a real OPA builtin name (json.is_valid is native, a dead entry)
    opa_names = NATIVE_BUILTINS | {name for name, _, _ in NON_NATIVE_BUILTINS}
    assert profile.builtins - opa_names == {"date", "parse_rfc3339_ns"}
    assert profile.builtins & NATIVE_BUILTINS == {"json.is_valid"}
    # and the workbench implements each of them

    assert all(name in REGISTRY for name in profile.builtins - {"date", "parse_rfc3339_ns", "json.is_valid"})


def test_profile_enum_and_options() -> None:
    assert [p.value for p in BuiltinProfile] == ["kubewarden", "opa"]
    assert BuiltinOptions().profile is BuiltinProfile.OPA  # default: today's exact-OPA behaviour
    assert BuiltinOptions(profile="kubewarden").profile is BuiltinProfile.KUBEWARDEN  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        BuiltinOptions(profile="burrego")  # type: ignore[arg-type]
    assert profile_of(None) is BuiltinProfile.OPA
    assert profile_of(KUBEWARDEN) is BuiltinProfile.KUBEWARDEN


@pytest.mark.parametrize(
    ("name", "kubewarden", "opa"),
    [
        ("count", True, True),  # native: compiled into the module
        ("print", True, True),  # compiled away
        ("sprintf", True, True),
        ("json.patch", True, True),
        ("time.now_ns", True, True),
        ("time.date", False, True),  # Burrego registers it as "date"
        ("time.parse_rfc3339_ns", False, True),
        ("units.parse_bytes", False, True),
        ("http.send", False, True),  # disabled by default, but the OPA profile resolves it
        ("no.such.builtin", False, False),
    ],
)
def test_profile_provides(name: str, kubewarden: bool, opa: bool) -> None:
    assert profile_provides(BuiltinProfile.KUBEWARDEN, name) is kubewarden
    assert profile_provides(BuiltinProfile.OPA, name) is opa


def test_kubewarden_missing_builtins_from_names_and_from_a_module() -> None:
    names = ["sprintf", "time.date", "units.parse", "count", "time.date"]
    assert kubewarden_missing_builtins(names) == ["time.date", "units.parse"]
    assert public_kubewarden_missing_builtins(names) == ["time.date", "units.parse"]
    module = make_module(minor=2, builtins={"sprintf": 5, "time.date": 20, "units.parse": 3})
    assert kubewarden_missing_builtins(module) == ["time.date", "units.parse"]
    assert kubewarden_missing_builtins(make_module(minor=2, builtins={"sprintf": 5})) == []
    with pytest.raises(TypeError):
        kubewarden_missing_builtins("time.date")


def test_profile_missing_builtins() -> None:
    assert profile_missing_builtins(["time.date", "sprintf"], OPA) == []
    assert profile_missing_builtins(["time.date", "sprintf"], None) == []
    assert profile_missing_builtins(["time.date", "sprintf", "abs"], KUBEWARDEN) == ["time.date"]


# -- refusing a module under kubewarden -------------------------------------------------------------


def test_a_builtin_burrego_lacks_fails_under_kubewarden_and_runs_under_opa() -> None:
    module = make_module(minor=2, builtins={"time.date": 20})
    engine = _engine(module, KUBEWARDEN)
    assert engine.missing_builtins() == ["time.date"]
    with pytest.raises(KubewardenMissingBuiltinError) as info:
        engine.evaluate(0, entrypoint="test/missing")
    message = str(info.value)
    assert "time.date (Burrego registers it as 'date'" in message
    assert "Kubewarden's policy-server" in message and "Burrego 0.3.4" in message
    assert "--builtins opa" in message
    assert isinstance(info.value, MissingBuiltinError) and info.value.missing == ["time.date"]
    assert any("--builtins opa" in w for w in engine.warnings())
    # the same module under the opa profile (and without options) runs time.date
    for options in (OPA, None):
        assert _engine(module, options).evaluate(0, entrypoint="test/missing") == [{"result": [1970, 1, 1]}]


def test_the_message_names_each_missing_builtin() -> None:
    module = make_module(minor=2, builtins={"units.parse_bytes": 20, "strings.count": 3, "sprintf": 5})
    engine = _engine(module, KUBEWARDEN)
    with pytest.raises(KubewardenMissingBuiltinError) as info:
        engine.evaluate("1KiB", entrypoint="test/missing")
    message = str(info.value)
    assert "this policy needs: strings.count, units.parse_bytes;" in message
    assert "sprintf" not in message.split("needs:")[1].split(";")[0]
    assert "runs under --builtins opa" in message
    assert _engine(module, OPA).evaluate("1KiB", entrypoint="test/missing") == [{"result": 1024}]


def test_a_builtin_nobody_implements_is_named_as_such() -> None:
    error = missing_builtin_error(["no.such.fn", "time.date"], KUBEWARDEN)
    assert isinstance(error, KubewardenMissingBuiltinError)
    assert "the workbench does not implement no.such.fn" in str(error)
    plain = missing_builtin_error(["no.such.fn"], OPA)
    assert type(plain) is MissingBuiltinError and "no.such.fn" in str(plain)
    assert "does not implement no.such.fn either" in str(missing_builtin_error(["no.such.fn"], KUBEWARDEN))


def test_a_module_of_burrego_builtins_runs_under_kubewarden() -> None:
    module = make_module(minor=2, builtins={"hex.encode": 20})
    assert _engine(module, KUBEWARDEN).evaluate("hi", entrypoint="test/missing") == [{"result": "6869"}]


# -- Burrego's formatting under kubewarden -----------------------------------------------------------


def _sprintf(options: BuiltinOptions, fmt: str, values: list[Any]) -> Any:

    return REGISTRY["sprintf"](BuiltinContext(options=options), [fmt, values])


@pytest.mark.parametrize(
    ("fmt", "values", "kubewarden", "opa"),
    [
        ("%v", [["default", "test"]], "[default test]", '["default", "test"]'),
        ("%v", [{"b": 1, "a": "x"}], "map[a:x b:1]", '{"a": "x", "b": 1}'),
        (
            "hello %v %v %v",
            ["world", 42, ["this", "is", "a", "list"]],
            "hello world 42 [this is a list]",
            None,
        ),
        ("%5s|", ["ab"], "ab   |", "   ab|"),
        ("%05d", [7], "    7", "00007"),
        ("%#o", [8], "0o10", "010"),
        ("%x", [-1], "ffffffffffffffff", "-1"),
        ("100%%", [], "100%%", "100%"),
    ],
)
def test_sprintf_formats_like_burrego_under_kubewarden(
    fmt: str, values: list[Any], kubewarden: str, opa: str | None
) -> None:
    assert _sprintf(KUBEWARDEN, fmt, values) == kubewarden
    if opa is not None:
        assert _sprintf(OPA, fmt, values) == opa


@pytest.mark.parametrize(
    ("fmt", "values", "reason"),
    [
        ("%v", [None], "unable to format nil as v"),
        ("%v", [-3], "unable to format -3 as v"),
        ("%s", [1], "unable to format 1 as s"),
        ("%d %d", [1], "unable to process verb"),
        ("50%", [], "unable to terminate format arg: %"),
    ],
)
def test_burrego_sprintf_errors_where_opa_prints_markers(fmt: str, values: list[Any], reason: str) -> None:
    with pytest.raises(BuiltinError, match=r"^sprintf: Cannot render go template") as info:
        _sprintf(KUBEWARDEN, fmt, values)
    assert reason in str(info.value)
    assert isinstance(_sprintf(OPA, fmt, values), str)  # OPA formats them (%!v(…), %!d(MISSING) …)


def test_burrego_panics_on_non_integer_numbers() -> None:
    from workbench.core.engines.opa.builtins._values import loads

    with pytest.raises(BuiltinError, match=r"Burrego panics on the number 1\.5"):
        _sprintf(KUBEWARDEN, "%s", loads('["a", 1.5]'))
    assert _sprintf(OPA, "%v", loads("[1.5]")) == "1.5"


def test_the_engine_hands_the_profile_to_sprintf() -> None:
    module = make_module(minor=2, builtins={"sprintf": 99})  # test.two is absent: test/b2 calls id 99
    # test/b2 calls sprintf(input, input): with a string input both profiles refuse, each its own way
    with pytest.raises(BuiltinError, match=r"^sprintf: 2nd parameter is not an array$"):
        _engine(module, KUBEWARDEN).evaluate("%v", entrypoint="test/b2")
    with pytest.raises(BuiltinError, match=r"^sprintf: operand 2 must be array but got string$"):
        _engine(module, OPA).evaluate("%v", entrypoint="test/b2")
