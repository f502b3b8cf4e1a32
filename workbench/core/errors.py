"""The one exception tree of Policy Workbench.

Every error a user can cause (bad input, failing policy, unreachable registry)
is a :class:`WorkbenchError`; its ``str()`` is a complete, human message that
names the problem. Anything else escaping the core is a bug.

::

    WorkbenchError
    ├── InputError                 a file or value given by the user cannot be read
    │   ├── RequestError           not an AdmissionReview / AdmissionRequest
    │   └── SettingsError          settings not an object / rejected by the policy
    ├── ModuleError                not a valid Wasm module, unsupported kind or ABI
    │   └── UnsupportedAbiError
    ├── MetadataError              Kubewarden metadata that does not parse or validate
    ├── EvaluationError            the policy could not be evaluated
    │   ├── EvaluationTimeout      deadline exceeded (epoch interruption)
    │   ├── EvaluationCancelled    cancelled by the user
    │   ├── PolicyTrap             the guest trapped / aborted / ran out of memory
    │   ├── MissingBuiltinError    an OPA module needs builtins the host lacks
    │   ├── BuiltinError           an OPA builtin failed ("<name>: <detail>")
    │   └── HostCapabilityError    a host capability call was refused or failed
    ├── RegistryError              OCI registry problems
    │   ├── RegistryAuthError
    │   ├── RegistryNotFound
    │   ├── RegistryTLSError
    │   └── RegistryUnavailable
    ├── StoreError                 local policy store problems
    ├── SignatureError             missing, invalid or insufficient policy signatures (cosign/Sigstore)
    └── OperationCancelled         a long job (push/pull/compile) was cancelled
"""

from __future__ import annotations

__all__ = [
    "BuiltinError",
    "EvaluationCancelled",
    "EvaluationError",
    "EvaluationTimeout",
    "HostCapabilityError",
    "InputError",
    "MetadataError",
    "MissingBuiltinError",
    "ModuleError",
    "OperationCancelled",
    "PolicyTrap",
    "RegistryAuthError",
    "RegistryError",
    "RegistryNotFound",
    "RegistryTLSError",
    "RegistryUnavailable",
    "RequestError",
    "SettingsError",
    "SignatureError",
    "StoreError",
    "UnsupportedAbiError",
    "WorkbenchError",
]


class WorkbenchError(Exception):
    """Root of every error the workbench raises on purpose."""


class InputError(WorkbenchError):
    """A file or value supplied by the user cannot be used."""


class RequestError(InputError):
    """The admission request is not valid."""


class SettingsError(InputError):
    """Policy settings are malformed or were rejected by the policy."""


class ModuleError(WorkbenchError):
    """The file is not a usable WebAssembly policy module."""


class UnsupportedAbiError(ModuleError):
    """The module speaks an ABI (or ABI version) the workbench cannot run."""


class MetadataError(WorkbenchError):
    """Kubewarden metadata does not parse or does not validate."""


class EvaluationError(WorkbenchError):
    """The policy could not be evaluated."""


class EvaluationTimeout(EvaluationError):
    """The policy exceeded its execution deadline."""


class EvaluationCancelled(EvaluationError):
    """The evaluation was cancelled by the user."""


class PolicyTrap(EvaluationError):
    """The guest trapped, aborted, or exceeded its memory cap."""


class MissingBuiltinError(EvaluationError):
    """An OPA module needs builtins that are not available."""

    def __init__(self, missing: list[str] | tuple[str, ...]) -> None:
        self.missing = sorted(missing)
        super().__init__(
            "the policy needs OPA builtins that are not implemented: "
            + ", ".join(self.missing)
        )


class BuiltinError(EvaluationError):
    """An OPA builtin failed; ``str()`` is ``"<builtin>: <detail>"`` like OPA."""

    def __init__(self, message: str, code: str = "eval_builtin_error") -> None:
        self.code = code
        super().__init__(message)


class HostCapabilityError(EvaluationError):
    """A host capability call was refused or failed."""


class RegistryError(WorkbenchError):
    """A problem talking to an OCI registry."""


class RegistryAuthError(RegistryError):
    """The registry refused the credentials (401/403)."""


class RegistryNotFound(RegistryError):
    """Repository, tag or digest does not exist (404)."""


class RegistryTLSError(RegistryError):
    """TLS handshake or certificate verification failed."""


class RegistryUnavailable(RegistryError):
    """The registry cannot be reached (down, DNS failure, timeout)."""


class StoreError(WorkbenchError):
    """The local policy store cannot be read or written."""


class SignatureError(WorkbenchError):
    """Signature verification failed or a signature cannot be made (see docs/signatures.md)."""


class OperationCancelled(WorkbenchError):
    """A long-running job was cancelled."""
