"""OPA "Net" builtins: CIDR helpers (``topdown/cidr.go``) and ``net.lookup_ip_addr``.

The CIDR functions follow Go's ``net`` package exactly (see ``_goip``), and
``net.cidr_merge`` is a faithful port of OPA's ``internal/cidr/merge`` (itself
from Cilium), quirks included: a bare IPv4 address gets its classful default
mask without its host bits cleared (``192.168.1.1`` → ``192.168.1.1/24``).

``net.lookup_ip_addr`` does DNS, so it is disabled unless
``BuiltinOptions.allow_net_lookup`` is set.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from typing import Any

from workbench.core.engines.opa.builtins._goip import (
    V4_IN_V6_PREFIX,
    GoPanic,
    IPNet,
    ParseError,
    cidr_mask,
    default_mask,
    ip_equal,
    ip_mask,
    ip_string,
    ipnet_contains,
    ipnet_string,
    mask_size,
    parse_cidr,
    parse_ip,
    to4,
    to16,
)
from workbench.core.engines.opa.builtins._operands import check_string, operand_type_error
from workbench.core.engines.opa.builtins._registry import BuiltinContext, BuiltinTable, RegoSet, builtin_error
from workbench.core.engines.opa.builtins._values import sort_values

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__: list[str] = []

#: cidr_expand stops (as OPA does when its evaluation is cancelled) beyond this many addresses
MAX_EXPANDED_ADDRESSES = 1 << 20


def _net_from_operand(name: str, value: Any) -> IPNet:
    text = check_string(name, value, 1)
    try:
        return parse_cidr(text)[1]
    except ParseError as exc:
        raise builtin_error(name, str(exc)) from None


def _last_ip(name: str, net: IPNet) -> bytes:
    prefix_len, bits = mask_size(net.mask)
    if prefix_len == 0 and bits == 0:
        raise builtin_error(name, "CIDR mask is in non-standard format")
    if prefix_len == bits:
        return net.ip
    first = int.from_bytes(net.ip, "big")
    last = ((1 << (bits - prefix_len)) - 1) | first
    raw = last.to_bytes((last.bit_length() + 7) // 8, "big")
    out = bytearray(bits // 8)
    if len(raw) > len(out):
        raise builtin_error(name, "runtime error: index out of range")
    out[len(out) - len(raw) :] = raw
    return bytes(out)


def _cidr_contains(name: str, cidr_a: Any, cidr_b: Any) -> bool:
    """OPA's ``builtinNetCIDRContains`` (errors reported under ``name``)."""
    net_a = _net_from_operand(name, cidr_a)
    text_b = check_string(name, cidr_b, 1)
    ip = parse_ip(text_b)
    if ip is not None:
        return ipnet_contains(net_a, ip)
    try:
        net_b = parse_cidr(text_b)[1]
    except ParseError:
        raise builtin_error(
            name, f"not a valid textual representation of an IP address or CIDR: {text_b}"
        ) from None
    if ipnet_contains(net_a, net_b.ip):
        return ipnet_contains(net_a, _last_ip(name, net_b))
    return False


def _match_term(name: str, operand: int, value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value:
        return value[0]
    raise builtin_error(name, f"operand {operand}: element must be string or non-empty array")


def _match_operand(name: str, operand: int, value: Any) -> Iterator[tuple[Any, Any]]:
    if isinstance(value, str):
        yield value, value
    elif isinstance(value, list):
        for index, element in enumerate(value):
            yield _match_term(name, operand, element), index
    elif isinstance(value, RegoSet):
        for element in sort_values(list(value)):
            yield _match_term(name, operand, element), element
    elif isinstance(value, dict):
        for key in sort_values(list(value.keys())):
            yield _match_term(name, operand, value[key]), key


@BUILTINS.builtin("net.cidr_contains_matches", category="Net")
def cidr_contains_matches(cidrs: Any, cidrs_or_ips: Any) -> RegoSet:
    name = "net.cidr_contains_matches"
    result = RegoSet()
    for cidr1, index1 in _match_operand(name, 1, cidrs):
        for cidr2, index2 in _match_operand(name, 2, cidrs_or_ips):
            if _cidr_contains(name, cidr1, cidr2):
                result.add([index1, index2])
    return result


@BUILTINS.builtin("net.cidr_expand", category="Net")
def cidr_expand(cidr: Any) -> RegoSet:
    name = "net.cidr_expand"
    text = check_string(name, cidr, 1)
    try:
        ip, net = parse_cidr(text)
    except ParseError as exc:
        raise builtin_error(name, str(exc)) from None
    start = ip_mask(ip, net.mask)
    width = len(start)
    ones, bits = mask_size(net.mask)
    host_bits = bits - ones
    if host_bits > 20 and (1 << host_bits) > MAX_EXPANDED_ADDRESSES:
        raise builtin_error(name, "timed out before generating all IP addresses")
    first = int.from_bytes(start, "big")
    count = 1 << host_bits if bits else 0
    addresses = (ip_string((first + i).to_bytes(width, "big")) for i in range(count))
    return RegoSet(a for a in addresses)


@BUILTINS.builtin("net.cidr_is_valid", category="Net")
def cidr_is_valid(cidr: Any) -> bool:
    if not isinstance(cidr, str):
        return False
    try:
        parse_cidr(cidr)
    except ParseError:
        return False
    return True


# --- net.cidr_merge: port of OPA's internal/cidr/merge -----------------------------------


@dataclasses.dataclass
class _Range:
    first: bytes
    last: bytes
    network: IPNet | None


def _big_bytes(value: int) -> bytes:
    """``big.Int.Bytes`` of a non-negative value (no leading zeros, ``b""`` for 0)."""
    if value < 0:
        raise GoPanic("negative big.Int")
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


def _address_range(net: IPNet) -> tuple[bytes, bytes]:
    first = ip_mask(net.ip, net.mask)
    last = bytearray(ip_mask(net.ip, net.mask))
    if to4(first) is not None:
        first = V4_IN_V6_PREFIX[:12] + first
        last = bytearray(V4_IN_V6_PREFIX[:12]) + last
    mask = net.mask
    for i in range(len(mask)):
        inverted = ~mask[len(mask) - i - 1] & 0xFF
        index = 16 - i - 1
        if index >= len(last) or index < 0:
            raise GoPanic("index out of range")
        last[index] |= inverted
    return first, bytes(last)


def _previous_ip(ip: bytes) -> bytes:
    if ip_equal(ip, V4_IN_V6_PREFIX + bytes(4)) or ip_equal(ip, bytes(16)):
        return ip
    previous = bytearray(ip)
    lower = 12 if to4(ip) is not None else 0
    overflow = False
    for i in range(len(ip) - 1, lower - 1, -1):
        if overflow or i == len(ip) - 1:
            previous[i] = (previous[i] - 1) & 0xFF
        overflow = ip[i] == 0 and previous[i] == 255
    return bytes(previous)


def _next_ip(ip: bytes) -> bytes:
    if ip_equal(ip, V4_IN_V6_PREFIX + b"\xff" * 4) or ip_equal(ip, b"\xff" * 16):
        return ip
    if len(ip) == 4:
        return ((int.from_bytes(ip, "big") + 1) & 0xFFFFFFFF).to_bytes(4, "big")
    if len(ip) == 16:
        low = (int.from_bytes(ip[8:], "big") + 1) & (2**64 - 1)
        high = int.from_bytes(ip[:8], "big")
        if low == 0:
            high = (high + 1) & (2**64 - 1)
        return high.to_bytes(8, "big") + low.to_bytes(8, "big")
    return ip


def _spanning_cidr(first: bytes, last: bytes) -> IPNet:
    is_ipv4 = to4(first) is not None
    bit_len, byte_len = (32, 4) if is_ipv4 else (128, 16)
    span = bit_len
    lowest = int.from_bytes(first, "big")
    highest = int.from_bytes(last, "big")
    while span > 0 and lowest < highest:
        span -= 1
        highest &= -(1 << (bit_len - span))
    raw = bytes(10) + _big_bytes(highest) if is_ipv4 else _big_bytes(highest)
    if not raw:
        raw = bytes(byte_len)
    return IPNet(raw, cidr_mask(span, bit_len))


def _pad16(value: int) -> bytes:
    raw = _big_bytes(value)
    if len(raw) > 16:
        raise GoPanic("makeslice: len out of range")
    return bytes(16 - len(raw)) + raw


def _partition(target: IPNet, exclude: IPNet) -> tuple[list[IPNet], list[IPNet]]:
    target_is_ipv4 = to4(target.ip) is not None
    target_first, target_last = _address_range(target)
    exclude_first, exclude_last = _address_range(exclude)
    target_size = mask_size(target.mask)[0]
    exclude_size = mask_size(exclude.mask)[0]
    if exclude_last < target_first:
        return [], [target]
    if target_last < exclude_first:
        return [target], []
    if target_size >= exclude_size:
        return [], []
    left: list[IPNet] = []
    right: list[IPNet] = []
    new_prefix = target_size + 1
    lower = int.from_bytes(target_first, "big")
    bit_len = 32 if target_is_ipv4 else 128
    wide = to16(target_first)
    upper = (int.from_bytes(wide, "big") if wide else 0) + (1 << (bit_len - new_prefix))
    matched = 0
    while exclude_size >= new_prefix:
        if target_is_ipv4:
            upper_bytes = bytes(10) + _big_bytes(upper)
            lower_bytes = bytes(10) + _big_bytes(lower)
        else:
            upper_bytes = _pad16(upper)
            lower_bytes = _pad16(lower)
        if exclude_first >= upper_bytes:
            left.append(IPNet(lower_bytes, cidr_mask(new_prefix, bit_len)))
            matched = upper
        else:
            right.append(IPNet(upper_bytes, cidr_mask(new_prefix, bit_len)))
            matched = lower
        new_prefix += 1
        if new_prefix > bit_len:
            break
        lower = matched
        upper = matched + (1 << (bit_len - new_prefix))
    return left, right


def _range_to_cidrs(first: bytes, last: bytes) -> list[IPNet]:
    spanning = _spanning_cidr(first, last)
    first_spanning, last_spanning = _address_range(spanning)
    cidrs: list[IPNet] = []
    if first_spanning < first:
        previous = _previous_ip(first)
        bits = 32 if to4(previous) is not None else 128
        _, right = _partition(spanning, IPNet(previous, cidr_mask(bits, bits)))
        if not right:
            raise GoPanic("index out of range [0] with length 0")
        cidrs.extend(right)
        spanning = right[0]
        cidrs = cidrs[1:]
    if last_spanning > last:
        following = _next_ip(last)
        bits = 32 if to4(following) is not None else 128
        left, _ = _partition(spanning, IPNet(following, cidr_mask(bits, bits)))
        cidrs.extend(left)
    else:
        cidrs.append(spanning)
    return cidrs


def _merge(networks: list[IPNet]) -> list[IPNet]:
    if not networks:
        return []
    ranges = []
    for network in networks:
        first, last = _address_range(network)
        ranges.append(_Range(first, last, network))
    ranges.sort(key=lambda r: (r.last, r.first))
    for i in range(len(ranges) - 1, 0, -1):
        previous = _previous_ip(ranges[i].first)
        if previous <= ranges[i - 1].last:
            first = ranges[i - 1].first if ranges[i - 1].first < ranges[i].first else ranges[i].first
            ranges[i - 1] = _Range(first, ranges[i].last, None)
            del ranges[i]
    result: list[IPNet] = []
    for merged in ranges:
        if merged.network is not None:
            result.append(merged.network)
        else:
            result.extend(_range_to_cidrs(merged.first, merged.last))
    return result


def _ipnet_for_merge(name: str, element: Any) -> IPNet:
    if not isinstance(element, str):
        raise builtin_error(name, "element must be string")
    ip = parse_ip(element)
    if ip is None:
        try:
            return parse_cidr(element)[1]
        except ParseError as exc:
            raise builtin_error(name, str(exc)) from None
    if to4(ip) is not None:
        return IPNet(ip, default_mask(ip))
    raise builtin_error(name, "IPv6 invalid: needs prefix length")


@BUILTINS.builtin("net.cidr_merge", category="Net")
def cidr_merge(addrs: Any) -> RegoSet:
    name = "net.cidr_merge"
    if isinstance(addrs, list):
        elements = addrs
    elif isinstance(addrs, RegoSet):
        elements = sort_values(list(addrs))
    else:
        raise builtin_error(name, "operand must be an array")
    networks = [_ipnet_for_merge(name, element) for element in elements]
    try:
        merged = _merge(networks)
    except GoPanic as exc:
        raise builtin_error(name, f"runtime error: {exc}") from None
    return RegoSet(ipnet_string(network) for network in merged)


# --- net.lookup_ip_addr --------------------------------------------------------------------


def _system_resolver(host: str) -> list[str]:
    """Resolve with the system resolver; addresses as Go prints them (zone kept)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            raise LookupError(f"lookup {host}: no such host") from None
        raise LookupError(f"lookup {host}: {exc.strerror}") from None
    except (UnicodeError, OSError) as exc:
        raise LookupError(f"lookup {host}: {exc}") from None
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        text = str(sockaddr[0])
        address, _, zone = text.partition("%")
        ip = parse_ip(address)
        if ip is None:
            continue
        addresses.append(ip_string(ip) + (f"%{zone}" if zone else ""))
    return addresses


@BUILTINS.builtin(
    "net.lookup_ip_addr",
    category="Net",
    needs_context=True,
    deterministic=False,
    enabled_by_default=False,
)
def lookup_ip_addr(ctx: BuiltinContext, name_arg: Any) -> RegoSet:
    name = "net.lookup_ip_addr"
    if not isinstance(name_arg, str):
        raise operand_type_error(name, 1, name_arg, "string")
    if not ctx.options.allow_net_lookup:
        raise builtin_error(
            name,
            "disabled in Policy Workbench; enable network builtins with --allow-network-builtins",
        )
    key = ("net.lookup_ip_addr", name_arg)
    if key in ctx.cache:
        return ctx.cache[key]
    try:
        addresses = _system_resolver(name_arg)
    except LookupError as exc:
        raise builtin_error(name, str(exc)) from None
    result = RegoSet(addresses)
    ctx.cache[key] = result
    return result
