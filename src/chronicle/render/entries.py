"""What list and show put on a terminal: Rich renderables, and the plain list for pipes.

Functions here return objects or strings and never print; the CLI owns the consoles.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from chronicle.model import Entry

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

MUTED = "dim"
IMPRECISE_MARK = "~"


def date_text(entry: Entry, *, imprecise: bool = False) -> Text:
    """The entry's date as a reader wants it; ``~2014`` when it may lie outside the filter."""
    from rich.text import Text

    label = entry.date_label()
    if imprecise:
        return Text(IMPRECISE_MARK + label, style="yellow")
    return Text(label)


def entry_table(
    entries: Sequence[Entry],
    *,
    is_imprecise: Callable[[Entry], bool] | None = None,
) -> RenderableType:
    """The list view on a terminal: date, title with who and where, tags, id."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        expand=False,
        header_style="bold",
    )
    table.add_column("Date", no_wrap=True)
    table.add_column("Title", ratio=3, overflow="fold")
    table.add_column("Tags", ratio=1, style="cyan", overflow="fold")
    table.add_column("ID", style=MUTED, ratio=1, overflow="fold")
    for entry in entries:
        title = Text(entry.title, style="bold")
        who_where = " · ".join(
            part for part in (", ".join(entry.people), ", ".join(entry.places)) if part
        )
        if who_where:
            title.append("\n" + who_where, style=MUTED)
        table.add_row(
            date_text(entry, imprecise=bool(is_imprecise and is_imprecise(entry))),
            title,
            ", ".join(entry.tags),
            entry.id,
        )
    return table


#: The widest a piped `list` column is padded to.
PLAIN_COLUMN_LIMIT = 60


def entry_rows_plain(
    entries: Sequence[Entry], *, is_imprecise: Callable[[Entry], bool] | None = None
) -> str:
    """The list view for pipes and files: aligned columns, one entry per line."""
    header = ("Date", "Title", "Tags", "ID")
    rows = [header] + [
        (
            date_text(entry, imprecise=bool(is_imprecise and is_imprecise(entry))).plain,
            entry.title,
            ", ".join(entry.tags),
            entry.id,
        )
        for entry in entries
    ]
    # Columns align up to PLAIN_COLUMN_LIMIT characters; a longer cell runs over on its
    # own line instead of padding every other line to its length.
    widths = [min(max(len(row[column]) for row in rows), PLAIN_COLUMN_LIMIT)
              for column in range(len(header))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        + "\n"
        for row in rows
    )


def entry_panel(entry: Entry) -> RenderableType:
    """One entry in full: a panel with its fields, the body as Markdown, sources as links."""
    from rich.console import Group
    from rich.markdown import Markdown
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    facts.add_row("Date", entry.date_label())
    for label, values in (("People", entry.people), ("Places", entry.places), ("Tags", entry.tags)):
        if values:
            facts.add_row(label, ", ".join(values))
    for key, value in entry.extra.items():
        facts.add_row(key, _plain_value(value))
    facts.add_row("ID", Text(entry.id, style=MUTED))
    facts.add_row("File", Text(entry.path, style=MUTED))

    parts: list[RenderableType] = [Text(entry.title, style="bold"), Text(""), facts]
    if entry.summary:
        parts += [Text(""), Text(entry.summary, style="italic")]
    if entry.body:
        parts += [Text(""), Markdown(entry.body)]
    if entry.sources:
        parts += [Text(""), Text("Sources", style="bold")]
        for source in entry.sources:
            line = Text("• ")
            label = source.title or source.url or ""
            line.append(label, style=f"link {source.url}" if source.url else "")
            if source.url and source.title:
                line.append(f" <{source.url}>", style=MUTED)
            if source.date:
                line.append(f" ({source.date})", style=MUTED)
            parts.append(line)
    return Panel(Group(*parts), padding=(0, 1))


def _plain_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain_value(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
