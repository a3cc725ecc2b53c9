"""What ``chronicle search`` shows: Rich renderables and the plain text for pipes.

Functions here return objects or strings and never print; the CLI owns the consoles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chronicle.render.entries import (
    COLUMN_GAP,
    MUTED,
    cell_width,
    date_text,
    plain_date,
    stacked_rows,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from rich.console import RenderableType
    from rich.text import Text

    from chronicle.index.hits import Hit, SearchResult, Segments

HIGHLIGHT = "bold yellow"
FIELD_LABELS = {
    "title": "title",
    "summary": "summary",
    "body": "body",
    "sources": "sources",
    "extra": "custom fields",
    "people": "people",
    "places": "places",
    "tags": "tags",
}


def segments_text(segments: Segments, *, style: str = "") -> Text:
    """Highlighted text from ``(piece, is_match)`` segments."""
    from rich.text import Text

    text = Text(style=style)
    for piece, is_match in segments:
        text.append(piece, style=HIGHLIGHT if is_match else None)
    return text


def where_label(hit: Hit) -> str:
    """``in title, places · matched Tashmaydan Park``."""
    parts = []
    if hit.matched_fields:
        parts.append("in " + ", ".join(FIELD_LABELS.get(f, f) for f in hit.matched_fields))
    if hit.new_forms:
        parts.append("matched " + ", ".join(hit.new_forms[:4]))
    return " · ".join(parts)


def results_table(result: SearchResult, *, width: int | None = None) -> RenderableType:
    """Ranked results on a terminal ``width`` columns wide: date, highlighted title,
    where it matched, snippet, id.

    An id is never split or cut: when the entry column is too narrow for every id whole,
    each hit is stacked, its id on a line of its own below it (see `entry_table`).
    """
    from rich import box
    from rich.table import Table

    rows = []
    for hit in result.iter_hits():
        cell = segments_text(hit.title, style="bold")
        where = where_label(hit)
        if where:
            cell.append("\n" + where, style=MUTED)
        if hit.snippet:
            cell.append("\n")
            cell.append_text(segments_text(hit.snippet))
        rows.append((date_text(hit.entry, imprecise=hit.imprecise), cell, hit.entry.id))
    date_width = max([4] + [row[0].cell_len for row in rows])
    id_width = max([0] + [cell_width(row[2]) for row in rows])
    if width is not None and date_width + COLUMN_GAP + id_width > width:
        return stacked_rows(rows, width=width, date_width=date_width, gap=True)

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold",
                  padding=(0, 1, 1, 0))
    table.add_column("Date", no_wrap=True)
    table.add_column("Entry", ratio=1, overflow="fold")
    for date, cell, entry_id in rows:
        cell.append("\n" + entry_id, style=MUTED)
        table.add_row(date, cell)
    return table


def results_plain(hits: Iterable[Hit]) -> Iterator[str]:
    """Results for pipes and files: one line per hit, then its snippet, indented; a
    piece per hit."""
    for hit in hits:
        date = plain_date(hit.entry, imprecise=hit.imprecise)
        lines = [f"{date}  {hit.entry.title}  [{hit.entry.id}]"]
        where = where_label(hit)
        if where:
            lines.append(f"    {where}")
        if hit.snippet:
            lines.append("    " + "".join(piece for piece, _ in hit.snippet))
        yield "".join(line + "\n" for line in lines)


def summary_line(result: SearchResult) -> str:
    shown = result.shown
    if shown >= result.total:
        return f"{result.total} {'entry' if result.total == 1 else 'entries'} found."
    return f"Showing {shown} of {result.total} entries (--limit 0 shows all)."


def explanation(result: SearchResult) -> RenderableType:
    from rich.text import Text

    return Text("\n".join(result.explain), style=MUTED)
