"""Go-compatible byte encodings used by the crypto and token builtins.

* :func:`b64decode` mirrors Go's ``encoding/base64`` decoders (standard or
  URL alphabet, padded or raw), including the exact
  ``illegal base64 data at input byte N`` offsets Go reports.
* :func:`b64url_decode_opa` is OPA's ``base64url.decode`` (adds missing
  padding per RFC 7515 appendix C, then decodes strictly as Go does).
* :func:`pem_decode` is Go's ``encoding/pem.Decode``: it returns the first
  block and the rest of the input, skipping anything malformed.

All failures raise :class:`GoError` carrying Go's message; callers turn it
into a :class:`~workbench.core.errors.BuiltinError`.
"""

from __future__ import annotations

import dataclasses

__all__ = [
    "GoError",
    "PemBlock",
    "b64decode",
    "b64encode",
    "b64url_decode_opa",
    "pem_decode",
    "pem_encode",
]

_STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_MAPS = {alpha: {ord(c): i for i, c in enumerate(alpha)} for alpha in (_STD, _URL)}


class GoError(Exception):
    """An error carrying the exact text Go's library would report."""


def b64encode(data: bytes, *, url: bool = False, pad: bool = True) -> str:
    alphabet = _URL if url else _STD
    out: list[str] = []
    for i in range(0, len(data), 3):
        chunk = data[i : i + 3]
        n = int.from_bytes(chunk + b"\0" * (3 - len(chunk)), "big")
        chars = [alphabet[(n >> s) & 63] for s in (18, 12, 6, 0)]
        keep = len(chunk) + 1
        out.append("".join(chars[:keep]))
        if pad and keep < 4:
            out.append("=" * (4 - keep))
    return "".join(out)


def b64decode(src: bytes | str, *, url: bool = False, pad: bool = True) -> bytes:
    """Decode like Go's ``base64.{Std,URL,RawStd,RawURL}Encoding.DecodeString``."""
    if isinstance(src, str):
        src = src.encode("utf-8", "surrogatepass")
    dmap = _MAPS[_URL if url else _STD]
    out = bytearray()
    si = 0
    n = len(src)
    while True:
        dbuf = [0, 0, 0, 0]
        dlen = 4
        j = 0
        finished = False
        while j < 4:
            if si == n:
                if j == 0:
                    return bytes(out)
                if j == 1 or pad:
                    raise GoError(f"illegal base64 data at input byte {si - j}")
                dlen = j
                finished = True
                break
            ch = src[si]
            si += 1
            val = dmap.get(ch)
            if val is not None:
                dbuf[j] = val
                j += 1
                continue
            if ch in (0x0A, 0x0D):
                continue
            if not pad or ch != 0x3D:
                raise GoError(f"illegal base64 data at input byte {si - 1}")
            # padding
            if j in (0, 1):
                raise GoError(f"illegal base64 data at input byte {si - 1}")
            if j == 2:
                while si < n and src[si] in (0x0A, 0x0D):
                    si += 1
                if si == n:
                    raise GoError(f"illegal base64 data at input byte {n}")
                if src[si] != 0x3D:
                    raise GoError(f"illegal base64 data at input byte {si - 1}")
                si += 1
            while si < n and src[si] in (0x0A, 0x0D):
                si += 1
            if si < n:
                raise GoError(f"illegal base64 data at input byte {si}")
            dlen = j
            finished = True
            break
        value = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3]
        triple = value.to_bytes(3, "big")
        out += triple[: dlen - 1]
        if finished:
            return bytes(out)


def b64url_decode_opa(s: str) -> bytes:
    """OPA's ``base64url.decode`` semantics (used by the JWT builtins)."""
    if not s.endswith("="):
        rem = len(s.encode("utf-8", "surrogatepass")) % 4
        if rem == 2:
            s += "=="
        elif rem == 3:
            s += "="
        elif rem == 1:
            raise GoError(f"illegal base64url string: {s}")
    return b64decode(s, url=True, pad=True)


@dataclasses.dataclass
class PemBlock:
    type: str
    headers: dict[str, str]
    data: bytes


_PEM_START = b"\n-----BEGIN "
_PEM_END = b"\n-----END "
_PEM_EOL = b"-----"


def _get_line(data: bytes) -> tuple[bytes, bytes]:
    i = data.find(b"\n")
    if i < 0:
        i = len(data)
        j = i
    else:
        j = i + 1
        if i > 0 and data[i - 1] == 0x0D:
            i -= 1
    return data[:i].rstrip(b" \t"), data[j:]


def pem_decode(data: bytes) -> tuple[PemBlock | None, bytes]:
    """Go's ``pem.Decode``: the first valid block and the remaining input."""
    rest = data
    while True:
        if rest.startswith(_PEM_START[1:]):
            rest = rest[len(_PEM_START) - 1 :]
        else:
            idx = rest.find(_PEM_START)
            if idx < 0:
                return None, data
            rest = rest[idx + len(_PEM_START) :]
        type_line, rest = _get_line(rest)
        if not type_line.endswith(_PEM_EOL):
            continue
        type_line = type_line[: -len(_PEM_EOL)]
        headers: dict[str, str] = {}
        incomplete = False
        while True:
            if not rest:
                incomplete = True
                break
            line, nxt = _get_line(rest)
            key, sep, val = line.partition(b":")
            if not sep:
                break
            headers[key.strip().decode("utf-8", "replace")] = val.strip().decode("utf-8", "replace")
            rest = nxt
        if incomplete:
            return None, data
        if not headers and rest.startswith(_PEM_END[1:]):
            end_index = 0
            end_trailer_index = len(_PEM_END) - 1
        else:
            end_index = rest.find(_PEM_END)
            end_trailer_index = end_index + len(_PEM_END)
        if end_index < 0:
            continue
        end_trailer = rest[end_trailer_index:]
        trailer_len = len(type_line) + len(_PEM_EOL)
        if len(end_trailer) < trailer_len:
            continue
        rest_of_end_line = end_trailer[trailer_len:]
        end_trailer = end_trailer[:trailer_len]
        if not end_trailer.startswith(type_line) or not end_trailer.endswith(_PEM_EOL):
            continue
        line, _ = _get_line(rest_of_end_line)
        if line:
            continue
        b64 = rest[:end_index].replace(b" ", b"").replace(b"\t", b"")
        try:
            decoded = b64decode(b64)
        except GoError:
            continue
        _, rest = _get_line(rest[end_index + len(_PEM_END) - 1 :])
        return PemBlock(type_line.decode("utf-8", "replace"), headers, decoded), rest


def pem_encode(block_type: str, data: bytes) -> bytes:
    """Go's ``pem.Encode`` for a block without headers."""
    body = b64encode(data)
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    text = f"-----BEGIN {block_type}-----\n" + "".join(line + "\n" for line in lines)
    return (text + f"-----END {block_type}-----\n").encode()
