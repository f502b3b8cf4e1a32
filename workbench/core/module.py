"""A policy module: bytes, identity, what kind of policy it is, and its Kubewarden metadata."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from workbench.core.errors import InputError, MetadataError, ModuleError
from workbench.core.metadata import METADATA_SECTION, Metadata
from workbench.core.wasm.reader import WasmInfo, parse_module

__all__ = [
    "KIND_OPA",
    "KIND_UNKNOWN",
    "KIND_WAPC",
    "KIND_WASI",
    "MAX_MODULE_SIZE",
    "PolicyModule",
    "detect_kind",
    "is_rego",
    "load_module",
]

KIND_OPA = "opa"
KIND_WAPC = "kubewarden-wapc"
KIND_WASI = "wasi"
KIND_UNKNOWN = "unknown"
MAX_MODULE_SIZE = 512 * 1024 * 1024


def is_rego(info: WasmInfo) -> bool:
    """kwctl's backend detector: a module is Rego if any export name starts with ``opa_``."""
    return any(e.name.startswith("opa_") for e in info.exports)


def detect_kind(info: WasmInfo) -> tuple[str, str, tuple[int, int] | None]:
    """(kind, reason, OPA ABI version) of a parsed module."""
    names = set(info.export_names())
    if "opa_eval_ctx_new" in names or "opa_eval" in names:
        major = info.global_const_i32("opa_wasm_abi_version")
        minor = info.global_const_i32("opa_wasm_abi_minor_version")
        if major is None or "entrypoints" not in names:
            return (
                KIND_UNKNOWN,
                "unsupported OPA ABI: a pre-1.0 OPA module (no opa_wasm_abi_version global and no "
                "entrypoints export), which cannot be evaluated; rebuild it with a current `opa build -t wasm`",
                None,
            )
        abi = (major, minor if minor is not None else 0)
        how = "opa_eval" if "opa_eval" in names else "opa_eval_ctx_new"
        return KIND_OPA, f"OPA Wasm ABI {abi[0]}.{abi[1]} (exports {how})", abi
    if "__guest_call" in names:
        return KIND_WAPC, "waPC guest (exports __guest_call)", None
    if "wasi_snapshot_preview1" in info.import_modules() and "_start" in names:
        return KIND_WASI, "WASI command (imports wasi_snapshot_preview1, exports _start)", None
    if is_rego(info):
        return (
            KIND_UNKNOWN,
            "pre-1.0 OPA module: it exports opa_* helpers but no opa_eval, opa_eval_ctx_new or "
            "entrypoints, so it cannot be evaluated (rebuild it with a current `opa build -t wasm`)",
            None,
        )
    if "wasi_snapshot_preview1" in info.import_modules():
        return KIND_UNKNOWN, "imports WASI but exports neither _start nor __guest_call", None
    return KIND_UNKNOWN, "exports none of opa_eval, opa_eval_ctx_new, __guest_call or _start", None


@dataclasses.dataclass(frozen=True)
class PolicyModule:
    path: Path | None
    data: bytes = dataclasses.field(repr=False)
    sha256: str
    info: WasmInfo = dataclasses.field(repr=False)
    kind: str
    kind_reason: str
    abi: tuple[int, int] | None
    metadata: Metadata | None
    #: problems found while reading (e.g. several metadata sections)
    warnings: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def execution_mode(self) -> str | None:
        return self.metadata.execution_mode if self.metadata else None

    @property
    def is_rego(self) -> bool:
        return is_rego(self.info)

    @property
    def name(self) -> str:
        if self.metadata and self.metadata.title:
            return self.metadata.title
        return self.path.name if self.path else self.sha256[:12]

    @classmethod
    def from_bytes(cls, data: bytes, path: Path | None = None) -> PolicyModule:
        info = parse_module(data)
        kind, reason, abi = detect_kind(info)
        warnings: list[str] = []
        sections = [c for c in info.custom_sections if c.name == METADATA_SECTION]
        metadata = None
        if sections:
            try:
                metadata = Metadata.from_json_bytes(sections[0].payload)
            except MetadataError as exc:
                raise MetadataError(f"the module's {METADATA_SECTION} section is invalid: {exc}") from None
            if len(sections) > 1:
                warnings.append(
                    f"the module has {len(sections)} {METADATA_SECTION} sections; Kubewarden reads the first "
                    "(re-annotate with policy-workbench to keep only one)"
                )
        return cls(
            path=path,
            data=bytes(data),
            sha256=hashlib.sha256(data).hexdigest(),
            info=info,
            kind=kind,
            kind_reason=reason,
            abi=abi,
            metadata=metadata,
            warnings=tuple(warnings),
        )


def load_module(source: str | Path | bytes) -> PolicyModule:
    """Read and inspect a module from a path (or raw bytes)."""
    if isinstance(source, (bytes, bytearray)):
        return PolicyModule.from_bytes(bytes(source))
    path = Path(source)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"module {path} does not exist") from None
    except OSError as exc:
        raise InputError(f"module {path} cannot be read: {exc.strerror}") from None
    if path.is_dir():
        raise InputError(f"module {path} is a directory, not a .wasm file")
    if size > MAX_MODULE_SIZE:
        raise ModuleError(f"module {path} is {size} bytes, larger than the {MAX_MODULE_SIZE} byte limit")
    try:
        data = path.read_bytes()
    except PermissionError:
        raise InputError(f"module {path} cannot be read: permission denied") from None
    except OSError as exc:
        raise InputError(f"module {path} cannot be read: {exc.strerror}") from None
    try:
        return PolicyModule.from_bytes(data, path.resolve())
    except ModuleError as exc:
        raise ModuleError(f"{path}: {exc}") from None
