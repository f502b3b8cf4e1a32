"""``load --input``: kwctl's verb, hostile input as one-line errors."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import pytest

from workbench.cli.main import main

pytestmark = [pytest.mark.usefixtures("isolated_env")]


def _tarball(path: Path, entries: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path.write_bytes(gzip.compress(buffer.getvalue()))
    return path


def test_load_into_the_default_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tarball = _tarball(tmp_path / "p.tar.gz", {"registry/ghcr.io/kubewarden/tests/x:v1": b"\0asm\x01\0\0\0"})
    assert main(["load", "--input", str(tarball)]) == 0
    assert "loaded registry://ghcr.io/kubewarden/tests/x:v1" in capsys.readouterr().err
    assert (tmp_path / "env-store" / "registry" / "ghcr.io" / "kubewarden" / "tests" / "x:v1").is_file()


def test_load_refuses_traversal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tarball = _tarball(tmp_path / "p.tar.gz", {"../escape:v1": b"x"})
    assert main(["load", "--input", str(tarball)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "'..' component" in err and "Traceback" not in err
    assert not (tmp_path / "escape:v1").exists()


def test_load_flags_non_wasm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tarball = _tarball(tmp_path / "p.tar.gz", {"https/example.com/p.wasm": b"text"})
    assert main(["load", "--input", str(tarball)]) == 0
    assert "warning: not a WebAssembly module" in capsys.readouterr().err


def test_load_needs_input(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["load"])
    assert "--input" in capsys.readouterr().err
