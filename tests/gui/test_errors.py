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


def test_core_messages_use_window_wording_not_cli_flags() -> None:
    """Issue 14, defect 5: messages in the window said --force, --sources-path, --allow-context-aware."""
    from workbench.core import InputError
    from workbench.gui.errors import window_wording

    messages = [
        "cannot push a policy without metadata (annotate MODULE -m metadata.yml -o annotated.wasm) "
        "or push anyway with --force",
        "TLS failed for 127.0.0.1:5000 (--sources-path); for a test registry without valid TLS add it",
        "the policy is context aware but --allow-context-aware was not given: it gets no access",
        "allow context-aware access (--allow-context-aware) to grant them",
        "no cluster snapshot is loaded; give one (--cluster-snapshot) or replay a session",
        "an UPDATE request needs the old object (--old-object)",
    ]
    for message in messages:
        worded = window_wording(message)
        assert "--" not in worded, worded
    assert "Force" in window_wording(messages[0]) and "Annotate and Save As" in window_wording(messages[0])
    assert "Insecure" in window_wording(messages[1])
    assert "Policy menu" in window_wording(messages[2])
    info = describe_error(InputError(messages[3]), "Export")
    assert "--" not in info.message and "Allow context-aware resources" in info.message
