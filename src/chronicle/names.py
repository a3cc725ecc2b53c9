"""Name matching: folding, transliteration-variant keys and the ``names:`` alias registry.

Sources spell the same person or place many ways: with or without diacritics, in Cyrillic
or Latin, and in several Latin transliterations (Tašmajdan, Tashmaydan, Ташмајдан). Three
layers bring those spellings together, from strict to loose:

``fold``
    case, compatibility forms, diacritics, special letters and Cyrillic, mapped to plain
    Latin: ``Đorđević`` -> ``djordjevic``, ``Ташмајдан`` -> ``tasmajdan``.
``variant_key``
    collapses the transliteration families on a folded word (sh/s, ch/c, zh/z, kh/h,
    j/y/i, x/ks, doubled letters): ``tashmaydan`` and ``tasmajdan`` -> ``tasmaidan``.
``NameRegistry``
    the aliases a chronicle declares in ``chronicle.yaml``, for spellings no rule can
    bring together (Tashmay Park = Tasmajdan Park).

Both the index and the filters go through these functions, so a query and a document are
always compared after the same chain. This module is pure: no I/O, no third-party imports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache

from chronicle.records import FrozenRecord

#: Bump whenever fold, variant_key or name_key change what they return: stored keys
#: (the catalog's, the search index's) are then rebuilt.
KEY_VERSION = 3
#: Words shorter than this are never matched fuzzily: "Nis" must not find "Nil" and "Nik".
#: Search and the name groups of ``chronicle names`` share the rule.
MIN_FUZZY_LENGTH = 4

__all__ = [
    "KEY_VERSION",
    "NameRegistry",
    "fold",
    "fold_word",
    "letter_table",
    "name_key",
    "split_words",
    "variant_key",
    "word_keys",
    "word_spans",
]

# Letters that Unicode does not decompose into a base letter plus a mark, mapped the way
# names are usually romanised. Deliberate choices:
# - đ is "dj" (Serbian Đorđević = Djordjevic), not "d" as Whoosh's accent_map has it.
# - ə is "a": Azerbaijani names are romanised with "a" (Əliyev = Aliyev, Heydər = Heydar).
_SPECIAL_LETTERS: dict[str, str] = {
    "đ": "dj",
    "ð": "d",
    "ß": "ss",
    "ẞ": "ss",
    "ø": "o",
    "ł": "l",
    "ə": "a",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "ĸ": "k",
    "ŋ": "n",
    "ɨ": "i",
    "ƶ": "z",
    "ɖ": "d",
    "ƀ": "b",
    "ɍ": "r",
    "ʉ": "u",
    "ɵ": "o",
    # Apostrophe-like letters used in transliterations (Mar'yana, Ob"ekt) carry no sound.
    "ʼ": "",
    "ʹ": "",
    "ʺ": "",
}

# Serbian and Russian Cyrillic (plus the other common Slavic letters) in the Latin
# transliteration whose folded form the variant keys expect: ш -> s because š folds to s,
# ч/ћ -> c because č/ć fold to c, so Ташмајдан folds to the same word as Tašmajdan.
_CYRILLIC: dict[str, str] = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "ђ": "dj",
    "е": "e",
    "ё": "e",
    "є": "je",
    "ж": "z",
    "з": "z",
    "ѕ": "dz",
    "и": "i",
    "і": "i",
    "ї": "ji",
    "й": "j",
    "ј": "j",
    "к": "k",
    "л": "l",
    "љ": "lj",
    "м": "m",
    "н": "n",
    "њ": "nj",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "ћ": "c",
    "ќ": "kj",
    "ѓ": "gj",
    "у": "u",
    "ў": "u",
    "ф": "f",
    "х": "h",
    "ц": "c",
    "ч": "c",
    "џ": "dz",
    "ш": "s",
    "щ": "sc",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "ju",
    "я": "ja",
    "ґ": "g",
}

_TRANSLATE = str.maketrans({**_SPECIAL_LETTERS, **_CYRILLIC})


def letter_table() -> dict[str, str]:
    """The letters `fold` maps by hand (special letters and Cyrillic), for code that must
    fold exactly as this module does elsewhere, such as the HTML page's script."""
    return {**_SPECIAL_LETTERS, **_CYRILLIC}

# A word is a run of letters and digits; combining marks belong to the word they follow,
# so a decomposed "Vuc\u030cic\u0301" is still one word.
WORD_RE = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
)
_WORD_RE = WORD_RE
# The same words as WORD_RE once "_" (a \w character that is no letter or digit) is made
# a space: one character class, which the regex engine scans in a tight loop, finds them
# two to three times faster than WORD_RE's alternation.
_WORD_RUN = re.compile(r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def _fold_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_TRANSLATE)
    # NFKD rather than NFD: casefold can produce compatibility characters (Ǆ -> ǆ).
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).translate(_TRANSLATE)


def fold(text: str) -> str:
    """Fold case, compatibility forms, diacritics, special letters and Cyrillic.

    >>> fold("Đorđević, Gökçe, Straße, Ташмајдан")
    'djordjevic, gokce, strasse, tasmajdan'
    """
    if text.isascii():
        return text.lower()
    folded = _fold_once(text)
    # Unicode's case and normalisation mappings are not closed under each other for a
    # few exotic characters; repeating until stable keeps fold idempotent for every input.
    for _ in range(4):
        again = _fold_once(folded)
        if again == folded:
            break
        folded = again
    return folded


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> tuple[str, ...]:
    """The folded words of one word, cached: indexing folds the same words over and over.

    Usually one word; compatibility forms can split it (``¼`` folds to ``1⁄4``, two words).
    """
    folded = fold(word)
    if folded.isalnum():
        return (folded,)
    return tuple(_WORD_RE.findall(folded))


# Transliteration families, applied to a folded word. Multi-letter spellings go first so
# "kh" becomes "h" before "x" is spelled out as "ks".
# "dzh" is the Russian route's j (Azerbaidzhan = Azerbaijan), "ts" its ц (Yeltsin = Ельцин);
# a w after another letter is a u (Rwanda = Ruanda).
_DIGRAPHS = re.compile(r"dzh|kh|zh|sh|ch|ts|x|(?<=.)w")
_DIGRAPH_MAP = {"dzh": "j", "kh": "h", "zh": "z", "sh": "s", "ch": "c", "ts": "c", "x": "ks",
                "w": "u"}
# Doubled letters, not digits: 113 and 13 are two numbers.
_DOUBLED = re.compile(r"([^\W\d_])\1+")


def _variant_once(word: str) -> str:
    word = _DIGRAPHS.sub(lambda m: _DIGRAPH_MAP[m.group(0)], word)
    word = word.replace("j", "i").replace("y", "i")
    return _DOUBLED.sub(r"\1", word)


@lru_cache(maxsize=200_000)
def variant_key(folded_word: str) -> str:
    """Collapse the transliteration families of a folded word.

    Tashmaydan, Tasmajdan and Ташмајдан share a key, so do Pavich and Pavić, Lyaich and
    Ljajić, Vuyovich and Vujović:

    >>> variant_key(fold("Tashmaydan")) == variant_key(fold("Ташмајдан"))
    True
    """
    key = _variant_once(folded_word)
    # Collapsing can form a new digraph ("shh" -> "sh"); repeat until nothing changes.
    while True:
        again = _variant_once(key)
        if again == key:
            return key
        key = again


def split_words(text: str) -> list[str]:
    """The words of ``text`` as the index and the filters see them (unfolded)."""
    return _WORD_RUN.findall(text.replace("_", " ") if "_" in text else text)


def word_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, word)`` for each word of ``text``, for highlighting."""
    for match in _WORD_RE.finditer(text):
        yield match.start(), match.end(), match.group(0)


def name_key(name: str) -> str:
    """The key of a whole name: every word folded and variant-keyed, joined by one space.

    Two names with the same key are the same name for filters: ``name_key("Novi Shad") ==
    name_key("Novi Sad")``.
    """
    return " ".join(word_keys(name))


def word_keys(text: str) -> list[str]:
    """``name_key`` per word of ``text``, for matching one name inside another."""
    return [variant_key(folded) for word in split_words(text) for folded in fold_word(word)]


class NameGroup(FrozenRecord):
    """One person, place or thing and every spelling the chronicle declares for it."""

    __slots__ = ("canonical", "variants")
    canonical: str
    variants: tuple[str, ...]

    def __init__(self, canonical: str, variants: tuple[str, ...]) -> None:
        object.__setattr__(self, "canonical", canonical)
        object.__setattr__(self, "variants", variants)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.canonical, *self.variants)


class NameRegistry:
    """The aliases declared under ``names:`` in ``chronicle.yaml``.

    Lookups go through `name_key`, so ``forms("tashmaydan park")`` finds the group declared
    as ``Tasmajdan Park: [Tashmay Park, Tashmaydan Park]``.
    """

    def __init__(self, groups: Iterable[NameGroup] = ()) -> None:
        self._groups: list[NameGroup] = []
        self._by_key: dict[str, NameGroup] = {}
        self._form_keys: dict[NameGroup, list[list[str]]] = {}
        for group in groups:
            self._add(group)

    def _add(self, group: NameGroup) -> None:
        from chronicle.errors import ConfigError

        keys = [name_key(form) for form in group.forms]
        for form, key in zip(group.forms, keys, strict=True):
            if not key:
                raise ConfigError(f"names: {form!r} under {group.canonical!r} has no letters")
            other = self._by_key.get(key)
            if other is not None and other is not group:
                raise ConfigError(
                    f"names: {form!r} is listed under both {other.canonical!r} and "
                    f"{group.canonical!r}; a spelling can belong to one name only"
                )
            self._by_key[key] = group
        self._groups.append(group)
        self._form_keys[group] = [key.split() for key in keys]

    @classmethod
    def from_config(cls, names: object) -> NameRegistry:
        """Build the registry from the ``names:`` mapping of ``chronicle.yaml``.

        Each key is a canonical name; its value is a list of variant spellings (a single
        string is accepted as a list of one). Raises `ConfigError` for anything else.
        """
        from chronicle.errors import ConfigError

        if names is None:
            return cls()
        if not isinstance(names, Mapping):
            raise ConfigError(
                "names: must be a mapping of a canonical name to a list of variants, "
                f"not {type(names).__name__}"
            )
        groups: list[NameGroup] = []
        for canonical, variants in names.items():
            if not isinstance(canonical, str) or not canonical.strip():
                raise ConfigError(f"names: {canonical!r} is not a name (expected text)")
            if variants is None:
                variants = []
            elif isinstance(variants, str):
                variants = [variants]
            if not isinstance(variants, list | tuple):
                raise ConfigError(
                    f"names: {canonical!r} must list its variants, not "
                    f"{type(variants).__name__}"
                )
            for variant in variants:
                if not isinstance(variant, str) or not variant.strip():
                    raise ConfigError(
                        f"names: variant {variant!r} of {canonical!r} is not a name "
                        "(expected text)"
                    )
            unique = dict.fromkeys(v.strip() for v in variants if v.strip() != canonical)
            groups.append(NameGroup(canonical.strip(), tuple(unique)))
        return cls(groups)

    def __len__(self) -> int:
        return len(self._groups)

    def __iter__(self) -> Iterator[NameGroup]:
        return iter(self._groups)

    def group(self, name: str) -> NameGroup | None:
        """The group ``name`` belongs to, under any of its spellings, or None."""
        return self._by_key.get(name_key(name))

    def group_of_key(self, key: str) -> NameGroup | None:
        """`group` of a name whose `name_key` is ``key`` (for a caller that has it)."""
        return self._by_key.get(key)

    def forms(self, name: str) -> set[str]:
        """Every declared spelling equivalent to ``name``, including ``name`` itself."""
        group = self.group(name)
        return {name} if group is None else {name, *group.forms}

    def keys(self, name: str) -> set[str]:
        """The `name_key` of every spelling equivalent to ``name``."""
        return {name_key(form) for form in self.forms(name)}

    def canonical(self, name: str) -> str:
        """The canonical spelling of ``name``, or ``name`` itself when it has no aliases."""
        group = self.group(name)
        return name if group is None else group.canonical

    def expansions(self, keys: list[str]) -> list[tuple[NameGroup, list[str]]]:
        """The spellings a query should add for the words ``keys`` (variant keys in order).

        A group is involved when ``keys`` run consecutively inside one of its forms
        ("Tasmajdan" inside "Tasmajdan Park"). The spellings returned are the other forms
        that do not contain that run themselves: a document mentioning one of those
        could not match the words alone. Forms already containing the run add nothing,
        which keeps "park" from pulling in every park the chronicle knows.
        """
        if not keys:
            return []
        found: list[tuple[NameGroup, list[str]]] = []
        for group in self._groups:
            form_keys = self._form_keys[group]
            if not any(_contains_run(fk, keys) for fk in form_keys):
                continue
            extra = [
                form
                for form, fk in zip(group.forms, form_keys, strict=True)
                if not _contains_run(fk, keys)
            ]
            if extra:
                found.append((group, extra))
        return found


def _contains_run(haystack: list[str], run: list[str]) -> bool:
    n = len(run)
    return any(haystack[i : i + n] == run for i in range(len(haystack) - n + 1))
