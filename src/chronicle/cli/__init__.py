"""chronicle's command line: a thin Typer shell over the library core.

Each command module registers its commands on ``app`` when imported; they import the
heavy parts of the core (YAML, Whoosh, Rich tables) only inside the commands. A run
imports only the module of the command it runs (`chronicle.cli.app.LazyCommands`):
``chronicle --help`` and completing a command's words import them all, ``chronicle
show ID`` only ``entries``.
"""

from __future__ import annotations

import sys

from chronicle.cli.app import app

#: Every command, in the order `chronicle --help` lists them (panel by panel: find and
#: read, write, summarise and share, keep the chronicle), and the module defining it.
COMMANDS: dict[str, str] = {
    "search": "search",
    "list": "entries",
    "show": "entries",
    "timeline": "timeline",
    "add": "authoring",
    "edit": "authoring",
    "rm": "authoring",
    "import": "exchange",
    "export": "exchange",
    "stats": "insight",
    "names": "insight",
    "index": "indexing",
    "check": "entries",
    "init": "entries",
    "watch": "watch",
    "completion": "shell",
}


def main() -> None:
    """Console-script entry point."""
    from chronicle.streams import standard_streams

    standard_streams()  # done already when started through chronicle.__main__
    try:
        app(prog_name="chronicle")
    except SystemExit as done:
        from chronicle.commands.running import after_command

        after_command(done.code)
        raise
    except BrokenPipeError:
        # The reader went away (`chronicle list | head`): not an error worth a traceback.
        from chronicle.commands.running import quiet_broken_pipe

        sys.exit(quiet_broken_pipe())
    except KeyboardInterrupt:
        # Ctrl-C before a command runs (while starting up): one line, as during one.
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)


__all__ = ["COMMANDS", "app", "main"]
