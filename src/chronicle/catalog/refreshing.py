"""Keeping the catalog in step with ``entries/``: stat every file (or only the files a
command names) and re-parse only those whose signature changed.

"Nothing changed" is the common case and costs the scan and one comparison of digests:
the catalog's manifest (every file's signature as of the last refresh) ends with the
digest of the scan it was made from, read without loading the rest.
"""

from __future__ import annotations

import marshal
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from chronicle.catalog.schema import Transaction
from chronicle.records import Record
from chronicle.watch_advice import note_check

if TYPE_CHECKING:
    from chronicle.catalog import Catalog
    from chronicle.catalog.reading import ReadFile
    from chronicle.store.files import EntryScan

# What reads entry files (chronicle.store, its YAML parsing) is imported when a refresh
# has files to stat or read: a command a running watcher vouches for needs none of it.

Progress = Callable[[int, int], None]


class RefreshReport(Record):
    """What a refresh found: counts by kind of change."""

    __slots__ = ("added", "updated", "removed", "invalid", "unchanged", "notices",
                 "watched", "beyond")
    added: int
    #: Files whose entry changed (or that are invalid): a file read again with the same
    #: entry, as after ``touch`` or ``cp -a``, counts as unchanged.
    updated: int
    removed: int
    invalid: int
    unchanged: int
    notices: list[str]
    #: True when a running ``chronicle watch`` vouched for the catalog, so no file was
    #: statted (``unchanged`` is then not counted).
    watched: bool
    #: After a scan of every file: the first entry a change elsewhere can reach (read
    #: through a link, or with other names), which no file event here would report
    #: (`chronicle.store.files.EntryScan.beyond`); None when no full scan was made.
    beyond: str | None

    def __init__(self, added: int = 0, updated: int = 0, removed: int = 0,
                 invalid: int = 0, unchanged: int = 0, notices: list[str] | None = None,
                 watched: bool = False, beyond: str | None = None) -> None:
        self.added = added
        self.updated = updated
        self.removed = removed
        self.invalid = invalid
        self.unchanged = unchanged
        self.notices = [] if notices is None else notices
        self.watched = watched
        self.beyond = beyond

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def scan_entries(entries_dir: Path) -> EntryScan:
    """`chronicle.store.files.scan_entries` (the stat of every entry file)."""
    from chronicle.store.files import scan_entries as scan

    return scan(entries_dir)


def _digest_size() -> int:
    from chronicle.store.files import DIGEST_SIZE

    return DIGEST_SIZE


def _stat_entry_file(entries_dir: Path, relpath: str) -> str | None:
    from chronicle.store import is_entry_name, stat_entry_file

    if not is_entry_name(relpath.rsplit("/", 1)[-1]):
        return None
    try:
        return stat_entry_file(entries_dir / relpath)
    except OSError:
        return None


def refresh(
    catalog: Catalog,
    progress: Progress | None = None,
    *,
    paths: Iterable[str] | None = None,
    trust_watcher: bool = True,
) -> RefreshReport:
    """Bring the catalog in step with ``entries/``, parsing only changed files.

    ``paths`` (paths under ``entries/``) limits the work to files a command has
    just written or removed itself, instead of statting every file. Without ``paths``,
    a running watcher (``chronicle watch``) that confirms it has applied every change
    saves statting every file; ``trust_watcher=False`` scans anyway.
    """
    from chronicle.feedback import LARGE_CATCH_UP, announce

    report = RefreshReport()
    if paths is None and trust_watcher and catalog.instance is not None:
        from chronicle.watcher import confirm_current

        if confirm_current(catalog.chronicle, catalog.instance):
            report.watched = True
            return report
    digest: bytes | None = None
    if paths is None:
        started = time.monotonic()
        scan = scan_entries(catalog.chronicle.entries_dir)
        report.beyond = scan.beyond
        digest = scan.digest()
        if digest == read_manifest_digest(catalog.db):
            report.unchanged = len(scan)
            if trust_watcher:
                note_check(catalog.chronicle, time.monotonic() - started, len(scan))
            return report
        on_disk = scan.signatures()
        del scan
        known = read_manifest(catalog.db)
        if trust_watcher:
            # What a watcher would have spared this command (not the reading of the
            # files that changed, which a watcher does too).
            note_check(catalog.chronicle, time.monotonic() - started, len(on_disk))
        if known == on_disk:
            # Unchanged, but the manifest holds no digest of this scan (it was made
            # from named paths, or by another version): record it for next time.
            _record_manifest(catalog.db, on_disk, digest)
            report.unchanged = len(on_disk)
            return report
        candidates: Iterable[str] = on_disk
    else:
        known = read_manifest(catalog.db)
        candidates = sorted(set(paths))
        on_disk = dict(known)
        for relpath in candidates:
            sig = _stat_entry_file(catalog.chronicle.entries_dir, relpath)
            if sig is None:
                on_disk.pop(relpath, None)
            else:
                on_disk[relpath] = sig
    changed = [path for path in candidates if path in on_disk and known.get(path) != on_disk[path]]
    gone = [
        path
        for path in (known if paths is None else candidates)
        if path in known and path not in on_disk
    ]
    report.unchanged = len(on_disk) - len(changed)
    if not changed and not gone:
        return report
    if len(changed) >= LARGE_CATCH_UP and not catalog.announced:
        what = "to build the catalog" if not known else "new or changed since the last command"
        announce(f"Reading {len(changed):,} entry files {what}.", report.notices)
    catalog.announced = False

    from chronicle.catalog.reading import read_files

    todo = [(relpath, on_disk[relpath]) for relpath in sorted(changed)]
    # A file read again with the same entry (touched, copied, restored) is not updated.
    digests = dict(catalog.db.execute("SELECT relpath, digest FROM files WHERE valid"))
    staged = _Staging(catalog.db)
    try:
        for done, read in enumerate(
            read_files(catalog.chronicle.entries_dir, todo, catalog.chronicle.config.fields,
                       notices=report.notices),
            1,
        ):
            if read.row[0] in known:
                if read.row[9] is not None and digests.get(read.row[0]) == read.row[9]:
                    report.unchanged += 1
                else:
                    report.updated += 1
            else:
                report.added += 1
            if not read.row[3]:
                report.invalid += 1
            staged.add(read)
            if progress:
                progress(done, len(todo))
        staged.flush()
        report.removed = len(gone)
        with Transaction(catalog.db):
            dropped = [(path,) for path in changed + gone]
            catalog.db.executemany("DELETE FROM names WHERE relpath = ?", dropped)
            for table in ("entry_facts", "name_uses", "entry_json"):
                catalog.db.executemany(f"DELETE FROM {table} WHERE relpath = ?", dropped)
            for relpath in gone:
                catalog.db.execute(
                    "INSERT OR IGNORE INTO removed (relpath, id) "
                    "SELECT relpath, id FROM files WHERE relpath = ? AND indexed IS NOT NULL",
                    (relpath,),
                )
            catalog.db.executemany("DELETE FROM files WHERE relpath = ?", [(p,) for p in gone])
            staged.publish()
            catalog.db.execute("INSERT OR REPLACE INTO manifest VALUES (0, ?)",
                               (pack_manifest(on_disk, digest),))
    finally:
        staged.drop()
    return report


class _Staging:
    """Rows read so far, kept in temporary tables (SQLite's temporary file, not this
    process's memory) until all are read, then published in one short transaction, so
    a reader never sees half a refresh and 100,000 parsed entries never sit in memory.
    """

    FLUSH_ROWS = 500
    TABLES = ("files", "names", "entry_facts", "name_uses", "entry_json")

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.buffer: list[ReadFile] = []
        self.drop()
        for table in self.TABLES:
            db.execute(f"CREATE TEMP TABLE staged_{table} AS SELECT * FROM main.{table} "
                       "WHERE 0")

    def add(self, read: ReadFile) -> None:
        self.buffer.append(read)
        if len(self.buffer) >= self.FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        reads, self.buffer = self.buffer, []
        db = self.db
        db.execute("BEGIN")
        try:
            db.executemany("INSERT INTO temp.staged_files (relpath, id, sig, valid, start_key, "
                           "end_key, precision, entry, problems, digest) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [r.row for r in reads])
            db.executemany("INSERT INTO temp.staged_names VALUES (?, ?, ?)",
                           [name for r in reads for name in r.names])
            facts = [r.fact for r in reads if r.fact is not None]
            if facts:
                marks = ", ".join("?" * len(facts[0]))
                db.executemany(f"INSERT INTO temp.staged_entry_facts VALUES ({marks})", facts)
            db.executemany("INSERT INTO temp.staged_name_uses VALUES (?, ?, ?, ?, ?, ?)",
                           [row for r in reads for row in r.spellings])
            db.executemany("INSERT INTO temp.staged_entry_json VALUES (?, ?)",
                           [(r.row[0], r.json) for r in reads if r.json is not None])
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def publish(self) -> None:
        """Copy the staged rows into the catalog (in a transaction the caller holds)."""
        db = self.db
        db.execute(
            "INSERT INTO main.files (relpath, id, sig, valid, start_key, end_key, precision, "
            "entry, problems, digest) SELECT relpath, id, sig, valid, start_key, end_key, "
            "precision, entry, problems, digest FROM temp.staged_files WHERE true "
            "ON CONFLICT(relpath) DO UPDATE SET id = excluded.id, sig = excluded.sig, "
            "valid = excluded.valid, start_key = excluded.start_key, "
            "end_key = excluded.end_key, precision = excluded.precision, "
            "entry = excluded.entry, problems = excluded.problems, digest = excluded.digest"
        )
        db.execute("INSERT INTO main.names SELECT * FROM temp.staged_names")
        db.execute("INSERT OR REPLACE INTO main.entry_facts SELECT * FROM temp.staged_entry_facts")
        db.execute("INSERT INTO main.name_uses SELECT * FROM temp.staged_name_uses")
        db.execute("INSERT OR REPLACE INTO main.entry_json SELECT * FROM temp.staged_entry_json")

    def drop(self) -> None:
        for table in self.TABLES:
            self.db.execute(f"DROP TABLE IF EXISTS temp.staged_{table}")


#: The manifest is the marshalled ``{relpath: signature}`` followed by the digest of the
#: scan it was made from (``EntryScan.digest``; zeros when it was made from named paths)
#: and this mark. marshal reads one value and ignores what follows, and a marshalled
#: mapping ends with "0": a manifest without the mark (made by an earlier version) is
#: read alike and holds no digest.
MANIFEST_MARK = b"chrscan1"


def pack_manifest(signatures: dict[str, str], digest: bytes | None) -> bytes:
    """The stored form of the manifest: ``digest`` is that of the scan that found
    ``signatures``, or None when they were not all found by one scan."""
    size = _digest_size()
    if digest is None:
        digest = bytes(size)
    if len(digest) != size:
        raise ValueError(f"a scan's digest has {size} bytes, not {len(digest)}")
    return marshal.dumps(signatures) + digest + MANIFEST_MARK


def read_manifest_digest(db: sqlite3.Connection) -> bytes | None:
    """The digest of the scan the manifest was made from, or None: reads its last
    bytes only (the whole manifest is several megabytes at 100,000 entries)."""
    size = _digest_size()
    trailer = size + len(MANIFEST_MARK)
    try:
        with db.blobopen("manifest", "data", 0, readonly=True) as blob:
            if len(blob) < trailer:
                return None
            blob.seek(-trailer, os.SEEK_END)
            tail = blob.read(trailer)
    except sqlite3.Error:
        return None
    digest = tail[:size]
    if not tail.endswith(MANIFEST_MARK) or digest == bytes(size):
        return None
    return digest


def _record_manifest(db: sqlite3.Connection, signatures: dict[str, str], digest: bytes) -> None:
    """Store the manifest again with the digest of the scan that found it unchanged;
    a catalog that cannot be written now is left as it is (the next command compares
    in full again)."""
    try:
        with Transaction(db):
            db.execute("INSERT OR REPLACE INTO manifest VALUES (0, ?)",
                       (pack_manifest(signatures, digest),))
    except sqlite3.OperationalError:
        pass


def read_manifest(db: sqlite3.Connection) -> dict[str, str]:
    """``{relpath: signature}`` as of the last refresh, in one read.

    The same mapping as the files table, kept as one marshalled blob because reading
    100k rows costs several times more than loading the blob (which "nothing changed"
    does not load: see ``read_manifest_digest``).
    """
    row = db.execute("SELECT data FROM manifest WHERE id = 0").fetchone()
    if row is not None:
        try:
            data = marshal.loads(row[0])
            if isinstance(data, dict):
                return data
        except (EOFError, ValueError, TypeError):
            pass
    return dict(db.execute("SELECT relpath, sig FROM files"))
