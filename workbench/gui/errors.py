"""Turn exceptions from worker tasks into messages a user can read.

A :class:`~workbench.core.errors.WorkbenchError` is the user's problem and its
message says what to fix; anything else is a bug in the workbench and is shown
as an "internal error" with the traceback available on demand, never as a raw
traceback dialog.
"""

from __future__ import annotations

import dataclasses
import traceback

from workbench.core.errors import (
    EvaluationCancelled,
    OperationCancelled,
    RegistryError,
    WorkbenchError,
)

__all__ = ["ErrorInfo", "describe_error"]


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
        return ErrorInfo(title, str(exc) or name, exception_type=name)
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return ErrorInfo(
        f"{action} failed: internal error",
        f"Internal error ({name}: {exc}). This is a bug in Policy Workbench; the details below help to report it.",
        details=details,
        internal=True,
        exception_type=name,
    )
