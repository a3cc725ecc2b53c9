"""Entry files on disk: find (`files`), parse with line numbers and validate
(`parsing`), load every one, dump clean YAML.

YAML is untrusted input: only safe loaders (libyaml's when present). Problems name the
file and line; one bad file never hides the good ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from chronicle.model import KNOWN_KEYS, Entry, Problem
from chronicle.records import Record
from chronicle.store.files import (
    ENTRY_SUFFIXES,
    MAX_FILE_BYTES,
    UNREADABLE,
    entry_id,
    file_signature,
    is_entry_name,
    iter_entry_files,
    read_text,
    scan_entry_files,
    stat_entry_file,
)
from chronicle.store.parsing import DATE_KEYS, LoadResult, parse_entry_text
from chronicle.yaml_typing import STR_TAG, reads_as_text

if TYPE_CHECKING:
    from chronicle.config import Location


class LoadedChronicle(Record):
    """Every valid entry in order, and every problem found on the way."""

    __slots__ = ("entries", "problems")
    entries: list[Entry]
    problems: list[Problem]

    def __init__(self, entries: list[Entry], problems: list[Problem]) -> None:
        self.entries = entries
        self.problems = problems


def load_file(chronicle: Location, path: Path) -> LoadResult:
    """Read, parse and validate one entry file of ``chronicle``."""
    try:
        # As the catalog shows it: the path through entries/, not where a link leads.
        relpath = path.relative_to(chronicle.entries_dir).as_posix()
        display = f"{chronicle.entries_dir.name}/{relpath}"
    except ValueError:
        display = chronicle.relative(path)
    text, problem = read_text(path, display)
    if problem is not None or text is None:
        return LoadResult(display, None, [problem] if problem else [])
    return parse_entry_text(
        text,
        id=entry_id(chronicle.entries_dir, path),
        path=display,
        declared=chronicle.config.fields,
    )


def load_all(chronicle: Location) -> LoadedChronicle:
    """Parse every entry file (no cache): the ground truth that ``check`` reports on."""
    entries, problems = collect(_read_all(chronicle))
    problems.extend(duplicate_warnings(entries))
    return LoadedChronicle(entries, problems)


class CheckReport(Record):
    """What `check_all` found: how many valid entries, and every problem, in the order
    `load_all` gives them."""

    __slots__ = ("valid", "problems")
    valid: int
    problems: list[Problem]

    def __init__(self, valid: int, problems: list[Problem]) -> None:
        self.valid = valid
        self.problems = problems


#: From this many files, ``check`` parses them in worker processes on every core.
CHECK_PARALLEL_MIN_FILES = 2000
#: Files per job sent to a worker.
CHECK_BATCH_FILES = 200


class CheckedEntry(NamedTuple):
    """What ``check`` keeps of a valid entry: its id, order, duplicate key and path."""

    id: str
    sort_key: Any
    duplicate_key: tuple[str, str]
    path: str


class Checked(NamedTuple):
    """One file as ``check`` sees it: its problems, and the entry when it is valid."""

    path: str
    entry: CheckedEntry | None
    problems: list[Problem]


def check_all(chronicle: Location, *, workers: int | None = None) -> CheckReport:
    """`load_all`'s problems and count of valid entries, holding one entry at a time:
    of the others it keeps only what the duplicate check needs (its order, title and
    date, and path), so checking 100,000 entries never holds them all. From
    `CHECK_PARALLEL_MIN_FILES` files, worker processes parse them on every core (up to
    ``workers``); the report is the same, in the same order."""
    problems: list[Problem] = []
    kept = [(entry.sort_key, entry.duplicate_key, entry.path)
            for entry in _valid(_check_every_file(chronicle, workers), problems)]
    kept.sort(key=itemgetter(0))
    problems.extend(_duplicates((key, path) for _, key, path in kept))
    return CheckReport(len(kept), problems)


def _check_every_file(chronicle: Location, workers: int | None) -> Iterator[Checked]:
    """Every entry file read, parsed and validated afresh, in path order."""
    import functools

    from chronicle import feedback
    from chronicle import workers as pool

    entries_dir = chronicle.entries_dir
    files = sorted(scan_entry_files(entries_dir).items())
    count = pool.usable_cores() if workers is None else workers
    progress = feedback.progress()
    todo = [relpath for relpath, signature in files if not signature.startswith(UNREADABLE)]
    if count < 2 or len(todo) < CHECK_PARALLEL_MIN_FILES:
        checked: Iterator[Checked] = (_checked(load_file(chronicle, entries_dir / relpath))
                                      for relpath in todo)
    else:
        batches = [todo[i:i + CHECK_BATCH_FILES]
                   for i in range(0, len(todo), CHECK_BATCH_FILES)]
        checked = pool.in_order(functools.partial(_check_batch, chronicle), batches, count)
    done = 0
    for relpath, signature in files:
        if signature.startswith(UNREADABLE):
            display = f"{entries_dir.name}/{relpath}"
            yield Checked(display, None, [Problem(display, None, signature[1:])])
            continue
        yield next(checked)
        done += 1
        if progress is not None and (done % CHECK_BATCH_FILES == 0 or done == len(todo)):
            progress("Checking entry files", done, len(todo))


def _read_all(chronicle: Location) -> Iterator[LoadResult]:
    """Every entry file read and parsed afresh, one at a time, in path order."""
    entries_dir = chronicle.entries_dir
    for relpath, signature in sorted(scan_entry_files(entries_dir).items()):
        if signature.startswith(UNREADABLE):
            display = f"{entries_dir.name}/{relpath}"
            yield LoadResult(display, None, [Problem(display, None, signature[1:])])
        else:
            yield load_file(chronicle, entries_dir / relpath)


def _check_batch(chronicle: Location, batch: list[str]) -> list[Checked]:
    entries_dir = chronicle.entries_dir
    return [_checked(load_file(chronicle, entries_dir / relpath)) for relpath in batch]


def _checked(result: LoadResult) -> Checked:
    entry = result.entry
    if entry is None:
        return Checked(result.path, None, result.problems)
    return Checked(result.path, CheckedEntry(entry.id, entry.sort_key,
                                             _duplicate_key(entry), entry.path),
                   result.problems)


def collect(results: Iterable[LoadResult]) -> tuple[list[Entry], list[Problem]]:
    """Valid entries in chronicle order, and every problem; two files with one id clash."""
    problems: list[Problem] = []
    entries = list(_valid(results, problems))
    entries.sort(key=lambda entry: entry.sort_key)
    return entries, problems


def _valid(results: Iterable[LoadResult] | Iterable[Checked],
           problems: list[Problem]) -> Iterator[Any]:
    """The valid entries of ``results`` as they come, the first of each id only; every
    problem (a second file with an id already seen is one) goes to ``problems``."""
    seen: dict[str, str] = {}
    for result in results:
        problems.extend(result.problems)
        entry = result.entry
        if entry is None:
            continue
        if entry.id in seen:
            problems.append(
                Problem(
                    result.path,
                    None,
                    f"has the same id '{entry.id}' as {seen[entry.id]}; rename one of them",
                )
            )
            continue
        seen[entry.id] = result.path
        yield entry


def duplicate_warnings(entries: Iterable[Entry]) -> list[Problem]:
    """The same title on the same date twice is most likely one event written twice."""
    return _duplicates((_duplicate_key(entry), entry.path) for entry in entries)


def _duplicate_key(entry: Entry) -> tuple[str, str]:
    return entry.title.casefold(), entry.date.isoformat()


def _duplicates(keyed: Iterable[tuple[tuple[str, str], str]]) -> list[Problem]:
    """`duplicate_warnings` from each entry's title and date key and path, in order."""
    first: dict[tuple[str, str], str] = {}
    problems: list[Problem] = []
    for key, path in keyed:
        if key in first:
            problems.append(Problem(path, None, f"same title and date as {first[key]}",
                                    "warning"))
        else:
            first[key] = path
    return problems


# -- writing ---------------------------------------------------------------------------


def dump_entry(entry: Entry) -> str:
    """Clean, stable YAML for an entry: documented key order, Unicode kept, block bodies."""
    return dump_mapping(entry.to_yaml_mapping())


def dump_mapping(data: dict[str, Any]) -> str:
    import yaml

    class EntryDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        pass

    def represent_str(dumper: Any, value: str) -> Any:
        if _YAML_BREAKS.intersection(value):
            # PyYAML writes these raw in plain, single-quoted and block scalars, where
            # every reader takes them as line breaks; only double quotes escape them.
            return dumper.represent_scalar(STR_TAG, value, style='"')
        if "\n" in value:
            return dumper.represent_scalar(STR_TAG, value, style="|")
        # PyYAML already quotes what YAML 1.1 would type; this adds what YAML 1.2
        # readers would (1e3, 0o17) and the 1.1 booleans PyYAML leaves plain (y, n).
        style = None if reads_as_text(value) else '"'
        return dumper.represent_scalar(STR_TAG, value, style=style)

    def represent_list(dumper: Any, value: list[Any]) -> Any:
        flat = all(isinstance(item, str) and "\n" not in item for item in value)
        short = sum(len(str(item)) + 2 for item in value) < 70
        return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flat and short)

    def represent_date(dumper: Any, value: _DateText) -> Any:
        # Always quoted: plain, YAML 1.1 reads 0602 as the octal number 386, fails on
        # 0000-03-15 and turns 1914 into a number and 2014-04-17 into a date object;
        # quoted, every reader gives back the text chronicle wrote.
        return dumper.represent_scalar(STR_TAG, str(value), style='"')

    EntryDumper.add_representer(str, represent_str)
    EntryDumper.add_representer(list, represent_list)
    EntryDumper.add_representer(_DateText, represent_date)
    prepared = dict(data)
    for key in DATE_KEYS:
        if isinstance(prepared.get(key), str):
            prepared[key] = _DateText(prepared[key])
    sources = prepared.get("sources")
    if isinstance(sources, list):
        prepared["sources"] = [
            {
                k: (_DateText(v) if k == "date" and isinstance(v, str) else v)
                for k, v in source.items()
            }
            if isinstance(source, dict)
            else source
            for source in sources
        ]
    text: str = yaml.dump(
        prepared,
        Dumper=EntryDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
        indent=2,
    )
    return text


# Line breaks to YAML besides \n and \r (NEL, line and paragraph separators), and the BOM.
_YAML_BREAKS = frozenset("\x85\u2028\u2029\ufeff")


class _DateText(str):
    """A date string, always written quoted."""


__all__ = [
    "DATE_KEYS",
    "ENTRY_SUFFIXES",
    "KNOWN_KEYS",
    "MAX_FILE_BYTES",
    "LoadResult",
    "LoadedChronicle",
    "collect",
    "dump_entry",
    "entry_id",
    "UNREADABLE",
    "file_signature",
    "is_entry_name",
    "iter_entry_files",
    "load_all",
    "load_file",
    "parse_entry_text",
    "read_text",
    "scan_entry_files",
    "stat_entry_file",
]
