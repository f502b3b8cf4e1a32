"""Go's ``net`` / ``net/netip`` IP address model, byte for byte.

OPA's ``net.*`` builtins are thin wrappers over Go's ``net.ParseCIDR``,
``net.ParseIP`` and ``net.IP`` / ``net.IPNet`` methods, whose quirks show up in
the results (IPv4 addresses held in 16-byte IPv4-mapped form, 4-byte vs 16-byte
masks, ``IPNet.String`` printing an IPv4-mapped network as IPv4, ...). This
module reproduces them on ``bytes`` values: an IP is a ``bytes`` of any length
(Go's ``net.IP`` slice, ``b""`` standing for ``nil``), a network is an
:class:`IPNet`.
"""

from __future__ import annotations

import dataclasses

from workbench.core.engines.opa.builtins._gofmt import go_quote

__all__ = [
    "V4_IN_V6_PREFIX",
    "AddrError",
    "GoPanic",
    "IPNet",
    "ParseError",
    "cidr_mask",
    "default_mask",
    "ip_equal",
    "ip_mask",
    "ip_string",
    "ipnet_contains",
    "ipnet_string",
    "mask_size",
    "parse_addr",
    "parse_addr_or_error",
    "parse_cidr",
    "parse_ip",
    "to4",
    "to16",
]

V4_IN_V6_PREFIX = bytes(10) + b"\xff\xff"


class ParseError(ValueError):
    """Go's ``*net.ParseError``: ``invalid <type>: <text>``."""

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(f"invalid {kind}: {text}")


class GoPanic(RuntimeError):
    """A runtime panic the Go code would raise (index out of range ...)."""


@dataclasses.dataclass(frozen=True)
class IPNet:
    ip: bytes
    mask: bytes


def _hex_value(c: str) -> int:
    if "0" <= c <= "9":
        return ord(c) - 48
    if "a" <= c <= "f":
        return ord(c) - 87
    if "A" <= c <= "F":
        return ord(c) - 55
    return -1


class AddrError(ValueError):
    """netip's ``parseAddrError`` (``ParseAddr("x"): msg (at "y")``)."""

    def __init__(self, text: str, msg: str, at: str = "") -> None:
        message = f"ParseAddr({go_quote(text)}): {msg}"
        if at:
            message += f" (at {go_quote(at)})"
        super().__init__(message)


def _parse_ipv4_fields(whole: str, text: str) -> bytes:
    fields = [0, 0, 0, 0]
    val = pos = dig_len = 0
    for i, c in enumerate(text):
        if "0" <= c <= "9":
            if dig_len == 1 and val == 0:
                raise AddrError(whole, "IPv4 field has octet with leading zero")
            val = val * 10 + ord(c) - 48
            dig_len += 1
            if val > 255:
                raise AddrError(whole, "IPv4 field has value >255")
        elif c == ".":
            if i == 0 or i == len(text) - 1 or text[i - 1] == ".":
                raise AddrError(whole, "IPv4 field must have at least one digit", text[i:])
            if pos == 3:
                raise AddrError(whole, "IPv4 address too long")
            fields[pos] = val
            pos += 1
            val = dig_len = 0
        else:
            raise AddrError(whole, "unexpected character", text[i:])
    if pos < 3:
        raise AddrError(whole, "IPv4 address too short")
    fields[3] = val
    return bytes(fields)


def _parse_ipv6(text: str) -> tuple[bytes, str]:
    s = text
    zone = ""
    pct = s.find("%")
    if pct != -1:
        s, zone = s[:pct], s[pct + 1 :]
        if zone == "":
            raise AddrError(text, "zone must be a non-empty string")
    ip = bytearray(16)
    ellipsis = -1
    if len(s) >= 2 and s[0] == ":" and s[1] == ":":
        ellipsis = 0
        s = s[2:]
        if not s:
            return bytes(16), zone
    i = 0
    while i < 16:
        off = 0
        acc = 0
        while off < len(s):
            digit = _hex_value(s[off])
            if digit < 0:
                break
            acc = (acc << 4) + digit
            if off > 3:
                raise AddrError(text, "each colon-separated field must have at most 4 hex digits", s)
            off += 1
        if off == 0:
            raise AddrError(text, "each colon-separated field must have at least one digit", s)
        if off < len(s) and s[off] == ".":
            if ellipsis < 0 and i != 12:
                raise AddrError(
                    text, "embedded IPv4 address must replace the final 2 fields of the address", s
                )
            if i + 4 > 16:
                raise AddrError(
                    text, "too many hex fields to fit an embedded IPv4 at the end of the address", s
                )
            ip[i : i + 4] = _parse_ipv4_fields(text, s)
            i += 4
            s = ""
            break
        ip[i] = acc >> 8
        ip[i + 1] = acc & 0xFF
        i += 2
        s = s[off:]
        if not s:
            break
        if s[0] != ":":
            raise AddrError(text, "unexpected character, want colon", s)
        if len(s) == 1:
            raise AddrError(text, "colon must be followed by more characters", s)
        s = s[1:]
        if s[0] == ":":
            if ellipsis >= 0:
                raise AddrError(text, "multiple :: in address", s)
            ellipsis = i
            s = s[1:]
            if not s:
                break
    if s:
        raise AddrError(text, "trailing garbage after address", s)
    if i < 16:
        if ellipsis < 0:
            raise AddrError(text, "address string too short")
        n = 16 - i
        for j in range(i - 1, ellipsis - 1, -1):
            ip[j + n] = ip[j]
        ip[ellipsis : ellipsis + n] = bytes(n)
    elif ellipsis >= 0:
        raise AddrError(text, "the :: must expand to at least one field of zeros", s)
    return bytes(ip), zone


def parse_addr_or_error(text: str) -> tuple[bytes, bool, str]:
    """``netip.ParseAddr``: ``(16-byte address, is IPv4, zone)``; raises :class:`AddrError`."""
    for c in text:
        if c == ".":
            return V4_IN_V6_PREFIX + _parse_ipv4_fields(text, text), True, ""
        if c == ":":
            ip, zone = _parse_ipv6(text)
            return ip, False, zone
        if c == "%":
            raise AddrError(text, "missing IPv6 address")
    raise AddrError(text, "unable to parse IP")


def parse_addr(text: str) -> tuple[bytes, bool, str] | None:
    """``netip.ParseAddr``: ``(16-byte address, is IPv4, zone)`` or ``None``."""
    try:
        return parse_addr_or_error(text)
    except AddrError:
        return None


def parse_ip(text: str) -> bytes | None:
    """``net.ParseIP``: a 16-byte IP, or ``None``."""
    addr = parse_addr(text)
    if addr is None or addr[2]:
        return None
    return addr[0]


def _dtoi(text: str) -> tuple[int, int, bool]:
    n = 0
    i = 0
    while i < len(text) and "0" <= text[i] <= "9":
        n = n * 10 + ord(text[i]) - 48
        if n >= 0xFFFFFF:
            return 0xFFFFFF, i, False
        i += 1
    if i == 0:
        return 0, 0, False
    return n, i, True


def parse_cidr(text: str) -> tuple[bytes, IPNet]:
    """``net.ParseCIDR``; raises :class:`ParseError` (``invalid CIDR address: ...``)."""
    addr, sep, mask_text = text.partition("/")
    if not sep:
        raise ParseError("CIDR address", text)
    parsed = parse_addr(addr)
    if parsed is None or parsed[2]:
        raise ParseError("CIDR address", text)
    ip16, is4, _zone = parsed
    iplen = 4 if is4 else 16
    n, i, ok = _dtoi(mask_text)
    if not ok or i != len(mask_text) or n < 0 or n > iplen * 8:
        raise ParseError("CIDR address", text)
    mask = cidr_mask(n, 8 * iplen)
    return ip16, IPNet(ip_mask(ip16, mask), mask)


def cidr_mask(ones: int, bits: int) -> bytes:
    """``net.CIDRMask`` (``b""`` for Go's nil)."""
    if bits not in (32, 128) or ones < 0 or ones > bits:
        return b""
    value = ((1 << ones) - 1) << (bits - ones)
    return value.to_bytes(bits // 8, "big")


def to4(ip: bytes) -> bytes | None:
    if len(ip) == 4:
        return ip
    if len(ip) == 16 and ip[:12] == V4_IN_V6_PREFIX:
        return ip[12:16]
    return None


def to16(ip: bytes) -> bytes | None:
    if len(ip) == 4:
        return V4_IN_V6_PREFIX + ip
    if len(ip) == 16:
        return ip
    return None


def default_mask(ip: bytes) -> bytes:
    """``IP.DefaultMask`` (classful; ``b""`` for a non-IPv4 address)."""
    v4 = to4(ip)
    if v4 is None:
        return b""
    if v4[0] < 0x80:
        return b"\xff\x00\x00\x00"
    if v4[0] < 0xC0:
        return b"\xff\xff\x00\x00"
    return b"\xff\xff\xff\x00"


def ip_equal(ip: bytes, other: bytes) -> bool:
    if len(ip) == len(other):
        return ip == other
    if len(ip) == 4 and len(other) == 16:
        return other[:12] == V4_IN_V6_PREFIX and ip == other[12:]
    if len(ip) == 16 and len(other) == 4:
        return ip[:12] == V4_IN_V6_PREFIX and ip[12:] == other
    return False


def ip_mask(ip: bytes, mask: bytes) -> bytes:
    """``IP.Mask`` (``b""`` for Go's nil)."""
    if len(mask) == 16 and len(ip) == 4 and mask[:12] == b"\xff" * 12:
        mask = mask[12:]
    if len(mask) == 4 and len(ip) == 16 and ip[:12] == V4_IN_V6_PREFIX:
        ip = ip[12:]
    if len(ip) != len(mask):
        return b""
    return bytes(a & b for a, b in zip(ip, mask, strict=True))


def _simple_mask_length(mask: bytes) -> int:
    n = 0
    for i, v in enumerate(mask):
        if v == 0xFF:
            n += 8
            continue
        while v & 0x80:
            n += 1
            v = (v << 1) & 0xFF
        if v != 0:
            return -1
        if any(mask[i + 1 :]):
            return -1
        break
    return n


def mask_size(mask: bytes) -> tuple[int, int]:
    """``IPMask.Size``: ``(ones, bits)``, ``(0, 0)`` for a non-canonical mask."""
    ones = _simple_mask_length(mask)
    if ones == -1:
        return 0, 0
    return ones, len(mask) * 8


def _ipv6_string(ip: bytes) -> str:
    groups = [(ip[i] << 8) | ip[i + 1] for i in range(0, 16, 2)]
    zero_start = zero_end = -1
    i = 0
    while i < 8:
        j = i
        while j < 8 and groups[j] == 0:
            j += 1
        if j - i >= 2 and j - i > zero_end - zero_start:
            zero_start, zero_end = i, j
        i = j + 1 if j == i else j
    out = []
    i = 0
    while i < 8:
        if i == zero_start:
            out.append("::")
            i = zero_end
            continue
        if out and not out[-1].endswith(":"):
            out.append(":")
        out.append(format(groups[i], "x"))
        i += 1
    return "".join(out)


def ip_string(ip: bytes) -> str:
    """``net.IP.String``."""
    if len(ip) == 0:
        return "<nil>"
    if len(ip) not in (4, 16):
        return "?" + ip.hex()
    v4 = to4(ip)
    if v4 is not None:
        return ".".join(str(b) for b in v4)
    return _ipv6_string(ip)


def _network_number_and_mask(net: IPNet) -> tuple[bytes, bytes] | None:
    ip = to4(net.ip)
    if ip is None:
        ip = net.ip
        if len(ip) != 16:
            return None
    mask = net.mask
    if len(mask) == 4:
        if len(ip) != 4:
            return None
    elif len(mask) == 16:
        if len(ip) == 4:
            mask = mask[12:]
    else:
        return None
    return ip, mask


def ipnet_contains(net: IPNet, ip: bytes) -> bool:
    """``IPNet.Contains``."""
    nm = _network_number_and_mask(net)
    v4 = to4(ip)
    if v4 is not None:
        ip = v4
    nn, m = nm if nm is not None else (b"", b"")
    if len(ip) != len(nn):
        return False
    return all(nn[i] & m[i] == ip[i] & m[i] for i in range(len(ip)))


def ipnet_string(net: IPNet) -> str:
    """``IPNet.String``."""
    nm = _network_number_and_mask(net)
    if nm is None:
        return "<nil>"
    nn, m = nm
    length = _simple_mask_length(m)
    if length == -1:
        return ip_string(nn) + "/" + (m.hex() if m else "<nil>")
    return f"{ip_string(nn)}/{length}"
