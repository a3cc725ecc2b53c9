"""``list``, ``show``, ``check`` and ``init``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chronicle.cli.app import (
    KEEP,
    READ,
    app,
    err_console,
    open_chronicle,
    write_view,
)
from chronicle.cli.completion import complete_entry_ids
from chronicle.cli.options import (
    LimitOption,
    RootOption,
    format_choices,
    with_filters,
)
from chronicle.errors import ExitCode
from chronicle.query import EVERYTHING, Filters

if TYPE_CHECKING:
    ListFormat = str
    ShowFormat = str
else:
    ListFormat = format_choices("list", "table")
    ShowFormat = format_choices("show", "text")


@app.command("list", rich_help_panel=READ)
@with_filters
def list_entries(
    ctx: typer.Context,
    filters: Filters = EVERYTHING,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = "table",
    limit: LimitOption = None,
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")] = False,
    root: RootOption = None,
) -> None:
    """List entries in date order, filtered by date, tag, person or place.

    Exits 1 when nothing matches.

    Example: chronicle list --year 2014 --place Belgrade
    """
    from chronicle.commands.listing import list_entries as run

    run(filters, fmt=fmt, limit=limit, reverse=reverse, root=root)


@app.command(rich_help_panel=READ)
def show(
    ctx: typer.Context,
    entry_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="An id, or a unique part of one.",
            autocompletion=complete_entry_ids,
        ),
    ],
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = "text",
    root: RootOption = None,
) -> None:
    """Show one entry in full.

    Example: chronicle show 2014-04-17-defence-agreement
    """
    from chronicle.commands.listing import show as run

    run(entry_id, fmt=fmt, root=root)


def _counted(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


@app.command(rich_help_panel=KEEP)
def check(
    ctx: typer.Context,
    root: RootOption = None,
) -> None:
    """Validate every entry and report each problem as file:line: message.

    Exits 1 when there are errors; warnings (unknown fields, a title and date given
    twice) alone exit 0.

    Example: chronicle check
    """
    with open_chronicle(ctx, root) as book:
        checked = book.check_report()
    for problem in checked.problems:
        write_view(str(problem))
    errors = sum(1 for problem in checked.problems if problem.severity == "error")
    warnings = len(checked.problems) - errors
    bad_files = len({p.path for p in checked.problems if p.severity == "error"})
    summary = ", ".join((
        _counted(checked.valid, "valid entry", "valid entries"),
        _counted(bad_files, "invalid file", "invalid files"),
        _counted(errors, "error", "errors"),
        _counted(warnings, "warning", "warnings"),
    ))
    console = err_console()
    console.print(summary, style="red" if errors else ("yellow" if warnings else "green"))
    if errors:
        raise typer.Exit(int(ExitCode.ERROR))


@app.command(rich_help_panel=KEEP)
def init(
    folder: Annotated[
        Path, typer.Argument(help="Where to create the chronicle (default: here).")
    ] = Path("."),
    title: Annotated[
        str | None, typer.Option("--title", help="The chronicle's title.", show_default=False)
    ] = None,
) -> None:
    """Create an empty chronicle: entries/, index/ and chronicle.yaml.

    Example: chronicle init my-chronicle --title "Family history"
    """
    from chronicle.api import Chronicle

    with Chronicle.init(folder, title=title) as book:
        root = book.root
    err_console().print(
        f"Created a chronicle in {root}. Add an entry with: chronicle add"
    )
