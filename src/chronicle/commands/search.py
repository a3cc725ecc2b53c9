"""``search``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chronicle.commands.running import (
    CommandExit,
    close_progress,
    current_env,
    err_console,
    note,
    open_chronicle,
    out_console,
    report_skipped,
    write_pieces,
)
from chronicle.errors import ExitCode
from chronicle.query import EVERYTHING

if TYPE_CHECKING:
    from pathlib import Path

    from chronicle.query import Filters


def search(
    query: list[str],
    filters: Filters = EVERYTHING,
    limit: int = 20,
    sort: str = "relevance",
    fmt: str = "table",
    explain: bool = False,
    root: Path | None = None,
) -> None:
    """Find entries by words and names; exits 1 when nothing matches."""
    from chronicle.formats import writer
    from chronicle.render import search as render_search

    text = " ".join(query)
    # Open until the hits are written: they are made from the catalog as they go out,
    # a few hundred at a time (every hit of a broad query is never held at once).
    with open_chronicle(root) as book:
        try:
            # The run's progress bar shows a long update first, on a terminal.
            result = book.search(text, filters=filters, limit=limit, sort=sort,
                                 explain=explain, stream=True)
        finally:
            close_progress()
        for message in result.notes:
            note(message)
        report_skipped(result.skipped)
        if explain:
            err_console().print(render_search.explanation(result))
        if not result.has_hits():
            if fmt != "table":
                # An empty document (`[]`, a CSV header) for scripts, as the listing
                # commands give.
                write_pieces(writer("search", fmt)(result))
            shown = text.strip()
            if len(shown) > 60:
                shown = shown[:57] + "..."
            asked = f" {shown!r}" if shown else " the filters"
            err_console().print(f"No entries match{asked}.", highlight=False)
            raise CommandExit(int(ExitCode.ERROR))
        if fmt != "table":
            write_pieces(writer("search", fmt)(result))
        elif current_env().out_is_terminal():
            console = out_console()
            console.print(render_search.results_table(result, width=console.width),
                          crop=False)
        else:
            write_pieces(render_search.results_plain(result.iter_hits()), view=True)
    if fmt == "table":
        note(render_search.summary_line(result))
