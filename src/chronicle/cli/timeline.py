"""``timeline``: the chronicle as a vertical timeline under a chart of counts."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from chronicle.cli.app import READ, app
from chronicle.cli.options import (
    RootOption,
    format_choices,
    with_filters,
)
from chronicle.query import EVERYTHING, Filters


class TimelineBy(StrEnum):
    year = "year"
    month = "month"
    day = "day"


if TYPE_CHECKING:
    TimelineFormat = str
else:
    TimelineFormat = format_choices("timeline", "text")


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
    ] = "text",
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
    from chronicle.commands.timeline import timeline as run

    run(query, filters, by=by.value, fmt=fmt, chart=chart, pager=pager, root=root)
