"""The matcher: which words a typed word finds, why, and which it must leave alone."""

from __future__ import annotations

import pytest

from chronicle.matching import MemoryLexicon, Reason, analyze, expand, same_word


def found(word: str, counts: dict[str, int]) -> dict[str, Reason]:
    return {m.word: m.reason for m in expand(analyze(word), MemoryLexicon(counts))}


@pytest.mark.parametrize(
    ("typed", "written", "reason"),
    [
        ("Heydar", "Haydar", Reason.VOWEL),
        ("Haydar", "Heydar", Reason.VOWEL),
        ("Muhammad", "Mohammed", Reason.VOWEL),
        ("Muhammad", "Muhammed", Reason.VOWEL),
        ("Mahmoud", "Mahmud", Reason.VOWEL),
        ("Khrushchov", "Khrushchev", Reason.VOWEL),
        ("Xocalı", "Khojaly", Reason.TURKIC),
        ("Hacıbəyli", "Hajibeyli", Reason.TURKIC),
        ("Bakı", "Baku", Reason.TURKIC),
        ("Azərbaycan", "Azerbaijan", Reason.TURKIC),
        ("Gasan", "Hasan", Reason.RUSSIAN),
        ("Gasanov", "Hasanov", Reason.RUSSIAN),
        ("Geidar", "Heydar", Reason.RUSSIAN),
        ("Gadzhiyev", "Hajiyev", Reason.RUSSIAN),
        ("Azerbaidzhan", "Azerbaijan", Reason.SPELLING),
        ("Ельцин", "Yeltsin", Reason.VOWEL),
        ("Aleksandar", "Alexander", Reason.VOWEL),
        ("Alexander", "Aleksander", Reason.SPELLING),
        ("Pyotr", "Peter", Reason.GIVEN_NAME),
        ("Friedrich", "Frederick", Reason.GIVEN_NAME),
        ("Serbia", "Serbian", Reason.DERIVED),
        ("Azerbaijan", "Azerbaijani", Reason.DERIVED),
        ("Babylon", "Babylonian", Reason.DERIVED),
        ("Romny", "Romney", Reason.NEAR),
        ("Einstien", "Einstein", Reason.NEAR),
        ("Tasmajdn", "Tasmajdan", Reason.NEAR),
    ],
)
def test_a_word_finds_its_other_spellings(typed: str, written: str, reason: Reason) -> None:
    from chronicle.names import fold

    assert found(typed, {written: 3}).get(fold(written)) is reason


def test_a_rare_misspelling_in_the_data_is_found_beside_the_usual_spelling() -> None:
    counts = {"Extraordinary": 100, "Extrarodinary": 1, "Stoltzfus": 3, "Soltzfus": 1}
    assert found("Extraordinary", counts) == {"extrarodinary": Reason.NEAR}
    assert found("Stoltzfus", counts) == {"soltzfus": Reason.NEAR}


@pytest.mark.parametrize(
    ("typed", "counts"),
    [
        # Two well-attested names one consonant apart are two names.
        ("Vujović", {"Vujović": 5, "Vuković": 4}),
        ("Vukovic", {"Vujović": 5, "Vuković": 4}),
        ("Prussia", {"Prussia": 40, "Russia": 70}),
        ("Russia", {"Prussia": 40, "Russia": 70}),
        # A changed letter tells names apart even when one of them is rare.
        ("Murad", {"Murad": 1, "Murat": 1}),
        ("Romney", {"Romney": 10, "Rodney": 3}),
        # Common words do not pull in their neighbours.
        ("party", {"party": 10, "parts": 2, "part": 40}),
        # Vowels romanisations do not trade.
        ("Lenin", {"Lenin": 2, "Lennon": 1}),
        ("Austria", {"Austria": 20, "Austro": 5, "Australia": 10}),
        ("Hussein", {"Hussein": 2, "Hessen": 1}),
    ],
)
def test_distinct_words_stay_apart(typed: str, counts: dict[str, int]) -> None:
    from chronicle.names import fold

    others = {fold(word) for word in counts} - {fold(typed)}
    assert not others & set(found(typed, counts))


def test_digits_are_not_letters() -> None:
    from chronicle.names import name_key

    assert name_key("zq113") != name_key("zq13")
    assert found("zq113", {"zq13": 3, "zq1133": 1}) == {}
    assert found("zq13", {"zq113": 3}) == {}


def test_a_typo_finds_the_nearest_words_only() -> None:
    counts = {"Romney": 10, "Rodney": 3}
    assert found("Romny", counts) == {"romney": Reason.NEAR}


def test_short_words_are_never_respelled() -> None:
    assert found("Nis", {"Nil": 3, "Nik": 2}) == {}


def test_same_word_explains_two_spellings() -> None:
    assert same_word("Heydar", "Haydar") is Reason.VOWEL
    assert same_word("Đorđević", "Djordjevic") is Reason.FOLDED
    assert same_word("Vujović", "Vuković") is None


# -- one edit without rapidfuzz ------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_LETTERS = st.text("abcdeéı", max_size=9)


@st.composite
def _word_and_pool(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A word, and a pool of other words and of the word with one or two edits."""
    word = draw(_LETTERS)
    pool = draw(st.lists(_LETTERS, max_size=12))
    for _ in range(draw(st.integers(0, 12))):
        letters = list(word)
        for _ in range(draw(st.integers(1, 2))):
            at = draw(st.integers(0, len(letters)))
            edit = draw(st.sampled_from(["insert", "delete", "change", "swap"]))
            if edit == "insert":
                letters.insert(at, draw(st.sampled_from("abcdeéı")))
            elif edit == "delete" and at < len(letters):
                del letters[at]
            elif edit == "change" and at < len(letters):
                letters[at] = draw(st.sampled_from("abcdeéı"))
            elif edit == "swap" and at + 1 < len(letters):
                letters[at], letters[at + 1] = letters[at + 1], letters[at]
        pool.append("".join(letters))
    return word, draw(st.permutations(pool))


@settings(max_examples=400, deadline=None)
@given(_word_and_pool())
def test_one_edit_finds_what_rapidfuzz_finds_within_one(case: tuple[str, list[str]]) -> None:
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    from chronicle.matching.near import one_edit

    word, pool = case
    expected = [other for other, _, _ in process.extract(
        word, pool, scorer=OSA.distance, score_cutoff=1, limit=None) if other != word]
    assert one_edit(word, pool) == expected
