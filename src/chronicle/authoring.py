"""Writing entries: build and validate one from fields, name its file, save, delete.

A new entry goes to ``entries/YEAR/DATE-slug.yaml``: the slug is the title folded to
ASCII and capped, the name never overwrites another file (a ``-2`` suffix on
collision), and nothing a title holds can reach outside ``entries/`` or make a name
some system refuses. The editor loop of ``add --edit`` and ``edit`` is in
``chronicle.drafts``; prompts and confirmations belong to the CLI.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chronicle.dates import DateValue, PartialDate, date_text
from chronicle.errors import ChronicleError, DateError, UsageError
from chronicle.model import LIST_KEYS, Entry, entry_from_mapping
from chronicle.written_dates import parse_written_range

if TYPE_CHECKING:
    from chronicle.catalog import Catalog
    from chronicle.config import Location
    from chronicle.names import NameRegistry

#: Longest slug kept from a title; whole words are kept where they fit.
SLUG_MAX = 60
#: Names Windows refuses for a file, whatever the extension (CON, con.yaml, LPT1.txt).
RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{kind}{n}" for kind in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)
ENTRY_SUFFIX = ".yaml"
#: One-line fields may hold no control characters, line or paragraph separators.
_ONE_LINE_BAD = {"Cc", "Zl", "Zp"}


# -- building ----------------------------------------------------------------------------


def read_dates(
    date: str, end: str | None = None, *, labels: tuple[str, str] = ("date", "end")
) -> tuple[PartialDate, PartialDate | None]:
    """The start and end a person wrote; ``date`` may itself be a range (April 17-18, 2014).

    Errors name the two as ``labels`` says (the command line's ``--date``, ``--end``).
    """
    date_label, end_label = labels
    try:
        start, until = parse_written_range(date)
    except DateError as err:
        raise DateError(f"{date_label} {err.message}", hint=err.hint) from None
    if end is not None and end.strip():
        if until is not None:
            raise UsageError(f"{date_label} '{date}' is already a range; leave out {end_label}")
        try:
            until = _single(parse_written_range(end), end)
        except DateError as err:
            raise DateError(f"{end_label} {err.message}", hint=err.hint) from None
        if until.last_instant() < start.first_instant():
            raise DateError(
                f"{end_label} {until.display()} is before {date_label} {start.display()}"
            )
    return start, until


def _single(dates: tuple[PartialDate, PartialDate | None], text: str) -> PartialDate:
    if dates[1] is not None:
        raise DateError(f"'{text}' is a range; give a single date")
    return dates[0]


def check_one_line(label: str, text: str) -> str:
    """``text`` stripped, or a UsageError if it holds control characters or line breaks."""
    for char in text:
        if unicodedata.category(char) in _ONE_LINE_BAD and char not in " \t":
            raise UsageError(
                f"{label} holds a control character or line break (U+{ord(char):04X}); "
                "remove it"
            )
    return text.strip()


def build_entry(
    chronicle: Location,
    *,
    title: str,
    date: DateValue,
    end: DateValue | None = None,
    summary: str | None = None,
    body: str | None = None,
    people: Sequence[str] = (),
    places: Sequence[str] = (),
    tags: Sequence[str] = (),
    sources: Sequence[str] = (),
    extra: Mapping[str, Any] | None = None,
    labels: tuple[str, str] = ("date", "end"),
) -> Entry:
    """A valid entry from what a person gave (flags or prompts); UsageError says what is
    wrong, naming the dates as ``labels`` says."""
    for name, value in (("title", title), ("summary", summary), ("body", body)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} takes text, not {type(value).__name__}")
    people, places, tags, sources = (
        [values] if isinstance(values, str) else list(values)
        for values in (people, places, tags, sources)
    )
    written_date = date_text("date", date)
    if written_date is None:
        raise TypeError("date is required")
    start, until = read_dates(written_date, date_text("end", end), labels=labels)
    data: dict[str, Any] = {
        "title": check_one_line("the title", title),
        "date": start.isoformat(),
        "end": until.isoformat() if until else None,
        "summary": check_one_line("the summary", summary) if summary else None,
        "body": _clean_body(body) if body else None,
        "people": [check_one_line("a person", name) for name in people],
        "places": [check_one_line("a place", name) for name in places],
        "tags": [check_one_line("a tag", name) for name in tags],
        "sources": [check_one_line("a source", source) for source in sources if source.strip()],
        **(extra or {}),
    }
    for key in ("people", "places", "tags"):
        data[key] = [name for name in data[key] if name]
    entry, problems = entry_from_mapping(
        data, id="", path="", declared=chronicle.config.fields | frozenset(extra or ())
    )
    errors = [problem.message for problem in problems if problem.severity == "error"]
    if entry is None or errors:
        raise UsageError("; ".join(errors) or "the entry is not valid")
    return entry


def _clean_body(body: str) -> str:
    # Line breaks are kept; other control characters (a stray NUL, an escape sequence
    # pasted from a terminal) would only make the YAML unreadable to people.
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    # One final newline, so the body is written as a plain `|` block.
    return text.strip("\n") + "\n" if text.strip() else ""


def split_names(text: str) -> list[str]:
    """``"Belgrade, Novi Sad"`` -> ``["Belgrade", "Novi Sad"]`` (for prompts)."""
    return [part.strip() for part in text.split(",") if part.strip()]


# -- file names --------------------------------------------------------------------------


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    """The title as an ASCII file-name part: ``Ташмајдан reopens`` -> ``tasmajdan-reopens``.

    Folded like search folds names (so Cyrillic and diacritics come out as their Latin
    letters), lower case, words joined by ``-``, cut at a word boundary, never empty.
    """
    from chronicle.names import fold

    folded = fold(text[: max_length * 8])  # no title needs more letters than this
    # Accents (combining marks) go; every other character without an ASCII form is a
    # word break, so "Egyptian–Ottoman" (any dash) and "a中b" keep their words apart.
    ascii_text = "".join(
        ch if ch.isascii() else "" if unicodedata.combining(ch) else " "
        for ch in unicodedata.normalize("NFKD", folded)
    )
    slug = ""
    for word in re.findall(r"[a-z0-9]+", ascii_text):
        joined = f"{slug}-{word}" if slug else word
        if len(joined) > max_length:
            slug = slug or word[:max_length]
            break
        slug = joined
    return safe_name(slug or "entry")


def safe_name(name: str) -> str:
    """``name`` changed, if need be, into a name every common file system accepts."""
    name = re.sub(r'[\x00-\x1f\x7f<>:"/\\|?*]', "-", name).strip(" .") or "entry"
    if name in (".", ".."):
        name = "entry"
    if name.split(".", 1)[0].upper() in RESERVED_NAMES:
        name = f"{name}-entry"
    return name


def date_part(date: PartialDate) -> str:
    """The date in a file name, down to the day: ``2014-04-17``, ``44-bce-03-15``.

    BCE dates are written ``44-bce`` rather than ISO's ``-0043``: a name starting with a
    dash reads as an option to every command-line tool.
    """
    if date.year <= 0:
        text = f"{1 - date.year}-bce"
        if date.month is not None:
            text += f"-{date.month:02d}"
        if date.day is not None:
            text += f"-{date.day:02d}"
        return text
    return PartialDate(date.year, date.month, date.day).isoformat()


def entry_location(entries_dir: Path, entry: Entry) -> tuple[Path, str]:
    """The folder and file stem a new entry is written to (before collision suffixes)."""
    folder = entries_dir / safe_name(date_part(PartialDate(entry.date.year)))
    return folder, safe_name(f"{date_part(entry.date)}-{slugify(entry.title)}")


def write_new_entry(chronicle: Location, entry: Entry) -> Path:
    """Write ``entry`` to a new file under ``entries/``, never replacing one; return its path."""
    from chronicle.fileio import atomic_write_text
    from chronicle.store import dump_entry

    text = dump_entry(entry)
    folder, stem = entry_location(chronicle.entries_dir, entry)
    path = _claim(chronicle.entries_dir, folder, stem)
    try:
        atomic_write_text(path, text)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _claim(entries_dir: Path, folder: Path, stem: str) -> Path:
    """Create an empty file with a free name: ``stem``, ``stem-2``, ...

    Creating with O_EXCL claims the name even against another process adding an entry
    at the same moment; the atomic write then replaces the empty file. Names that differ
    only in case, or only in .yaml/.yml, would clash on some systems or give one id to
    two files, so they count as taken.
    """
    from chronicle.fileio import write_failure

    root = entries_dir.resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise write_failure(err, folder) from None
    if not folder.resolve().is_relative_to(root):
        raise ChronicleError(f"refusing to write outside {entries_dir}: {folder}")
    taken = {name.rsplit(".", 1)[0].casefold() for name in os.listdir(folder)}
    for number in range(1, 10_000):
        candidate = stem if number == 1 else f"{stem}-{number}"
        if candidate.casefold() in taken:
            continue
        path = folder / f"{candidate}{ENTRY_SUFFIX}"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        except OSError as err:
            raise write_failure(err, path) from None
        return path
    raise ChronicleError(f"no free file name for {stem} in {folder}")


def delete_entry(chronicle: Location, entry: Entry) -> Path:
    """Remove the entry's file (and its year folder if that leaves it empty)."""
    path = chronicle.root / entry.path
    try:
        path.unlink()
    except FileNotFoundError:
        from chronicle.errors import NotFoundError

        raise NotFoundError(f"{entry.path} is already gone") from None
    except OSError as err:
        raise ChronicleError(f"{entry.path} cannot be deleted: {err.strerror or err}") from None
    folder = path.parent
    if folder != chronicle.entries_dir and not any(folder.iterdir()):
        folder.rmdir()
    return path


# -- names that look like names already in the chronicle -------------------------------

KIND_OF = {"people": "person", "places": "place", "tags": "tag"}


@dataclass(frozen=True)
class NameWarning:
    """A new name that looks like one the chronicle already uses."""

    field: str  # people, places or tags
    given: str
    known: str
    count: int  # entries using the known spelling (or any spelling of a declared name)
    declared: bool = False  # a declared variant that no folding makes look alike

    @property
    def message(self) -> str:
        entries = f"{self.count} {'entry' if self.count == 1 else 'entries'}"
        if self.declared:
            return (f"'{self.given}' is listed in chronicle.yaml as another spelling of "
                    f"'{self.known}' ({entries}): use that?")
        return f"'{self.given}' looks like '{self.known}' ({entries}): use that?"


class KnownNames:
    """People, places and tags the chronicle already uses, read from the catalog.

    Lookalike warnings scan only the catalog's name keys and load only the entries of
    keys that match, so they stay cheap in a chronicle of 100k entries. The names
    offered at the prompts (`most_common`) are grouped over every entry, once, as
    ``chronicle names`` groups them.
    """

    def __init__(self, catalog: Catalog, registry: NameRegistry | None = None) -> None:
        from chronicle.names import NameRegistry

        self.catalog = catalog
        self.registry = registry or NameRegistry()
        self._entries: list[Entry] | None = None

    def spellings(self, field: str, key: str, limit: int = 200) -> dict[str, int]:
        """Each spelling of the name with ``key`` and how many entries use it."""
        from collections import Counter

        from chronicle.names import name_key

        ids = self.catalog.ids_naming(KIND_OF[field], key, limit)
        counts: Counter[str] = Counter()
        for entry in self.catalog.get_many(ids).values():
            for name in getattr(entry, field):
                if name_key(name) == key:
                    counts[name] += 1
        return dict(counts)

    def entries_using(self, field: str, keys: set[str]) -> int:
        """How many entries name any of ``keys`` under ``field``."""
        return self.catalog.count_naming(KIND_OF[field], keys)

    def lookalike(self, field: str, name: str) -> NameWarning | None:
        """The spelling the chronicle uses for a name like ``name``, if not ``name`` itself."""
        from chronicle.name_groups import keys_are_close
        from chronicle.names import name_key

        key = name_key(name)
        group = self.registry.group(name)
        if group is not None:
            if name == group.canonical:
                return None
            declared = name_key(group.canonical) != key  # not just another way to write it
            used = self.entries_using(field, {name_key(form) for form in group.forms})
            return NameWarning(field, name, group.canonical, used, declared=declared)
        if not key:
            return None
        candidates = [key]
        # Near misses share the first letter (see name_groups): scan only those keys.
        candidates += [
            found
            for found in self.catalog.name_keys_starting(KIND_OF[field], key[0])
            if found != key and keys_are_close(found, key)
        ]
        for candidate in candidates:
            spellings = self.spellings(field, candidate)
            if name in spellings:
                return None
            if spellings:
                known, count = max(spellings.items(), key=lambda item: (item[1], item[0]))
                return NameWarning(field, name, known, count)
        return None

    def most_common(self, field: str, limit: int = 8) -> list[tuple[str, int]]:
        """The names of ``field`` the most entries use, exactly as ``chronicle names``
        shows them: spellings grouped as it groups them (folded keys, chronicle.yaml,
        search's matcher), each group under its name there (the canonical form, else
        the spelling used most) with the number of entries naming it in any spelling."""
        from chronicle.name_groups import group_names

        if self._entries is None:
            self._entries = self.catalog.entries()
        kind = KIND_OF[field]
        groups = group_names(self._entries, kinds=[kind], registry=self.registry)[kind]
        return [(group.canonical, group.count) for group in groups[:limit]]


def name_warnings(entry: Entry, known: KnownNames) -> list[NameWarning]:
    """A warning for each person, place or tag of ``entry`` that looks like another spelling."""
    warnings: list[NameWarning] = []
    for field in LIST_KEYS:
        for name in getattr(entry, field):
            warning = known.lookalike(field, name)
            if warning is not None:
                warnings.append(warning)
    return warnings


def apply_spellings(entry: Entry, chosen: Iterable[NameWarning]) -> Entry:
    """``entry`` with each warned-about name replaced by the known spelling."""
    swaps = {(w.field, w.given): w.known for w in chosen}

    def swapped(field: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(swaps.get((field, n), n) for n in getattr(entry, field)))

    return entry.replace(people=swapped("people"), places=swapped("places"),
                         tags=swapped("tags"))
