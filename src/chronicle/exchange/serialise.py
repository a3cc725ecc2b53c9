"""Plain serialisers: JSON, JSON Lines, YAML and ids of entries, an entry, search
results and a timeline.

``chronicle.formats`` says which command writes which; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from chronicle import jsontext
from chronicle.model import Entry

if TYPE_CHECKING:
    from chronicle.index.hits import SearchResult
    from chronicle.timeline import Timeline


def json_document(data: Any) -> str:
    """One JSON document for people and ``jq`` alike: indented, Unicode as written."""
    return jsontext.dumps(data, ensure_ascii=False, indent=2)


def to_json(
    entries: Iterable[Entry], *, extra: Callable[[Entry], dict[str, Any]] | None = None
) -> str:
    """One JSON array of ``Entry.to_dict()`` objects (plus ``extra`` keys per entry).

    One entry per line: readable, greppable, and written by json's C encoder (``indent``
    would switch to its pure-Python one, about 1 s more for 100k entries).
    """

    def rows() -> Iterator[dict[str, Any]]:
        for entry in entries:
            row = entry.to_dict()
            if extra:
                row.update(extra(entry))
            yield row

    return "".join(json_array_chunks(rows()))


def json_array_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """`to_json`'s text, a piece at a time, from the rows themselves."""
    return json_array_text_chunks(map(jsontext.encoder(ensure_ascii=False), rows))


#: Entries per piece of a streamed export: few writes, little held at once.
CHUNK_ENTRIES = 256


def json_array_text_chunks(texts: Iterable[str]) -> Iterator[str]:
    """`to_json`'s text, a piece at a time, from each entry's JSON text."""
    return json_batch_chunks(_batches(texts))


#: The text around and between entries' JSON texts in a JSON array, and a JSON Lines
#: file: ``(opening, separator, closing, empty)``, as text and as UTF-8 bytes.
_ARRAY_TEXT = ("[\n  ", ",\n  ", "\n]\n", "[]\n")
_LINES_TEXT = ("", "\n", "\n", "")


def json_batch_chunks(batches: Iterable[list[Any]], *, lines: bool = False,
                      encoded: bool = False) -> Iterator[Any]:
    """`json_array_text_chunks` (or `jsonl_text_chunks` when ``lines``) of texts given
    a list at a time, a piece per list; ``encoded``: the texts and pieces are UTF-8
    bytes. The same text, byte for byte."""
    pieces: tuple[Any, ...] = _LINES_TEXT if lines else _ARRAY_TEXT
    if encoded:
        pieces = tuple(text.encode() for text in pieces)
    opening, separator, closing, empty = pieces
    follows = opening
    wrote = False
    for batch in batches:
        if batch:
            yield follows + separator.join(batch)
            follows = separator
            wrote = True
    yield closing if wrote else empty


def to_jsonl(entries: Iterable[Entry]) -> str:
    return "".join(jsonl_chunks(entry.to_dict() for entry in entries))


def jsonl_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    return jsonl_text_chunks(map(jsontext.encoder(ensure_ascii=False), rows))


def jsonl_text_chunks(texts: Iterable[str]) -> Iterator[str]:
    return json_batch_chunks(_batches(texts), lines=True)


def _batches(texts: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for text in texts:
        batch.append(text)
        if len(batch) >= CHUNK_ENTRIES:
            yield batch
            batch = []
    if batch:
        yield batch


def to_yaml(entries: Iterable[Entry]) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(
        [entry.to_dict() for entry in entries],
        Dumper=dumper,
        allow_unicode=True,
        sort_keys=False,
        width=4096,
    )


def to_ids(entries: Iterable[Entry]) -> str:
    return ids_text(entry.id for entry in entries)


def ids_text(ids: Iterable[str]) -> str:
    """One id a line (``list --format ids``)."""
    return "".join(entry_id + "\n" for entry_id in ids)


def results_json(result: SearchResult) -> Iterator[str]:
    """The list's JSON keys per hit, plus ``score``, ``matched_fields``, ``matched_forms``:
    one indented JSON array (as `json_document` writes it), a piece per hit."""
    encode = jsontext.encoder(ensure_ascii=False, indent=2)
    follows = "[\n  "
    for hit in result.iter_hits():
        # An element of an indented array is indented one level more: JSON text holds
        # no raw line break but between its parts.
        yield follows + encode(hit.to_dict()).replace("\n", "\n  ")
        follows = ",\n  "
    yield "[]\n" if follows == "[\n  " else "\n]\n"


def results_ids(result: SearchResult) -> Iterator[str]:
    """One id a line, a piece per few hundred hits; no entry is read to write them."""
    return _joined(id_line + "\n" for id_line in result.iter_ids())


def _joined(lines: Iterable[str]) -> Iterator[str]:
    for batch in _batches(lines):
        yield "".join(batch)


def entry_json(entry: Entry) -> str:
    """``show --format json``: the entry's ``to_dict()``."""
    return json_document(entry.to_dict())


def entry_yaml(entry: Entry) -> str:
    """``show --format yaml``: the entry's ``to_dict()`` as entry files are written."""
    from chronicle.store import dump_mapping

    return dump_mapping(entry.to_dict())


def timeline_json(timeline: Timeline, title: str | None = None) -> str:
    """``timeline --format json``: nested periods (see `chronicle.timeline.to_data`)."""
    return "".join(timeline_json_chunks(timeline))


def timeline_json_chunks(timeline: Timeline, entries: Iterable[Entry] | None = None,
                         ) -> Iterator[str]:
    """`timeline_json`'s text, a piece per entry. ``entries``: the whole entries of the
    timeline's items in their order (`chronicle.timeline.iter_items`), for a timeline
    of listings; by default the items' own entries. Only one entry is held at a time."""
    from chronicle.timeline import iter_items

    whole = iter(entries) if entries is not None else (
        _whole(item.entry) for item in iter_items(timeline))
    scalar = jsontext.encoder(ensure_ascii=False)
    nested = jsontext.encoder(ensure_ascii=False, indent=2)

    def listed(pieces: Iterable[Iterator[str]], level: int) -> Iterator[str]:
        """A JSON array of the texts ``pieces`` give, at nesting ``level`` (each piece
        made only when its turn comes)."""
        inner = "\n" + "  " * (level + 1)
        opened = False
        for piece in pieces:
            yield ("," if opened else "[") + inner
            opened = True
            yield from piece
        yield "\n" + "  " * level + "]" if opened else "[]"

    def entry_text(item: Any, level: int) -> Iterator[str]:
        data = {**next(whole).to_dict(), "date_label": item.label,
                "imprecise": item.imprecise}
        # Indented one level per enclosing object or array: JSON text holds no raw line
        # break but between its parts.
        yield nested(data).replace("\n", "\n" + "  " * level)

    def period(node: Any, level: int) -> Iterator[str]:
        inner = "\n" + "  " * (level + 1)
        yield ("{" + inner + '"period": ' + scalar(node.key) + "," + inner + '"unit": '
               + scalar(node.unit.value) + "," + inner + '"label": ' + scalar(node.label)
               + "," + inner + '"count": ' + scalar(node.count) + "," + inner + '"entries": ')
        yield from listed((entry_text(item, level + 2) for item in node.items), level + 1)
        yield "," + inner + '"periods": '
        yield from listed((period(child, level + 2) for child in node.children), level + 1)
        yield "\n" + "  " * level + "}"

    yield ('{\n  "by": ' + scalar(timeline.by.value) + ',\n  "total": '
           + scalar(timeline.total) + ',\n  "periods": ')
    yield from listed((period(year, 2) for year in timeline.years), 1)
    yield "\n}"


def _whole(entry: Any) -> Entry:
    if not isinstance(entry, Entry):
        raise TypeError("the JSON form of a timeline needs whole entries, not listings")
    return entry
