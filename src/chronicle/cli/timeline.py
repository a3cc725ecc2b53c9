"""``timeline``: the chronicle as a vertical timeline under a chart of counts."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from chronicle.cli.app import READ, app, get_chronicle, note, out_console, write_data
from chronicle.cli.entries import report_selection
from chronicle.cli.options import (
    RootOption,
    with_filters,
)
from chronicle.errors import ExitCode
from chronicle.query import EVERYTHING, Filters

if TYPE_CHECKING:
    from chronicle.config import Location
    from chronicle.model import Entry


class TimelineBy(StrEnum):
    year = "year"
    month = "month"
    day = "day"


class TimelineFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command(rich_help_panel=READ)
@with_filters
def timeline(
    ctx: typer.Context,
    query: Annotated[
        str | None,
        typer.Argument(help="Only entries a search for this finds (see chronicle search).",
                       show_default=False),
    ] = None,
    filters: Filters = EVERYTHING,
    by: Annotated[
        TimelineBy,
        typer.Option("--by", "-b", help="Group by year, month or day (also the finest bar "
                     "of the chart)."),
    ] = TimelineBy.month,
    fmt: Annotated[
        TimelineFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TimelineFormat.text,
    chart: Annotated[
        bool, typer.Option("--chart/--no-chart", help="Show the chart of counts above.")
    ] = True,
    pager: Annotated[
        bool, typer.Option("--pager", help="Page through the timeline (on a terminal).")
    ] = False,
    root: RootOption = None,
) -> None:
    """Show entries as a timeline: years, months and days, with a chart of counts.

    Entries dated only to a year or month head their period, marked with ~.

    Example: chronicle timeline --year 2014
    """
    from chronicle import timeline as core

    chronicle = get_chronicle(ctx, root)
    entries = _entries(chronicle, filters, query)
    built = core.build_timeline(entries, by=core.Unit(by.value), is_imprecise=filters.is_imprecise)
    if fmt is TimelineFormat.json:
        import json

        write_data(json.dumps(core.to_data(built), ensure_ascii=False, indent=2))
    elif fmt is TimelineFormat.markdown:
        write_data(core.to_markdown(built, title=chronicle.display_title) if entries else "")
    elif entries:
        from chronicle.render.timeline import timeline_view

        console = out_console()
        view = timeline_view(built, entries, chart=chart)
        if pager and console.is_terminal:
            import os

            # As git does: less shows colours (R), and quits when all fits one screen (F).
            os.environ.setdefault("LESS", "FRX")
            with console.pager(styles=not console.no_color):
                console.print(view, crop=False)
        else:
            # Every line is already cut to the width: cropping again costs seconds at 100k.
            console.print(view, crop=False)
    if not entries:
        if query:
            note(f"Nothing found for '{query}'.")
            raise typer.Exit(int(ExitCode.ERROR))
        if fmt is TimelineFormat.text:
            note("No entries match." if not filters.is_empty else
                 "The chronicle has no entries yet.")


def _entries(chronicle: Location, filters: Filters, query: str | None) -> list[Entry]:
    """The filtered entries, narrowed to the hits of ``query`` when one is given."""
    from chronicle import catalog

    if not query or not query.strip():
        selection = catalog.select(chronicle, filters)
        report_selection(selection)
        return selection.entries
    from chronicle.index import search

    result = search(chronicle, query, filters=filters, limit=None)
    for line in result.notes:
        note(line)
    return sorted((hit.entry for hit in result.hits), key=lambda entry: entry.sort_key)
