"""Date filters and date queries at their edges: one second either side of a bound, years
beyond the catalog's integer keys, ranges given backwards, filters that cannot all hold.

The oracle is worked out here from the dates written in the files, never asked of
chronicle: an entry overlaps a period when it starts no later than the period's last
second and ends no earlier than its first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import chronicle
from chronicle.dates import Instant, PartialDate
from chronicle.errors import DateError
from chronicle.index.querylang import QuerySyntaxError, parse

#: id -> (date, end): entries a second apart around midnight, a minute, a month's and a
#: year's turn, and years far beyond what a 64-bit key holds.
ENTRIES = {
    "edge/day-16": ("2014-04-16", None),
    "edge/day-17": ("2014-04-17", None),
    "edge/day-18": ("2014-04-18", None),
    "edge/days-16-17": ("2014-04-16", "2014-04-17"),
    "edge/minute-1202": ("2014-04-17T12:02", None),
    "edge/minute-1203": ("2014-04-17T12:03", None),
    "edge/second-235959": ("2014-04-17T23:59:59", None),
    "edge/month-04": ("2014-04", None),
    "edge/year-2013": ("2013", None),
    "edge/year-2014": ("2014", None),
    "edge/year-2015": ("2015", None),
    "edge/year-one": ("0001-01-01T00:00", None),
    "edge/bce": ("-0043-03-15", None),
    "edge/deep-earth": ("-4500000000", None),
    "edge/deep-older": ("-20000000000000", None),
    "edge/deep-future": ("99999999999", None),
    "edge/deep-later": ("20000000000000", None),
    "edge/deep-long": ("2014", "3000000000"),
}


def span_of(date: str, end: str | None) -> tuple[Instant, Instant]:
    return (PartialDate.parse(date).first_instant(),
            PartialDate.parse(end or date).last_instant())


def overlapping(start: Instant, end: Instant) -> list[str]:
    return sorted(entry_id for entry_id, (date, last) in ENTRIES.items()
                  if span_of(date, last)[0] <= end and start <= span_of(date, last)[1])


@pytest.fixture
def edges(chronicle_root: Path) -> Path:
    folder = chronicle_root / "entries" / "edge"
    folder.mkdir()
    for entry_id, (date, end) in ENTRIES.items():
        text = f'title: Edge zqedge {entry_id.split("/")[1]}\ndate: "{date}"\n'
        if end:
            text += f'end: "{end}"\n'
        (chronicle_root / "entries" / f"{entry_id}.yaml").write_text(text, encoding="utf-8")
    return chronicle_root


def edge_ids(ids: list[str]) -> list[str]:
    return sorted(entry_id for entry_id in ids if entry_id.startswith("edge/"))


FILTERS = [
    {"year": "-20000000000000"},
    {"year": "-4500000000"},
    {"to": "-4600000000"},
    {"from": "-4600000000", "to": "-4400000000"},
    {"year": "99999999999"},
    {"from": "20000000000000"},
    {"year": "2999999999"},
    {"from": "2014-04-17T12:03", "to": "2014-04-17T12:03"},
    {"year": "2014"},
]


@pytest.mark.parametrize("given", FILTERS, ids=lambda given: " ".join(
    f"--{key} {value}" for key, value in given.items()))
def test_every_listing_path_keeps_exactly_the_entries_overlapping_the_filter(
        edges: Path, given: dict[str, str]) -> None:
    keywords = {("from_" if key == "from" else key): value for key, value in given.items()}
    low = PartialDate.parse(given.get("from") or given.get("year") or "-900000000000000")
    high = PartialDate.parse(given.get("to") or given.get("year") or "900000000000000")
    wanted = overlapping(low.first_instant(), high.last_instant())
    with chronicle.Chronicle.open(edges) as book:
        assert edge_ids([e.id for e in book.select(**keywords).entries]) == wanted
        assert edge_ids(book.select_ids(**keywords)[1]) == wanted
        assert edge_ids([item.id for item in book.select_listings(**keywords)[1]]) == wanted
        counted = book.stats(**keywords)[1]
        assert counted.total == len(wanted) + sum(
            1 for entry in book.select(**keywords).entries if not entry.id.startswith("edge/"))
        found = book.search("zqedge", filters=chronicle.Filters.build(**keywords), limit=0)
        assert edge_ids([hit.entry.id for hit in found.hits]) == wanted


BOUND = PartialDate.parse


@pytest.mark.parametrize(("query", "start", "end"), [
    # Before a day: up to its first second, not into it.
    ("date:<2014-04-17", Instant(-(10**15)), Instant(2014, 4, 16, 23, 59, 59)),
    ("date:<=2014-04-16", Instant(-(10**15)), Instant(2014, 4, 16, 23, 59, 59)),
    ("date:>2014-04-17", Instant(2014, 4, 18), Instant(10**15)),
    ("date:>=2014-04-18", Instant(2014, 4, 18), Instant(10**15)),
    ("date:<2014-04-17T12:03", Instant(-(10**15)), Instant(2014, 4, 17, 12, 2, 59)),
    ("date:>2014-04-17T12:02", Instant(2014, 4, 17, 12, 3), Instant(10**15)),
    ("date:>2014-04-17T23:59:59", Instant(2014, 4, 18), Instant(10**15)),
    ("date:<2014", Instant(-(10**15)), Instant(2013, 12, 31, 23, 59, 59)),
    ("date:>2014-04", Instant(2014, 5), Instant(10**15)),
    ("date:>2014", Instant(2015), Instant(10**15)),
    ("date:<1", Instant(-(10**15)), Instant(0, 12, 31, 23, 59, 59)),
    ("date:<-4500000000", Instant(-(10**15)), Instant(-4500000001, 12, 31, 23, 59, 59)),
    ("date:[* to -4600000000]", Instant(-(10**15)), Instant(-4600000000, 12, 31, 23, 59, 59)),
    ("date:[20000000000000 to *]", Instant(20000000000000), Instant(10**15)),
])
def test_a_date_query_keeps_exactly_the_entries_overlapping_it(
        edges: Path, query: str, start: Instant, end: Instant) -> None:
    with chronicle.Chronicle.open(edges) as book:
        found = book.search(f"zqedge {query}", limit=0)
        assert edge_ids([hit.entry.id for hit in found.hits]) == overlapping(start, end)


@pytest.mark.parametrize(("low", "high"), [
    ("2015", "2013"), ("2014-04-18", "2014-04-17"), ("2014-04-17T12:03", "2014-04-17T12:02"),
])
def test_a_range_given_backwards_is_refused_not_read_as_another(
        edges: Path, low: str, high: str) -> None:
    with pytest.raises(DateError, match="after"):
        chronicle.Filters.build(from_=low, to=high, labels={"from_": "--from", "to": "--to"})
    with pytest.raises(QuerySyntaxError, match="after"):
        parse(f"date:[{low} to {high}]")


def test_filters_that_cannot_all_hold_keep_no_entry_at_all(edges: Path) -> None:
    with chronicle.Chronicle.open(edges) as book:
        for keywords in ({"year": "2014", "month": "2015-01"},
                         {"on": "0001-01-02", "year": "0001"},
                         {"year": "0001", "month": "0002-01"}):
            assert book.select(**keywords).entries == []
            assert book.select_ids(**keywords)[1] == []
            assert book.select_listings(**keywords)[1] == []
            assert book.stats(**keywords)[1].total == 0
            found = book.search("zqedge", filters=chronicle.Filters.build(**keywords), limit=0)
            assert found.hits == []


@pytest.mark.parametrize("year", ["1" + "0" * 100, "-1" + "0" * 100, "1" + "0" * 5000])
def test_a_year_beyond_what_readers_can_order_is_one_invalid_file_not_a_broken_search(
        edges: Path, year: str) -> None:
    huge = edges / "entries" / "edge" / "huge.yaml"
    huge.write_text(f'title: Huge zqedge\ndate: "{year}"\n', encoding="utf-8")
    with chronicle.Chronicle.open(edges) as book:
        found = book.search("zqedge", limit=0)
        assert "edge/huge" not in [hit.entry.id for hit in found.hits]
        assert len(found.hits) == len(ENTRIES)
        problems = book.check().problems
        assert any(problem.path.endswith("huge.yaml") and "at most 100 digits" in problem.message
                   for problem in problems)


def test_the_command_line_refuses_a_backwards_range_and_a_huge_year_in_one_line(
        edges: Path, cli: Callable[..., Any]) -> None:
    backwards = cli("list", "--from", "2015", "--to", "2013")
    assert backwards.exit_code == 2
    assert backwards.stderr.strip() == "Error: --from 2015 is after --to 2013"
    huge = cli("list", "--year", "1" + "0" * 5000)
    assert huge.exit_code == 2
    assert huge.stderr.startswith("Error: --year: '10000000000000000000...0000000000': ")
    assert "Traceback" not in huge.stderr and len(huge.stderr.splitlines()) == 1
