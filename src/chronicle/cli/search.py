"""``search``."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from chronicle.cli.app import READ, QueryCommand, app
from chronicle.cli.options import (
    RootOption,
    format_choices,
    with_filters,
)
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
    from chronicle.commands.search import search as run

    run(list(query or ()), filters=filters, limit=limit, sort=sort.value, fmt=fmt,
        explain=explain, root=root)
