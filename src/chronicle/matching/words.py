"""One typed word, analysed once for the matcher, and the terms matching speaks in: why
a word may match another (`Reason`), the limits on near spellings, a word's forms
(folded, vowel skeleton, Azerbaijani/Turkish and Russian-route readings, given names,
derived place forms), the `Lexicon` a word is matched against and a `Match`. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import IntEnum
from functools import lru_cache
from typing import Protocol

from chronicle.names import fold_word, variant_key
from chronicle.records import FrozenRecord


class Reason(IntEnum):
    """Why a word matched, best first; its value orders results within a tier."""

    EXACT = 0
    FOLDED = 1
    SPELLING = 2
    VOWEL = 3
    TURKIC = 4
    RUSSIAN = 5
    GIVEN_NAME = 6
    DERIVED = 7
    NEAR = 8

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Reason.EXACT: "exact",
    Reason.FOLDED: "folded",
    Reason.SPELLING: "spelling variant",
    Reason.VOWEL: "vowel variant",
    Reason.TURKIC: "Azerbaijani/Turkish Latin",
    Reason.RUSSIAN: "Russian-route spelling",
    Reason.GIVEN_NAME: "given name",
    Reason.DERIVED: "derived form",
    Reason.NEAR: "near spelling",
}

#: Words shorter than this are never respelled by edit distance ("Nis" is not "Nil").
MIN_NEAR_LENGTH = 4
#: Vowel variants need this many letters: "Mali" and "Male" are two places.
MIN_VOWEL_LENGTH = 5
#: A near spelling of a word the chronicle holds may be in at most this share of its
#: entries (or in one entry): a misspelling is rare beside the usual spelling.
RARE_SHARE = 4
#: At most this many near spellings for a word the chronicle does not hold.
MAX_NEAR = 3


def max_distance(length: int) -> int:
    """How many edits (insert, delete, substitute, swap neighbours) a word of
    ``length`` letters may be from another and still be the same word misspelt."""
    if length < MIN_NEAR_LENGTH:
        return 0
    return 1 if length < 6 else 2


# -- one word's forms --------------------------------------------------------------------

VOWELS = re.compile(r"[aeiouy]+")
_TURKIC_LETTERS = set("ıİəƏşŞçÇğĞ")
# The Azerbaijani and Turkish Latin alphabet read the English way, applied before folding.
_TURKIC = str.maketrans({"c": "j", "C": "J", "ç": "ch", "Ç": "Ch", "ş": "sh", "Ş": "Sh",
                         "x": "kh", "X": "Kh", "q": "k", "Q": "K", "ğ": "", "Ğ": "",
                         "ı": "i", "I": "I", "İ": "I", "ə": "a", "Ə": "A"})


def skeleton(key: str) -> str:
    """The consonants of a variant key, each run of vowels one mark: Heydar and Haydar
    share ``h_d_r``."""
    return VOWELS.sub("_", key)


class WordForms(FrozenRecord):
    """Everything matching needs to know about one typed word, computed once."""

    __slots__ = ("typed", "folded", "key", "skeleton", "readings", "has_digits", "turkic",
                 "certain")
    typed: str
    #: The folded word (`chronicle.names.fold_word`); empty when the word has no letters
    #: or folds into several words.
    folded: str
    key: str
    skeleton: str
    #: Keys of other readings of the word, each with its reason.
    readings: tuple[tuple[Reason, str], ...]
    has_digits: bool
    #: Written with letters only Azerbaijani or Turkish Latin has (ı, ə, ş, ç, ğ).
    turkic: bool
    #: The reading keys the word's own letters make certain (Turkic letters; Russian дж).
    certain: frozenset[str]

    def __init__(self, typed: str, folded: str, key: str, skeleton: str,
                 readings: tuple[tuple[Reason, str], ...], has_digits: bool,
                 turkic: bool = False, certain: frozenset[str] = frozenset()) -> None:
        _set = object.__setattr__
        _set(self, "typed", typed)
        _set(self, "folded", folded)
        _set(self, "key", key)
        _set(self, "skeleton", skeleton)
        _set(self, "readings", readings)
        _set(self, "has_digits", has_digits)
        _set(self, "turkic", turkic)
        _set(self, "certain", certain)

    @property
    def respellable(self) -> bool:
        return bool(self.folded) and not self.has_digits


@lru_cache(maxsize=8192)
def analyze(word: str) -> WordForms:
    """The forms of one typed word (cached: queries repeat words)."""
    parts = fold_word(word)
    folded = parts[0] if len(parts) == 1 else ""
    key = variant_key(folded) if folded else ""
    readings: list[tuple[Reason, str]] = []
    certain: set[str] = set()
    turkic = bool(folded) and bool(_TURKIC_LETTERS.intersection(word) or (
        re.search(r"[xq]", folded) and set("öüÖÜ").intersection(word)))
    if folded:
        if turkic or re.search(r"[cxq]", folded) and word.isascii():
            # Written with Turkic letters, the reading is certain; an ASCII word with c, x
            # or q may be Azerbaijani or Turkish typed on another keyboard (Xocali, Hocali):
            # `expand` takes that reading only where the data writes such a word so.
            reading = "".join(variant_key(f) for f in fold_word(word.translate(_TURKIC)))
            if reading and reading != key:
                readings.append((Reason.TURKIC, reading))
                if turkic:
                    certain.add(reading)
        if "дж" in word.lower():
            # Russian дж is the English j (Ходжалы = Khojaly), as dzh is.
            reading = "".join(variant_key(f)
                              for f in fold_word(word.lower().replace("дж", "dzh")))
            if reading and reading != key:
                readings.append((Reason.RUSSIAN, reading))
                certain.add(reading)
        for russian in _russian_readings(key):
            readings.append((Reason.RUSSIAN, russian))
        for latin in _latin_readings(key):
            readings.append((Reason.SPELLING, latin))
    return WordForms(
        typed=word,
        folded=folded,
        key=key,
        skeleton=skeleton(key),
        readings=tuple(dict.fromkeys(readings)),
        has_digits=any(ch.isdigit() for ch in word),
        turkic=turkic,
        certain=frozenset(certain),
    )


def _swapped(key: str, a: str, b: str) -> list[str]:
    """``key`` with every ``a`` written ``b``, and every ``b`` written ``a``."""
    return [other for other in (key.replace(a, b), key.replace(b, a)) if other != key]


def _russian_readings(key: str) -> list[str]:
    # Russian has no h: Heydar reaches English as Geidar, Hasan as Gasan. Read both ways.
    return _swapped(key, "g", "h")


def _latin_readings(key: str) -> list[str]:
    # c and k stand for one sound in older and newer spellings (Corea, Korea).
    return _swapped(key, "c", "k")


def reading_key(word: str) -> str | None:
    """The variant key of ``word`` in the reading its own letters make certain: read as
    Azerbaijani or Turkish Latin (a record spelling Xocalı is found by Khojaly), or with
    Russian дж as j (Ходжалы is found by Khojaly). None when there is none."""
    forms = analyze(word)
    for _, key in forms.readings:
        if key in forms.certain:
            return key
    return None


# -- given names -------------------------------------------------------------------------

#: The usual romanisations of common given names, across the languages sources about
#: Europe, the Caucasus and the Middle East use. Each line is one name.
_GIVEN_NAME_LINES = """
alexander aleksandar aleksander aleksandr alexandr alexandre alexandru oleksandr
peter pyotr petr pieter peter petre petar piotr
michael mikhail mihail mihailo mihajlo michal michel mikhael
nicholas nikolai nikolay nicolas nikola nikolaos mykola
frederick friedrich frederic fryderyk frederik
catherine katherine ekaterina yekaterina katharina katarina ecaterina kateryna
elizabeth elisabeth elizaveta elisabeta elzbieta
gregory grigory grigori gregor grzegorz grigol
george georgy georgi giorgi georgios
joseph josef iosif jozef josip
paul pavel pavlo pal
andrew andrei andrey andriy andrzej andreas
alexei aleksei alexey oleksiy
stephen stepan stefan stjepan stevan stephan
eugene yevgeny evgeny evgeni yevhen
constantine konstantin constantin konstantinos kostiantyn
dmitry dmitri dmitrii dimitri dimitrios dmytro
vladimir volodymyr wlodzimierz
yury yuri yurii iurii jurij
ivan ioann
basil vasily vasili vasyl
""".strip().splitlines()


def _given_names() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for line in _GIVEN_NAME_LINES:
        forms = frozenset(line.split())
        keys = frozenset(variant_key(form) for form in forms)
        for key in keys:
            # A name may sit in two lines (Yuri is also a form of George): join them.
            table[key] = table.get(key, frozenset()) | keys
    return table


GIVEN_NAMES: Mapping[str, frozenset[str]] = _given_names()


# -- derived forms of place names ----------------------------------------------------------


def derived_forms(folded: str) -> list[str]:
    """The adjectives and demonyms a place name commonly takes in English: Serbia:
    Serbian, Azerbaijan: Azerbaijani, Babylon: Babylonian, Sudan: Sudanese."""
    if len(folded) < 4 or not folded.isalpha():
        return []
    if folded.endswith("a"):
        forms = [folded + "n", folded + "ns", folded[:-1] + "ian", folded[:-1] + "ians",
                 folded[:-1] + "ese"]
    elif folded.endswith(("i", "u")):
        forms = [folded + "an", folded + "ans"]
    elif folded.endswith("e"):
        forms = [folded + "an", folded + "ans", folded[:-1] + "ian"]
    elif folded.endswith("y"):
        forms = [folded[:-1] + "ian", folded[:-1] + "ians"]
    else:
        forms = [folded + "i", folded + "is", folded + "ese", folded + "ian", folded + "ians",
                 folded + "ic", folded + "ish"]
    return forms


# -- the lexicon ---------------------------------------------------------------------------


class Lexicon(Protocol):
    """The words a chronicle holds (folded), with the evidence matching weighs."""

    def entries(self, word: str) -> int:
        """In how many entries ``word`` occurs (0 when it does not)."""

    def lower_entries(self, word: str) -> int:
        """In how many entries ``word`` occurs written in lower case."""

    def with_key(self, key: str) -> Iterable[str]:
        """The name-like words whose variant key is ``key``."""

    def with_skeleton(self, skeleton: str) -> Iterable[str]:
        """The name-like words whose vowel skeleton is ``skeleton``."""

    def starting(self, letter: str) -> Iterable[str]:
        """Every word beginning with ``letter`` (near spellings keep the first letter,
        or swap it with the second), or with a longer prefix (a stem's inflections)."""


class Match(FrozenRecord):
    """A word of the lexicon that a typed word finds."""

    __slots__ = ("word", "reason", "distance", "via")
    word: str
    reason: Reason
    distance: int
    #: The nearest word a misspelt typed word was corrected to, when this match is one
    #: of that word's own spellings (found as the corrected word would find it).
    via: str

    def __init__(self, word: str, reason: Reason, distance: int = 0, via: str = "") -> None:
        _set = object.__setattr__
        _set(self, "word", word)
        _set(self, "reason", reason)
        _set(self, "distance", distance)
        _set(self, "via", via)
