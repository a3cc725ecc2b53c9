"""JSON and JSON Lines: the stable keys of ``Entry.to_dict()``, as ``list --format json``.

Export reuses ``serialise.to_json`` and ``serialise.to_jsonl``. Import reads an array of
entry objects (or one object), or one object a line; ``id``, ``precision`` and ``path``
are worked out by chronicle and only read: the id names the record (a second import
finds it) and becomes the new entry's id when that id is free.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
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
from chronicle.model import Entry


def export_json(entries: Sequence[Entry], options: ExportOptions) -> Exported:
    from chronicle.exchange.serialise import to_json

    return Exported(to_json(entries))


def export_jsonl(entries: Sequence[Entry], options: ExportOptions) -> Exported:
    from chronicle.exchange.serialise import to_jsonl

    return Exported(to_jsonl(entries))


def load_json(text: str, source: str) -> Any:
    """Decode a JSON file, or say where it stops being JSON."""
    try:
        return jsontext.loads(text)
    except json.JSONDecodeError as err:
        raise ExchangeError(
            f"{source}:{err.lineno}: not valid JSON: {err.msg} (column {err.colno})"
        ) from None


def parse_json(text: str, source: str) -> Iterator[Record | Rejected]:
    data = load_json(text, source)
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ExchangeError(f"{source}: expected a list of entries, got {type(data).__name__}")
    for number, item in enumerate(data, 1):
        yield record_from_mapping(item, f"{source}: record {number}")


def parse_jsonl(text: str, source: str) -> Iterator[Record | Rejected]:
    # Split on "\n" only: json.dumps leaves U+2028 and friends unescaped inside
    # strings, and str.splitlines would cut a record there.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        position = f"{source}:{number}"
        try:
            item = jsontext.loads(line)
        except json.JSONDecodeError as err:
            yield Rejected(position, f"not valid JSON: {err.msg} (column {err.colno})")
            continue
        yield record_from_mapping(item, position)
