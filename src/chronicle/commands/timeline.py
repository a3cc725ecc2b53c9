"""``timeline``: the chronicle as a vertical timeline under a chart of counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chronicle.commands.listing import report_found
from chronicle.commands.running import (
    collecting,
    current_env,
    nothing_found,
    nothing_matched,
    open_chronicle,
    out_console,
    without_gc,
    write_data,
    write_pieces,
    write_rendered,
)
from chronicle.query import EVERYTHING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from chronicle.model import Listed
    from chronicle.query import Filters
    from chronicle.timeline import Timeline


def timeline(
    query: str | None = None,
    filters: Filters = EVERYTHING,
    by: str = "month",
    fmt: str = "text",
    chart: bool = True,
    pager: bool = False,
    root: Path | None = None,
) -> None:
    """Show entries as a timeline; exits 1 when nothing matches."""
    # Thousands of entries, their items and lines live until the end: no collection
    # needs to walk them again and again.
    with without_gc():
        _timeline(query, filters, by, fmt, chart, pager, root)


def _timeline(query: str | None, filters: Filters, by: str, fmt: str, chart: bool,
              pager: bool, root: Path | None) -> None:
    from chronicle import timeline as core

    with open_chronicle(root) as book:
        # What the text and Markdown show, without rebuilding any entry.
        found, entries = book.find_listings(query, filters)
        report_found(found)
        built = core.build_timeline(entries, by=core.Unit(by),
                                    is_imprecise=filters.is_imprecise)
        if fmt == "json":
            from chronicle.exchange.serialise import timeline_json_chunks

            # Each entry whole, as `list --format json` gives it, read as it is written.
            whole = book.whole_entries(item.entry for item in core.iter_items(built))
            # json's indenting encoder leaves a cycle of closures behind per entry:
            # without the collector they would pile up, a few kilobytes an entry.
            with collecting():
                write_pieces(timeline_json_chunks(built, whole))
    if fmt not in ("text", "json"):
        from chronicle.formats import writer

        write_data(writer("timeline", fmt)(built, book.title))
    elif fmt == "text" and entries:
        _text_timeline(built, entries, chart, pager)
    if not entries:
        if query:
            raise nothing_found(f"Nothing found for '{query}'.")
        raise nothing_found(nothing_matched(filters))


def _text_timeline(built: Timeline, entries: Sequence[Listed], chart: bool, pager: bool
                   ) -> None:
    from chronicle.render import timeline as render

    env = current_env()
    if not env.out_is_terminal():
        # Into a pipe or a file, without styles: the text Rich would write, made
        # without loading Rich where the lines are sure to be laid out as Rich does.
        width = env.plain_width()
        if width is not None:
            above = render.chart_text(built, entries, width=width, chart=chart,
                                      encoding=getattr(env.stdout_stream, "encoding", None))
            if above is not None:
                write_rendered(above + render.body_text(built, None, width=width))
                return
    console = out_console()
    if pager and console.is_terminal:
        import os

        # As git does: less shows colours (R), and quits when all fits one screen (F).
        os.environ.setdefault("LESS", "FRX")
        with console.pager(styles=not console.no_color):
            console.print(render.timeline_view(built, entries, chart=chart), crop=False)
        return
    # Every line is already cut to the width: cropping again costs seconds at 100k.
    above_view = render.chart_view(built, entries, chart=chart)
    if above_view:
        from rich.console import Group

        console.print(Group(*above_view), crop=False)
    # The body as the text Rich would write: its segments cost seconds at 100k.
    write_rendered(render.body_text(built, console))
