"""Exceptions from worker tasks become readable messages; bugs are labelled internal, never raw tracebacks."""

from __future__ import annotations

import pytest

from workbench.core.errors import (
    EvaluationCancelled,
    ModuleError,
    OperationCancelled,
    RegistryAuthError,
    SettingsError,
)
from workbench.gui.errors import ErrorInfo, describe_error


@pytest.mark.parametrize(
    "exc", [OperationCancelled("pull cancelled"), EvaluationCancelled("evaluation cancelled by the user")]
)
def test_cancellation_is_not_a_failure(exc: Exception) -> None:
    info = describe_error(exc, "Pull")
    assert info == ErrorInfo("Pull cancelled", str(exc), cancelled=True, exception_type=type(exc).__name__)


def test_user_errors_show_their_message() -> None:
    info = describe_error(SettingsError("Provided settings are not valid: x"), "Run")
    assert (info.title, info.message, info.internal, info.details) == (
        "Run failed",
        "Provided settings are not valid: x",
        False,
        "",
    )
    assert describe_error(ModuleError(""), "Open").message == "ModuleError"  # never an empty message


def test_registry_errors_are_labelled() -> None:
    info = describe_error(RegistryAuthError("the registry refused the credentials"), "Push")
    assert info.title == "Push failed: registry error" and info.exception_type == "RegistryAuthError"


def test_bugs_are_internal_errors_with_the_traceback_in_details() -> None:
    try:
        {}["missing"]
    except KeyError as exc:
        info = describe_error(exc)
    assert info.internal and info.title == "The operation failed: internal error"
    assert info.message.startswith("Internal error (KeyError: 'missing'). This is a bug in Policy Workbench")
    assert "Traceback" in info.details and "KeyError" in info.details
