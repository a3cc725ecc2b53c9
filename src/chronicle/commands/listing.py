"""``list`` and ``show``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chronicle.commands.running import (
    current_env,
    note,
    nothing_found,
    nothing_matched,
    open_chronicle,
    out_console,
    report_skipped,
    without_gc,
    write_data,
    write_pieces,
    write_rendered,
    write_view,
)
from chronicle.query import EVERYTHING

if TYPE_CHECKING:
    from pathlib import Path

    from chronicle.api import Found
    from chronicle.catalog import Selection
    from chronicle.query import Filters


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


def list_entries(
    filters: Filters = EVERYTHING,
    fmt: str = "table",
    limit: int | None = None,
    reverse: bool = False,
    root: Path | None = None,
) -> None:
    """List entries in date order; exits 1 when nothing matches."""
    # Thousands of listings live until the end: no collection needs to walk them again.
    with without_gc():
        _list_entries(filters, fmt, limit, reverse, root)


def _list_entries(filters: Filters, fmt: str, limit: int | None, reverse: bool,
                  root: Path | None) -> None:
    from chronicle.formats import writer
    from chronicle.render import entries as render

    if fmt == "ids":  # no entry needs building: the catalog's ids will do
        from chronicle.exchange.serialise import ids_text

        with open_chronicle(root) as book:
            selection, ids = book.select_ids(filters, limit=limit or None, reverse=reverse)
        report_selection(selection)
        write_data(ids_text(ids))
        if not ids:
            raise nothing_found(nothing_matched(filters))
        return
    if fmt in ("json", "csv", "yaml") and not limit:
        # Every entry: written as read from the catalog, never all held at once.
        from chronicle.commands.environment import takes_utf8_bytes
        from chronicle.outcomes import Found

        with open_chronicle(root) as book:
            out = current_env().stdout_stream
            streamed = book.stream(fmt, filters, reverse=reverse,
                                   encoded=fmt == "json" and takes_utf8_bytes(out))
            if streamed is not None:
                report_found(Found([], streamed.notes, streamed.problems))
                write_pieces(streamed.chunks, encoded=streamed.encoded)
                if not streamed.count:
                    raise nothing_found(nothing_matched(filters))
                return
    if fmt != "table":
        with open_chronicle(root) as book:
            selection = book.select(filters, limit=limit or None, reverse=reverse)
        report_selection(selection)
        write_data(writer("list", fmt)(selection.entries))
        if not selection.entries:
            raise nothing_found(nothing_matched(filters))
        return
    # The table shows what the catalog's listings hold: no entry is rebuilt.
    with open_chronicle(root) as book:
        selection, listings = book.select_listings(filters, limit=limit or None,
                                                   reverse=reverse)
    report_selection(selection)
    if not listings:
        raise nothing_found(nothing_matched(filters))
    if current_env().out_is_terminal():
        from chronicle.render.list_text import list_text

        console = out_console()

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


def show(entry_id: str, fmt: str = "text", root: Path | None = None) -> None:
    """Show one entry in full."""
    from chronicle.render import entries as render

    with open_chronicle(root) as book:
        entry = book.get(entry_id)
    if fmt == "text":
        console = out_console()
        console.print(render.entry_panel(entry, width=console.width), crop=False)
    else:
        from chronicle.formats import writer

        write_data(writer("show", fmt)(entry))
