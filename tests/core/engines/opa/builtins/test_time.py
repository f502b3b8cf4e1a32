"""OPA ``time.*`` builtins: corpus, Go layout/duration semantics, property tests."""

from __future__ import annotations

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext
from workbench.core.engines.opa.builtins._values import OpaFloat
from workbench.core.engines.opa.builtins.time import (
    GoTime,
    GoTimeError,
    go_format,
    go_parse,
    go_parse_duration,
    load_zone,
)
from workbench.core.errors import BuiltinError

NAMES = (
    "time.add_date",
    "time.clock",
    "time.date",
    "time.diff",
    "time.format",
    "time.parse_duration_ns",
    "time.parse_ns",
    "time.parse_rfc3339_ns",
    "time.weekday",
)
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


@pytest.mark.parametrize("case", corpus_params(*NAMES))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


def call(name: str, *args: object) -> object:
    return REGISTRY[name](BuiltinContext(), list(args))


# -- unit tests -----------------------------------------------------------------


def test_now_ns_is_the_evaluation_time() -> None:
    ctx = BuiltinContext(now_ns=1234)
    entry = REGISTRY["time.now_ns"]
    assert entry(ctx, []) == 1234
    assert entry.deterministic is False
    assert entry.needs_context is True


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("Monday, January 2 2006 3:04:05.000 PM", "Friday, June 2 2017 7:00:00.123 PM"),
        ("Mon Jan _2 __2 002 06", "Fri Jun  2 153 153 17"),
        ("2006-01-02T15:04:05,999999Z07:00", "2017-06-02T19:00:00,123456Z"),
        ("15h04m pm", "19h00m pm"),
        ("-0700 -07:00 -07 Z0700 Z07 -07:00:00", "+0000 +00:00 +00 Z Z +00:00:00"),
        ("Janet Mondays", "Janet Fridays"),  # "Jan" + lower-case letter is literal, "Monday" is not
    ],
)
def test_format_layout_tokens(layout: str, expected: str) -> None:
    assert call("time.format", [1496430000123456789, "UTC", layout]) == expected


def test_format_zone_abbreviations_and_offsets() -> None:
    assert call("time.format", [0, "Asia/Kolkata", "MST -07:00 Z07:00"]) == "IST +05:30 +05:30"
    assert call("time.format", [0, "America/Sao_Paulo", "MST"]) == "-03"


def test_parse_layouts() -> None:
    assert call("time.parse_ns", "02 Jan 06 15:04 MST", "02 Jun 17 19:00 UTC") == 1496430000000000000
    assert call("time.parse_ns", "Jan _2 2006 3PM", "jun  2 2017 7PM") == 1496430000000000000
    assert call("time.parse_ns", "2006 002", "2017 153") == call("time.parse_ns", "2006-01-02", "2017-06-02")
    # GMT+h zones carry an offset, other unknown abbreviations are UTC
    assert call("time.parse_ns", "15:04 2006-01-02 MST", "12:00 2017-06-02 GMT+2") == 1496397600000000000
    assert (
        call("time.parse_ns", "2006-01-02T15:04:05Z07:00", "2017-06-02T19:00:00.5+01:00")
        == 1496426400500000000
    )


@pytest.mark.parametrize(
    ("layout", "value", "message"),
    [
        ("2006-01-02", "2017-02-30", 'parsing time "2017-02-30": day out of range'),
        ("2006-01-02 15", "2017-02-03 25", 'parsing time "2017-02-03 25": hour out of range'),
        ("2006-01-02", "2017-02-03x", 'parsing time "2017-02-03x": extra text: "x"'),
        ("Jan 2", "Foo 2", 'parsing time "Foo 2" as "Jan 2": cannot parse "Foo 2" as "Jan"'),
        ("2006 002", "2017 366", 'parsing time "2017 366": day-of-year out of range'),
        (
            "2006-01-02",
            "2017-01-0é",
            'parsing time "2017-01-0\\xc3\\xa9" as "2006-01-02": cannot parse "0\\xc3\\xa9" as "02"',
        ),
    ],
)
def test_parse_errors(layout: str, value: str, message: str) -> None:
    with pytest.raises(BuiltinError) as info:
        call("time.parse_ns", layout, value)
    assert str(info.value) == "time.parse_ns: " + message


@pytest.mark.parametrize(
    ("text", "ns"),
    [
        ("1.5d", 129600000000000),
        ("1h1m1s1ms1us1ns", 3661001001001),
        ("-.5s", -500000000),
        ("9223372036854775807ns", INT64_MAX),
        ("-9223372036854775808ns", INT64_MIN),
    ],
)
def test_durations(text: str, ns: int) -> None:
    assert go_parse_duration(text) == ns


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1x", 'time: unknown unit "x" in duration "1x"'),
        ("1µ", 'time: unknown unit "\\xc2\\xb5" in duration "1\\xc2\\xb5"'),
        (".s", 'time: invalid duration ".s"'),
        ("-", 'time: invalid duration "-"'),
        ("1s2", 'time: missing unit in duration "1s2"'),
    ],
)
def test_duration_errors(text: str, message: str) -> None:
    with pytest.raises(GoTimeError) as info:
        go_parse_duration(text)
    assert str(info.value) == message


def test_add_date_normalises_like_go() -> None:
    jan31 = call("time.parse_rfc3339_ns", "2021-01-31T10:00:00Z")
    assert call("time.format", call("time.add_date", jan31, 0, 1, 0)) == "2021-03-03T10:00:00Z"
    with pytest.raises(BuiltinError, match="operand 3 must be integer number but got floating-point number"):
        call("time.add_date", jan31, 0, 1.5, 0)


def test_add_date_in_a_zone_keeps_the_wall_clock() -> None:
    # 2021-03-27 12:00 in Paris (CET) + 1 day crosses the DST change: still 12:00 local (CEST)
    t = call("time.parse_rfc3339_ns", "2021-03-27T12:00:00+01:00")
    nxt = call("time.add_date", [t, "Europe/Paris"], 0, 0, 1)
    assert call("time.format", [nxt, "Europe/Paris"]) == "2021-03-28T12:00:00+02:00"


def test_diff_borrows_days_from_the_earlier_month() -> None:
    a = call("time.parse_rfc3339_ns", "2021-01-31T00:00:00Z")
    b = call("time.parse_rfc3339_ns", "2021-03-01T00:00:00Z")
    assert call("time.diff", b, a) == [0, 1, 1, 0, 0, 0]


def test_invalid_location_names() -> None:
    with pytest.raises(BuiltinError, match="time: invalid location name"):
        call("time.date", [0, "../etc/passwd"])
    with pytest.raises(BuiltinError, match="unknown time zone America"):
        call("time.date", [0, "America"])


def test_timestamps_beyond_int64_and_fractions() -> None:
    with pytest.raises(BuiltinError, match="timestamp too big"):
        call("time.date", 9223372036854775808)
    assert call("time.date", OpaFloat("1.5e18")) == [2017, 7, 14]
    with pytest.raises(BuiltinError, match="timestamp too big"):
        call("time.date", OpaFloat("1.5"))


# -- property tests ------------------------------------------------------------

ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]


@settings(max_examples=150, deadline=None)
@given(st.integers(INT64_MIN, INT64_MAX), st.sampled_from(ZONES))
def test_rfc3339nano_round_trip(ns: int, zone: str) -> None:
    t = GoTime.from_unix_nano(ns, load_zone(zone))
    # local mean time offsets have seconds, so the layout keeps them
    layout = "2006-01-02T15:04:05.999999999Z07:00:00"
    assert go_parse(layout, go_format(t, layout)).unix_nano() == ns
    utc = go_format(GoTime.from_unix_nano(ns), "2006-01-02T15:04:05.999999999Z07:00")
    assert go_parse("2006-01-02T15:04:05.999999999Z07:00", utc).unix_nano() == ns


@settings(max_examples=150, deadline=None)
@given(st.integers(-(10**17), 10**17), st.sampled_from(ZONES))
def test_layout_round_trip_with_all_fields(ns: int, zone: str) -> None:
    layout = "Monday January _2 2006 03:04:05.000000000 PM -07:00:00"
    t = GoTime.from_unix_nano(ns, load_zone(zone))
    assert go_parse(layout, go_format(t, layout)).unix_nano() == ns


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.text(max_size=30))
def test_parse_never_crashes(layout: str, value: str) -> None:
    try:
        call("time.parse_ns", layout, value)
    except BuiltinError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40), st.integers(INT64_MIN, INT64_MAX))
def test_format_never_crashes(layout: str, ns: int) -> None:
    assert isinstance(call("time.format", [ns, "Europe/Paris", layout]), str)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789.+-hmsunµμd ", max_size=20))
def test_duration_parser_never_crashes(text: str) -> None:
    try:
        go_parse_duration(text)
    except GoTimeError:
        pass


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**9), st.booleans()
)
def test_duration_sums_units(h: int, m: int, s: int, ns: int, negative: bool) -> None:
    total = ((h * 60 + m) * 60 + s) * 10**9 + ns
    text = f"{'-' if negative else ''}{h}h{m}m{s}s{ns}ns"
    assert go_parse_duration(text) == (-total if negative else total)


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**18), 10**18), st.integers(-50, 50), st.integers(-50, 50), st.integers(-500, 500))
def test_add_date_matches_calendar_arithmetic(ns: int, years: int, months: int, days: int) -> None:
    import datetime as dt

    base = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=ns // 1000)
    total_months = base.year * 12 + base.month - 1 + years * 12 + months
    y, m = divmod(total_months, 12)
    first = dt.datetime(y, m + 1, 1, base.hour, base.minute, base.second, base.microsecond)
    expected = first + dt.timedelta(days=base.day - 1 + days)
    delta = expected - dt.datetime(1970, 1, 1)
    expected_ns = (delta.days * 86400 + delta.seconds) * 10**9 + delta.microseconds * 1000 + ns % 1000
    try:
        got = call("time.add_date", ns, years, months, days)
    except BuiltinError as exc:
        assert "time outside of valid range" in str(exc)
        assert not INT64_MIN <= expected_ns <= INT64_MAX
        return
    assert got == expected_ns
