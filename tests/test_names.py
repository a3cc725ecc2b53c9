"""Folding, variant keys and the alias registry."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.errors import ConfigError
from chronicle.names import (
    WORD_RE,
    NameRegistry,
    fold,
    name_key,
    split_words,
    variant_key,
    word_keys,
)

# Text with the letters the folding cares about, mixed with anything Unicode has.
NAME_ALPHABET = "aAbcčćČĆdđĐeəƏgğhijJklłŁmnoøØsšŠßtuüvyzžŽжшчћђљњџјйщыюяЖШЧЋЂЉЊЏ -'"
texts = st.one_of(st.text(), st.text(alphabet=NAME_ALPHABET, max_size=30))


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Vučić", "vucic"),
        ("Nikolić", "nikolic"),
        ("Đorđević", "djordjevic"),
        ("ĐORĐEVIĆ", "djordjevic"),
        ("Gökçe", "gokce"),
        ("Straße", "strasse"),
        ("Søren Ørsted", "soren orsted"),
        ("Łódź", "lodz"),
        ("Heydər Əliyev", "heydar aliyev"),
        ("Æsir Œuvre Þór", "aesir oeuvre thor"),
        ("Istanbul İzmir Iğdır", "istanbul izmir igdir"),
        ("Ташмајдан", "tasmajdan"),
        ("Љубљана Њујорк Џамија Ђурђевак Ћуприја", "ljubljana njujork dzamija djurdjevak cuprija"),
        ("Хрущёв Щукин Юрий Ярослав Крым", "hruscev scukin jurij jaroslav krym"),
        ("ﬁnal Ⅻ", "final xii"),
    ],
)
def test_fold_maps_letters_deliberately(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_keeps_other_scripts_and_punctuation() -> None:
    assert fold("Αθήνα, 東京!") == "αθηνα, 東京!"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tashmaydan", "Tasmajdan"),
        ("Tashmaydan", "Ташмајдан"),
        ("Tašmajdan", "Tasmajdan"),
        ("Pavich", "Pavić"),
        ("Novi Shad", "Novi Sad"),
        ("Lyaich", "Ljajić"),
        ("Vuyovich", "Vujović"),
        ("Djordjevic", "Đorđević"),
        ("Zhukov", "Žukov"),
        ("Khrushchev", "Хрущёв"),
        ("Aleksandar", "Alexandar"),
        ("Aliyev", "Əliyev"),
        ("Dmitriy", "Dmitri"),
        ("Hasanov", "Hassanov"),
    ],
)
def test_transliteration_variants_share_a_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Heydar Aliyev", "Ilham Aliyev"), ("Pavic", "Pavlovic"), ("Sad", "Sada"), ("Rodic", "Rodin")],
)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_name_key_joins_words_with_one_space() -> None:
    assert name_key("  Novi   Shad, Serbia ") == "novi sad serbia"
    assert split_words("Sh.Mustafayev's") == ["Sh", "Mustafayev", "s"]


def test_a_decomposed_accent_stays_inside_its_word() -> None:
    assert split_words("Vuc\u030cic\u0301 met") == ["Vuc\u030cic\u0301", "met"]
    assert name_key("Vuc\u030cic\u0301") == name_key("Vučić")


def test_split_words_keeps_every_character_as_the_word_pattern_does() -> None:
    # split_words finds words with a faster pattern than WORD_RE: the two must agree on
    # every character Unicode has: between two letters, each is part of one word or
    # splits it in two.
    text = " ".join(f"a{chr(code)}b" for code in range(0x110000))
    assert split_words(text) == WORD_RE.findall(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts, st.text(alphabet="a_\u0301 .-", max_size=20)))
def test_split_words_finds_the_words_of_the_word_pattern(text: str) -> None:
    assert split_words(text) == WORD_RE.findall(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_variant_key_is_stable(text: str) -> None:
    for word in split_words(fold(text)):
        key = variant_key(word)
        assert variant_key(key) == key
        assert variant_key(fold(key)) == key


@settings(max_examples=200, deadline=None)
@given(texts)
def test_name_key_ignores_case_and_is_idempotent(text: str) -> None:
    key = name_key(text)
    assert name_key(key) == key
    assert name_key(text.upper()) == name_key(text.lower()) or not text.isascii()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=NAME_ALPHABET, min_size=1, max_size=20))
def test_query_and_document_meet_after_the_same_chain(text: str) -> None:
    # A query typed in capitals, or already folded, finds the same document words.
    document = word_keys(text)
    query_upper = word_keys(text.upper())
    query_folded = word_keys(fold(text))
    assert query_folded == document
    assert query_upper == document


SAMPLE_NAMES = {
    "Tasmajdan Park": ["Tashmay Park", "Tashmaydan Park"],
    "Heydar Aliyev": ["Haydar Aliyev"],
}


def test_registry_forms_keys_and_canonical() -> None:
    registry = NameRegistry.from_config(SAMPLE_NAMES)
    assert len(registry) == 2
    assert registry.forms("tashmay park") == {
        "tashmay park",
        "Tasmajdan Park",
        "Tashmay Park",
        "Tashmaydan Park",
    }
    assert registry.canonical("TAŠMAJDAN park") == "Tasmajdan Park"
    assert registry.canonical("Novi Sad") == "Novi Sad"
    assert registry.forms("Novi Sad") == {"Novi Sad"}
    assert registry.keys("Haydar Aliyev") == {"heidar aliev", "haidar aliev"}


def test_registry_accepts_tuples_single_strings_and_none() -> None:
    registry = NameRegistry.from_config({"A B": ("C D",), "E F": "G H", "I J": None})
    assert registry.canonical("g h") == "E F"
    assert registry.forms("I J") == {"I J"}
    assert len(NameRegistry.from_config(None)) == 0


def test_expansions_add_only_forms_the_words_cannot_find() -> None:
    registry = NameRegistry.from_config(SAMPLE_NAMES)
    [(group, extra)] = registry.expansions([name_key("Tasmajdan")])
    assert group.canonical == "Tasmajdan Park"
    # Tashmaydan Park already contains the word (same variant key); Tashmay Park does not.
    assert extra == ["Tashmay Park"]
    assert registry.expansions([name_key("park")]) == []
    assert registry.expansions([name_key("Aliyev")]) == []
    [(group, extra)] = registry.expansions(name_key("Heydar").split())
    assert extra == ["Haydar Aliyev"]


@pytest.mark.parametrize(
    "names",
    [
        ["Tasmajdan Park"],
        "Tasmajdan Park",
        {"Tasmajdan Park": 3},
        {"Tasmajdan Park": [["nested"]]},
        {"Tasmajdan Park": [""]},
        {"": ["x"]},
        {"A": ["Same"], "B": ["same"]},
        {"!!!": ["x"]},
    ],
)
def test_bad_names_config_raises_config_error(names: object) -> None:
    with pytest.raises(ConfigError):
        NameRegistry.from_config(names)
