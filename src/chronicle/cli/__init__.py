"""chronicle's command line: a thin Typer shell over the library core.

Each command module registers its commands on ``app`` when imported; they import the
heavy parts of the core (YAML, Whoosh, Rich tables) only inside the commands.
"""

from __future__ import annotations

import sys

from chronicle.cli.app import KEEP, READ, SHARE, WRITE, ChronicleCommand, app

# Importing a command module registers its commands; `chronicle --help` lists them in
# this order.
# isort: off
from chronicle.cli import search as _search  # noqa: E402,F401  (search, index)
from chronicle.cli import entries as _entries  # noqa: E402,F401  (list, show, check, init)
from chronicle.cli import timeline as _timeline  # noqa: E402,F401  (timeline)
from chronicle.cli import authoring as _authoring  # noqa: E402,F401  (add, edit, rm)
from chronicle.cli import exchange as _exchange  # noqa: E402,F401  (export, import)
from chronicle.cli import insight as _insight  # noqa: E402,F401  (stats, names)
from chronicle.cli import watch as _watch  # noqa: E402,F401  (watch)
from chronicle.cli import shell as _shell  # noqa: E402,F401  (completion)
# isort: on

# Panels in reading order; within a panel, commands keep the order above.
_PANELS: list[str | None] = [READ, WRITE, SHARE, KEEP]
app.registered_commands.sort(key=lambda command: _PANELS.index(command.rich_help_panel))
for _command in app.registered_commands:
    # Every command's help screen goes through ChronicleCommand (QueryCommand is one).
    _command.cls = _command.cls or ChronicleCommand


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="chronicle")
    except BrokenPipeError:
        # The reader went away (`chronicle list | head`): not an error worth a traceback.
        from chronicle.cli.app import quiet_broken_pipe

        sys.exit(quiet_broken_pipe())
    except KeyboardInterrupt:
        # Ctrl-C before a command runs (while starting up): one line, as during one.
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)


__all__ = ["app", "main"]
