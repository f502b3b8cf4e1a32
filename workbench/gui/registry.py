"""Registry options from the Push / Pull dialogs → a configured core RegistryClient (no Qt here)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.core import (
    Credentials,
    InputError,
    OciReference,
    PushResult,
    RegistryClient,
    SignResult,
    Sources,
    Store,
    load_sources,
    parse_oci_reference,
    sign_policy,
    verification_options,
    verify_policy,
)

ProgressCallback = Callable[[int, int], None]

__all__ = ["RegistryOptions", "make_client", "pull_module", "push_module", "sign_pushed"]


@dataclasses.dataclass(frozen=True)
class RegistryOptions:
    reference: str
    username: str = ""
    password: str = dataclasses.field(default="", repr=False)
    #: plain HTTP (and TLS without verification), like kwctl's insecure_sources
    insecure: bool = False
    ca_file: str = ""
    #: a sources.yaml to start from (None: kwctl's default location, if present)
    sources_path: str | None = None
    store_root: str | None = None

    def oci_reference(self) -> OciReference:
        if not self.reference.strip():
            raise InputError("enter an OCI reference, e.g. registry://ghcr.io/org/policy:v1.0.0")
        return parse_oci_reference(self.reference)

    @property
    def host(self) -> str:
        return self.oci_reference().registry


def make_client(options: RegistryOptions) -> RegistryClient:
    """A client for ``options.reference`` with the dialog's credentials, insecure flag and CA file."""
    ref = options.oci_reference()
    base = load_sources(options.sources_path)
    insecure = set(base.insecure_sources)
    if options.insecure:
        insecure.add(ref.registry)
    authorities = dict(base.source_authorities)
    if options.ca_file.strip():
        ca_path = Path(options.ca_file).expanduser()
        extra = Sources.from_dict(
            {"source_authorities": {ref.registry: [{"type": "Path", "path": str(ca_path)}]}}, where="CA file"
        )
        authorities[ref.registry] = authorities.get(ref.registry, ()) + extra.authorities(ref.registry)
    sources = Sources(frozenset(insecure), authorities, base.path)
    credentials = (
        Credentials(options.username, options.password, source="policy-workbench")
        if options.username
        else None
    )
    return RegistryClient(sources=sources, credentials=credentials)


def push_module(
    data: bytes,
    options: RegistryOptions,
    *,
    force: bool = False,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
) -> PushResult:
    with make_client(options) as client:
        return client.push(data, options.oci_reference(), force=force, progress=progress, cancel=cancel)


def pull_module(
    options: RegistryOptions,
    *,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
    verify_key: str = "",
) -> Path:
    """Pull into the kwctl-compatible store (always re-downloads) and return the local path.

    With ``verify_key`` (a public key file) the policy's cosign signatures are verified first,
    as ``kwctl pull -k`` does, and exactly the verified digest is downloaded; a failed
    verification raises SignatureError naming what is unmet, and nothing is stored.
    """
    ref = options.oci_reference()
    store = Store(options.store_root) if options.store_root else Store()
    with make_client(options) as client:
        source = ref
        if verify_key.strip():
            checks = verification_options(keys=[Path(verify_key.strip()).expanduser()], use_default_config=False)
            assert checks is not None
            report = verify_policy(ref, checks, client=client, cancel=cancel)
            source = ref.with_digest(report.manifest_digest)
        data = client.pull(source, progress=progress, cancel=cancel)
    return store.write(ref, data)


def sign_pushed(
    result: PushResult, options: RegistryOptions, key_path: str, *, cancel: Any = None
) -> SignResult:
    """Sign the digest just pushed with the private key in ``key_path`` (PEM; unencrypted)."""
    data = Path(key_path).expanduser()
    try:
        key = data.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the signing key {data}: {exc.strerror or exc}") from None
    with make_client(options) as client:
        return sign_policy(result.immutable_ref, key, client=client, cancel=cancel)
