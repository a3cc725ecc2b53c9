"""chronicle's command line: a thin Typer shell over the library core.

Each command module registers its commands on ``app`` when imported; they import the
heavy parts of the core (YAML, Whoosh, Rich tables) only inside the commands.
"""

from __future__ import annotations

import sys

from chronicle.cli import entries as _entries  # noqa: F401  (registers list, show, check, init)
from chronicle.cli.app import app


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="chronicle")
    except BrokenPipeError:
        # The reader went away (`chronicle list | head`): not an error worth a traceback.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


__all__ = ["app", "main"]
