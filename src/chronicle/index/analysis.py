"""How entry text becomes index terms, and how a typed word becomes the terms it may match.

The chain is fixed and shared by documents and queries: split into words, fold (case,
diacritics, Cyrillic; see `chronicle.names`), then stem English in text fields. Name
fields (people, places, tags) are never stemmed. Each word yields up to three terms at
one position, so phrases work on any of them:

=============  =====================================  ======================================
term           when                                   example (``Tašmajdan``)
=============  =====================================  ======================================
``stem``       always; marked ``~`` when folding       ``~tasmajdan``
               changed the word
``=lower``     folding changed the word                ``=tašmajdan``
``%variant``   the variant key differs from the        ``%tasmaidan``
               folded word (names, capitalised words)
=============  =====================================  ======================================

A query for ``Tasmajdan`` then finds ``tasmajdan`` (exact), ``~tasmajdan`` (folded) and
``%tasmaidan`` (a transliteration variant), and ranks them in that order. The markers
cannot occur in a word, so the three kinds never collide.

Pure Python: no Whoosh here, so the chain can be tested and reused without it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from enum import IntEnum
from functools import lru_cache

from chronicle.matching import reading_key
from chronicle.names import WORD_RE, fold_word, variant_key

TEXT = "text"
NAMES = "names"
Kind = str

FOLDED_MARK = "~"
EXACT_MARK = "="
VARIANT_MARK = "%"

#: Separates the values of a list field (people, places, tags) inside one indexed string;
#: a position gap keeps a phrase from running from one value into the next.
VALUE_SEPARATOR = "\x1f"
VALUE_GAP = 100

# Whoosh's English stop list: common words that carry no meaning for search. Copied so
# that analysis does not import Whoosh. Removed from text fields only, never from names.
STOP_WORDS = frozenset(
    "a an and are as at be by can for from have if in is it may not of on or tbd that "
    "the this to us we when will with yet you your".split()
)

_WORD_RE = WORD_RE


class Tier(IntEnum):
    """How a document word matched a query word; lower is better."""

    EXACT = 0
    FOLDED = 1
    #: A spelling ``chronicle.yaml`` declares: certain, unlike a variant key.
    ALIAS = 2
    VARIANT = 3
    #: A place name's adjective (Serbian for Serbia): ranked below the name itself.
    DERIVED = 4
    #: A near spelling: a misspelling in the data, or the nearest words to a typo.
    FUZZY = 5


_stemmer: Callable[[str], str] | None = None


def _load_stemmer() -> Callable[[str], str]:
    global _stemmer
    if _stemmer is None:
        # Snowball English (Porter2): "running" and "runs" both become "run", unlike
        # the original Porter stemmer Whoosh uses by default.
        from whoosh.lang.snowball.english import EnglishStemmer

        _stemmer = EnglishStemmer().stem
    return _stemmer


@lru_cache(maxsize=200_000)
def stem(folded: str) -> str:
    """The English stem of a folded word (digits and short words are left alone)."""
    if len(folded) < 3 or not folded.isalpha():
        return folded
    return _load_stemmer()(folded)


def _exact(word: str) -> str:
    if word.isascii():
        return word.lower()
    return unicodedata.normalize("NFC", word).lower()


@lru_cache(maxsize=400_000)
def word_terms(word: str, kind: Kind) -> tuple[tuple[str, ...], ...]:
    """The terms one document word is indexed as, one tuple per position.

    Usually one position; none for a stop word in a text field; several when folding
    splits the word (``¼`` -> ``1``, ``4``).
    """
    parts = fold_word(word)
    exact = _exact(word)
    plain = len(parts) == 1 and parts[0] == exact
    # Variant keys are for names: every word of a name field, capitalised words in text.
    # Lower-case English words stay as they are, which keeps "ship" apart from "sip".
    variants = kind == NAMES or word[:1].isupper() or not word.isascii()
    groups: list[tuple[str, ...]] = []
    for index, folded in enumerate(parts):
        if kind == TEXT and (folded in STOP_WORDS or len(folded) < 2):
            continue
        base = stem(folded) if kind == TEXT else folded
        terms = [base if plain else FOLDED_MARK + base]
        if not plain and index == 0:
            terms.append(EXACT_MARK + exact)
        if variants:
            key = variant_key(folded)
            if key != folded:
                terms.append(VARIANT_MARK + key)
            # Azerbaijani or Turkish Latin (Xocalı) is found by its English spelling too.
            turkic = reading_key(word) if index == 0 and not word.isascii() else None
            if turkic and turkic != key:
                terms.append(VARIANT_MARK + turkic)
        groups.append(tuple(terms))
    return tuple(groups)


def iter_terms(text: str, kind: Kind) -> Iterator[tuple[int, str]]:
    """``(position, term)`` for every term of ``text`` (list values separated by
    `VALUE_SEPARATOR`)."""
    pos = 0
    for number, part in enumerate(text.split(VALUE_SEPARATOR)):
        if number:
            pos += VALUE_GAP
        for word in _WORD_RE.findall(part):
            for group in word_terms(word, kind):
                for term in group:
                    yield pos, term
                pos += 1


def iter_marked_words(
    text: str, kind: Kind, terms: set[str]
) -> Iterator[tuple[int, int, bool]]:
    """``(start, end, matched)`` for every indexed word of ``text`` (stop words skipped).

    ``matched`` says whether one of the word's terms is in ``terms``. Stemming is the
    costly step, so it runs only for words that begin like a matched term does (a stem
    keeps the first two letters of its word).
    """
    heads = {bare_term(term)[:2] for term in terms}
    for match in _WORD_RE.finditer(text):
        word = match.group(0)
        marks = _word_marks(word, kind)
        if marks is None:
            continue
        cheap, word_heads = marks
        matched = not cheap.isdisjoint(terms)
        if not matched and kind == TEXT and not word_heads.isdisjoint(heads):
            matched = any(t in terms for group in word_terms(word, kind) for t in group)
        yield match.start(), match.end(), matched


@lru_cache(maxsize=200_000)
def _word_marks(word: str, kind: Kind) -> tuple[frozenset[str], frozenset[str]] | None:
    """The terms `word_terms` gives except stems, and the first two letters of each
    folded part; None for a word that is not indexed (a stop word in text).

    Worked out once per distinct word: a snippet marks the same common words again and
    again.
    """
    parts = fold_word(word)
    exact = _exact(word)
    plain = len(parts) == 1 and parts[0] == exact
    variants = kind == NAMES or word[:1].isupper() or not word.isascii()
    # The same conditions as `word_terms`, in the same order.
    cheap: set[str] = set()
    kept: list[str] = []
    for index, folded in enumerate(parts):
        if kind == TEXT and (folded in STOP_WORDS or len(folded) < 2):
            continue
        kept.append(folded)
        if not plain and index == 0:
            cheap.add(EXACT_MARK + exact)
        if variants:
            key = variant_key(folded)
            if key != folded:
                cheap.add(VARIANT_MARK + key)
            turkic = reading_key(word) if index == 0 and not word.isascii() else None
            if turkic:
                cheap.add(VARIANT_MARK + turkic)
        if kind == NAMES:
            cheap.add(folded if plain else FOLDED_MARK + folded)
    if not kept:
        return None
    return frozenset(cheap), frozenset(part[:2] for part in kept)


@lru_cache(maxsize=4096)
def query_terms(word: str, kind: Kind) -> tuple[tuple[tuple[Tier, str], ...], ...]:
    """For each position of a typed word, the terms it matches, best tier first.

    ``Pavich`` matches ``pavich`` exactly, ``~pavich`` folded (Pavićh) and every word
    whose variant key is ``pavic``: ``%pavic``, and ``pavic``/``~pavic`` for words that are
    their own key (Pavic, Pavić).
    """
    parts = fold_word(word)
    exact = _exact(word)
    plain = len(parts) == 1 and parts[0] == exact
    positions: list[tuple[tuple[Tier, str], ...]] = []
    for index, folded in enumerate(parts):
        if kind == TEXT and (folded in STOP_WORDS or len(folded) < 2):
            continue
        norm = stem if kind == TEXT else _same
        base = norm(folded)
        candidates: list[tuple[Tier, str]] = []
        if plain:
            candidates += [(Tier.EXACT, base), (Tier.FOLDED, FOLDED_MARK + base)]
        else:
            if index == 0:
                candidates.append((Tier.EXACT, EXACT_MARK + exact))
            candidates += [(Tier.FOLDED, base), (Tier.FOLDED, FOLDED_MARK + base)]
        key = variant_key(folded)
        candidates.append((Tier.VARIANT, VARIANT_MARK + key))
        if key != folded:
            candidates += [(Tier.VARIANT, norm(key)), (Tier.VARIANT, FOLDED_MARK + norm(key))]
        found: dict[str, Tier] = {}
        for tier, term in candidates:
            found.setdefault(term, tier)
        positions.append(tuple((tier, term) for term, tier in found.items()))
    return tuple(positions)


def _same(word: str) -> str:
    return word


def bare_term(term: str) -> str:
    return term[1:] if term[:1] in (FOLDED_MARK, EXACT_MARK, VARIANT_MARK) else term


def is_stop_word(word: str) -> bool:
    return all(folded in STOP_WORDS or len(folded) < 2 for folded in fold_word(word))
