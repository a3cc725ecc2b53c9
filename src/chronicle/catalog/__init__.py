"""A stat-keyed cache of parsed entries, so unchanged YAML is never parsed twice.

``index/catalog.sqlite`` (SQLite from the standard library) holds, per entry file, the
file's stat signature, the validated entry as JSON, its span as integer keys and its
name keys. ``refresh()`` stats every file and re-parses only those whose signature
changed; date and name filters then run as SQL, so ``list --year 2014`` reads only the
entries it shows. The catalog also records which version of each file the Whoosh index
holds, which is how ``index.py`` knows what to add, update and delete.

Everything here is derived from ``entries/`` and is rebuilt when missing, damaged or of
another schema version.
"""

from __future__ import annotations

import json
import marshal
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chronicle.dates import Instant
from chronicle.errors import AmbiguousIdError, NotFoundError
from chronicle.model import Entry, Problem

if TYPE_CHECKING:
    from chronicle.config import Chronicle
    from chronicle.names import NameRegistry
    from chronicle.query import Filters

CATALOG_NAME = "catalog.sqlite"
#: Bump when the tables or the stored entry form change: old catalogs are rebuilt.
SCHEMA_VERSION = "3"
#: SQLite integers are 64-bit; spans of years beyond this many are clamped for filtering.
_MAX_YEAR = 900_000_000
_BUSY_TIMEOUT_S = 30.0

Progress = Callable[[int, int], None]


@dataclass
class RefreshReport:
    """What a refresh found: counts by kind of change."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    invalid: int = 0
    unchanged: int = 0
    notices: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


@dataclass
class PendingIndexWork:
    """What the search index must do to catch up with the catalog."""

    upsert: list[tuple[str, str, Entry]]  # (relpath, signature, entry)
    delete: list[tuple[str, str | None, str]]  # (relpath, signature or None if gone, id)

    def __len__(self) -> int:
        return len(self.upsert) + len(self.delete)


def clamp_key(instant: Instant) -> int:
    """The instant's integer key, kept inside SQLite's 64-bit range."""
    if instant.year > _MAX_YEAR:
        instant = Instant(_MAX_YEAR, 12, 31, 23, 59, 59)
    elif instant.year < -_MAX_YEAR:
        instant = Instant(-_MAX_YEAR)
    return instant.key()


def file_signature(stat: os.stat_result) -> str:
    # ctime changes on every write and cannot be set back by tools that preserve
    # mtime (cp -p, rsync -t), so together they catch every edit.
    return f"{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_size}"


def _stat_entry_file(entries_dir: Path, relpath: str) -> str | None:
    from chronicle.store import ENTRY_SUFFIXES

    name = relpath.rsplit("/", 1)[-1]
    if name.startswith(".") or not name.endswith(ENTRY_SUFFIXES):
        return None
    try:
        stat = (entries_dir / relpath).stat()
    except OSError:
        return None
    return file_signature(stat)


def scan_entry_files(entries_dir: Path) -> dict[str, str]:
    """``{path under entries/: signature}`` for every entry file, by stat alone."""
    from chronicle.store import ENTRY_SUFFIXES

    found: dict[str, str] = {}
    if not entries_dir.is_dir():
        return found
    stack: list[tuple[str, str]] = [(str(entries_dir), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as items:
                for item in items:
                    name = item.name
                    if name[0] == ".":
                        continue
                    # Entry files far outnumber folders: test the cheap name first.
                    try:
                        if name.endswith(ENTRY_SUFFIXES) and item.is_file():
                            found[prefix + name] = file_signature(item.stat())
                        elif item.is_dir():
                            stack.append((item.path, f"{prefix}{name}/"))
                    except OSError:
                        continue
        except OSError:
            continue
    return found


class Catalog:
    """The parsed-entry cache of one chronicle."""

    def __init__(self, chronicle: Chronicle, connection: sqlite3.Connection) -> None:
        self.chronicle = chronicle
        self.db = connection

    # -- keeping in step ---------------------------------------------------------------

    def refresh(
        self, progress: Progress | None = None, *, paths: Iterable[str] | None = None
    ) -> RefreshReport:
        """Bring the catalog in step with ``entries/``, parsing only changed files.

        ``paths`` (paths under ``entries/``) limits the work to files a command has
        just written or removed itself, instead of statting every file.
        """
        from chronicle.store import parse_entry_text, read_text

        report = RefreshReport()
        known = self._manifest()
        if paths is None:
            on_disk = scan_entry_files(self.chronicle.entries_dir)
            if known == on_disk:
                report.unchanged = len(on_disk)
                return report
            candidates: Iterable[str] = on_disk
        else:
            candidates = sorted(set(paths))
            on_disk = dict(known)
            for relpath in candidates:
                sig = _stat_entry_file(self.chronicle.entries_dir, relpath)
                if sig is None:
                    on_disk.pop(relpath, None)
                else:
                    on_disk[relpath] = sig
        changed = [
            path for path in candidates if path in on_disk and known.get(path) != on_disk[path]
        ]
        gone = [
            path
            for path in (known if paths is None else candidates)
            if path in known and path not in on_disk
        ]
        report.unchanged = len(on_disk) - len(changed)
        if not changed and not gone:
            return report

        entries_dir = self.chronicle.entries_dir
        declared = self.chronicle.config.fields
        rows: list[tuple[Any, ...]] = []
        name_rows: list[tuple[str, str, str]] = []
        for done, relpath in enumerate(sorted(changed), 1):
            display = f"{entries_dir.name}/{relpath}"
            text, problem = read_text(entries_dir / relpath, display)
            if text is None:
                entry, problems = None, [problem] if problem else []
            else:
                result = parse_entry_text(
                    text, id=relpath.rsplit(".", 1)[0], path=display, declared=declared
                )
                entry, problems = result.entry, result.problems
            errors = [p for p in problems if p.severity == "error"]
            if relpath in known:
                report.updated += 1
            else:
                report.added += 1
            if entry is None:
                report.invalid += 1
                rows.append(_row(relpath, on_disk[relpath], None, errors))
            else:
                rows.append(_row(relpath, on_disk[relpath], entry, []))
                name_rows.extend(_name_rows(relpath, entry))
            if progress:
                progress(done, len(changed))
        report.removed = len(gone)
        with self._write():
            self.db.executemany(
                "DELETE FROM names WHERE relpath = ?", [(path,) for path in changed + gone]
            )
            for relpath in gone:
                self.db.execute(
                    "INSERT OR IGNORE INTO removed (relpath, id) "
                    "SELECT relpath, id FROM files WHERE relpath = ? AND indexed IS NOT NULL",
                    (relpath,),
                )
            self.db.executemany("DELETE FROM files WHERE relpath = ?", [(p,) for p in gone])
            self.db.executemany(
                "INSERT INTO files (relpath, id, sig, valid, start_key, end_key, precision, "
                "entry, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(relpath) DO UPDATE SET id = excluded.id, sig = excluded.sig, "
                "valid = excluded.valid, start_key = excluded.start_key, "
                "end_key = excluded.end_key, precision = excluded.precision, "
                "entry = excluded.entry, problems = excluded.problems",
                rows,
            )
            self.db.executemany("INSERT INTO names VALUES (?, ?, ?)", name_rows)
            self.db.execute(
                "INSERT OR REPLACE INTO manifest VALUES (0, ?)", (marshal.dumps(on_disk),)
            )
        return report

    def _manifest(self) -> dict[str, str]:
        """``{relpath: signature}`` as of the last refresh, in one read.

        The same mapping as the files table, kept as one marshalled blob because reading
        100k rows costs several times more than loading the blob, and "nothing changed"
        is the common case to make cheap.
        """
        row = self.db.execute("SELECT data FROM manifest WHERE id = 0").fetchone()
        if row is not None:
            try:
                data = marshal.loads(row[0])
                if isinstance(data, dict):
                    return data
            except (EOFError, ValueError, TypeError):
                pass
        return dict(self.db.execute("SELECT relpath, sig FROM files"))

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
        sql, params = self._select_sql(filters, registry)
        order = "DESC" if reverse else "ASC"
        sql += f" ORDER BY start_key {order}, precision {order}, id {order}"
        rows = self.db.execute(sql, params)
        entries = _dedupe(_load_entry(blob) for (blob,) in rows)
        if any(abs(entry.date.year) > _MAX_YEAR for entry in entries):
            # SQLite ordered by clamped keys; deep-time order is settled exactly here.
            entries.sort(key=lambda entry: entry.sort_key, reverse=reverse)
        if filters is not None and (filters.people or filters.places or filters.tags):
            # SQL narrowed by name keys; the exact rule (aliases, word runs) is the Python one.
            entries = filters.apply(entries, registry)
        return entries[:limit] if limit else entries

    def _select_sql(
        self, filters: Filters | None, registry: NameRegistry | None
    ) -> tuple[str, list[Any]]:
        sql = "SELECT entry FROM files WHERE valid = 1"
        params: list[Any] = []
        if filters is None:
            return sql, params
        if filters.span is not None:
            start, end = clamp_key(filters.span.start), clamp_key(filters.span.end)
            if filters.within:
                sql += " AND start_key >= ? AND end_key <= ?"
            else:
                sql += " AND start_key <= ? AND end_key >= ?"
                start, end = end, start
            params += [start, end]
        if filters.people or filters.places or filters.tags:
            from chronicle.query import NameMatcher

            matcher = NameMatcher(registry)
            for kind, values in (
                ("person", filters.people),
                ("place", filters.places),
                ("tag", filters.tags),
            ):
                if not values:
                    continue
                keys = sorted({key for value in values for key in matcher.wanted_keys(value)})
                test = " OR ".join(
                    "key = ?" if kind == "tag" else "instr(key, ?) > 0" for _ in keys
                )
                sql += (
                    f" AND relpath IN (SELECT relpath FROM names WHERE kind = '{kind}' "
                    f"AND ({test or '0'}))"
                )
                params += keys
        return sql, params

    # -- names in use (kind: person, place or tag; keys are names.name_key values) --------

    def ids_naming(self, kind: str, key: str, limit: int) -> list[str]:
        """Ids of valid entries naming ``key`` under ``kind``, at most ``limit``."""
        return [
            entry_id
            for (entry_id,) in self.db.execute(
                "SELECT DISTINCT f.id FROM names n JOIN files f ON f.relpath = n.relpath "
                "WHERE n.kind = ? AND n.key = ? AND f.valid = 1 LIMIT ?",
                (kind, f" {key} ", limit),
            )
        ]

    def count_naming(self, kind: str, keys: set[str]) -> int:
        """How many valid entries name any of ``keys`` under ``kind``."""
        marks = ",".join("?" * len(keys))
        (count,) = self.db.execute(
            "SELECT count(DISTINCT n.relpath) FROM names n JOIN files f "
            f"ON f.relpath = n.relpath WHERE n.kind = ? AND f.valid = 1 AND n.key IN ({marks})",
            (kind, *(f" {key} " for key in sorted(keys))),
        ).fetchone()
        return int(count)

    def name_keys_starting(self, kind: str, letter: str) -> list[str]:
        """Every key of ``kind`` in use that begins with ``letter``."""
        return [
            found[1:-1]
            for (found,) in self.db.execute(
                "SELECT DISTINCT key FROM names WHERE kind = ? AND key >= ? AND key < ?",
                (kind, f" {letter}", f" {chr(ord(letter) + 1)}"),
            )
        ]

    def most_named(self, kind: str, limit: int) -> list[tuple[str, int]]:
        """The keys of ``kind`` the most valid entries use, with their counts."""
        return [
            (key[1:-1], int(uses))
            for key, uses in self.db.execute(
                "SELECT n.key, count(*) AS uses FROM names n JOIN files f "
                "ON f.relpath = n.relpath WHERE n.kind = ? AND f.valid = 1 "
                "GROUP BY n.key ORDER BY uses DESC, n.key LIMIT ?",
                (kind, limit),
            ).fetchall()
        ]

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
        return _load_entry(row[0]) if row else None

    def get_many(self, entry_ids: Sequence[str]) -> dict[str, Entry]:
        found: dict[str, Entry] = {}
        for start in range(0, len(entry_ids), 500):
            chunk = list(entry_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for (text,) in self.db.execute(
                f"SELECT entry FROM files WHERE valid = 1 AND id IN ({marks})", chunk
            ):
                entry = _load_entry(text)
                found.setdefault(entry.id, entry)
        return found

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

    # -- what the search index needs ---------------------------------------------------

    def index_pending(self) -> PendingIndexWork:
        """Entries the search index lacks or holds in an older version, and ids to drop."""
        upsert: list[tuple[str, str, Entry]] = []
        delete: list[tuple[str, str | None, str]] = []
        for relpath, sig, valid, text, entry_id in self.db.execute(
            "SELECT relpath, sig, valid, entry, id FROM files WHERE indexed IS NOT sig"
        ):
            if valid:
                upsert.append((relpath, sig, _load_entry(text)))
            else:
                delete.append((relpath, sig, entry_id))
        for relpath, entry_id in self.db.execute("SELECT relpath, id FROM removed"):
            delete.append((relpath, None, entry_id))
        return PendingIndexWork(upsert, delete)

    def index_is_current(self) -> bool:
        row = self.db.execute(
            "SELECT EXISTS(SELECT 1 FROM files WHERE indexed IS NOT sig) "
            "OR EXISTS(SELECT 1 FROM removed)"
        ).fetchone()
        return not row[0]

    def mark_indexed(self, work: PendingIndexWork) -> None:
        """Record that the search index now holds ``work`` (call after its commit)."""
        with self._write():
            self.db.executemany(
                "UPDATE files SET indexed = ? WHERE relpath = ? AND sig = ?",
                [(sig, relpath, sig) for relpath, sig, _ in work.upsert]
                + [(sig, relpath, sig) for relpath, sig, _ in work.delete if sig is not None],
            )
            self.db.executemany(
                "DELETE FROM removed WHERE relpath = ?",
                [(relpath,) for relpath, sig, _ in work.delete if sig is None],
            )

    def reset_index_marks(self) -> None:
        """Forget what the search index holds (it is being rebuilt from nothing)."""
        with self._write():
            self.db.execute("UPDATE files SET indexed = NULL")
            self.db.execute("DELETE FROM removed")

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

    def _write(self) -> _Transaction:
        return _Transaction(self.db)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``: one writer at a time, others wait (bounded)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")


def _row(relpath: str, sig: str, entry: Entry | None, errors: list[Problem]) -> tuple[Any, ...]:
    entry_id = relpath.rsplit(".", 1)[0]
    if entry is None:
        problems = json.dumps([[p.line, p.message] for p in errors], ensure_ascii=False)
        return (relpath, entry_id, sig, 0, None, None, None, None, problems)
    span = entry.span
    return (
        relpath,
        entry_id,
        sig,
        1,
        clamp_key(span.start),
        clamp_key(span.end),
        int(entry.precision),
        marshal.dumps(entry.to_dict()),
        None,
    )


def _load_entry(blob: bytes) -> Entry:
    # Entries are stored marshalled, not as JSON: loading 100k of them is several
    # times faster, and the catalog is private to this Python (see _version_stamp).
    return Entry.from_dict(marshal.loads(blob))


def _name_rows(relpath: str, entry: Entry) -> Iterator[tuple[str, str, str]]:
    from chronicle.names import name_key

    for kind, values in (("person", entry.people), ("place", entry.places), ("tag", entry.tags)):
        for key in {name_key(value) for value in values}:
            if key:
                yield (relpath, kind, f" {key} ")


def _dedupe(entries: Iterator[Entry]) -> list[Entry]:
    seen: set[str] = set()
    unique: list[Entry] = []
    for entry in entries:
        if entry.id not in seen:
            seen.add(entry.id)
            unique.append(entry)
    return unique


# -- opening ---------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (
    relpath TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    sig TEXT NOT NULL,
    valid INTEGER NOT NULL,
    start_key INTEGER,
    end_key INTEGER,
    precision INTEGER,
    entry BLOB,
    problems TEXT,
    indexed TEXT
);
CREATE INDEX IF NOT EXISTS files_span ON files (start_key, end_key);
CREATE INDEX IF NOT EXISTS files_id ON files (id);
-- Rows the search index lacks or holds in an older version: usually none, so asking
-- "is the index current?" reads this small index, not 100k rows.
CREATE INDEX IF NOT EXISTS files_pending ON files (relpath) WHERE indexed IS NOT sig;
-- Invalid files, reported by every command: few, so found without reading every row.
CREATE INDEX IF NOT EXISTS files_invalid ON files (relpath) WHERE valid = 0;
CREATE TABLE IF NOT EXISTS names (relpath TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS names_relpath ON names (relpath);
CREATE INDEX IF NOT EXISTS names_kind_key ON names (kind, key);
CREATE TABLE IF NOT EXISTS removed (relpath TEXT PRIMARY KEY, id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS manifest (id INTEGER PRIMARY KEY CHECK (id = 0), data BLOB NOT NULL);
"""


def _version_stamp() -> str:
    from chronicle import names

    # marshal's format belongs to the Python version, so a new Python rebuilds the cache.
    python = "{}.{}".format(*sys.version_info[:2])
    return f"{SCHEMA_VERSION}/{getattr(names, 'KEY_VERSION', 1)}/py{python}"


def _connect(path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), timeout=_BUSY_TIMEOUT_S, isolation_level=None)
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    db.executescript(_SCHEMA)
    return db


def open_catalog(chronicle: Chronicle, notices: list[str] | None = None) -> Catalog:
    """Open (creating or rebuilding as needed) the catalog of ``chronicle``.

    A damaged catalog or one of another version is deleted and rebuilt; if ``index/``
    cannot be written, an in-memory catalog is used so reading still works.
    """
    notices = notices if notices is not None else []
    path = chronicle.index_dir / CATALOG_NAME
    stamp = _version_stamp()
    for attempt in range(2):
        try:
            chronicle.index_dir.mkdir(parents=True, exist_ok=True)
            db = _connect(path)
            row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is None:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (stamp,))
            elif row[0] != stamp:
                db.close()
                _remove_catalog(path)
                notices.append("The index was made by another version of chronicle; rebuilding it.")
                continue
            return Catalog(chronicle, db)
        except sqlite3.DatabaseError as err:
            if attempt == 0 and "locked" not in str(err):
                _remove_catalog(path)
                notices.append(f"{chronicle.relative(path)} was damaged ({err}); rebuilding it.")
                continue
            break
        except OSError:
            break
    notices.append(
        f"{chronicle.relative(chronicle.index_dir)}/ cannot be written; working without a cache."
    )
    return Catalog(chronicle, _connect(":memory:"))


def _remove_catalog(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


@dataclass
class Selection:
    """What a listing command works on: the entries, the invalid files, the alias registry."""

    entries: list[Entry]
    problems: list[Problem]
    registry: NameRegistry
    report: RefreshReport


def select(
    chronicle: Chronicle,
    filters: Filters | None = None,
    *,
    limit: int | None = None,
    reverse: bool = False,
    progress: Progress | None = None,
) -> Selection:
    """Refresh the catalog and return the entries ``filters`` keep."""
    from chronicle.names import NameRegistry

    registry = NameRegistry.from_config(chronicle.config.names)
    notices: list[str] = []
    catalog = open_catalog(chronicle, notices)
    try:
        report = catalog.refresh(progress)
        report.notices[:0] = notices
        entries = catalog.entries(filters, registry, limit=limit, reverse=reverse)
        return Selection(entries, catalog.problems(), registry, report)
    finally:
        catalog.close()


def resolve(chronicle: Chronicle, ref: str) -> Entry:
    """The entry ``ref`` names (id, unique prefix or suffix), from a fresh catalog."""
    catalog = open_catalog(chronicle)
    try:
        catalog.refresh()
        return catalog.resolve(ref)
    finally:
        catalog.close()
