"""Go ``net/url`` parsing for certificate URI SANs.

:func:`parse_url` follows ``url.Parse`` (scheme, opaque, authority, path,
query, fragment, with Go's escaping rules) and returns a :class:`GoURL`
whose :meth:`GoURL.to_json` is ``encoding/json`` of Go's ``url.URL`` and
whose :meth:`GoURL.string` is ``URL.String()``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any

from workbench.core.engines.opa.builtins._crypto_encoding import GoError
from workbench.core.engines.opa.builtins._crypto_encoding import go_quote as _go_quote

__all__ = ["GoURL", "parse_url"]

_ENC_PATH, _ENC_PATH_SEGMENT, _ENC_HOST, _ENC_ZONE, _ENC_USER, _ENC_QUERY, _ENC_FRAGMENT = range(7)
_HEX = "0123456789ABCDEF"


def _is_hex(c: str) -> bool:
    return c in "0123456789abcdefABCDEF"


def _should_escape(c: str, mode: int) -> bool:
    if c.isascii() and (c.isalnum()):
        return False
    if mode in (_ENC_HOST, _ENC_ZONE) and c in "!$&'()*+,;=:[]<>\"":
        return False
    if c in "-_.~":
        return False
    if c in "$&+,/:;=?@":
        if mode == _ENC_PATH:
            return c == "?"
        if mode == _ENC_PATH_SEGMENT:
            return c in "/;,?"
        if mode == _ENC_USER:
            return c in "@/?:"
        if mode == _ENC_QUERY:
            return True
        if mode == _ENC_FRAGMENT:
            return False
    return not (mode == _ENC_FRAGMENT and c in "!()*")


def _to_bytes(s: str) -> bytes:
    try:
        return s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogatepass")


def _escape(s: str, mode: int) -> str:
    out: list[str] = []
    for byte in _to_bytes(s):
        c = chr(byte)
        if _should_escape(c, mode):
            if c == " " and mode == _ENC_QUERY:
                out.append("+")
            else:
                out.append("%" + _HEX[byte >> 4] + _HEX[byte & 15])
        else:
            out.append(c)
    return "".join(out)


def _unescape(s: str, mode: int) -> str:
    raw = _to_bytes(s)
    i = 0
    while i < len(raw):
        if raw[i] == 0x25:  # %
            seg = raw[i : i + 3].decode("utf-8", "replace")
            if i + 2 >= len(raw) or not _is_hex(chr(raw[i + 1])) or not _is_hex(chr(raw[i + 2])):
                tail = raw[i:]
                if len(tail) > 3:
                    tail = tail[:3]
                raise GoError(f"invalid URL escape {_go_quote(tail.decode('utf-8', 'surrogateescape'))}")
            if mode == _ENC_HOST and int(seg[1:], 16) < 0x80 and seg != "%25":
                raise GoError(f"invalid URL escape {_go_quote(seg)}")
            if mode == _ENC_ZONE:
                v = int(seg[1:], 16)
                if seg != "%25" and v != 0x20 and _should_escape(chr(v), _ENC_HOST):
                    raise GoError(f"invalid URL escape {_go_quote(seg)}")
            i += 3
        else:
            c = chr(raw[i])
            if mode in (_ENC_HOST, _ENC_ZONE) and raw[i] < 0x80 and _should_escape(c, mode):
                raise GoError(f"invalid character {_go_quote(c)} in host name")
            i += 1
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x25:
            out.append(int(raw[i + 1 : i + 3].decode(), 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    return out.decode("utf-8", "surrogateescape")


def _clean(s: str) -> str:
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in s)


@dataclasses.dataclass
class GoURL:
    scheme: str = ""
    opaque: str = ""
    user: tuple[str, str | None] | None = None
    host: str = ""
    path: str = ""
    raw_path: str = ""
    omit_host: bool = False
    force_query: bool = False
    raw_query: str = ""
    fragment: str = ""
    raw_fragment: str = ""

    def to_json(self) -> dict[str, Any]:
        """``encoding/json`` of Go's ``url.URL`` (invalid UTF-8 becomes U+FFFD)."""
        return {
            "Scheme": _clean(self.scheme),
            "Opaque": _clean(self.opaque),
            "User": None if self.user is None else {},
            "Host": _clean(self.host),
            "Path": _clean(self.path),
            "RawPath": _clean(self.raw_path),
            "OmitHost": self.omit_host,
            "ForceQuery": self.force_query,
            "RawQuery": _clean(self.raw_query),
            "Fragment": _clean(self.fragment),
            "RawFragment": _clean(self.raw_fragment),
        }

    def escaped_path(self) -> str:
        if self.raw_path and _valid_encoded(self.raw_path, _ENC_PATH):
            try:
                if _unescape(self.raw_path, _ENC_PATH) == self.path:
                    return self.raw_path
            except GoError:
                pass
        if self.path == "*":
            return "*"
        return _escape(self.path, _ENC_PATH)

    def escaped_fragment(self) -> str:
        if self.raw_fragment and _valid_encoded(self.raw_fragment, _ENC_FRAGMENT):
            try:
                if _unescape(self.raw_fragment, _ENC_FRAGMENT) == self.fragment:
                    return self.raw_fragment
            except GoError:
                pass
        return _escape(self.fragment, _ENC_FRAGMENT)

    def string(self) -> str:
        buf: list[str] = []
        if self.scheme:
            buf.append(self.scheme + ":")
        if self.opaque:
            buf.append(self.opaque)
        else:
            if self.scheme or self.host or self.user is not None:
                if self.omit_host and not self.host and self.user is None:
                    pass
                else:
                    if self.host or self.path or self.user is not None:
                        buf.append("//")
                    if self.user is not None:
                        name, password = self.user
                        buf.append(_escape(name, _ENC_USER))
                        if password is not None:
                            buf.append(":" + _escape(password, _ENC_USER))
                        buf.append("@")
                    if self.host:
                        buf.append(_escape(self.host, _ENC_HOST))
            path = self.escaped_path()
            if path and path[0] != "/" and self.host:
                buf.append("/")
            if not buf:
                seg = path.split("/", 1)[0]
                if ":" in seg:
                    buf.append("./")
            buf.append(path)
        if self.force_query or self.raw_query:
            buf.append("?" + self.raw_query)
        if self.fragment:
            buf.append("#" + self.escaped_fragment())
        return "".join(buf)


def _valid_encoded(s: str, mode: int) -> bool:
    for c in s:
        if c in "!$&'()*+,;=:@[]":
            continue
        if c == "%":
            continue
        if _should_escape(c, mode):
            return False
    return True


def _get_scheme(raw: str) -> tuple[str, str]:
    for i, c in enumerate(raw):
        if c.isascii() and c.isalpha():
            continue
        if c.isascii() and (c.isdigit() or c in "+-."):
            if i == 0:
                return "", raw
            continue
        if c == ":":
            if i == 0:
                raise GoError("missing protocol scheme")
            return raw[:i], raw[i + 1 :]
        return "", raw
    return "", raw


def _valid_optional_port(port: str) -> bool:
    if port == "":
        return True
    if port[0] != ":":
        return False
    return all(c.isascii() and c.isdigit() for c in port[1:])


def _parse_host(scheme: str, host: str) -> str:
    open_bracket = host.rfind("[")
    if open_bracket > 0:
        raise GoError("invalid IP-literal")
    if open_bracket == 0:
        close_bracket = host.rfind("]")
        if close_bracket < 0:
            raise GoError("missing ']' in host")
        colon_port = host[close_bracket + 1 :]
        if not _valid_optional_port(colon_port):
            raise GoError(f"invalid port {_go_quote(colon_port)} after host")
        unescaped_port = _unescape(colon_port, _ENC_HOST)
        hostname = host[1:close_bracket]
        zone = hostname.find("%25")
        if zone >= 0:
            unescaped = _unescape(hostname[:zone], _ENC_HOST) + _unescape(hostname[zone:], _ENC_ZONE)
        else:
            unescaped = _unescape(hostname, _ENC_HOST)
        try:
            addr = ipaddress.ip_address(unescaped)
        except ValueError:
            raise GoError(f"invalid host: ParseAddr({_go_quote(unescaped)}): unable to parse IP") from None
        if addr.version == 4:
            raise GoError("invalid IP-literal")
        return "[" + unescaped + "]" + unescaped_port
    i = host.find(":")
    if i != -1:
        last = host.rfind(":")
        if last != i and scheme not in ("http", "https"):
            i = last
        colon_port = host[i:]
        if not _valid_optional_port(colon_port):
            raise GoError(f"invalid port {_go_quote(colon_port)} after host")
    return _unescape(host, _ENC_HOST)


def _parse_authority(scheme: str, authority: str) -> tuple[tuple[str, str | None] | None, str]:
    i = authority.rfind("@")
    if i < 0:
        return None, _parse_host(scheme, authority)
    host = _parse_host(scheme, authority[i + 1 :])
    userinfo = authority[:i]
    for c in userinfo:
        if not (c.isascii() and c.isalnum()) and c not in "-._:~!$&'()*+,;=%@":
            raise GoError("net/url: invalid userinfo")
    name, sep, password = userinfo.partition(":")
    return (_unescape(name, _ENC_USER), _unescape(password, _ENC_USER) if sep else None), host


def parse_url(raw_url: str) -> GoURL:
    """Go's ``url.Parse``; raises :class:`GoError` with the inner message."""
    u, _, frag = raw_url.partition("#")
    url = _parse(u)
    if frag:
        url.fragment = _unescape(frag, _ENC_FRAGMENT)
        escaped = _escape(url.fragment, _ENC_FRAGMENT)
        url.raw_fragment = "" if escaped == frag else frag
    return url


def _parse(raw: str) -> GoURL:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        raise GoError("net/url: invalid control character in URL")
    url = GoURL()
    if raw == "*":
        url.path = "*"
        return url
    scheme, rest = _get_scheme(raw)
    url.scheme = scheme.lower()
    if rest.endswith("?") and rest.count("?") == 1:
        url.force_query = True
        rest = rest[:-1]
    else:
        rest, _, url.raw_query = rest.partition("?")
    if not rest.startswith("/"):
        if url.scheme:
            url.opaque = rest
            return url
        segment = rest.split("/", 1)[0]
        if ":" in segment:
            raise GoError("first path segment in URL cannot contain colon")
    if (url.scheme or not rest.startswith("///")) and rest.startswith("//"):
        authority, rest = rest[2:], ""
        i = authority.find("/")
        if i >= 0:
            authority, rest = authority[:i], authority[i:]
        url.user, url.host = _parse_authority(url.scheme, authority)
    elif url.scheme and rest.startswith("/"):
        url.omit_host = True
    url.path = _unescape(rest, _ENC_PATH)
    escaped = _escape(url.path, _ENC_PATH)
    url.raw_path = "" if escaped == rest else rest
    return url
