from __future__ import annotations

import pytest

from chronicle.model import DICT_KEYS, Entry, Source, entry_from_mapping


def build(data: object, **kwargs: object) -> tuple[Entry | None, list[str]]:
    entry, problems = entry_from_mapping(data, id="x", path="entries/x.yaml", **kwargs)  # type: ignore[arg-type]
    return entry, [str(problem) for problem in problems]


def test_a_full_entry_validates_and_round_trips_through_to_dict() -> None:
    entry, problems = build(
        {
            "title": "  Visit  ",
            "date": "2014-04-17",
            "end": "2014-04-18",
            "summary": "One line.",
            "body": "Text.",
            "people": ["Zakir Hasanov", "Zakir Hasanov", "Nebojša Rodić"],
            "places": ["Belgrade"],
            "tags": ["visit"],
            "sources": ["https://example.org/a", "Embassy", {"title": "T", "date": "2014-04-18"}],
            "confidence": "high",
        },
        declared=frozenset({"confidence"}),
    )
    assert problems == []
    assert entry is not None
    assert entry.title == "Visit"
    assert entry.people == ("Zakir Hasanov", "Nebojša Rodić")
    assert entry.sources == (
        Source(url="https://example.org/a"),
        Source(title="Embassy"),
        Source(title="T", date="2014-04-18"),
    )
    data = entry.to_dict()
    assert list(data)[: len(DICT_KEYS)] == list(DICT_KEYS)
    assert data["confidence"] == "high"
    assert data["precision"] == "day"
    assert Entry.from_dict(data) == entry


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2014"}, "'title' is missing"),
        ({"title": "", "date": "2014"}, "'title' is empty"),
        ({"title": "x"}, "'date' is missing"),
        ({"title": "x", "date": "2014-02-30"}, "day 30 does not exist"),
        ({"title": "x", "date": "2014-05", "end": "2014-04"}, "end 2014-04 is before date 2014-05"),
        ({"title": ["x"], "date": "2014"}, "'title' must be text, got a list"),
        ({"title": "x", "date": "2014", "people": "A, B"}, "'people' must be a list"),
        ({"title": "x", "date": "2014", "tags": [{"a": 1}]}, "each of 'tags' must be text"),
        ({"title": "x", "date": "2014", "sources": [{"link": "u"}]}, "unknown keys ['link']"),
        ({"title": "x", "date": "2014", "id": "other"}, "'id' is worked out by chronicle"),
        (["title", "x"], "expected a mapping"),
        (None, "the file is empty"),
    ],
)
def test_invalid_entries_say_what_is_wrong(data: object, message: str) -> None:
    entry, problems = build(data)
    assert entry is None
    assert any(message in problem for problem in problems), problems


def test_every_problem_is_reported_not_just_the_first() -> None:
    entry, problems = build({"date": "2014-13", "tags": "x"})
    assert entry is None
    assert len(problems) == 3


def test_problems_carry_the_line_of_their_key() -> None:
    entry, problems = build({"title": "x", "date": "nope"}, lines={"title": 1, "date": 2})
    assert problems == [
        "entries/x.yaml:2: date: 'nope' is not a date; use 2014, 2014-04, "
        "2014-04-17 or 2014-04-17T12:03"
    ]


def test_unknown_keys_are_kept_with_a_warning_suggesting_the_known_one() -> None:
    entry, problems = build({"title": "x", "date": "2014", "peple": ["A"]})
    assert entry is not None
    assert entry.extra == {"peple": ["A"]}
    assert problems and "warning: unknown field 'peple' (did you mean 'people'?)" in problems[0]


def test_same_day_end_and_coarser_end_are_accepted() -> None:
    assert build({"title": "x", "date": "2014-04-17", "end": "2014-04-17"})[0] is not None
    assert build({"title": "x", "date": "2014-04-17", "end": "2014-04"})[0] is not None


def test_sort_key_puts_coarser_dates_first_within_the_same_start() -> None:
    def make(entry_id: str, date: str) -> Entry:
        entry, _ = entry_from_mapping({"title": entry_id, "date": date}, id=entry_id, path="")
        assert entry is not None
        return entry

    entries = [
        make("d", "2014-01-01T09:00"),
        make("c", "2014-01-01"),
        make("b", "2014-01"),
        make("a", "2014"),
        make("e", "2013-12-31"),
        make("z", "-0043"),
    ]
    assert [e.id for e in sorted(entries, key=lambda e: e.sort_key)] == [
        "z",
        "e",
        "a",
        "b",
        "c",
        "d",
    ]


def test_to_yaml_mapping_keeps_documented_order_and_drops_empty_fields() -> None:
    entry, _ = build({"tags": ["t"], "date": 2014, "title": "x", "extra": 1})
    assert entry is not None
    assert list(entry.to_yaml_mapping()) == ["title", "date", "tags", "extra"]


def test_uid_is_kept_without_a_warning() -> None:
    entry, problems = build({"title": "x", "date": "2014", "uid": "event-17"})
    assert problems == []
    assert entry is not None and entry.to_dict()["uid"] == "event-17"
