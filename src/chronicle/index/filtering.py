"""The list filters (``--year --person --place --tag`` ...) as one Whoosh query, so a
search is narrowed inside the index rather than after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chronicle.index.analysis import FOLDED_MARK, VARIANT_MARK
from chronicle.index.datequery import date_query
from chronicle.index.wrappers import span_or_class

if TYPE_CHECKING:
    from chronicle.names import NameRegistry
    from chronicle.query import Filters, NameMatcher


def _name_run(wq: Any, fieldname: str, key: str) -> Any:
    from whoosh.query import SpanNear2

    SpanOr = span_or_class()

    parts = []
    for word in key.split():
        terms = [wq.Term(fieldname, t) for t in (word, FOLDED_MARK + word, VARIANT_MARK + word)]
        parts.append(SpanOr(terms))
    if len(parts) == 1:
        return wq.Or(parts[0].subqs)
    return SpanNear2(parts, slop=1, ordered=True, mindist=1)


def filter_query(filters: Filters | None, registry: NameRegistry,
                 names: NameMatcher | None = None) -> Any | None:
    """The list filters (``--year --person --tag`` ...) as one Whoosh query, or None.

    Names match as `chronicle.query.Filters` says: a wanted name's key words in a row
    inside one name (so a lone surname finds the full name), aliases included; a tag
    matches a whole tag. With ``names`` (the catalog's `NameMatcher`), a value's words
    match their variants too, exactly as ``list`` filters them.
    """
    if filters is None or filters.is_empty:
        return None
    from whoosh import query as wq

    parts: list[Any] = []
    if filters.span is not None:
        parts.append(date_query(filters.span, within=filters.within))
    def wanted(value: str, kind: str) -> set[str]:
        if names is None:
            return {key for key in registry.keys(value) if key}
        return {key.strip() for key in names.wanted_keys(value, kind)}

    for values, fieldname, kind in ((filters.people, "people", "person"),
                                    (filters.places, "places", "place")):
        if values:
            keys = sorted({key for value in values for key in wanted(value, kind)})
            parts.append(wq.Or([_name_run(wq, fieldname, key) for key in keys]))
    if filters.tags:
        keys = sorted({key for value in filters.tags for key in wanted(value, "tag")})
        parts.append(wq.Or([wq.Term("tagkeys", key) for key in keys]))
    return parts[0] if len(parts) == 1 else wq.And(parts)

