"""What a hit shows, for bodies of any size: the snippet window and the matched forms."""

from __future__ import annotations

import random

import pytest

from chronicle.index.analysis import TEXT, word_terms
from chronicle.index.hits import MAX_FORMS, SNIPPET_WIDTH, _densest_window, _snippet


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
