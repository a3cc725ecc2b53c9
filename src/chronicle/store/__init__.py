"""Entry files on disk: find, parse with line numbers, validate, dump, write atomically.

YAML is untrusted input: only safe loaders (libyaml's when present). Problems name the
file and line; one bad file never hides the good ones.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import TYPE_CHECKING, Any

from chronicle.fileio import safe_loader
from chronicle.model import KNOWN_KEYS, LIST_KEYS, TEXT_KEYS, Entry, Problem, entry_from_mapping
from chronicle.yaml_typing import STR_TAG, reads_as_text, trap

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


def file_signature(stat: os.stat_result) -> str:
    """What says a file changed: its times and size."""
    # ctime changes on every write and cannot be set back by tools that preserve
    # mtime (cp -p, rsync -t), so together they catch every edit.
    return f"{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_size}"


#: A scan's "signature" of a path that cannot be read as an entry starts with this mark
#: and goes on with the problem, so every command reports it the same way.
UNREADABLE = "!"


def is_entry_name(name: str) -> bool:
    return not name.startswith(".") and name.endswith(ENTRY_SUFFIXES)


def _link_problem(path: str, err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return f"{UNREADABLE}is a symbolic link that loops"
    if err.errno in (errno.ENOENT, errno.ENOTDIR):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"{UNREADABLE}is a symbolic link to nothing ({target})"
    return f"{UNREADABLE}cannot be read: {err.strerror or err}"


def stat_entry_file(path: Path | str) -> str:
    """The signature of one entry file, or ``UNREADABLE`` and why it cannot be read."""
    try:
        stat = os.stat(path)
    except OSError as err:
        if os.path.islink(path):
            return _link_problem(str(path), err)
        raise
    if not S_ISREG(stat.st_mode):
        return f"{UNREADABLE}is not a regular file"
    return file_signature(stat)


def scan_entry_files(entries_dir: Path) -> dict[str, str]:
    """``{path under entries/: signature}`` for every entry file, by stat alone.

    Each real folder is read once: a link to a folder already read (a loop such as
    ``ln -s .. entries/loop``, or a second way into one folder) is reported in place of
    its files, as are links to nothing, links that loop and anything that is not a
    regular file (a FIFO would block the reader). Such paths get a signature starting
    with ``UNREADABLE``; folders reported so end with ``/``. Hidden files and folders
    (editor swap files, ``.git``) are skipped.
    """
    found: dict[str, str] = {}
    try:
        root = os.stat(entries_dir)
    except OSError:
        return found
    if not S_ISDIR(root.st_mode):
        return found
    seen: dict[tuple[int, int], str] = {(root.st_dev, root.st_ino): entries_dir.name + "/"}
    stack: list[tuple[str, str]] = [(str(entries_dir), "")]
    # Linked folders are followed only once every real folder is read, so a folder is
    # known by its real path, not by a link to it that happens to come first.
    links: list[tuple[str, str]] = []
    while stack or links:
        if not stack:
            path, relpath = links.pop()
            try:
                stat = os.stat(path)
            except OSError as err:
                found[relpath + "/"] = _link_problem(path, err)
                continue
            key = (stat.st_dev, stat.st_ino)
            if key in seen:
                found[relpath + "/"] = (
                    f"{UNREADABLE}is a link to a folder already read ({seen[key]})"
                )
                continue
            seen[key] = f"{entries_dir.name}/{relpath}/"
            stack.append((path, relpath + "/"))
            continue
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as listing:
                items = list(listing)
        except OSError as err:
            if prefix:
                found[prefix] = f"{UNREADABLE}cannot be read: {err.strerror or err}"
            continue
        for item in items:
            name = item.name
            if name[0] == ".":
                continue
            relpath = prefix + name
            try:
                # Entry files far outnumber folders: test the cheap name first.
                if name.endswith(ENTRY_SUFFIXES):
                    found[relpath] = stat_entry_file(item.path)
                elif item.is_symlink():
                    if item.is_dir():
                        links.append((item.path, relpath))
                    elif not os.path.exists(item.path) and "." not in name:
                        # Perhaps a link to a folder that is gone.
                        found[relpath + "/"] = _link_problem(item.path, _stat_error(item.path))
                elif item.is_dir(follow_symlinks=False):
                    stat = item.stat(follow_symlinks=False)
                    key = (stat.st_dev, stat.st_ino)
                    if key in seen:
                        found[relpath + "/"] = f"{UNREADABLE}is a folder already read ({seen[key]})"
                        continue
                    seen[key] = f"{entries_dir.name}/{relpath}/"
                    stack.append((item.path, relpath + "/"))
            except OSError as err:
                found[relpath] = f"{UNREADABLE}cannot be read: {err.strerror or err}"
    return found


def _stat_error(path: str) -> OSError:
    try:
        os.stat(path)
    except OSError as err:
        return err
    return OSError(errno.EIO, "cannot be read")


def iter_entry_files(entries_dir: Path) -> Iterator[Path]:
    """Every readable entry file below ``entries/``, in a stable order.

    See ``scan_entry_files`` for what is left out.
    """
    for relpath, signature in sorted(scan_entry_files(entries_dir).items()):
        if not signature.startswith(UNREADABLE):
            yield entries_dir / relpath


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
            shape = _shape_problem(node, path)
            if shape is not None:
                return LoadResult(path, None, [shape])
            lines, duplicates = _inspect(node, path)
            data = loader.construct_document(node)
        entry, problems = entry_from_mapping(data, id=id, path=path, lines=lines, declared=declared)
    except yaml.MarkedYAMLError as err:
        return LoadResult(path, None, [_yaml_problem(path, err)])
    except yaml.YAMLError as err:
        return LoadResult(path, None, [Problem(path, None, f"not valid YAML: {err}")])
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as err:
        # Whatever one file holds, it must never stop the others being read.
        message = f"cannot be read as an entry ({type(err).__name__}: {err})"
        return LoadResult(path, None, [Problem(path, None, message)])
    finally:
        loader.dispose()
    problems = duplicates + problems
    if any(problem.severity == "error" for problem in duplicates):
        entry = None
    return LoadResult(path, entry, problems)


#: Values a file may hold once its aliases are expanded: far beyond any real entry, far
#: below what a "billion laughs" file (aliases of aliases) would expand to.
MAX_VALUES = 100_000
#: Lists and mappings nested deeper than this are refused (no entry needs more).
MAX_DEPTH = 100
#: Digits in a YAML integer: Python refuses to convert more than 4300 by default.
MAX_DIGITS = 4000


def _shape_problem(root: Any, path: str) -> Problem | None:
    """What makes a YAML document unsafe to construct: checked in one linear pass.

    Aliases share nodes, so the graph is walked once per node while counting how many
    values it would expand to; an alias to itself (a recursive structure), nesting
    past ``MAX_DEPTH`` and integers too long to convert are refused with their line.
    """
    import yaml

    sizes: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[tuple[Any, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, leaving = stack.pop()
        key = id(node)
        line = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _INT_TAG and sum(char.isdigit() for char in node.value) > MAX_DIGITS:
                return Problem(
                    path, line, f"a number of more than {MAX_DIGITS} digits; quote it as text"
                )
            sizes[key] = 1
            continue
        children: list[Any] = (
            list(node.value)
            if isinstance(node, yaml.SequenceNode)
            else [part for pair in node.value for part in pair]
        )
        if leaving:
            sizes[key] = min(MAX_VALUES + 1, 1 + sum(sizes[id(child)] for child in children))
            continue
        if key in sizes:
            continue
        if key in entered:
            return Problem(path, line, "an alias refers to a value that contains it")
        if depth > MAX_DEPTH:
            return Problem(path, line, f"values nested more than {MAX_DEPTH} deep")
        entered.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children)
    if sizes[id(root)] > MAX_VALUES and sizes[id(root)] > len(sizes):
        return Problem(
            path,
            None,
            f"its aliases (*name) expand to more than {MAX_VALUES:,} values; "
            "write the values out instead",
        )
    return None


def _inspect(node: Any, path: str) -> tuple[dict[str, int], list[Problem]]:
    """Line numbers of the top-level keys and duplicate keys; dates kept as written.

    Dates are read from the text as written, never through YAML's own typing:
    YAML 1.1 reads ``-0044`` as an octal number and fails on ``2014-02-30`` with a
    bare ValueError, so timestamp scalars (anywhere) and the ``date``/``end`` scalars
    are retagged as text before the document is constructed.
    """
    import yaml

    lines: dict[str, int] = {}
    problems: list[Problem] = _control_warnings(node, path)
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
        problems.extend(_typing_traps(key, value_node, path))
    return lines, problems


# Fields chronicle reads as the text written, whatever YAML would type it as.
_TEXT_FIELDS = frozenset(("title", *TEXT_KEYS, *LIST_KEYS))
_RETAGGED = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool")


def _typing_traps(key: str, node: Any, path: str) -> list[Problem]:
    """Warnings for plain values other YAML readers would read differently.

    Text fields (title, names, sources) are also read here as the text written, so
    ``title: 1.0e+3`` is the title "1.0e+3", not 1000.0.
    """
    import yaml

    problems: list[Problem] = []

    def visit(node: Any, field: str, *, as_text: bool, as_date: bool = False) -> None:
        if not isinstance(node, yaml.ScalarNode) or node.style:  # quoted or a block
            return
        why = trap(node.value, as_text=as_text or as_date, as_date=as_date)
        if as_text and node.tag in _RETAGGED:
            node.tag = _STR_TAG
        if why:
            problems.append(
                Problem(
                    path,
                    node.start_mark.line + 1,
                    f'{field}: {why}; quote it ({field}: "{node.value}") so that '
                    "every YAML reader reads it as chronicle does",
                    "warning",
                )
            )

    if key in DATE_KEYS:
        visit(node, key, as_text=False, as_date=True)
    elif key in _TEXT_FIELDS:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for item in items:
            visit(item, key, as_text=True)
    elif key == "sources" and isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.MappingNode):
                for source_key, source_value in item.value:
                    name = getattr(source_key, "value", "")
                    visit(
                        source_value,
                        f"source {name}",
                        as_text=name in ("title", "url"),
                        as_date=name == "date",
                    )
            else:
                visit(item, "source", as_text=True)
    else:
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, yaml.ScalarNode):
                visit(current, key, as_text=False)
            elif isinstance(current, yaml.SequenceNode):
                stack.extend(current.value)
            elif isinstance(current, yaml.MappingNode):
                stack.extend(value for _, value in current.value)
    return problems


_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def _control_warnings(root: Any, path: str) -> list[Problem]:
    """A warning per text holding a control character (shown escaped on a terminal)."""
    import yaml

    from chronicle.controls import first_control

    problems: list[Problem] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            found = first_control(node.value)
            if found:
                problems.append(
                    Problem(
                        path,
                        node.start_mark.line + 1,
                        f"holds a control character ({found}); terminals show it escaped",
                        "warning",
                    )
                )
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
    problems.sort(key=lambda problem: problem.line or 0)
    return problems


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


#: Entry files larger than this are not read: a chronicle entry is a page or a few, and
#: every command would otherwise pay for a file that is most likely a mistake.
MAX_FILE_BYTES = 8 * 1024 * 1024


def read_text(path: Path, display_path: str) -> tuple[str | None, Problem | None]:
    """A file's text, or the problem that stopped it being read.

    Only regular files are read (a FIFO would block), and none over ``MAX_FILE_BYTES``.
    """
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        if os.path.islink(path):
            return None, Problem(display_path, None, _link_problem(str(path), err)[1:])
        return None, Problem(display_path, None, f"cannot be read: {err.strerror or err}")
    try:
        stat = os.fstat(fd)
        if not S_ISREG(stat.st_mode):
            return None, Problem(display_path, None, "is not a regular file")
        if stat.st_size > MAX_FILE_BYTES:
            return None, Problem(display_path, None, _too_big(stat.st_size))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        return None, Problem(display_path, None, f"cannot be read: {err.strerror or err}")
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        return None, Problem(display_path, None, _too_big(len(data)))
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, Problem(display_path, line, "is not UTF-8 text")


def _too_big(size: int) -> str:
    return (
        f"is {size / 1_048_576:.1f} MB; entry files are limited to "
        f"{MAX_FILE_BYTES // 1_048_576} MB (split it, or keep large documents as sources)"
    )


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
    results: list[LoadResult] = []
    entries_dir = chronicle.entries_dir
    for relpath, signature in sorted(scan_entry_files(entries_dir).items()):
        if signature.startswith(UNREADABLE):
            display = f"{entries_dir.name}/{relpath}"
            results.append(LoadResult(display, None, [Problem(display, None, signature[1:])]))
        else:
            results.append(load_file(chronicle, entries_dir / relpath))
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
    "KNOWN_KEYS",
    "LoadResult",
    "LoadedChronicle",
    "collect",
    "dump_entry",
    "entry_id",
    "UNREADABLE",
    "file_signature",
    "iter_entry_files",
    "load_all",
    "load_file",
    "parse_entry_text",
    "scan_entry_files",
    "stat_entry_file",
]
