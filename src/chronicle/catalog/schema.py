"""The catalog's SQLite file: its tables, how it is opened, and how entries are stored.

Entries are stored marshalled; spans as integer keys clamped into SQLite's 64-bit range.
A catalog of another schema version, key version or Python is deleted and rebuilt.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path

from chronicle.dates import Instant
from chronicle.lookup import CATALOG_NAME as CATALOG_NAME  # beside the read-only look-ups
from chronicle.model import Entry, Listing

#: Bump when the tables or the stored entry form change: old catalogs are rebuilt.
SCHEMA_VERSION = "6"
#: Earlier versions whose catalogs are brought up to this one in place (`upgrade`),
#: keeping their rows and the search index built from them, instead of being rebuilt.
UPGRADABLE = ("5",)
#: SQLite integers are 64-bit; spans of years beyond this many are clamped for filtering.
MAX_YEAR = 900_000_000
BUSY_TIMEOUT_S = 30.0


def clamp_key(instant: Instant) -> int:
    """The instant's integer key, kept inside SQLite's 64-bit range."""
    if instant.year > MAX_YEAR:
        instant = Instant(MAX_YEAR, 12, 31, 23, 59, 59)
    elif instant.year < -MAX_YEAR:
        instant = Instant(-MAX_YEAR)
    return instant.key()


#: An entry whose span reaches the clamped keys: SQL cannot order or filter it exactly,
#: so Python settles those. The same literal text in the partial index and in the query
#: lets SQLite answer "is there any?" from that (nearly always empty) index instead of
#: reading every row.
DEEP_TIME = (
    f"(start_key <= {clamp_key(Instant(-MAX_YEAR))} "
    f"OR end_key >= {clamp_key(Instant(MAX_YEAR, 12, 31, 23, 59, 59))})"
)


def load_listing(blob: bytes) -> Listing:
    return Listing.from_stored(marshal.loads(blob))


def load_listings(rows: Iterable[tuple[bytes]]) -> list[Listing]:
    """`load_listing` of each row's one column: the same listings, its steps inlined
    (a listing command loads thousands)."""
    from chronicle.dates import parse_text as parse

    loads = marshal.loads
    new = tuple.__new__
    listing = Listing
    found: list[Listing] = []
    append = found.append
    for (blob,) in rows:
        entry_id, title, date, end, people, places, tags, path = loads(blob)
        append(new(listing, (entry_id, title, parse(date), parse(end) if end else None,
                             people, places, tags, path)))
    return found


def load_entries(rows: Iterable[tuple[bytes]]) -> list[Entry]:
    """`load_entry` of each row's one column."""
    return [load_entry(blob) for (blob,) in rows]


def load_entry(blob: bytes) -> Entry:
    # Entries are stored marshalled, not as JSON: loading 100k of them is several
    # times faster, and the catalog is private to this Python (see version_stamp).
    return Entry.from_dict(marshal.loads(blob))


class Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``: one writer at a time, others wait (bounded)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:
            # SQLite may have rolled back already (a full disk does that).
            self.db.execute("ROLLBACK")


SCHEMA = f"""
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
    -- What the index makes of the entry (reading.content_digest; NULL for an invalid
    -- file, which the index must not hold), and the digest of what it holds (NULL: none).
    digest TEXT,
    indexed TEXT
);
CREATE INDEX IF NOT EXISTS files_span ON files (start_key, end_key);
CREATE INDEX IF NOT EXISTS files_id ON files (id);
-- Rows the search index lacks, holds in an older version or must drop: usually none, so
-- asking "is the index current?" reads this small index, not 100k rows.
CREATE INDEX IF NOT EXISTS files_pending ON files (relpath) WHERE indexed IS NOT digest;
-- Invalid files, reported by every command: few, so found without reading every row.
CREATE INDEX IF NOT EXISTS files_invalid ON files (relpath) WHERE valid = 0;
-- Entries beyond the integer keys (DEEP_TIME): usually none.
CREATE INDEX IF NOT EXISTS files_deep ON files (relpath) WHERE {DEEP_TIME};
CREATE TABLE IF NOT EXISTS names (relpath TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS names_relpath ON names (relpath);
CREATE INDEX IF NOT EXISTS names_kind_key ON names (kind, key);
CREATE TABLE IF NOT EXISTS removed (relpath TEXT PRIMARY KEY, id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS manifest (id INTEGER PRIMARY KEY CHECK (id = 0), data BLOB NOT NULL);
-- What stats counts and export writes, per valid entry (catalog/facts.py). The tables
-- of an older shape go; their successors are filled from the stored entries.
-- entry_facts.listing is what list and timeline show (model.Listing.stored,
-- marshalled): they read it, never the whole stored entry.
DROP TABLE IF EXISTS facts;
DROP TABLE IF EXISTS spellings;
CREATE TABLE IF NOT EXISTS entry_facts (
    relpath TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    year INTEGER NOT NULL,
    month INTEGER,
    day INTEGER,
    precision INTEGER NOT NULL,
    start_key INTEGER NOT NULL,
    end_key INTEGER NOT NULL,
    ranged INTEGER NOT NULL,
    tags INTEGER NOT NULL,
    people INTEGER NOT NULL,
    places INTEGER NOT NULL,
    sources INTEGER NOT NULL,
    listing BLOB
);
-- Covering indexes: counting by period, and the first, last and every entry in order,
-- read an index and never the table.
CREATE INDEX IF NOT EXISTS entry_facts_date ON entry_facts
    (year, month, day, precision, ranged, tags, people, places, sources, start_key, end_key);
CREATE INDEX IF NOT EXISTS entry_facts_order ON entry_facts (start_key, precision, id, end_key);
CREATE INDEX IF NOT EXISTS entry_facts_end ON entry_facts (end_key, start_key, precision, id);
CREATE INDEX IF NOT EXISTS entry_facts_id ON entry_facts (id);
CREATE TABLE IF NOT EXISTS name_uses (
    relpath TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, label TEXT,
    uses INTEGER NOT NULL, first INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS name_uses_relpath ON name_uses (relpath);
CREATE INDEX IF NOT EXISTS name_uses_count ON name_uses (kind, name, label, uses, first, relpath);
CREATE TABLE IF NOT EXISTS entry_json (relpath TEXT PRIMARY KEY, json TEXT NOT NULL);
"""


def version_stamp() -> str:
    from chronicle import names

    # marshal's format belongs to the Python version, so a new Python rebuilds the cache.
    python = "{}.{}".format(*sys.version_info[:2])
    return f"{SCHEMA_VERSION}/{getattr(names, 'KEY_VERSION', 1)}/py{python}"


def upgradable(version: str, stamp: str) -> bool:
    """True when a catalog of ``version`` is brought up to ``stamp`` by `upgrade`."""
    old_schema, _, rest = version.partition("/")
    return old_schema in UPGRADABLE and rest == stamp.partition("/")[2]


def upgrade(db: sqlite3.Connection, version: str, stamp: str) -> bool:
    """Bring a catalog of an `UPGRADABLE` version (``version``) up to ``stamp`` in place:
    the listing column is added and filled from the stored entries, in one transaction
    (a killed upgrade leaves the catalog as it was). False for any other version, which
    is rebuilt instead.

    Rebuilding would cost far more at 100,000 entries: every YAML file read again, and
    the search index, which follows its catalog, built anew.
    """
    if not upgradable(version, stamp):
        return False
    import secrets

    with Transaction(db):
        row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if row is not None and row[0] == stamp:
            return True  # another process upgraded it while this one waited
        if row is None or row[0] != version:
            return False
        columns = {column[1] for column in db.execute("PRAGMA table_info(entry_facts)")}
        if "listing" not in columns:
            db.execute("ALTER TABLE entry_facts ADD COLUMN listing BLOB")
        relpaths = [relpath for (relpath,) in db.execute("SELECT relpath FROM entry_facts")]
        for start in range(0, len(relpaths), 500):
            chunk = relpaths[start:start + 500]
            marks = ",".join("?" * len(chunk))
            db.executemany(
                "UPDATE entry_facts SET listing = ? WHERE relpath = ?",
                [(marshal.dumps(Listing.stored_of(marshal.loads(blob))), relpath)
                 for relpath, blob in db.execute(
                     f"SELECT relpath, entry FROM files WHERE valid = 1 AND relpath IN ({marks})",
                     chunk)],
            )
        db.execute("UPDATE meta SET value = ? WHERE key = 'version'", (stamp,))
        # A watcher started by the earlier version cannot keep this shape in step: a new
        # instance token makes every command stop trusting it (see Catalog.instance).
        db.execute("INSERT OR REPLACE INTO meta VALUES ('instance', ?)",
                   (secrets.token_hex(8),))
    return True


def ensure_index(db: sqlite3.Connection, name: str, statement: str) -> bool:
    """True when the index ``name`` exists, made now by ``statement`` if it did not
    (an index SQLite keeps itself, whichever program writes the table); False when it
    cannot be made now (a read-only catalog, or another program writing it: a reading
    command does not wait for that): the caller reads without it."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                  (name,)).fetchone():
        return True
    db.execute("PRAGMA busy_timeout = 0")
    try:
        db.execute(statement)
    except sqlite3.OperationalError as err:
        if is_damage(err):
            raise
        return False
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return True


def connect(path: Path | str) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
    db.executescript(SCHEMA)
    return db


#: SQLite's result codes for a damaged file; any other failure (full disk, read-only
#: file system, permissions, locks) says nothing about the file and never deletes it.
DAMAGE_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB


def is_damage(err: sqlite3.Error) -> bool:
    code = getattr(err, "sqlite_errorcode", None)
    if code is None:
        return "malformed" in str(err) or "not a database" in str(err)
    return (code & 0xFF) in DAMAGE_CODES


def remove_catalog_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass
