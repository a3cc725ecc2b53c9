"""Reading search queries: the tree, dates, and the fallback for what cannot be read."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.dates import Instant
from chronicle.index.querylang import (
    MAX_WORDS,
    DateTerm,
    QuerySyntaxError,
    Words,
    parse,
    parse_or_fallback,
)


@pytest.mark.parametrize(
    ("query", "described"),
    [
        ("Tasmajdan park", "(Tasmajdan AND park)"),
        ('"Heydar Aliyev" OR person:Vucic', '("Heydar Aliyev" OR people:Vucic)'),
        ("(Vucic OR Nikolic) NOT election", "((Vucic OR Nikolic) AND NOT election)"),
        ("a OR b c", "(a OR (b AND c))"),
        ("-foo bar", "(NOT foo AND bar)"),
        ("-person:Vucic", "NOT people:Vucic"),
        ('-"a b" c', '(NOT "a b" AND c)'),
        ("title:(a OR b)", "(title:a OR title:b)"),
        ('tag:"civil war"', 'tags:"civil war"'),
        ("place: Belgrade", "places:Belgrade"),
        ("Azerbaijan-Serbia", '"Azerbaijan Serbia"'),
        ("Tasm*", "Tasm*"),
        ("a AND b", "(a AND b)"),
        ("unknown:field", '"unknown field"'),
    ],
)
def test_queries_read_as_written(query: str, described: str) -> None:
    parsed = parse(query)
    assert parsed.root is not None
    assert parsed.root.describe() == described


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("date:2014", Instant(2014), Instant(2014, 12, 31, 23, 59, 59)),
        ("date:2014-04", Instant(2014, 4), Instant(2014, 4, 30, 23, 59, 59)),
        ("date:[2014-01 to 2014-03]", Instant(2014), Instant(2014, 3, 31, 23, 59, 59)),
        ("date:[2014-01 TO 2014-03-05]", Instant(2014), Instant(2014, 3, 5, 23, 59, 59)),
        ("date:{2013 to 2014}", Instant(2013), Instant(2014, 12, 31, 23, 59, 59)),
        ("date:-0043-03-15", Instant(-43, 3, 15), Instant(-43, 3, 15, 23, 59, 59)),
        ("date: 2014", Instant(2014), Instant(2014, 12, 31, 23, 59, 59)),
    ],
)
def test_dates_become_spans(query: str, start: Instant, end: Instant) -> None:
    root = parse(query).root
    assert isinstance(root, DateTerm)
    assert (root.span.start, root.span.end) == (start, end)


def test_open_date_ranges() -> None:
    after = parse("date:[2014 to *]").root
    before = parse("date:[to 2014]").root
    assert isinstance(after, DateTerm) and isinstance(before, DateTerm)
    assert after.span.start == Instant(2014) and after.span.end.year > 10**9
    assert before.span.end == Instant(2014, 12, 31, 23, 59, 59) and before.span.start.year < 0


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ('"open', "quote"),
        ("(a", "'(' is not closed"),
        ("a)", "no matching"),
        ("OR a", "OR"),
        ("a OR", "OR"),
        ("a AND", "AND"),
        ("NOT", "NOT"),
        ("date:banana", "date:banana"),
        ("date:2014-13", "month 13"),
        ("date:[2014 to", "not closed"),
        ("title:", "needs a word"),
        ("(" * 100 + "a" + ")" * 100, "nested"),
    ],
)
def test_unreadable_queries_say_why(query: str, reason: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert reason in caught.value.message


def test_fallback_searches_the_words_and_says_so() -> None:
    parsed = parse_or_fallback('"Heydar Aliyev OR (')
    assert parsed.fallback
    assert parsed.root is not None and parsed.root.describe() == "(Heydar AND Aliyev)"
    assert "Could not read the query" in parsed.notes[0]


def test_long_queries_are_cut_with_a_note() -> None:
    parsed = parse(" ".join(f"w{i}" for i in range(MAX_WORDS + 10)))
    assert len(parsed.words()) == MAX_WORDS
    assert "first" in parsed.notes[0]


def test_negated_words_are_not_highlight_words() -> None:
    parsed = parse("Vucic NOT Nikolic -Dacic")
    assert [w.words for w in parsed.words()] == [("Vucic",)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list('ab "()-:*[]') + ["OR", "NOT", "AND", " date:", "title:",
                                                      " to ", "2014"]), max_size=30))
def test_any_text_parses_or_falls_back(pieces: list[str]) -> None:
    parsed = parse_or_fallback("".join(pieces))
    for node in parsed.words():
        assert isinstance(node, Words) and node.words
