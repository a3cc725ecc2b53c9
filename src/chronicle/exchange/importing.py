"""The import pipeline: read every record of every file, plan, then write all or nothing.

``plan_import`` validates each record as an entry file is validated and sorts it into
*create*, *skip* (already present, by source id or by date plus title) or *invalid*;
nothing is written. ``write_import`` then writes the planned entries, each atomically;
if one write fails, the files this import wrote are removed again.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from chronicle.errors import NotFoundError, UsageError
from chronicle.exchange import (
    IMPORT_FORMATS,
    UID_FIELD,
    ExchangeError,
    FileNote,
    Record,
    Rejected,
    guess_format,
    parser,
)
from chronicle.model import Entry

if TYPE_CHECKING:
    from chronicle.config import Location

Status = Literal["create", "skip", "invalid"]


@dataclass
class Outcome:
    """What importing one record does."""

    position: str
    status: Status
    entry: Entry | None = None
    #: Why the record is skipped or invalid.
    reason: str = ""
    #: The id the record had in a chronicle: the new entry takes it when it is free.
    preferred_id: str | None = None
    #: The existing entry's id when skipped; the new entry's id once written.
    id: str | None = None
    notes: tuple[str, ...] = ()
    #: The file written, once written.
    path: Path | None = None


@dataclass
class ImportPlan:
    """Every record of an import, sorted into create, skip and invalid, in file order."""

    outcomes: list[Outcome]
    warnings: list[str] = field(default_factory=list)
    #: A title the files give the chronicle (a TimelineJS title slide), if any.
    title: str | None = None
    #: Per file, one line saying what it held that no entry takes.
    left_out: list[str] = field(default_factory=list)
    #: True once ``write_import`` gave the chronicle ``title``.
    title_written: bool = False

    def _with(self, status: Status) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == status]

    @property
    def to_create(self) -> list[Outcome]:
        return self._with("create")

    @property
    def skipped(self) -> list[Outcome]:
        return self._with("skip")

    @property
    def invalid(self) -> list[Outcome]:
        return self._with("invalid")


@dataclass(frozen=True)
class ImportSource:
    """A file to import, and the format to read it as (None: guess)."""

    path: Path
    fmt: str | None = None


def read_records(source: ImportSource) -> list[Record | Rejected | FileNote]:
    """Every record of one file; a file that cannot be read at all raises."""
    path = source.path
    shown = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{shown} is a folder; give the files to import") from None
    except OSError as err:
        raise ExchangeError(f"{shown}: cannot be read: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ExchangeError(f"{shown}:{line}: is not UTF-8 text") from None
    fmt = source.fmt or guess_format(path, text)
    if fmt is None:
        raise UsageError(
            f"{shown}: cannot tell the format from the file name",
            hint=f"give --format ({', '.join(IMPORT_FORMATS)})",
        )
    return list(parser(fmt)(text, shown))


class _Known:
    """What the chronicle already holds, keyed every way a record can match it."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.ids: dict[str, str] = {}
        self.uids: dict[str, list[tuple[str, str]]] = {}
        self.date_titles: dict[tuple[str, str], str] = {}
        for entry in entries:
            self.add(entry, entry.id)

    def add(self, entry: Entry, name: str) -> None:
        if entry.id:
            self.ids.setdefault(entry.id, name)
        uid = entry.extra.get(UID_FIELD)
        if isinstance(uid, str):
            self.uids.setdefault(uid, []).append((name, entry.date.isoformat()))
        self.date_titles.setdefault(_date_title(entry), name)

    def find(self, record: Record, entry: Entry) -> str | None:
        """The name of what this record repeats, or None."""
        date = entry.date.isoformat()
        for source_id in record.source_ids:
            if source_id in self.ids and not record.weak_source_ids:
                return self.ids[source_id]
            for name, uid_date in self.uids.get(source_id, ()):
                if not record.weak_source_ids or uid_date == date:
                    return name
        return self.date_titles.get(_date_title(entry))


def _date_title(entry: Entry) -> tuple[str, str]:
    return (entry.date.isoformat(), " ".join(entry.title.casefold().split()))


def plan_import(
    chronicle: Location,
    sources: Sequence[ImportSource],
    existing: Iterable[Entry] | None = None,
) -> ImportPlan:
    """Read, validate and check every record of ``sources``; write nothing.

    ``existing`` defaults to the chronicle's entries (from the catalog).
    """
    from chronicle.model import entry_from_mapping

    titles: list[str] = []
    left_out_lines: list[str] = []
    records: list[Record | Rejected] = []
    for source in sources:
        left_out: Counter[str] = Counter()
        for item in read_records(source):
            if isinstance(item, FileNote):
                left_out.update(item.left_out)
                if item.title and item.title.strip():
                    titles.append(item.title.strip())
            else:
                left_out.update(getattr(item, "left_out", ()))
                records.append(item)
        if left_out:
            parts = ", ".join(
                what if count == 1 else f"{what} ({count} times)"
                for what, count in left_out.items()
            )
            left_out_lines.append(
                f"{source.path}: left out what no entry field holds: {parts}"
            )
    if existing is None:
        from chronicle.catalog import select

        existing = select(chronicle).entries
    known = _Known(existing)
    in_import = _Known(())
    declared = chronicle.config.fields
    warnings: Counter[str] = Counter()
    plan = ImportPlan([], title=titles[0] if titles else None, left_out=left_out_lines)
    for record in records:
        if isinstance(record, Rejected):
            plan.outcomes.append(Outcome(record.position, "invalid", reason=record.reason))
            continue
        entry, problems = entry_from_mapping(
            record.data, id=record.chronicle_id or "", path=record.position, declared=declared
        )
        errors = [problem.message for problem in problems if problem.severity == "error"]
        if entry is None or errors:
            plan.outcomes.append(Outcome(record.position, "invalid", reason="; ".join(errors)))
            continue
        for problem in problems:
            warnings[problem.message] += 1
        present = known.find(record, entry)
        if present is not None:
            plan.outcomes.append(
                Outcome(
                    record.position, "skip", entry, f"already present as {present}", id=present
                )
            )
            continue
        repeated = in_import.find(record, entry)
        if repeated is not None:
            plan.outcomes.append(
                Outcome(record.position, "skip", entry, f"repeats {repeated} of this import")
            )
            continue
        in_import.add(entry, record.position)
        plan.outcomes.append(
            Outcome(
                record.position,
                "create",
                entry,
                preferred_id=record.chronicle_id,
                notes=record.notes,
            )
        )
    plan.warnings = [
        f"{count} records: {message}" if count > 1 else message
        for message, count in warnings.items()
    ]
    return plan


def write_import(chronicle: Location, plan: ImportPlan) -> list[Outcome]:
    """Write every entry ``plan`` creates; on any failure remove what was written.

    Each file is written atomically and never replaces another. A record that had an
    id in a chronicle keeps it when that name is free; every other entry is named as
    ``add`` names it (``YEAR/DATE-slug``).
    """
    from chronicle.authoring import write_new_entry
    from chronicle.store import entry_id

    written: list[Path] = []
    created = plan.to_create
    try:
        for outcome in created:
            assert outcome.entry is not None
            path = _write_at(chronicle, outcome.entry, outcome.preferred_id)
            if path is None:
                path = write_new_entry(chronicle, outcome.entry)
            written.append(path)
            outcome.path = path
            outcome.id = entry_id(chronicle.entries_dir, path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    if plan.title:
        plan.title_written = set_title_if_unset(chronicle, plan.title)
    return created


def set_title_if_unset(chronicle: Location, title: str) -> bool:
    """Give ``chronicle.yaml`` this title when it has none, or only its folder's name.

    ``init`` names a chronicle after its folder; an imported document's own title is a
    better one. A title the person chose is never replaced. The file's other lines,
    comments included, are kept as they are.
    """
    from chronicle.fileio import atomic_write_text

    current = chronicle.config.title
    if current and current != chronicle.root.resolve().name:
        return False
    line = f"title: {json.dumps(title, ensure_ascii=False)}\n"
    path = chronicle.config_path
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines(keepends=True)
    for number, old in enumerate(lines):
        if re.match(r"title\s*:", old):
            lines[number] = line
            break
    else:
        lines.insert(0, line)
    atomic_write_text(path, "".join(lines))
    return True


_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def safe_entry_id(value: str | None) -> str | None:
    """``value`` when it can name a file under entries/ on every system, else None.

    Ids come from files to import, so they are untrusted: no ``..``, no absolute paths,
    no names Windows refuses, nothing outside plain ASCII letters, digits, ``._-``.
    """
    from chronicle.authoring import safe_name

    if not value or len(value) > 200:
        return None
    for part in value.split("/"):
        if not _SAFE_PART.match(part) or part.endswith(".") or safe_name(part) != part:
            return None
    return value


def _write_at(chronicle: Location, entry: Entry, preferred_id: str | None) -> Path | None:
    """Write ``entry`` as ``entries/<preferred_id>.yaml`` if that name is free, else None."""
    from chronicle.fileio import atomic_write_text, write_failure
    from chronicle.store import dump_entry

    wanted = safe_entry_id(preferred_id)
    if wanted is None:
        return None
    path = chronicle.entries_dir / f"{wanted}.yaml"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise write_failure(err, path.parent) from None
    taken = {name.rsplit(".", 1)[0].casefold() for name in os.listdir(path.parent)}
    if path.stem.casefold() in taken:
        return None
    try:
        # O_EXCL claims the name against another process writing at the same moment.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError:
        return None
    except OSError as err:
        raise write_failure(err, path) from None
    try:
        atomic_write_text(path, dump_entry(entry))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
