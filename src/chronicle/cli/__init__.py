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
    try:
        app(prog_name="chronicle")
    except SystemExit as done:
        if done.code != 130:
            _start_watchers()
            _advise_watching()
        raise
    except BrokenPipeError:
        # The reader went away (`chronicle list | head`): not an error worth a traceback.
        from chronicle.cli.app import quiet_broken_pipe

        sys.exit(quiet_broken_pipe())
    except KeyboardInterrupt:
        # Ctrl-C before a command runs (while starting up): one line, as during one.
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)


def _start_watchers() -> None:
    """Start ``chronicle watch`` in the background for a chronicle whose watcher this
    command asked for and did not find, when its settings want that (`watch: true`):
    after the command's own work, so the two never scan at once."""
    watcher = sys.modules.get("chronicle.watcher")
    if watcher is None or not watcher.unanswered:
        return
    import os

    from chronicle.config import WATCH_ENV
    from chronicle.errors import ChronicleError

    for chronicle in list(watcher.unanswered.values()):
        if not (os.environ.get(WATCH_ENV) or chronicle.config.watch):
            continue  # not asked for: not even the module that starts it is loaded
        from chronicle.watch_control import start_wanted

        try:
            start_wanted(chronicle)
        except ChronicleError as err:
            sys.stderr.write(f"Warning: {err}\n")
    watcher.unanswered.clear()


def _advise_watching() -> None:
    """Say once a day that ``chronicle watch`` exists, after a slow check of entries/
    (`chronicle.watch_advice`): on stderr, when it is a terminal."""
    advice = sys.modules.get("chronicle.watch_advice")
    if advice is not None and advice.slow_checks:
        advice.advise(sys.stderr)


__all__ = ["COMMANDS", "app", "main"]
