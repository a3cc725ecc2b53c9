"""Answers that need no Typer: help screens and shell completion, from a static
description of the command line (`chronicle.fastpath.described`, made from the Typer
application by `chronicle.cli.describe` and checked against it by the tests).

Importing Typer and Rich takes several times longer than starting Python, and a Tab
press or ``--help`` would pay it each time for an answer that never changes between
releases. `answer` gives such an answer when it is sure to be the one Typer would give,
and None otherwise (a command line it does not know in full, another Typer or Rich
release than the description was made with, a terminal it does not handle): Typer then
answers as always.
"""

from __future__ import annotations

import os
import sys

# What this package imports is paid by every help screen and every Tab: typing and
# collections.abc only for the type checker.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

#: The environment variable through which a shell asks what may come next.
COMPLETE_VAR = "_CHRONICLE_COMPLETE"


class Unsure(Exception):
    """The fast path cannot be sure of Typer's answer: Typer gives it."""


def _installed(package: str, version: str) -> bool:
    """Whether the ``package`` Python would import is release ``version`` (its
    dist-info beside it), found with a few stats rather than importlib.metadata."""
    for entry in sys.path:
        folder = entry or "."
        if os.path.isdir(os.path.join(folder, package)):
            return os.path.isdir(os.path.join(folder, f"{package}-{version}.dist-info"))
    return False


def description(*packages: str) -> dict[str, Any]:
    """The command line's description, when made under the installed ``packages``."""
    from chronicle.fastpath.described import DESCRIPTION

    versions = DESCRIPTION["versions"]
    for package in packages:
        if not _installed(package, versions[package]):
            raise Unsure(f"{package} is not {versions[package]}")
    return DESCRIPTION


def answer(argv: list[str], environ: Mapping[str, str]) -> int | None:
    """Answer a completion request, a help screen or ``--version``; the exit status, or
    None when Typer must answer (nothing has been written then)."""
    try:
        instruction = environ.get(COMPLETE_VAR)
        if instruction:
            from chronicle.fastpath.completing import complete

            return complete(instruction, environ)
        if argv == ["--version"]:
            from chronicle import __version__

            return _write(f"chronicle {__version__}\n", 0)
        # A help screen is asked for by nothing at all or by an option last (--help,
        # -h): any other short command line (`chronicle stats`) loads nothing here.
        if len(argv) <= 2 and (not argv or argv[-1].startswith("-")):
            from chronicle.fastpath.helpscreen import help_request

            request = help_request(argv, environ)
            if request is not None:
                return _write(*request)
    except Unsure:
        return None
    return None


def _write(text: str, status: int) -> int:
    """Write the whole answer at once; a reader gone away (``| head``) ends it quietly,
    and a write that fails otherwise (a full disk) is one line on stderr and status 1,
    as a command's failed write is."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as err:
        # What is left in the buffer must not fail again when Python flushes it at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        if isinstance(err, BrokenPipeError):
            return 141
        reason = err.strerror or os.strerror(err.errno or 0)
        sys.stderr.write(f"Error: cannot write: {reason[:1].lower()}{reason[1:]}\n")
        return 1
    return status
