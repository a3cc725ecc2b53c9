"""Errors a person can act on, and the exit codes they map to.

The core raises these; ``chronicle.cli`` is the one place that turns them into an
``Error: ...`` line on stderr and an exit code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of every chronicle command (documented in ``chronicle --help``)."""

    OK = 0
    #: Something failed, ``check`` found errors, or a search found nothing (as grep does).
    ERROR = 1
    #: The command line was wrong: unknown option, bad date, bad filter.
    USAGE = 2
    #: No chronicle where one was expected, or no entry with that id.
    NOT_FOUND = 3
    #: Another process held the index lock for too long.
    BUSY = 4
    #: Interrupted by Ctrl-C.
    INTERRUPTED = 130


class ChronicleError(Exception):
    """An error with a message written for the person at the terminal."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(ChronicleError):
    """The command line asked for something that cannot be done as written."""

    exit_code = ExitCode.USAGE


class DateError(UsageError):
    """A date that cannot be read, or that does not exist (2014-02-30)."""


class NotFoundError(ChronicleError):
    """A chronicle, an entry or a file that is not there."""

    exit_code = ExitCode.NOT_FOUND


class AmbiguousIdError(UsageError):
    """An id prefix or suffix that fits more than one entry."""

    def __init__(self, given: str, candidates: list[str]) -> None:
        shown = ", ".join(candidates[:10]) + (" ..." if len(candidates) > 10 else "")
        super().__init__(
            f"'{given}' matches {len(candidates)} entries: {shown}",
            hint="give more of the id",
        )
        self.candidates = candidates


class ConfigError(ChronicleError):
    """chronicle.yaml cannot be read or holds a value of the wrong kind."""


class IndexBusyError(ChronicleError):
    """Another chronicle process kept the index locked past the timeout."""

    exit_code = ExitCode.BUSY
