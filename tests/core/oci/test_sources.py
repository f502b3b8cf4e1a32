from __future__ import annotations

import datetime
import hashlib
import os
import ssl
import tempfile
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
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
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
    context = sources.ssl_context("registry.example.com:5000")
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    der_certs = context.get_ca_certs(binary_form=True)
    assert cert.public_bytes(serialization.Encoding.DER) in der_certs
    other = sources.ssl_context("other")
    assert cert.public_bytes(serialization.Encoding.DER) not in other.get_ca_certs(binary_form=True)
    insecure = sources.ssl_context("registry.example.com:5000", verify=False)
    assert insecure.verify_mode == ssl.CERT_NONE and not insecure.check_hostname


def _old_bundle_path(extra: bytes) -> Path:
    """Where the old code wrote (and trusted) the CA bundle for a host: a computable /tmp name."""
    import certifi

    bundle = Path(certifi.where()).read_bytes().rstrip(b"\n") + b"\n" + extra
    digest = hashlib.sha256(bundle).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"policy-workbench-ca-{os.getuid()}-{digest}.pem"


def test_ca_trust_is_built_in_memory_and_ignores_planted_bundles(tmp_path: Path) -> None:
    """Finding 3: a CA bundle planted at the old predictable /tmp path is never trusted, and
    building the context writes nothing to the temp directory."""
    legit, attacker = _cert(), _cert()
    legit_pem = legit.public_bytes(serialization.Encoding.PEM)
    sources = Sources.from_dict(
        {"source_authorities": {"registry.example.com": [{"type": "Data", "data": legit_pem.decode()}]}}
    )
    planted = _old_bundle_path(legit_pem)
    before = set(Path(tempfile.gettempdir()).glob("policy-workbench-ca-*"))
    planted.write_bytes(attacker.public_bytes(serialization.Encoding.PEM))
    try:
        context = sources.ssl_context("registry.example.com")
        trusted = context.get_ca_certs(binary_form=True)
        assert legit.public_bytes(serialization.Encoding.DER) in trusted
        assert attacker.public_bytes(serialization.Encoding.DER) not in trusted
    finally:
        planted.unlink()
    assert set(Path(tempfile.gettempdir()).glob("policy-workbench-ca-*")) == before


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
