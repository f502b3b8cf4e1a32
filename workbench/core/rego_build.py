"""Compile Rego to an OPA Wasm module with a real ``opa`` binary, when one is installed.

``opa build -t wasm -e <entrypoint> -o bundle.tar.gz <files>`` writes a bundle
whose ``/policy.wasm`` is the module Kubewarden runs; :func:`build_wasm` extracts
it. The workbench cannot ship OPA (a Go program); without it on ``PATH``,
:func:`find_opa` returns None and :data:`OPA_MISSING_HELP` tells the user how to
get the static binary.
"""

from __future__ import annotations

import io
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

from workbench.core.errors import ModuleError

__all__ = ["OPA_MISSING_HELP", "build_wasm", "find_opa", "opa_download_url"]

OPA_RELEASES = "https://github.com/open-policy-agent/opa/releases/latest/download"


def opa_download_url() -> str:
    """Where OPA's static binary for this platform is published."""
    machine = platform.machine().lower()
    arch = "arm64" if machine in ("arm64", "aarch64") else "amd64"
    if sys.platform == "darwin":
        return f"{OPA_RELEASES}/opa_darwin_{arch}"
    if sys.platform.startswith("win"):
        return f"{OPA_RELEASES}/opa_windows_amd64.exe"
    return f"{OPA_RELEASES}/opa_linux_{arch}_static"


OPA_MISSING_HELP = (
    "Compiling Rego to WebAssembly needs the `opa` command, which is not on PATH. "
    f"Download OPA's static binary from {opa_download_url()}, make it executable "
    "(chmod +x) and put it on PATH as `opa` (or set POLICY_WORKBENCH_OPA to its path). "
    "Until then the policy runs from source in the Rego interpreter."
)


def find_opa() -> str | None:
    """The ``opa`` executable: ``$POLICY_WORKBENCH_OPA`` if set, else ``opa`` on PATH."""
    override = os.environ.get("POLICY_WORKBENCH_OPA")
    if override:
        return override if os.access(override, os.X_OK) else None
    return shutil.which("opa")


def build_wasm(
    rego_files: Sequence[str | Path],
    entrypoint: str,
    output: str | Path | None = None,
    *,
    opa: str | None = None,
    timeout: float = 120.0,
) -> bytes:
    """Compile ``rego_files`` for ``entrypoint`` (``policy/violation``) and return ``policy.wasm``'s bytes.

    Writes them to ``output`` too when given. Raises :class:`ModuleError` with OPA's
    own message when the build fails, or :data:`OPA_MISSING_HELP` without ``opa``.
    """
    exe = opa or find_opa()
    if exe is None:
        raise ModuleError(OPA_MISSING_HELP)
    entry = entrypoint.removeprefix("data.").replace(".", "/")
    files = [str(Path(f).resolve()) for f in rego_files]
    if not files:
        raise ModuleError("nothing to build: no .rego files given")
    with tempfile.TemporaryDirectory(prefix="pwb-opa-") as tmp:
        bundle = Path(tmp) / "bundle.tar.gz"
        command = [exe, "build", "-t", "wasm", "-e", entry, "-o", str(bundle), *files]
        try:
            proc = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, cwd=tmp, check=False
            )
        except FileNotFoundError:
            raise ModuleError(OPA_MISSING_HELP) from None
        except subprocess.TimeoutExpired:
            raise ModuleError(f"`opa build` did not finish within {timeout:g} s") from None
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip()
            raise ModuleError(f"`opa build` failed (exit {proc.returncode}):\n{detail}")
        data = _policy_wasm(bundle.read_bytes())
    if output is not None:
        Path(output).write_bytes(data)
    return data


def _policy_wasm(bundle: bytes) -> bytes:
    """``/policy.wasm`` from an OPA bundle (``.tar.gz``)."""
    try:
        with tarfile.open(fileobj=io.BytesIO(bundle), mode="r:gz") as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.lstrip("./").lstrip("/") == "policy.wasm":
                    handle = tar.extractfile(member)
                    if handle is not None:
                        return handle.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ModuleError(f"the OPA bundle cannot be read: {exc}") from None
    raise ModuleError("the OPA bundle has no /policy.wasm (was it built with -t wasm?)")
