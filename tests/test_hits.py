"""What a hit shows, for bodies of any size: the snippet window and the matched forms."""

from __future__ import annotations

import random

import pytest

from chronicle.index.analysis import TEXT, word_terms
from chronicle.index.hits import MAX_FORMS, SNIPPET_WIDTH, _densest_window, _runs, _snippet


def densest_by_counting(spans: list[tuple[int, int]]) -> int:
    """The definition, counted window by window (quadratic: small inputs only)."""
    best_begin, best_count = 0, -1
    for start, _ in spans:
        begin = max(0, start - 40)
        count = sum(1 for s, e in spans if s >= begin and e <= begin + SNIPPET_WIDTH)
        if count > best_count:
            best_begin, best_count = begin, count
    return best_begin


@pytest.mark.parametrize("seed", range(40))
def test_the_window_is_the_one_with_the_most_matches(seed: int) -> None:
    rng = random.Random(seed)
    spans, at = [], 0
    for _ in range(rng.randint(1, 60)):
        at += rng.randint(1, 120)
        length = rng.randint(1, 15)
        spans.append((at, at + length))
        at += length
    assert _densest_window(spans) == densest_by_counting(spans)


def test_a_body_with_a_hundred_thousand_matches_gets_its_snippet(deadline: None) -> None:
    body = "lorem ipsum dolor sit amet needle " * 100_000
    terms = {term for group in word_terms("needle", TEXT) for term in group}
    field, segments = _snippet("", body, {"body": terms})
    assert field == "body"
    shown = "".join(piece for piece, _ in segments)
    assert len(shown) <= SNIPPET_WIDTH + 4
    assert [piece for piece, matched in segments if matched][:2] == ["needle", "needle"]


def test_a_search_hit_on_a_huge_body_answers(cli, chronicle_root, deadline: None) -> None:  # type: ignore[no-untyped-def]
    distinct = " ".join(f"needle{n} needle" for n in range(3 * MAX_FORMS))
    body = "lorem ipsum needle dolor " * 60_000 + distinct
    (chronicle_root / "entries" / "big.yaml").write_text(
        f'title: A long record\ndate: "2014-01-02"\nbody: |\n  {body}\n', encoding="utf-8"
    )
    result = cli("search", "needle", "--format", "ids")
    assert result.exit_code == 0, result.output
    assert "big" in result.stdout.split()
    result = cli("search", "needle", "--format", "json")
    assert result.exit_code == 0, result.output


def test_a_match_deep_in_a_long_body_is_the_snippet() -> None:
    terms = {term for group in word_terms("needle", TEXT) for term in group}
    body = "lorem ipsum dolor " * 20_000 + "the needle at last " + "sit amet " * 1_000
    field, segments = _snippet("", body, {"body": terms})
    assert field == "body"
    assert [piece for piece, matched in segments if matched] == ["needle"]


# -- each prose field read once: runs from the flattened text are the text's own ---------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WORDS = ["Commission", "commission", "commissions", "the", "of", "Tašmajdan", "Tasmajdan",
          "park", "Park", "e\u0301te", "2014", "x_y", "Đorđević", "a", "don't", "state-run"]
_GAPS = [" ", "  ", "\n", "\t", "\u2028", "\x1f", "\xa0", " \n ", ", ", ". ", " - ", "; ",
         "\u2019", "—", "(", ") "]


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(_WORDS), max_size=30),
       gaps=st.lists(st.sampled_from(_GAPS), min_size=31, max_size=31),
       chosen=st.sets(st.sampled_from(_WORDS), min_size=1, max_size=4))
def test_matched_runs_do_not_depend_on_white_space(
        words: list[str], gaps: list[str], chosen: set[str]) -> None:
    from chronicle.index.analysis import iter_marked_words
    from chronicle.index.hits import _marked_runs, _runs

    text = gaps[0] + "".join(word + gap for word, gap in zip(words, gaps[1:], strict=False))
    terms = {term for word in chosen for group in word_terms(word, TEXT) for term in group}
    flat = " ".join(text.split())
    expected = _runs(text, terms)
    assert _runs(flat, terms) == expected
    assert _marked_runs(flat, list(iter_marked_words(flat, TEXT, terms))) == expected
    marks = list(iter_marked_words(flat, TEXT, terms))
    assert _snippet(text, text, {"summary": terms, "body": terms}) == _snippet(
        text, text, {"summary": terms, "body": terms},
        {"summary": (flat, marks), "body": (flat, marks)})


def test_a_hit_in_text_with_irregular_white_space(cli, chronicle_root) -> None:  # type: ignore[no-untyped-def]
    """Matched forms and the snippet's marks from the one reading of each field are those
    of reading the text as written and, for the snippet, flattened."""
    from chronicle.api import Chronicle

    body = ("    Indented  opening   words.\n\n\tThe   Tašmajdan\n   Park  stood   here;  "
            "Tasmajdan  park\t\tagain,  and   the  park  once   more.  " * 3)
    summary = "  A  summary   naming\tthe    Tašmajdan   Park.  "
    (chronicle_root / "entries" / "spaced.yaml").write_text(
        "title: \"  Tašmajdan   Park  at   last  \"\ndate: \"2014-01-02\"\n"
        f"summary: {summary!r}\nbody: {body!r}\n".replace("'", '"'), encoding="utf-8")
    with Chronicle.open(chronicle_root) as book:
        hit = next(h for h in book.search("Tasmajdan park").hits if h.entry.id == "spaced")
    terms = {term for word in ("Tasmajdan", "Tašmajdan", "park")
             for group in word_terms(word, TEXT) for term in group}
    by_field = {"summary": terms, "body": terms}
    assert _runs(hit.entry.body, terms)
    assert "Tašmajdan Park" in hit.matched_forms
    assert hit.snippet == _snippet(hit.entry.summary, hit.entry.body, by_field)[1]
    marked = [piece for piece, matched in hit.snippet if matched]
    assert marked and {piece.casefold() for piece in marked} <= {"tašmajdan", "tasmajdan", "park"}
