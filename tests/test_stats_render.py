"""The ``stats`` chart drawn as one table row of multi-line cells prints the very bytes
that a row per bucket printed, piped and on terminals of every width."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence

import pytest

from chronicle.commands.environment import PLAIN_WIDTH, safe_console_class
from chronicle.render import stats as render_stats
from chronicle.stats import Count, Stats


def reference_bar_chart(
    counts: Sequence[Count],
    *,
    width: int = render_stats.PLAIN_BAR_WIDTH,
    max_rows: int | None = None,
    plain: bool = False,
    blocks: bool = True,
) -> object:
    """The chart as it was drawn before, one table row per bucket."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    shown = list(counts[:max_rows]) if max_rows else list(counts)
    table = Table(box=None if plain else box.SIMPLE_HEAD, show_header=False,
                  show_edge=False, pad_edge=False, expand=False)
    table.add_column("label", no_wrap=True, max_width=None if plain else 40,
                     overflow="ellipsis")
    table.add_column("count", justify="right", no_wrap=True)
    table.add_column("bar", no_wrap=True, style=render_stats.BAR_STYLE)
    maximum = max((count.count for count in counts), default=0)
    for count in shown:
        table.add_row(count.label, str(count.count),
                      render_stats.bar(count.count, maximum, width, blocks=blocks))
    if len(shown) < len(counts):
        table.add_row(Text(f"... {len(counts) - len(shown)} more", style=render_stats.MUTED),
                      "", "")
    return table


ODD_LABELS = [
    "2014", "Sep 2014", "2100 BCE–2001 BCE", "Ivan Đorđević",
    unicodedata.normalize("NFD", "Ivan Đorđević Vučić"),  # combining marks: fewer cells
    "東京都庁 (Tōkyō)", "Александар Вучић", "مدينة", "🎉 party", "[red]not markup[/]",
    ":smile: stays", "a" * 45, "Friedrichstraße " * 4, " x ", "",
]
#: Characters Rich's text drops, expands or the console escapes.
CONTROL_LABELS = ["tab\there", "red \x1b[31mtitle", "back\rwards", "bell\x07", "del\x7f",
                  "c1\x85", "\u202eoverride", "Ivan Đorđević", "2014"]


def odd_stats(by: str, n: int, labels: list[str] = ODD_LABELS) -> Stats:
    if by == "year":
        labels = [str(year) for year in range(1900, 1900 + n)]
    counts = [Count(f"k{i}", label, (i * 7919) % 1000 + 1)
              for i, label in enumerate(labels[:n])]
    if by != "year":
        counts.sort(key=lambda count: -count.count)
    top = {"people": counts[:3], "places": counts[3:5], "tags": counts[5:9], "sources": []}
    return Stats(total=sum(c.count for c in counts), by=by, counts=counts, top=top,
                 busiest={"years": counts[:2], "months": [], "days": []},
                 precisions={"year": 3, "day": 4}, ranges=2)


def printed(stats: Stats, *, terminal: bool, width: int, max_rows: int | None) -> str:
    out = io.StringIO()
    console = safe_console_class()(
        file=out, highlight=False, markup=False, emoji=False,
        width=width if terminal else PLAIN_WIDTH, force_terminal=terminal,
        color_system="truecolor" if terminal else None,
    )
    plain = not terminal
    console.print(render_stats.stats_view(stats, width=console.width, max_rows=max_rows,
                                          plain=plain))
    return out.getvalue()


@pytest.mark.parametrize("terminal,width", [(False, 80), (True, 20), (True, 45), (True, 60),
                                            (True, 64), (True, 65), (True, 80), (True, 100),
                                            (True, 160)])
@pytest.mark.parametrize("by,n,max_rows,labels", [
    ("year", 300, None, ODD_LABELS), ("tag", 16, None, ODD_LABELS),
    ("person", 16, 6, ODD_LABELS), ("place", 1, None, ODD_LABELS),
    ("source", 16, 15, ODD_LABELS), ("tag", 9, None, CONTROL_LABELS),
    ("tag", 9, 3, CONTROL_LABELS[2:]), ("person", 12, 4, ODD_LABELS[:3] + ["b" * 41])])
def test_chart_prints_what_a_row_per_bucket_printed(
        monkeypatch: pytest.MonkeyPatch, terminal: bool, width: int, by: str, n: int,
        max_rows: int | None, labels: list[str]) -> None:
    stats = odd_stats(by, n, labels)
    new = printed(stats, terminal=terminal, width=width, max_rows=max_rows)
    monkeypatch.setattr(render_stats, "bar_chart", reference_bar_chart)
    old = printed(stats, terminal=terminal, width=width, max_rows=max_rows)
    assert new == old
    assert new.count("\n") > n // (max_rows or n) or width < 40
    assert ("\x1b[" in new) is terminal


@pytest.mark.parametrize("terminal,width", [(False, 80), (True, 100)])
def test_a_usual_chart_is_drawn_a_line_at_a_time(monkeypatch: pytest.MonkeyPatch,
                                                 terminal: bool, width: int) -> None:
    def no_table(*args: object) -> object:
        raise AssertionError("drawn as a table")

    monkeypatch.setattr(render_stats, "_chart_table", no_table)
    for by, n, max_rows in [("year", 300, None), ("tag", 12, 5)]:
        assert printed(odd_stats(by, n), terminal=terminal, width=width, max_rows=max_rows)


def test_a_label_of_several_lines_is_drawn_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    stats = odd_stats("tag", 6)
    stats.counts[1] = Count("two", "two\nlines", 5)
    for terminal, width in [(False, 80), (True, 70)]:
        new = printed(stats, terminal=terminal, width=width, max_rows=None)
        with monkeypatch.context() as patch:
            patch.setattr(render_stats, "bar_chart", reference_bar_chart)
            old = printed(stats, terminal=terminal, width=width, max_rows=None)
        assert new == old and "lines" in new


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1", "COLUMNS": "72"},
                                 {"FORCE_COLOR": "1", "COLUMNS": "200"}])
def test_stats_command_prints_what_it_printed(cli, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                              env: dict[str, str]) -> None:
    env = {"NO_COLOR": "", **env} if env else env
    for by in ("auto", "year", "month", "tag", "source"):
        new = cli("stats", "--by", by, env=env)
        with monkeypatch.context() as patch:
            patch.setattr(render_stats, "bar_chart", reference_bar_chart)
            old = cli("stats", "--by", by, env=env)
        assert new.exit_code == old.exit_code == 0, new.output
        assert new.stdout == old.stdout
        assert ("\x1b[" in new.stdout) is bool(env)


def _console(kind: str, width: int, out: io.StringIO) -> object:
    """Consoles as stats meets them: truecolor, 256 colours, NO_COLOR on a terminal, a
    pipe (no styles)."""
    terminal = kind != "pipe"
    return safe_console_class()(
        file=out, highlight=False, markup=False, emoji=False,
        width=width if terminal else PLAIN_WIDTH, force_terminal=terminal,
        color_system={"colour": "truecolor", "256 colours": "256", "no colour": "truecolor",
                      "pipe": None}[kind],
        no_color=kind == "no colour",
    )


@pytest.mark.parametrize("kind", ["colour", "256 colours", "no colour", "pipe"])
@pytest.mark.parametrize("width", [20, 45, 64, 80, 160])
@pytest.mark.parametrize("by,n,max_rows,labels", [
    ("year", 300, None, ODD_LABELS), ("month", 40, None, ["2014", "Sep 2014"]),
    ("person", 16, 6, ODD_LABELS), ("place", 1, None, ODD_LABELS),
    ("tag", 9, None, CONTROL_LABELS), ("person", 12, 4, ODD_LABELS[:3] + ["b" * 41])])
def test_the_pieces_write_what_printing_the_view_writes(
        kind: str, width: int, by: str, n: int, max_rows: int | None,
        labels: list[str]) -> None:
    """The chart's rows written as text between the rest printed by Rich: the same bytes
    as printing the whole view."""
    stats = odd_stats(by, n, labels)
    plain = kind == "pipe"
    printed_out, written_out = io.StringIO(), io.StringIO()
    console = _console(kind, width, printed_out)
    console.print(render_stats.stats_view(  # type: ignore[attr-defined]
        stats, width=console.width, max_rows=max_rows, plain=plain))  # type: ignore[attr-defined]
    console = _console(kind, width, written_out)
    texts = 0
    for piece in render_stats.stats_pieces(stats, console, max_rows=max_rows,  # type: ignore[arg-type]
                                           plain=plain):
        if isinstance(piece, str):
            texts += 1
            written_out.write(piece)
        else:
            console.print(piece)  # type: ignore[attr-defined]
    assert written_out.getvalue() == printed_out.getvalue()
    if by in ("year", "month") and width >= 80:
        assert texts == 1  # the usual chart was written as text


@pytest.mark.parametrize("by,n,max_rows,labels", [
    ("year", 300, None, ODD_LABELS), ("month", 40, None, ["2014", "Sep 2014"]),
    ("tag", 16, None, ODD_LABELS), ("person", 16, 6, ODD_LABELS),
    ("place", 1, None, ODD_LABELS), ("source", 16, 15, ODD_LABELS),
    ("tag", 9, None, CONTROL_LABELS), ("tag", 9, 3, CONTROL_LABELS[2:]),
    ("person", 12, 4, ODD_LABELS[:3] + ["b" * 41]),
    ("tag", 12, None, ["Tašmajdan", "Ташмајдан", " x ", "a  b", "[red]", "Δελφοί", "é" * 30,
                       "Ivan Đorđević", "2014", "x", "Friedrichstraße", "NBSP\u00a0here"])])
@pytest.mark.parametrize("width", [PLAIN_WIDTH, 60, 30])
def test_stats_text_is_what_rich_writes_into_a_pipe(by: str, n: int, max_rows: int | None,
                                                    labels: list[str], width: int) -> None:
    """The piped report made without Rich, byte for byte what printing the plain view
    writes; Rich's own where only Rich can lay it out."""
    from rich.console import Group

    from chronicle.render.cells import ONE_CELL
    from chronicle.render.stats import stats_text

    stats = odd_stats(by, n, labels)
    # No busiest periods, no top names, a single top table: each layout in turn.
    variants = [stats, Stats(total=stats.total, by=by, counts=stats.counts, top={},
                             busiest={}, precisions={}, ranges=0),
                Stats(total=stats.total, by=by, counts=stats.counts,
                      top={"sources": stats.counts[:1]}, busiest={}, precisions={},
                      ranges=0)]
    for variant in variants:
        for blocks in (True, False):
            text = stats_text(variant, width=width, max_rows=max_rows, blocks=blocks)
            if text is None:
                continue
            out = io.StringIO()
            console = safe_console_class()(file=out, highlight=False, markup=False,
                                           emoji=False, width=width, color_system=None)
            console.print(Group(*render_stats._stats_parts(
                variant, width=width, max_rows=max_rows, plain=True, blocks=blocks)))
            assert text == out.getvalue()
    written = stats_text(stats, width=width, max_rows=max_rows)
    one_cell = all(ONE_CELL.issuperset(count.label) for count in stats.counts)
    if width == PLAIN_WIDTH and one_cell and labels is not CONTROL_LABELS:
        assert written is not None  # the usual report is made without Rich
    if labels is CONTROL_LABELS:
        assert written is None  # escaped or expanded when drawn: Rich knows how


def test_a_top_table_narrower_than_its_title_is_drawn_as_rich_draws_it() -> None:
    from rich.console import Group

    from chronicle.render.stats import stats_text

    for size in range(1, 12):
        counts = [Count("k", "x" * size, 7), Count("j", "y", 1234 if size % 2 else 5)]
        stats = Stats(total=8, by="tag", counts=counts,
                      top=dict.fromkeys(("people", "places", "tags", "sources"), counts),
                      busiest={"days": counts[:1]}, precisions={}, ranges=0)
        out = io.StringIO()
        console = safe_console_class()(file=out, highlight=False, markup=False, emoji=False,
                                       width=PLAIN_WIDTH, color_system=None)
        console.print(Group(*render_stats._stats_parts(
            stats, width=PLAIN_WIDTH, max_rows=None, plain=True)))
        assert stats_text(stats, width=PLAIN_WIDTH, max_rows=None) == out.getvalue(), size
