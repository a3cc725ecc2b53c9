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

    def add(word: str, name_like: bool) -> None:
        lower = word[:1].islower()
        for folded in fold_word(word):
            if not folded.isalpha() or len(folded) < 2:
                found[WORD + folded] = None
                continue
            found[WORD + folded] = None
            if lower:
                found[LOWER + folded] = None
            if name_like or not lower or not word.isascii():
                if folded not in named:
                    named.add(folded)
                    keys = {variant_key(folded)}
                    turkic = reading_key(word)
                    if turkic:
                        keys.add(turkic)
                    for key in keys:
                        found[f"{KEY}{key}:{folded}"] = None
                        found[f"{SKELETON}{skeleton(key)}:{folded}"] = None

    for text in texts:
        for word in WORD_RE.findall(text):
            add(word, False)
    for name in names:
        for word in WORD_RE.findall(name):
            add(word, True)
    return list(found)


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
