"""Whoosh query classes chronicle adds: a score multiplier that span queries obey, and
a SpanOr that can estimate its size. Built on first use, so importing this module does
not import Whoosh.
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
