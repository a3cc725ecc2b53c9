"""The one matcher: which words of a chronicle a typed word finds, and why.

A typed word is analysed once into `WordForms` (folded, variant key, vowel skeleton, the
readings other romanisations give it). `expand` then looks the forms up in a `Lexicon`,
the words a chronicle holds with the evidence about each (in how many entries, how often
in lower case), and returns every `Match` with its tier and reason:

=================  ===========================================  ==========================
reason             when                                         example
=================  ===========================================  ==========================
spelling variant   the same transliteration key                 Tashmaydan = Tasmajdan
vowel variant      the same consonants, vowels a little apart   Haydar = Heydar,
                                                                Muhammad = Mohammed
Azerbaijani/       the word read as Azerbaijani or Turkish      Xocalı = Khojaly,
Turkish Latin      Latin (c=j, x=kh, q=k, ç=ch, ş=sh, ı, ə)     Bakı = Baku
Russian route      h written g and j written dzh, as names      Gasan = Hasan,
                   reach English through Russian                Geidar = Heydar
given name         the usual romanisations of a given name      Pyotr = Peter
near spelling      a length-scaled edit distance (with          Einstien = Einstein,
                   transpositions) that evidence says is a      Embasy = Embassy
                   misspelling, not another name
derived form       a place name's adjective                     Serbia: Serbian
=================  ===========================================  ==========================

Precision comes from the lexicon's evidence, not from the letters alone:

- a near spelling of a word the chronicle holds must be rare beside it (at most a
  quarter as many entries, or a single one) and differ by an insertion, a deletion or a
  swap: two well-attested names one letter apart (Prussia, Russia; Murad, Murat) are two
  names, and a changed letter is what tells Vujović from Vuković;
- a word the chronicle does not hold (a typo in the query) finds its nearest words;
- common lower-case words never pull in their neighbours (party is not parts);
- digits are not letters: a word with digits is never respelled.

The same `expand` serves the search index, the ``--person/--place/--tag`` filters, the
HTML page's offline index and ``names --suggest``; only the lexicon differs. Pure: the
only third-party import is rapidfuzz's edit distance, loaded when first needed (for a
word the chronicle does not hold: the misspellings of a word it holds, one edit away,
are found without it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from chronicle.matching.near import is_name_like, near_spellings, one_rare, vowels_close
from chronicle.matching.words import (
    GIVEN_NAMES,
    MIN_VOWEL_LENGTH,
    Lexicon,
    Match,
    Reason,
    WordForms,
    analyze,
    derived_forms,
    max_distance,
    reading_key,
    skeleton,
)
from chronicle.names import fold, fold_word, variant_key

__all__ = [
    "GIVEN_NAMES",
    "Lexicon",
    "Match",
    "MemoryLexicon",
    "Reason",
    "WordForms",
    "analyze",
    "derived_forms",
    "expand",
    "expand_key",
    "held_by_stem",
    "reading_key",
    "max_distance",
    "name_variants",
]


def held_by_stem(forms: WordForms, lexicon: Lexicon,
                 stem: Callable[[str], str] | None) -> str | None:
    """The lexicon's most attested word with the typed word's stem, when the typed word
    itself is not in the lexicon but an inflection of it is (parties: party)."""
    word = forms.folded
    if stem is None or not word.isalpha() or lexicon.entries(word):
        return None
    own = stem(word)
    prefix = own[:max(2, min(len(own) - 1, len(word) - 2))]
    held = [other for other in lexicon.starting(prefix)
            if other.startswith(prefix) and other != word and stem(other) == own]
    if not held:
        return None
    return max(held, key=lambda other: (lexicon.entries(other), other))


def expand(forms: WordForms, lexicon: Lexicon,
           stem: Callable[[str], str] | None = None) -> list[Match]:
    """Every word of ``lexicon`` that ``forms`` finds beyond its own folded form, best
    reason first. Exact and folded matches are the caller's (they need no lexicon).

    With ``stem`` (the index's stemmer), a word the lexicon holds only in another
    inflection (parties, when the chronicle says party) is a word it holds: it finds
    what that inflection finds, and is never corrected as a misspelling."""
    if not forms.folded:
        return []
    inflection = held_by_stem(forms, lexicon, stem) if forms.respellable else None
    if inflection is not None:
        return [m for m in expand(analyze(inflection), lexicon)
                if m.word != forms.folded and stem is not None
                and stem(m.word) != stem(forms.folded)]
    found: dict[str, Match] = {}

    def add(word: str, reason: Reason, distance: int = 0) -> None:
        if word == forms.folded:
            return
        old = found.get(word)
        if old is None or reason < old.reason:
            found[word] = Match(word, reason, distance)

    own = lexicon.entries(forms.folded)
    name_like = is_name_like(forms.folded, lexicon) if own else True
    length = len(forms.key)
    if forms.respellable:
        for word in lexicon.with_key(forms.key):
            add(word, Reason.SPELLING)
        if name_like and (length >= MIN_VOWEL_LENGTH or (forms.turkic and length >= 4)):
            for word in lexicon.with_skeleton(forms.skeleton):
                if vowels_close(forms.key, variant_key(word), open_i=forms.turkic):
                    add(word, Reason.TURKIC if forms.turkic else Reason.VOWEL)
        for reason, key in forms.readings:
            # A Turkic letter or Russian дж makes its reading certain; the others need
            # evidence.
            certain = key in forms.certain
            if reason is Reason.TURKIC and not certain:
                # Typed without Turkic letters: read so only where the chronicle writes
                # a word that way in Azerbaijani or Turkish Latin (Hocalı, Xocalı).
                if any(re.search(r"[cxq]", word) and variant_key(word) != key
                       for word in lexicon.with_key(key)):
                    for word in lexicon.with_key(key):
                        add(word, reason)
                continue
            for word in lexicon.with_key(key):
                if certain or one_rare(word, own, lexicon):
                    add(word, reason)
            if len(key) >= MIN_VOWEL_LENGTH or certain:
                for word in lexicon.with_skeleton(skeleton(key)):
                    if vowels_close(key, variant_key(word), open_i=certain) and (
                            certain or one_rare(word, own, lexicon)):
                        add(word, reason)
        for key in GIVEN_NAMES.get(forms.key, ()):
            for word in lexicon.with_key(key):
                add(word, Reason.GIVEN_NAME)
        near = near_spellings(forms, own, name_like, lexicon, bool(found))
        for match in near:
            add(match.word, Reason.NEAR, match.distance)
        if not own:
            # A typo finds everything its nearest words would find.
            for match in near:
                for other in expand(analyze(match.word), lexicon):
                    if other.word not in found and other.word != forms.folded:
                        found[other.word] = Match(other.word, other.reason, match.distance,
                                                  via=match.word)
        if name_like:
            # The name's adjective, and the adjectives of its other spellings.
            # (Not of vowel variants or near spellings: Colombia's is not Columbian.)
            for base in [forms.folded, *(m.word for m in list(found.values()) if m.reason
                                          in (Reason.SPELLING, Reason.TURKIC, Reason.RUSSIAN))]:
                for word in derived_forms(base):
                    if lexicon.entries(word) and is_name_like(word, lexicon):
                        add(word, Reason.DERIVED)
    return sorted(found.values(), key=lambda m: (m.reason, m.distance, m.word))


# -- an in-memory lexicon ------------------------------------------------------------------


class MemoryLexicon:
    """A `Lexicon` over words counted in memory: names for the filters and ``names``,
    the HTML page's words. ``counts`` maps each word as written to its entry count."""

    def __init__(self, counts: Mapping[str, int] | Iterable[tuple[str, int]], *,
                 names: bool = False) -> None:
        items = counts.items() if isinstance(counts, Mapping) else counts
        self._entries: dict[str, int] = {}
        self._lower: dict[str, int] = {}
        keys: dict[str, set[str]] = {}
        for written, count in items:
            lower = written[:1].islower() and not names
            for folded in fold_word(written):
                self._entries[folded] = self._entries.get(folded, 0) + count
                if lower:
                    self._lower[folded] = self._lower.get(folded, 0) + count
                elif folded.isalpha() and len(folded) >= 2:
                    # As the index does: a word written with a capital somewhere (or in a
                    # name) is looked up by its keys.
                    word_keys = keys.setdefault(folded, {variant_key(folded)})
                    turkic = reading_key(written)
                    if turkic:
                        word_keys.add(turkic)
        self._by_key: dict[str, list[str]] = {}
        self._by_skeleton: dict[str, list[str]] = {}
        self._by_letter: dict[str, list[str]] = {}
        for word in self._entries:
            self._by_letter.setdefault(word[:1], []).append(word)
            for key in keys.get(word, ()):
                self._by_key.setdefault(key, []).append(word)
                self._by_skeleton.setdefault(skeleton(key), []).append(word)

    def entries(self, word: str) -> int:
        return self._entries.get(word, 0)

    def lower_entries(self, word: str) -> int:
        return self._lower.get(word, 0)

    def with_key(self, key: str) -> Iterable[str]:
        return self._by_key.get(key, ())

    def with_skeleton(self, skeleton: str) -> Iterable[str]:
        return self._by_skeleton.get(skeleton, ())

    def starting(self, letter: str) -> Iterable[str]:
        words = self._by_letter.get(letter[:1], ())
        return words if len(letter) == 1 else [w for w in words if w.startswith(letter)]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)


def expand_key(word: str, lexicon: Lexicon) -> list[Match]:
    """`expand` over a lexicon of variant keys rather than words (the catalog's name
    keys): the typed word is looked up by its key, its readings kept."""
    forms = analyze(word)
    if not forms.folded:
        return []
    return [m for m in expand(forms.replace(folded=forms.key), lexicon) if m.word != forms.key]


def name_variants(name: str, lexicon: Lexicon, limit: int = 64) -> list[str]:
    """The name keys (`chronicle.names.name_key`) ``name`` may take, word by word: each
    word's own key or the key of a word `expand_key` finds for it in ``lexicon`` (a
    lexicon of name keys). The filters and ``names`` group spellings with it."""
    from itertools import islice, product

    from chronicle.names import split_words

    choices: list[list[str]] = []
    for word in split_words(name):
        parts = fold_word(word)
        for folded in parts:
            own = variant_key(folded)
            typed = word if len(parts) == 1 else folded
            choices.append([own, *(m.word for m in expand_key(typed, lexicon) if m.word != own)])
    return [" ".join(keys) for keys in islice(product(*choices), limit)]


def same_word(a: str, b: str) -> Reason | None:
    """Why two written words are one, judged on the two alone (no other evidence): the
    reason, or None. ``names`` groups spellings with it."""
    fa, fb = fold(a), fold(b)
    if fa == fb:
        return Reason.FOLDED
    lexicon = MemoryLexicon({a: 1, b: 1})
    for match in expand(analyze(a), lexicon):
        if match.word == fb:
            return match.reason
    return None
