from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.core.errors import InputError
from workbench.core.oci.credentials import Credentials, DockerConfig, docker_config_dir, load_docker_config


def _write(directory: Path, data: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(data))
    return directory


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_auth_entries(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "docker",
        {
            "auths": {
                "registry.example.com:5000": {"auth": _b64("alice:pa:ss")},
                "https://other.example.com": {"username": "bob", "password": "pw"},
                "https://index.docker.io/v1/": {"auth": _b64("hub:hubpw")},
                "token.example.com": {"identitytoken": "xyz"},
            }
        },
    )
    config = load_docker_config(folder)
    assert config.lookup("registry.example.com:5000") == Credentials("alice", "pa:ss", "docker-config")
    assert config.lookup("other.example.com") == Credentials("bob", "pw", "docker-config")
    assert config.lookup("docker.io") == Credentials("hub", "hubpw", "docker-config")
    assert config.lookup("token.example.com") is None  # identity tokens unsupported, like kwctl
    assert config.lookup("unknown.example.com") is None


def test_secrets_never_in_repr(tmp_path: Path) -> None:
    creds = Credentials("alice", "top-secret-value")
    assert "top-secret-value" not in repr(creds)
    assert "top-secret-value" not in str(creds)
    config = load_docker_config(_write(tmp_path, {"auths": {"h": {"auth": _b64("u:top-secret-value")}}}))
    assert "top-secret-value" not in repr(config)
    assert _b64("u:top-secret-value") not in repr(config)


def test_bad_auth_blob(tmp_path: Path) -> None:
    config = load_docker_config(_write(tmp_path, {"auths": {"h": {"auth": _b64("no-colon")}}}))
    with pytest.raises(InputError, match="user:password"):
        config.lookup("h")


def test_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "env"))
    assert docker_config_dir() == tmp_path / "env"
    assert docker_config_dir(tmp_path / "flag") == tmp_path / "flag"
    monkeypatch.delenv("DOCKER_CONFIG")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert docker_config_dir() == tmp_path / "home" / ".docker"
    assert load_docker_config() == DockerConfig()  # missing file: anonymous
    _write(tmp_path / "home" / ".docker", {"auths": {"h": {"auth": _b64("u:p")}}})
    assert load_docker_config().lookup("h") == Credentials("u", "p", "docker-config")


def test_unreadable_config(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(InputError, match="cannot read Docker config"):
        load_docker_config(tmp_path)


def _helper(bin_dir: Path, name: str, body: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / f"docker-credential-{name}"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.mark.skipif(os.name == "nt", reason="shell-script credential helper")
def test_credential_helpers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    # a real helper speaking the docker-credential protocol: server URL on stdin, JSON on stdout
    _helper(
        bin_dir,
        "fake",
        'read server\nif [ "$1" = get ] && [ "$server" = helped.example.com ]; then\n'
        '  echo \'{"ServerURL":"helped.example.com","Username":"helper-user","Secret":"helper-secret"}\'\n'
        "else\n  echo 'credentials not found in native keychain' >&2; exit 1\nfi\n",
    )
    _helper(
        bin_dir, "store", 'read server\necho "{\\"Username\\":\\"store-user\\",\\"Secret\\":\\"$server\\"}"\n'
    )
    _helper(bin_dir, "tokens", 'read server\necho \'{"Username":"<token>","Secret":"abc"}\'\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    config = load_docker_config(
        _write(
            tmp_path / "cfg",
            {
                "credHelpers": {
                    "helped.example.com": "fake",
                    "token.example.com": "tokens",
                    "gone.example.com": "missing",
                },
                "credsStore": "store",
            },
        )
    )
    assert config.lookup("helped.example.com") == Credentials(
        "helper-user", "helper-secret", "docker-credential-fake"
    )
    assert config.lookup("else.example.com") == Credentials(
        "store-user", "else.example.com", "docker-credential-store"
    )
    assert config.lookup("token.example.com") is None
    assert config.lookup("gone.example.com") is None  # helper not installed: anonymous with a warning


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=":"),
        min_size=1,
        max_size=20,
    ),
    st.text(max_size=30),
)
def test_auth_blob_roundtrip(user: str, password: str) -> None:
    config = DockerConfig(auths={"h:1": {"auth": _b64(f"{user}:{password}")}})
    assert config.lookup("h:1") == Credentials(user, password, "docker-config")
