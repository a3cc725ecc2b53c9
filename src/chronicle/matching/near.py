"""Near spellings: the typed word's neighbours in the lexicon by edit distance and by
traded vowels, kept only where the lexicon's evidence says a misspelling is likely
(rare beside the usual spelling, a name-like word). Pure.
"""

from __future__ import annotations

from chronicle.matching.words import (
    MAX_NEAR,
    RARE_SHARE,
    VOWELS,
    Lexicon,
    Match,
    Reason,
    WordForms,
    derived_forms,
    max_distance,
    skeleton,
)
from chronicle.names import variant_key


def is_name_like(word: str, lexicon: Lexicon) -> bool:
    """Written with a capital in most of the entries that hold it (or not ASCII)."""
    total = lexicon.entries(word)
    return not word.isascii() or lexicon.lower_entries(word) * 2 <= total


def _rare_beside(word: str, own: int, lexicon: Lexicon) -> bool:
    """Whether ``word`` is rare enough beside a word found in ``own`` entries to be a
    misspelling of it rather than another name."""
    if not own:
        return True
    return lexicon.entries(word) <= max(1, own // RARE_SHARE)


def one_rare(word: str, own: int, lexicon: Lexicon) -> bool:
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


def vowels_close(a: str, b: str, *, open_i: bool = False) -> bool:
    """Same consonants, and vowels that romanisations trade: at most one vowel apart
    in a short word, two (of the same length) from seven letters on. With ``open_i``
    (a word with Turkic ı), i may stand for any vowel: Bakı = Baku."""
    if a == b or skeleton(a) != skeleton(b):
        return False
    groups_a, groups_b = VOWELS.findall(a), VOWELS.findall(b)
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


def near_spellings(forms: WordForms, own: int, name_like: bool, lexicon: Lexicon,
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
        for other in one_edit(word, pool):
            if not _typo_like(word, other) or not (
                    _rare_beside(other, own, lexicon)
                    # The typed word may be the rare misspelling (Romeny beside Romney)
                    # when two letters swapped; a letter more or less is often another
                    # name (Walesa, Wales).
                    or len(word) == len(other) and one_rare(other, own, lexicon)):
                continue
            if word in derived_forms(other) or other in derived_forms(word):
                continue  # Serbian and Serbia: a name and its adjective, not a typo
            if not (name_like and is_name_like(other, lexicon)) and not (
                    len(word) >= 8 and min(own, lexicon.entries(other)) == 1):
                continue
            found.append(Match(other, Reason.NEAR, 1))
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


def one_edit(word: str, pool: list[str]) -> list[str]:
    """The words of ``pool`` one edit from ``word`` (an insertion, a deletion, a changed
    letter or two neighbours swapped: optimal string alignment distance 1), in pool order.

    What rapidfuzz's OSA distance with a cutoff of 1 finds, without loading rapidfuzz: a
    search for a word the chronicle holds needs no other distance than this one.
    """
    size = len(word)
    found = []
    for other in pool:
        length = len(other)
        if length == size:
            if other == word:
                continue
            at = 0
            while word[at] == other[at]:
                at += 1
            rest = at + 1
            if word[rest:] == other[rest:] or (
                    rest < size and word[at] == other[rest] and word[rest] == other[at]
                    and word[rest + 1:] == other[rest + 1:]):
                found.append(other)
        elif length == size + 1 or length == size - 1:
            short, long = (word, other) if length > size else (other, word)
            at = 0
            end = len(short)
            while at < end and short[at] == long[at]:
                at += 1
            if short[at:] == long[at + 1:]:
                found.append(other)
    return found


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


def _typo_like(a: str, b: str) -> bool:
    """An insertion, a deletion or a swap of neighbours; not a changed letter, which is
    what usually tells two names apart (Murad, Murat)."""
    if len(a) != len(b):
        return True
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] \
        and a[diffs[1]] == b[diffs[0]]
