"""``search``."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from chronicle.cli.app import (
    READ,
    QueryCommand,
    app,
    close_progress,
    current_env,
    err_console,
    note,
    open_chronicle,
    out_console,
    report_skipped,
    write_data,
    write_view,
)
from chronicle.cli.options import (
    RootOption,
    format_choices,
    with_filters,
)
from chronicle.errors import ExitCode
from chronicle.query import EVERYTHING, Filters

if TYPE_CHECKING:
    SearchFormat = str
else:
    SearchFormat = format_choices("search", "table")


class SortOrder(StrEnum):
    relevance = "relevance"
    date = "date"


@app.command(cls=QueryCommand, rich_help_panel=READ)
@with_filters
def search(
    ctx: typer.Context,
    query: Annotated[
        list[str] | None,
        typer.Argument(
            help='Words to find; "quoted phrases", OR, NOT, (groups), title: person: '
            "place: tag: source: body:, date:2014 or date:[2014-01 to 2014-03], Tasm*.",
            show_default=False,
        ),
    ] = None,
    filters: Filters = EVERYTHING,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="Show at most N results (0: all).")
    ] = 20,
    sort: Annotated[
        SortOrder, typer.Option("--sort", help="Best matches first, or in date order.")
    ] = SortOrder.relevance,
    fmt: Annotated[
        SearchFormat, typer.Option("--format", "-f", help="Output format.")
    ] = "table",
    explain: Annotated[
        bool,
        typer.Option("--explain", help="Show how the query was read, with every expansion."),
    ] = False,
    root: RootOption = None,
) -> None:
    """Find entries by words and names, however the sources spelled them.

    Case, accents, Cyrillic and transliterations (Tashmaydan, Tašmajdan, Ташмајдан) all
    match; aliases come from names: in chronicle.yaml. Exits 1 when nothing matches.

    Example: chronicle search "Tasmajdan" --year 2014
    """
    from chronicle.formats import writer
    from chronicle.render import search as render_search

    book = open_chronicle(ctx, root)
    text = " ".join(query or [])
    try:
        # The run's progress bar shows a long update first, on a terminal.
        result = book.search(text, filters=filters, limit=limit, sort=sort.value,
                             explain=explain)
    finally:
        close_progress()
        book.close()
    for message in result.notes:
        note(message)
    report_skipped(result.skipped)
    if explain:
        err_console().print(render_search.explanation(result))
    if not result.hits:
        if fmt != "table":
            # An empty document (`[]`, a CSV header) for scripts, as the listing commands give.
            write_data(writer("search", fmt)(result))
        shown = text.strip()
        if len(shown) > 60:
            shown = shown[:57] + "..."
        asked = f" {shown!r}" if shown else " the filters"
        err_console().print(f"No entries match{asked}.", highlight=False)
        raise typer.Exit(int(ExitCode.ERROR))
    if fmt != "table":
        write_data(writer("search", fmt)(result))
    else:
        if current_env().out_is_terminal():
            console = out_console()
            console.print(render_search.results_table(result, width=console.width),
                          crop=False)
        else:
            write_view(render_search.results_plain(result))
        note(render_search.summary_line(result))
