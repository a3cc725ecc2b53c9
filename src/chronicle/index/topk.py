"""Top hits and the exact total of a search, without Whoosh's per-posting matcher loop.

Whoosh's collector walks the query's matcher tree one posting at a time: every matching
document goes through the union matchers' ``id``/``next``/``is_active`` and a BM25F
score that reads the document's field length through the column reader, though only
the first few are shown. Here Whoosh builds the very matcher tree its collector would
(same query, same search context, segment by segment), and the tree is evaluated in
bulk instead: each term's postings are read block by block, each score comes from
Whoosh's own scorer (``_score``, once per distinct weight and length byte, with the
segment's length column read once per field), and the unions, intersections,
exclusions and boosts combine per-document scores in the order Whoosh adds and
multiplies them, so the floats and the ranking are Whoosh's. A matcher this module does
not know (phrases and spans, an inverse) is stepped through with Whoosh's own matcher
protocol for that subtree alone, as the collector would step it; anything else it
cannot reproduce exactly raises `Unsupported`, and the caller uses Whoosh's collector.

Pinned to Whoosh-Reloaded 2.7.5 (pyproject.toml): it reads the posting blocks and the
length column through that version's internal attributes.
"""

from __future__ import annotations

import heapq
import struct
from collections.abc import Callable
from typing import Any

from chronicle.records import Record

#: How a search orders its hits, as chronicle asks Whoosh for them:
#: ``score`` (highest first, then index order), ``start`` (the start column alone: a
#: search with filters and no words), ``start+score`` (``--sort date``).
ORDERS = ("score", "start", "start+score")


class Unsupported(Exception):
    """The query or the index holds something this module cannot evaluate exactly as
    Whoosh does: use Whoosh's collector."""


class Collected(Record):
    """What Whoosh's collector would give: ``(sort key, docnum)`` pairs in rank order
    (the key is the score when ranked by relevance), and the number of matches."""

    __slots__ = ("items", "total", "stepped")
    items: list[tuple[Any, int]]
    total: int
    #: Matcher classes stepped posting by posting (not evaluated in bulk), by name.
    stepped: list[str]

    def __init__(self, items: list[tuple[Any, int]], total: int,
                 stepped: list[str] | None = None) -> None:
        self.items = items
        self.total = total
        self.stepped = [] if stepped is None else stepped


def collect(searcher: Any, query: Any, *, limit: int | None, order: str = "score",
            allow: Any = None) -> Collected:
    """The hits Whoosh's collector would give for ``query`` on ``searcher`` (with
    ``optimize=False``: every match counted), within the documents ``allow`` (a Whoosh
    query) matches; at most ``limit`` of them (None: all).

    Raises `Unsupported` when that cannot be reproduced exactly.
    """
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    if limit is not None and limit < 1:
        raise ValueError("limit must be >= 1")
    weighting = searcher.weighting
    if getattr(weighting, "use_final", False):
        raise Unsupported("the weighting adjusts final scores")
    # The search context Whoosh's collectors pass: a sort by score as a facet makes
    # the sorting collector ask for the current match (which changes the Or matchers).
    context = searcher.context(needs_current=order == "start+score")
    allowed = set(searcher.docs_for_query(allow)) if allow else None
    stepped: list[str] = []
    items: list[tuple[Any, int]] = []
    total = 0
    for subsearcher, offset in searcher.leaf_searchers():
        segment = _Segment(subsearcher.reader(), stepped)
        scores = segment.scores(query.matcher(subsearcher, context))
        if allowed is not None:
            scores = {doc: s for doc, s in scores.items() if doc + offset in allowed}
        total += len(scores)
        if order == "score":
            if limit is not None and limit < len(scores):
                # Only what can make the top: the limit-th best score of the segment,
                # ties included, and better.
                cutoff = heapq.nlargest(limit, scores.values())[-1]
                items.extend((0 - score, doc + offset) for doc, score in scores.items()
                             if score >= cutoff)
            else:
                items.extend((0 - score, doc + offset) for doc, score in scores.items())
        else:
            starts = segment.column("start")
            if order == "start":
                items.extend((starts(doc), doc + offset) for doc in scores)
            else:
                items.extend(((starts(doc), 0 - score), doc + offset)
                             for doc, score in scores.items())
    if limit is not None and limit < len(items):
        items = heapq.nsmallest(limit, items)
    else:
        items.sort()
    if order == "score":
        items = [(0 - key, docnum) for key, docnum in items]
    return Collected(items, total, stepped)


class _Segment:
    """Evaluates matcher trees over one segment's reader."""

    def __init__(self, reader: Any, stepped: list[str]) -> None:
        self.reader = reader
        self.stepped = stepped
        self._lengths: dict[str, bytes | None] = {}
        self._handlers = _handlers()

    def scores(self, matcher: Any) -> dict[int, float]:
        """Every document ``matcher`` matches from where it stands, with the score the
        collector would read from it."""
        handler = self._handlers.get(type(matcher))
        if handler is None:
            handler = self._handlers.get(_kind(matcher), _step)
        return handler(self, matcher)

    def lengths(self, fieldname: str) -> bytes | None:
        """The segment's field-length bytes of ``fieldname``, one per document (None
        when the segment has no length column for it)."""
        if fieldname not in self._lengths:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

            perdoc = self.reader._perdoc
            column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if column is None:
                self._lengths[fieldname] = None
            else:
                lengths = column._dbfile.get(column._basepos, column._count)
                # Documents past the column's end have the default byte, 0.
                missing = self.reader.doc_count_all() - len(lengths)
                self._lengths[fieldname] = lengths + bytes(max(0, missing))
        return self._lengths[fieldname]

    def column(self, fieldname: str) -> Callable[[int], Any]:
        """The sort key of ``fieldname``'s column for a document, as Whoosh's column
        categorizer reads it."""
        from whoosh.columns import NumericColumn

        creader = self.reader.column_reader(fieldname, reverse=False, translate=False)
        if type(creader) is NumericColumn.Reader and not creader._reverse:
            count = creader._count
            raw = creader._dbfile.get(creader._basepos, count * creader._fixedlen)
            values = struct.unpack(f"!{count}{creader._typecode}", raw)
            default = creader._default

            def key(doc: int) -> Any:
                return values[doc] if doc < count else default

            return key
        return creader.sort_key


def _kind(matcher: Any) -> str:
    # Chronicle's own matchers mark what they are (`chronicle.index.wrappers`).
    return getattr(type(matcher), "chronicle_kind", "")


def _step(segment: _Segment, matcher: Any) -> dict[int, float]:
    """Whoosh's own protocol, as the collector drives it: for a subtree not known here."""
    segment.stepped.append(type(matcher).__name__)
    found: dict[int, float] = {}
    while matcher.is_active():
        found[matcher.id()] = matcher.score()
        matcher.next()
    return found


def _null(segment: _Segment, matcher: Any) -> dict[int, float]:
    return {}


class _Scoring:
    """What ``scorer.score`` gives for a posting of one term in one segment, from the
    posting's document and weight; None when the scorer is not one reproduced here."""

    def __init__(self, segment: _Segment, scorer: Any, fieldname: str | None) -> None:
        from whoosh.scoring import BM25FScorer, WeightScorer

        kind = type(scorer)
        #: WeightScorer.score is the posting's weight.
        self.weight_only = kind is WeightScorer
        self.supported = self.weight_only or (kind is BM25FScorer and fieldname is not None)
        if self.weight_only or not self.supported:
            return
        # WeightLengthScorer.score: _score(weight, searcher.doc_field_length(doc, field,
        # 1)), where a length byte of 0 gives None (and _score fails on it).
        self.fieldname = fieldname
        self.lengths = segment.lengths(fieldname) if fieldname else None
        self.score = scorer._score
        #: Per weight, the score for each length byte, filled as they come.
        self.rows: dict[float, list[float | None]] = {}

    def row(self, weight: float) -> list[float | None]:
        row = self.rows.get(weight)
        if row is None:
            row = self.rows[weight] = [None] * 256
        return row

    def fill(self, row: list[float | None], weight: float, lbyte: int) -> float:
        from whoosh.util.numeric import byte_to_length

        if self.lengths is None:
            # No length column: the default length of 1, for every byte.
            found = self.score(weight, 1)
        elif not lbyte:
            raise Unsupported(f"a posting without a length in {self.fieldname}")
        else:
            found = self.score(weight, byte_to_length(lbyte))
        row[lbyte] = found
        return found

    def add(self, found: dict[int, float], ids: Any, weights: Any) -> None:
        """Scores postings (``ids`` and ``weights`` in step) into ``found``."""
        if self.weight_only:
            found.update(zip(ids, weights, strict=True))
            return
        lengths = self.lengths
        last: float | None = None
        row: list[float | None] = []
        for doc, weight in zip(ids, weights, strict=True):
            if weight != last:
                row = self.row(weight)
                last = weight
            lbyte = lengths[doc] if lengths is not None else 0
            score = row[lbyte]
            found[doc] = self.fill(row, weight, lbyte) if score is None else score


def _postings(segment: _Segment, matcher: Any) -> dict[int, float]:
    """A term's on-disk postings (``W3LeafMatcher``), block by block from where the
    matcher stands."""
    from itertools import accumulate

    scoring = _Scoring(segment, matcher.scorer, matcher._term[0] if matcher._term else None)
    if not matcher.scorer or not scoring.supported:
        return _step(segment, matcher)
    found: dict[int, float] = {}
    while matcher.is_active():
        if matcher._ids is None:
            # W3LeafMatcher._read_ids, with the deltas summed in C.
            if matcher._data is None:
                matcher._read_data()
            ids = matcher._data[0]
            matcher._ids = ids if matcher._byteids else tuple(accumulate(ids))
        if matcher._weights is None:
            matcher._read_weights()
        start = matcher._i
        if start:
            scoring.add(found, matcher._ids[start:], matcher._weights[start:])
        else:
            scoring.add(found, matcher._ids, matcher._weights)
        matcher._next_block()
    return found


def _listed(segment: _Segment, matcher: Any) -> dict[int, float]:
    """A list of postings in memory (``ListMatcher``: postings inlined in the terms
    table, a date condition, every document)."""
    ids = matcher._ids
    start = matcher._i
    if matcher._all_weights:
        weights: Any = None
        constant = matcher._all_weights
    elif matcher._weights:
        weights = matcher._weights
    else:
        weights = None
        constant = 1.0
    scorer = matcher._scorer
    if weights is None:
        weights = [constant] * (len(ids) - start)
    elif start:
        weights = weights[start:]
    ids = ids[start:] if start else ids
    if not scorer:
        return dict(zip(ids, weights, strict=True))
    term = matcher._term
    scoring = _Scoring(segment, scorer, term[0] if term else None)
    if not scoring.supported:
        return _step(segment, matcher)
    found: dict[int, float] = {}
    scoring.add(found, ids, weights)
    return found


def _filtered(segment: _Segment, matcher: Any) -> dict[int, float]:
    """``FilterMatcher``: deleted documents left out (or only a set kept)."""
    child = segment.scores(matcher.child)
    ids = matcher._ids
    boost = matcher.boost
    if matcher._exclude:
        return {doc: s * boost for doc, s in child.items() if doc not in ids}
    return {doc: s * boost for doc, s in child.items() if doc in ids}


def _wrapped(segment: _Segment, matcher: Any) -> dict[int, float]:
    """``WrappingMatcher``: a boost."""
    boost = matcher.boost
    return {doc: s * boost for doc, s in segment.scores(matcher.child).items()}


def _union(segment: _Segment, matcher: Any) -> dict[int, float]:
    """``UnionMatcher``: a document in both sides scores a's plus b's."""
    a = segment.scores(matcher.a)
    b = segment.scores(matcher.b)
    found = a | b
    for doc in a.keys() & b.keys():
        found[doc] = a[doc] + b[doc]
    return found


def _intersection(segment: _Segment, matcher: Any) -> dict[int, float]:
    a = segment.scores(matcher.a)
    b = segment.scores(matcher.b)
    return {doc: a[doc] + b[doc] for doc in a.keys() & b.keys()}


def _excluding(segment: _Segment, matcher: Any) -> dict[int, float]:
    """Chronicle's exclusion (`chronicle.index.wrappers.and_not`): a's documents that b
    does not match, with a's scores."""
    a = segment.scores(matcher.a)
    b = segment.scores(matcher.b)
    for doc in a.keys() & b.keys():
        del a[doc]
    return a


def _array_union(segment: _Segment, matcher: Any) -> dict[int, float]:
    """``ArrayUnionMatcher`` (Whoosh's Or on small segments): per document, the sum of
    each part's score times the boost, added in the parts' order from zero; a document
    counts when that sum is above zero (the first of each buffered stretch always)."""
    boost = matcher._boost
    scored = matcher._scored
    found: dict[int, float] = {}
    # What the matcher already buffered (from its current document to its limit)...
    buffered = matcher._a
    offset = matcher._offset
    first = matcher._docnum
    if first < matcher._doccount:
        for doc in range(first, matcher._limit):
            value = buffered[doc - offset]
            if value > 0 or doc == first:
                found[doc] = value
    # ...then what its parts hold beyond it, summed the same way.
    sums: dict[int, float] = {}
    for part in matcher._submatchers:
        for doc, s in segment.scores(part).items():
            if scored:
                sums[doc] = sums.get(doc, 0) + s * boost
            else:
                sums[doc] = 1
    rest = sorted(sums)
    # Whoosh starts each new stretch at the smallest document left, whatever its sum.
    partsize = matcher._partsize
    limit = matcher._limit
    for doc in rest:
        value = sums[doc]
        if doc >= limit:
            found[doc] = float(value)
            limit = min(doc + partsize, matcher._doccount)
        elif value > 0:
            found[doc] = float(value)
    return found


_HANDLERS: dict[Any, Callable[[_Segment, Any], dict[int, float]]] | None = None


def _handlers() -> dict[Any, Callable[[_Segment, Any], dict[int, float]]]:
    global _HANDLERS
    if _HANDLERS is None:
        from whoosh.codec.whoosh3 import W3LeafMatcher
        from whoosh.matching import (
            ArrayUnionMatcher,
            FilterMatcher,
            IntersectionMatcher,
            ListMatcher,
            NullMatcherClass,
            UnionMatcher,
            WrappingMatcher,
        )

        _HANDLERS = {
            NullMatcherClass: _null,
            W3LeafMatcher: _postings,
            ListMatcher: _listed,
            FilterMatcher: _filtered,
            WrappingMatcher: _wrapped,
            UnionMatcher: _union,
            IntersectionMatcher: _intersection,
            ArrayUnionMatcher: _array_union,
            "exclusion": _excluding,
        }
    return _HANDLERS
