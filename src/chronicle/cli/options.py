"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from chronicle.query import Filters

FILTERS = "Filters"

RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root", help="The chronicle's folder (see chronicle --help).", show_default=False
    ),
]
YearOption = Annotated[
    str | None,
    typer.Option(
        "--year",
        help="Entries that overlap this year (or any partial date).",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
MonthOption = Annotated[
    str | None,
    typer.Option(
        "--month",
        help="Entries that overlap this month, e.g. 2014-04.",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
OnOption = Annotated[
    str | None,
    typer.Option(
        "--on",
        help="Entries that overlap this day, e.g. 2014-04-18.",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
FromOption = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="Entries that end on or after this date (whole period given).",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
ToOption = Annotated[
    str | None,
    typer.Option(
        "--to",
        help="Entries that start on or before this date (whole period given).",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
TagOption = Annotated[
    list[str] | None,
    typer.Option(
        "--tag",
        help="Entries with this tag; repeat for any of several.",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
PersonOption = Annotated[
    list[str] | None,
    typer.Option(
        "--person",
        help="Entries naming this person, however spelled; repeatable.",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
PlaceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--place",
        help="Entries naming this place, however spelled; repeatable.",
        show_default=False,
        rich_help_panel=FILTERS,
    ),
]
WithinOption = Annotated[
    bool,
    typer.Option(
        "--within",
        help="Keep only entries whose whole span lies inside the dates.",
        rich_help_panel=FILTERS,
    ),
]
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit", "-n", min=0, help="Show at most N entries (0: all).", show_default=False
    ),
]


def build_filters(
    year: str | None,
    month: str | None,
    on: str | None,
    from_: str | None,
    to: str | None,
    tag: list[str] | None,
    person: list[str] | None,
    place: list[str] | None,
    within: bool,
) -> Filters:
    from chronicle.query import Filters

    return Filters.build(
        year=year,
        month=month,
        on=on,
        from_=from_,
        to=to,
        tags=tag or (),
        people=person or (),
        places=place or (),
        within=within,
    )
