"""What a hit shows: matched fields and forms, the highlighted title and a snippet.

Pure: works on entries and the set of index terms each hit matched, no Whoosh.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from chronicle.index.analysis import NAMES, TEXT, Tier, iter_marked_words
from chronicle.index.schema import SEARCH_FIELDS
from chronicle.names import split_words
from chronicle.records import Record

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from chronicle.index.compiler import Recorder
    from chronicle.index.lifecycle import SyncReport
    from chronicle.model import Entry, Problem

SNIPPET_WIDTH = 180

Segments = list[tuple[str, bool]]
#: ``(start, end, matched)`` of one word, as `iter_marked_words` gives it.
Mark = tuple[int, int, bool]


class Hit(Record):
    """One search result: the entry, how well and where it matched, what to show."""

    __slots__ = ("entry", "score", "tier", "matched_fields", "matched_forms", "new_forms",
                 "title", "snippet", "snippet_field", "imprecise")
    entry: Entry
    score: float
    tier: Tier
    matched_fields: list[str]
    matched_forms: list[str]
    #: Matched forms spelled differently from anything in the query ("Tashmaydan Park").
    new_forms: list[str]
    title: Segments
    snippet: Segments
    snippet_field: str | None
    imprecise: bool

    def __init__(self, entry: Entry, score: float, tier: Tier, matched_fields: list[str],
                 matched_forms: list[str], new_forms: list[str], title: Segments,
                 snippet: Segments, snippet_field: str | None = None,
                 imprecise: bool = False) -> None:
        self.entry = entry
        self.score = score
        self.tier = tier
        self.matched_fields = matched_fields
        self.matched_forms = matched_forms
        self.new_forms = new_forms
        self.title = title
        self.snippet = snippet
        self.snippet_field = snippet_field
        self.imprecise = imprecise

    def to_dict(self) -> dict[str, Any]:
        data = self.entry.to_dict()
        data["score"] = round(self.score, 4)
        data["matched_fields"] = self.matched_fields
        data["matched_forms"] = self.matched_forms
        return data


class SearchResult(Record):
    __slots__ = ("hits", "total", "query", "notes", "explain", "sync", "skipped", "ids",
                 "pending")
    hits: list[Hit]
    total: int
    query: str
    notes: list[str]
    explain: list[str]
    sync: SyncReport | None
    #: Entry files left out because they are not valid, for one warning line each.
    skipped: list[Problem]
    #: With ``ids_only`` (and then no hits): the ids of the entries found.
    ids: list[str]
    #: A search that streams (and then no hits up front): the hits, made a batch at a
    #: time as `iter_hits` goes (a `chronicle.index.searching.PendingHits`).
    pending: Any

    def __init__(self, hits: list[Hit], total: int, query: str,
                 notes: list[str] | None = None, explain: list[str] | None = None,
                 sync: SyncReport | None = None, skipped: list[Problem] | None = None,
                 ids: list[str] | None = None, pending: Any = None) -> None:
        self.hits = hits
        self.total = total
        self.query = query
        self.notes = [] if notes is None else notes
        self.explain = [] if explain is None else explain
        self.sync = sync
        self.skipped = [] if skipped is None else skipped
        self.ids = [] if ids is None else ids
        self.pending = pending

    def iter_hits(self) -> Iterator[Hit]:
        """The hits in order: ``hits``, or those a streaming search makes as it goes."""
        return iter(self.hits) if self.pending is None else iter(self.pending)

    def iter_ids(self) -> Iterator[str]:
        """The ids of `iter_hits`'s hits, in order, without making the hits."""
        if self.pending is None:
            return (hit.entry.id for hit in self.hits)
        return self.pending.ids()

    def has_hits(self) -> bool:
        return bool(self.hits) if self.pending is None else self.pending.any()

    @property
    def shown(self) -> int:
        """How many hits there are (a streaming search: how many were given so far)."""
        return len(self.hits) if self.pending is None else int(self.pending.given)


def make_hit(
    entry: Entry,
    score: float,
    matched: set[tuple[str, str]],
    record: Recorder,
    typed: set[str],
) -> Hit:
    by_field: dict[str, set[str]] = {}
    for fieldname, term in matched:
        by_field.setdefault(fieldname, set()).add(term)
    tier = hit_tier(matched, record)
    # (form, the words of it that matched): a whole name from a list field, or a run of
    # matched words from the text.
    forms: list[tuple[str, list[str]]] = []
    for fieldname in ("people", "places", "tags"):
        terms = by_field.get(fieldname)
        if terms:
            for value in getattr(entry, fieldname):
                words = [value[s:e] for s, e in _matched_spans(value, terms, NAMES)]
                if words:
                    forms.append((value, words))
    title = entry.title
    summary = entry.summary or ""
    body = entry.body or ""
    # Each prose field is read word by word once: its matched runs and the snippet's
    # spans come from the same marks, made on the text with its white space made single
    # spaces (white space never splits or joins a word, and never breaks a clause).
    marked: dict[str, tuple[str, list[Mark]]] = {}
    for fieldname, text in (("title", title), ("summary", summary), ("body", body)):
        terms = by_field.get(fieldname)
        if terms:
            flat = " ".join(_first_matched_part(text, terms).split())
            marks = list(iter_marked_words(flat, TEXT, terms))
            marked[fieldname] = (flat, marks)
            forms.extend((run, split_words(run)) for run in _marked_runs(flat, marks))
    # Distinct forms only, and not without end: a huge body can hold thousands of
    # different runs, and the containment check below compares each pair.
    unique: dict[str, tuple[str, list[str]]] = {}
    for form, words in forms:
        if len(unique) >= MAX_FORMS:
            break
        unique.setdefault(form.casefold(), (form, words))
    # A run inside a longer matched form adds nothing ("Tasmajdan" inside "Tasmajdan Park").
    shown = [
        (form, words) for key, (form, words) in unique.items()
        if not any(key != other and f" {key} " in f" {other} " for other in unique)
    ]
    explained = _held_families(shown, record, typed)
    new_forms = [
        _with_reason(form, words, record, typed) for form, words in shown
        if not all(_was_typed(exact_word(word), typed) or _in_family(word, explained)
                   for word in words)
    ]
    snippet_field, snippet = _snippet(summary, body, by_field, marked)
    return Hit(
        entry=entry,
        score=score,
        tier=tier,
        matched_fields=[f for f in SEARCH_FIELDS if f in by_field],
        matched_forms=[form for form, _ in shown],
        new_forms=new_forms,
        title=_mark(title, by_field.get("title", set()), TEXT),
        snippet=snippet,
        snippet_field=snippet_field,
    )


def hit_tier(matched: Iterable[tuple[str, str]], record: Recorder) -> Tier:
    """How well a hit holding ``matched`` terms matched: for each query word its best
    tier, and of those the worst (a hit is as good as its weakest word)."""
    best: dict[int, Tier] = {}
    for fieldname, term in matched:
        for index, tier in record.tiers_of(fieldname, term).items():
            if index not in best or tier < best[index]:
                best[index] = tier
    return max(best.values()) if best else Tier.EXACT


def _held_families(shown: list[tuple[str, list[str]]], record: Recorder,
                   typed: set[str]) -> set[str]:
    """The folded words (and variant keys) found for typed words this entry also holds
    as typed: beside the typed word itself, they are no news and no variant."""
    from chronicle.names import fold_word, variant_key

    held_words = {exact_word(word) for _, words in shown for word in words
                  if _was_typed(exact_word(word), typed)}
    family: set[str] = set()
    for index, word in enumerate(record.words):
        if exact_word(word) not in held_words:
            continue
        for folded in fold_word(word):
            family.add("%" + variant_key(folded))
        family.update(match.word for match in record.matches.get(index, ()))
    return family


def _in_family(word: str, family: set[str]) -> bool:
    from chronicle.names import fold_word, variant_key

    folded = fold_word(word)
    return bool(folded) and all(f in family or "%" + variant_key(f) in family
                                for f in folded)


def _with_reason(form: str, words: list[str], record: Recorder, typed: set[str]) -> str:
    """``Haydar Aliyev: vowel variant``: the form, and why its untyped words matched
    (nothing added when only case, accents or a declared alias explain it)."""
    from chronicle.matching import Reason
    from chronicle.names import fold_word, variant_key

    typed_keys = {variant_key(f) for word in typed for f in fold_word(word.rstrip("*"))}
    reasons: list[Reason] = []
    for word in words:
        if _was_typed(exact_word(word), typed):
            continue
        for folded in fold_word(word):
            reason = record.reason_for(folded)
            if reason is None and variant_key(folded) in typed_keys and folded not in {
                    f for t in typed for f in fold_word(t)}:
                reason = Reason.SPELLING
            if reason is not None and reason not in reasons:
                reasons.append(reason)
    if not reasons:
        return form
    return f"{form}: {', '.join(reason.label for reason in reasons)}"


def _was_typed(word: str, typed: set[str]) -> bool:
    return word in typed or any(
        t.endswith("*") and word.startswith(t[:-1]) for t in typed
    )


def exact_word(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold()


# Punctuation that ends a run of matched words: anything but spaces, hyphens, apostrophes.
MAX_FORMS = 40
"""At most this many distinct matched forms are kept for a hit's "matched" line."""

_CLAUSE_BREAK = re.compile(r"[^\w\s'\u2019\-]")


PART = 50_000
"""How much of a long field is read at a time for its matched forms and its snippet."""


def _first_matched_part(text: str, terms: set[str]) -> str:
    """The first ``PART``-sized stretch of ``text`` (cut at white space) holding a match.

    A hit shows one snippet and a few matched forms: reading a large body word by word
    to its end for them cost seconds per megabyte. A match near the start is found in
    the first part; one far in costs only the parts before it.
    """
    if len(text) <= PART:
        return text
    begin = 0
    while begin < len(text):
        end = min(len(text), begin + PART)
        if end < len(text):
            space = text.rfind(" ", begin, end)
            end = space if space > begin else end
        part = text[begin:end]
        if any(matched for _, _, matched in iter_marked_words(part, TEXT, terms)):
            return part
        begin = end
    return text[:PART]


def _runs(text: str, terms: set[str]) -> list[str]:
    """Runs of consecutive matched words in ``text`` (stop words between them allowed)."""
    return _marked_runs(text, iter_marked_words(text, TEXT, terms))


def _marked_runs(text: str, marks: Iterable[Mark]) -> list[str]:
    """`_runs` from the marks `iter_marked_words` gave for ``text``."""
    runs: list[str] = []
    start = end = -1
    for word_start, word_end, matched in marks:
        if matched and start >= 0 and _CLAUSE_BREAK.search(text, end, word_start):
            # "Constantinople. Constantinople holds" is two mentions, not one form.
            runs.append(text[start:end])
            start = -1
        if matched:
            if start < 0:
                start = word_start
            end = word_end
        elif start >= 0:
            runs.append(text[start:end])
            start = -1
    if start >= 0:
        runs.append(text[start:end])
    return [" ".join(run.split()) for run in runs]


def _matched_spans(text: str, terms: set[str], kind: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e, matched in iter_marked_words(text, kind, terms) if matched]


def _mark(text: str, terms: set[str], kind: str) -> Segments:
    """``text`` cut into (piece, is_match) segments."""
    segments: Segments = []
    at = 0
    for start, end in _matched_spans(text, terms, kind) if terms else ():
        if start > at:
            segments.append((text[at:start], False))
        segments.append((text[start:end], True))
        at = end
    if at < len(text):
        segments.append((text[at:], False))
    return segments


def _snippet(summary: str, body: str, by_field: dict[str, set[str]],
             marked: dict[str, tuple[str, list[Mark]]] | None = None,
             ) -> tuple[str | None, Segments]:
    """The part of the summary or body around the most matched words. ``marked``: a
    field's flattened text and its marks, when the caller has them already."""
    candidates = []
    for fieldname, text in (("summary", summary), ("body", body)):
        terms = by_field.get(fieldname)
        if terms and text:
            if marked and fieldname in marked:
                flat, marks = marked[fieldname]
            else:
                flat = " ".join(_first_matched_part(text, terms).split())
                marks = list(iter_marked_words(flat, TEXT, terms))
            spans = [(start, end) for start, end, matched in marks if matched]
            if spans:
                candidates.append((len(spans), fieldname, flat, spans, terms))
    if not candidates:
        flat = " ".join((summary or body).split())
        return None, [(_clip(flat, 0, SNIPPET_WIDTH), False)] if flat else []
    _, fieldname, flat, spans, terms = max(candidates, key=lambda c: (c[0], c[1] == "summary"))
    begin = _densest_window(spans)
    if begin > 0:
        space = flat.find(" ", begin)
        begin = space + 1 if 0 <= space < begin + 20 else begin
    end = min(len(flat), begin + SNIPPET_WIDTH)
    if end < len(flat):
        space = flat.rfind(" ", begin, end)
        end = space if space > begin + SNIPPET_WIDTH // 2 else end
    segments = _mark(flat[begin:end], terms, TEXT)
    if begin > 0:
        segments.insert(0, ("… ", False))
    if end < len(flat):
        segments.append((" …", False))
    return fieldname, segments


def _densest_window(spans: list[tuple[int, int]]) -> int:
    """Where the window that holds the most matches begins: a little before its first one.

    One pass with two pointers over the sorted spans, so a body with a hundred thousand
    matches costs as much as reading it, not the square of it.
    """
    best_begin, best_count = 0, -1
    first = last = 0  # spans[first:last] lie wholly inside the current window
    for start, _ in spans:
        begin = max(0, start - 40)
        while first < len(spans) and spans[first][0] < begin:
            first += 1
        last = max(last, first)
        while last < len(spans) and spans[last][1] <= begin + SNIPPET_WIDTH:
            last += 1
        if last - first > best_count:
            best_begin, best_count = begin, last - first
    return best_begin


def _clip(text: str, begin: int, width: int) -> str:
    if len(text) <= width:
        return text
    cut = text.rfind(" ", begin, begin + width)
    return text[begin : cut if cut > begin + width // 2 else begin + width] + " …"
