"""The timeline: grouping, gutters, counts, the Rich view (golden files) and the command."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle import catalog
from chronicle.calendar import Unit, civil_from_days, count_periods, day_number
from chronicle.config import find_chronicle
from chronicle.dates import PartialDate
from chronicle.exchange.markdown import timeline_markdown
from chronicle.model import Entry
from chronicle.render.timeline import CountChart, timeline_view
from chronicle.timeline import (
    build_timeline,
    gutter_label,
    iter_items,
    to_data,
)
from conftest import DATA, copy_chronicle

GOLDEN = Path(__file__).parent / "golden" / "timeline"
#: Set to rewrite the golden files from the current output (then review the diff).
UPDATE = bool(os.environ.get("CHRONICLE_UPDATE_GOLDEN"))


def entry(date: str, end: str | None = None, title: str = "Event", **fields: Any) -> Entry:
    return Entry(
        id=f"{date}-{title}",
        title=title,
        date=PartialDate.parse(date),
        end=PartialDate.parse(end) if end else None,
        **fields,
    )


@pytest.fixture
def timeline_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_chronicle(DATA / "timeline", tmp_path / "timeline")
    monkeypatch.setenv("CHRONICLE_ROOT", str(root))
    return root


def fixture_entries(root: Path) -> list[Entry]:
    return catalog.select(find_chronicle(root)).entries


def render(renderable: Any, width: int) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


# -- gutters and grouping ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "end", "label"),
    [
        ("2014", None, "2014"),
        ("2013", "2014", "2013\u20132014"),
        ("2014-04", None, "Apr 2014"),
        ("2014-03", "2014-05", "Mar\u2013May 2014"),
        ("2014-04-17", None, "17 Apr"),
        ("2014-04-17", "2014-04-18", "17\u201318 Apr"),
        ("2014-04-30", "2014-05-02", "30 Apr \u2013 2 May"),
        ("2013-12-30", "2014-01-02", "30 Dec 2013 \u2013 2 Jan 2014"),
        ("2014-03-05T12:03", None, "5 Mar 12:03"),
        ("2014-03-05T12:03", "2014-03-05T14:00", "5 Mar 12:03\u201314:00"),
        ("2014-04-17", "2014-05", "17 Apr \u2013 May"),
        ("-0043-03-15", None, "15 Mar"),
        ("-0489", None, "490 BCE"),
        ("-0489", "-0479", "490\u2013480 BCE"),
    ],
)
def test_gutter_leaves_out_the_year_the_heading_gives(date: str, end: str | None, label: str) -> None:
    assert gutter_label(entry(date, end)) == label


def test_entries_group_into_years_months_and_days() -> None:
    entries = [
        entry("2014-04-17", title="visit"),
        entry("2014", title="year"),
        entry("-0043-03-15", title="caesar"),
        entry("2014-04", title="month"),
        entry("2014-03-05T12:03", title="commission"),
        entry("2014-04-17T09:00", title="morning"),
    ]
    by_month = build_timeline(entries)
    assert [year.label for year in by_month.years] == ["44 BCE", "2014"]
    y2014 = by_month.years[1]
    assert [item.entry.title for item in y2014.items] == ["year"]
    assert [month.label for month in y2014.children] == ["March 2014", "April 2014"]
    april = y2014.children[1]
    assert [item.entry.title for item in april.items] == ["month", "visit", "morning"]
    assert by_month.total == y2014.count + by_month.years[0].count == 6

    by_day = build_timeline(entries, by=Unit.DAY)
    april = by_day.years[1].children[1]
    assert [item.entry.title for item in april.items] == ["month"]
    assert [(day.key, day.count) for day in april.children] == [("2014-04-17", 2)]

    by_year = build_timeline(entries, by=Unit.YEAR)
    assert all(not year.children for year in by_year.years)
    assert [item.entry.title for item in by_year.years[1].items] == [
        "year", "commission", "month", "visit", "morning",
    ]


def test_year_and_month_dates_are_marked_imprecise_and_the_filter_can_add_more() -> None:
    entries = [entry("2014"), entry("2014-04"), entry("2014-04-17")]
    marks = [item.imprecise for item in iter_items(build_timeline(entries))]
    assert marks == [True, True, False]
    gutters = [item.gutter for item in iter_items(build_timeline(entries))]
    assert gutters == ["~2014", "~Apr 2014", "17 Apr"]
    flagged = build_timeline(entries, is_imprecise=lambda e: e.date.day == 17)
    assert all(item.imprecise for item in iter_items(flagged))


def test_bce_periods_are_labelled_without_negative_years() -> None:
    timeline = build_timeline([entry("-0043-03-15"), entry("0000"), entry("-4500000000")])
    labels = [year.label for year in timeline.years]
    assert labels == ["4,500,000,001 BCE", "44 BCE", "1 BCE"]
    assert timeline.years[1].children[0].label == "March 44 BCE"
    assert not re.search(r"-\d", timeline_markdown(timeline))

    def labels_of(period: dict[str, Any]) -> list[str]:
        own = [period["label"]] + [e["date_label"] for e in period["entries"]]
        return own + [label for child in period["periods"] for label in labels_of(child)]

    shown = [label for year in to_data(timeline)["periods"] for label in labels_of(year)]
    assert shown and not any(label.startswith("-") for label in shown)


# -- counts ----------------------------------------------------------------------------------


def test_counts_by_month_keep_empty_months_and_leave_out_coarser_dates() -> None:
    entries = [entry("2014-01-05"), entry("2014-01-20"), entry("2014-04"), entry("2014")]
    counts = count_periods(entries, max_bins=50)
    assert counts.unit is Unit.MONTH
    assert [(b.start.isoformat(), b.count) for b in counts.bins] == [
        ("2014-01", 2), ("2014-02", 0), ("2014-03", 0), ("2014-04", 1),
    ]
    assert counts.uncounted == 1
    assert counts.peak == 2


def test_counts_fall_back_to_wider_bins_when_narrow_ones_do_not_fit() -> None:
    entries = [entry("1944"), entry("1990-01-20"), entry("2014-04-17")]
    assert count_periods(entries, max_bins=100).unit_label == "year"
    assert count_periods(entries, max_bins=20).unit_label == "5 years"
    counts = count_periods(entries, max_bins=8)
    assert counts.unit_label == "10 years"
    assert sum(b.count for b in counts.bins) == 3
    assert len(counts.bins) <= 8


@settings(max_examples=60, deadline=None)
@given(
    years=st.lists(st.integers(-5_000_000, 3000), min_size=1, max_size=20),
    max_bins=st.integers(1, 200),
)
def test_counts_always_fit_and_count_everything(years: list[int], max_bins: int) -> None:
    entries = [entry(PartialDate(year).isoformat()) for year in years]
    counts = count_periods(entries, max_bins=max_bins, finest=Unit.YEAR)
    assert len(counts.bins) <= max(2, max_bins)
    assert sum(b.count for b in counts.bins) == len(entries)
    starts = [b.start.year for b in counts.bins]
    assert starts == sorted(starts)


def test_day_bins_and_bce_bins() -> None:
    days = count_periods([entry("2014-04-17"), entry("2014-04-19")], max_bins=30, finest=Unit.DAY)
    assert [(b.start.isoformat(), b.count) for b in days.bins] == [
        ("2014-04-17", 1), ("2014-04-18", 0), ("2014-04-19", 1),
    ]
    bce = count_periods([entry("-0043"), entry("0001")], max_bins=5, finest=Unit.YEAR)
    assert bce.step == 20
    # Round historical years: 60 BCE, 40 BCE, 20 BCE (not 61, 41, 21 BCE), then the year 1.
    assert [bce.bin_label(b) for b in bce.bins] == ["60 BCE", "40 BCE", "20 BCE", "1"]


def test_a_chart_from_3200_to_500_bce_reads_in_round_years(cli: Any, chronicle_root: Path) -> None:
    entries = chronicle_root / "entries"
    for year in (-3199, -2999, -2600, -2000, -1500, -1000, -499):
        (entries / f"y{-year}.yaml").write_text(f'title: Y{year}\ndate: "{year:05d}"\n')
    result = cli("timeline", "--to", "-0499")
    assert result.exit_code == 0, result.output
    caption, *rest = result.stdout.splitlines()
    assert "3200\u2013500 BCE" in caption, caption
    ticks = next(line for line in rest if "BCE" in line and "\u2500" not in line)
    assert "3000 BCE" in ticks and "2500 BCE" in ticks and "500 BCE" in ticks
    assert "3001 BCE" not in ticks and "501 BCE" not in ticks


@settings(max_examples=200, deadline=None)
@given(st.integers(-10**7, 10**7))
def test_day_numbers_round_trip(days: int) -> None:
    year, month, day = civil_from_days(days)
    assert day_number(year, month, day) == days
    if year >= 1 and year <= 9999:
        epoch = dt.date(1970, 1, 1).toordinal()
        assert dt.date(year, month, day).toordinal() - epoch == days


# -- plain forms -----------------------------------------------------------------------------


def test_json_nests_periods_with_entry_keys(timeline_root: Path) -> None:
    data = to_data(build_timeline(fixture_entries(timeline_root)))
    assert data["by"] == "month" and data["total"] == 13
    assert [p["period"] for p in data["periods"]][:2] == ["-0489", "-0043"]
    y2014 = data["periods"][-1]
    assert y2014["count"] == 7
    assert [p["label"] for p in y2014["periods"]] == ["March 2014", "April 2014"]
    first = y2014["entries"][0]
    assert first["title"] == "A year of closer relations"
    assert first["imprecise"] is True and first["date_label"] == "2014"
    assert list(first)[:12] == [
        "id", "title", "date", "end", "precision", "people", "places", "tags",
        "summary", "body", "sources", "path",
    ]


def test_markdown_escapes_titles_and_nests_headings() -> None:
    entries = [entry("2014-04-17", title="*Bold* [link](x) _under_", tags=("a",)),
               entry("2014")]
    text = timeline_markdown(build_timeline(entries), title="My # chronicle")
    lines = text.splitlines()
    assert lines[0] == "# My \\# chronicle"
    assert "## 2014" in lines and "### April 2014" in lines
    assert "- **17 Apr** \\*Bold\\* \\[link\\](x) \\_under\\_ — `a`" in lines
    assert "- **~2014** Event" in lines


# -- the Rich view ---------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 100, 160])
def test_timeline_matches_golden(timeline_root: Path, width: int) -> None:
    entries = fixture_entries(timeline_root)
    text = render(timeline_view(build_timeline(entries), entries), width)
    golden = GOLDEN / f"timeline-{width}.txt"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [40, 60, 100, 160, 200])
@pytest.mark.parametrize("by", list(Unit))
def test_every_line_fits_the_width(timeline_root: Path, width: int, by: Unit) -> None:
    entries = fixture_entries(timeline_root)
    text = render(timeline_view(build_timeline(entries, by=by), entries), width)
    from rich.cells import cell_len

    assert max(cell_len(line) for line in text.splitlines()) <= width
    assert "44 BCE" in text and "490 BCE" in text
    assert not re.search(r"(?<![\w:–-])-0\d", text)  # no astronomical years on show


def test_chart_bars_follow_the_counts() -> None:
    entries = [entry("2014-01-05"), entry("2014-01-06"), entry("2014-03-01")]
    lines = render(CountChart(entries, height=2), 60).splitlines()
    assert lines[0].startswith("Entries per month") and "Jan\u2013Mar 2014" in lines[0]
    assert "peak 2" in lines[0]
    bottom = lines[2]
    top = lines[1].ljust(len(bottom))
    assert top[0] == "█" and bottom[0] == "█"  # January, the peak, is full height
    march = bottom.rfind("█")
    assert march > 0 and top[march] == " "  # March is half as high
    assert lines[-1].split() == ["Jan", "Feb", "Mar"]


# -- the command -----------------------------------------------------------------------------


def test_timeline_command_prints_the_golden_view_when_piped(cli: Any, timeline_root: Path) -> None:
    result = cli("timeline")
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    assert result.stdout == (GOLDEN / "timeline-100.txt").read_text(encoding="utf-8")


def test_timeline_filters_and_marks_imprecise_matches(cli: Any) -> None:
    result = cli("timeline", "--month", "2014-04", "--no-chart")
    assert result.exit_code == 0
    out = result.stdout
    assert "~2014" in out and "~Apr 2014" in out and "17\u201318 Apr" in out
    assert "Black January" not in out and "Caesar" not in out
    data = json.loads(cli("timeline", "--year", "2014", "--format", "json").stdout)
    assert data["total"] == 4
    assert data["periods"][0]["entries"][0]["imprecise"] is True


def test_timeline_query_narrows_to_search_hits(cli: Any) -> None:
    result = cli("timeline", "Tasmajdan", "--format", "json")
    assert result.exit_code == 0
    ids = [e["id"] for year in json.loads(result.stdout)["periods"]
           for month in year["periods"] for e in month["entries"]]
    # Tasmajdan park (places) and Tashmay Park (an alias, in the body and places).
    assert ids == ["2014/2014-03-05-commission", "2014/2014-04-17-visit"]
    missing = cli("timeline", "Zzyzx")
    assert missing.exit_code == 1
    assert "Nothing found" in missing.stderr


def test_timeline_markdown_and_empty_results(cli: Any) -> None:
    text = cli("timeline", "--format", "markdown").stdout
    assert text.startswith("# Test chronicle\n")
    assert "## 44 BCE" in text
    empty = cli("timeline", "--year", "1800")
    assert empty.exit_code == 1 and empty.stdout == ""
    assert "No entries match" in empty.stderr


def test_timeline_by_day_and_year(cli: Any) -> None:
    by_day = cli("timeline", "--by", "day", "--year", "2014", "--no-chart").stdout
    assert "17 April 2014" in by_day.splitlines()
    by_year = cli("timeline", "--by", "year", "--no-chart").stdout
    assert "April 2014" not in by_year.splitlines()


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab cd  efg\thij\nk\x0b\x1c-")), max_size=80),
       st.integers(min_value=1, max_value=24))
def test_ascii_wrap_a_line_at_a_time_equals_wrapping_word_by_word(text: str, width: int) -> None:
    from chronicle.render.timeline import _wrap_ascii, _wrap_words

    # One cell a character, as ASCII text is wrapped.
    assert _wrap_ascii(text, width) == _wrap_words(text, width, len)


def reference_timeline(entries: list[Any], *, by: Unit = Unit.MONTH,
                       is_imprecise: Any = None) -> Any:
    """`build_timeline` as it was written first: sorted by a key made per entry, each
    entry placed by asking its period's last part. The reference the faster one (in
    order without sorting, labels per distinct date) is held to."""
    from chronicle.timeline import Period, Timeline, TimelineItem, _gutter_label, _order

    years: list[Period] = []
    total = 0
    for item_entry in sorted(entries, key=_order):
        total += 1
        date = item_entry.date
        imprecise = date.day is None or bool(is_imprecise and is_imprecise(item_entry))
        item = TimelineItem(item_entry, _gutter_label(date, item_entry.end), imprecise)
        if not years or years[-1].year != date.year:
            years.append(Period(Unit.YEAR, date.year))
        period = years[-1]
        if by is Unit.YEAR or date.month is None:
            period.items.append(item)
            continue
        if not period.children or period.children[-1].month != date.month:
            period.children.append(Period(Unit.MONTH, date.year, date.month))
        period = period.children[-1]
        if by is Unit.MONTH or date.day is None:
            period.items.append(item)
            continue
        if not period.children or period.children[-1].day != date.day:
            period.children.append(Period(Unit.DAY, date.year, date.month, date.day))
        period.children[-1].items.append(item)
    return Timeline(by, years, total)


_TEXTS = ["2014", "2014-04", "2014-04-17", "2014-04-18", "2014-12-31", "2013-12",
          "2014-04-17T12:03", "2014-04-17T12:03:05", "-0043-03-15", "-0043", "0000",
          "1999-01-01", "2014-05"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_TEXTS), st.sampled_from([None, *_TEXTS]),
                          st.integers(0, 5)), max_size=40),
       st.sampled_from(list(Unit)), st.booleans(), st.booleans(), st.booleans())
def test_grouping_is_the_reference_grouping(rows: list[tuple[str, str | None, int]],
                                            by: Unit, shared: bool, ordered: bool,
                                            flagged: bool) -> None:
    """Entries in chronicle order (as the catalog gives them) or not, listings sharing
    date objects (as the catalog's are) or whole entries each with its own: the same
    years, months, days, items, labels and marks as the reference."""
    from chronicle.model import Listing

    made = []
    for number, (start, end, title) in enumerate(rows):
        date = PartialDate.parse(start) if shared else PartialDate._parse_text(start)
        finish = None
        if end is not None:
            finish = PartialDate.parse(end) if shared else PartialDate._parse_text(end)
            if finish.last_instant() < date.first_instant():
                finish = None
        made.append(Listing(f"e{title}-{number % 7}", f"Title {title}", date, finish, (),
                            (), (), "") if shared else
                    Entry(id=f"e{title}-{number % 7}", title=f"Title {title}", date=date,
                          end=finish))
    if ordered:
        made.sort(key=lambda item: item.sort_key)

    def imprecise(item: Any) -> bool:
        return flagged and item.title.endswith(("1", "4"))

    assert build_timeline(made, by=by, is_imprecise=imprecise) == reference_timeline(
        made, by=by, is_imprecise=imprecise)


def reference_count(entries: list[Any], unit: Unit, step: int, max_bins: int) -> Any:
    """`calendar._count` as it was first written: one entry at a time."""
    from chronicle.calendar import Bin, Counts, _bin_index, _bin_start
    from chronicle.dates import Precision

    counted: dict[int, int] = {}
    uncounted = 0
    need = {Unit.YEAR: Precision.YEAR, Unit.MONTH: Precision.MONTH,
            Unit.DAY: Precision.DAY}[unit]
    for item in entries:
        if item.date.precision < need:
            uncounted += 1
            continue
        index = _bin_index(item.date, unit, step)
        counted[index] = counted.get(index, 0) + 1
    if not counted:
        return Counts(unit, step, [], uncounted) if unit is Unit.YEAR else None
    low, high = min(counted), max(counted)
    if high - low + 1 > max_bins:
        return None
    bins = [Bin(_bin_start(i, unit, step), counted.get(i, 0)) for i in range(low, high + 1)]
    last_year = max(e.date.year for e in entries if e.date.precision >= need)
    return Counts(unit, step, bins, uncounted, last_year)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_TEXTS), st.booleans()), min_size=1, max_size=40),
       st.sampled_from(list(Unit)), st.integers(2, 120))
def test_counts_per_distinct_date_are_the_counts_per_entry(
        rows: list[tuple[str, bool]], finest: Unit, max_bins: int) -> None:
    """The chart counts each distinct date once (shared date objects, as the catalog
    hands them out, or one per entry): the same bins as counting entry by entry."""
    from chronicle import calendar

    made = [entry(text) if own else entry(text, title=f"E{number}")
            for number, (text, own) in enumerate(rows)]
    counts = count_periods(made, max_bins=max_bins, finest=finest)
    # count_periods as first written, over reference_count.
    bins = max(2, max_bins)
    candidates = [(Unit.DAY, 1)] if finest is Unit.DAY else []
    if finest in (Unit.DAY, Unit.MONTH):
        candidates.append((Unit.MONTH, 1))
    candidates += [(Unit.YEAR, step) for step in calendar.YEAR_STEPS]
    first = min(item.date.year for item in made)
    last = max(item.date.year for item in made)
    step = calendar.YEAR_STEPS[-1]
    while (calendar._historical(last) // step - calendar._historical(first) // step + 1
           > bins):
        step *= 10
        candidates.append((Unit.YEAR, step))
    reference = next(found for unit, step in candidates
                     if (found := reference_count(made, unit, step, bins)) is not None)
    assert counts == reference


def reference_md_escape(text: str) -> str:
    """`_md_escape` as first written: every text split, joined and replaced."""
    text = " ".join(text.split())
    for char in "\\`*_[]<>#|~":
        text = text.replace(char, "\\" + char)
    return text


@settings(max_examples=400)
@given(st.one_of(
    # Mostly plain text with spaces (what is returned as it is, or nearly)...
    st.text(alphabet=st.sampled_from(list("ab Đ-·\u200b"))),
    # ... and anything the escape changes.
    st.text(alphabet=st.sampled_from(list(
        "ab Đ  \t\n\r\x0b\x0c\x1c\x1d\x85\u00a0\u2028\u3000\u200b\\`*_[]<>#|~-·")))))
def test_markdown_escapes_what_it_escaped_before(text: str) -> None:
    from chronicle.exchange.markdown import _md_escape

    assert _md_escape(text) == reference_md_escape(text)
