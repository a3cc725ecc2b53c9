"""What ``stats`` counts, kept as catalog columns, so counting 100,000 entries is SQL.

Per valid entry file: the start date's year, month and day, whether it is a range, and
how many tags, people, places and sources it has (``facts``); every name as written and
every source's counting key and label (``spellings``). `stats_from_catalog` gives the
same `Stats` as `chronicle.stats.compute_stats` over the same entries, without
rebuilding an `Entry` per file: the groupings run in SQLite, and only the few distinct
names and periods come back to Python.

A catalog made before these tables existed is filled from the stored entries once
(`ensure_facts`), without reading any YAML.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from chronicle.catalog.schema import MAX_YEAR, Transaction, clamp_key, load_entry

if TYPE_CHECKING:
    from chronicle.catalog import Catalog
    from chronicle.model import Entry
    from chronicle.names import NameRegistry
    from chronicle.query import Filters
    from chronicle.stats import Stats

FACTS_VERSION = "1"
META_KEY = "facts"


_KINDS = (("tag", "tags"), ("person", "people"), ("place", "places"))


def fact_rows(relpath: str, entry: Entry) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """The ``facts`` row and the ``spellings`` rows of one valid entry."""
    from chronicle.stats import source_key

    date = entry.date
    year = max(-MAX_YEAR, min(MAX_YEAR, date.year))
    fact = (relpath, year, date.month, date.day, int(entry.end is not None),
            len(entry.tags), len(entry.people), len(entry.places), len(entry.sources))
    spellings: list[tuple[Any, ...]] = [
        (relpath, kind, name, None)
        for kind, attribute in _KINDS
        for name in getattr(entry, attribute)
    ]
    for source in entry.sources:
        key, label = source_key(source)
        if key:
            spellings.append((relpath, "source", key, label))
    return fact, spellings


def write_facts(db: sqlite3.Connection, drop: Iterable[str],
                entries: Iterable[tuple[str, Entry]]) -> None:
    """Replace the facts of the files in ``drop`` by those of ``entries`` (in a
    transaction the caller holds)."""
    dropped = [(relpath,) for relpath in drop]
    db.executemany("DELETE FROM facts WHERE relpath = ?", dropped)
    db.executemany("DELETE FROM spellings WHERE relpath = ?", dropped)
    facts: list[tuple[Any, ...]] = []
    spellings: list[tuple[Any, ...]] = []
    for relpath, entry in entries:
        fact, names = fact_rows(relpath, entry)
        facts.append(fact)
        spellings.extend(names)
    db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", facts)
    db.executemany("INSERT INTO spellings VALUES (?, ?, ?, ?)", spellings)


def ensure_facts(catalog: Catalog) -> None:
    """Fill the facts of a catalog made before they were kept (from stored entries)."""
    if catalog.get_meta(META_KEY) == FACTS_VERSION:
        return
    db = catalog.db
    with Transaction(db):
        db.execute("DELETE FROM facts")
        db.execute("DELETE FROM spellings")
        rows = db.execute("SELECT relpath, entry FROM files WHERE valid = 1")
        write_facts(db, (), ((relpath, load_entry(blob)) for relpath, blob in rows))
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (META_KEY, FACTS_VERSION))


def stats_from_catalog(
    catalog: Catalog,
    filters: Filters | None = None,
    *,
    by: str = "year",
    top: int = 10,
    busiest: int = 5,
    registry: NameRegistry | None = None,
) -> Stats | None:
    """`compute_stats` of the entries ``filters`` keep, counted in SQL.

    None when SQL cannot give the very same answer: name filters (their rule is the
    Python one), two files with one id (only one of them counts), years beyond what the
    catalog's integer columns hold.
    """
    from chronicle.calendar import period_label, period_of
    from chronicle.dates import PartialDate, Precision
    from chronicle.stats import (
        PERIODS,
        Count,
        NameCounter,
        Stats,
        auto_breakdown,
        check_breakdown,
    )

    scope = _sql_scope(catalog, filters)
    if scope is None:
        return None
    within, params = scope
    where, _ = _span_condition(filters)
    db = catalog.db

    years = dict(db.execute(f"SELECT year, count(*) FROM facts WHERE {within} GROUP BY year",
                            params).fetchall())
    total = sum(years.values())
    if by == "auto":
        by = auto_breakdown(years)
    else:
        check_breakdown(by)

    def first_entry(order: str) -> Entry | None:
        row = db.execute(f"SELECT entry FROM files WHERE valid = 1{where} ORDER BY {order} "
                         "LIMIT 1", params).fetchone()
        return load_entry(row[0]) if row else None

    first_of = first_entry("start_key, precision, id")
    last_of = first_entry("end_key DESC, start_key, precision, id")
    precisions = dict(db.execute(f"SELECT precision, count(*) FROM files WHERE valid = 1{where} "
                                 "GROUP BY precision", params).fetchall())
    ranged, *without_counts = db.execute(
        "SELECT total(ranged), total(tags = 0), total(people = 0), total(places = 0), "
        f"total(sources = 0) FROM facts WHERE {within}", params
    ).fetchone()

    names = NameCounter(registry)
    full = {kind: _count_names(db, within, params, kind, names) for kind, _ in _KINDS}
    full["source"] = _count_sources(db, within, params)

    if by in full:
        counts = full[by]
    else:
        if by == "month":
            buckets: Counter[tuple[int, int]] = Counter({
                (year, month): count
                for year, month, count in db.execute(
                    f"SELECT year, coalesce(month, 0), count(*) FROM facts WHERE {within} "
                    "GROUP BY 1, 2", params)
            })
        else:
            bucket_of = period_of(by)
            buckets = Counter()
            for year, count in years.items():
                buckets[bucket_of(PartialDate(year))] += count
        counts = [Count(*period_label(by, bucket), buckets[bucket]) for bucket in sorted(buckets)]
    assert by in PERIODS or by in full

    def busiest_of(counter: dict[Any, int]) -> list[Any]:
        busy = [bucket for bucket, count in counter.items() if count > 1]
        return sorted(busy, key=lambda bucket: (-counter[bucket], bucket))[:busiest]

    months = {(year, month): count for year, month, count in db.execute(
        f"SELECT year, month, count(*) FROM facts WHERE {within} AND month IS NOT NULL "
        "GROUP BY year, month", params)}
    days = {(year, month, day): count for year, month, day, count in db.execute(
        f"SELECT year, month, day, count(*) FROM facts WHERE {within} AND day IS NOT NULL "
        "GROUP BY year, month, day HAVING count(*) > 1", params)}
    year_buckets = {(year, 0): count for year, count in years.items()}
    busiest_periods = {
        "years": [Count(*period_label("year", b), year_buckets[b])
                  for b in busiest_of(year_buckets)],
        "months": [Count(*period_label("month", b), months[b]) for b in busiest_of(months)],
        "days": [],
    }
    for year, month, day in busiest_of(days):
        date = PartialDate(year, month, day)
        busiest_periods["days"].append(Count(date.isoformat(), date.display(),
                                             days[(year, month, day)]))
    last = None
    if last_of is not None:
        last = last_of.end or last_of.date
    return Stats(
        total=total,
        by=by,
        counts=counts,
        first=first_of.date if first_of is not None else None,
        last=last,
        precisions={
            precision.name.lower(): precisions[int(precision)]
            for precision in Precision
            if precisions.get(int(precision))
        },
        ranges=int(ranged),
        busiest=busiest_periods,
        top={
            kind: full[name][:top]
            for kind, name in (
                ("people", "person"), ("places", "place"), ("tags", "tag"), ("sources", "source")
            )
        },
        without={
            kind: int(count)
            for kind, count in zip(("tags", "people", "places", "sources"), without_counts,
                                   strict=True)
        },
    )


def _sql_scope(catalog: Catalog, filters: Filters | None) -> tuple[str, list[Any]] | None:
    """The SQL condition on ``relpath`` (and its parameters) for the entries ``filters``
    keep, with the facts filled in; None when SQL cannot give the entries' own answer:
    name filters (their rule is the Python one), two files with one id (only one of them
    counts), years beyond what the catalog's integer columns hold."""
    if filters is not None and (filters.people or filters.places or filters.tags):
        return None
    ensure_facts(catalog)
    where, params = _span_condition(filters)
    duplicated, deep = catalog.db.execute(
        "SELECT count(*) - count(DISTINCT id), "
        f"(SELECT count(*) FROM facts WHERE abs(year) >= {MAX_YEAR}) "
        "FROM files WHERE valid = 1"
    ).fetchone()
    if duplicated or deep:
        return None
    # facts and spellings hold valid entries only: without dates to filter, all of them.
    within = f"relpath IN (SELECT relpath FROM files WHERE valid = 1{where})" if where else "1"
    return within, params


def _span_condition(filters: Filters | None) -> tuple[str, list[Any]]:
    if filters is None or filters.span is None:
        return "", []
    start, end = clamp_key(filters.span.start), clamp_key(filters.span.end)
    if filters.within:
        return " AND start_key >= ? AND end_key <= ?", [start, end]
    return " AND start_key <= ? AND end_key >= ?", [end, start]


def _count_names(db: sqlite3.Connection, within: str, params: list[Any], kind: str,
                 names: Any) -> list[Any]:
    """`NameCounter.count` in SQL: entries per name key, labelled as it labels them."""
    from chronicle.stats import Count, _most_common

    forms: dict[str, Counter[str]] = defaultdict(Counter)
    entries: dict[str, int] = {}
    declared: dict[str, str] = {}
    spellings_of: dict[str, list[str]] = defaultdict(list)
    for name, uses, files in db.execute(
        "SELECT name, count(*), count(DISTINCT relpath) FROM spellings "
        f"WHERE kind = ? AND {within} GROUP BY name", [kind, *params]
    ):
        key, canonical = names.key(name)
        forms[key][name] = uses
        spellings_of[key].append(name)
        entries[key] = files
        if canonical is not None:
            declared[key] = canonical
    shared = {name: key for key, spelled in spellings_of.items() if len(spelled) > 1
              for name in spelled}
    if shared:
        # One entry may name the same person under two spellings: count it once.
        db.execute("CREATE TEMP TABLE IF NOT EXISTS spelled_as (name TEXT PRIMARY KEY, key TEXT)")
        db.execute("DELETE FROM spelled_as")
        db.executemany("INSERT INTO spelled_as VALUES (?, ?)", shared.items())
        scoped = within.replace("relpath IN", "s.relpath IN", 1)
        entries.update(db.execute(
            "SELECT k.key, count(DISTINCT s.relpath) FROM spellings s JOIN spelled_as k "
            f"ON k.name = s.name WHERE s.kind = ? AND {scoped} GROUP BY k.key",
            [kind, *params]))
    result = [Count(key, declared.get(key) or _most_common(forms[key]), entries[key])
              for key in forms]
    result.sort(key=lambda count: (-count.count, count.label.casefold(), count.label))
    return result


def _count_sources(db: sqlite3.Connection, within: str, params: list[Any]) -> list[Any]:
    """`count_sources` in SQL: entries per source key, labelled by the commonest label."""
    from chronicle.stats import Count, _most_common

    labels: dict[str, Counter[str]] = defaultdict(Counter)
    entries: dict[str, int] = {}
    for key, label, uses in db.execute(
        "SELECT name, label, count(*) FROM spellings "
        f"WHERE kind = 'source' AND {within} GROUP BY name, label", params
    ):
        labels[key][label] = uses
    for key, files in db.execute(
        "SELECT name, count(DISTINCT relpath) FROM spellings "
        f"WHERE kind = 'source' AND {within} GROUP BY name", params
    ):
        entries[key] = files
    result = [Count(key, _most_common(labels[key]), total) for key, total in entries.items()]
    result.sort(key=lambda count: (-count.count, count.label.casefold(), count.label))
    return result


def names_from_catalog(
    catalog: Catalog,
    filters: Filters | None = None,
    *,
    kinds: Iterable[str] = ("person", "place", "tag"),
    registry: NameRegistry | None = None,
) -> dict[str, list[Any]] | None:
    """`chronicle.name_groups.group_names` of the entries ``filters`` keep, from the
    spellings table: only the distinct spellings come back to Python.

    None when SQL cannot give the very same answer (as for `stats_from_catalog`).
    """
    from chronicle.name_groups import ATTRIBUTES, group_forms
    from chronicle.names import NameRegistry

    scope = _sql_scope(catalog, filters)
    if scope is None:
        return None
    within, params = scope
    db = catalog.db
    registry = registry or NameRegistry()

    def grouped(kind: str) -> list[Any]:
        uses = dict(db.execute(
            f"SELECT name, count(*) FROM spellings WHERE kind = ? AND {within} GROUP BY name",
            [kind, *params]))

        def entries_per_group(root_of: Mapping[str, str]) -> dict[str, int]:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS grouped_as "
                       "(name TEXT PRIMARY KEY, root TEXT)")
            db.execute("DELETE FROM grouped_as")
            db.executemany("INSERT INTO grouped_as VALUES (?, ?)", root_of.items())
            scoped = within.replace("relpath IN", "s.relpath IN", 1)
            return dict(db.execute(
                "SELECT g.root, count(DISTINCT s.relpath) FROM spellings s JOIN grouped_as g "
                f"ON g.name = s.name WHERE s.kind = ? AND {scoped} GROUP BY g.root",
                [kind, *params]))

        return group_forms(kind, uses, entries_per_group, registry)

    return {kind: grouped(kind) for kind in kinds if kind in ATTRIBUTES}
