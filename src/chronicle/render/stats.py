"""Rich views of ``chronicle stats`` and ``chronicle names``: bar charts and tables.

Functions return renderables and never print; the CLI owns the consoles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from chronicle.dates import format_range

if TYPE_CHECKING:
    from rich.console import RenderableType

    from chronicle.name_groups import NameGroupCount
    from chronicle.stats import Count, Stats

#: Eighths of a block, so a bar's length shows differences smaller than one cell.
_EIGHTHS = " ▏▎▍▌▋▊▉"
FULL_BLOCK = "█"
BAR_STYLE = "cyan"
MUTED = "dim"
#: Bar width when the output is not a terminal (a file or a pipe has no width).
PLAIN_BAR_WIDTH = 40
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


def bar(value: int, maximum: int, width: int) -> str:
    """A horizontal bar of ``value / maximum`` of ``width`` cells, to an eighth of a cell.

    Any non-zero value shows at least a sliver, so a rare bucket never looks empty.
    """
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / maximum * width * 8))
    full, part = divmod(eighths, 8)
    return FULL_BLOCK * full + (_EIGHTHS[part] if part else "")


def bar_chart(
    counts: Sequence[Count],
    *,
    width: int = PLAIN_BAR_WIDTH,
    max_rows: int | None = None,
    plain: bool = False,
) -> RenderableType:
    """Label, count and bar per bucket; ``max_rows`` keeps the first rows and says how
    many were left out.

    All the buckets are one table row of three multi-line cells, drawn as one row per
    bucket would be: Rich's cost is per cell, and a chart by month has thousands of rows.
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    shown = list(counts[:max_rows]) if max_rows else list(counts)
    table = Table(
        box=None if plain else box.SIMPLE_HEAD,
        show_header=False,
        show_edge=False,
        pad_edge=False,
        expand=False,
    )
    table.add_column("label", no_wrap=True, max_width=None if plain else 40, overflow="ellipsis")
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("bar", no_wrap=True, style=BAR_STYLE)
    maximum = max((count.count for count in counts), default=0)
    if any("\n" in count.label for count in shown):
        # A label of several lines makes its row taller: drawn a row per bucket.
        for count in shown:
            table.add_row(count.label, str(count.count), bar(count.count, maximum, width))
    elif shown:
        table.add_row(
            Text("\n".join(count.label for count in shown)),
            Text("\n".join(str(count.count) for count in shown)),
            Text("\n".join(bar(count.count, maximum, width) for count in shown)),
        )
    if len(shown) < len(counts):
        left = len(counts) - len(shown)
        table.add_row(Text(f"... {left} more", style=MUTED), "", "")
    return table


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
    from rich.text import Text

    parts: list[RenderableType] = [overview(stats)]
    if not stats.total:
        return Group(*parts)
    # The label and count columns take about 30 cells; the bar gets the rest, within reason.
    bar_width = PLAIN_BAR_WIDTH if plain else max(10, min(60, width - 34))
    parts += [
        Text(""),
        Text(TITLES.get(stats.by, stats.by), style="bold"),
        bar_chart(stats.counts, width=bar_width, max_rows=max_rows, plain=plain),
    ]
    busiest = busiest_view(stats, plain=plain)
    if busiest is not None:
        parts += [Text(""), Text("Busiest periods", style="bold"), busiest]
    tops = top_tables(stats, plain=plain)
    if tops:
        parts += [Text(""), *tops] if plain else [Text(""), _side_by_side(tops)]
    return Group(*parts)


def overview(stats: Stats) -> RenderableType:
    from rich.text import Text

    if not stats.total:
        return Text("No entries.", style=MUTED)
    text = Text()
    text.append(f"{stats.total} {'entry' if stats.total == 1 else 'entries'}", style="bold")
    if stats.first is not None:
        text.append(", " + format_range(stats.first, stats.last))
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
        text.append(" (" + "; ".join(details) + ")", style=MUTED)
    return text


def busiest_view(stats: Stats, *, plain: bool = False) -> RenderableType | None:
    from rich import box
    from rich.table import Table

    rows = [(label, stats.busiest.get(key, [])) for key, label in
            (("years", "Years"), ("months", "Months"), ("days", "Days"))]
    rows = [(label, counts) for label, counts in rows if counts]
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
        table.add_row(label, ", ".join(f"{count.label} ({count.count})" for count in counts))
    return table


def top_tables(stats: Stats, *, plain: bool = False) -> list[RenderableType]:
    from rich import box
    from rich.table import Table

    tables: list[RenderableType] = []
    for kind, title in (
        ("people", "Top people"),
        ("places", "Top places"),
        ("tags", "Top tags"),
        ("sources", "Top sources"),
    ):
        counts = stats.top.get(kind) or []
        if not counts:
            continue
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
