"""A throw-away OCI registry for the demo's push walkthrough: Debian's ``docker-registry`` on 127.0.0.1.

:func:`start_demo_registry` starts ``docker-registry serve`` (CNCF distribution
2.8) listening on 127.0.0.1 at a free port, storing blobs in a temporary
directory, with plain HTTP; :meth:`DemoRegistry.stop` kills it and deletes the
directory. Without the binary it raises :class:`RegistryUnavailable` whose
message is :data:`INSTALL_HINT`. The workbench never installs anything itself.

Walkthrough (the GUI's demo does the same; see ``resources/demo/README.md``)::

    with start_demo_registry() as registry:
        ref = registry.reference("demo/require-labels", "v1")  # registry://127.0.0.1:PORT/...
        result = push_demo_policy(registry, "resources/demo/policies/require-labels/policy.wasm")

The registry speaks plain HTTP on loopback only, so the client is given a
``sources.yaml`` equivalent that lists it under ``insecure_sources``
(:meth:`DemoRegistry.sources`), exactly as a user would for ``kwctl push``.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from workbench.core.errors import RegistryUnavailable

__all__ = [
    "INSTALL_HINT",
    "DemoRegistry",
    "find_registry_binary",
    "push_demo_policy",
    "start_demo_registry",
]

INSTALL_HINT = (
    "The local registry walkthrough needs Debian's docker-registry package: "
    "sudo apt-get install docker-registry "
    "(or set POLICY_WORKBENCH_REGISTRY_BIN to a CNCF distribution `registry` binary)"
)
_CANDIDATES = ("/usr/bin/docker-registry", "docker-registry", "registry")


def find_registry_binary() -> str | None:
    """``$POLICY_WORKBENCH_REGISTRY_BIN``, else Debian's ``/usr/bin/docker-registry``, else one on PATH."""
    override = os.environ.get("POLICY_WORKBENCH_REGISTRY_BIN")
    if override:
        return override if os.access(override, os.X_OK) else None
    for candidate in _CANDIDATES:
        found = (
            candidate
            if os.path.isabs(candidate) and os.access(candidate, os.X_OK)
            else shutil.which(candidate)
        )
        if found:
            return found
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclasses.dataclass
class DemoRegistry:
    """A running loopback registry (plain HTTP)."""

    host: str  # 127.0.0.1:PORT
    root: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def reference(self, repository: str, tag: str = "latest") -> str:
        return f"registry://{self.host}/{repository}:{tag}"

    def sources(self) -> Any:
        """kwctl sources allowing plain HTTP to this registry only."""
        from workbench.core.oci.sources import Sources

        return Sources(insecure_sources=frozenset({self.host}))

    def log_text(self) -> str:
        try:
            return (self.root / "registry.log").read_text(errors="replace")
        except OSError:
            return ""

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL) and delete its storage."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> DemoRegistry:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def start_demo_registry(*, binary: str | None = None, startup_timeout: float = 10.0) -> DemoRegistry:
    """Start ``docker-registry`` on 127.0.0.1 at a free port with a temporary storage directory."""
    exe = binary or find_registry_binary()
    if exe is None:
        raise RegistryUnavailable(INSTALL_HINT)
    root = Path(tempfile.mkdtemp(prefix="pwb-demo-registry-"))
    port = _free_port()
    config = root / "config.yml"
    config.write_text(
        "version: 0.1\n"
        "log: {level: warn, accesslog: {disabled: true}}\n"
        f"storage: {{filesystem: {{rootdirectory: {root / 'data'}}}, delete: {{enabled: true}}}}\n"
        f"http: {{addr: 127.0.0.1:{port}, secret: policy-workbench-demo}}\n"
    )
    with (root / "registry.log").open("wb") as log:
        try:
            process = subprocess.Popen([exe, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
        except OSError as exc:
            shutil.rmtree(root, ignore_errors=True)
            raise RegistryUnavailable(f"cannot start {exe}: {exc.strerror or exc}. {INSTALL_HINT}") from None
    registry = DemoRegistry(f"127.0.0.1:{port}", root, process)
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = registry.log_text()[-1500:]
            registry.stop()
            raise RegistryUnavailable(f"{exe} exited at start-up: {text.strip() or 'no output'}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return registry
        except OSError:
            time.sleep(0.05)
    registry.stop()
    raise RegistryUnavailable(f"{exe} did not listen on 127.0.0.1:{port} within {startup_timeout:g} s")


def push_demo_policy(
    registry: DemoRegistry, module_path: str | Path, repository: str | None = None, tag: str = "v1"
) -> tuple[str, Any]:
    """Push a demo policy to the registry; returns ``(reference, PushResult)``."""
    from workbench.core.oci.client import RegistryClient
    from workbench.core.oci.credentials import DockerConfig

    path = Path(module_path)
    name = repository or f"demo/{path.parent.name if path.name == 'policy.wasm' else path.stem}"
    ref = registry.reference(name, tag)
    with RegistryClient(sources=registry.sources(), docker_config=DockerConfig()) as client:
        result = client.push(path, ref)
    return ref, result
