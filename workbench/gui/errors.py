"""Turn exceptions from worker tasks into messages a user can read.

A :class:`~workbench.core.errors.WorkbenchError` is the user's problem and its
message says what to fix; anything else is a bug in the workbench and is shown
as an "internal error" with the traceback available on demand, never as a raw
traceback dialog.
"""

from __future__ import annotations

import dataclasses
import re
import traceback

from workbench.core import EvaluationCancelled, OperationCancelled, RegistryError, WorkbenchError

__all__ = ["ErrorInfo", "describe_error", "window_wording"]

#: CLI wording in core messages → what to click in the window
_WORDING: tuple[tuple[str, str], ...] = (
    (r"--allow-context-aware was not given", "“Allow Context-Aware Resources” (Policy menu) is off"),
    (r"\(--allow-context-aware\)", "(tick “Allow context-aware resources”)"),
    (r"--allow-context-aware", "“Allow Context-Aware Resources” in the Policy menu"),
    (r"even with --force", "even with “Force”"),
    (r"push anyway with --force", "tick “Force: push without metadata” in the Push dialog"),
    (r"--force", "the “Force” option of the Push dialog"),
    (r"\(--sources-path\)", "(tick “Insecure” or give a CA file in the Push / Pull dialog)"),
    (r"--sources-path", "the Insecure and CA file options of the Push / Pull dialog"),
    (r"point --docker-config-json-path at a Docker config, or pass", "or enter"),
    (r"--docker-config-json-path", "the username and password fields"),
    (r"give one \(--cluster-snapshot\)", "choose one (Policy ▸ Cluster Snapshot…)"),
    (r"--cluster-snapshot", "Policy ▸ Cluster Snapshot…"),
    (r"\(--old-object\)", "(choose the old object when wrapping an UPDATE)"),
    (
        r"with --allow-network-builtins",
        "from the command line (policy-workbench run --allow-network-builtins)",
    ),
    (r"--settings-json", "the settings"),
    (r"\(annotate MODULE -m metadata.yml -o annotated.wasm\)", "(File ▸ Annotate and Save As…)"),
)


def window_wording(message: str) -> str:
    """A core message with its command-line advice replaced by what to do in the window."""
    for pattern, replacement in _WORDING:
        message = re.sub(pattern, replacement, message)
    return message


@dataclasses.dataclass(frozen=True)
class ErrorInfo:
    """What the UI shows for a failed task."""

    title: str
    message: str
    details: str = ""
    internal: bool = False
    cancelled: bool = False
    exception_type: str = ""


def describe_error(exc: BaseException, action: str = "The operation") -> ErrorInfo:
    """Map ``exc`` to an :class:`ErrorInfo`; ``action`` names what failed ("Run", "Push"...)."""
    name = type(exc).__name__
    if isinstance(exc, (OperationCancelled, EvaluationCancelled)):
        return ErrorInfo(f"{action} cancelled", str(exc) or "cancelled", cancelled=True, exception_type=name)
    if isinstance(exc, WorkbenchError):
        title = f"{action} failed"
        if isinstance(exc, RegistryError):
            title = f"{action} failed: registry error"
        return ErrorInfo(title, window_wording(str(exc) or name), exception_type=name)
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return ErrorInfo(
        f"{action} failed: internal error",
        f"Internal error ({name}: {exc}). This is a bug in Policy Workbench; the details below help to report it.",
        details=details,
        internal=True,
        exception_type=name,
    )
