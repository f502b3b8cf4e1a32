"""Registry settings compatible with kwctl's ``sources.yaml``.

::

    insecure_sources: ["localhost:5000"]        # TLS -> TLS without verification -> plain HTTP
    source_authorities:
      "registry.example.com:5000":
        - {type: Path, path: /etc/ssl/my-ca.pem}   # PEM or DER
        - {type: Data, data: "-----BEGIN CERTIFICATE-----..."}

Default location: ``<platformdirs config dir of ProjectDirs("io.kubewarden", "", "kubewarden")>/sources.yaml``
(``~/.config/kubewarden/sources.yaml`` on Linux), used only when present.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import ssl
import sys
from pathlib import Path
from typing import Any

import yaml

from workbench.core.errors import InputError

__all__ = [
    "Sources",
    "default_sources_path",
    "kubewarden_cache_dir",
    "kubewarden_config_dir",
    "load_sources",
]


def kubewarden_config_dir() -> Path:
    """kwctl's config dir (``directories::ProjectDirs::from("io.kubewarden", "", "kubewarden")``)."""
    import platformdirs

    if os.name == "nt":
        return Path(platformdirs.user_config_dir("kubewarden", "kubewarden", roaming=True)) / "config"
    if sys.platform == "darwin":
        return Path(platformdirs.user_config_dir("io.kubewarden.kubewarden"))
    return Path(platformdirs.user_config_dir("kubewarden"))


def kubewarden_cache_dir() -> Path:
    """kwctl's cache dir (``~/.cache/kubewarden`` on Linux)."""
    import platformdirs

    if os.name == "nt":
        return Path(platformdirs.user_cache_dir("kubewarden", "kubewarden", opinion=False)) / "cache"
    if sys.platform == "darwin":
        return Path(platformdirs.user_cache_dir("io.kubewarden.kubewarden"))
    return Path(platformdirs.user_cache_dir("kubewarden"))


def default_sources_path() -> Path:
    return kubewarden_config_dir() / "sources.yaml"


def _cert_to_pem(blob: bytes, where: str) -> bytes:
    """Accept a PEM bundle or one DER certificate; return PEM text (validated)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        if b"-----BEGIN" in blob:
            certs = x509.load_pem_x509_certificates(blob)
        else:
            certs = [x509.load_der_x509_certificate(blob)]
    except ValueError as exc:
        raise InputError(f"{where}: not a PEM or DER X.509 certificate ({exc})") from exc
    return b"".join(cert.public_bytes(Encoding.PEM) for cert in certs)


@functools.lru_cache(maxsize=32)
def _context(extra: tuple[bytes, ...], verify: bool) -> ssl.SSLContext:
    """Contexts are immutable once built and safe to share between threads: cache them."""
    if not verify:
        insecure = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        return insecure
    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    if extra:
        context.load_verify_locations(cadata=b"".join(extra).decode("ascii"))
    return context


@dataclasses.dataclass(frozen=True)
class Sources:
    """Parsed ``sources.yaml``: insecure hosts and extra CA certificates (PEM) per ``host[:port]``."""

    insecure_sources: frozenset[str] = frozenset()
    source_authorities: dict[str, tuple[bytes, ...]] = dataclasses.field(default_factory=dict)
    path: Path | None = None

    def is_insecure(self, host: str) -> bool:
        return host in self.insecure_sources

    def authorities(self, host: str) -> tuple[bytes, ...]:
        return self.source_authorities.get(host, ())

    def ssl_context(self, host: str, *, verify: bool = True) -> ssl.SSLContext:
        """An in-memory TLS context for ``host``: system CAs plus the host's ``source_authorities``
        (``verify=False``: no verification, for the insecure fallback). Nothing touches the disk
        except the read-only CA bundle of ``certifi``; see docs/oci.md, "TLS trust"."""
        return _context(self.authorities(host) if verify else (), verify)

    @classmethod
    def from_dict(cls, data: Any, *, where: str = "sources.yaml", base_dir: Path | None = None) -> Sources:
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise InputError(f"{where}: expected a mapping with insecure_sources / source_authorities")
        insecure = data.get("insecure_sources") or []
        if not isinstance(insecure, list) or not all(isinstance(h, str) for h in insecure):
            raise InputError(f"{where}: insecure_sources must be a list of host[:port] strings")
        authorities: dict[str, tuple[bytes, ...]] = {}
        raw_auth = data.get("source_authorities") or {}
        if not isinstance(raw_auth, dict):
            raise InputError(f"{where}: source_authorities must map host[:port] to a list of certificates")
        for host, entries in raw_auth.items():
            if not isinstance(entries, list):
                raise InputError(f"{where}: source_authorities.{host} must be a list")
            pems: list[bytes] = []
            for index, entry in enumerate(entries):
                label = f"{where}: source_authorities.{host}[{index}]"
                if not isinstance(entry, dict) or entry.get("type") not in {"Path", "Data"}:
                    raise InputError(
                        f"{label}: expected {{type: Path, path: FILE}} or {{type: Data, data: PEM}}"
                    )
                if entry["type"] == "Path":
                    if not isinstance(entry.get("path"), str):
                        raise InputError(f"{label}: 'path' is missing")
                    cert_path = Path(os.path.expanduser(entry["path"]))
                    if not cert_path.is_absolute() and base_dir is not None:
                        cert_path = base_dir / cert_path
                    try:
                        blob = cert_path.read_bytes()
                    except OSError as exc:
                        raise InputError(f"{label}: cannot read {cert_path}: {exc.strerror}") from exc
                else:
                    data_value = entry.get("data")
                    if isinstance(data_value, str):
                        blob = data_value.encode()
                    elif isinstance(data_value, list) and all(isinstance(b, int) for b in data_value):
                        blob = bytes(data_value)  # kwctl serialises DER data as a byte list
                    else:
                        raise InputError(f"{label}: 'data' is missing")
                pems.append(_cert_to_pem(blob, label))
            authorities[str(host)] = tuple(pems)
        return cls(insecure_sources=frozenset(insecure), source_authorities=authorities)


def load_sources(path: str | os.PathLike[str] | None = None) -> Sources:
    """Load ``path`` (must exist), or the default ``sources.yaml`` when present, else empty settings."""
    explicit = path is not None
    file = Path(path) if explicit else default_sources_path()  # type: ignore[arg-type]
    if not file.exists():
        if explicit:
            raise InputError(f"sources file {file} does not exist")
        return Sources()
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read sources file {file}: {exc}") from exc
    parsed = Sources.from_dict(data, where=str(file), base_dir=file.parent)
    return dataclasses.replace(parsed, path=file)
