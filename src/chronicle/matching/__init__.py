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
only third-party import is rapidfuzz's edit distance, loaded when first needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from typing import Protocol

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

_VOWELS = re.compile(r"[aeiouy]+")
_TURKIC_LETTERS = set("ıİəƏşŞçÇğĞ")
# The Azerbaijani and Turkish Latin alphabet read the English way, applied before folding.
_TURKIC = str.maketrans({"c": "j", "C": "J", "ç": "ch", "Ç": "Ch", "ş": "sh", "Ş": "Sh",
                         "x": "kh", "X": "Kh", "q": "k", "Q": "K", "ğ": "", "Ğ": "",
                         "ı": "i", "I": "I", "İ": "I", "ə": "a", "Ə": "A"})


def skeleton(key: str) -> str:
    """The consonants of a variant key, each run of vowels one mark: Heydar and Haydar
    share ``h_d_r``."""
    return _VOWELS.sub("_", key)


@dataclass(frozen=True)
class WordForms:
    """Everything matching needs to know about one typed word, computed once."""

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
    turkic: bool = False
    #: The reading keys the word's own letters make certain (Turkic letters; Russian дж).
    certain: frozenset[str] = frozenset()

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


@dataclass(frozen=True)
class Match:
    """A word of the lexicon that a typed word finds."""

    word: str
    reason: Reason
    distance: int = 0
    #: The nearest word a misspelt typed word was corrected to, when this match is one
    #: of that word's own spellings (found as the corrected word would find it).
    via: str = ""


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
    name_like = _name_like(forms.folded, lexicon) if own else True
    length = len(forms.key)
    if forms.respellable:
        for word in lexicon.with_key(forms.key):
            add(word, Reason.SPELLING)
        if name_like and (length >= MIN_VOWEL_LENGTH or (forms.turkic and length >= 4)):
            for word in lexicon.with_skeleton(forms.skeleton):
                if _vowels_close(forms.key, variant_key(word), open_i=forms.turkic):
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
                if certain or _one_rare(word, own, lexicon):
                    add(word, reason)
            if len(key) >= MIN_VOWEL_LENGTH or certain:
                for word in lexicon.with_skeleton(skeleton(key)):
                    if _vowels_close(key, variant_key(word), open_i=certain) and (
                            certain or _one_rare(word, own, lexicon)):
                        add(word, reason)
        for key in GIVEN_NAMES.get(forms.key, ()):
            for word in lexicon.with_key(key):
                add(word, Reason.GIVEN_NAME)
        near = _near(forms, own, name_like, lexicon, bool(found))
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
                    if lexicon.entries(word) and _name_like(word, lexicon):
                        add(word, Reason.DERIVED)
    return sorted(found.values(), key=lambda m: (m.reason, m.distance, m.word))


def _name_like(word: str, lexicon: Lexicon) -> bool:
    """Written with a capital in most of the entries that hold it (or not ASCII)."""
    total = lexicon.entries(word)
    return not word.isascii() or lexicon.lower_entries(word) * 2 <= total


def _rare_beside(word: str, own: int, lexicon: Lexicon) -> bool:
    """Whether ``word`` is rare enough beside a word found in ``own`` entries to be a
    misspelling of it rather than another name."""
    if not own:
        return True
    return lexicon.entries(word) <= max(1, own // RARE_SHARE)


def _one_rare(word: str, own: int, lexicon: Lexicon) -> bool:
    """Whether one of two spellings is rare beside the other: a misspelling or a rare
    romanisation of one name, whichever of the two was typed. Two well-attested words
    (Hong, Gong) stay two words."""
    if not own:
        return True
    theirs = lexicon.entries(word)
    return theirs <= max(1, own // RARE_SHARE) or own <= max(1, theirs // RARE_SHARE)


#: Vowels that romanisations of one name trade for each other: Haydar/Heydar (a/e),
#: Muhammad/Mohammed (u/o), Grigory/Gregory (i/e), Khrushchov/Khrushchev (o/e, Russian ё),
#: Soudan/Sudan (ou/u), Matthiew/Matthew (ie/e), Gorbachyov/Gorbachev (Russian ё written
#: yo: io/e). Lenin and Lennon (i/o) stay apart.
_VOWEL_TRADES = frozenset(frozenset(pair) for pair in (
    ("a", "e"), ("o", "u"), ("i", "e"), ("o", "e"), ("ou", "u"), ("ou", "o"), ("ai", "ei"),
    ("ie", "e"), ("ie", "i"), ("ia", "ie"), ("au", "ao"), ("oe", "e"), ("ue", "u"),
    ("ei", "e"), ("ai", "a"), ("oi", "o"), ("iu", "u"), ("ia", "a"), ("u", "a"),
    ("io", "e"), ("io", "o"),
))


def _vowels_close(a: str, b: str, *, open_i: bool = False) -> bool:
    """Same consonants, and vowels that romanisations trade: at most one vowel apart
    in a short word, two (of the same length) from seven letters on. With ``open_i``
    (a word with Turkic ı), i may stand for any vowel: Bakı = Baku."""
    if a == b or skeleton(a) != skeleton(b):
        return False
    groups_a, groups_b = _VOWELS.findall(a), _VOWELS.findall(b)
    changed = 0
    resized = False
    for x, y in zip(groups_a, groups_b, strict=True):
        if x == y:
            continue
        if frozenset((x, y)) not in _VOWEL_TRADES and not (open_i and x == "i"):
            return False
        changed += 1
        resized = resized or len(x) != len(y)
    if changed == 1:
        return True
    return changed == 2 and not resized and min(len(a), len(b)) >= 7


def _near(forms: WordForms, own: int, name_like: bool, lexicon: Lexicon,
          have_variants: bool) -> list[Match]:
    """Near spellings: rare misspellings of a word the lexicon holds, or the nearest
    words to one it does not hold."""
    word = forms.folded
    limit = max_distance(len(word))
    if not limit or not word.isalpha():
        return []
    if own:
        # Misspellings in the data: one edit, and not a changed letter. A short common
        # word accepts none (see below), so its neighbours are not even looked up.
        if not name_like and len(word) < 8:
            return []
        pool = _pool(word, lexicon)
        found = []
        for other, distance in _within(word, pool, 1):
            if not _typo_like(word, other) or not (
                    _rare_beside(other, own, lexicon)
                    # The typed word may be the rare misspelling (Romeny beside Romney)
                    # when two letters swapped; a letter more or less is often another
                    # name (Walesa, Wales).
                    or len(word) == len(other) and _one_rare(other, own, lexicon)):
                continue
            if word in derived_forms(other) or other in derived_forms(word):
                continue  # Serbian and Serbia: a name and its adjective, not a typo
            if not (name_like and _name_like(other, lexicon)) and not (
                    len(word) >= 8 and min(own, lexicon.entries(other)) == 1):
                continue
            found.append(Match(other, Reason.NEAR, distance))
        return found
    if have_variants:
        return []
    # A word the chronicle does not hold: its nearest words, the most attested first,
    # compared by variant key so that another romanisation costs nothing.
    pool = _pool(word, lexicon)
    keys = [forms.key, *(key for reason, key in forms.readings if reason is Reason.TURKIC)]
    for key in keys[1:]:
        pool += [w for w in _pool(key, lexicon) if w not in pool]
    scored = [(other, d) for other, d in _within_keys(word, keys, pool, limit) if other != word]
    if not scored:
        return []
    best = min(distance for _, distance in scored)
    nearest = [other for other, distance in scored if distance == best]
    nearest.sort(key=lambda other: (-lexicon.entries(other), other))
    return [Match(other, Reason.NEAR, best) for other in nearest[:MAX_NEAR]]


def _pool(word: str, lexicon: Lexicon) -> list[str]:
    pool = list(lexicon.starting(word[0]))
    if len(word) > 1 and word[1] != word[0]:
        pool += [w for w in lexicon.starting(word[1]) if len(w) > 1 and w[1] == word[0]]
    return [w for w in pool if w.isalpha()]


def _within(word: str, pool: list[str], limit: int) -> list[tuple[str, int]]:
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    return [(other, int(distance)) for other, distance, _ in process.extract(
        word, pool, scorer=OSA.distance, score_cutoff=limit, limit=None) if other != word]


def _within_keys(word: str, keys: list[str], pool: list[str], limit: int,
                 ) -> list[tuple[str, int]]:
    """Words of ``pool`` within ``limit`` edits of ``word``, or whose variant key is
    within ``limit`` of one of ``keys``: the smaller distance counts."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    pool_keys = [variant_key(other) for other in pool]
    best: dict[str, int] = {}
    for text, choices in [(word, pool), *((key, pool_keys) for key in keys)]:
        for _, distance, number in process.extract(
                text, choices, scorer=OSA.distance, score_cutoff=limit, limit=None):
            other = pool[number]
            best[other] = min(int(distance), best.get(other, limit + 1))
    return list(best.items())


def _distance(a: str, b: str, limit: int) -> int:
    from rapidfuzz.distance import OSA

    return int(OSA.distance(a, b, score_cutoff=limit))


def _typo_like(a: str, b: str) -> bool:
    """An insertion, a deletion or a swap of neighbours; not a changed letter, which is
    what usually tells two names apart (Murad, Murat)."""
    if len(a) != len(b):
        return True
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] \
        and a[diffs[1]] == b[diffs[0]]


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
    from dataclasses import replace

    forms = analyze(word)
    if not forms.folded:
        return []
    return [m for m in expand(replace(forms, folded=forms.key), lexicon) if m.word != forms.key]


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
