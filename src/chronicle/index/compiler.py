"""From a parsed query to a Whoosh query, recording every expansion on the way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chronicle.index.analysis import (
    EXACT_MARK,
    FOLDED_MARK,
    NAMES,
    VARIANT_MARK,
    Tier,
    is_stop_word,
    query_terms,
    stem,
)
from chronicle.index.datequery import date_query
from chronicle.index.querytree import DateTerm, Node, Not, Or, Words
from chronicle.index.schema import FIELD_KIND, SEARCH_FIELDS
from chronicle.index.wrappers import and_not, boosted, span_or_class
from chronicle.matching import Match, Reason, WordForms, analyze, expand
from chronicle.names import fold_word, split_words, variant_key, word_keys
from chronicle.records import Record

if TYPE_CHECKING:
    from chronicle.names import NameRegistry

#: Score factors by match quality. Large gaps, so that an exact match outranks a folded
#: one, and a folded one a fuzzy one, whatever the field or the word's rarity.
TIER_BOOSTS = {
    Tier.EXACT: 1.0,
    Tier.FOLDED: 0.2,
    Tier.VARIANT: 0.06,
    Tier.ALIAS: 0.2,
    Tier.DERIVED: 0.03,
    Tier.FUZZY: 0.015,
}
#: The tier of each reason the matcher gives (`chronicle.matching.Reason`).
REASON_TIERS = {
    Reason.EXACT: Tier.EXACT,
    Reason.FOLDED: Tier.FOLDED,
    Reason.SPELLING: Tier.VARIANT,
    Reason.VOWEL: Tier.VARIANT,
    Reason.TURKIC: Tier.VARIANT,
    Reason.RUSSIAN: Tier.VARIANT,
    Reason.GIVEN_NAME: Tier.VARIANT,
    Reason.DERIVED: Tier.DERIVED,
    Reason.NEAR: Tier.FUZZY,
}


class Recorder(Record):
    """Which query word and match tier each generated term stands for."""

    __slots__ = ("terms", "direct", "groups", "prefixes", "words", "matches")
    terms: dict[tuple[str, str], dict[int, Tier]]
    #: Terms that match on their own (a word's alternatives), as opposed to...
    direct: set[tuple[str, str]]
    #: ...terms that only count when their phrase matches: (query, its terms).
    groups: list[tuple[Any, list[tuple[str, str]]]]
    prefixes: list[tuple[str, str, int, Tier]]
    words: list[str]
    #: Per typed word (by index), the words of the chronicle it found beyond its own
    #: folded form, with the matcher's reason.
    matches: dict[int, list[Match]]

    def __init__(self) -> None:
        self.terms = {}
        self.direct = set()
        self.groups = []
        self.prefixes = []
        self.words = []
        self.matches = {}

    def reason_for(self, folded: str) -> Reason | None:
        """Why a folded word of a hit matched (None when it is what was typed)."""
        best: Reason | None = None
        for matches in self.matches.values():
            for match in matches:
                if match.word == folded and (best is None or match.reason < best):
                    best = match.reason
        return best

    def word(self, typed: str) -> int:
        self.words.append(typed)
        return len(self.words) - 1

    def term(self, fieldname: str, term: str, index: int, tier: Tier, *,
             direct: bool = True) -> None:
        if direct:
            self.direct.add((fieldname, term))
        tiers = self.terms.setdefault((fieldname, term), {})
        if index not in tiers or tier < tiers[index]:
            tiers[index] = tier

    def tiers_of(self, fieldname: str, term: str) -> dict[int, Tier]:
        found = dict(self.terms.get((fieldname, term), {}))
        for pfield, prefix, index, tier in self.prefixes:
            if pfield == fieldname and term.startswith(prefix):
                if index not in found or tier < found[index]:
                    found[index] = tier
        return found


class Compiler:
    """Turns a parsed query into a Whoosh query, recording every expansion."""

    def __init__(self, searcher: Any, registry: NameRegistry) -> None:
        from whoosh import query as wq

        from chronicle.index.lexicon import IndexLexicon

        self.wq = wq
        self.searcher = searcher
        self.reader = searcher.reader()
        self.registry = registry
        self.lexicon = IndexLexicon(self.reader)
        self._expansions: dict[str, list[Match]] = {}
        self.record = Recorder()
        self.ignored: list[str] = []
        self.short_prefixes: list[str] = []
        self.singles: list[tuple[int, Words]] = []
        self.alias_notes: list[tuple[int, str, list[str]]] = []

    # The query tree ---------------------------------------------------------------------

    def compile(self, node: Node | None) -> Any | None:
        wq = self.wq
        if node is None:
            return None
        if isinstance(node, Words):
            return self.words(node)
        if isinstance(node, DateTerm):
            return date_query(node.span, within=False)
        if isinstance(node, Not):
            child = self.compile(node.child)
            return wq.Not(child) if child is not None else None
        # The same term twice adds nothing but work (a query of one word pasted 3000 times).
        unique = {child.describe(): child for child in node.children}
        children = [self.compile(child) for child in unique.values()]
        kept = [child for child in children if child is not None]
        if not kept:
            return None
        if isinstance(node, Or):
            return kept[0] if len(kept) == 1 else wq.Or(kept)
        positive = [child for child in kept if not isinstance(child, wq.Not)]
        negative = [child.query for child in kept if isinstance(child, wq.Not)]
        base = (positive[0] if len(positive) == 1 else wq.And(positive)) if positive else wq.Every()
        if negative:
            return and_not(base, negative[0] if len(negative) == 1 else wq.Or(negative))
        return base

    def words(self, node: Words) -> Any | None:
        fields = node.fields or SEARCH_FIELDS
        if node.prefix:
            return self.prefix(node, fields)
        if not node.phrase:
            word = node.words[0]
            if node.fields is None and is_stop_word(word):
                self.ignored.append(word)
                return None
            index = self.record.word(word)
            self.singles.append((index, node))
            alternatives = [self.word_alternatives(word, index, fields)]
            alternatives += self.aliases(index, word_keys(word))
            for match in self.expansion(word):
                # A typo finds what its nearest word would, declared aliases included.
                if match.reason is Reason.NEAR:
                    alternatives += self.aliases(index, [variant_key(match.word)])
            return self.either(alternatives)
        indexes = [self.record.word(word) for word in node.words]
        alternatives = [self.phrase(list(zip(node.words, indexes, strict=True)), fields, None)]
        keys = [key for word in node.words for key in word_keys(word)]
        alternatives += self.aliases(indexes[0], keys)
        return self.either(alternatives)

    def either(self, queries: list[Any | None]) -> Any:
        kept = [q for q in queries if q is not None]
        if not kept:
            return self.wq.NullQuery
        return kept[0] if len(kept) == 1 else self.wq.Or(kept)

    def word_alternatives(self, word: str, index: int, fields: tuple[str, ...]) -> Any | None:
        wq = self.wq
        found: list[Any] = []
        for fieldname in fields:
            kind = FIELD_KIND[fieldname]
            positions = query_terms(word, kind)
            if len(positions) > 1:
                found.append(self.phrase([(word, index)], (fieldname,), None))
                continue
            for tier, term in self.alternatives(word, index, kind, positions):
                if (fieldname, term) in self.reader:
                    self.record.term(fieldname, term, index, tier)
                    found.append(wq.Term(fieldname, term, boost=TIER_BOOSTS[tier]))
        found = [q for q in found if q is not None]
        if not found:
            return None
        return found[0] if len(found) == 1 else wq.Or(found)

    def expansion(self, word: str) -> list[Match]:
        """The chronicle's words ``word`` finds beyond its own folded form (the matcher,
        over the index's word table), computed once per query."""
        if word not in self._expansions:
            forms: WordForms = analyze(word)
            self._expansions[word] = (expand(forms, self.lexicon, stem)
                                      if self.lexicon.has_field else [])
        return self._expansions[word]

    def alternatives(self, word: str, index: int, kind: str,
                     positions: tuple[tuple[tuple[Tier, str], ...], ...],
                     ) -> list[tuple[Tier, str]]:
        """A one-position word's terms in a field of ``kind``: its own (exact, folded,
        variant key), then those of every word the matcher finds for it."""
        found: dict[str, Tier] = {}
        for tier, term in positions[0] if positions else ():
            found.setdefault(term, tier)
        if len(positions) != 1:
            return [(tier, term) for term, tier in found.items()]
        matches = self.expansion(word)
        if matches:
            self.record.matches[index] = matches
        for match in matches:
            # A corrected typo's other spellings rank with the correction.
            tier = REASON_TIERS[Reason.NEAR if match.via else match.reason]
            base = match.word if kind == NAMES else stem(match.word)
            for term in (base, FOLDED_MARK + base, VARIANT_MARK + variant_key(match.word)):
                if term not in found or tier < found[term]:
                    found[term] = tier
        return [(tier, term) for term, tier in found.items()]

    def phrase(
        self,
        words: list[tuple[str, int]],
        fields: tuple[str, ...],
        tier: Tier | None,
    ) -> Any | None:
        """Words in a row, in each field: every position may match any of its terms."""
        from whoosh.query import SpanNear2

        SpanOr = span_or_class()
        wq = self.wq
        per_field: list[Any] = []
        for fieldname in fields:
            kind = FIELD_KIND[fieldname]
            parts: list[Any] = []
            used: list[tuple[str, int, Tier]] = []
            complete = True
            for word, index in words:
                positions = query_terms(word, kind)
                for own in positions:
                    alternatives = (self.alternatives(word, index, kind, positions)
                                    if len(positions) == 1 else own)
                    terms = []
                    for term_tier, term in alternatives:
                        if (fieldname, term) in self.reader:
                            used.append((term, index, tier or term_tier))
                            terms.append(wq.Term(fieldname, term))
                    if not terms:
                        complete = False
                        break
                    parts.append(terms[0] if len(terms) == 1 else SpanOr(terms))
                if not complete:
                    break
            if not complete or not parts:
                continue
            single = parts[0]
            if len(parts) > 1:
                found = SpanNear2(parts, slop=1, ordered=True, mindist=1)
            else:
                found = wq.Or(single.subqs) if isinstance(single, SpanOr) else single
            for term, index, term_tier in used:
                self.record.term(fieldname, term, index, term_tier, direct=False)
            self.record.groups.append((found, [(fieldname, term) for term, _, _ in used]))
            if tier is not None:
                # Per word: a phrase scores each of its words, and should count as one.
                found = boosted(found, TIER_BOOSTS[tier] / len(parts))
            per_field.append(found)
        if not per_field:
            return None
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)

    def aliases(self, index: int, keys: list[str]) -> list[Any | None]:
        """Phrases for the spellings ``chronicle.yaml`` declares for these words."""
        found: list[Any | None] = []
        for group, forms in self.registry.expansions(keys):
            self.alias_notes.append((index, group.canonical, forms))
            for form in forms:
                words = [(word, index) for word in split_words(form)]
                found.append(self.phrase(words, SEARCH_FIELDS, Tier.ALIAS))
        return found

    def prefix(self, node: Words, fields: tuple[str, ...]) -> Any | None:
        wq = self.wq
        word = node.words[0]
        parts = fold_word(word)
        index = self.record.word(word + "*")
        if len(parts) != 1 or len(parts[0]) < 2:
            self.short_prefixes.append(word + "*")
            return None
        folded = parts[0]
        exact = word.lower()
        found = []
        for fieldname in fields:
            prefixes = [(Tier.EXACT, folded), (Tier.FOLDED, FOLDED_MARK + folded),
                        (Tier.VARIANT, VARIANT_MARK + variant_key(folded))]
            if exact != folded:
                prefixes.append((Tier.EXACT, EXACT_MARK + exact))
            for tier, text in prefixes:
                self.record.prefixes.append((fieldname, text, index, tier))
                found.append(wq.Prefix(fieldname, text, boost=TIER_BOOSTS[tier]))
        return wq.Or(found)
