"""``stats``: what the chronicle holds, counted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chronicle.commands.listing import report_selection
from chronicle.commands.running import (
    nothing_found,
    open_chronicle,
    table_console,
    write_data,
)
from chronicle.query import EVERYTHING

if TYPE_CHECKING:
    from pathlib import Path

    from chronicle.query import Filters


def stats(
    by: str = "auto",
    top: int = 10,
    filters: Filters = EVERYTHING,
    fmt: str = "table",
    root: Path | None = None,
) -> None:
    """Count entries by period, tag, person, place or source; exits 1 when none match."""
    from chronicle.stats import PERIODS

    with open_chronicle(root) as book:
        selection, result = book.stats(filters, by=by, top=top)
    report_selection(selection)
    if fmt == "json":
        from chronicle.exchange.serialise import json_document

        write_data(json_document(result.to_dict()))
        if not result.total:
            raise nothing_found()
        return
    if not result.total:
        raise nothing_found(
            "No entries match." if not filters.is_empty else "The chronicle has no entries yet."
        )
    from chronicle.render.stats import stats_view

    console = table_console()
    plain = not console.is_terminal
    rows = None if result.by in PERIODS else top
    console.print(stats_view(result, width=console.width, max_rows=rows, plain=plain))
