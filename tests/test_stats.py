"""Counting entries: chronicle.stats, its Rich view and ``chronicle stats``."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle import catalog
from chronicle.config import find_chronicle
from chronicle.dates import PartialDate
from chronicle.errors import UsageError
from chronicle.model import Entry, Source
from chronicle.render.stats import bar, bar_chart, stats_view
from chronicle.stats import BREAKDOWNS, PERIODS, Stats, breakdown, compute_stats


def basic_selection(root: Path) -> catalog.Selection:
    return catalog.select(find_chronicle(root))


def entry(number: int, date: str, **fields: Any) -> Entry:
    return Entry(id=f"e{number}", title=f"Entry {number}", date=PartialDate.parse(date), **fields)


def by_key(stats: Stats) -> dict[str, int]:
    return {count.key: count.count for count in stats.counts}


def test_years_count_each_entry_where_it_starts(chronicle_root: Path) -> None:
    selection = basic_selection(chronicle_root)
    stats = compute_stats(selection.entries, by="year", registry=selection.registry)
    assert stats.total == len(selection.entries) == 6
    assert by_key(stats) == {"-0043": 1, "1990": 1, "2014": 4}
    assert [count.label for count in stats.counts] == ["44 BCE", "1990", "2014"]
    assert stats.first == PartialDate(-43, 3, 15)
    assert stats.last == PartialDate(2014)  # the year-only entry ends last, on 31 Dec 2014
    assert stats.ranges == 1
    assert stats.precisions == {"year": 1, "month": 1, "day": 3, "minute": 1}


def test_months_keep_year_only_entries_apart(chronicle_root: Path) -> None:
    selection = basic_selection(chronicle_root)
    stats = compute_stats(selection.entries, by="month")
    assert [(c.key, c.label, c.count) for c in stats.counts] == [
        ("-0043-03", "Mar 44 BCE", 1),
        ("1990-01", "Jan 1990", 1),
        ("2014", "2014 (month unknown)", 1),
        ("2014-03", "Mar 2014", 1),
        ("2014-04", "Apr 2014", 2),
    ]


def test_decades_and_centuries_across_the_era_boundary() -> None:
    entries = [entry(1, "-0043-03-15"), entry(2, "0005"), entry(3, "1999-12-31"), entry(4, "1990")]
    decades = compute_stats(entries, by="decade").counts
    assert [(c.key, c.label, c.count) for c in decades] == [
        ("-0048s", "49 BCE\u201340 BCE", 1),  # round historical years, not 51-42 BCE
        ("0001s", "1\u20139", 1),
        ("1990s", "1990s", 2),
    ]
    centuries = compute_stats(entries, by="century").counts
    assert [(c.label, c.count) for c in centuries] == [
        ("100 BCE\u20131 BCE", 1),  # astronomical years -99 to 0
        ("1\u2013100", 1),
        ("1901\u20132000", 2),
    ]


@pytest.mark.parametrize(
    ("date", "century", "decade"),
    [
        ("-0199", "200 BCE\u2013101 BCE", "209 BCE\u2013200 BCE"),
        ("-0100", "200 BCE\u2013101 BCE", "109 BCE\u2013100 BCE"),
        ("-0099", "100 BCE\u20131 BCE", "109 BCE\u2013100 BCE"),
        ("0000", "100 BCE\u20131 BCE", "9 BCE\u20131 BCE"),
        ("0001", "1\u2013100", "1\u20139"),
        ("0100", "1\u2013100", "100s"),
        ("0101", "101\u2013200", "100s"),
        ("2000", "1901\u20132000", "2000s"),
        ("2014", "2001\u20132100", "2010s"),
        ("-3199", "3200 BCE\u20133101 BCE", "3209 BCE\u20133200 BCE"),
    ],
)
def test_periods_are_labelled_by_round_historical_years(
    date: str, century: str, decade: str
) -> None:
    entries = [entry(1, date)]
    assert [c.label for c in compute_stats(entries, by="century").counts] == [century]
    assert [c.label for c in compute_stats(entries, by="decade").counts] == [decade]


def test_auto_picks_the_finest_period_that_fits() -> None:
    assert compute_stats([entry(1, "1990"), entry(2, "2014")], by="auto").by == "year"
    many_years = [entry(n, str(1900 + n)) for n in range(61)]
    assert compute_stats(many_years, by="auto").by == "decade"
    many_decades = [entry(n, str(1000 + 10 * n)) for n in range(61)]
    stats = compute_stats(many_decades, by="auto")
    assert stats.by == "century"
    # Years 1000-1600: the year 1000 closes the century 901-1000.
    assert [c.label for c in stats.counts] == [
        "901\u20131000", "1001\u20131100", "1101\u20131200", "1201\u20131300",
        "1301\u20131400", "1401\u20131500", "1501\u20131600",
    ]
    assert compute_stats([], by="auto").by == "year"


def test_names_count_once_per_entry_under_one_spelling(chronicle_root: Path) -> None:
    selection = basic_selection(chronicle_root)
    stats = compute_stats(selection.entries, by="place", registry=selection.registry)
    places = by_label(stats.counts)
    # "Tasmajdan park" and "Tashmay Park" are one place in chronicle.yaml.
    assert places["Tasmajdan Park"] == 2
    assert "Tashmay Park" not in places and "Tasmajdan park" not in places
    assert places["Belgrade"] == 2
    assert stats.counts[0].count == 2  # busiest first
    assert sum(1 for e in selection.entries if e.places) == 5


def by_label(counts: list[Any]) -> dict[str, int]:
    return {count.label: count.count for count in counts}


def test_spellings_with_one_key_are_one_name_without_aliases() -> None:
    entries = [
        entry(1, "2014", people=("Aleksandar Vučić",)),
        entry(2, "2014", people=("Aleksandar Vucic",)),
        entry(3, "2014", people=("Aleksandar Vučić", "ALEKSANDAR VUCIC")),
        entry(4, "2014", people=("Ivica Dačić",)),
    ]
    counts = compute_stats(entries, by="person").counts
    # Three entries, not four mentions; labelled with the spelling used most.
    assert [(c.label, c.count) for c in counts] == [("Aleksandar Vučić", 3), ("Ivica Dačić", 1)]


def test_sources_count_by_site_else_title() -> None:
    entries = [
        entry(1, "2014", sources=(Source(url="https://www.example.org/a"),
                                  Source(title="Two", url="https://example.org/b"))),
        entry(2, "2014", sources=(Source(title="Embassy news item"),)),
        entry(3, "2014", sources=(Source(title="Embassy  news item", date="2014"),)),
        entry(4, "2014"),
    ]
    stats = compute_stats(entries, by="source")
    assert [(c.key, c.label, c.count) for c in stats.counts] == [
        ("embassy news item", "Embassy  news item", 2),
        ("example.org", "example.org", 1),
    ]
    assert stats.without["sources"] == 1


def test_busiest_periods_leave_out_single_entries() -> None:
    entries = [
        entry(1, "2014-04-17"), entry(2, "2014-04-17"), entry(3, "2014-04-18"),
        entry(4, "2014-03"), entry(5, "2014"), entry(6, "1990-01-20"),
    ]
    busiest = compute_stats(entries).busiest
    assert [(c.label, c.count) for c in busiest["years"]] == [("2014", 5)]
    # The month-only and year-only entries tell nothing about busy months or days.
    assert [(c.label, c.count) for c in busiest["months"]] == [("Apr 2014", 3)]
    assert [(c.label, c.count) for c in busiest["days"]] == [("17 Apr 2014", 2)]


def test_no_entries() -> None:
    stats = compute_stats([], by="tag")
    assert stats.total == 0 and stats.counts == [] and stats.first is None
    assert stats.to_dict()["busiest"] == {"years": [], "months": [], "days": []}


def test_unknown_breakdown_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="cannot count by 'weekday'"):
        compute_stats([], by="weekday")


dates = st.builds(
    lambda year, month, day, precision: PartialDate(
        year, *(month, min(day, 28))[: precision]
    ),
    st.integers(-3000, 3000),
    st.integers(1, 12),
    st.integers(1, 31),
    st.integers(0, 2),
)
names = st.lists(st.sampled_from(["Ana", "ana", "Ána", "Marko", "Tashmay", "Ташмај"]), max_size=3)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(dates, names), max_size=25))
def test_every_period_breakdown_adds_up_to_the_entries(items: list[Any]) -> None:
    entries = [
        Entry(id=f"e{n}", title="t", date=date, people=tuple(dict.fromkeys(people)))
        for n, (date, people) in enumerate(items)
    ]
    for by in PERIODS:
        counts = breakdown(entries, by)
        assert sum(count.count for count in counts) == len(entries)
        assert len({count.key for count in counts}) == len(counts)
    people = breakdown(entries, "person")
    # A name counts each entry at most once.
    assert all(count.count <= len(entries) for count in people)
    assert sum(count.count for count in people) <= sum(len(e.people) for e in entries)


def test_json_form_has_stable_keys(chronicle_root: Path) -> None:
    data = compute_stats(basic_selection(chronicle_root).entries).to_dict()
    assert list(data) == [
        "entries", "first", "last", "precision", "ranges", "by", "counts", "busiest", "top",
        "without",
    ]
    assert list(data["top"]) == ["people", "places", "tags", "sources"]
    assert data["first"] == "-0043-03-15"
    json.dumps(data)


# -- rendering -------------------------------------------------------------------------


def test_bars_are_proportional_to_an_eighth_of_a_cell() -> None:
    assert bar(10, 10, 8) == "█" * 8
    assert bar(5, 10, 8) == "█" * 4
    assert bar(1, 16, 8) == "▌"
    assert bar(1, 10_000, 8) == "▏"  # never empty for a non-zero count
    assert bar(0, 10, 8) == ""


def test_bars_without_blocks_are_whole_cells_of_ascii() -> None:
    assert bar(10, 10, 8, blocks=False) == "#" * 8
    assert bar(5, 10, 8, blocks=False) == "#" * 4
    assert bar(1, 10_000, 8, blocks=False) == "#"  # never empty for a non-zero count
    assert bar(0, 10, 8, blocks=False) == ""
    for value in range(1, 101):
        cells = len(bar(value, 100, 40))  # whole blocks and the last part
        assert cells - 1 <= len(bar(value, 100, 40, blocks=False)) <= cells


def render(renderable: Any, width: int = 100) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_chart_rows_and_what_was_left_out() -> None:
    entries = [entry(n, "2014", tags=(f"tag{n % 4}",)) for n in range(10)]
    text = render(bar_chart(breakdown(entries, "tag"), width=12, max_rows=2, plain=True))
    lines = [line.rstrip() for line in text.splitlines()]
    assert lines[0].split() == ["tag0", "3", "█" * 12]
    assert lines[1].split() == ["tag1", "3", "█" * 12]
    assert lines[2].strip() == "... 2 more"


def test_stats_view_shows_overview_chart_busiest_and_tops(chronicle_root: Path) -> None:
    selection = basic_selection(chronicle_root)
    stats = compute_stats(selection.entries, registry=selection.registry)
    text = render(stats_view(stats, width=100))
    assert text.startswith("6 entries, 15 Mar 44 BCE \u2013 2014")
    assert "Entries by year" in text
    assert "Busiest periods" in text and "2014 (4)" in text
    for title in ("Top people", "Top places", "Top tags", "Top sources"):
        assert title in text
    assert "Tasmajdan Park" in text
    assert render(stats_view(compute_stats([]))).strip() == "No entries."


# -- the command -----------------------------------------------------------------------


def test_cli_stats_table(cli: Any) -> None:
    result = cli("stats")
    assert result.exit_code == 0, result.output
    assert "Entries by year" in result.stdout  # auto: three years fit
    row = next(line for line in result.stdout.splitlines() if line.startswith("2014"))
    assert row.split()[:2] == ["2014", "4"]
    assert "\x1b[" not in result.stdout


def test_cli_stats_json_with_filters(cli: Any) -> None:
    result = cli("stats", "--year", "2014", "--by", "month", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["entries"] == 4
    assert data["by"] == "month"
    assert [c["key"] for c in data["counts"]] == ["2014", "2014-03", "2014-04"]
    assert data["top"]["places"][0] == {"key": "belgrade", "label": "Belgrade", "count": 2}


def test_cli_stats_by_person_keeps_the_top_rows(cli: Any) -> None:
    result = cli("stats", "--by", "person", "--top", "2")
    assert result.exit_code == 0, result.output
    assert "... 3 more" in result.stdout


def test_cli_stats_rejects_an_unknown_breakdown(cli: Any) -> None:
    result = cli("stats", "--by", "weekday")
    assert result.exit_code == 2
    assert "weekday" in result.output


def test_cli_stats_with_nothing_matching(cli: Any) -> None:
    result = cli("stats", "--year", "1066")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No entries match." in result.stderr


@pytest.mark.parametrize("by", BREAKDOWNS)
def test_cli_every_breakdown_works(cli: Any, by: str) -> None:
    result = cli("stats", "--by", by, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["by"] == by


@given(st.integers(min_value=-20_000_000, max_value=20_000_000), st.integers(0, 12),
       st.sampled_from(["year", "month", "decade", "century"]))
def test_period_keys_are_the_dates_iso_forms(year: int, month: int, by: str) -> None:
    """A bucket's key is the ISO form of the date that starts it, made without the date."""
    from chronicle.calendar import period_label

    key, _ = period_label(by, (year, month))
    start = PartialDate(year, month) if by == "month" and month else PartialDate(year)
    assert key == start.isoformat() + ("s" if by in ("decade", "century") else "")
