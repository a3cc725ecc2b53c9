"""What list and show put on a terminal: Rich renderables, and the plain list for pipes.

Functions here return objects or strings and never print; the CLI owns the consoles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from chronicle import jsontext
from chronicle.model import Entry, Listed

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

MUTED = "dim"
IMPRECISE_MARK = "~"


def date_text(entry: Listed, *, imprecise: bool = False) -> Text:
    """The entry's date as a reader wants it; ``~2014`` when it may lie outside the filter."""
    from rich.text import Text

    return Text(plain_date(entry, imprecise=imprecise), style="yellow" if imprecise else "")


def plain_date(entry: Listed, *, imprecise: bool = False) -> str:
    """`date_text` without its style, for pipes."""
    label = entry.date_label()
    return IMPRECISE_MARK + label if imprecise else label


#: The wide list table keeps at least this much room for titles and tags; a terminal too
#: narrow for that beside whole ids gets the stacked list instead.
MIN_TITLE_WIDTH = 20
MIN_TAGS_WIDTH = 10
#: What a column separator of the tables here takes (padding on both sides of a rule).
COLUMN_GAP = 3


def entry_table(
    entries: Sequence[Listed],
    *,
    is_imprecise: Callable[[Listed], bool] | None = None,
    width: int | None = None,
) -> RenderableType:
    """The list view on a terminal ``width`` columns wide: date, title with who and
    where, tags, id.

    An id is never split or cut: it is what a user copies into ``show`` or ``edit``.
    When the table cannot give every id its whole width and still leave room for titles
    and tags, each entry is stacked instead: date and title, who and where, tags, then
    the id on a line of its own (printed whole even when it is wider than the terminal,
    which then wraps it softly, so a copy is still one line).
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    rows = [
        (
            date_text(entry, imprecise=bool(is_imprecise and is_imprecise(entry))),
            _title_cell(entry),
            entry,
        )
        for entry in entries
    ]
    date_width = max([4] + [row[0].cell_len for row in rows])
    id_width = max([2] + [cell_width(entry.id) for entry in entries])
    needed = date_width + MIN_TITLE_WIDTH + MIN_TAGS_WIDTH + id_width + 3 * COLUMN_GAP
    if width is not None and needed > width:
        stacked = []
        for date, title, entry in rows:
            if entry.tags:
                title.append("\n" + ", ".join(entry.tags), style="cyan")
            stacked.append((date, title, entry.id))
        return stacked_rows(stacked, width=width, date_width=date_width)

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
    table.add_column("ID", style=MUTED, no_wrap=True, min_width=id_width)
    for date, title, entry in rows:
        table.add_row(date, title, ", ".join(entry.tags), Text(entry.id))
    return table


def _title_cell(entry: Listed) -> Text:
    from rich.text import Text

    title = Text(entry.title, style="bold")
    who_where = " · ".join(
        part for part in (", ".join(entry.people), ", ".join(entry.places)) if part
    )
    if who_where:
        title.append("\n" + who_where, style=MUTED)
    return title


def cell_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (wide characters take two)."""
    from rich.cells import cell_len

    return cell_len(text)


def id_line(entry_id: str, *, indent: int, width: int) -> Text:
    """An id on a line of its own: indented when it fits so, else from the margin, and
    never wrapped or cut, even past ``width`` (print it with ``crop=False``)."""
    from rich.text import Text

    shown = " " * indent + entry_id if indent + cell_width(entry_id) <= width else entry_id
    return Text(shown, style=MUTED, no_wrap=True, overflow="ignore", end="\n")


def stacked_rows(
    rows: Sequence[tuple[Text, Text, str]],
    *,
    width: int,
    date_width: int,
    gap: bool = False,
) -> RenderableType:
    """``(date, text, id)`` rows for a narrow terminal: the date beside the text, the id
    whole on the line below; a blank line between rows when ``gap``."""
    from rich.console import Group
    from rich.text import Text

    parts: list[RenderableType] = []
    for number, (date, body, entry_id) in enumerate(rows):
        if gap and number:
            parts.append(Text(""))
        parts += stacked_row(date, body, entry_id, width=width, date_width=date_width)
    return Group(*parts)


def stacked_row(date: Text, body: Text, entry_id: str, *, width: int,
                date_width: int) -> list[RenderableType]:
    """One row of `stacked_rows`: the date beside the text, then the id."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True, width=date_width)
    grid.add_column(overflow="fold")
    grid.add_row(date, body)
    return [grid, id_line(entry_id, indent=date_width + 2, width=width)]


#: The widest a piped `list` column is padded to.
PLAIN_COLUMN_LIMIT = 60


def date_labels(entries: Sequence[Listed], is_imprecise: Callable[[Listed], bool] | None
                 ) -> list[tuple[str, bool]]:
    """Each entry's `plain_date` and whether it is imprecise. Labelled by the dates'
    identities: the catalog hands out one object per distinct date text, and a year of
    entries repeats a few hundred dates."""
    labels: dict[tuple[int, int], str] = {}
    kept: list[Any] = []  # keeps each date labelled alive, so no id is reused
    out: list[tuple[str, bool]] = []
    append = out.append
    for entry in entries:
        date, end = entry.date, entry.end
        label = labels.get((id(date), id(end)))
        if label is None:
            label = labels[id(date), id(end)] = plain_date(entry)
            kept.append((date, end))
        if is_imprecise is not None and is_imprecise(entry):
            append((IMPRECISE_MARK + label, True))
        else:
            append((label, False))
    return out


def entry_rows_plain(
    entries: Sequence[Listed], *, is_imprecise: Callable[[Listed], bool] | None = None
) -> str:
    """The list view for pipes and files: aligned columns, one entry per line."""
    header = ("Date", "Title", "Tags", "ID")
    rows = [header]
    for entry, (label, _) in zip(entries, date_labels(entries, is_imprecise), strict=True):
        rows.append((label, entry.title, ", ".join(entry.tags), entry.id))
    # Columns align up to PLAIN_COLUMN_LIMIT characters; a longer cell runs over on its
    # own line instead of padding every other line to its length.
    widths = [min(max([len(row[column]) for row in rows]), PLAIN_COLUMN_LIMIT)
              for column in range(len(header))]
    # Each cell left-aligned in its width (as str.ljust pads), the line's end stripped.
    line = "  ".join(f"{{:<{width}}}" for width in widths).format
    return "".join([line(*row).rstrip() + "\n" for row in rows])


def entry_panel(entry: Entry, *, width: int | None = None) -> RenderableType:
    """One entry in full: a panel with its fields, the body as Markdown, sources as links.

    On a terminal too narrow to hold the id whole beside its label inside the panel, the
    id and the file follow the panel on lines of their own, whole.
    """
    from rich.console import Group
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
    labels = ["Date", "People", "Places", "Tags", "ID", "File", *map(str, entry.extra)]
    label_width = max(cell_width(label) for label in labels)
    # The panel's borders and padding take 4 columns, the grid's gap 2.
    outside = width is not None and label_width + 2 + cell_width(entry.id) > width - 4
    if not outside:
        facts.add_row("ID", Text(entry.id, style=MUTED))
        facts.add_row("File", Text(entry.path, style=MUTED))

    parts: list[RenderableType] = [long_text(entry.title, style="bold"), Text(""), facts]
    if entry.summary:
        parts += [Text(""), long_text(entry.summary, style="italic")]
    if entry.body:
        parts += [Text(""), body_renderable(entry.body)]
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
    panel = Panel(Group(*parts), padding=(0, 1))
    if not outside:
        return panel
    return Group(
        panel,
        Text("ID", style="bold"),
        id_line(entry.id, indent=2, width=width or 0),
        Text("File", style="bold"),
        id_line(entry.path, indent=2, width=width or 0),
    )


#: Bodies up to this many characters are drawn as Markdown; Rich's Markdown costs
#: seconds per megabyte, so a larger body is shown as the plain text it is.
MARKDOWN_LIMIT = 100_000


def body_renderable(body: str) -> RenderableType:
    """The body as Markdown, or, past `MARKDOWN_LIMIT`, as plain text with a note."""
    from rich.console import Group
    from rich.markdown import Markdown
    from rich.text import Text

    if len(body) <= MARKDOWN_LIMIT:
        return Markdown(body)
    note = Text(
        f"(a body of {len(body):,} characters, shown as plain text rather than Markdown)",
        style=MUTED,
    )
    return Group(note, long_text(body))


#: The longest piece of text `long_text` gives Rich at once.
TEXT_PIECE = 8_000


def long_text(text: str, style: str = "") -> RenderableType:
    """``text`` drawn at a cost in proportion to its length.

    Rich renders one `Text` as one segment and cuts it into lines one ``partition`` at
    a time, which costs the square of its length (a 2 MB text took 9 s of the 23 s of
    ``show``). So a long text goes to Rich as pieces of at most `TEXT_PIECE`
    characters, cut at line ends, else at a space.
    """
    from rich.console import Group
    from rich.text import Text

    if len(text) <= TEXT_PIECE:
        return Text(text, style=style)
    pieces: list[str] = []
    for line in text.split("\n"):
        while len(line) > TEXT_PIECE:
            cut = line.rfind(" ", 0, TEXT_PIECE)
            cut = cut if cut > 0 else TEXT_PIECE
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        pieces.append(line)
    return Group(*(Text(piece, style=style) for piece in pieces))


def _plain_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain_value(item) for item in value)
    if isinstance(value, dict):
        return jsontext.dumps(value, ensure_ascii=False, default=str)
    return str(value)
