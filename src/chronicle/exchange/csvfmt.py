"""CSV (RFC 4180): one row an entry, with the columns of ``Entry.to_dict()``.

``list --format csv`` writes with ``to_csv`` too (``cli/entries.py`` imports it from here), so
the writer and the reader that undoes it live side by side:

- ``people``, ``places`` and ``tags`` are joined by ``"; "``; a ``;`` or ``\\`` inside a
  name is escaped with a backslash (``split_list`` undoes it);
- ``sources`` is a JSON array of ``{title, url, date}`` (on import, a cell that is not
  JSON is read as a ``;``-separated list of URLs or titles);
- custom fields are written as text when they are text, and as JSON otherwise (numbers,
  true/false, null, lists, mappings); text that would read as JSON (``"42"``, ``true``)
  is written as a JSON string, so every value reads back as what it was;
- an empty cell is an absent value;
- a cell a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return, as OWASP's CSV injection advice lists) starts with a ``'``,
  which spreadsheets show as text; BCE dates (``'-0043-03-15``) and negative numbers too.
  A cell that already starts with ``'`` before one of those gets one more, and the
  reader removes exactly one, so every value reads back as it was.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from chronicle import jsontext
from chronicle.exchange import (
    ExchangeError,
    Exported,
    ExportOptions,
    Record,
    Rejected,
    record_from_mapping,
)
from chronicle.model import DICT_KEYS, LIST_KEYS, Entry

#: Separator of list items in a CSV cell; a literal ``;`` or ``\\`` in a name is escaped.
CSV_LIST_SEPARATOR = "; "


def escape_list_item(item: str) -> str:
    return item.replace("\\", "\\\\").replace(";", "\\;")


def join_list(items: Iterable[str]) -> str:
    return CSV_LIST_SEPARATOR.join(escape_list_item(item) for item in items)


def split_list(cell: str) -> list[str]:
    """Undo ``join_list``: split on unescaped ``;`` and unescape."""
    items: list[str] = []
    current: list[str] = []
    chars = iter(cell)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == ";":
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return [item for item in items if item]


# A cell that spreadsheets would read as a formula, perhaps behind quotes added earlier.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    """``cell`` as spreadsheets show it as text, never running it (undone by ``restore``)."""
    return "'" + cell if _FORMULA.match(cell) else cell


def restore(cell: str) -> str:
    """Undo ``neutralise``."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell, 1) else cell


def csv_columns(entries: Sequence[Entry]) -> list[str]:
    custom: list[str] = []
    for entry in entries:
        for key in entry.extra:
            if key not in custom:
                custom.append(key)
    return [*DICT_KEYS, *sorted(custom)]


def _reads_as_json(text: str) -> bool:
    """Whether `decode_custom` reads ``text`` as JSON (not so past what Python reads)."""
    try:
        jsontext.loads(text)
    except ValueError:
        return False
    return True


def encode_custom(value: Any) -> str:
    """A custom field's cell: text as is unless it would read back as something else."""
    if isinstance(value, str) and value and not _reads_as_json(value):
        return value
    return jsontext.dumps(value, ensure_ascii=False)


def decode_custom(cell: str) -> Any:
    try:
        return jsontext.loads(cell)
    except ValueError:
        return cell


def to_csv(entries: Sequence[Entry]) -> str:
    """RFC 4180 CSV with the list keys; lists joined by ``; ``, sources as JSON."""
    return "".join(csv_chunks(entries, csv_columns(entries)))


def csv_chunks(entries: Iterable[Entry], columns: Sequence[str]) -> Iterator[str]:
    """`to_csv`'s text a row at a time; ``columns`` are `csv_columns` of the entries."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def row_text(cells: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()

    yield row_text([neutralise(column) for column in columns])
    for entry in entries:
        row = entry.to_dict()
        cells: dict[str, str] = {}
        for key in columns:
            if key not in row:
                cells[key] = ""
                continue
            value = row[key]
            if key in LIST_KEYS:
                cells[key] = join_list(value or [])
            elif key == "sources":
                cells[key] = jsontext.dumps(value, ensure_ascii=False) if value else ""
            elif key not in DICT_KEYS:
                cells[key] = encode_custom(value)
            else:
                cells[key] = "" if value is None else str(value)
        yield row_text([neutralise(cells[key]) for key in columns])


def columns_of_keys(keys: Iterable[str]) -> list[str]:
    """`csv_columns` from every key the entries' ``to_dict()`` has."""
    return [*DICT_KEYS, *sorted(set(keys) - set(DICT_KEYS))]


# -- the exchange format -------------------------------------------------------------------


def export_csv(entries: Sequence[Entry], options: ExportOptions) -> Exported:
    return Exported(to_csv(entries))


def parse_csv(text: str, source: str) -> Iterator[Record | Rejected]:
    """Records from CSV whose first row names the columns (title and date at least)."""
    # No field is longer than the text that holds it: csv's own limit (128 KiB) would
    # refuse a long body that export wrote.
    csv.field_size_limit(max(csv.field_size_limit(), len(text)))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [restore(name.strip()) for name in next(reader)]
    except StopIteration:
        raise ExchangeError(f"{source}: the file is empty") from None
    except csv.Error as err:
        raise ExchangeError(f"{source}:1: not valid CSV: {err}") from None
    missing = [name for name in ("title", "date") if name not in header]
    if missing:
        raise ExchangeError(
            f"{source}:1: no {' or '.join(repr(name) for name in missing)} column; "
            "the first row must name the columns (title, date, people, ...)"
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise ExchangeError(f"{source}:1: columns named twice: {', '.join(repeated)}")
    line = reader.line_num + 1
    while True:
        start = line
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise ExchangeError(f"{source}:{reader.line_num}: not valid CSV: {err}") from None
        line = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        position = f"{source}:{start}"
        if len(row) > len(header):
            yield Rejected(position, f"{len(row)} cells in a row of {len(header)} columns")
            continue
        item: dict[str, Any] = {}
        problem = None
        for name, cell in zip(header, row, strict=False):
            if not name or cell == "":
                continue
            cell = restore(cell)
            if name in LIST_KEYS:
                item[name] = split_list(cell)
            elif name == "sources":
                item[name], problem = _sources(cell)
            elif name in DICT_KEYS:
                item[name] = cell
            else:
                item[name] = decode_custom(cell)
        if problem:
            yield Rejected(position, problem)
            continue
        yield record_from_mapping(item, position)


def _sources(cell: str) -> tuple[Any, str | None]:
    if cell.lstrip().startswith("["):
        try:
            return jsontext.loads(cell), None
        except ValueError as err:
            return None, f"sources: not a valid JSON list ({err})"
    return split_list(cell), None
