"""Whoosh query classes chronicle adds: a score multiplier that span queries obey, a
SpanOr that can estimate its size, and an exclusion that excludes every document it
should. Built on first use, so importing this module does not import Whoosh.
"""

from __future__ import annotations

from typing import Any

_boosted: Any = None


def boosted(query: Any, boost: float) -> Any:
    """``query`` with its scores multiplied by ``boost`` (span queries ignore ``boost=``)."""
    global _boosted
    if _boosted is None:
        from whoosh.matching import WrappingMatcher
        from whoosh.query.wrappers import WrappingQuery

        class Boosted(WrappingQuery):
            def __init__(self, child: Any, boost: float = 1.0) -> None:
                self.child = child
                self.boost = boost

            def __eq__(self, other: object) -> bool:
                return (isinstance(other, Boosted) and other.child == self.child
                        and other.boost == self.boost)

            def __hash__(self) -> int:
                return hash(("boosted", self.child, self.boost))

            def _rewrap(self, child: Any) -> Any:
                return Boosted(child, self.boost)

            def estimate_size(self, ixreader: Any) -> int:
                return int(self.child.estimate_size(ixreader))

            def estimate_min_size(self, ixreader: Any) -> int:
                return int(self.child.estimate_min_size(ixreader))

            def matcher(self, searcher: Any, context: Any = None) -> Any:
                return WrappingMatcher(self.child.matcher(searcher, context), boost=self.boost)

        _boosted = Boosted
    return _boosted(query, boost)


_span_or: Any = None


def span_or_class() -> Any:
    """Whoosh's SpanOr, plus the size estimate SpanNear2 asks its parts for."""
    global _span_or
    if _span_or is None:
        from whoosh.query import SpanOr

        class SizedSpanOr(SpanOr):
            def estimate_size(self, ixreader: Any) -> int:
                return int(self.q.estimate_size(ixreader))

            def estimate_min_size(self, ixreader: Any) -> int:
                return int(self.q.estimate_min_size(ixreader))

        _span_or = SizedSpanOr
    return _span_or


_and_not: Any = None


def and_not(positive: Any, negative: Any) -> Any:
    """The documents ``positive`` matches that ``negative`` does not.

    Whoosh's own ``AndNot`` misses exclusions: its matcher only looks for the first
    excluded document when both sides start on the same one (``zorbluxe -vambrisk``
    keeps an entry holding both when an entry with only ``vambrisk`` comes first in the
    index), and its ``skip_to`` (used when the exclusion sits inside an AND) never checks
    the document it lands on. This matcher moves the excluded side forward every time.
    """
    global _and_not
    if _and_not is None:
        from whoosh.matching import AndNotMatcher, ReadTooFar
        from whoosh.query import AndNot

        class ExcludingMatcher(AndNotMatcher):
            #: Read by `chronicle.index.topk`: exactly a's documents not in b.
            chronicle_kind = "exclusion"

            def _find_first(self) -> None:
                if self.a.is_active() and self.b.is_active():
                    self._find_next()

            def skip_to(self, id: int) -> Any:
                if not self.a.is_active():
                    raise ReadTooFar
                skipped = self.a.skip_to(id)
                if self.a.is_active() and self.b.is_active():
                    self._find_next()
                return skipped

        class ExcludingAndNot(AndNot):
            def matcher(self, searcher: Any, context: Any = None) -> Any:
                scored = self.a.matcher(searcher, context)
                excluded = self.b.matcher(searcher, searcher.boolean_context())
                return ExcludingMatcher(scored, excluded)

        _and_not = ExcludingAndNot
    return _and_not(positive, negative)
