"""Entry files on disk: find, parse with line numbers, validate, dump, write atomically.

YAML is untrusted input: only safe loaders (libyaml's when present). Problems name the
file and line; one bad file never hides the good ones.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chronicle.fileio import safe_loader
from chronicle.model import KNOWN_KEYS, Entry, Problem, entry_from_mapping

if TYPE_CHECKING:
    from chronicle.config import Location

ENTRY_SUFFIXES = (".yaml", ".yml")
DATE_KEYS = ("date", "end")


@dataclass
class LoadResult:
    """What reading one entry file gave: the entry (if valid) and every problem."""

    path: str
    entry: Entry | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]


@dataclass
class LoadedChronicle:
    """Every valid entry in order, and every problem found on the way."""

    entries: list[Entry]
    problems: list[Problem]


def iter_entry_files(entries_dir: Path) -> Iterator[Path]:
    """Every entry file below ``entries_dir``, at any depth, in a stable order.

    Hidden files and folders (editor swap files, ``.git``) are skipped.
    """
    if not entries_dir.is_dir():
        return
    for folder, dirs, files in os.walk(entries_dir):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.endswith(ENTRY_SUFFIXES):
                continue
            yield Path(folder, name)


def entry_id(entries_dir: Path, path: Path) -> str:
    """The id is the path under ``entries/`` without its extension."""
    relative = path.relative_to(entries_dir).as_posix()
    return relative.rsplit(".", 1)[0]


def parse_entry_text(
    text: str,
    *,
    id: str,
    path: str,
    declared: frozenset[str] = frozenset(),
) -> LoadResult:
    """Parse and validate the text of one entry file."""
    import yaml

    loader = safe_loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            data: object = None
            lines: dict[str, int] = {}
            duplicates: list[Problem] = []
        else:
            lines, duplicates = _inspect(node, path)
            data = loader.construct_document(node)
    except yaml.MarkedYAMLError as err:
        return LoadResult(path, None, [_yaml_problem(path, err)])
    except yaml.YAMLError as err:
        return LoadResult(path, None, [Problem(path, None, f"not valid YAML: {err}")])
    finally:
        loader.dispose()
    entry, problems = entry_from_mapping(data, id=id, path=path, lines=lines, declared=declared)
    problems = duplicates + problems
    if duplicates:
        entry = None
    return LoadResult(path, entry, problems)


def _inspect(node: Any, path: str) -> tuple[dict[str, int], list[Problem]]:
    """Line numbers of the top-level keys and duplicate keys; dates kept as written.

    Dates are read from the text as written, never through YAML's own typing:
    YAML 1.1 reads ``-0044`` as an octal number and fails on ``2014-02-30`` with a
    bare ValueError, so timestamp scalars (anywhere) and the ``date``/``end`` scalars
    are retagged as text before the document is constructed.
    """
    import yaml

    lines: dict[str, int] = {}
    problems: list[Problem] = []
    _timestamps_as_text(node)
    if not isinstance(node, yaml.MappingNode):
        return lines, problems
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            continue
        key = key_node.value
        line = key_node.start_mark.line + 1
        if key in lines:
            problems.append(
                Problem(path, line, f"'{key}' is given twice (also on line {lines[key]})")
            )
            continue
        lines[key] = line
        if (
            key in DATE_KEYS
            and isinstance(value_node, yaml.ScalarNode)
            and value_node.tag in (_INT_TAG, _FLOAT_TAG)
        ):
            value_node.tag = _STR_TAG
    return lines, problems


_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def _timestamps_as_text(node: Any) -> None:
    import yaml

    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            if current.tag == _TIMESTAMP_TAG:
                current.tag = _STR_TAG
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                stack.append(key_node)
                stack.append(value_node)


def _yaml_problem(path: str, err: Any) -> Problem:
    mark = err.problem_mark or err.context_mark
    problem = err.problem or err.context or "not valid YAML"
    if mark is None:
        return Problem(path, None, f"YAML syntax error: {problem}")
    return Problem(path, mark.line + 1, f"YAML syntax error at column {mark.column + 1}: {problem}")


def read_text(path: Path, display_path: str) -> tuple[str | None, Problem | None]:
    """A file's text, or the problem that stopped it being read."""
    try:
        data = path.read_bytes()
    except OSError as err:
        return None, Problem(display_path, None, f"cannot be read: {err.strerror or err}")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, Problem(display_path, line, "is not UTF-8 text")


def load_file(chronicle: Location, path: Path) -> LoadResult:
    """Read, parse and validate one entry file of ``chronicle``."""
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
    results = [load_file(chronicle, path) for path in iter_entry_files(chronicle.entries_dir)]
    entries, problems = collect(results)
    problems.extend(duplicate_warnings(entries))
    return LoadedChronicle(entries, problems)


def collect(results: Iterable[LoadResult]) -> tuple[list[Entry], list[Problem]]:
    """Valid entries in chronicle order, and every problem; two files with one id clash."""
    entries: list[Entry] = []
    problems: list[Problem] = []
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
        entries.append(entry)
    entries.sort(key=lambda entry: entry.sort_key)
    return entries, problems


def duplicate_warnings(entries: Iterable[Entry]) -> list[Problem]:
    """The same title on the same date twice is most likely one event written twice."""
    first: dict[tuple[str, str], Entry] = {}
    problems: list[Problem] = []
    for entry in entries:
        key = (entry.title.casefold(), entry.date.isoformat())
        if key in first:
            problems.append(
                Problem(
                    entry.path,
                    None,
                    f"same title and date as {first[key].path}",
                    "warning",
                )
            )
        else:
            first[key] = entry
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
        if "\n" in value:
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
        return dumper.represent_scalar("tag:yaml.org,2002:str", value)

    def represent_list(dumper: Any, value: list[Any]) -> Any:
        flat = all(isinstance(item, str) and "\n" not in item for item in value)
        short = sum(len(str(item)) + 2 for item in value) < 70
        return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flat and short)

    def represent_date(dumper: Any, value: _DateText) -> Any:
        # Written plain (date: 2014-04-17) when YAML reads it back unchanged; BCE and
        # expanded years are quoted, since YAML 1.1 would read -0044 as an octal number.
        text = str(value)
        if text.startswith(("-", "+")):
            return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
        tag = dumper.resolve(yaml.ScalarNode, text, (True, False))
        return dumper.represent_scalar(tag, text)

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


class _DateText(str):
    """A date string to be written plain where YAML allows it."""


__all__ = [
    "KNOWN_KEYS",
    "LoadResult",
    "LoadedChronicle",
    "collect",
    "dump_entry",
    "entry_id",
    "iter_entry_files",
    "load_all",
    "load_file",
    "parse_entry_text",
]
