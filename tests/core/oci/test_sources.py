from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.errors import InputError
from workbench.core.oci.sources import Sources, default_sources_path, load_sources


def _cert() -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-ca")])
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )


def test_full_file(tmp_path: Path) -> None:
    cert = _cert()
    pem = cert.public_bytes(serialization.Encoding.PEM)
    der = cert.public_bytes(serialization.Encoding.DER)
    (tmp_path / "ca.pem").write_bytes(pem)
    (tmp_path / "ca.der").write_bytes(der)
    path = tmp_path / "sources.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "insecure_sources": ["localhost:5000", "plain.example.com"],
                "source_authorities": {
                    "registry.example.com:5000": [
                        {"type": "Path", "path": str(tmp_path / "ca.pem")},
                        {"type": "Path", "path": "ca.der"},  # relative to the file
                        {"type": "Data", "data": pem.decode()},
                    ]
                },
            }
        )
    )
    sources = load_sources(path)
    assert sources.path == path
    assert sources.is_insecure("localhost:5000")
    assert not sources.is_insecure("localhost")
    authorities = sources.authorities("registry.example.com:5000")
    assert authorities == (pem, pem, pem)  # DER converted to PEM
    bundle = sources.ca_bundle_path("registry.example.com:5000")
    assert isinstance(bundle, str)
    assert pem in Path(bundle).read_bytes()
    assert sources.ca_bundle_path("other") is True


@pytest.mark.parametrize(
    "content",
    [
        "[1, 2]",
        "insecure_sources: localhost",
        "source_authorities: [1]",
        "source_authorities: {h: [{type: Path}]}",
        "source_authorities: {h: [{type: Data, data: not-a-cert}]}",
        "source_authorities: {h: [{type: Path, path: /nonexistent/ca.pem}]}",
        "source_authorities: {h: [{type: Magic}]}",
        "insecure_sources: [unclosed",
    ],
)
def test_invalid_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(content)
    with pytest.raises(InputError):
        load_sources(path)


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_sources(tmp_path / "nope.yaml")


def test_default_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_sources_path() == tmp_path / "kubewarden" / "sources.yaml"
    assert load_sources() == Sources()
    (tmp_path / "kubewarden").mkdir()
    (tmp_path / "kubewarden" / "sources.yaml").write_text("insecure_sources: [a:1]\n")
    assert load_sources().is_insecure("a:1")
    (tmp_path / "kubewarden" / "sources.yaml").write_text("")
    assert load_sources().insecure_sources == frozenset()


@given(st.lists(st.from_regex(r"[a-z0-9.-]{1,20}(:[0-9]{1,5})?", fullmatch=True), max_size=5))
def test_insecure_roundtrip(hosts: list[str]) -> None:
    sources = Sources.from_dict({"insecure_sources": hosts})
    assert all(sources.is_insecure(h) for h in hosts)
    assert sources.insecure_sources == frozenset(hosts)
