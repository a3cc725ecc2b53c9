"""Reading changed entry files for the catalog: each file parsed, validated and turned
into the rows the catalog stores, on every core when there are many.

Parsing is the slow part of a first run (about 16 s for 100,000 files on one core), and
each file is independent: worker processes parse batches of files and send back plain
rows; the calling process alone writes to SQLite. Results come back in the order of the
files asked for, so the catalog is the same whichever way it was read.
"""

from __future__ import annotations

import functools
import json
import marshal
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from chronicle.catalog.schema import clamp_key
from chronicle.model import Entry, Problem
from chronicle.store import UNREADABLE
from chronicle.workers import in_order, usable_cores

#: Below this many files, one process reads them (starting workers would cost more).
PARALLEL_MIN_FILES = 2000
#: Files per job sent to a worker: large enough that sending it costs little, small
#: enough that the progress bar moves and little is redone after a worker dies.
BATCH_FILES = 200


class ReadFile(NamedTuple):
    """What the catalog stores for one entry file."""

    row: tuple[Any, ...]  # the ``files`` row
    names: list[tuple[str, str, str]]  # ``names`` rows
    fact: tuple[Any, ...] | None  # the ``entry_facts`` row (valid entries only)
    spellings: list[tuple[Any, ...]]  # ``name_uses`` rows
    json: str | None = None  # the ``entry_json`` text (valid entries only)


def read_one(entries_dir: Path, relpath: str, signature: str,
             declared: frozenset[str]) -> ReadFile:
    """Read, parse and validate one entry file into its catalog rows."""
    from chronicle.catalog.facts import fact_rows
    from chronicle.store import parse_entry_text, read_text

    display = f"{entries_dir.name}/{relpath}"
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
    if entry is None:
        errors = [p for p in problems if p.severity == "error"]
        return ReadFile(_row(relpath, signature, None, errors), [], None, [])
    fact, spellings, text = fact_rows(relpath, entry)
    return ReadFile(_row(relpath, signature, entry, []), list(_name_rows(relpath, entry)),
                    fact, spellings, text)


def _row(relpath: str, sig: str, entry: Entry | None, errors: list[Problem]) -> tuple[Any, ...]:
    entry_id = relpath.rsplit(".", 1)[0]
    if entry is None:
        problems = json.dumps([[p.line, p.message] for p in errors], ensure_ascii=False)
        return (relpath, entry_id, sig, 0, None, None, None, None, problems, None)
    span = entry.span
    data = entry.to_dict()
    return (
        relpath,
        entry_id,
        sig,
        1,
        clamp_key(span.start),
        clamp_key(span.end),
        int(entry.precision),
        marshal.dumps(data),
        None,
        content_digest(relpath, data),
    )


def content_digest(relpath: str, data: dict[str, Any]) -> str:
    """A digest of everything the search index makes of one entry: its path and its
    stored form (``Entry.to_dict()``), from which the index document is built.

    Two files with the same digest give the same document, so a file whose signature
    changed but whose entry did not (``cp -a``, ``touch``, a restore, a sync tool, an
    edit of a comment) costs the index nothing; a move (another path, another id) or
    any change to a field does. Keys keep their order (the order of custom fields is
    the order of their words in the index), and JSON rather than marshal, whose bytes
    depend on how the objects were shared in memory, not only on their values.
    """
    import hashlib

    text = json.dumps([relpath, data], ensure_ascii=False, default=repr)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _name_rows(relpath: str, entry: Entry) -> Iterator[tuple[str, str, str]]:
    from chronicle.names import name_key

    for kind, values in (("person", entry.people), ("place", entry.places), ("tag", entry.tags)):
        for key in {name_key(value) for value in values}:
            if key:
                yield (relpath, kind, f" {key} ")


def read_files(
    entries_dir: Path,
    files: Sequence[tuple[str, str]],
    declared: frozenset[str],
    *,
    workers: int | None = None,
    notices: list[str] | None = None,
) -> Iterator[ReadFile]:
    """The catalog rows of ``files`` (``(relpath, signature)`` pairs), in their order.

    With many files and more than one core, worker processes parse them. A worker that
    dies (killed, out of memory) loses nothing: what it had not sent back is read here,
    in this process, and ``notices`` says so.
    """
    workers = usable_cores() if workers is None else workers
    if workers < 2 or len(files) < PARALLEL_MIN_FILES:
        for relpath, signature in files:
            yield read_one(entries_dir, relpath, signature, declared)
        return
    batches = [list(files[i:i + BATCH_FILES]) for i in range(0, len(files), BATCH_FILES)]
    job = functools.partial(_read_batch, str(entries_dir), declared=declared)
    yield from in_order(job, batches, workers, lambda: _say_broken(notices))


def _read_batch(entries_dir: str, batch: list[tuple[str, str]],
                declared: frozenset[str]) -> list[ReadFile]:
    folder = Path(entries_dir)
    return [read_one(folder, relpath, signature, declared) for relpath, signature in batch]


def _say_broken(notices: list[str] | None) -> None:
    if notices is not None:
        notices.append("A process reading entry files stopped unexpectedly; "
                       "the rest were read by one process.")
