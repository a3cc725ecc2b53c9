"""What ``stats`` counts and what ``export`` writes, kept as catalog columns, so counting
or exporting 100,000 entries is SQL.

Per valid entry file: its id, the start date's year, month, day and precision, its span
keys, whether it is a range, and how many tags, people, places and sources it has
(``entry_facts``); every name as written, and every source's counting key and label,
once per entry with how often the entry uses it (``name_uses``); and its JSON text as
``export`` writes it (``entry_json``). `stats_from_catalog` gives the same `Stats` as
`chronicle.stats.compute_stats` over the same entries without rebuilding an `Entry` per
file: the groupings run over covering indexes in SQLite, and only the few distinct names
and days come back to Python.

A catalog made before these tables existed, or of another shape, is filled from the
stored entries once (`ensure_facts`), without reading any YAML.
"""

from __future__ import annotations

import marshal
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

from chronicle.catalog.schema import (
    DEEP_TIME,
    MAX_YEAR,
    Transaction,
    clamp_key,
    ensure_index,
    load_entry,
    load_listing,
)
from chronicle.model import Listing

if TYPE_CHECKING:
    from chronicle.catalog import Catalog
    from chronicle.model import Entry
    from chronicle.names import NameRegistry
    from chronicle.query import Filters
    from chronicle.stats import Count, NameCounter, Stats

FACTS_VERSION = "2"
META_KEY = "facts"
#: Rows written per statement when the facts are filled from stored entries: bounded
#: memory, whatever the size of the chronicle.
FILL_BATCH = 1000

_KINDS = (("tag", "tags"), ("person", "people"), ("place", "places"))
_json_text: Callable[[Any], str] | None = None


def entry_json(data: dict[str, Any]) -> str:
    """An entry's ``to_dict()`` as ``export --format json`` writes it (one line)."""
    global _json_text
    if _json_text is None:
        from chronicle import jsontext

        _json_text = jsontext.encoder(ensure_ascii=False)
    return _json_text(data)


def fact_rows(relpath: str, entry: Entry, data: dict[str, Any] | None = None
              ) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], str]:
    """The ``entry_facts`` row, the ``name_uses`` rows and the JSON text of one valid
    entry (``data``: its ``to_dict()``, when the caller has it already)."""
    from chronicle.stats import fold_key, source_key

    date = entry.date
    span = entry.span
    year = max(-MAX_YEAR, min(MAX_YEAR, date.year))
    fact = (relpath, entry.id, year, date.month, date.day, int(date.precision),
            clamp_key(span.start), clamp_key(span.end), int(entry.end is not None),
            len(entry.tags), len(entry.people), len(entry.places), len(entry.sources),
            marshal.dumps(Listing.stored_of(entry.to_dict() if data is None else data)))
    uses: list[tuple[Any, ...]] = []
    # One row per spelling and entry, with how often the entry writes it; ``first``
    # marks the entry's first spelling of each name, so the entries naming a name are
    # a sum, however many of its spellings one entry uses.
    for kind, attribute in _KINDS:
        names = getattr(entry, attribute)
        if not names:
            continue
        seen: set[str] = set()
        for name, count in Counter(names).items():
            fold = fold_key(name)
            uses.append((relpath, kind, name, None, count, int(fold not in seen)))
            seen.add(fold)
    if entry.sources:
        labels: Counter[tuple[str, str]] = Counter()
        for source in entry.sources:
            key, label = source_key(source)
            if key:
                labels[(key, label)] += 1
        keys: set[str] = set()
        for (key, label), count in labels.items():
            uses.append((relpath, "source", key, label, count, int(key not in keys)))
            keys.add(key)
    return fact, uses, entry_json(entry.to_dict() if data is None else data)


def write_facts(db: sqlite3.Connection, drop: Iterable[str],
                entries: Iterable[tuple[str, Entry]]) -> None:
    """Replace the facts of the files in ``drop`` by those of ``entries`` (in a
    transaction the caller holds), a batch at a time."""
    dropped = [(relpath,) for relpath in drop]
    for table in ("entry_facts", "name_uses", "entry_json"):
        db.executemany(f"DELETE FROM {table} WHERE relpath = ?", dropped)
    batch: list[tuple[tuple[Any, ...], list[tuple[Any, ...]], str]] = []

    def flush() -> None:
        db.executemany("INSERT OR REPLACE INTO entry_facts VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [row[0] for row in batch])
        db.executemany("INSERT INTO name_uses VALUES (?, ?, ?, ?, ?, ?)",
                       [use for row in batch for use in row[1]])
        db.executemany("INSERT OR REPLACE INTO entry_json VALUES (?, ?)",
                       [(row[0][0], row[2]) for row in batch])
        batch.clear()

    for relpath, entry in entries:
        batch.append(fact_rows(relpath, entry))
        if len(batch) >= FILL_BATCH:
            flush()
    flush()


def mark_new(db: sqlite3.Connection) -> None:
    """Record that a catalog made empty just now keeps its facts: every row its refresh
    writes brings them (so `ensure_facts` has nothing to fill), and its name totals."""
    for statement in NAME_TOTALS:
        db.execute(statement)
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (META_KEY, FACTS_VERSION))
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (TOTALS_KEY, TOTALS_VERSION))


#: ``name_totals``: per kind, spelling and label (``''`` for the names, which have
#: none), the sums of ``name_uses.uses`` and ``first`` over every entry: what unfiltered
#: `stats` and `names` read, a few thousand rows in place of a pass over every use
#: (half a million rows at 100,000 entries). SQLite's triggers keep it in step with
#: ``name_uses``, whoever writes it: a refresh, a refill, or another chronicle version
#: that knows nothing of it. A spelling no entry uses any more is deleted.
NAME_TOTALS = (
    "CREATE TABLE IF NOT EXISTS name_totals (kind TEXT NOT NULL, name TEXT NOT NULL, "
    "label TEXT NOT NULL, uses INTEGER NOT NULL, first INTEGER NOT NULL, "
    "PRIMARY KEY (kind, name, label)) WITHOUT ROWID",
    "CREATE TRIGGER IF NOT EXISTS name_totals_add AFTER INSERT ON name_uses BEGIN "
    "INSERT INTO name_totals VALUES "
    "(new.kind, new.name, ifnull(new.label, ''), new.uses, new.first) "
    "ON CONFLICT DO UPDATE SET uses = uses + excluded.uses, first = first + excluded.first; "
    "END",
    "CREATE TRIGGER IF NOT EXISTS name_totals_drop AFTER DELETE ON name_uses BEGIN "
    "UPDATE name_totals SET uses = uses - old.uses, first = first - old.first "
    "WHERE kind = old.kind AND name = old.name AND label = ifnull(old.label, ''); "
    "DELETE FROM name_totals WHERE kind = old.kind AND name = old.name "
    "AND label = ifnull(old.label, '') AND uses <= 0; "
    "END",
    "CREATE TRIGGER IF NOT EXISTS name_totals_change AFTER UPDATE ON name_uses BEGIN "
    "UPDATE name_totals SET uses = uses - old.uses, first = first - old.first "
    "WHERE kind = old.kind AND name = old.name AND label = ifnull(old.label, ''); "
    "DELETE FROM name_totals WHERE kind = old.kind AND name = old.name "
    "AND label = ifnull(old.label, '') AND uses <= 0; "
    "INSERT INTO name_totals VALUES "
    "(new.kind, new.name, ifnull(new.label, ''), new.uses, new.first) "
    "ON CONFLICT DO UPDATE SET uses = uses + excluded.uses, first = first + excluded.first; "
    "END",
)
TOTALS_KEY = "name_totals"
TOTALS_VERSION = "1"


def name_totals(catalog: Catalog) -> bool:
    """True when ``name_totals`` can be read: made and filled from ``name_uses`` once
    (one pass, in one transaction), then kept by its triggers. False when the catalog
    cannot be written (a read-only disk): count from ``name_uses`` itself then."""
    if catalog.get_meta(TOTALS_KEY) == TOTALS_VERSION:
        return True
    from chronicle.catalog.schema import is_damage

    db = catalog.db
    try:
        with Transaction(db):
            if catalog.get_meta(TOTALS_KEY) == TOTALS_VERSION:
                return True  # made by another process while this one waited
            for statement in NAME_TOTALS:
                db.execute(statement)
            db.execute("DELETE FROM name_totals")
            db.execute("INSERT INTO name_totals SELECT kind, name, ifnull(label, ''), "
                       "sum(uses), sum(first) FROM name_uses GROUP BY kind, name, label")
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                       (TOTALS_KEY, TOTALS_VERSION))
    except sqlite3.OperationalError as err:
        if is_damage(err):
            raise
        return False
    return True


def ensure_facts(catalog: Catalog) -> None:
    """Fill the facts of a catalog made before they were kept, or kept in another shape
    (from the stored entries, without reading YAML)."""
    if catalog.get_meta(META_KEY) == FACTS_VERSION:
        return
    from chronicle.feedback import LARGE_CATCH_UP, announce

    db = catalog.db
    with Transaction(db):
        if catalog.get_meta(META_KEY) == FACTS_VERSION:
            return  # another process filled them while this one waited
        total = catalog.count()
        if total >= LARGE_CATCH_UP:
            announce(f"Gathering the counts of {total:,} stored entries (once).", [])
        for table in ("entry_facts", "name_uses", "entry_json"):
            db.execute(f"DELETE FROM {table}")
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
    where, params, within = scope
    db = catalog.db

    # Each count is one pass over the covering date index, in C; only the years, the
    # busiest months and days (and every month, when charted) come back to Python.
    months: Counter[tuple[int, int]] | None = None
    if by == "month":
        # Entries dated to the year only count in month 0 of their year. The years and
        # the busiest months are summed from these, not counted again.
        months = Counter({(year, month or 0): count for year, month, count in db.execute(
            f"SELECT year, month, count(*) FROM entry_facts WHERE {where} "
            "GROUP BY year, month", params)})
        years: dict[int, int] = {}
        for (year, _), count in months.items():
            years[year] = years.get(year, 0) + count
    else:
        years = dict(db.execute(
            f"SELECT year, count(*) FROM entry_facts WHERE {where} GROUP BY year", params))
    total = sum(years.values())
    totals = db.execute(
        "SELECT " + ", ".join(f"total(precision = {int(p)})" for p in Precision)
        + ", total(ranged), total(tags = 0), total(people = 0), total(places = 0), "
        f"total(sources = 0) FROM entry_facts WHERE {where}", params).fetchone()
    precisions = {int(p): int(count) for p, count in zip(Precision, totals, strict=False)}
    ranged, *without = (int(count) for count in totals[len(Precision):])
    if by == "auto":
        by = auto_breakdown(years)
    else:
        check_breakdown(by)

    def busiest_of(columns: str, known: str) -> list[tuple[Any, ...]]:
        """The busiest buckets (more than one entry), busiest first, then earliest."""
        return db.execute(
            f"SELECT {columns}, count(*) FROM entry_facts WHERE {where} AND {known} "
            f"IS NOT NULL GROUP BY {columns} HAVING count(*) > 1 "
            f"ORDER BY count(*) DESC, {columns} LIMIT ?", [*params, busiest]).fetchall()

    def entry_at(condition: str, condition_params: list[Any]) -> Entry | None:
        """The first entry in chronicle order of those meeting ``condition``."""
        row = db.execute(f"SELECT relpath FROM entry_facts WHERE {where} AND {condition} "
                         "ORDER BY start_key, precision, id LIMIT 1",
                         [*params, *condition_params]).fetchone()
        if row is None:
            return None
        (blob,) = db.execute("SELECT entry FROM files WHERE relpath = ?", row).fetchone()
        return load_entry(blob)

    first_of = entry_at("1", [])
    # Of the entries ending last, the first in chronicle order (as compute_stats finds it).
    last_of = entry_at(f"end_key = (SELECT max(end_key) FROM entry_facts WHERE {where})",
                       params)

    names = NameCounter(registry)
    # Every entry: the running totals per spelling. Some: their uses, summed.
    totals = within == "1" and name_totals(catalog)
    full = {kind: _count_names(db, within, params, kind, names, totals=totals)
            for kind, _ in _KINDS}
    full["source"] = _count_sources(db, within, params, totals=totals)

    if by in full:
        counts = full[by]
    else:
        if months is not None:
            buckets = months
        else:
            bucket_of = period_of(by)
            buckets = Counter()
            for year, count in years.items():
                buckets[bucket_of(PartialDate(year))] += count
        counts = [Count(*period_label(by, bucket), buckets[bucket]) for bucket in sorted(buckets)]
    assert by in PERIODS or by in full

    busy_years = sorted((year for year, count in years.items() if count > 1),
                        key=lambda year: (-years[year], year))[:busiest]
    busiest_periods = {
        "years": [Count(*period_label("year", (year, 0)), years[year]) for year in busy_years],
        "months": [Count(*period_label("month", (year, month)), count)
                   for year, month, count in (
                       busiest_of("year, month", "month") if months is None else sorted(
                           ((year, month, count) for (year, month), count in months.items()
                            if month and count > 1),
                           key=lambda row: (-row[2], row[0], row[1]))[:busiest])],
        "days": [],
    }
    for year, month, day, count in busiest_of("year, month, day", "day"):
        date = PartialDate(year, month, day)
        busiest_periods["days"].append(Count(date.isoformat(), date.display(), count))
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
        ranges=ranged,
        busiest=busiest_periods,
        top={
            kind: full[name][:top]
            for kind, name in (
                ("people", "person"), ("places", "place"), ("tags", "tag"), ("sources", "source")
            )
        },
        without=dict(zip(("tags", "people", "places", "sources"), without, strict=True)),
    )


def _sql_scope(catalog: Catalog, filters: Filters | None
               ) -> tuple[str, list[Any], str] | None:
    """The SQL condition on ``entry_facts`` for the entries ``filters`` keep, its
    parameters, and the same condition for tables keyed by ``relpath``; the facts are
    filled first. None when SQL cannot give the entries' own answer: name filters
    (their rule is the Python one), two files with one id (only one of them counts),
    years beyond what the catalog's integer columns hold."""
    if filters is not None and (filters.people or filters.places or filters.tags):
        return None
    ensure_facts(catalog)
    if has_twins(catalog.db):
        return None
    db = catalog.db
    # A span reaching the clamped keys: SQL cannot order or count it exactly.
    if db.execute(f"SELECT 1 FROM entry_facts WHERE {DEEP_TIME} LIMIT 1").fetchone():
        return None
    where, params = _span_condition(filters)
    within = f"relpath IN (SELECT relpath FROM entry_facts WHERE {where})" if params else "1"
    return where, params, within


#: Two files of one id differ in their suffix only (``x.yaml``, ``x.yml``: an id is the
#: path without it), so one of them has a suffix other than the first of
#: `chronicle.store.ENTRY_SUFFIXES` (a test holds the two equal): these few rows
#: (usually none) are indexed by id, and twins are found without reading every id.
FIRST_SUFFIX = ".yaml"
_OTHER_SUFFIX = f"substr(relpath, -{len(FIRST_SUFFIX)}) <> '{FIRST_SUFFIX}'"
TWIN_INDEX = ("CREATE INDEX IF NOT EXISTS entry_facts_other_suffix ON entry_facts (id) "
              f"WHERE {_OTHER_SUFFIX}")
#: The index's own condition, word for word, so SQLite reads the index.
TWIN_QUERY = (f"SELECT 1 FROM entry_facts o WHERE {_OTHER_SUFFIX} AND EXISTS (SELECT 1 "
              "FROM entry_facts f WHERE f.id = o.id AND f.relpath <> o.relpath) LIMIT 1")


def has_twins(db: sqlite3.Connection) -> bool:
    """Whether two files of the facts have one id (only one of them counts then)."""
    if ensure_index(db, "entry_facts_other_suffix", TWIN_INDEX):
        return db.execute(TWIN_QUERY).fetchone() is not None
    return db.execute("SELECT 1 FROM entry_facts GROUP BY id HAVING count(*) > 1 LIMIT 1"
                      ).fetchone() is not None


def _span_condition(filters: Filters | None) -> tuple[str, list[Any]]:
    if filters is None or filters.span is None:
        return "1", []
    if filters.span.is_empty:
        return "?", [0]  # false, as a parameter, so callers read it as a filter
    start, end = clamp_key(filters.span.start), clamp_key(filters.span.end)
    if filters.within:
        return "start_key >= ? AND end_key <= ?", [start, end]
    return "start_key <= ? AND end_key >= ?", [end, start]


def _count_names(db: sqlite3.Connection, within: str, params: list[Any], kind: str,
                 names: NameCounter, *, totals: bool = False) -> list[Count]:
    """`NameCounter.count` in SQL: entries per name key, labelled as it labels them.
    ``totals``: every entry is counted, from ``name_totals``."""
    from chronicle.stats import Count, _most_common

    forms: dict[str, Counter[str]] = defaultdict(Counter)
    entries: Counter[str] = Counter()
    declared: dict[str, str] = {}
    folds_of: dict[str, set[str]] = defaultdict(set)
    keys_of: dict[str, set[str]] = defaultdict(set)
    if totals:
        rows = db.execute("SELECT name, uses, first FROM name_totals WHERE kind = ?", [kind])
    else:
        rows = db.execute("SELECT name, sum(uses), sum(first) FROM name_uses "
                          f"WHERE kind = ? AND {within} GROUP BY name", [kind, *params])
    for name, uses, firsts in rows:
        key, canonical, fold = names.keys(name)
        forms[key][name] = uses
        entries[key] += firsts
        if canonical is not None:
            declared[key] = canonical
        folds_of[key].add(fold)
        keys_of[fold].add(key)
    # ``first`` counts an entry once per folded spelling. Where chronicle.yaml joins
    # several folds into one name (or parts one fold), count those entries exactly.
    irregular = {key for key, folds in folds_of.items()
                 if len(folds) > 1 or any(len(keys_of[fold]) > 1 for fold in folds)}
    if irregular and within == "1" and all(len(forms[key]) <= 500 for key in irregular):
        for key in sorted(irregular):
            # Every entry: one name at a time, each spelling sought in the covering
            # index into one set of paths (a third less work than grouping them all).
            spellings = list(forms[key])
            (entries[key],) = db.execute(
                "SELECT count(DISTINCT relpath) FROM name_uses "
                f"WHERE kind = ? AND name IN ({', '.join('?' * len(spellings))})",
                [kind, *spellings]).fetchone()
    elif irregular:
        # Some entries: the scope's paths are gathered once for all the names.
        db.execute("CREATE TEMP TABLE IF NOT EXISTS spelled_as (name TEXT PRIMARY KEY, key TEXT)")
        db.execute("DELETE FROM spelled_as")
        db.executemany("INSERT INTO spelled_as VALUES (?, ?)",
                       [(name, key) for key in irregular for name in forms[key]])
        scoped = within.replace("relpath IN", "s.relpath IN", 1)
        for key, count in db.execute(
            # CROSS JOIN: SQLite then seeks each of these few names in the index rather
            # than reading every name's rows.
            "SELECT k.key, count(DISTINCT s.relpath) FROM spelled_as k CROSS JOIN name_uses s "
            f"ON s.kind = ? AND s.name = k.name WHERE {scoped} GROUP BY k.key",
            [kind, *params]
        ):
            entries[key] = count
    result = [Count(key, declared.get(key) or _most_common(forms[key]), entries[key])
              for key in forms]
    result.sort(key=lambda count: (-count.count, count.label.casefold(), count.label))
    return result


def _count_sources(db: sqlite3.Connection, within: str, params: list[Any], *,
                   totals: bool = False) -> list[Count]:
    """`count_sources` in SQL: entries per source key, labelled by the commonest label."""
    from chronicle.stats import Count, _most_common

    labels: dict[str, Counter[str]] = defaultdict(Counter)
    entries: Counter[str] = Counter()
    if totals:
        rows = db.execute("SELECT name, label, uses, first FROM name_totals "
                          "WHERE kind = 'source'")
    else:
        rows = db.execute("SELECT name, label, sum(uses), sum(first) FROM name_uses "
                          f"WHERE kind = 'source' AND {within} GROUP BY name, label", params)
    for key, label, uses, firsts in rows:
        labels[key][label] = uses
        entries[key] += firsts
    result = [Count(key, _most_common(labels[key]), total) for key, total in entries.items()]
    result.sort(key=lambda count: (-count.count, count.label.casefold(), count.label))
    return result


def json_texts(catalog: Catalog, filters: Filters | None = None, *,
               ids: Collection[str] | None = None) -> Iterator[str] | None:
    """The JSON text of each entry `Catalog.entries` gives, in its order, as stored:
    no entry is decoded or encoded again. None when only the entries can give the same
    list (as for `stats_from_catalog`). ``ids``: only the entries with these ids (the
    ones a search found)."""
    batches = json_batches(catalog, filters, ids=ids)
    return None if batches is None else chain.from_iterable(batches)


def json_batches(catalog: Catalog, filters: Filters | None = None, *, size: int = 256,
                 encoded: bool = False, ids: Collection[str] | None = None,
                 reverse: bool = False) -> Iterator[list[Any]] | None:
    """`json_texts`, up to ``size`` texts at a time; ``encoded``: each text as UTF-8
    bytes, as SQLite stores it, so nothing is decoded into Python text and encoded again
    on the way out (a third of an export's time at 100,000 entries)."""
    # CAST gives the stored bytes, which are UTF-8 in a catalog of that encoding (the
    # default; another is encoded here).
    cast = encoded and catalog.db.execute("PRAGMA encoding").fetchone()[0] == "UTF-8"
    rows = _scoped_rows(catalog, "CAST(j.json AS BLOB)" if cast else "j.json",
                        "JOIN entry_json j ON j.relpath = f.relpath", filters, ids=ids,
                        reverse=reverse)
    if rows is None:
        return None

    def batches() -> Iterator[list[Any]]:
        while batch := list(islice(rows, size)):
            if encoded and not cast:
                yield [text.encode("utf-8") for (text,) in batch]
            else:
                yield [text for (text,) in batch]

    return batches()


def _scoped_rows(catalog: Catalog, columns: str, joins: str, filters: Filters | None,
                 *, ordered: bool = True, ids: Collection[str] | None = None,
                 reverse: bool = False) -> Iterator[tuple[Any, ...]] | None:
    """Rows of ``columns`` for each entry `Catalog.entries` gives (in its order when
    ``ordered``, newest first if ``reverse``), read as SQLite steps: never all at once.
    None as for `json_texts`. ``ids``: only the entries with these ids, handed to
    SQLite as one JSON array."""
    scope = _sql_scope(catalog, filters)
    if scope is None:
        return None
    where, params, _ = scope
    where = where.replace("start_key", "f.start_key").replace("end_key", "f.end_key")
    if ids is not None:
        import json

        where = f"({where}) AND f.id IN (SELECT value FROM json_each(?))"
        params = [*params, json.dumps(list(ids), ensure_ascii=False)]
    way = " DESC" if reverse else ""
    order = f" ORDER BY f.start_key{way}, f.precision{way}, f.id{way}" if ordered else ""
    return iter(catalog.db.execute(
        f"SELECT {columns} FROM entry_facts f {joins} WHERE {where}{order}", params))


def entries_in_order(catalog: Catalog, filters: Filters | None = None, *,
                     ids: Collection[str] | None = None, reverse: bool = False
                     ) -> Iterator[Entry] | None:
    """The entries `Catalog.entries` gives, in its order, one at a time: an export
    holds one entry at a time, not the whole chronicle. None as for `json_texts`;
    ``ids`` and ``reverse`` as there."""
    rows = _scoped_rows(catalog, "e.entry", "JOIN files e ON e.relpath = f.relpath", filters,
                        ids=ids, reverse=reverse)
    if rows is None:
        return None
    return (load_entry(blob) for (blob,) in rows)


def listings_in_order(catalog: Catalog, ids: Collection[str]) -> list[Listing] | None:
    """What `Catalog.listings` gives of the entries with ``ids`` (the ones a search
    found), in its order; None as for `json_texts`."""
    rows = _scoped_rows(catalog, "f.listing", "", None, ids=ids)
    return None if rows is None else [load_listing(blob) for (blob,) in rows]


def whole_entries(catalog: Catalog, listed: Iterable[Listing | Entry], *, size: int = 256,
                  ) -> Iterator[Entry]:
    """The whole entry of each of ``listed`` (an `Entry` is given as it is), in order,
    read from the catalog ``size`` files at a time by each listing's own file."""
    from chronicle.errors import ChronicleError

    items = iter(listed)
    while batch := list(islice(items, size)):
        wanted = [item.path.split("/", 1)[1] for item in batch if isinstance(item, Listing)]
        marks = ",".join("?" * len(wanted))
        rows = dict(catalog.db.execute(
            f"SELECT relpath, entry FROM files WHERE valid = 1 AND relpath IN ({marks})",
            wanted)) if wanted else {}
        for item in batch:
            if not isinstance(item, Listing):
                yield item
                continue
            blob = rows.get(item.path.split("/", 1)[1])
            if blob is None:
                raise ChronicleError(f"{item.path} changed while it was being written out; "
                                     "run the command again")
            yield load_entry(blob)


def custom_keys(catalog: Catalog, filters: Filters | None = None, *,
                ids: Collection[str] | None = None) -> set[str] | None:
    """Every key of the stored JSON of the entries ``filters`` keep (their custom fields
    and the keys of ``Entry.to_dict()`` they have); None and ``ids`` as for
    `json_texts`."""
    rows = _scoped_rows(
        catalog, "DISTINCT k.key",
        "JOIN entry_json j ON j.relpath = f.relpath, json_each(j.json) k", filters,
        ordered=False, ids=ids)
    return None if rows is None else {key for (key,) in rows}


def date_texts(catalog: Catalog, filters: Filters | None = None, *,
               ids: Collection[str] | None = None
               ) -> Iterator[tuple[str, str | None]] | None:
    """Each kept entry's ``date`` and ``end`` as stored; None and ``ids`` as for
    `json_texts`."""
    rows = _scoped_rows(
        catalog, "json_extract(j.json, '$.date'), json_extract(j.json, '$.end')",
        "JOIN entry_json j ON j.relpath = f.relpath", filters, ordered=False, ids=ids)
    return None if rows is None else ((date, end) for date, end in rows)


def names_from_catalog(
    catalog: Catalog,
    filters: Filters | None = None,
    *,
    kinds: Iterable[str] = ("person", "place", "tag"),
    registry: NameRegistry | None = None,
) -> dict[str, list[Any]] | None:
    """`chronicle.name_groups.group_names` of the entries ``filters`` keep, from the
    ``name_uses`` table: only the distinct spellings come back to Python.

    None when SQL cannot give the very same answer (as for `stats_from_catalog`).
    """
    from chronicle.name_groups import ATTRIBUTES, group_forms
    from chronicle.names import NameRegistry

    scope = _sql_scope(catalog, filters)
    if scope is None:
        return None
    _, params, within = scope
    db = catalog.db
    registry = registry or NameRegistry()

    totals = within == "1" and name_totals(catalog)

    def grouped(kind: str) -> list[Any]:
        if totals:
            uses = dict(db.execute("SELECT name, uses FROM name_totals WHERE kind = ?",
                                   [kind]))
        else:
            uses = dict(db.execute(f"SELECT name, sum(uses) FROM name_uses "
                                   f"WHERE kind = ? AND {within} GROUP BY name",
                                   [kind, *params]))

        def entries_per_group(root_of: Mapping[str, str]) -> dict[str, int]:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS grouped_as "
                       "(name TEXT PRIMARY KEY, root TEXT)")
            db.execute("DELETE FROM grouped_as")
            db.executemany("INSERT INTO grouped_as VALUES (?, ?)", root_of.items())
            scoped = within.replace("relpath IN", "s.relpath IN", 1)
            return dict(db.execute(
                "SELECT g.root, count(DISTINCT s.relpath) FROM grouped_as g JOIN name_uses s "
                f"ON s.kind = ? AND s.name = g.name WHERE {scoped} GROUP BY g.root",
                [kind, *params]))

        return group_forms(kind, uses, entries_per_group, registry)

    return {kind: grouped(kind) for kind in kinds if kind in ATTRIBUTES}
