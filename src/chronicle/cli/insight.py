"""``stats`` and ``names``: what the chronicle holds, at a glance."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from chronicle.cli.app import (
    SHARE,
    app,
)
from chronicle.cli.options import (
    RootOption,
    with_filters,
)
from chronicle.query import EVERYTHING, Filters


class StatsBy(StrEnum):
    auto = "auto"
    year = "year"
    month = "month"
    decade = "decade"
    century = "century"
    tag = "tag"
    person = "person"
    place = "place"
    source = "source"


class NameKind(StrEnum):
    person = "person"
    place = "place"
    tag = "tag"


class InsightFormat(StrEnum):
    table = "table"
    json = "json"


@app.command(rich_help_panel=SHARE)
@with_filters
def stats(
    ctx: typer.Context,
    by: Annotated[
        StatsBy,
        typer.Option("--by", "-b", help="What to count the entries by. auto: years, or "
                     "decades or centuries when there are more than 60 years."),
    ] = StatsBy.auto,
    top: Annotated[
        int,
        typer.Option("--top", min=1, help="How many of the top people, places, tags and "
                     "sources to show; also the rows of a --by tag/person/place/source chart."),
    ] = 10,
    filters: Filters = EVERYTHING,
    fmt: Annotated[
        InsightFormat, typer.Option("--format", "-f", help="Output format.")
    ] = InsightFormat.table,
    root: RootOption = None,
) -> None:
    """Count entries by period, tag, person, place or source, with bar charts.

    Shows the busiest years, months and days and the top people, places, tags and
    sources. An entry counts in the period where it starts.

    Example: chronicle stats --by month --year 2014
    """
    from chronicle.commands.stats import stats as run

    run(by.value, top, filters, fmt=fmt.value, root=root)


@app.command(rich_help_panel=SHARE)
@with_filters
def names(
    ctx: typer.Context,
    kind: Annotated[
        list[NameKind] | None,
        typer.Option("--kind", "-k", help="Only people, places or tags; repeatable.",
                     show_default=False),
    ] = None,
    suggest: Annotated[
        bool,
        typer.Option("--suggest", help="Print a names: block for chronicle.yaml: what it "
                     "declares, plus the spellings found that need an alias."),
    ] = False,
    filters: Filters = EVERYTHING,
    fmt: Annotated[
        InsightFormat, typer.Option("--format", "-f", help="Output format.")
    ] = InsightFormat.table,
    root: RootOption = None,
) -> None:
    """List every person, place and tag with its count, spellings of one name grouped.

    Spellings group when they fold to the same key (case, accents, Cyrillic,
    transliteration), when chronicle.yaml declares them, or when they are a typo apart
    (Heydar/Haydar Aliyev). With --suggest, print a names: block to paste over the one
    in chronicle.yaml, the most frequent spelling of each new name as its canonical.

    Example: chronicle names --kind place --suggest
    """
    from chronicle.commands.stats import names as run

    run([item.value for item in kind or ()] or None, suggest, filters, fmt=fmt.value, root=root)
