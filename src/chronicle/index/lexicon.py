"""The index's word table: every word a chronicle holds, with the evidence the matcher
weighs, kept in the Whoosh index itself (field ``words``) so that it follows every
update and rebuild of the index with no file of its own.

Per entry, the field holds one term per distinct folded word (``=word``), one per word
written in lower case somewhere in the entry (``!word``), and, for name-like words
(capitalised, not ASCII, or in a name field), the word under its variant key
(``%key:word``) and under its vowel skeleton (``&skeleton:word``). Document frequencies
then answer `chronicle.matching.Lexicon`'s questions with prefix lookups, never a scan
of the whole vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from chronicle.matching import reading_key, skeleton
from chronicle.names import WORD_RE, fold_word, variant_key

FIELD = "words"
WORD = "="
LOWER = "!"
KEY = "%"
SKELETON = "&"


def word_terms(texts: Iterable[str], names: Iterable[str]) -> list[str]:
    """The ``words`` terms of one entry: ``texts`` are its prose fields, ``names`` the
    values of its people, places and tags."""
    found: dict[str, None] = {}
    named: set[str] = set()
    for values, name_like in ((texts, False), (names, True)):
        for value in values:
            for word in WORD_RE.findall(value):
                plain, keyed = _word_terms(word, name_like)
                found.update(plain)
                for folded, terms in keyed:
                    # A folded word's keys come from the first name-like word folding to it.
                    if folded not in named:
                        named.add(folded)
                        found.update(terms)
    return list(found)


@lru_cache(maxsize=8_192)
def _word_terms(
    word: str, name_like: bool
) -> tuple[dict[str, None], tuple[tuple[str, dict[str, None]], ...]]:
    """The terms one word gives wherever it stands (``=folded`` and ``!folded``), and per
    folded part that is name-like, its key and skeleton terms.

    Worked out once per distinct word: an entry's words are mostly words other entries
    hold too. The dictionaries are shared through the cache and never changed. The cache
    keeps the 8,192 words last used (about 6 MB): the common words, which are most of
    every entry, without growing by tens of MB with a large chronicle's rare words."""
    lower = word[:1].islower()
    plain: dict[str, None] = {}
    keyed: list[tuple[str, dict[str, None]]] = []
    for folded in fold_word(word):
        plain[WORD + folded] = None
        if not folded.isalpha() or len(folded) < 2:
            continue
        if lower:
            plain[LOWER + folded] = None
        if name_like or not lower or not word.isascii():
            keys = {variant_key(folded)}
            turkic = reading_key(word)
            if turkic:
                keys.add(turkic)
            terms: dict[str, None] = {}
            for key in keys:
                terms[f"{KEY}{key}:{folded}"] = None
                terms[f"{SKELETON}{skeleton(key)}:{folded}"] = None
            keyed.append((folded, terms))
    return plain, tuple(keyed)


class IndexLexicon:
    """`chronicle.matching.Lexicon` over an open Whoosh reader."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.has_field = FIELD in reader.schema.names() if hasattr(reader, "schema") else True
        self._cache: dict[str, int] = {}

    def _frequency(self, term: str) -> int:
        if term not in self._cache:
            self._cache[term] = int(self.reader.doc_frequency(FIELD, term))
        return self._cache[term]

    def entries(self, word: str) -> int:
        return self._frequency(WORD + word)

    def lower_entries(self, word: str) -> int:
        return self._frequency(LOWER + word)

    def _after(self, prefix: str, start: int | None = None) -> Iterator[str]:
        start = len(prefix) if start is None else start
        for term in self.reader.expand_prefix(FIELD, prefix):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            yield text[start:]

    def with_key(self, key: str) -> list[str]:
        return list(self._after(f"{KEY}{key}:"))

    def with_skeleton(self, skeleton: str) -> list[str]:
        return list(self._after(f"{SKELETON}{skeleton}:"))

    def starting(self, letter: str) -> list[str]:
        return list(self._after(WORD + letter, len(WORD)))
