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
    note,
    nothing_found,
    open_chronicle,
    out_console,
    report_skipped,
    without_gc,
    write_data,
    write_rendered,
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
    from chronicle.api import Found
    from chronicle.catalog import Selection

    ListFormat = str
    ShowFormat = str
else:
    ListFormat = format_choices("list", "table")
    ShowFormat = format_choices("show", "text")


def report_selection(selection: Selection) -> None:
    """One line on stderr per notice and per invalid file; the good entries go on."""
    for notice in selection.report.notices:
        note(notice)
    report_skipped(selection.problems)


def report_found(found: Found) -> None:
    """The same for entries a query or filters found."""
    for notice in found.notes:
        note(notice)
    report_skipped(found.problems)


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
    # Thousands of listings live until the end: no collection needs to walk them again.
    with without_gc():
        _list_entries(ctx, filters, fmt, limit, reverse, root)


def _list_entries(ctx: typer.Context, filters: Filters, fmt: str, limit: int | None,
                  reverse: bool, root: Path | None) -> None:
    from chronicle.formats import writer
    from chronicle.render import entries as render

    if fmt == "ids":  # no entry needs building: the catalog's ids will do
        from chronicle.exchange.serialise import ids_text

        with open_chronicle(ctx, root) as book:
            selection, ids = book.select_ids(filters, limit=limit or None, reverse=reverse)
        report_selection(selection)
        write_data(ids_text(ids))
        if not ids:
            raise nothing_found(None)
        return
    if fmt != "table":
        with open_chronicle(ctx, root) as book:
            selection = book.select(filters, limit=limit or None, reverse=reverse)
        report_selection(selection)
        write_data(writer("list", fmt)(selection.entries))
        if not selection.entries:
            raise nothing_found(None)
        return
    # The table shows what the catalog's listings hold: no entry is rebuilt.
    with open_chronicle(ctx, root) as book:
        selection, listings = book.select_listings(filters, limit=limit or None,
                                                   reverse=reverse)
    report_selection(selection)
    if not listings:
        raise nothing_found(
            "No entries match." if not filters.is_empty else "The chronicle has no entries yet."
        )
    console = out_console()
    if console.is_terminal:
        from chronicle.render.list_text import list_text

        # The table as the text Rich would write: its cells cost seconds at 100k.
        text = list_text(listings, console, is_imprecise=filters.is_imprecise)
        if text is not None:
            write_rendered(text)
        else:  # uncropped: an id wider than the terminal is printed whole
            console.print(
                render.entry_table(listings, is_imprecise=filters.is_imprecise,
                                   width=console.width),
                crop=False,
            )
    else:
        write_view(render.entry_rows_plain(listings, is_imprecise=filters.is_imprecise))


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
    from chronicle.render import entries as render

    with open_chronicle(ctx, root) as book:
        entry = book.get(entry_id)
    if fmt == "text":
        console = out_console()
        console.print(render.entry_panel(entry, width=console.width), crop=False)
    else:
        from chronicle.formats import writer

        write_data(writer("show", fmt)(entry))


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
