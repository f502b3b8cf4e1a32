"""OPA ``semver.is_valid`` and ``semver.compare``.

A port of OPA's ``internal/semver`` parser (coreos/go-semver lineage): an
optional leading ``v`` is dropped, build metadata after ``+`` and the
pre-release after ``-`` must be dot-separated ``[0-9A-Za-z-]+`` identifiers
(an *empty* one is allowed), and major/minor/patch are Go ``ParseInt``
values, so leading zeros pass and values beyond int64 fail.  Ordering
follows SemVer 2.0.0 precedence (build metadata ignored).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from workbench.core.engines.opa.builtins._gofmt import go_quote
from workbench.core.engines.opa.builtins._operands import check_string
from workbench.core.engines.opa.builtins._registry import BuiltinTable, builtin_error

#: this category's builtins, collected by :func:`~workbench.core.engines.opa.builtins.catalog.build_registry`
BUILTINS = BuiltinTable()

__all__ = ["SemVerError", "Version", "compare_versions", "parse_version"]

_CATEGORY = "SemVer"
_INT64_MAX = (1 << 63) - 1
_META_IDENTIFIER = re.compile(r"[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*")
_GO_INT = re.compile(r"[+-]?[0-9]+")


class SemVerError(ValueError):
    """The string is not a version OPA's semver package accepts."""


@dataclasses.dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    pre_release: str = ""
    metadata: str = ""


def _cut(s: str, sep: str) -> tuple[str, str]:
    before, _, after = s.partition(sep)
    return before, after


def _parse_int64(text: str) -> int:
    """Go's ``strconv.ParseInt(text, 10, 64)``."""
    if not _GO_INT.fullmatch(text):
        raise SemVerError(f"invalid number {text!r}")
    value = int(text)
    if not -(1 << 63) <= value <= _INT64_MAX:
        raise SemVerError(f"number out of range {text!r}")
    return value


def parse_version(text: str) -> Version:
    """OPA's ``semver.Parse``."""
    version = text[1:] if text.startswith("v") else text
    version, metadata = _cut(version, "+")
    if metadata and not _META_IDENTIFIER.fullmatch(metadata):
        raise SemVerError(f"invalid metadata identifier: {metadata}")
    version, pre_release = _cut(version, "-")
    if pre_release and not _META_IDENTIFIER.fullmatch(pre_release):
        raise SemVerError(f"invalid pre-release identifier: {pre_release}")
    if version.count(".") != 2:
        raise SemVerError(f"{version} should contain major, minor, and patch versions")
    major, rest = _cut(version, ".")
    minor, patch = _cut(rest, ".")
    return Version(_parse_int64(major), _parse_int64(minor), _parse_int64(patch), pre_release, metadata)


def _is_all_decimals(s: str) -> bool:
    return s != "" and all("0" <= c <= "9" for c in s)


def _atoi(s: str) -> int:
    """Go's ``strconv.Atoi`` result for an all-digit string (saturating on overflow)."""
    return min(int(s), _INT64_MAX)


def _cmp(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


def compare_versions(v: Version, other: Version) -> int:
    """``Version.Compare``: -1, 0 or 1."""
    for x, y in ((v.major, other.major), (v.minor, other.minor), (v.patch, other.patch)):
        if x != y:
            return _cmp(x, y)
    if v.pre_release == other.pre_release:
        return 0
    if v.pre_release == "":
        return 1
    if other.pre_release == "":
        return -1
    a, after_a = _cut(v.pre_release, ".")
    b, after_b = _cut(other.pre_release, ".")
    while True:
        if a == "" and b != "":
            return -1
        if a != "" and b == "":
            return 1
        a_int, b_int = _is_all_decimals(a), _is_all_decimals(b)
        if a_int and not b_int:
            return -1
        if b_int and not a_int:
            return 1
        if a_int and b_int:
            c = _cmp(_atoi(a), _atoi(b))
        else:
            c = _cmp(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))
        if c:
            return c
        if after_a != "" and after_b == "":
            return 1
        if after_a == "" and after_b != "":
            return -1
        if after_a == "" and after_b == "":
            # both exhausted and equal so far: Go keeps cutting empty strings and
            # reaches the a == b == "" state, where identifiers compare equal
            return 0
        a, after_a = _cut(after_a, ".")
        b, after_b = _cut(after_b, ".")


@BUILTINS.builtin("semver.is_valid", category=_CATEGORY)
def semver_is_valid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse_version(value)
    except SemVerError:
        return False
    return True


@BUILTINS.builtin("semver.compare", category=_CATEGORY)
def semver_compare(a: Any, b: Any) -> int:
    name = "semver.compare"
    a = check_string(name, a, 1)
    b = check_string(name, b, 2)
    try:
        va = parse_version(a)
    except SemVerError:
        raise builtin_error(name, f"operand 1: string {go_quote(a)} is not a valid SemVer") from None
    try:
        vb = parse_version(b)
    except SemVerError:
        raise builtin_error(name, f"operand 2: string {go_quote(b)} is not a valid SemVer") from None
    return compare_versions(va, vb)
