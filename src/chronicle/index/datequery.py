"""Date conditions as a Whoosh query: year terms find candidates, columns decide."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from chronicle.index.schema import EDGE_TERMS, WIDE, year_from_term, year_term

if TYPE_CHECKING:
    from chronicle.dates import Span

_date_query_class: Any = None


def date_query(span: Span, *, within: bool) -> Any:
    """Entries whose span overlaps ``span`` (or lies inside it, ``within``).

    Year terms find the candidates; an entry whose years all lie inside ``span`` needs no
    further check, others (the first and last year, wide spans) are checked against the
    exact start and end columns. No numeric range is expanded into terms, so the cost
    follows the entries in those years, not the size of the index.
    """
    global _date_query_class
    if _date_query_class is None:
        _date_query_class = _make_date_query_class()
    return _date_query_class(span, within)


def _make_date_query_class() -> Any:
    from whoosh.matching import ListMatcher, NullMatcher
    from whoosh.query.qcore import Query

    from chronicle.dates import Instant

    class DateSpanQuery(Query):
        def __init__(self, span: Span, within: bool) -> None:
            self.span = span
            self.within = within
            self.boost = 1.0
            self.low = float(span.start.key())
            self.high = float(span.end.key())
            self.first_year = span.start.year
            self.last_year = span.end.year

        def __repr__(self) -> str:
            return f"DateSpanQuery({self.span!r}, within={self.within})"

        def __unicode__(self) -> str:
            return f"date:[{self.low} to {self.high}]"

        __str__ = __unicode__

        def __eq__(self, other: object) -> bool:
            return (
                isinstance(other, DateSpanQuery)
                and other.span == self.span
                and other.within == self.within
            )

        def __hash__(self) -> int:
            return hash((self.span, self.within))

        def is_leaf(self) -> bool:
            return True

        def terms(self, phrases: bool = False) -> Iterator[Any]:
            return iter(())

        def estimate_size(self, ixreader: Any) -> int:
            return int(ixreader.doc_count())

        def matcher(self, searcher: Any, context: Any = None) -> Any:
            reader = searcher.reader()
            if ("years" not in reader.schema or not reader.doc_count_all()
                    or self.span.is_empty):
                return NullMatcher()
            accepted: set[int] = set()
            check: set[int] = set()
            first_term = year_term(self.first_year)
            last_term = year_term(self.last_year)
            for fieldname, btext in reader.terms_from("years", first_term):
                if fieldname != "years":
                    break
                text = btext.decode("ascii") if isinstance(btext, bytes) else btext
                if text > last_term or text == WIDE:
                    break
                year = year_from_term(text)
                # The first and last terms also hold every year beyond them: never whole.
                whole = (
                    text not in EDGE_TERMS
                    and self.span.start <= Instant(year)
                    and Instant(year, 12, 31, 23, 59, 59) <= self.span.end
                )
                ids = reader.postings("years", btext).all_ids()
                (accepted if whole and not self.within else check).update(ids)
            if ("years", WIDE) in reader:
                check.update(reader.postings("years", WIDE).all_ids())
            check -= accepted
            if check:
                starts = reader.column_reader("start", translate=False)
                ends = reader.column_reader("end", translate=False)
                low, high = self.low, self.high
                for docnum in check:
                    start, end = starts[docnum], ends[docnum]
                    if self.within:
                        if start >= low and end <= high:
                            accepted.add(docnum)
                    elif start <= high and end >= low:
                        accepted.add(docnum)
            if not accepted:
                return NullMatcher()
            # A tiny weight: date terms select, they do not rank.
            return ListMatcher(sorted(accepted), all_weights=1e-6)

    return DateSpanQuery
