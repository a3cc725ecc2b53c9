"""Running a reading command whose command line `chronicle.fastpath.parsing` parsed,
without Typer: the same body as the Typer command calls, with the same arguments,
through the same run, output and exit statuses (`chronicle.commands.running`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chronicle.commands.running import (
    CommandExit,
    Run,
    after_command,
    failure_status,
    quiet_broken_pipe,
    running,
    saying_long_work,
)
from chronicle.errors import ChronicleError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from chronicle.commands.environment import Environment

#: The parameters that are the shared filters, given to the bodies as one `Filters`.
FILTER_PARAMETERS = ("year", "month", "on", "from_", "to", "tag", "person", "place",
                     "within")


#: Each command's body, ``(module, function)``: imported only for the command that runs.
BODIES = {
    "search": ("chronicle.commands.search", "search"),
    "list": ("chronicle.commands.listing", "list_entries"),
    "show": ("chronicle.commands.listing", "show"),
    "timeline": ("chronicle.commands.timeline", "timeline"),
    "stats": ("chronicle.commands.stats", "stats"),
    "names": ("chronicle.commands.stats", "names"),
    "index": ("chronicle.commands.indexing", "index"),
}


def body(command: str) -> Callable[..., None]:
    """The function that does ``command``'s work (the Typer command calls it too)."""
    from importlib import import_module

    module, name = BODIES[command]
    function: Callable[..., None] = getattr(import_module(module), name)
    return function


def arguments(command: str, values: dict[str, Any]) -> dict[str, Any]:
    """The body's arguments from the parameters given on the command line; a filter
    that cannot be read (``--year abc``) raises its `ChronicleError`."""
    from chronicle.commands.filtering import build_filters

    given = dict(values)
    filters = {name: given.pop(name) for name in FILTER_PARAMETERS if name in given}
    given.pop("help", None)
    if command in ("search", "list", "timeline", "stats", "names"):
        given["filters"] = build_filters(**filters)
    elif filters:
        raise KeyError(f"{command} takes no filters")
    if command == "search":
        given["query"] = list(given.get("query", ()))
    return given


def execute(command: str, values: dict[str, Any], root: Path | None,
            env: Environment | None = None,
            starting: Callable[[], None] | None = None) -> int | None:
    """Run ``command`` with the parsed ``values`` and the global ``root``; its exit
    status, or None when the command line is better left to Typer (a filter it would
    refuse: its message is Typer's run's to give). Nothing is written before that;
    ``starting`` is called once it is certain the command runs here."""
    try:
        kwargs = arguments(command, values)
    except ChronicleError:
        return None
    if starting is not None:
        starting()
    run = Run(root=root, env=env)
    status = 0
    with running(run):
        try:
            with saying_long_work():
                body(command)(**kwargs)
            out = run.env.stdout_stream
            if out is not None:  # None: started with stdout closed
                out.flush()
        except CommandExit as done:
            status = done.code
        except (Exception, KeyboardInterrupt) as err:
            status = failure_status(err, debug=False)
    after_command(status)
    return status


def main(parsed: Any, starting: Callable[[], None] | None = None) -> int | None:
    """`execute` for a `chronicle.fastpath.parsing.Parsed` command line (the console
    script's fast path)."""
    try:
        return execute(parsed.command, parsed.values, parsed.root, starting=starting)
    except BrokenPipeError:  # a closed stdout, found while saying something after
        return quiet_broken_pipe()
