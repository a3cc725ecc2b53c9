"""Rich views of ``chronicle stats`` and ``chronicle names``: bar charts and tables.

Functions return renderables and never print; the CLI owns the consoles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from chronicle.dates import format_range
from chronicle.glyphs import STAND_INS
from chronicle.render.cells import cell_len

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.measure import Measurement

    from chronicle.name_groups import NameGroupCount
    from chronicle.stats import Count, Stats

#: Eighths of a block, so a bar's length shows differences smaller than one cell.
_EIGHTHS = " ▏▎▍▌▋▊▉"
FULL_BLOCK = "█"
ASCII_BLOCK = STAND_INS[FULL_BLOCK]
BAR_STYLE = "cyan"
MUTED = "dim"
#: Bar width when the output is not a terminal (a file or a pipe has no width).
PLAIN_BAR_WIDTH = 40
#: Widest label a chart shows on a terminal; longer ones end in an ellipsis.
LABEL_MAX_WIDTH = 40
#: What Rich's Text drops or expands (tabs, line breaks, other controls).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
TITLES = {
    "year": "Entries by year",
    "month": "Entries by month",
    "decade": "Entries by decade",
    "century": "Entries by century",
    "tag": "Entries by tag",
    "person": "Entries by person",
    "place": "Entries by place",
    "source": "Entries by source",
}


def bar(value: int, maximum: int, width: int, *, blocks: bool = True) -> str:
    """A horizontal bar of ``value / maximum`` of ``width`` cells, to an eighth of a cell;
    without ``blocks`` (an output that cannot hold them), in whole cells of ``#``.

    Any non-zero value shows at least a sliver, so a rare bucket never looks empty.
    """
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    if not blocks:
        return ASCII_BLOCK * max(1, round(value / maximum * width))
    eighths = max(1, round(value / maximum * width * 8))
    full, part = divmod(eighths, 8)
    return FULL_BLOCK * full + (_EIGHTHS[part] if part else "")


def bar_chart(
    counts: Sequence[Count],
    *,
    width: int = PLAIN_BAR_WIDTH,
    max_rows: int | None = None,
    plain: bool = False,
    blocks: bool = True,
) -> RenderableType:
    """Label, count and bar per bucket; ``max_rows`` keeps the first rows and says how
    many were left out. ``blocks``: bars to an eighth of a cell (see `bar`).

    Drawn line by line as Rich draws the table (`_ChartLines`) when it fits at its
    natural width: a chart by month has thousands of rows, and Rich's cost is per cell.
    """
    shown = list(counts[:max_rows]) if max_rows else list(counts)
    maximum = max((count.count for count in counts), default=0)
    rows = [(count.label, str(count.count), bar(count.count, maximum, width, blocks=blocks))
            for count in shown]
    more = f"... {len(counts) - len(shown)} more" if len(shown) < len(counts) else None
    return _ChartLines(rows, more, plain, lambda: _chart_table(rows, more, plain))


def _chart_table(rows: list[tuple[str, str, str]], more: str | None,
                 plain: bool) -> RenderableType:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=None if plain else box.SIMPLE_HEAD,
        show_header=False,
        show_edge=False,
        pad_edge=False,
        expand=False,
    )
    table.add_column("label", no_wrap=True, max_width=None if plain else LABEL_MAX_WIDTH,
                     overflow="ellipsis")
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("bar", no_wrap=True, style=BAR_STYLE)
    for label, count, drawn in rows:
        table.add_row(label, count, drawn)
    if more is not None:
        table.add_row(Text(more, style=MUTED), "", "")
    return table
class _ChartLines:
    """The chart's rows as lines of segments, the very ones Rich draws for `bar_chart`'s
    table when that fits the width at its natural size (the usual case); otherwise the
    table itself. Thousands of rows cost a string each, not a cell each."""

    def __init__(self, rows: list[tuple[str, str, str]], more: str | None, plain: bool,
                 table: Callable[[], RenderableType]) -> None:
        self.rows = rows
        self.more = more
        self.plain = plain
        self.table = table

    def _widths(self) -> tuple[int, int, int] | None:
        labels = [label for label, _, _ in self.rows]
        if self.more is not None:
            labels.append(self.more)
        if any(_CONTROL.search(label) for label in labels):
            return None  # escaped or expanded when drawn: the table knows how
        label_width = max(map(cell_len, labels), default=0)
        if not self.plain and label_width > LABEL_MAX_WIDTH:
            return None
        count_width = max((len(count) for _, count, _ in self.rows), default=0)
        bar_width = max((len(bar) for _, _, bar in self.rows), default=0)
        return label_width, count_width, bar_width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        widths = self._widths()
        # Columns and their padding; a box adds a one-cell rule between columns.
        gap = "  " if self.plain else "   "
        if not self.rows or widths is None or sum(widths) + 2 * len(gap) > options.max_width:
            yield self.table()
            return
        label_width, count_width, bar_width = widths
        if console.color_system is None:
            # No styles are written (a pipe): each row is one piece of text, as Rich
            # would join its pieces, instead of four segments.
            newline = Segment.line()
            for line in self._plain_lines(label_width, count_width, bar_width, gap):
                yield Segment(line)
                yield newline
            return
        bar_style = console.get_style(BAR_STYLE)
        pad = Segment(" ", bar_style)
        newline = Segment.line()
        for label, count, drawn in self.rows:
            yield Segment(label + " " * (label_width - cell_len(label)) + gap
                          + count.rjust(count_width) + gap[:-1])
            yield pad
            yield Segment(drawn.ljust(bar_width), bar_style)
            yield newline
        if self.more is not None:
            yield Segment(self.more.ljust(label_width), console.get_style(MUTED))
            yield Segment(gap + " " * count_width + gap[:-1])
            yield pad
            yield Segment(" " * bar_width, bar_style)
            yield newline

    def _plain_lines(self, label_width: int, count_width: int, bar_width: int,
                     gap: str) -> list[str]:
        """The rows `__rich_console__` draws, without their styles, a text a row."""
        lines = [label + " " * (label_width - cell_len(label)) + gap + count.rjust(count_width)
                 + gap[:-1] + " " + drawn.ljust(bar_width)
                 for label, count, drawn in self.rows]
        if self.more is not None:
            lines.append(self.more.ljust(label_width) + gap + " " * count_width + gap[:-1]
                         + " " + " " * bar_width)
        return lines

    def text(self, console: Console | None, width: int = 0) -> str | None:
        """What printing the chart on ``console`` writes, character for character, when
        it is drawn a line at a time (its styles' escape codes learnt from the console);
        None when Rich draws the table. Without a console: what a console ``width``
        cells wide writes into a pipe (no styles), made without loading Rich."""
        from chronicle.render.timeline import style_codes

        widths = self._widths()
        gap = "  " if self.plain else "   "
        width = console.width if console is not None else width
        if not self.rows or widths is None or sum(widths) + 2 * len(gap) > width:
            return None
        label_width, count_width, bar_width = widths
        if console is None or console.color_system is None:
            return "".join(line + "\n" for line in self._plain_lines(
                label_width, count_width, bar_width, gap))
        bar_before, bar_after = style_codes(console, BAR_STYLE)
        pad = bar_before + " " + bar_after
        lines = [label + " " * (label_width - cell_len(label)) + gap + count.rjust(count_width)
                 + gap[:-1] + pad + bar_before + drawn.ljust(bar_width) + bar_after + "\n"
                 for label, count, drawn in self.rows]
        if self.more is not None:
            muted_before, muted_after = style_codes(console, MUTED)
            lines.append(muted_before + self.more.ljust(label_width) + muted_after + gap
                         + " " * count_width + gap[:-1] + pad + bar_before + " " * bar_width
                         + bar_after + "\n")
        return "".join(lines)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.table())


def stats_view(
    stats: Stats,
    *,
    width: int = 100,
    max_rows: int | None = None,
    plain: bool = False,
) -> RenderableType:
    """The whole ``stats`` report: overview line, the chart asked for, busiest periods,
    top names."""
    from rich.console import Group

    return Group(*_stats_parts(stats, width=width, max_rows=max_rows, plain=plain))


def stats_pieces(stats: Stats, console: Console, *, max_rows: int | None = None,
                 plain: bool = False) -> list[RenderableType | str]:
    """`stats_view` for ``console``, in the order it is printed: renderables to print,
    and the chart's rows as the text printing them writes (a chart by month has
    thousands of rows, and Rich's cost is per line and segment), to be written as is.
    Tests hold the two to the same output."""
    from rich.console import Group

    from chronicle.glyphs import holds_blocks

    pieces: list[RenderableType | str] = []
    pending: list[RenderableType] = []
    for part in _stats_parts(stats, width=console.width, max_rows=max_rows, plain=plain,
                             blocks=holds_blocks(console.encoding)):
        text = part.text(console) if isinstance(part, _ChartLines) else None
        if text is None:
            pending.append(part)
            continue
        if pending:
            pieces.append(Group(*pending))
            pending = []
        pieces.append(text)
    if pending:
        pieces.append(Group(*pending))
    return pieces


def _stats_parts(stats: Stats, *, width: int, max_rows: int | None,
                 plain: bool, blocks: bool = True) -> list[RenderableType]:
    from rich.text import Text

    parts: list[RenderableType] = [overview(stats)]
    if not stats.total:
        return parts
    # The label and count columns take about 30 cells; the bar gets the rest, within reason.
    bar_width = PLAIN_BAR_WIDTH if plain else max(10, min(60, width - 34))
    parts += [
        Text(""),
        Text(TITLES.get(stats.by, stats.by), style="bold"),
        bar_chart(stats.counts, width=bar_width, max_rows=max_rows, plain=plain,
                  blocks=blocks),
    ]
    busiest = busiest_view(stats, plain=plain)
    if busiest is not None:
        parts += [Text(""), Text("Busiest periods", style="bold"), busiest]
    tops = top_tables(stats, plain=plain)
    if tops:
        parts += [Text(""), *tops] if plain else [Text(""), _side_by_side(tops)]
    return parts


def overview(stats: Stats) -> RenderableType:
    from rich.text import Text

    if not stats.total:
        return Text("No entries.", style=MUTED)
    text = Text()
    for part, style in _overview_parts(stats):
        text.append(part, style=style)
    return text


def _overview_parts(stats: Stats) -> list[tuple[str, str | None]]:
    """The overview line of ``stats`` (some entries), piece by piece with its style."""
    parts: list[tuple[str, str | None]] = [
        (f"{stats.total} {'entry' if stats.total == 1 else 'entries'}", "bold")]
    if stats.first is not None:
        parts.append((", " + format_range(stats.first, stats.last), None))
    details = []
    if stats.ranges:
        details.append(f"{stats.ranges} with an end date")
    if stats.precisions:
        details.append(
            ", ".join(
                f"{count} dated to the {name}" if index == 0 else f"{count} to the {name}"
                for index, (name, count) in enumerate(stats.precisions.items())
            )
        )
    if details:
        parts.append((" (" + "; ".join(details) + ")", MUTED))
    return parts


def busiest_view(stats: Stats, *, plain: bool = False) -> RenderableType | None:
    from rich import box
    from rich.table import Table

    rows = _busiest_rows(stats)
    if not rows:
        return None
    table = Table(
        box=None if plain else box.SIMPLE_HEAD,
        show_header=False,
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("period", style="bold", no_wrap=True)
    table.add_column("busiest", overflow="fold")
    for label, counts in rows:
        table.add_row(label, counts)
    return table


def _busiest_rows(stats: Stats) -> list[tuple[str, str]]:
    rows = [(label, stats.busiest.get(key, [])) for key, label in
            (("years", "Years"), ("months", "Months"), ("days", "Days"))]
    return [(label, ", ".join(f"{count.label} ({count.count})" for count in counts))
            for label, counts in rows if counts]


def top_tables(stats: Stats, *, plain: bool = False) -> list[RenderableType]:
    from rich import box
    from rich.table import Table

    tables: list[RenderableType] = []
    for kind, title, counts in _tops(stats):
        table = Table(
            title=title,
            title_justify="left",
            title_style="bold",
            box=None if plain else box.SIMPLE_HEAD,
            show_header=False,
            show_edge=False,
            pad_edge=False,
        )
        table.add_column(kind, no_wrap=True, max_width=None if plain else 36, overflow="ellipsis")
        table.add_column("count", justify="right", no_wrap=True)
        for count in counts:
            table.add_row(count.label, str(count.count))
        tables.append(table)
    return tables


def _tops(stats: Stats) -> list[tuple[str, str, list[Count]]]:
    """Each kind of top names ``stats`` has, its title and counts."""
    tops = [(kind, title, stats.top.get(kind) or []) for kind, title in (
        ("people", "Top people"),
        ("places", "Top places"),
        ("tags", "Top tags"),
        ("sources", "Top sources"),
    )]
    return [(kind, title, counts) for kind, title, counts in tops if counts]


def stats_text(stats: Stats, *, width: int, max_rows: int | None,
               blocks: bool = True) -> str | None:
    """What printing the plain `stats_view` of ``stats`` (some entries) on a console
    ``width`` cells wide writes into a pipe (no styles), made without loading Rich;
    None where only Rich can lay it out (a label of control characters, a line wider
    than the console). Tests hold it to Rich's output."""
    overview_line = "".join(part for part, _ in _overview_parts(stats))
    lines = [overview_line, "", TITLES.get(stats.by, stats.by)]
    if not overview_line.isprintable() or cell_len(overview_line) > width:
        return None
    chart = bar_chart(stats.counts, width=PLAIN_BAR_WIDTH, max_rows=max_rows, plain=True,
                      blocks=blocks)
    drawn = chart.text(None, width) if isinstance(chart, _ChartLines) else None
    if drawn is None:
        return None
    after: list[str] = []
    busiest = _busiest_rows(stats)
    if busiest:
        table = _plain_table(busiest, None, False, width)
        if table is None:
            return None
        after += ["", "Busiest periods", *table]
    tops = _tops(stats)
    if tops:
        after.append("")
    for _, title, counts in tops:
        table = _plain_table([(count.label, str(count.count)) for count in counts], title,
                             True, width)
        if table is None:
            return None
        after += table
    return "".join(line + "\n" for line in lines) + drawn + "".join(
        line + "\n" for line in after)


def _wrapped_title(title: str, width: int) -> list[str]:
    """A table's title as Rich draws it over a table ``width`` cells wide (ASCII words
    one space apart): wrapped at spaces, a word wider than the table cut, each line
    padded to the width."""
    lines = []
    line = ""
    for word in title.split(" "):
        if line and len(line) + 1 + len(word) <= width:
            line += " " + word
            continue
        if line:
            lines.append(line)
        while len(word) > width:
            lines.append(word[:width])
            word = word[width:]
        line = word
    if line:
        lines.append(line)
    return [line.ljust(width) for line in lines]


def _plain_table(rows: list[tuple[str, str]], title: str | None, right: bool,
                 width: int) -> list[str] | None:
    """The lines of a two-column table as Rich draws it with no box and no edge
    padding (the plain tables of `busiest_view` and `top_tables`): columns as wide as
    their widest cell, two spaces apart, a title wrapped and padded to the table's
    width; the second column right-justified with ``right``. None where Rich could lay
    it out otherwise (text that is not printable, an empty column, too wide)."""
    cells = [cell for row in rows for cell in row] + ([title] if title else [])
    if not all(cell.isprintable() for cell in cells):
        return None
    first = max(cell_len(label) for label, _ in rows)
    second = max(cell_len(value) for _, value in rows)
    table_width = first + 2 + second
    if not first or not second or table_width > width:
        return None
    lines = []
    if title is not None:
        if not title.isascii() or " ".join(title.split()) != title:
            return None
        lines += _wrapped_title(title, table_width)
    for label, value in rows:
        pad = " " * (second - cell_len(value))
        lines.append(label + " " * (first - cell_len(label)) + "  "
                     + (pad + value if right else value + pad))
    return lines


def _side_by_side(renderables: list[RenderableType]) -> RenderableType:
    from rich.columns import Columns

    return Columns(renderables, padding=(0, 4))


# -- names -----------------------------------------------------------------------------


def names_table(
    groups: Sequence[NameGroupCount],
    *,
    title: str | None = None,
    plain: bool = False,
) -> RenderableType:
    """Each name with its count, then its other spellings with theirs."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=None if plain else box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        header_style="bold",
    )
    table.add_column("Name", no_wrap=plain, overflow="fold")
    table.add_column("Entries", justify="right", no_wrap=True)
    table.add_column("Other spellings", no_wrap=plain, overflow="fold")
    for group in groups:
        name = Text(group.canonical, style="bold" if group.others else "")
        others = Text()
        for index, (form, count) in enumerate(group.others):
            if index:
                others.append(", ")
            others.append(form, style="yellow")
            others.append(f" ({count})", style=MUTED)
        if group.declared and not plain:
            name.append(" ✓", style="green")
        table.add_row(name, str(group.count), others)
    return table
