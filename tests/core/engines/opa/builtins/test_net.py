"""net.* builtins: OPA corpus, Go net semantics, and the CIDR parser's robustness."""

from __future__ import annotations

import ipaddress

import pytest
from builtin_corpus import check_corpus_param, corpus_params
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.engines.opa.builtins import REGISTRY, BuiltinContext, BuiltinOptions, RegoSet
from workbench.core.engines.opa.builtins._goip import ip_string, mask_size, parse_cidr, parse_ip
from workbench.core.engines.opa.builtins.net import (
    cidr_contains_matches,
    cidr_expand,
    cidr_is_valid,
    cidr_merge,
    lookup_ip_addr,
)
from workbench.core.errors import BuiltinError

BUILTINS = ("net.cidr_contains_matches", "net.cidr_expand", "net.cidr_is_valid", "net.cidr_merge")


@pytest.mark.parametrize("case", corpus_params(*BUILTINS))
def testcorpus_params(case: dict | None) -> None:
    check_corpus_param(case)


def test_registration() -> None:
    assert REGISTRY["net.cidr_merge"].category == "Net"
    lookup = REGISTRY["net.lookup_ip_addr"]
    assert not lookup.enabled_by_default
    assert not lookup.deterministic
    assert lookup.needs_context


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("10.0.0.0/08", True),  # Go's dtoi accepts leading zeros in the prefix length
        ("::ffff:1.2.3.4/120", True),
        ("1.2.3.4/32 ", False),
        ("1:2:3:4:5:6:7:8/128", True),
        ("1:2:3:4:5:6:7:8:9/128", False),
        ("1::2::3/64", False),
        ("::1.2.3.4/128", True),
        ("1:2:3:4:5:6:1.2.3.4/96", True),
        ("1:2:3:4:5:6:7:1.2.3.4/96", False),
        ("12345::/16", False),
        ("1.2.3/24", False),
        ("1.2.3.256/24", False),
        ("١.2.3.4/8", False),  # non-ASCII digits are not digits to Go
    ],
)
def test_cidr_is_valid_go_semantics(text: str, valid: bool) -> None:
    assert cidr_is_valid(text) is valid


def test_ipv4_mapped_network_prints_as_ipv4() -> None:
    # Go's IPNet.String prints an IPv4-mapped network with the IPv4 part of its mask.
    assert list(cidr_merge(["::ffff:1.2.3.0/120"])) == ["1.2.3.0/24"]
    assert sorted(cidr_expand("::ffff:1.2.3.0/127")) == ["1.2.3.0", "1.2.3.1"]


def test_merge_quirks() -> None:
    assert list(cidr_merge(["192.168.1.1"])) == ["192.168.1.1/24"]  # classful mask, host bits kept
    assert list(cidr_merge(["200.1.1.1"])) == ["200.1.1.1/24"]  # class D/E get /24 too
    assert sorted(cidr_merge(["10.0.0.0/25", "10.0.0.128/25", "10.0.1.0/24"])) == ["10.0.0.0/23"]
    assert sorted(cidr_merge(["1.2.3.4/32", "1.2.3.6/32"])) == ["1.2.3.4/32", "1.2.3.6/32"]
    assert sorted(cidr_merge(RegoSet(["10.0.0.0/24", "10.0.1.0/24"]))) == ["10.0.0.0/23"]
    assert list(cidr_merge([])) == []


def test_merge_errors() -> None:
    with pytest.raises(BuiltinError, match=r"^net.cidr_merge: IPv6 invalid: needs prefix length$"):
        cidr_merge(["2001:db8::1"])
    with pytest.raises(BuiltinError, match=r"^net.cidr_merge: operand must be an array$"):
        cidr_merge("10.0.0.0/8")


def test_contains_matches_shapes() -> None:
    assert list(cidr_contains_matches(5, "10.0.0.1")) == []  # unsupported operand type: no matches
    with pytest.raises(BuiltinError, match="operand 1: element must be string or non-empty array"):
        cidr_contains_matches([[]], "10.0.0.1")
    with pytest.raises(BuiltinError, match="operand 1 must be string but got number") as info:
        cidr_contains_matches([[5]], "10.0.0.1")
    assert info.value.code == "eval_type_error"
    set_result = cidr_contains_matches(RegoSet(["10.0.0.0/8"]), {"k": "10.1.1.1"})
    assert list(set_result) == [["10.0.0.0/8", "k"]]


def test_expand_limit_and_ipv6_text() -> None:
    assert sorted(cidr_expand("fe80::/127")) == ["fe80::", "fe80::1"]
    with pytest.raises(BuiltinError, match="timed out before generating all IP addresses"):
        cidr_expand("10.0.0.0/8")


@pytest.mark.parametrize(
    "address",
    ["::", "::1", "1::", "2001:db8::1", "2001:db8:0:0:1:0:0:1", "1:0:0:2:0:0:0:3", "fe80::1:2", "0:0:1::"],
)
def test_ipv6_text_matches_rfc5952(address: str) -> None:
    ip = parse_ip(address)
    assert ip is not None
    assert ip_string(ip) == ipaddress.IPv6Address(address).compressed


def test_lookup_disabled_by_default() -> None:
    with pytest.raises(BuiltinError, match="--allow-network-builtins"):
        lookup_ip_addr(BuiltinContext(), "localhost")
    with pytest.raises(BuiltinError, match="operand 1 must be string but got number"):
        lookup_ip_addr(BuiltinContext(), 1)


def test_lookup_enabled_resolves_and_memoises() -> None:
    ctx = BuiltinContext(options=BuiltinOptions(allow_net_lookup=True))
    first = lookup_ip_addr(ctx, "127.0.0.1")
    assert list(first) == ["127.0.0.1"]
    assert lookup_ip_addr(ctx, "127.0.0.1") is first


def test_lookup_failure_is_a_builtin_error() -> None:
    # An empty DNS label fails inside the resolver call without any network traffic.
    ctx = BuiltinContext(options=BuiltinOptions(allow_net_lookup=True))
    with pytest.raises(BuiltinError, match=r"^net.lookup_ip_addr: lookup a\.\.b: "):
        lookup_ip_addr(ctx, "a..b")


_cidr_text = st.one_of(
    st.text(alphabet="0123456789abcdefABCDEF:./%-x ", max_size=45),
    st.builds(
        lambda ip, bits: f"{ip}/{bits}",
        st.one_of(st.ip_addresses().map(str), st.text(max_size=12)),
        st.integers(min_value=-2, max_value=140),
    ),
)


@settings(max_examples=200, deadline=None)
@given(_cidr_text)
def test_cidr_parser_never_crashes(text: str) -> None:
    for name in BUILTINS:
        if name == "net.cidr_expand" and _too_many_addresses(text):
            continue
        if name == "net.cidr_contains_matches":
            args = [text, text]
        elif name == "net.cidr_merge":
            args = [[text]]
        else:
            args = [text]
        try:
            REGISTRY[name](BuiltinContext(), args)
        except BuiltinError:
            pass


def _too_many_addresses(text: str) -> bool:
    """Keep the property test fast: expanding up to a million addresses is valid but slow."""
    try:
        _ip, net = parse_cidr(text)
    except ValueError:
        return False
    ones, bits = mask_size(net.mask)
    return bits - ones > 12


@settings(max_examples=100, deadline=None)
@given(st.ip_addresses(), st.data())
def test_cidr_parse_round_trip(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, data: st.DataObject
) -> None:
    bits = data.draw(st.integers(min_value=0, max_value=address.max_prefixlen))
    _ip, net = parse_cidr(f"{address}/{bits}")
    expected = ipaddress.ip_network(f"{address}/{bits}", strict=False)
    printed = ip_string(net.ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        assert printed == expected.network_address.compressed
    elif isinstance(address, ipaddress.IPv4Address):
        assert printed == str(expected.network_address)
    assert cidr_is_valid(f"{address}/{bits}")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda address, bits: ipaddress.ip_network(f"{address}/{bits}", strict=False),
            st.ip_addresses(v=4),
            st.integers(min_value=8, max_value=32),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_merge_covers_the_same_addresses(networks: list[ipaddress.IPv4Network]) -> None:
    merged = cidr_merge([str(n) for n in networks])
    covered = {str(n) for n in ipaddress.collapse_addresses(networks)}
    assert {str(ipaddress.ip_network(m)) for m in merged} == covered
