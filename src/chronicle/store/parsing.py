"""Parsing one entry file's text: YAML read safely (no alias bombs, no huge numbers, no
deep nesting), with line numbers, dates and text fields read as written rather than
through YAML 1.1 typing, then validated into an `Entry` and its `Problem`s.
"""

from __future__ import annotations

from typing import Any

from chronicle.fileio import safe_loader
from chronicle.model import LIST_KEYS, TEXT_KEYS, Entry, Problem, entry_from_mapping
from chronicle.records import Record
from chronicle.yaml_typing import trap

DATE_KEYS = ("date", "end")


class LoadResult(Record):
    """What reading one entry file gave: the entry (if valid) and every problem."""

    __slots__ = ("path", "entry", "problems")
    path: str
    entry: Entry | None
    problems: list[Problem]

    def __init__(self, path: str, entry: Entry | None,
                 problems: list[Problem] | None = None) -> None:
        self.path = path
        self.entry = entry
        self.problems = [] if problems is None else problems

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]


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
        if entry is not None:
            problems += _size_warnings(entry, path, lines)
    except yaml.MarkedYAMLError as err:
        return LoadResult(path, None, [_yaml_problem(path, err)])
    except yaml.YAMLError as err:
        from chronicle.fileio import yaml_error_place

        line, column, problem = yaml_error_place(err, text)
        where = f" at column {column}" if column is not None else ""
        return LoadResult(path, None, [Problem(path, line, f"not valid YAML{where}: {problem}")])
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


#: A text field longer than this is most likely a mistake (a document pasted whole):
#: ``check`` warns about it. The entry is read and shown in full all the same.
LARGE_FIELD_CHARS = 1_000_000


def _size_warnings(entry: Entry, path: str, lines: dict[str, int]) -> list[Problem]:
    fields: list[tuple[str, Any]] = [
        ("title", entry.title), ("summary", entry.summary), ("body", entry.body),
        *entry.extra.items(),
    ]
    return [
        Problem(
            path,
            lines.get(key),
            f"{key}: {len(value):,} characters; a field over {LARGE_FIELD_CHARS:,} "
            "characters slows every command (show prints such a body as plain text, "
            "not Markdown)",
            "warning",
        )
        for key, value in fields
        if isinstance(value, str) and len(value) > LARGE_FIELD_CHARS
    ]


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
        if not as_text and node.tag == _FLOAT_TAG and not _is_finite(node.value):
            # Infinity and NaN are no JSON, CSV or iCalendar number: kept as written.
            node.tag = _STR_TAG
            problems.append(
                Problem(
                    path,
                    node.start_mark.line + 1,
                    f"{field}: '{node.value}' is no finite number (JSON and the other "
                    "export formats cannot hold it), so it is kept as text; write a "
                    "number, or quote it",
                    "warning",
                )
            )
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


def _is_finite(value: str) -> bool:
    """Whether a YAML float's text is a finite number (``.inf``, ``.nan``, ``1.0e+400``
    are not)."""
    import math

    text = value.replace("_", "").lower()
    if text.lstrip("+-") in (".inf", ".nan"):
        return False
    try:
        return math.isfinite(float(text))
    except ValueError:  # a sexagesimal float (1:30.5): finite
        return True


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
