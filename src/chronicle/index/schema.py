"""The index schema and the bridge from `chronicle.index.analysis` to Whoosh's analyzers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from chronicle.index.analysis import NAMES, TEXT, VALUE_SEPARATOR, iter_terms

if TYPE_CHECKING:
    from chronicle.model import Entry

#: Bump whenever the schema or the analysis chain changes: older indexes are rebuilt.
SCHEMA_VERSION = 2

TEXT_FIELDS = ("title", "summary", "body", "sources", "extra")
NAME_FIELDS = ("people", "places", "tags")
SEARCH_FIELDS = TEXT_FIELDS + NAME_FIELDS
FIELD_KIND = {**dict.fromkeys(TEXT_FIELDS, TEXT), **dict.fromkeys(NAME_FIELDS, NAMES)}
#: A match in the title, people or places counts more than one deep in the body.
FIELD_BOOSTS = {
    "title": 3.0,
    "people": 3.0,
    "places": 3.0,
    "tags": 2.0,
    "summary": 1.5,
    "body": 1.0,
    "extra": 1.0,
    "sources": 0.5,
}
#: Years an entry may span and still be found by its year terms; longer spans are
#: marked "wide" and checked one by one.
MAX_YEAR_TERMS = 200
WIDE = "wide"
_YEAR_OFFSET = 10**12


def index_name() -> str:
    """The Whoosh index name: it changes with the schema and with the name keys."""
    from chronicle.names import KEY_VERSION

    return f"chronicle_s{SCHEMA_VERSION}_k{KEY_VERSION}"


class _Token:
    """The token object Whoosh's indexing loop reads (one, reused: see whoosh.analysis)."""

    __slots__ = ("boost", "endchar", "pos", "startchar", "stopped", "text")

    def __init__(self) -> None:
        self.text = ""
        self.pos = 0
        self.boost = 1.0
        self.stopped = False
        self.startchar = 0
        self.endchar = 0


class ChronicleAnalyzer:
    """Whoosh analyzer over `chronicle.index.analysis`; pickled by name into the index schema."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __call__(self, value: str, start_pos: int = 0, **_: Any) -> Iterator[_Token]:
        token = _Token()
        for pos, term in iter_terms(value, self.kind):
            token.text = term
            token.pos = start_pos + pos
            yield token

    def has_morph(self) -> bool:
        return self.kind == TEXT

    def clean(self) -> None:
        pass

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChronicleAnalyzer) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(self.kind)

    def __repr__(self) -> str:
        return f"ChronicleAnalyzer({self.kind!r})"


# Indexes pickle their schema, analyzer included, by import path: keep it short and stable.
ChronicleAnalyzer.__module__ = "chronicle.index"


def make_schema() -> Any:
    from whoosh import columns, fields

    text = {
        name: fields.TEXT(analyzer=ChronicleAnalyzer(FIELD_KIND[name]), phrase=True,
                          field_boost=FIELD_BOOSTS[name])
        for name in SEARCH_FIELDS
    }
    return fields.Schema(
        path=fields.ID(unique=True, stored=True),
        id=fields.STORED(),
        tagkeys=fields.KEYWORD(),
        # The word table the matcher reads (`chronicle.index.lexicon`); never searched.
        words=fields.KEYWORD(scorable=False),
        years=fields.KEYWORD(),
        start=fields.COLUMN(columns.NumericColumn("d")),
        end=fields.COLUMN(columns.NumericColumn("d")),
        **text,
    )


def year_term(year: int) -> str:
    """Year terms sort as text in year order (negative years too)."""
    year = max(-_YEAR_OFFSET + 1, min(_YEAR_OFFSET - 1, year))
    return f"{year + _YEAR_OFFSET:013d}"


#: The terms of the first and last years a term names: every year beyond them shares them.
EDGE_TERMS = (year_term(-_YEAR_OFFSET + 1), year_term(_YEAR_OFFSET - 1))


def year_from_term(term: str) -> int:
    return int(term) - _YEAR_OFFSET


def entry_document(relpath: str, entry: Entry) -> dict[str, Any]:
    """The Whoosh document of one entry."""
    from chronicle.names import name_key

    span = entry.span
    first, last = span.start.year, span.end.year
    years = (
        [year_term(y) for y in range(first, last + 1)]
        if last - first < MAX_YEAR_TERMS
        else [WIDE]
    )
    sources = VALUE_SEPARATOR.join(
        " ".join(part for part in (s.title, s.url) if part) for s in entry.sources
    )
    from chronicle.index.lexicon import word_terms

    words = word_terms(
        [entry.title, entry.summary or "", entry.body or "",
         *(s.title for s in entry.sources if s.title), *_flatten(entry.extra)],
        [*entry.people, *entry.places, *entry.tags],
    )
    return {
        "path": relpath,
        "id": entry.id,
        "title": entry.title,
        "summary": entry.summary or "",
        "body": entry.body or "",
        "people": VALUE_SEPARATOR.join(entry.people),
        "places": VALUE_SEPARATOR.join(entry.places),
        "tags": VALUE_SEPARATOR.join(entry.tags),
        "tagkeys": [key for key in (name_key(tag) for tag in entry.tags) if key],
        "words": words,
        "sources": sources,
        "extra": VALUE_SEPARATOR.join(_flatten(entry.extra)),
        "years": years,
        "start": float(span.start.key()),
        "end": float(span.end.key()),
    }


def _flatten(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _flatten(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _flatten(item)
    elif value is not None:
        yield str(value)
