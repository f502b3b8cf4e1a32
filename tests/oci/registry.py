"""A real OCI registry for tests: Debian's ``docker-registry`` (distribution 2.8) on 127.0.0.1.

Installs nothing. Three variants: plain HTTP, htpasswd Basic auth (bcrypt), TLS with a
self-signed certificate generated with ``cryptography``. Each instance gets a free
port, a temporary storage directory and its own config file; :meth:`stop` kills
the process. A missing binary skips the test locally and fails under ``CI=true``.
"""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from helpers import in_ci

REGISTRY_BINARY = os.environ.get("POLICY_WORKBENCH_REGISTRY_BIN", "/usr/bin/docker-registry")
USERNAME = "alice"
PASSWORD = "s3cret-pw"


def registry_binary() -> str:
    path = REGISTRY_BINARY if os.path.exists(REGISTRY_BINARY) else shutil.which("docker-registry")
    if not path:
        message = (
            "Debian's docker-registry binary is not installed (apt-get install docker-registry); "
            "the OCI registry tests need it"
        )
        if in_ci():
            pytest.fail(message + "; CI=true requires it")
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_self_signed(
    directory: Path, common_name: str = "localhost", *, server_names: bool = True
) -> tuple[Path, Path]:
    """A CA-less self-signed certificate (cert, key) for localhost / 127.0.0.1, or with
    ``server_names=False`` a bare CA certificate named ``common_name``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
    )
    if server_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
    cert = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(
        key, hashes.SHA256()
    )
    cert_path, key_path = directory / "tls.crt", directory / "tls.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def write_htpasswd(path: Path, username: str, password: str) -> None:
    import bcrypt

    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
    path.write_text(f"{username}:{hashed}\n")


@dataclasses.dataclass
class Registry:
    """A running registry process."""

    variant: str  # "plain" | "auth" | "tls"
    host: str  # 127.0.0.1:PORT (or localhost:PORT for TLS)
    root: Path
    process: subprocess.Popen[bytes]
    ca_cert: Path | None = None
    username: str | None = None
    password: str | None = None

    @property
    def scheme(self) -> str:
        return "https" if self.variant == "tls" else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}"

    def ref(self, repository: str, tag: str = "v1") -> str:
        return f"registry://{self.host}/{repository}:{tag}"

    def http(self) -> requests.Session:
        """A raw HTTP session (auth and CA set) for checks that bypass the product code."""
        session = requests.Session()
        if self.username:
            session.auth = (self.username, self.password or "")
        if self.ca_cert:
            session.verify = str(self.ca_cert)
        return session

    def sources_yaml(self, directory: Path) -> Path:
        """A kwctl ``sources.yaml`` that makes this registry usable."""
        import yaml

        data: dict = {}
        if self.variant == "tls":
            data["source_authorities"] = {self.host: [{"type": "Path", "path": str(self.ca_cert)}]}
        else:
            data["insecure_sources"] = [self.host]
        path = directory / f"sources-{self.variant}.yaml"
        path.write_text(yaml.safe_dump(data))
        return path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_registry(variant: str, root: Path) -> Registry:
    binary = registry_binary()
    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    hostname = "localhost" if variant == "tls" else "127.0.0.1"
    lines = [
        "version: 0.1",
        "log: {level: warn, accesslog: {disabled: true}}",
        f"storage: {{filesystem: {{rootdirectory: {root / 'data'}}}, delete: {{enabled: true}}}}",
    ]
    ca_cert = None
    username = password = None
    http = f"http: {{addr: 127.0.0.1:{port}, secret: workbench-test-secret"
    if variant == "tls":
        ca_cert, key = make_self_signed(root)
        http += f", tls: {{certificate: {ca_cert}, key: {key}}}"
    elif variant == "auth":
        username, password = USERNAME, PASSWORD
        write_htpasswd(root / "htpasswd", username, password)
        lines.append(f"auth: {{htpasswd: {{realm: workbench-test, path: {root / 'htpasswd'}}}}}")
    elif variant != "plain":
        raise ValueError(variant)
    lines.append(http + "}")
    config = root / "config.yml"
    config.write_text("\n".join(lines) + "\n")
    log = (root / "registry.log").open("wb")
    process = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
    registry = Registry(variant, f"{hostname}:{port}", root, process, ca_cert, username, password)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"docker-registry exited: {(root / 'registry.log').read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return registry
        except OSError:
            time.sleep(0.05)
    registry.stop()
    raise RuntimeError(f"docker-registry did not start listening on {port}")
