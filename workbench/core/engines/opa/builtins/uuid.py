"""OPA "UUID" builtins: ``uuid.parse`` (google/uuid ``Parse``) and ``uuid.rfc4122``.

``uuid.parse`` returns undefined for anything google/uuid cannot parse and
otherwise the object OPA builds (``internal/uuid``): ``version`` and
``variant`` always; for versions 1 and 2 also ``time`` (Unix ns, int64
arithmetic as in Go), ``clocksequence``, ``nodeid`` (``aa-bb-cc-dd-ee-ff``) and
``macvariables``; for version 2 also ``id`` and ``domain``.
"""

from __future__ import annotations

import os
from typing import Any

from workbench.core.engines.opa.builtins._operands import check_string
from workbench.core.engines.opa.builtins._registry import UNDEFINED, BuiltinContext, BuiltinTable
from workbench.core.engines.opa.builtins._values import canonical_key

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["parse_uuid"]

_HEX_POSITIONS = (0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34)
#: 100 ns intervals between 1582-10-15 and 1970-01-01
_GREGORIAN_OFFSET = 122192928000000000


def _xtob(a: str, b: str) -> int | None:
    try:
        if len(a.encode()) != 1 or len(b.encode()) != 1:
            return None
        return int(a + b, 16) if all(c in "0123456789abcdefABCDEF" for c in a + b) else None
    except ValueError:
        return None


def parse_uuid(text: str) -> bytes | None:
    """google/uuid ``Parse``: the 16 bytes, or ``None`` when invalid."""
    raw = text.encode("utf-8", "surrogatepass")
    length = len(raw)
    if length == 36 + 9:
        if raw[:9].lower() != b"urn:uuid:":
            return None
        raw = raw[9:]
    elif length == 36 + 2:
        raw = raw[1:]
    elif length == 32:
        out = bytearray()
        for i in range(16):
            pair = raw[i * 2 : i * 2 + 2]
            if not all(chr(c) in "0123456789abcdefABCDEF" for c in pair):
                return None
            out.append(int(pair, 16))
        return bytes(out)
    elif length != 36:
        return None
    if raw[8:9] != b"-" or raw[13:14] != b"-" or raw[18:19] != b"-" or raw[23:24] != b"-":
        return None
    out = bytearray()
    for x in _HEX_POSITIONS:
        pair = raw[x : x + 2]
        if not all(chr(c) in "0123456789abcdefABCDEF" for c in pair):
            return None
        out.append(int(pair, 16))
    return bytes(out)


def _variant(u: bytes) -> str:
    if u[8] & 0xC0 == 0x80:
        return "RFC4122"
    if u[8] & 0xE0 == 0xC0:
        return "Microsoft"
    if u[8] & 0xE0 == 0xE0:
        return "Future"
    return "Reserved"


def _int64(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def _go_div(a: int, b: int) -> tuple[int, int]:
    """Go's truncated integer division and remainder."""
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return q, a - q * b


def _unix_nanos(u: bytes) -> int:
    t = int.from_bytes(u[0:4], "big")
    t |= int.from_bytes(u[4:6], "big") << 32
    t |= (int.from_bytes(u[6:8], "big") & 0xFFF) << 48
    sec = t - _GREGORIAN_OFFSET
    _, rem = _go_div(sec, 10000000)
    nsec = rem * 100
    sec, _ = _go_div(sec, 10000000)
    return _int64(_int64(sec * 1000000000) + nsec)


def _mac_variables(first: int) -> str:
    if first & 0b11 == 0b11:
        return "local:multicast"
    if first & 0b01 == 0b01:
        return "global:multicast"
    if first & 0b10 == 0b10:
        return "local:unicast"
    return "global:unicast"


def _domain(value: int) -> str:
    return {0: "Person", 1: "Group", 2: "Org"}.get(value, f"Domain{value}")


@BUILTINS.builtin("uuid.parse", category="UUID")
def uuid_parse(uuid: Any) -> Any:
    text = check_string("uuid.parse", uuid, 1)
    u = parse_uuid(text)
    if u is None:
        return UNDEFINED
    version = u[6] >> 4
    result: dict[str, Any] = {"version": version, "variant": _variant(u)}
    if version in (1, 2):
        node = u[10:16]
        result["time"] = _unix_nanos(u)
        result["nodeid"] = "-".join(f"{b:02x}" for b in node)
        result["macvariables"] = _mac_variables(node[0])
        result["clocksequence"] = int.from_bytes(u[8:10], "big") & 0x3FFF
        if version == 2:
            result["id"] = int.from_bytes(u[0:4], "big")
            result["domain"] = _domain(u[9])
    return result


def new_v4(random_bytes: bytes) -> str:
    """OPA's ``uuid.New``: a version-4 UUID string from 16 random bytes."""
    bs = bytearray(random_bytes)
    bs[8] = (bs[8] & ~0xC0 & 0xFF) | 0x80
    bs[6] = (bs[6] & ~0xF0 & 0xFF) | 0x40
    h = bs.hex()
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


@BUILTINS.builtin("uuid.rfc4122", category="UUID", needs_context=True, deterministic=False)
def uuid_rfc4122(ctx: BuiltinContext, key: Any) -> str:
    cache_key = ("uuid.rfc4122", canonical_key(key))
    cached = ctx.cache.get(cache_key)
    if cached is None:
        cached = new_v4(os.urandom(16))
        ctx.cache[cache_key] = cached
    return cached
