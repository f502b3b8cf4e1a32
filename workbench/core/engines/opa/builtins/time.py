"""OPA ``time.*`` builtins with Go's ``time`` package semantics.

A Go ``time.Time`` is modelled as integer Unix seconds plus nanoseconds and a
zone (UTC or an IANA zone from :mod:`zoneinfo`); every computation is integer
arithmetic on the proleptic Gregorian calendar, as Go does it, so results keep
nanosecond precision over the whole int64 range.

The layout engine is a port of Go's reference-time layouts
(``Mon Jan 2 15:04:05 MST 2006``): :func:`go_format` is ``Time.Format`` and
:func:`go_parse` is ``time.Parse`` (same tokens, same leniency, same
``ParseError`` texts); :func:`go_parse_duration` is ``time.ParseDuration``
(plus OPA's ``d`` = 24h unit).  Go works on bytes, so both run on UTF-8 bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
import zoneinfo
from decimal import InvalidOperation
from fractions import Fraction
from functools import lru_cache
from typing import Any

from workbench.core.engines.opa.builtins._operands import check_string, operand_error, operand_type_error
from workbench.core.engines.opa.builtins._registry import BuiltinContext, BuiltinTable, builtin_error
from workbench.core.engines.opa.builtins._values import to_decimal
from workbench.core.errors import BuiltinError

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = [
    "GoTimeError",
    "Zone",
    "go_format",
    "go_parse",
    "go_parse_duration",
    "load_zone",
]

_CATEGORY = "Time"
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_NS = 1_000_000_000
_SECONDS_PER_DAY = 86400


class GoTimeError(Exception):
    """An error with exactly the text Go's ``time`` package would give."""


# ---------------------------------------------------------------------------
# Calendar arithmetic (proleptic Gregorian, unbounded years)


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a valid (year, month, day)."""
    y = year - (1 if month <= 2 else 0)
    era = y // 400
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(days: int) -> tuple[int, int, int]:
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + 1 if m <= 2 else y), m, d


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_DAYS_BEFORE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365)


def _days_in(month: int, year: int) -> int:
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS_BEFORE[month] - _DAYS_BEFORE[month - 1]


_LONG_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_LONG_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# ---------------------------------------------------------------------------
# Zones


@dataclasses.dataclass(frozen=True)
class Zone:
    """A Go ``*time.Location``: UTC, or an IANA zone."""

    name: str
    info: zoneinfo.ZoneInfo | None = None

    def lookup(self, unix: int) -> tuple[str, int]:
        """(abbreviation, offset seconds east of UTC) in effect at Unix second ``unix``."""
        if self.info is None:
            return "UTC", 0
        # datetime covers years 1..9999; beyond that the zone's last rule applies.
        clamped = min(max(unix, -62135596800 + 2 * _SECONDS_PER_DAY), 253402300799 - 2 * _SECONDS_PER_DAY)
        local = _dt.datetime.fromtimestamp(clamped, self.info)
        offset = local.utcoffset()
        seconds = 0 if offset is None else int(offset.total_seconds())
        return local.tzname() or "", seconds


UTC = Zone("UTC")


@lru_cache(maxsize=256)
def _load_zone_cached(name: str) -> Zone:
    try:
        info = zoneinfo.ZoneInfo(name)
    except Exception as exc:  # ZoneInfoNotFoundError, ValueError, OSError, IsADirectoryError
        raise GoTimeError(f"unknown time zone {name}") from exc
    return Zone(name, info)


def load_zone(name: str) -> Zone:
    """Go's ``time.LoadLocation`` (``""``/``"UTC"`` → UTC; ``"Local"`` is UTC here)."""
    if name in ("", "UTC", "Local"):
        return UTC
    if ".." in name or name[0] in "/\\" or "\x00" in name:
        raise GoTimeError("time: invalid location name")
    return _load_zone_cached(name)


@dataclasses.dataclass(frozen=True)
class GoTime:
    """A Go ``time.Time``: Unix seconds, nanoseconds [0, 1e9) and a zone."""

    sec: int
    nsec: int
    zone: Zone = UTC

    @classmethod
    def from_unix_nano(cls, ns: int, zone: Zone = UTC) -> GoTime:
        sec, nsec = divmod(ns, _NS)
        return cls(sec, nsec, zone)

    def unix_nano(self) -> int:
        return self.sec * _NS + self.nsec

    def locabs(self) -> tuple[str, int, int]:
        """(zone abbreviation, offset, local seconds since the Unix epoch)."""
        name, offset = self.zone.lookup(self.sec)
        return name, offset, self.sec + offset

    def date(self) -> tuple[int, int, int]:
        _, _, local = self.locabs()
        return _civil_from_days(local // _SECONDS_PER_DAY)

    def clock(self) -> tuple[int, int, int]:
        _, _, local = self.locabs()
        sod = local % _SECONDS_PER_DAY
        return sod // 3600, sod % 3600 // 60, sod % 60

    def weekday(self) -> int:
        _, _, local = self.locabs()
        return (local // _SECONDS_PER_DAY + 4) % 7  # 1970-01-01 was a Thursday


def _norm(hi: int, lo: int, base: int) -> tuple[int, int]:
    extra, lo = divmod(lo, base)
    return hi + extra, lo


def go_date(
    year: int, month: int, day: int, hour: int, minute: int, sec: int, nsec: int, zone: Zone
) -> GoTime:
    """Go's ``time.Date`` with its normalisation of out-of-range fields."""
    year, m = _norm(year, month - 1, 12)
    month = m + 1
    sec, nsec = _norm(sec, nsec, _NS)
    minute, sec = _norm(minute, sec, 60)
    hour, minute = _norm(hour, minute, 60)
    day, hour = _norm(day, hour, 24)
    days = _days_from_civil(year, month, 1) + day - 1
    unix = days * _SECONDS_PER_DAY + hour * 3600 + minute * 60 + sec
    if zone.info is not None and abs(unix) < (1 << 40):
        _, offset = zone.lookup(unix)
        if offset:
            _, offset = zone.lookup(unix - offset)
            unix -= offset
    return GoTime(unix, nsec, zone)


def _in_int64_ns(t: GoTime) -> bool:
    return _INT64_MIN <= t.unix_nano() <= _INT64_MAX


# ---------------------------------------------------------------------------
# Layouts: Go's nextStdChunk


_STD_NEED_DATE = 1 << 8
_STD_NEED_YDAY = 1 << 9
_STD_NEED_CLOCK = 1 << 10
_STD_ARG_SHIFT = 16
_STD_SEPARATOR_SHIFT = 28
_STD_MASK = (1 << _STD_ARG_SHIFT) - 1

(
    STD_LONG_MONTH,
    STD_MONTH,
    STD_NUM_MONTH,
    STD_ZERO_MONTH,
    STD_LONG_WEEKDAY,
    STD_WEEKDAY,
    STD_DAY,
    STD_UNDER_DAY,
    STD_ZERO_DAY,
) = (i + 1 + _STD_NEED_DATE for i in range(9))
STD_UNDER_YEARDAY = 10 + _STD_NEED_YDAY
STD_ZERO_YEARDAY = 11 + _STD_NEED_YDAY
(
    STD_HOUR,
    STD_HOUR12,
    STD_ZERO_HOUR12,
    STD_MINUTE,
    STD_ZERO_MINUTE,
    STD_SECOND,
    STD_ZERO_SECOND,
) = (12 + i + _STD_NEED_CLOCK for i in range(7))
STD_LONG_YEAR = 19 + _STD_NEED_DATE
STD_YEAR = 20 + _STD_NEED_DATE
STD_PM = 21 + _STD_NEED_CLOCK
STD_PM_LOWER = 22 + _STD_NEED_CLOCK
(
    STD_TZ,
    STD_ISO8601_TZ,
    STD_ISO8601_SECONDS_TZ,
    STD_ISO8601_SHORT_TZ,
    STD_ISO8601_COLON_TZ,
    STD_ISO8601_COLON_SECONDS_TZ,
    STD_NUM_TZ,
    STD_NUM_SECONDS_TZ,
    STD_NUM_SHORT_TZ,
    STD_NUM_COLON_TZ,
    STD_NUM_COLON_SECONDS_TZ,
    STD_FRAC_SECOND0,
    STD_FRAC_SECOND9,
) = range(23, 36)

_STD0X = (STD_ZERO_MONTH, STD_ZERO_DAY, STD_ZERO_HOUR12, STD_ZERO_MINUTE, STD_ZERO_SECOND, STD_YEAR)
_ISO_TZ = {
    STD_ISO8601_TZ,
    STD_ISO8601_SECONDS_TZ,
    STD_ISO8601_SHORT_TZ,
    STD_ISO8601_COLON_TZ,
    STD_ISO8601_COLON_SECONDS_TZ,
}
_NUM_TZ = {STD_NUM_TZ, STD_NUM_SECONDS_TZ, STD_NUM_SHORT_TZ, STD_NUM_COLON_TZ, STD_NUM_COLON_SECONDS_TZ}


def _std_frac_second(code: int, n: int, sep: int) -> int:
    std = code | ((n & 0xFFF) << _STD_ARG_SHIFT)
    if sep != ord("."):
        std |= 1 << _STD_SEPARATOR_SHIFT
    return std


def _digits_len(std: int) -> int:
    return (std >> _STD_ARG_SHIFT) & 0xFFF


def _separator(std: int) -> int:
    return ord(",") if (std >> _STD_SEPARATOR_SHIFT) else ord(".")


def _is_digit(s: bytes, i: int) -> bool:
    return i < len(s) and 0x30 <= s[i] <= 0x39


def _starts_with_lower(s: bytes) -> bool:
    return bool(s) and 0x61 <= s[0] <= 0x7A


def next_std_chunk(layout: bytes) -> tuple[bytes, int, bytes]:
    """Go's ``nextStdChunk``: (literal prefix, std code or 0, rest of layout)."""
    n = len(layout)
    for i in range(n):
        c = layout[i]
        rest = layout[i:]
        if c == 0x4A:  # J
            if rest[:3] == b"Jan":
                if rest[:7] == b"January":
                    return layout[:i], STD_LONG_MONTH, layout[i + 7 :]
                if not _starts_with_lower(layout[i + 3 :]):
                    return layout[:i], STD_MONTH, layout[i + 3 :]
        elif c == 0x4D:  # M
            if n >= i + 3:
                if rest[:3] == b"Mon":
                    if rest[:6] == b"Monday":
                        return layout[:i], STD_LONG_WEEKDAY, layout[i + 6 :]
                    if not _starts_with_lower(layout[i + 3 :]):
                        return layout[:i], STD_WEEKDAY, layout[i + 3 :]
                if rest[:3] == b"MST":
                    return layout[:i], STD_TZ, layout[i + 3 :]
        elif c == 0x30:  # 0
            if n >= i + 2 and 0x31 <= layout[i + 1] <= 0x36:
                return layout[:i], _STD0X[layout[i + 1] - 0x31], layout[i + 2 :]
            if n >= i + 3 and layout[i + 1] == 0x30 and layout[i + 2] == 0x32:
                return layout[:i], STD_ZERO_YEARDAY, layout[i + 3 :]
        elif c == 0x31:  # 1
            if n >= i + 2 and layout[i + 1] == 0x35:
                return layout[:i], STD_HOUR, layout[i + 2 :]
            return layout[:i], STD_NUM_MONTH, layout[i + 1 :]
        elif c == 0x32:  # 2
            if rest[:4] == b"2006":
                return layout[:i], STD_LONG_YEAR, layout[i + 4 :]
            return layout[:i], STD_DAY, layout[i + 1 :]
        elif c == 0x5F:  # _
            if n >= i + 2 and layout[i + 1] == 0x32:
                if layout[i + 1 : i + 5] == b"2006":
                    return layout[: i + 1], STD_LONG_YEAR, layout[i + 5 :]
                return layout[:i], STD_UNDER_DAY, layout[i + 2 :]
            if n >= i + 3 and layout[i + 1] == 0x5F and layout[i + 2] == 0x32:
                return layout[:i], STD_UNDER_YEARDAY, layout[i + 3 :]
        elif c == 0x33:  # 3
            return layout[:i], STD_HOUR12, layout[i + 1 :]
        elif c == 0x34:  # 4
            return layout[:i], STD_MINUTE, layout[i + 1 :]
        elif c == 0x35:  # 5
            return layout[:i], STD_SECOND, layout[i + 1 :]
        elif c == 0x50:  # P
            if n >= i + 2 and layout[i + 1] == 0x4D:
                return layout[:i], STD_PM, layout[i + 2 :]
        elif c == 0x70:  # p
            if n >= i + 2 and layout[i + 1] == 0x6D:
                return layout[:i], STD_PM_LOWER, layout[i + 2 :]
        elif c == 0x2D:  # -
            for token, std in (
                (b"-070000", STD_NUM_SECONDS_TZ),
                (b"-07:00:00", STD_NUM_COLON_SECONDS_TZ),
                (b"-0700", STD_NUM_TZ),
                (b"-07:00", STD_NUM_COLON_TZ),
                (b"-07", STD_NUM_SHORT_TZ),
            ):
                if rest[: len(token)] == token:
                    return layout[:i], std, layout[i + len(token) :]
        elif c == 0x5A:  # Z
            for token, std in (
                (b"Z070000", STD_ISO8601_SECONDS_TZ),
                (b"Z07:00:00", STD_ISO8601_COLON_SECONDS_TZ),
                (b"Z0700", STD_ISO8601_TZ),
                (b"Z07:00", STD_ISO8601_COLON_TZ),
                (b"Z07", STD_ISO8601_SHORT_TZ),
            ):
                if rest[: len(token)] == token:
                    return layout[:i], std, layout[i + len(token) :]
        elif c in (0x2E, 0x2C) and i + 1 < n and layout[i + 1] in (0x30, 0x39):  # . , then 0s or 9s
            ch = layout[i + 1]
            j = i + 1
            while j < n and layout[j] == ch:
                j += 1
            if not _is_digit(layout, j):
                code = STD_FRAC_SECOND9 if ch == 0x39 else STD_FRAC_SECOND0
                return layout[:i], _std_frac_second(code, j - (i + 1), c), layout[j:]
    return layout, 0, b""


# ---------------------------------------------------------------------------
# Formatting


def _append_int(out: bytearray, x: int, width: int) -> None:
    if x < 0:
        out += b"-"
        x = -x
    out += str(x).rjust(width, "0").encode()


def _go_div(a: int, b: int) -> int:
    """Go's truncating integer division."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _append_nano(out: bytearray, nanosec: int, std: int) -> None:
    trim = (std & _STD_MASK) == STD_FRAC_SECOND9
    n = _digits_len(std)
    if trim and (n == 0 or nanosec == 0):
        return
    dot = _separator(std)
    out.append(dot)
    digits = str(nanosec).rjust(9, "0").encode()
    if n < 9:
        digits = digits[:n]
    out += digits
    if trim:
        while out and out[-1] == 0x30:
            del out[-1]
        if out and out[-1] == dot:
            del out[-1]


def go_format(t: GoTime, layout: str) -> str:
    """Go's ``Time.Format``."""
    name, offset, local = t.locabs()
    days, sod = divmod(local, _SECONDS_PER_DAY)
    year, month, day = _civil_from_days(days)
    yday = days - _days_from_civil(year, 1, 1) + 1
    hour, minute, sec = sod // 3600, sod % 3600 // 60, sod % 60
    weekday = (days + 4) % 7
    out = bytearray()
    rest = _go_bytes(layout)
    while rest:
        prefix, std, suffix = next_std_chunk(rest)
        out += prefix
        if std == 0:
            break
        rest = suffix
        code = std & _STD_MASK
        if code == STD_YEAR:
            _append_int(out, abs(year) % 100, 2)
        elif code == STD_LONG_YEAR:
            _append_int(out, year, 4)
        elif code == STD_MONTH:
            out += _LONG_MONTHS[month - 1][:3].encode()
        elif code == STD_LONG_MONTH:
            out += _LONG_MONTHS[month - 1].encode()
        elif code == STD_NUM_MONTH:
            _append_int(out, month, 0)
        elif code == STD_ZERO_MONTH:
            _append_int(out, month, 2)
        elif code == STD_WEEKDAY:
            out += _LONG_DAYS[weekday][:3].encode()
        elif code == STD_LONG_WEEKDAY:
            out += _LONG_DAYS[weekday].encode()
        elif code == STD_DAY:
            _append_int(out, day, 0)
        elif code == STD_UNDER_DAY:
            if day < 10:
                out += b" "
            _append_int(out, day, 0)
        elif code == STD_ZERO_DAY:
            _append_int(out, day, 2)
        elif code == STD_UNDER_YEARDAY:
            if yday < 100:
                out += b" "
                if yday < 10:
                    out += b" "
            _append_int(out, yday, 0)
        elif code == STD_ZERO_YEARDAY:
            _append_int(out, yday, 3)
        elif code == STD_HOUR:
            _append_int(out, hour, 2)
        elif code in (STD_HOUR12, STD_ZERO_HOUR12):
            hr = hour % 12 or 12
            _append_int(out, hr, 0 if code == STD_HOUR12 else 2)
        elif code == STD_MINUTE:
            _append_int(out, minute, 0)
        elif code == STD_ZERO_MINUTE:
            _append_int(out, minute, 2)
        elif code == STD_SECOND:
            _append_int(out, sec, 0)
        elif code == STD_ZERO_SECOND:
            _append_int(out, sec, 2)
        elif code == STD_PM:
            out += b"PM" if hour >= 12 else b"AM"
        elif code == STD_PM_LOWER:
            out += b"pm" if hour >= 12 else b"am"
        elif code in _ISO_TZ or code in _NUM_TZ:
            if offset == 0 and code in _ISO_TZ:
                out += b"Z"
                continue
            zone = _go_div(offset, 60)
            absoffset = offset
            if zone < 0:
                out += b"-"
                zone = -zone
                absoffset = -absoffset
            else:
                out += b"+"
            _append_int(out, zone // 60, 2)
            if code in (
                STD_ISO8601_COLON_TZ,
                STD_NUM_COLON_TZ,
                STD_ISO8601_COLON_SECONDS_TZ,
                STD_NUM_COLON_SECONDS_TZ,
            ):
                out += b":"
            if code not in (STD_NUM_SHORT_TZ, STD_ISO8601_SHORT_TZ):
                _append_int(out, zone % 60, 2)
            if code in (
                STD_ISO8601_SECONDS_TZ,
                STD_NUM_SECONDS_TZ,
                STD_NUM_COLON_SECONDS_TZ,
                STD_ISO8601_COLON_SECONDS_TZ,
            ):
                if code in (STD_NUM_COLON_SECONDS_TZ, STD_ISO8601_COLON_SECONDS_TZ):
                    out += b":"
                _append_int(out, absoffset % 60, 2)
        elif code == STD_TZ:
            if name:
                out += name.encode()
                continue
            zone = _go_div(offset, 60)
            if zone < 0:
                out += b"-"
                zone = -zone
            else:
                out += b"+"
            _append_int(out, zone // 60, 2)
            _append_int(out, zone % 60, 2)
        elif code in (STD_FRAC_SECOND0, STD_FRAC_SECOND9):
            _append_nano(out, t.nsec, std)
    return out.decode("utf-8", "replace")


# ---------------------------------------------------------------------------
# Parsing


_SURROGATES = re.compile("[\ud800-\udfff]")


def _go_bytes(text: str) -> bytes:
    """The UTF-8 bytes Go would hold for a JSON-decoded string."""
    return _SURROGATES.sub("\ufffd", text).encode("utf-8")


def go_time_quote(raw: bytes) -> str:
    """The ``quote`` helper of Go's ``time`` package (non-ASCII bytes as ``\\xNN``)."""
    out = ['"']
    for b in raw:
        if b < 0x20 or b >= 0x80:
            out.append(f"\\x{b:02x}")
        else:
            if b in (0x22, 0x5C):
                out.append("\\")
            out.append(chr(b))
    out.append('"')
    return "".join(out)


class _ParseError(GoTimeError):
    def __init__(
        self, layout: bytes, value: bytes, layout_elem: bytes, value_elem: bytes, message: str
    ) -> None:
        if message:
            text = "parsing time " + go_time_quote(value) + message
        else:
            text = (
                "parsing time "
                + go_time_quote(value)
                + " as "
                + go_time_quote(layout)
                + ": cannot parse "
                + go_time_quote(value_elem)
                + " as "
                + go_time_quote(layout_elem)
            )
        super().__init__(text)


class _Bad(Exception):
    """Go's ``errBad`` inside the parser."""


def _leading_int(s: bytes) -> tuple[int, bytes]:
    x = 0
    i = 0
    while i < len(s):
        c = s[i]
        if c < 0x30 or c > 0x39:
            break
        if x > (1 << 63) // 10:
            raise _Bad
        x = x * 10 + c - 0x30
        if x > 1 << 63:
            raise _Bad
        i += 1
    return x, s[i:]


def _atoi(s: bytes) -> int:
    neg = False
    if s and s[0] in (0x2B, 0x2D):
        neg = s[0] == 0x2D
        s = s[1:]
    q, rem = _leading_int(s)
    if rem:
        raise _Bad
    return -q if neg else q


def _getnum(s: bytes, fixed: bool) -> tuple[int, bytes]:
    if not _is_digit(s, 0):
        raise _Bad
    if not _is_digit(s, 1):
        if fixed:
            raise _Bad
        return s[0] - 0x30, s[1:]
    return (s[0] - 0x30) * 10 + s[1] - 0x30, s[2:]


def _getnum3(s: bytes, fixed: bool) -> tuple[int, bytes]:
    n = 0
    i = 0
    while i < 3 and _is_digit(s, i):
        n = n * 10 + s[i] - 0x30
        i += 1
    if i == 0 or (fixed and i != 3):
        raise _Bad
    return n, s[i:]


def _cutspace(s: bytes) -> bytes:
    return s.lstrip(b" ") if s[:1] == b" " else s


def _skip(value: bytes, prefix: bytes) -> tuple[bytes, bool]:
    while prefix:
        if prefix[0] == 0x20:
            if value and value[0] != 0x20:
                return value, False
            prefix = _cutspace(prefix)
            value = _cutspace(value)
            continue
        if not value or value[0] != prefix[0]:
            return value, False
        prefix = prefix[1:]
        value = value[1:]
    return value, True


def _match(s1: bytes, s2: bytes) -> bool:
    for c1, c2 in zip(s1, s2, strict=True):
        if c1 != c2:
            c1 |= 0x20
            c2 |= 0x20
            if c1 != c2 or c1 < 0x61 or c1 > 0x7A:
                return False
    return True


def _lookup(table: tuple[str, ...], value: bytes) -> tuple[int, bytes]:
    for i, name in enumerate(table):
        v = name.encode()
        if len(value) >= len(v) and _match(value[: len(v)], v):
            return i, value[len(v) :]
    raise _Bad


_SHORT_DAYS = tuple(d[:3] for d in _LONG_DAYS)
_SHORT_MONTHS = tuple(m[:3] for m in _LONG_MONTHS)


def _comma_or_period(b: int) -> bool:
    return b in (0x2E, 0x2C)


def _parse_nanoseconds(value: bytes, nbytes: int) -> tuple[int, str]:
    if not _comma_or_period(value[0]):
        raise _Bad
    if nbytes > 10:
        value = value[:10]
        nbytes = 10
    ns = _atoi(value[1:nbytes])
    if ns < 0:
        return ns, "fractional second"
    return ns * 10 ** (10 - nbytes), ""


def _parse_signed_offset(value: bytes) -> int:
    if value[0] not in (0x2B, 0x2D):
        return 0
    try:
        x, rem = _leading_int(value[1:])
    except _Bad:
        return 0
    if value[1:] == rem or x > 12:
        return 0
    return len(value) - len(rem)


def _parse_time_zone(value: bytes) -> int:
    """Length of a zone abbreviation at the start of ``value`` (0 if none)."""
    if len(value) < 3:
        return 0
    if value[:4] in (b"ChST", b"MeST"):
        return 4
    if value[:3] == b"GMT":
        rest = value[3:]
        return 3 if not rest else 3 + _parse_signed_offset(rest)
    if value[0] in (0x2B, 0x2D):
        return _parse_signed_offset(value)
    n_upper = 0
    while n_upper < 6 and n_upper < len(value) and 0x41 <= value[n_upper] <= 0x5A:
        n_upper += 1
    if n_upper == 5 and value[4] == 0x54:
        return 5
    if n_upper == 4 and (value[3] == 0x54 or value[:4] == b"WITA"):
        return 4
    if n_upper == 3:
        return 3
    return 0


def go_parse(layout_text: str, value_text: str) -> GoTime:
    """Go's ``time.Parse(layout, value)`` with UTC as both default and local zone."""
    alayout = layout = _go_bytes(layout_text)
    avalue = value = _go_bytes(value_text)
    am_set = pm_set = False
    year = 0
    month = day = yday = -1
    hour = minute = sec = nsec = 0
    utc_zone = False
    zone_offset = -1
    zone_name = b""
    while True:
        prefix, std, suffix = next_std_chunk(layout)
        stdstr = layout[len(prefix) : len(layout) - len(suffix)]
        value, ok = _skip(value, prefix)
        if not ok:
            raise _ParseError(alayout, avalue, prefix, value, "")
        if std == 0:
            if value:
                raise _ParseError(alayout, avalue, b"", value, ": extra text: " + go_time_quote(value))
            break
        layout = suffix
        hold = value
        range_err = ""
        code = std & _STD_MASK
        try:
            if code == STD_YEAR:
                if len(value) < 2:
                    raise _Bad
                p, value = value[:2], value[2:]
                year = _atoi(p)
                year += 1900 if year >= 69 else 2000
            elif code == STD_LONG_YEAR:
                if len(value) < 4 or not _is_digit(value, 0):
                    raise _Bad
                p, value = value[:4], value[4:]
                year = _atoi(p)
            elif code == STD_MONTH:
                month, value = _lookup(_SHORT_MONTHS, value)
                month += 1
            elif code == STD_LONG_MONTH:
                month, value = _lookup(_LONG_MONTHS, value)
                month += 1
            elif code in (STD_NUM_MONTH, STD_ZERO_MONTH):
                month, value = _getnum(value, code == STD_ZERO_MONTH)
                if month <= 0 or month > 12:
                    range_err = "month"
            elif code == STD_WEEKDAY:
                _, value = _lookup(_SHORT_DAYS, value)
            elif code == STD_LONG_WEEKDAY:
                _, value = _lookup(_LONG_DAYS, value)
            elif code in (STD_DAY, STD_UNDER_DAY, STD_ZERO_DAY):
                if code == STD_UNDER_DAY and value[:1] == b" ":
                    value = value[1:]
                day, value = _getnum(value, code == STD_ZERO_DAY)
            elif code in (STD_UNDER_YEARDAY, STD_ZERO_YEARDAY):
                for _ in range(2):
                    if code == STD_UNDER_YEARDAY and value[:1] == b" ":
                        value = value[1:]
                yday, value = _getnum3(value, code == STD_ZERO_YEARDAY)
            elif code == STD_HOUR:
                hour, value = _getnum(value, False)
                if hour < 0 or hour >= 24:
                    range_err = "hour"
            elif code in (STD_HOUR12, STD_ZERO_HOUR12):
                hour, value = _getnum(value, code == STD_ZERO_HOUR12)
                if hour < 0 or hour > 12:
                    range_err = "hour"
            elif code in (STD_MINUTE, STD_ZERO_MINUTE):
                minute, value = _getnum(value, code == STD_ZERO_MINUTE)
                if minute < 0 or minute >= 60:
                    range_err = "minute"
            elif code in (STD_SECOND, STD_ZERO_SECOND):
                sec, value = _getnum(value, code == STD_ZERO_SECOND)
                if sec < 0 or sec >= 60:
                    range_err = "second"
                elif len(value) >= 2 and _comma_or_period(value[0]) and _is_digit(value, 1):
                    _, nstd, _ = next_std_chunk(layout)
                    nstd &= _STD_MASK
                    if nstd not in (STD_FRAC_SECOND0, STD_FRAC_SECOND9):
                        n = 2
                        while n < len(value) and _is_digit(value, n):
                            n += 1
                        nsec, range_err = _parse_nanoseconds(value, n)
                        value = value[n:]
            elif code == STD_PM:
                if len(value) < 2:
                    raise _Bad
                p, value = value[:2], value[2:]
                if p == b"PM":
                    pm_set = True
                elif p == b"AM":
                    am_set = True
                else:
                    raise _Bad
            elif code == STD_PM_LOWER:
                if len(value) < 2:
                    raise _Bad
                p, value = value[:2], value[2:]
                if p == b"pm":
                    pm_set = True
                elif p == b"am":
                    am_set = True
                else:
                    raise _Bad
            elif code in _ISO_TZ and value[:1] == b"Z":
                value = value[1:]
                utc_zone = True
            elif code in _ISO_TZ or code in _NUM_TZ:
                if code in (STD_ISO8601_COLON_TZ, STD_NUM_COLON_TZ):
                    if len(value) < 6 or value[3] != 0x3A:
                        raise _Bad
                    sign, hh, mm, ss, value = value[:1], value[1:3], value[4:6], b"00", value[6:]
                elif code in (STD_NUM_SHORT_TZ, STD_ISO8601_SHORT_TZ):
                    if len(value) < 3:
                        raise _Bad
                    sign, hh, mm, ss, value = value[:1], value[1:3], b"00", b"00", value[3:]
                elif code in (STD_ISO8601_COLON_SECONDS_TZ, STD_NUM_COLON_SECONDS_TZ):
                    if len(value) < 9 or value[3] != 0x3A or value[6] != 0x3A:
                        raise _Bad
                    sign, hh, mm, ss, value = value[:1], value[1:3], value[4:6], value[7:9], value[9:]
                elif code in (STD_ISO8601_SECONDS_TZ, STD_NUM_SECONDS_TZ):
                    if len(value) < 7:
                        raise _Bad
                    sign, hh, mm, ss, value = value[:1], value[1:3], value[3:5], value[5:7], value[7:]
                else:
                    if len(value) < 5:
                        raise _Bad
                    sign, hh, mm, ss, value = value[:1], value[1:3], value[3:5], b"00", value[5:]
                hr = mn = sc = 0
                bad = False
                try:
                    hr, _ = _getnum(hh, True)
                    mn, _ = _getnum(mm, True)
                    sc, _ = _getnum(ss, True)
                except _Bad:
                    bad = True
                if hr > 24:
                    range_err = "time zone offset hour"
                if mn > 60:
                    range_err = "time zone offset minute"
                if sc > 60:
                    range_err = "time zone offset second"
                zone_offset = (hr * 60 + mn) * 60 + sc
                if sign == b"-":
                    zone_offset = -zone_offset
                elif sign != b"+":
                    bad = True
                if bad:
                    raise _Bad
            elif code == STD_TZ:
                if value[:3] == b"UTC":
                    utc_zone = True
                    value = value[3:]
                else:
                    n = _parse_time_zone(value)
                    if n == 0:
                        raise _Bad
                    zone_name, value = value[:n], value[n:]
            elif code == STD_FRAC_SECOND0:
                ndigit = 1 + _digits_len(std)
                if len(value) < ndigit:
                    raise _Bad
                nsec, range_err = _parse_nanoseconds(value, ndigit)
                value = value[ndigit:]
            elif (
                code == STD_FRAC_SECOND9
                and len(value) >= 2
                and _comma_or_period(value[0])
                and 0x30 <= value[1] <= 0x39
            ):
                i = 0
                while i + 1 < len(value) and 0x30 <= value[i + 1] <= 0x39:
                    i += 1
                nsec, range_err = _parse_nanoseconds(value, 1 + i)
                value = value[1 + i :]
        except _Bad:
            if range_err:
                raise _ParseError(
                    alayout, avalue, stdstr, value, ": " + range_err + " out of range"
                ) from None
            raise _ParseError(alayout, avalue, stdstr, hold, "") from None
        if range_err:
            raise _ParseError(alayout, avalue, stdstr, value, ": " + range_err + " out of range")

    if pm_set and hour < 12:
        hour += 12
    elif am_set and hour == 12:
        hour = 0

    if yday >= 0:
        d = m = 0
        if _is_leap(year):
            if yday == 31 + 29:
                m, d = 2, 29
            elif yday > 31 + 29:
                yday -= 1
        if yday < 1 or yday > 365:
            raise _ParseError(alayout, avalue, b"", value, ": day-of-year out of range")
        if m == 0:
            m = (yday - 1) // 31 + 1
            if _DAYS_BEFORE[m] < yday:
                m += 1
            d = yday - _DAYS_BEFORE[m - 1]
        if month >= 0 and month != m:
            raise _ParseError(alayout, avalue, b"", value, ": day-of-year does not match month")
        month = m
        if day >= 0 and day != d:
            raise _ParseError(alayout, avalue, b"", value, ": day-of-year does not match day")
        day = d
    else:
        if month < 0:
            month = 1
        if day < 0:
            day = 1

    if day < 1 or day > _days_in(month, year):
        raise _ParseError(alayout, avalue, b"", value, ": day out of range")

    t = go_date(year, month, day, hour, minute, sec, nsec, UTC)
    if utc_zone:
        return t
    if zone_offset != -1:
        return GoTime(t.sec - zone_offset, t.nsec, UTC)
    if zone_name:
        # The local zone is UTC: only "GMT+h" style names carry an offset.
        offset = 0
        if len(zone_name) > 3 and zone_name[:3] == b"GMT":
            offset = _atoi(zone_name[3:]) * 3600
        return GoTime(t.sec - offset, t.nsec, UTC)
    return t


# ---------------------------------------------------------------------------
# Durations


_UNIT_MAP: dict[bytes, int] = {
    b"ns": 1,
    b"us": 1000,
    "µ".encode() + b"s": 1000,  # U+00B5 micro sign
    "μ".encode() + b"s": 1000,  # U+03BC Greek mu
    b"ms": 1_000_000,
    b"s": _NS,
    b"m": 60 * _NS,
    b"h": 3600 * _NS,
    b"d": 86400 * _NS,  # OPA accepts days on top of Go's units
}


def _leading_fraction(s: bytes) -> tuple[int, float, bytes]:
    x = 0
    scale = 1.0
    overflow = False
    i = 0
    while i < len(s):
        c = s[i]
        if c < 0x30 or c > 0x39:
            break
        i += 1
        if overflow:
            continue
        if x > ((1 << 63) - 1) // 10:
            overflow = True
            continue
        y = x * 10 + c - 0x30
        if y > 1 << 63:
            overflow = True
            continue
        x = y
        scale *= 10
    return x, scale, s[i:]


def go_parse_duration(text: str) -> int:
    """Go's ``time.ParseDuration`` (with ``d``), in nanoseconds."""
    orig = _go_bytes(text)
    s = orig
    invalid = GoTimeError("time: invalid duration " + go_time_quote(orig))
    neg = False
    if s and s[0] in (0x2B, 0x2D):
        neg = s[0] == 0x2D
        s = s[1:]
    if s == b"0":
        return 0
    if not s:
        raise invalid
    total = 0
    while s:
        if not (s[0] == 0x2E or 0x30 <= s[0] <= 0x39):
            raise invalid
        pl = len(s)
        try:
            v, s = _leading_int(s)
        except _Bad:
            raise invalid from None
        pre = pl != len(s)
        post = False
        f, scale = 0, 1.0
        if s[:1] == b".":
            s = s[1:]
            pl = len(s)
            f, scale, s = _leading_fraction(s)
            post = pl != len(s)
        if not pre and not post:
            raise invalid
        i = 0
        while i < len(s) and not (s[i] == 0x2E or 0x30 <= s[i] <= 0x39):
            i += 1
        if i == 0:
            raise GoTimeError("time: missing unit in duration " + go_time_quote(orig))
        u, s = s[:i], s[i:]
        unit = _UNIT_MAP.get(u)
        if unit is None:
            raise GoTimeError(
                "time: unknown unit " + go_time_quote(u) + " in duration " + go_time_quote(orig)
            )
        if v > (1 << 63) // unit:
            raise invalid
        v *= unit
        if f > 0:
            v += int(float(f) * (float(unit) / scale))
            if v > 1 << 63:
                raise invalid
        total += v
        if total > 1 << 63:
            raise invalid
    if neg:
        return -total
    if total > _INT64_MAX:
        raise invalid
    return total


# ---------------------------------------------------------------------------
# OPA argument handling


_NAMED_LAYOUTS = {
    "ANSIC": "Mon Jan _2 15:04:05 2006",
    "UnixDate": "Mon Jan _2 15:04:05 MST 2006",
    "RubyDate": "Mon Jan 02 15:04:05 -0700 2006",
    "RFC822": "02 Jan 06 15:04 MST",
    "RFC822Z": "02 Jan 06 15:04 -0700",
    "RFC850": "Monday, 02-Jan-06 15:04:05 MST",
    "RFC1123": "Mon, 02 Jan 2006 15:04:05 MST",
    "RFC1123Z": "Mon, 02 Jan 2006 15:04:05 -0700",
    "RFC3339": "2006-01-02T15:04:05Z07:00",
    "RFC3339Nano": "2006-01-02T15:04:05.999999999Z07:00",
}
_RFC3339 = _NAMED_LAYOUTS["RFC3339"]
_RFC3339_NANO = _NAMED_LAYOUTS["RFC3339Nano"]
_TZ_ARG = "either number (ns) or [number (ns), string (tz)]"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _round_to_64_bits(x: Fraction) -> Fraction:
    """``x`` rounded to a 64-bit mantissa (big.Float's default precision), half to even."""
    if x == 0:
        return x
    sign = -1 if x < 0 else 1
    a = abs(x)
    e = a.numerator.bit_length() - a.denominator.bit_length()
    if Fraction(2) ** e <= a:
        e += 1
    # now 2**(e-1) <= a < 2**e
    scale = Fraction(2) ** (64 - e)
    scaled = a * scale
    m = scaled.numerator // scaled.denominator
    rem = scaled - m
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and m % 2 == 1):
        m += 1
    return sign * m / scale


def _exact_int64(name: str, value: int | float) -> int:
    """OPA's ``NumberToFloat(n).Int64()`` requiring an exact result."""
    if isinstance(value, int):
        if _INT64_MIN <= value <= _INT64_MAX:
            return value
        raise builtin_error(name, "timestamp too big")
    try:
        dec = to_decimal(value)
    except (InvalidOperation, ValueError):
        raise builtin_error(name, "timestamp too big") from None
    if not dec.is_finite() or dec.adjusted() > 40:
        raise builtin_error(name, "timestamp too big")
    if dec.adjusted() < -40:
        if dec == 0:
            return 0
        raise builtin_error(name, "timestamp too big")
    rounded = _round_to_64_bits(Fraction(dec))
    if rounded.denominator != 1 or not (_INT64_MIN <= rounded.numerator <= _INT64_MAX):
        raise builtin_error(name, "timestamp too big")
    return rounded.numerator


def _tz_time(name: str, arg: Any) -> tuple[GoTime, str]:
    """OPA's ``tzTime``: ``ns`` or ``[ns]``, ``[ns, tz]``, ``[ns, tz, layout]``."""
    zone = UTC
    layout = ""
    if isinstance(arg, list):
        if not arg:
            raise operand_type_error(name, 1, arg, _TZ_ARG)
        number = arg[0]
        if not _is_number(number):
            raise operand_type_error(name, 1, number, "number")
        if len(arg) > 1:
            tz_name = check_string(name, arg[1], 1)
            try:
                zone = load_zone(tz_name)
            except GoTimeError as exc:
                raise builtin_error(name, str(exc)) from None
        if len(arg) > 2:
            layout = check_string(name, arg[2], 1)
    elif _is_number(arg):
        number = arg
    else:
        raise operand_type_error(name, 1, arg, _TZ_ARG)
    ns = _exact_int64(name, number)
    return GoTime.from_unix_nano(ns, zone), layout


def _int_operand(name: str, value: Any, pos: int) -> int:
    if not _is_number(value):
        raise operand_type_error(name, pos, value, "number")
    if isinstance(value, int) and _INT64_MIN <= value <= _INT64_MAX:
        return value
    raise operand_error(name, pos, "must be integer number but got floating-point number")


def _safe_unix_nano(name: str, t: GoTime) -> int:
    if not _in_int64_ns(t):
        raise builtin_error(name, "time outside of valid range")
    return t.unix_nano()


def _wrap_go(name: str, exc: GoTimeError) -> BuiltinError:
    return builtin_error(name, str(exc))


# ---------------------------------------------------------------------------
# Builtins


@BUILTINS.builtin("time.now_ns", category=_CATEGORY, needs_context=True, deterministic=False)
def now_ns(ctx: BuiltinContext) -> int:
    return ctx.now_ns


@BUILTINS.builtin("time.parse_ns", category=_CATEGORY)
def parse_ns(layout: Any, value: Any) -> int:
    name = "time.parse_ns"
    layout = check_string(name, layout, 1)
    value = check_string(name, value, 2)
    layout = _NAMED_LAYOUTS.get(layout, layout)
    try:
        t = go_parse(layout, value)
    except GoTimeError as exc:
        raise _wrap_go(name, exc) from None
    return _safe_unix_nano(name, t)


@BUILTINS.builtin("time.parse_rfc3339_ns", category=_CATEGORY)
def parse_rfc3339_ns(value: Any) -> int:
    name = "time.parse_rfc3339_ns"
    value = check_string(name, value, 1)
    try:
        t = go_parse(_RFC3339, value)
    except GoTimeError as exc:
        raise _wrap_go(name, exc) from None
    return _safe_unix_nano(name, t)


@BUILTINS.builtin("time.parse_duration_ns", category=_CATEGORY)
def parse_duration_ns(value: Any) -> int:
    name = "time.parse_duration_ns"
    value = check_string(name, value, 1)
    try:
        return go_parse_duration(value)
    except GoTimeError as exc:
        raise _wrap_go(name, exc) from None


@BUILTINS.builtin("time.format", category=_CATEGORY)
def format_(arg: Any) -> str:
    t, layout = _tz_time("time.format", arg)
    layout = _RFC3339_NANO if layout == "" else _NAMED_LAYOUTS.get(layout, layout)
    return go_format(t, layout)


@BUILTINS.builtin("time.date", category=_CATEGORY)
def date(arg: Any) -> list[int]:
    t, _ = _tz_time("time.date", arg)
    return list(t.date())


@BUILTINS.builtin("time.clock", category=_CATEGORY)
def clock(arg: Any) -> list[int]:
    t, _ = _tz_time("time.clock", arg)
    return list(t.clock())


@BUILTINS.builtin("time.weekday", category=_CATEGORY)
def weekday(arg: Any) -> str:
    t, _ = _tz_time("time.weekday", arg)
    return _LONG_DAYS[t.weekday()]


@BUILTINS.builtin("time.add_date", category=_CATEGORY)
def add_date(arg: Any, years: Any, months: Any, days: Any) -> int:
    name = "time.add_date"
    t, _ = _tz_time(name, arg)
    y = _int_operand(name, years, 2)
    m = _int_operand(name, months, 3)
    d = _int_operand(name, days, 4)
    year, month, day = t.date()
    hour, minute, sec = t.clock()
    result = go_date(year + y, month + m, day + d, hour, minute, sec, t.nsec, t.zone)
    return _safe_unix_nano(name, result)


@BUILTINS.builtin("time.diff", category=_CATEGORY)
def diff(arg1: Any, arg2: Any) -> list[int]:
    name = "time.diff"
    t1, _ = _tz_time(name, arg1)
    t2, _ = _tz_time(name, arg2)
    t2 = GoTime(t2.sec, t2.nsec, t1.zone)
    if (t1.sec, t1.nsec) > (t2.sec, t2.nsec):
        t1, t2 = t2, t1
    y1, m1, d1 = t1.date()
    y2, m2, d2 = t2.date()
    h1, mi1, s1 = t1.clock()
    h2, mi2, s2 = t2.clock()
    year = y2 - y1
    month = m2 - m1
    day = d2 - d1
    hour = h2 - h1
    minute = mi2 - mi1
    sec = s2 - s1
    if sec < 0:
        sec += 60
        minute -= 1
    if minute < 0:
        minute += 60
        hour -= 1
    if hour < 0:
        hour += 24
        day -= 1
    if day < 0:
        # days in month m1 of y1: 32 - day-of-month of "y1-m1-32"
        day += _days_in(m1, y1)
        month -= 1
    if month < 0:
        month += 12
        year -= 1
    return [year, month, day, hour, minute, sec]
