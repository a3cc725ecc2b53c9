"""Running a search: sync, compile, search, retry near misses, explain, build hits."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import TYPE_CHECKING, Any

from chronicle import feedback
from chronicle.errors import ChronicleError, UsageError
from chronicle.index.analysis import NAMES, TEXT, Tier, bare_term
from chronicle.index.compiler import Compiler, Recorder
from chronicle.index.filtering import filter_query
from chronicle.index.hits import Hit, SearchResult, exact_word, hit_tier, make_hit
from chronicle.index.lifecycle import (
    Progress,
    SyncReport,
    build_in_memory,
    discard,
    is_write_failure,
    open_searcher,
    sync,
    unreadable_notice,
    usable_on_disk,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from chronicle.catalog import Catalog
    from chronicle.config import Location
    from chronicle.index.querytree import ParsedQuery
    from chronicle.names import NameRegistry
    from chronicle.query import Filters, NameMatcher


def _index_in_memory(
    chronicle: Location,
    catalog: Catalog,
    err: Exception,
    progress: Progress | None,
    notes: list[str],
) -> None:
    """No index can be read and none can be written: build one in memory, once."""
    reason = getattr(err, "strerror", None) or err
    notes.append(
        f"The search index cannot be written in {chronicle.index_dir} "
        f"({reason}); searching an index built in memory this time."
    )
    build_in_memory(chronicle, catalog, progress)


def search(
    chronicle: Location,
    text: str,
    *,
    filters: Filters | None = None,
    limit: int | None = 20,
    sort: str = "relevance",
    explain: bool = False,
    progress: Progress | None = None,
    details: bool = True,
    catalog: Catalog | None = None,
    ids_only: bool = False,
    stream: bool = False,
) -> SearchResult:
    """Bring the index up to date, then search it.

    ``limit`` None or 0 returns every hit; ``sort`` is ``relevance`` or ``date``. With
    ``details=False`` hits carry no snippet, fields or forms: much cheaper when a command
    only wants the entries (an export of every hit). With ``ids_only`` no entry is read
    back from the catalog and no hit is made: ``SearchResult.ids`` holds the ids of the
    entries found, each once, in the order of the hits the search would give (an export
    of 100,000 hits then holds their ids only). Raises `UsageError` when there is
    nothing to search for (no words and no filters). ``catalog`` is an open catalog to
    use (it stays open); without one, the search opens and closes its own.

    With ``stream`` (and a ``catalog``, which must stay open until the hits are read)
    no hit is made up front: ``SearchResult.iter_hits`` makes them in order, reading the
    entries a batch at a time, and ``iter_ids`` gives their ids without reading any
    entry. The same hits in the same order as without; a search that can give every
    entry of a large chronicle then holds per hit its id, score and matched terms.
    """
    from chronicle.catalog import open_catalog
    from chronicle.index.querylang import parse_or_fallback
    from chronicle.names import NameRegistry

    if sort not in ("relevance", "date"):
        raise UsageError(f"sort must be relevance or date, not {sort!r}")
    registry = NameRegistry.from_config(chronicle.config.names)
    parsed = parse_or_fallback(text)
    notes: list[str] = []
    own_catalog = catalog is None
    with contextlib.ExitStack() as stack:
        if catalog is None:
            catalog = stack.enter_context(open_catalog(chronicle, notes))
        try:
            report = sync(chronicle, catalog, progress=progress, wait=False)
        except (OSError, sqlite3.OperationalError) as err:
            if not isinstance(err, OSError) and not is_write_failure(err):
                raise
            report = SyncReport()
            if usable_on_disk(chronicle):
                # A full disk or a read-only index: search what the index holds.
                reason = err.strerror if isinstance(err, OSError) else None
                notes.append(f"The search index could not be updated ({reason or err}); "
                             "results may miss recent changes.")
            else:
                _index_in_memory(chronicle, catalog, err, progress, notes)
        notes.extend(report.notices)
        if report.stale:
            notes.append("Another chronicle process is updating the index; results may "
                          "miss its latest changes.")
        notes.extend(parsed.notes)

        def attempt() -> _Search:
            with open_searcher(chronicle) as searcher:
                outcome = _Search(searcher, parsed, filters, registry, limit or None, sort,
                                  details=details and not ids_only,
                                  names=catalog.name_matcher(registry))
                outcome.run(explain)
            return outcome

        try:
            outcome = attempt()
        except Exception as err:
            if isinstance(err, ChronicleError):
                raise
            try:
                # A generation swapped or segments merged under this reader: read again.
                outcome = attempt()
            except Exception as again:
                if isinstance(again, ChronicleError):
                    raise
                # Damaged files: rebuild once, then search again. A third failure is real.
                feedback.announce(unreadable_notice(again), notes)
                try:
                    discard(chronicle)
                    report = sync(chronicle, catalog, rebuild=True, progress=progress)
                    notes.extend(report.notices)
                except OSError as err:
                    _index_in_memory(chronicle, catalog, err, progress, notes)
                outcome = attempt()
        skipped = catalog.problems()
        notes.extend(outcome.notes)
        result = SearchResult(hits=[], total=outcome.total, query=outcome.described,
                              notes=notes, explain=outcome.explain, sync=report,
                              skipped=skipped)
        if ids_only:
            result.ids = list(dict.fromkeys(entry_id for entry_id, _, _ in outcome.found))
            return result
        # What was typed, to tell which matched forms differ from it; a prefix stands for
        # every word it begins.
        typed = {exact_word(word) for node in parsed.words() for word in node.words}
        typed |= {exact_word(node.words[0]) + "*" for node in parsed.words() if node.prefix}
        pending = PendingHits(catalog, outcome, typed, filters,
                              ranked=sort == "relevance" and details, details=details)
        if stream and not own_catalog:  # the caller's catalog stays open
            result.pending = pending
        else:
            result.hits = list(pending)
    return result


class PendingHits:
    """A search's hits in order, made from the catalog's entries a batch at a time.

    Each entry found is shown once (at its first, best place); an id the catalog no
    longer holds is left out. Ranked by relevance, match quality comes first within what
    is shown (exact, folded, alias, variant, derived, fuzzy), then the score: the order
    is settled from each hit's matched terms before any entry is read.
    """

    #: Entries read from the catalog at a time.
    BATCH = 256

    def __init__(self, catalog: Catalog, outcome: _Search, typed: set[str],
                 filters: Filters | None, *, ranked: bool, details: bool) -> None:
        self.catalog = catalog
        self.record = outcome.compiler.record
        self.typed = typed
        self.filters = filters
        self.details = details
        first: dict[str, tuple[str, float, frozenset[tuple[str, str]]]] = {}
        for row in outcome.found:
            first.setdefault(row[0], row)
        found = list(first.values())  # each id once, at its first place
        if ranked:
            tiers: dict[frozenset[tuple[str, str]], Tier] = {}
            for _, _, matched in found:
                if matched not in tiers:
                    tiers[matched] = hit_tier(matched, self.record)
            found.sort(key=lambda row: (tiers[row[2]], -row[1]))
        self.found = found
        #: How many hits (or ids) the last pass gave so far.
        self.given = 0

    def _batches(self) -> Iterator[list[tuple[str, float, frozenset[tuple[str, str]]]]]:
        for start in range(0, len(self.found), self.BATCH):
            yield self.found[start : start + self.BATCH]

    def __iter__(self) -> Iterator[Hit]:
        self.given = 0
        for batch in self._batches():
            entries = self.catalog.get_many([entry_id for entry_id, _, _ in batch])
            for entry_id, score, matched in batch:
                entry = entries.get(entry_id)
                if entry is None:
                    continue
                if self.details:
                    hit = make_hit(entry, score, set(matched), self.record, self.typed)
                else:
                    hit = Hit(entry, score, Tier.EXACT, [], [], [], [(entry.title, False)], [])
                if self.filters is not None:
                    hit.imprecise = self.filters.is_imprecise(entry)
                self.given += 1
                yield hit

    def ids(self) -> Iterator[str]:
        """The ids of the hits, in order, checked against the catalog but no entry read."""
        self.given = 0
        for batch in self._batches():
            held = self.catalog.held_ids([entry_id for entry_id, _, _ in batch])
            for entry_id, _, _ in batch:
                if entry_id in held:
                    self.given += 1
                    yield entry_id

    def any(self) -> bool:
        """Whether there is any hit at all (reads ids only, up to the first held one)."""
        return any(self.catalog.held_ids([entry_id for entry_id, _, _ in batch])
                   for batch in self._batches())


class _Search:
    """One query against one searcher."""

    def __init__(
        self,
        searcher: Any,
        parsed: ParsedQuery,
        filters: Filters | None,
        registry: NameRegistry,
        limit: int | None,
        sort: str,
        *,
        details: bool = True,
        names: NameMatcher | None = None,
    ) -> None:
        self.details = details
        self.names = names
        self.searcher = searcher
        self.parsed = parsed
        self.filters = filters
        self.registry = registry
        self.limit = limit
        self.sort = sort
        self.notes: list[str] = []
        self.explain: list[str] = []
        #: (id, score, matched terms) per hit, in rank order; an id can come twice
        #: (two files of one id), and equal sets of terms are one object.
        self.found: list[tuple[str, float, frozenset[tuple[str, str]]]] = []
        self.total = 0
        #: Matchers the bulk evaluation stepped through one posting at a time (None:
        #: Whoosh's collector ran the query).
        self.stepped: list[str] | None = None
        self.compiler = Compiler(searcher, registry)
        self.described = parsed.root.describe() if parsed.root is not None else ""

    def run(self, explain: bool) -> None:
        compiler = self.compiler
        query = compiler.compile(self.parsed.root)
        restrict = filter_query(self.filters, self.registry, self.names)
        if compiler.ignored:
            self.notes.append(
                "Ignored common word" + ("s" if len(compiler.ignored) > 1 else "") + ": "
                + ", ".join(compiler.ignored) + "."
            )
        if compiler.short_prefixes:
            self.notes.append("A prefix needs at least two letters; ignored: "
                              + ", ".join(compiler.short_prefixes) + ".")
        if query is None and restrict is None:
            why = "".join(f" ({note.rstrip('.').lower()})" for note in self.notes)
            raise UsageError(
                f"nothing to search for{why}",
                hint="give words to find, or a filter such as --year 2014",
            )
        items, self.total = self.execute(query, restrict)
        self.notes.extend(self.near_notes())
        docnums = [docnum for _, docnum in items]
        matched_by_doc = (
            matched_terms(self.searcher, docnums, self.compiler.record)
            if self.details else {}
        )
        stored_fields = self.searcher.stored_fields
        nothing: frozenset[tuple[str, str]] = frozenset()
        for score, docnum in items:
            matched = matched_by_doc.get(docnum, nothing)
            if isinstance(score, tuple):
                # Sorted by date: the sort key is (start, -score).
                score = -score[-1] if len(score) > 1 else 0.0
            self.found.append((stored_fields(docnum)["id"], float(score or 0.0), matched))
        if explain:
            self.explain = self.explanation(query, restrict)

    def near_notes(self) -> list[str]:
        """A note for each typed word the chronicle does not hold, found only through
        near spellings: say what was searched instead."""
        from chronicle.index.analysis import stem
        from chronicle.matching import Reason, analyze, held_by_stem

        notes = []
        record = self.compiler.record
        lexicon = self.compiler.lexicon
        for index, matches in record.matches.items():
            typed = record.words[index]
            near = [m.word for m in matches if m.reason is Reason.NEAR and not m.via
                    and self._held(m.word)]
            if not near or any(m.reason is not Reason.NEAR and not m.via for m in matches):
                continue
            forms = analyze(typed)
            if lexicon.entries(forms.folded) or held_by_stem(forms, lexicon, stem):
                continue
            shown = " or ".join(f'"{word}"' for word in near)
            notes.append(f'No entry has "{typed}"; showing results for {shown} '
                         "(and their other spellings).")
        return notes

    def _held(self, word: str) -> bool:
        """Whether an entry still holds ``word``: Whoosh counts a removed entry's words
        until its segment is merged, and only the postings leave removed entries out."""
        from whoosh.reading import TermNotFound

        from chronicle.index.lexicon import FIELD, WORD

        try:
            return bool(self.searcher.reader().postings(FIELD, WORD + word).is_active())
        except TermNotFound:
            return False

    def execute(self, query: Any | None, restrict: Any | None,
                ) -> tuple[list[tuple[Any, int]], int]:
        """The hits to show, as ``(sort key, docnum)`` pairs in rank order (the key is
        the score when ranked by relevance), and the exact number of matches."""
        from chronicle.index import topk

        if query is None:
            query, restrict, order = restrict, None, "start"
        else:
            order = "start+score" if self.sort == "date" else "score"
        if FAST_COLLECT:
            try:
                collected = topk.collect(self.searcher, query, limit=self.limit,
                                         order=order, allow=restrict)
            except topk.Unsupported:
                pass
            else:
                self.stepped = collected.stepped
                return collected.items, collected.total
        self.stepped = None
        return whoosh_collect(self.searcher, query, self.limit, order, restrict)

    def explanation(self, query: Any, restrict: Any) -> list[str]:
        from whoosh import query as wq

        compiler = self.compiler
        record = compiler.record
        lines = [f"Query read as: {self.described or '(no words)'}"]
        if self.parsed.fallback:
            lines.append("  (the query could not be read as written; its words are ANDed)")
        for index, typed in enumerate(record.words):
            lines.append(f"  {typed}")
            by_tier: dict[Tier, list[tuple[str, str]]] = {}
            for (fieldname, term), tiers in record.terms.items():
                if index in tiers:
                    by_tier.setdefault(tiers[index], []).append((fieldname, term))
            for pfield, prefix, pindex, tier in record.prefixes:
                if pindex == index:
                    by_tier.setdefault(tier, []).append((pfield, prefix + "*"))
            for tier in sorted(by_tier):
                if tier is Tier.ALIAS:
                    continue
                pairs = by_tier[tier]
                terms = sorted({term for _, term in pairs})
                fields = sorted({fieldname for fieldname, _ in pairs})
                if any(term.endswith("*") for term in terms):
                    count = "prefix"
                else:
                    docs = self.searcher.docs_for_query(
                        wq.Or([wq.Term(f, t) for f, t in pairs])
                    )
                    count = f"{sum(1 for _ in docs)} entries"
                lines.append(
                    f"    {tier.name.lower():<8} {', '.join(_show_term(t) for t in terms)}"
                    f"  [{', '.join(fields)}]  {count}"
                )
            for match in record.matches.get(index, []):
                # Why each word of the chronicle was found (the matcher's one analysis).
                held = compiler.lexicon.entries(match.word)
                lines.append(f"    matched  {match.word}: {match.reason.label}  "
                             f"({held} {'entry' if held == 1 else 'entries'})")
            for aindex, canonical, forms in compiler.alias_notes:
                if aindex == index:
                    pairs = by_tier.get(Tier.ALIAS, [])
                    docs = self.searcher.docs_for_query(
                        wq.Or([wq.Term(f, t) for f, t in pairs])
                    ) if pairs else ()
                    lines.append(f"    alias    {', '.join(forms)}  (names: {canonical})  "
                                 f"at most {sum(1 for _ in docs)} entries")
            if not by_tier and not any(a == index for a, _, _ in compiler.alias_notes):
                lines.append("    (not in the index)")
        if compiler.ignored:
            lines.append(f"  ignored: {', '.join(compiler.ignored)}")
        if restrict is not None:
            lines.append(f"  filters: {_describe_filters(self.filters)}")
        lines.append(f"  {self.total} entries matched")
        return lines


#: Whether searches evaluate the query in bulk (`chronicle.index.topk`) rather than
#: through Whoosh's collector; the collector stays as the fallback and the reference.
FAST_COLLECT = True


def whoosh_collect(searcher: Any, query: Any, limit: int | None, order: str,
                   restrict: Any | None) -> tuple[list[tuple[Any, int]], int]:
    """What Whoosh's own collector gives: what `chronicle.index.topk.collect` must
    reproduce exactly."""
    from whoosh import sorting

    # No block skipping and no matcher replacement: the total is then counted in the
    # one pass. (With block skipping Whoosh runs the query a second time to count;
    # with replacement, its count silently misses the documents it pruned.)
    kwargs: dict[str, Any] = {"limit": limit, "optimize": False}
    if order == "start":
        kwargs["sortedby"] = sorting.FieldFacet("start")
    elif order == "start+score":
        kwargs["sortedby"] = [sorting.FieldFacet("start"), sorting.ScoreFacet()]
    if restrict is not None:
        kwargs["filter"] = restrict
    collector = searcher.collector(**kwargs)
    inner = collector
    while inner is not None:
        if hasattr(inner, "replace"):
            inner.replace = 0
        inner = getattr(inner, "child", None)
    searcher.search_with_collector(query, collector)
    results = collector.results()
    return [(score, docnum) for score, docnum in results.top_n], len(results)


#: A prefix expands to at most this many terms when looking for what a hit matched.
MAX_PREFIX_TERMS = 500


def matched_terms(searcher: Any, docnums: list[int], record: Recorder,
                  ) -> dict[int, frozenset[tuple[str, str]]]:
    """Which of the query's terms each of ``docnums`` holds.

    Whoosh can record this during the search (``terms=True``), but then does it for
    every match, not only the few shown: walking each term's postings once, in
    document order, over the shown hits costs a small fraction of that. Documents
    holding the same terms share one set: a search showing every one of 100,000 hits
    holds a few distinct sets, not 100,000.
    """
    from itertools import islice

    reader = searcher.reader()
    # Per document, a bit per (field, term) it holds: one int each, not a set each.
    bits: dict[tuple[str, str], int] = {}
    masks: dict[int, int] = dict.fromkeys(docnums, 0)

    def bit(pair: tuple[str, str]) -> int:
        return bits.setdefault(pair, 1 << len(bits))

    pairs = list(record.direct)
    for fieldname, prefix, _, _ in record.prefixes:
        expanded = islice(reader.expand_prefix(fieldname, prefix), MAX_PREFIX_TERMS)
        pairs.extend((fieldname, text.decode("utf-8")) for text in expanded)
    wanted = sorted(set(docnums))
    for fieldname, term in dict.fromkeys(pairs):
        if (fieldname, term) not in reader:
            continue
        postings = reader.postings(fieldname, term)
        for docnum in wanted:
            if not postings.is_active():
                break
            if postings.id() < docnum:
                postings.skip_to(docnum)
                if not postings.is_active():
                    break
            if postings.id() == docnum:
                masks[docnum] |= bit((fieldname, term))
    # A phrase's words count only where the phrase itself matched.
    for query, terms in record.groups:
        group = 0
        for pair in terms:
            group |= bit(pair)
        for docnum in _matching(searcher, query, wanted):
            masks[docnum] |= group
    pairs_of = [(mask, pair) for pair, mask in bits.items()]
    sets: dict[int, frozenset[tuple[str, str]]] = {}
    for mask in set(masks.values()):
        sets[mask] = frozenset(pair for one, pair in pairs_of if mask & one)
    return {docnum: sets[mask] for docnum, mask in masks.items()}


def _matching(searcher: Any, query: Any, docnums: list[int]) -> list[int]:
    """Which of ``docnums`` (sorted) ``query`` matches, segment by segment."""
    matched: list[int] = []
    leaves = list(searcher.leaf_searchers())
    for number, (leaf, offset) in enumerate(leaves):
        end = leaves[number + 1][1] if number + 1 < len(leaves) else float("inf")
        local = [d - offset for d in docnums if offset <= d < end]
        if not local:
            continue
        matcher = query.matcher(leaf)
        for docnum in local:
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                matched.append(docnum + offset)
    return matched


def _best_candidates(kinds: dict[str, list[str]]) -> list[str]:
    seen: dict[str, str] = {}
    for kind in (NAMES, TEXT):
        for term in kinds.get(kind, []):
            seen.setdefault(bare_term(term), term)
    return list(seen.values())[:3]


def _show_term(term: str) -> str:
    return bare_term(term) if not term.endswith("*") else bare_term(term[:-1]) + "*"


def _describe_filters(filters: Filters | None) -> str:
    if filters is None:
        return ""
    parts = []
    if filters.span is not None:
        word = "within" if filters.within else "overlapping"
        parts.append(f"{word} {filters.span.start.key()}..{filters.span.end.key()}")
    for label, values in (("person", filters.people), ("place", filters.places),
                          ("tag", filters.tags)):
        parts.extend(f"{label} {value!r}" for value in values)
    return "; ".join(parts)
