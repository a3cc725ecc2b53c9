"""Keeping the catalog in step with ``entries/``: stat every file (or only the files a
command names) and re-parse only those whose signature changed.
"""

from __future__ import annotations

import json
import marshal
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chronicle.catalog.facts import write_facts
from chronicle.catalog.schema import Transaction, clamp_key
from chronicle.model import Entry, Problem
from chronicle.store import (
    UNREADABLE,
    is_entry_name,
    scan_entry_files,
    stat_entry_file,
)

if TYPE_CHECKING:
    from chronicle.catalog import Catalog

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
    #: True when a running ``chronicle watch`` vouched for the catalog, so no file was
    #: statted (``unchanged`` is then not counted).
    watched: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def _stat_entry_file(entries_dir: Path, relpath: str) -> str | None:
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
    from chronicle.store import parse_entry_text, read_text

    report = RefreshReport()
    if paths is None and trust_watcher:
        from chronicle.watcher import confirm_current

        if confirm_current(catalog.chronicle):
            report.watched = True
            return report
    known = read_manifest(catalog.db)
    if paths is None:
        on_disk = scan_entry_files(catalog.chronicle.entries_dir)
        if known == on_disk:
            report.unchanged = len(on_disk)
            return report
        candidates: Iterable[str] = on_disk
    else:
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

    entries_dir = catalog.chronicle.entries_dir
    declared = catalog.chronicle.config.fields
    rows: list[tuple[Any, ...]] = []
    name_rows: list[tuple[str, str, str]] = []
    valid: list[tuple[str, Entry]] = []
    for done, relpath in enumerate(sorted(changed), 1):
        display = f"{entries_dir.name}/{relpath}"
        signature = on_disk[relpath]
        problem: Problem | None
        if signature.startswith(UNREADABLE):
            text, problem = None, Problem(display, None, signature[1:])
        else:
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
            valid.append((relpath, entry))
        if progress:
            progress(done, len(changed))
    report.removed = len(gone)
    with Transaction(catalog.db):
        catalog.db.executemany(
            "DELETE FROM names WHERE relpath = ?", [(path,) for path in changed + gone]
        )
        for relpath in gone:
            catalog.db.execute(
                "INSERT OR IGNORE INTO removed (relpath, id) "
                "SELECT relpath, id FROM files WHERE relpath = ? AND indexed IS NOT NULL",
                (relpath,),
            )
        catalog.db.executemany("DELETE FROM files WHERE relpath = ?", [(p,) for p in gone])
        catalog.db.executemany(
            "INSERT INTO files (relpath, id, sig, valid, start_key, end_key, precision, "
            "entry, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(relpath) DO UPDATE SET id = excluded.id, sig = excluded.sig, "
            "valid = excluded.valid, start_key = excluded.start_key, "
            "end_key = excluded.end_key, precision = excluded.precision, "
            "entry = excluded.entry, problems = excluded.problems",
            rows,
        )
        catalog.db.executemany("INSERT INTO names VALUES (?, ?, ?)", name_rows)
        write_facts(catalog.db, changed + gone, valid)
        catalog.db.execute(
            "INSERT OR REPLACE INTO manifest VALUES (0, ?)", (marshal.dumps(on_disk),)
        )
    return report


def read_manifest(db: sqlite3.Connection) -> dict[str, str]:
    """``{relpath: signature}`` as of the last refresh, in one read.

    The same mapping as the files table, kept as one marshalled blob because reading
    100k rows costs several times more than loading the blob, and "nothing changed"
    is the common case to make cheap.
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


def _name_rows(relpath: str, entry: Entry) -> Iterator[tuple[str, str, str]]:
    from chronicle.names import name_key

    for kind, values in (("person", entry.people), ("place", entry.places), ("tag", entry.tags)):
        for key in {name_key(value) for value in values}:
            if key:
                yield (relpath, kind, f" {key} ")
