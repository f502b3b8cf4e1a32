"""A small DER reader with the acceptance rules of Go's ``cryptobyte``.

:class:`Der` is a cursor over bytes; every ``read_*`` method returns ``None``
(or ``False``) when the next element is missing or malformed, exactly where
``cryptobyte.String.Read*`` returns false, so the X.509 parser built on it
fails on the same inputs as Go's ``crypto/x509``.
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = [
    "BIT_STRING",
    "BOOLEAN",
    "ENUMERATED",
    "GENERALIZED_TIME",
    "IA5_STRING",
    "INTEGER",
    "NULL",
    "OBJECT_IDENTIFIER",
    "OCTET_STRING",
    "PRINTABLE_STRING",
    "SEQUENCE",
    "SET",
    "T61_STRING",
    "UTC_TIME",
    "UTF8_STRING",
    "BitString",
    "Der",
    "context",
    "oid_string",
]

BOOLEAN = 0x01
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
NULL = 0x05
OBJECT_IDENTIFIER = 0x06
ENUMERATED = 0x0A
UTF8_STRING = 0x0C
SEQUENCE = 0x30
SET = 0x31
PRINTABLE_STRING = 0x13
T61_STRING = 0x14
IA5_STRING = 0x16
UTC_TIME = 0x17
GENERALIZED_TIME = 0x18
NUMERIC_STRING = 0x12
BMP_STRING = 0x1E

_CONSTRUCTED = 0x20
_CONTEXT = 0x80


def context(n: int, constructed: bool = False) -> int:
    return n | _CONTEXT | (_CONSTRUCTED if constructed else 0)


def oid_string(oid: tuple[int, ...] | list[int]) -> str:
    return ".".join(str(x) for x in oid)


class BitString:
    __slots__ = ("bit_length", "data")

    def __init__(self, data: bytes, bit_length: int) -> None:
        self.data = data
        self.bit_length = bit_length

    def at(self, i: int) -> int:
        if i < 0 or i >= self.bit_length:
            return 0
        return (self.data[i // 8] >> (7 - i % 8)) & 1

    def right_align(self) -> bytes:
        shift = 8 - (self.bit_length % 8)
        if shift == 8 or not self.data:
            return self.data
        value = int.from_bytes(self.data, "big") >> shift
        out = value.to_bytes(len(self.data), "big")
        return out


_UTC_RE = re.compile(rb"^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$")
_GEN_RE = re.compile(rb"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{4})$")


def _parse_time(m: re.Match[bytes], year: int) -> _dt.datetime | None:
    month, day, hour, minute = (int(m.group(i)) for i in (2, 3, 4, 5))
    second = int(m.group(6)) if m.group(6) is not None else 0
    zone = m.group(7)
    if zone == b"Z":
        tz = _dt.UTC
    else:
        sign = 1 if zone[:1] == b"+" else -1
        hh, mm = int(zone[1:3]), int(zone[3:5])
        # Go re-serialises a zero offset as "Z", so "+0000" fails its round trip.
        if hh >= 24 or mm >= 60 or (hh == 0 and mm == 0):
            return None
        tz = _dt.timezone(sign * _dt.timedelta(hours=hh, minutes=mm))
    try:
        return _dt.datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        return None


class Der:
    """A cursor over DER bytes (``cryptobyte.String``)."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = bytes(data)
        self.pos = 0

    def empty(self) -> bool:
        return self.pos >= len(self.data)

    def rest(self) -> bytes:
        return self.data[self.pos :]

    # -- generic element reading ---------------------------------------
    def _header(self) -> tuple[int, int, int] | None:
        """(tag, header length, content length) of the next element, or None."""
        data, pos = self.data, self.pos
        if len(data) - pos < 2:
            return None
        tag = data[pos]
        i = pos + 1
        if tag & 0x1F == 0x1F:
            return None  # high-tag-number form: cryptobyte does not support it
        if i >= len(data):
            return None
        length_byte = data[i]
        i += 1
        if length_byte & 0x80 == 0:
            length = length_byte
        else:
            len_len = length_byte & 0x7F
            if len_len == 0 or len_len > 4 or i + len_len > len(data):
                return None
            length = int.from_bytes(data[i : i + len_len], "big")
            i += len_len
            if length < 128:
                return None
            if length >> ((len_len - 1) * 8) == 0:
                return None
        header_len = i - pos
        if len(data) - i < length:
            return None
        return tag, header_len, length

    def peek_tag(self, tag: int) -> bool:
        if self.empty():
            return False
        return self.data[self.pos] == tag

    def read_any_element(self) -> tuple[int, bytes] | None:
        """Whole element (header included) and its tag."""
        h = self._header()
        if h is None:
            return None
        tag, hl, length = h
        out = self.data[self.pos : self.pos + hl + length]
        self.pos += hl + length
        return tag, out

    def read_any(self) -> tuple[int, bytes] | None:
        """Contents (header stripped) and tag of the next element."""
        h = self._header()
        if h is None:
            return None
        tag, hl, length = h
        out = self.data[self.pos + hl : self.pos + hl + length]
        self.pos += hl + length
        return tag, out

    def read_element(self, tag: int) -> bytes | None:
        h = self._header()
        if h is None or h[0] != tag:
            return None
        _, hl, length = h
        out = self.data[self.pos : self.pos + hl + length]
        self.pos += hl + length
        return out

    def read(self, tag: int) -> bytes | None:
        h = self._header()
        if h is None or h[0] != tag:
            return None
        _, hl, length = h
        out = self.data[self.pos + hl : self.pos + hl + length]
        self.pos += hl + length
        return out

    def read_optional(self, tag: int) -> tuple[bool, bytes | None]:
        """(ok, contents or None when absent)."""
        if not self.peek_tag(tag):
            return True, None
        out = self.read(tag)
        if out is None:
            return False, None
        return True, out

    def skip_optional(self, tag: int) -> bool:
        if not self.peek_tag(tag):
            return True
        return self.read(tag) is not None

    # -- typed values ---------------------------------------------------
    @staticmethod
    def _valid_int(b: bytes) -> bool:
        if not b:
            return False
        if len(b) == 1:
            return True
        if b[0] == 0 and not b[1] & 0x80:
            return False
        return not (b[0] == 0xFF and b[1] & 0x80)

    def read_big_int(self, tag: int = INTEGER) -> int | None:
        save = self.pos
        b = self.read(tag)
        if b is None or not self._valid_int(b):
            self.pos = save
            return None
        return int.from_bytes(b, "big", signed=True)

    def read_int64(self, tag: int = INTEGER) -> int | None:
        save = self.pos
        b = self.read(tag)
        if b is None or not self._valid_int(b) or len(b) > 8:
            self.pos = save
            return None
        return int.from_bytes(b, "big", signed=True)

    def read_uint64(self, tag: int = INTEGER) -> int | None:
        save = self.pos
        b = self.read(tag)
        if b is None or not self._valid_int(b) or b[0] & 0x80:
            self.pos = save
            return None
        if len(b) > 9 or (len(b) == 9 and b[0] != 0):
            self.pos = save
            return None
        return int.from_bytes(b, "big")

    def read_optional_int(self, tag: int, default: int) -> tuple[bool, int]:
        if not self.peek_tag(tag):
            return True, default
        inner = self.read(tag)
        if inner is None:
            return False, default
        d = Der(inner)
        v = d.read_int64()
        if v is None or not d.empty():
            return False, default
        return True, v

    def read_oid(self) -> tuple[int, ...] | None:
        save = self.pos
        b = self.read(OBJECT_IDENTIFIER)
        if b is None:
            return None
        oid = parse_oid(b)
        if oid is None:
            self.pos = save
        return oid

    def read_bool(self) -> bool | None:
        save = self.pos
        b = self.read(BOOLEAN)
        if b is None or len(b) != 1 or b[0] not in (0, 0xFF):
            self.pos = save
            return None
        return b[0] == 0xFF

    def read_bit_string(self) -> BitString | None:
        save = self.pos
        b = self.read(BIT_STRING)
        if b is None or not b:
            self.pos = save
            return None
        padding = b[0]
        data = b[1:]
        if padding > 7 or (not data and padding > 0) or (data and data[-1] & ((1 << padding) - 1)):
            self.pos = save
            return None
        return BitString(data, len(data) * 8 - padding)

    def read_utc_time(self) -> _dt.datetime | None:
        save = self.pos
        b = self.read(UTC_TIME)
        m = _UTC_RE.match(b) if b is not None else None
        # Go parses "060102150405Z0700" then the seconds-less form; both
        # must re-serialise identically, which rules out out-of-range parts.
        if m is None:
            self.pos = save
            return None
        yy = int(m.group(1))
        year = 1900 + yy if yy >= 69 else 2000 + yy
        t = _parse_time(m, year)
        if t is None:
            self.pos = save
            return None
        if t.year >= 2050:
            t = t.replace(year=t.year - 100)
        return t

    def read_generalized_time(self) -> _dt.datetime | None:
        save = self.pos
        b = self.read(GENERALIZED_TIME)
        m = _GEN_RE.match(b) if b is not None else None
        if m is None:
            self.pos = save
            return None
        t = _parse_time(m, int(m.group(1)))
        if t is None:
            self.pos = save
            return None
        return t


def parse_oid(b: bytes) -> tuple[int, ...] | None:
    """Decode OID contents as cryptobyte does (components must fit 31 bits)."""
    if not b:
        return None
    comps: list[int] = []
    i = 0
    first = True
    while i < len(b):
        value = 0
        start = i
        while True:
            if i >= len(b):
                return None
            c = b[i]
            if i == start and c == 0x80:
                return None  # non-minimal encoding
            if value >= 1 << (31 - 7):
                return None
            value = (value << 7) | (c & 0x7F)
            i += 1
            if not c & 0x80:
                break
        if first:
            if value < 80:
                comps += [value // 40, value % 40]
            else:
                comps += [2, value - 80]
            first = False
        else:
            comps.append(value)
    return tuple(comps)
