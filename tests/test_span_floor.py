"""A date filter reads only the entries near its period: SQLite starts from the period's
start less the longest entry's length (an index of lengths finds it), not from the first
entry of all. The entries, listings and ids it gives are the ones every entry, filtered in
Python, gives, in the same order, whatever the entries' dates and ranges, after edits that
make the longest entry longer or remove it, and where the index cannot be made."""

from __future__ import annotations

import json
import os
import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chronicle import Chronicle
from chronicle import catalog as catalog_module
from chronicle.catalog import CATALOG_NAME
from chronicle.dates import PartialDate
from chronicle.query import Filters

YEARS = (-120, -44, 0, 1, 1913, 1914, 1918, 1999, 2000, 2013, 2014, 2015, 2024)


def some_date(rng: random.Random) -> PartialDate:
    year = rng.choice(YEARS)
    parts: list[int | None] = [year, None, None, None, None]
    precision = rng.randrange(5)
    if precision >= 1:
        parts[1] = rng.randint(1, 12)
    if precision >= 2:
        parts[2] = rng.randint(1, 28)
    if precision >= 3:
        parts[3], parts[4] = rng.randint(0, 23), rng.randint(0, 59)
    return PartialDate(*parts)  # type: ignore[arg-type]


def write_entries(root: Path, count: int, seed: int, prefix: str = "e") -> None:
    """``count`` entries of every precision; a third have an end, some years later."""
    rng = random.Random(seed)
    folder = root / "entries" / "floor"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        date = some_date(rng)
        fields = {"title": f"Entry {prefix}{number}", "date": date.isoformat()}
        if rng.random() < 0.35:
            end = some_date(rng)
            if end.last_instant() >= date.first_instant():
                fields["end"] = end.isoformat()
        (folder / f"{prefix}{number}.yaml").write_text(json.dumps(fields), encoding="utf-8")


@pytest.fixture(scope="module")
def floor_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("floor") / "chronicle"
    (root / "entries").mkdir(parents=True)
    (root / "chronicle.yaml").write_text("title: Floor\n", encoding="utf-8")
    write_entries(root, 160, seed=11)
    old = os.environ.get("CHRONICLE_ROOT")
    os.environ["CHRONICLE_ROOT"] = str(root)
    yield root
    if old is None:
        os.environ.pop("CHRONICLE_ROOT", None)
    else:
        os.environ["CHRONICLE_ROOT"] = old


def filters_strategy() -> st.SearchStrategy[Filters]:
    day = st.builds(lambda year, month, day: f"{year:04d}-{month:02d}-{day:02d}"
                    if year >= 0 else f"-{-year:04d}-{month:02d}-{day:02d}",
                    st.sampled_from(YEARS), st.integers(1, 12), st.integers(1, 28))
    year = st.sampled_from(YEARS).map(lambda year: f"{year:04d}" if year >= 0
                                      else f"-{-year:04d}")
    return st.one_of(
        st.builds(lambda text, within: Filters.build(year=text, within=within),
                  year, st.booleans()),
        st.builds(lambda text, within: Filters.build(month=text[:-3], within=within),
                  day, st.booleans()),
        st.builds(lambda first, last: Filters.build(from_=min(first, last, key=_key),
                                                    to=max(first, last, key=_key)),
                  day, day),
        st.builds(lambda text: Filters.build(on=text), day),
    )


def _key(text: str) -> tuple[int, ...]:
    date = PartialDate.parse(text)
    return date.first_instant().key(), 0


def expected_ids(book: Chronicle, filters: Filters, reverse: bool = False) -> list[str]:
    """Every entry, filtered and ordered in Python."""
    everything = book.catalog.entries()
    kept = filters.apply(everything, book.registry)
    kept.sort(key=lambda entry: entry.sort_key, reverse=reverse)
    return [entry.id for entry in kept]


def all_answers(book: Chronicle, filters: Filters, reverse: bool) -> list[list[str]]:
    catalog = book.catalog
    return [
        [entry.id for entry in catalog.entries(filters, book.registry, reverse=reverse)],
        [listing.id for listing in catalog.listings(filters, book.registry, reverse=reverse)],
        list(catalog.entry_ids(filters, reverse=reverse) or []),
    ]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(filters_strategy(), st.booleans())
def test_a_date_filter_gives_what_every_entry_filtered_in_python_gives(
        floor_root: Path, filters: Filters, reverse: bool) -> None:
    with Chronicle.open(floor_root) as book:
        book.refresh()
        want = expected_ids(book, filters, reverse)
        assert all_answers(book, filters, reverse) == [want, want, want]


def read_longest(root: Path) -> int:
    db = sqlite3.connect(root / "index" / CATALOG_NAME)
    try:
        (longest,) = db.execute("SELECT max(end_key - start_key) FROM entry_facts").fetchone()
        plan = " ".join(str(row) for row in db.execute(
            "EXPLAIN QUERY PLAN SELECT max(end_key - start_key) FROM entry_facts"))
    finally:
        db.close()
    assert "entry_facts_length" in plan  # found in the index, not by reading every row
    return int(longest)


def test_the_floor_follows_edits_that_lengthen_or_remove_the_longest_entry(
        chronicle_root: Path) -> None:
    filters = Filters.build(year="2014")
    entries = chronicle_root / "entries"
    with Chronicle.open(chronicle_root) as book:
        book.refresh()
        before = all_answers(book, filters, False)
        assert before[0] == expected_ids(book, filters)
    longest = read_longest(chronicle_root)
    # An entry from long before reaching into the period: the floor must move down.
    (entries / "long.yaml").write_text('title: Long\ndate: "-0500"\nend: "2014-02"\n',
                                       encoding="utf-8")
    with Chronicle.open(chronicle_root) as book:
        book.refresh()
        answers = all_answers(book, filters, False)
        assert "long" in answers[0] and answers == [expected_ids(book, filters)] * 3
    assert read_longest(chronicle_root) > longest
    (entries / "long.yaml").unlink()
    with Chronicle.open(chronicle_root) as book:
        book.refresh()
        assert all_answers(book, filters, False) == before
    assert read_longest(chronicle_root) == longest


def test_without_the_length_index_every_earlier_entry_is_read(
        chronicle_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalog that cannot take the index (read-only, of an earlier version) gives the
    same answers, reading as before."""
    monkeypatch.setattr(catalog_module, "LENGTH_INDEX",
                        "CREATE INDEX entry_facts_length ON no_such_table (a)")
    filters = Filters.build(year="2014")
    with Chronicle.open(chronicle_root) as book:
        book.refresh()
        assert book.catalog._start_floor(0) is None
        want = expected_ids(book, filters)
        assert want and all_answers(book, filters, False) == [want] * 3


def test_a_read_only_catalog_without_the_index_still_lists(chronicle_root: Path) -> None:
    from chronicle.catalog import Catalog
    from chronicle.config import find_chronicle

    chronicle = find_chronicle(chronicle_root)
    filters = Filters.build(year="2014")
    with Chronicle.open(chronicle_root) as book:
        book.refresh()
        want = expected_ids(book, filters)
        book.catalog.db.execute("DROP INDEX IF EXISTS entry_facts_length")
    path = chronicle.index_dir / CATALOG_NAME
    read_only = Catalog(chronicle, sqlite3.connect(f"file:{path}?mode=ro", uri=True,
                                                   isolation_level=None))
    try:
        assert read_only._start_floor(0) is None
        assert [listing.id for listing in read_only.listings(filters)] == want
        assert read_only.entry_ids(filters) == want
    finally:
        read_only.close()


def test_a_catalog_another_program_is_writing_is_read_without_waiting(
        chronicle_root: Path) -> None:
    """The first filter of a catalog without the length index would make it; while
    another program holds the catalog's write lock, the command reads without it at once
    rather than waiting, and makes it another time."""
    import time

    from chronicle.config import find_chronicle

    filters = Filters.build(year="2014")
    with Chronicle.open(chronicle_root) as book:
        book.refresh()
        want = expected_ids(book, filters)
        book.catalog.db.execute("DROP INDEX IF EXISTS entry_facts_length")
    path = find_chronicle(chronicle_root).index_dir / CATALOG_NAME
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with Chronicle.open(chronicle_root) as book:
            started = time.monotonic()
            assert book.catalog._start_floor(0) is None
            assert [listing.id for listing in book.catalog.listings(filters)] == want
            # Not a measure of speed: whether it waited out the lock (30 s) or not.
            assert time.monotonic() - started < 10
            # The catalog waits for writers again as before.
            assert book.catalog.db.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with Chronicle.open(chronicle_root) as book:
        assert book.catalog._start_floor(0) is not None
        assert [listing.id for listing in book.catalog.listings(filters)] == want
