"""A port of Go's ``net/url`` (Go 1.26 semantics): ``url.Parse``, ``URL.String`` and the JSON of a ``url.URL``.

One parser for every builtin that parses URLs: ``uri.parse`` / ``uri.is_valid``
and ``http.send`` (:func:`go_parse_url`, text fields as Go strings converted to
valid UTF-8), and the certificate URI SANs of ``crypto.x509.*`` and the request
URL of ``providers.aws.sign_req`` (:func:`parse_url`, which keeps undecodable
bytes as ``surrogateescape`` characters so that :meth:`GoURL.string` and
:meth:`GoURL.to_json` see Go's bytes).

Works on UTF-8 bytes as Go does. Bracketed hosts are checked with
``netip.ParseAddr`` as Go 1.26 does; colons in a bare host follow the lax rule
(the last colon starts the port), which is Go's behaviour for modules built
with ``urlstrictcolons=0`` defaults such as OPA's (the same rule for every
caller, since they all run in one OPA binary).
Errors carry Go's text: ``parse "<url>": <reason>``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from workbench.core.engines.opa.builtins._gofmt import go_quote
from workbench.core.engines.opa.builtins._goip import AddrError, parse_addr_or_error

__all__ = ["GoURL", "URLError", "go_parse_url", "parse_url"]

_PATH, _HOST, _ZONE, _USER_PASSWORD, _QUERY_COMPONENT, _FRAGMENT = range(1, 7)
_HEX = b"0123456789abcdefABCDEF"
_UPPER_HEX = "0123456789ABCDEF"


class URLError(ValueError):
    """``*url.Error`` from ``url.Parse``."""


class _Reason(ValueError):
    pass


def _b2s(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _quote(raw: bytes) -> str:
    """``strconv.Quote`` of Go bytes (invalid UTF-8 bytes as ``\\xNN``)."""
    return go_quote(raw.decode("utf-8", "surrogateescape"), raw_bytes=True)


def _should_escape(c: int, mode: int) -> bool:
    ch = chr(c)
    if ch.isascii() and ch.isalnum():
        return False
    if mode in (_HOST, _ZONE) and ch in "!$&'()*+,;=:[]<>\"":
        return False
    if ch in "-_.~":
        return False
    if ch in "$&+,/:;=?@":
        if mode == _PATH:
            return ch == "?"
        if mode == _USER_PASSWORD:
            return ch in "@/?:"
        if mode == _QUERY_COMPONENT:
            return True
        if mode == _FRAGMENT:
            return False
    return not (mode == _FRAGMENT and ch in "!()*")


def _unhex(c: int) -> int:
    return int(chr(c), 16)


def _unescape(s: bytes, mode: int) -> bytes:
    n = 0
    has_plus = False
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x25:  # %
            n += 1
            if i + 2 >= len(s) or s[i + 1] not in _HEX or s[i + 2] not in _HEX:
                rest = s[i:][:3]
                raise _Reason(f"invalid URL escape {_quote(rest)}")
            if mode == _HOST and _unhex(s[i + 1]) < 8 and s[i : i + 3] != b"%25":
                raise _Reason(f"invalid URL escape {_quote(s[i : i + 3])}")
            if mode == _ZONE:
                v = _unhex(s[i + 1]) << 4 | _unhex(s[i + 2])
                if s[i : i + 3] != b"%25" and v != 0x20 and _should_escape(v, _HOST):
                    raise _Reason(f"invalid URL escape {_quote(s[i : i + 3])}")
            i += 3
        elif c == 0x2B:  # +
            has_plus = mode == _QUERY_COMPONENT
            i += 1
        else:
            if mode in (_HOST, _ZONE) and c < 0x80 and _should_escape(c, mode):
                raise _Reason(f"invalid character {_quote(s[i : i + 1])} in host name")
            i += 1
    if n == 0 and not has_plus:
        return s
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x25:
            out.append(_unhex(s[i + 1]) << 4 | _unhex(s[i + 2]))
            i += 3
            continue
        if c == 0x2B:
            out.append(0x20 if mode == _QUERY_COMPONENT else 0x2B)
        else:
            out.append(c)
        i += 1
    return bytes(out)


def _escape(s: bytes, mode: int) -> bytes:
    out = bytearray()
    for c in s:
        if c == 0x20 and mode == _QUERY_COMPONENT:
            out.append(0x2B)
        elif _should_escape(c, mode):
            out += f"%{_UPPER_HEX[c >> 4]}{_UPPER_HEX[c & 15]}".encode()
        else:
            out.append(c)
    return bytes(out)


@dataclasses.dataclass
class GoURL:
    scheme: str = ""
    opaque: str = ""
    username: str | None = None
    password: str | None = None
    host: str = ""
    path: str = ""
    raw_path: str = ""
    omit_host: bool = False
    force_query: bool = False
    raw_query: str = ""
    fragment: str = ""
    raw_fragment: str = ""

    def _split_host_port(self) -> tuple[str, str]:
        host, port = self.host, ""
        colon = host.rfind(":")
        if colon != -1 and _valid_optional_port(host[colon:].encode("utf-8", "surrogateescape")):
            host, port = host[:colon], host[colon + 1 :]
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        return host, port

    def hostname(self) -> str:
        return self._split_host_port()[0]

    def port(self) -> str:
        return self._split_host_port()[1]

    @property
    def user(self) -> tuple[str, str | None] | None:
        """``url.User`` as ``(username, password or None)``, or None without userinfo."""
        if self.username is None:
            return None
        return self.username, self.password

    def to_json(self) -> dict[str, Any]:
        """``encoding/json`` of Go's ``url.URL`` (invalid UTF-8 becomes U+FFFD)."""
        return {
            "Scheme": _clean(self.scheme),
            "Opaque": _clean(self.opaque),
            "User": None if self.username is None else {},
            "Host": _clean(self.host),
            "Path": _clean(self.path),
            "RawPath": _clean(self.raw_path),
            "OmitHost": self.omit_host,
            "ForceQuery": self.force_query,
            "RawQuery": _clean(self.raw_query),
            "Fragment": _clean(self.fragment),
            "RawFragment": _clean(self.raw_fragment),
        }

    @staticmethod
    def _raw_form(raw: str, value: str, mode: int) -> bool:
        """Go keeps ``raw`` (RawPath / RawFragment) when it is a valid escaping of ``value``."""
        if not raw or not _valid_encoded(_s2b(raw), mode):
            return False
        try:
            return _unescape(_s2b(raw), mode) == _s2b(value)
        except _Reason:
            return False

    def escaped_path(self) -> str:
        """``URL.EscapedPath``."""
        if self._raw_form(self.raw_path, self.path, _PATH):
            return self.raw_path
        if self.path == "*":
            return "*"
        return _b2s(_escape(_s2b(self.path), _PATH))

    def escaped_fragment(self) -> str:
        """``URL.EscapedFragment``."""
        if self._raw_form(self.raw_fragment, self.fragment, _FRAGMENT):
            return self.raw_fragment
        return _b2s(_escape(_s2b(self.fragment), _FRAGMENT))

    def string(self) -> str:
        """``URL.String``."""
        buf: list[str] = []
        if self.scheme:
            buf.append(self.scheme + ":")
        if self.opaque:
            buf.append(self.opaque)
        else:
            if (self.scheme or self.host or self.username is not None) and not (
                self.omit_host and not self.host and self.username is None
            ):
                if self.host or self.path or self.username is not None:
                    buf.append("//")
                if self.username is not None:
                    buf.append(_b2s(_escape(_s2b(self.username), _USER_PASSWORD)))
                    if self.password is not None:
                        buf.append(":" + _b2s(_escape(_s2b(self.password), _USER_PASSWORD)))
                    buf.append("@")
                if self.host:
                    buf.append(_b2s(_escape(_s2b(self.host), _HOST)))
            path = self.escaped_path()
            if path and path[0] != "/" and self.host:
                buf.append("/")
            if not buf and ":" in path.split("/", 1)[0]:
                buf.append("./")
            buf.append(path)
        if self.force_query or self.raw_query:
            buf.append("?" + self.raw_query)
        if self.fragment:
            buf.append("#" + self.escaped_fragment())
        return "".join(buf)


def _s2b(text: str) -> bytes:
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def _clean(text: str) -> str:
    """Go's JSON encoding of a string: each invalid byte becomes U+FFFD."""
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def _valid_encoded(raw: bytes, mode: int) -> bool:
    """``validEncoded``: may ``raw`` stand as the escaped form?"""
    return all(c in b"!$&'()*+,;=:@[]%" or not _should_escape(c, mode) for c in raw)


def _get_scheme(raw: bytes) -> tuple[bytes, bytes]:
    for i, c in enumerate(raw):
        ch = chr(c)
        if ch.isascii() and ch.isalpha():
            continue
        if ch.isascii() and (ch.isdigit() or ch in "+-."):
            if i == 0:
                return b"", raw
            continue
        if ch == ":":
            if i == 0:
                raise _Reason("missing protocol scheme")
            return raw[:i], raw[i + 1 :]
        return b"", raw
    return b"", raw


def _valid_optional_port(port: bytes) -> bool:
    if not port:
        return True
    if port[0] != 0x3A:
        return False
    return all(0x30 <= b <= 0x39 for b in port[1:])


def _valid_userinfo(raw: bytes) -> bool:
    text = raw.decode("utf-8", "replace")
    return all((ch.isascii() and ch.isalnum()) or ch in "-._:~!$&'()*+,;=%@" for ch in text)


def _parse_host(host: bytes) -> bytes:
    bracket = host.rfind(b"[")
    if bracket > 0:
        raise _Reason("invalid IP-literal")
    if bracket == 0:
        close = host.rfind(b"]")
        if close < 0:
            raise _Reason("missing ']' in host")
        colon_port = host[close + 1 :]
        if not _valid_optional_port(colon_port):
            raise _Reason(f"invalid port {_quote(colon_port)} after host")
        colon_port = _unescape(colon_port, _HOST)
        name = host[1:close]
        zone = name.find(b"%25")
        if zone >= 0:
            unescaped = _unescape(name[:zone], _HOST) + _unescape(name[zone:], _ZONE)
        else:
            unescaped = _unescape(name, _HOST)
        try:
            _ip, is4, _zone = parse_addr_or_error(unescaped.decode("utf-8", "replace"))
        except AddrError as exc:
            raise _Reason(f"invalid host: {exc}") from None
        if is4:
            raise _Reason("invalid IP-literal")
        return b"[" + unescaped + b"]" + colon_port
    colon = host.rfind(b":")
    if colon != -1:
        colon_port = host[colon:]
        if not _valid_optional_port(colon_port):
            raise _Reason(f"invalid port {_quote(colon_port)} after host")
    return _unescape(host, _HOST)


def _parse_authority(url: GoURL, authority: bytes) -> None:
    at = authority.rfind(b"@")
    host = _parse_host(authority if at < 0 else authority[at + 1 :])
    url.host = _b2s(host)
    if at < 0:
        return
    userinfo = authority[:at]
    if not _valid_userinfo(userinfo):
        raise _Reason("net/url: invalid userinfo")
    if b":" not in userinfo:
        url.username = _b2s(_unescape(userinfo, _USER_PASSWORD))
    else:
        user, _, password = userinfo.partition(b":")
        url.username = _b2s(_unescape(user, _USER_PASSWORD))
        url.password = _b2s(_unescape(password, _USER_PASSWORD))


def _parse(raw: bytes) -> GoURL:
    if any(b < 0x20 or b == 0x7F for b in raw):
        raise _Reason("net/url: invalid control character in URL")
    url = GoURL()
    if raw == b"*":
        url.path = "*"
        return url
    scheme, rest = _get_scheme(raw)
    url.scheme = _b2s(scheme).lower()
    if rest.endswith(b"?") and rest.count(b"?") == 1:
        url.force_query = True
        rest = rest[:-1]
    else:
        rest, _, query = rest.partition(b"?")
        url.raw_query = _b2s(query)
    if not rest.startswith(b"/"):
        if url.scheme:
            url.opaque = _b2s(rest)
            return url
        segment = rest.partition(b"/")[0]
        if b":" in segment:
            raise _Reason("first path segment in URL cannot contain colon")
    if (url.scheme or not rest.startswith(b"///")) and rest.startswith(b"//"):
        authority, rest = rest[2:], b""
        slash = authority.find(b"/")
        if slash >= 0:
            authority, rest = authority[:slash], authority[slash:]
        _parse_authority(url, authority)
    elif url.scheme and rest.startswith(b"/"):
        url.omit_host = True
    path = _unescape(rest, _PATH)
    url.path = _b2s(path)
    url.raw_path = "" if _escape(path, _PATH) == rest else _b2s(rest)
    return url


def _to_text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _parse_url(raw: bytes) -> GoURL:
    """``url.Parse`` of Go bytes; raises :class:`URLError` with Go's message."""
    head, _, frag = raw.partition(b"#")
    try:
        url = _parse(head)
    except _Reason as exc:
        raise URLError(f"parse {_quote(head)}: {exc}") from None
    if frag:
        try:
            fragment = _unescape(frag, _FRAGMENT)
        except _Reason as exc:
            raise URLError(f"parse {_quote(raw)}: {exc}") from None
        url.fragment = _b2s(fragment)
        url.raw_fragment = "" if _escape(fragment, _FRAGMENT) == frag else _b2s(frag)
    return url


def go_parse_url(text: str) -> GoURL:
    """``url.Parse`` of a Rego string; text fields come back as valid UTF-8 (U+FFFD for bad bytes)."""
    url = _parse_url(text.encode("utf-8", "surrogatepass"))
    for field in ("scheme", "opaque", "host", "path", "raw_path", "raw_query", "fragment", "raw_fragment"):
        value = getattr(url, field)
        setattr(url, field, _to_text(value.encode("utf-8", "surrogateescape")))
    return url


def parse_url(text: str) -> GoURL:
    """``url.Parse`` of a Go string held with ``surrogateescape`` bytes; fields keep Go's bytes."""
    return _parse_url(_s2b(text))
