"""A stat-keyed cache of parsed entries, so unchanged YAML is never parsed twice.

``index/catalog.sqlite`` (SQLite from the standard library) holds, per entry file, the
file's stat signature, the validated entry as JSON, its span as integer keys and its
name keys. ``refresh()`` stats every file and re-parses only those whose signature
changed; date and name filters then run as SQL, so ``list --year 2014`` reads only the
entries it shows. The catalog also records a digest of the entry the Whoosh index holds
for each file (``index/marks.py``), which is how the index knows what to add, update and
delete.

``schema`` is the SQLite file; ``refreshing`` keeps it in step with ``entries/``;
``naming`` answers questions about the names in use.

Everything here is derived from ``entries/`` and is rebuilt when missing, damaged or of
another schema version.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from chronicle.catalog import refreshing
from chronicle.catalog.naming import NameQueries
from chronicle.catalog.refreshing import Progress, RefreshReport
from chronicle.catalog.schema import (
    CATALOG_NAME,
    DEEP_TIME,
    Transaction,
    clamp_key,
    connect,
    ensure_index,
    is_damage,
    load_entries,
    load_entry,
    load_listings,
    remove_catalog_files,
    upgradable,
    upgrade,
    version_stamp,
)
from chronicle.errors import AmbiguousIdError, NotFoundError
from chronicle.model import Entry, Listing, Problem
from chronicle.records import Record

if TYPE_CHECKING:
    from chronicle.config import Location
    from chronicle.names import NameRegistry
    from chronicle.query import Filters, NameMatcher


#: An index of each entry's length in keys: its longest is found without a scan.
LENGTH_INDEX = ("CREATE INDEX IF NOT EXISTS entry_facts_length ON entry_facts "
                "(end_key - start_key)")

#: Where `Catalog.entries` and `Catalog.listings` read: every valid file has a row in
#: each (``entry_facts`` holds valid entries only), with the same span keys and paths.
_ENTRIES = "SELECT entry FROM files WHERE valid = 1"
_LISTINGS = "SELECT listing FROM entry_facts WHERE 1"


T = TypeVar("T", Entry, Listing)


class Catalog(NameQueries):
    """The parsed-entry cache of one chronicle."""

    def __init__(self, chronicle: Location, connection: sqlite3.Connection,
                 instance: str | None = None) -> None:
        self.chronicle = chronicle
        self.db = connection
        #: A token made when this catalog file was created: a running watcher vouches
        #: only for the catalog it keeps in step, never for a replaced or rebuilt one.
        #: None for a catalog in memory, which no watcher keeps.
        self.instance = instance
        #: Whether its rebuild was announced already (the refresh then says no more).
        self.announced = False

    def refresh(
        self,
        progress: Progress | None = None,
        *,
        paths: Iterable[str] | None = None,
        trust_watcher: bool = True,
    ) -> RefreshReport:
        """Bring the catalog in step with ``entries/``, parsing only changed files.

        ``paths`` (paths under ``entries/``) limits the work to files a command has
        just written or removed itself, instead of statting every file. Without
        ``paths``, a running watcher (``chronicle watch``) that confirms it has applied
        every change saves statting every file; ``trust_watcher=False`` scans anyway.
        """
        if progress is None:
            from chronicle.feedback import progress as default_progress

            shown = default_progress()
            if shown is not None:
                def progress(done: int, total: int) -> None:
                    shown("Reading entries", done, total)
        try:
            return refreshing.refresh(self, progress, paths=paths, trust_watcher=trust_watcher)
        except sqlite3.OperationalError as err:
            if is_damage(err):
                raise
            # A full disk or a file that became read-only: the cache is not damaged and
            # is kept; this command reads from a cache in memory instead.
            self.db.close()
            self.db = connect(":memory:")
            from chronicle.catalog.facts import mark_new

            mark_new(self.db)
            report = refreshing.refresh(self, progress, trust_watcher=False)
            report.notices.append(
                f"{self.chronicle.relative(self.chronicle.index_dir / CATALOG_NAME)} could "
                f"not be updated ({err}); working without a cache this time."
            )
            return report

    # -- reading -----------------------------------------------------------------------

    def entries(
        self,
        filters: Filters | None = None,
        registry: NameRegistry | None = None,
        *,
        limit: int | None = None,
        reverse: bool = False,
    ) -> list[Entry]:
        """Valid entries matching ``filters``, in chronicle order (newest first if reverse)."""
        return self._read(_ENTRIES, load_entries, filters, registry, limit, reverse)

    def listings(
        self,
        filters: Filters | None = None,
        registry: NameRegistry | None = None,
        *,
        limit: int | None = None,
        reverse: bool = False,
    ) -> list[Listing]:
        """What listings show of the entries `entries` gives, in its order: read from the
        narrow listing column, so no body or other field is unpacked and no `Entry` built.
        """
        from chronicle.catalog.facts import ensure_facts

        ensure_facts(self)
        return self._read(_LISTINGS, load_listings, filters, registry, limit, reverse)

    def _read(self, what: str, load: Callable[[Iterable[tuple[bytes]]], list[T]],
              filters: Filters | None, registry: NameRegistry | None, limit: int | None,
              reverse: bool) -> list[T]:
        named = filters is not None and bool(filters.people or filters.places or filters.tags)
        matcher = self.name_matcher(registry) if named else None
        sql, params = self._select_sql(filters, registry, matcher, what=what)
        order = "DESC" if reverse else "ASC"
        sql += f" ORDER BY start_key {order}, precision {order}, id {order}"
        # In the order of entry_facts_order, so SQLite reads the rows in that order
        # rather than sorting them all by path too. Only two files of one id (twins,
        # rare) can tie on those keys: when some come, read again with the path.
        found = load(self.db.execute(sql, params))
        if len({item.id for item in found}) != len(found):
            sql += f", relpath {order}"
            found = _dedupe(load(self.db.execute(sql, params)))
        if self._has_deep_time():
            # SQLite ordered and filtered by clamped keys, which deep-time years share:
            # their order and their dates are settled exactly here.
            found.sort(key=lambda item: item.sort_key, reverse=reverse)
            if filters is not None and filters.span is not None:
                found = [item for item in found if filters.matches_date(item)]
        if named:
            assert filters is not None
            # SQL narrowed by name keys; the exact rule (aliases, word runs) is the Python one.
            found = filters.apply(found, registry, matcher=matcher)
        return found[:limit] if limit else found

    def entry_ids(self, filters: Filters | None = None, *, limit: int | None = None,
                  reverse: bool = False) -> list[str] | None:
        """The ids of the entries `entries` gives, in its order, from SQL alone (no
        `Entry` is built); None when only `entries` can give the same list."""
        if not self._sql_gives_entries_order(filters):
            return None
        from chronicle.catalog.facts import FACTS_VERSION, META_KEY

        # The facts' order index holds the ids: read alone, in order, when current.
        facts = self.get_meta(META_KEY) == FACTS_VERSION
        sql, params = self._select_sql(filters, None, what=_LISTINGS if facts else _ENTRIES)
        order = "DESC" if reverse else "ASC"
        sql = sql.replace("SELECT listing" if facts else "SELECT entry", "SELECT id", 1)
        sql += f" ORDER BY start_key {order}, precision {order}, id {order}"
        ids = list(dict.fromkeys(entry_id for (entry_id,) in self.db.execute(sql, params)))
        return ids[:limit] if limit else ids

    def _sql_gives_entries_order(self, filters: Filters | None) -> bool:
        """False for name filters (their exact rule is the Python one) and when some
        entry's year lies beyond the integer keys (Python then settles the order)."""
        if filters is not None and (filters.people or filters.places or filters.tags):
            return False
        return not self._has_deep_time()

    def _has_deep_time(self) -> bool:
        """Whether some valid entry's year lies beyond the integer keys (a small
        partial index answers)."""
        return self.db.execute(
            f"SELECT 1 FROM files WHERE {DEEP_TIME} AND valid = 1 LIMIT 1"
        ).fetchone() is not None

    def _start_floor(self, start: int) -> int | None:
        """A start key below which no entry reaching ``start`` starts: ``start`` less
        the longest entry's length in keys (an entry's end key less its start key), so
        SQLite reads the entries near a period, not every earlier one. None when the
        facts are not current, or the length index cannot be made (a read-only catalog
        of an earlier version): every earlier entry is read then, as before."""
        from chronicle.catalog.facts import FACTS_VERSION, META_KEY

        if self.get_meta(META_KEY) != FACTS_VERSION:
            return None
        db = self.db
        if not ensure_index(db, "entry_facts_length", LENGTH_INDEX):
            return None
        (longest,) = db.execute("SELECT max(end_key - start_key) FROM entry_facts").fetchone()
        if longest is None:
            return start
        if not isinstance(longest, int) or start - longest < -(2 ** 63):
            return None  # lengths beyond 64 bits (deep time): SQLite made them reals
        return start - longest

    def _select_sql(
        self, filters: Filters | None, registry: NameRegistry | None,
        matcher: NameMatcher | None = None, *, what: str = _ENTRIES,
    ) -> tuple[str, list[Any]]:
        sql = what
        params: list[Any] = []
        if filters is None:
            return sql, params
        if filters.span is not None and filters.span.is_empty:
            sql += " AND 0"
        elif filters.span is not None:
            start, end = clamp_key(filters.span.start), clamp_key(filters.span.end)
            if filters.within:
                sql += " AND start_key >= ? AND end_key <= ?"
            else:
                floor = self._start_floor(start)
                if floor is not None:
                    sql += " AND start_key >= ?"
                    params.append(floor)
                sql += " AND start_key <= ? AND end_key >= ?"
                start, end = end, start
            params += [start, end]
        if filters.people or filters.places or filters.tags:
            from chronicle.query import NameMatcher

            matcher = matcher or NameMatcher(registry)
            for kind, values in (
                ("person", filters.people),
                ("place", filters.places),
                ("tag", filters.tags),
            ):
                if not values:
                    continue
                keys = sorted({key for value in values
                               for key in matcher.wanted_keys(value, kind)})
                test = " OR ".join(
                    "key = ?" if kind == "tag" else "instr(key, ?) > 0" for _ in keys
                )
                sql += (
                    f" AND relpath IN (SELECT relpath FROM names WHERE kind = '{kind}' "
                    f"AND ({test or '0'}))"
                )
                params += keys
        return sql, params

    def has_files_below(self, folder: str) -> bool:
        """True when the catalog records a file below ``folder`` (a path under entries/)."""
        prefix = folder.rstrip("/") + "/"
        row = self.db.execute(
            "SELECT 1 FROM files WHERE relpath >= ? AND relpath < ? LIMIT 1",
            (prefix, prefix[:-1] + chr(ord("/") + 1)),
        ).fetchone()
        return row is not None

    def is_empty(self) -> bool:
        """True before the first refresh has recorded any file."""
        return self.db.execute("SELECT 1 FROM files LIMIT 1").fetchone() is None

    def count(self) -> int:
        (total,) = self.db.execute("SELECT count(*) FROM files WHERE valid = 1").fetchone()
        return int(total)

    def ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM files WHERE valid = 1")]

    def get(self, entry_id: str) -> Entry | None:
        row = self.db.execute(
            "SELECT entry FROM files WHERE valid = 1 AND id = ? ORDER BY relpath LIMIT 1",
            (entry_id,),
        ).fetchone()
        return load_entry(row[0]) if row else None

    def get_many(self, entry_ids: Sequence[str]) -> dict[str, Entry]:
        found: dict[str, Entry] = {}
        for start in range(0, len(entry_ids), 500):
            chunk = list(entry_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for (text,) in self.db.execute(
                f"SELECT entry FROM files WHERE valid = 1 AND id IN ({marks})", chunk
            ):
                entry = load_entry(text)
                found.setdefault(entry.id, entry)
        return found

    def held_ids(self, entry_ids: Sequence[str]) -> set[str]:
        """Which of ``entry_ids`` valid entries have (what `get_many` would find), no
        entry read."""
        held: set[str] = set()
        for start in range(0, len(entry_ids), 500):
            chunk = list(entry_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            held.update(entry_id for (entry_id,) in self.db.execute(
                f"SELECT id FROM files WHERE valid = 1 AND id IN ({marks})", chunk))
        return held

    def resolve(self, ref: str) -> Entry:
        """The entry an id, or an unambiguous prefix or suffix of one, names."""
        ref = ref.strip().strip("/")
        for suffix in (".yaml", ".yml"):
            if ref.endswith(suffix):
                ref = ref[: -len(suffix)]
        if ref.startswith("entries/"):
            ref = ref[len("entries/") :]
        exact = self.get(ref)
        if exact is not None:
            return exact
        every_id = self.ids()
        candidates = sorted(
            {
                entry_id
                for entry_id in every_id
                if entry_id.startswith(ref)
                or entry_id.endswith(ref)
                or entry_id.rsplit("/", 1)[-1].startswith(ref)
            }
        )
        if not candidates:
            candidates = sorted(entry_id for entry_id in every_id if ref in entry_id)
        if len(candidates) == 1:
            entry = self.get(candidates[0])
            assert entry is not None
            return entry
        if candidates:
            raise AmbiguousIdError(ref, candidates)
        invalid = self.db.execute(
            "SELECT relpath FROM files WHERE valid = 0 AND id = ?", (ref,)
        ).fetchone()
        if invalid:
            raise NotFoundError(
                f"entries/{invalid[0]} is not a valid entry",
                hint="run 'chronicle check' to see what is wrong with it",
            )
        raise NotFoundError(
            f"no entry with id '{ref}'", hint="'chronicle list --format ids' lists every id"
        )

    def problems(self) -> list[Problem]:
        """The errors that keep invalid files out, in path order."""
        found: list[Problem] = []
        for relpath, text in self.db.execute(
            "SELECT relpath, problems FROM files WHERE valid = 0 ORDER BY relpath"
        ):
            display = f"{self.chronicle.entries_dir.name}/{relpath}"
            stored = json.loads(text or "[]")
            if not stored:
                found.append(Problem(display, None, "is not a valid entry"))
            for line, message in stored:
                found.append(Problem(display, line, message))
        return found

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        with self._write():
            if value is None:
                self.db.execute("DELETE FROM meta WHERE key = ?", (key,))
            else:
                self.db.execute(
                    "INSERT INTO meta VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _write(self) -> Transaction:
        return Transaction(self.db)


def _dedupe(entries: Iterable[T]) -> list[T]:
    """The first of each id (two files of one id: ``x.yaml`` and ``x.yml``)."""
    seen: set[str] = set()
    unique: list[T] = []
    for entry in entries:
        if entry.id not in seen:
            seen.add(entry.id)
            unique.append(entry)
    return unique


# -- opening ---------------------------------------------------------------------------

def open_catalog(chronicle: Location, notices: list[str] | None = None) -> Catalog:
    """Open (creating or rebuilding as needed) the catalog of ``chronicle``.

    A damaged catalog or one of another version is deleted and rebuilt; if ``index/``
    cannot be written, an in-memory catalog is used so reading still works.
    """
    notices = notices if notices is not None else []
    path = chronicle.index_dir / CATALOG_NAME
    if chronicle.index_moved:
        notices.append(
            f"{chronicle.relative(chronicle.root / 'index')}/ cannot be written; keeping the "
            f"cache in {chronicle.index_dir}"
        )
    from chronicle.feedback import announce

    stamp = version_stamp()
    why = "cannot be written"
    rebuilding = False
    for attempt in range(2):
        try:
            chronicle.index_dir.mkdir(parents=True, exist_ok=True)
            db = connect(path)
            meta = dict(db.execute(
                "SELECT key, value FROM meta WHERE key IN ('version', 'instance')"
            ))
            version = meta.get("version")
            if version is None:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (stamp,))
                if db.execute("SELECT 1 FROM files LIMIT 1").fetchone() is None:
                    from chronicle.catalog.facts import mark_new

                    mark_new(db)
            elif version != stamp and upgradable(version, stamp):
                announce("The index was made by an earlier version of chronicle; "
                         "updating it.", notices)
                if not upgrade(db, version, stamp):
                    db.close()  # changed meanwhile by another version: look again
                    continue
                meta["instance"] = db.execute(
                    "SELECT value FROM meta WHERE key = 'instance'").fetchone()[0]
            elif version != stamp:
                db.close()
                remove_catalog_files(path)
                announce("The index was made by another version of chronicle; rebuilding it.",
                         notices)
                rebuilding = True
                continue
            catalog = Catalog(chronicle, db, meta.get("instance") or _new_instance(db))
            catalog.announced = rebuilding
            return catalog
        except sqlite3.DatabaseError as err:
            if attempt == 0 and is_damage(err):
                remove_catalog_files(path)
                announce(f"{chronicle.relative(path)} was damaged ({err}); rebuilding it.",
                         notices)
                rebuilding = True
                continue
            why = f"cannot be used ({err})"
            break
        except OSError as err:
            why = f"cannot be written ({err.strerror or err})"
            break
    notices.append(
        f"{chronicle.relative(path)} {why}; working without a cache this time."
    )
    from chronicle.catalog.facts import mark_new

    memory = connect(":memory:")
    mark_new(memory)
    return Catalog(chronicle, memory)


def _new_instance(db: sqlite3.Connection) -> str | None:
    """Give a catalog file its instance token (the first process to ask wins); None
    when the file cannot be written, so no watcher is trusted for it."""
    import secrets

    try:
        db.execute("INSERT OR IGNORE INTO meta VALUES ('instance', ?)", (secrets.token_hex(8),))
        row = db.execute("SELECT value FROM meta WHERE key = 'instance'").fetchone()
    except sqlite3.OperationalError:
        return None
    return str(row[0]) if row else None


class Selection(Record):
    """What a listing command works on: the entries, the invalid files, the alias registry."""

    __slots__ = ("entries", "problems", "registry", "report")
    entries: list[Entry]
    problems: list[Problem]
    registry: NameRegistry
    report: RefreshReport

    def __init__(self, entries: list[Entry], problems: list[Problem],
                 registry: NameRegistry, report: RefreshReport) -> None:
        self.entries = entries
        self.problems = problems
        self.registry = registry
        self.report = report


def select(
    chronicle: Location,
    filters: Filters | None = None,
    *,
    limit: int | None = None,
    reverse: bool = False,
    progress: Progress | None = None,
) -> Selection:
    """Open the catalog, refresh it, return the entries ``filters`` keep, and close it.

    For one look; `chronicle.Chronicle.select` keeps one catalog open across calls.
    """
    from chronicle.names import NameRegistry

    registry = NameRegistry.from_config(chronicle.config.names)
    notices: list[str] = []
    with open_catalog(chronicle, notices) as catalog:
        report = catalog.refresh(progress)
        report.notices[:0] = notices
        entries = catalog.entries(filters, registry, limit=limit, reverse=reverse)
        return Selection(entries, catalog.problems(), registry, report)


def resolve(chronicle: Location, ref: str) -> Entry:
    """The entry ``ref`` names (id, unique prefix or suffix), from a fresh catalog."""
    with open_catalog(chronicle) as catalog:
        catalog.refresh()
        return catalog.resolve(ref)
