"""Glue's API errors, raised by the local runtime with the exception names AWS Glue uses."""

from __future__ import annotations


class GlueApiError(Exception):
    """An error in Glue's shape: `code` is the Glue exception name (`EntityNotFoundException`, ...)."""

    def __init__(self, code: str, message: str, http_status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.http_status = http_status


def not_found(message: str) -> GlueApiError:
    return GlueApiError("EntityNotFoundException", message)


def invalid_input(message: str) -> GlueApiError:
    return GlueApiError("InvalidInputException", message)


def concurrent_runs_exceeded(message: str) -> GlueApiError:
    return GlueApiError("ConcurrentRunsExceededException", message)


def illegal_workflow_state(message: str) -> GlueApiError:
    return GlueApiError("IllegalWorkflowStateException", message)
