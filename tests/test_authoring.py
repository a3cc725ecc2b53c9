"""Authoring in the core: written dates, building entries, file names, drafts, name warnings."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle import authoring, catalog, drafts
from chronicle.config import Location, find_chronicle
from chronicle.dates import MONTH_ABBR, PartialDate
from chronicle.errors import DateError, UsageError
from chronicle.model import Problem
from chronicle.store import load_file
from chronicle.written_dates import parse_written, parse_written_range

MONTHS = ("January February March April May June July August September October November "
          "December").split()


@pytest.fixture
def chronicle(chronicle_root: Path) -> Location:
    return find_chronicle(chronicle_root)


# -- written dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("17 April 2014", "2014-04-17", None),
        ("April 17, 2014", "2014-04-17", None),
        ("Thursday, 17th of April 2014", "2014-04-17", None),
        ("Apr. 17 2014", "2014-04-17", None),
        ("April 17-18, 2014", "2014-04-17", "2014-04-18"),
        ("17\u201318 April 2014", "2014-04-17", "2014-04-18"),
        ("April 17 - May 2, 2014", "2014-04-17", "2014-05-02"),
        ("30 December 2013 to 2 January 2014", "2013-12-30", "2014-01-02"),
        ("March 2014", "2014-03", None),
        ("March - May 2014", "2014-03", "2014-05"),
        ("5 March 2014 12:03", "2014-03-05T12:03", None),
        ("March 5th 2014 at 3:05 pm", "2014-03-05T15:05", None),
        ("5 March 2014 12:03-14:00", "2014-03-05T12:03", "2014-03-05T14:00"),
        ("15 March 44 BC", "-0043-03-15", None),
        ("44 B.C.", "-0043", None),
        ("44-30 BC", "-0043", "-0029"),
        ("100 BC - AD 50", "-0099", "0050"),
        ("2013 to 2014", "2013", "2014"),
        ("2014-04-17", "2014-04-17", None),
        ("-0043-03-15", "-0043-03-15", None),
        ("2014/04/17", "2014-04-17", None),
        ("2014-04-17/2014-04-18", "2014-04-17", "2014-04-18"),
        ("2014-04-17 to 2014-04-18", "2014-04-17", "2014-04-18"),
        ("17 April 2014 - 17 April 2014", "2014-04-17", None),
    ],
)
def test_written_dates(text: str, start: str, end: str | None) -> None:
    got_start, got_end = parse_written_range(text)
    assert got_start.isoformat() == start
    assert (got_end.isoformat() if got_end else None) == end


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ("03/05/2014", "ambiguous", "2014-05-03 (3 May 2014) or 2014-03-05 (5 Mar 2014)"),
        ("17.04.2014", "ambiguous", "2014-04-17"),
        ("03-05-14", "year is not written in full", "17 April 2014"),
        ("17 Apirl 2014", "did you mean 'april'", "17 April 2014"),
        ("April 17", "a year is needed", None),
        ("17 April 14", "two-digit year", None),
        ("Friday 17 April 2014", "was a Thursday, not a Friday", None),
        ("31 April 2014", "day 31 does not exist", None),
        ("18-17 April 2014", "before the start", None),
        ("0 BC", "no year 0", None),
        ("1 - 2 - 3 May 2014", "more than one range", None),
        ("soon", "'soon' is not a month", None),
        ("", "no date given", None),
    ],
)
def test_unreadable_written_dates_say_why(text: str, message: str, hint: str | None) -> None:
    with pytest.raises(DateError) as caught:
        parse_written_range(text)
    assert message in caught.value.message
    if hint:
        assert hint in (caught.value.hint or "")


def test_a_single_date_refuses_a_range() -> None:
    assert parse_written("17 April 2014") == PartialDate(2014, 4, 17)
    with pytest.raises(DateError, match="is a range"):
        parse_written("17-18 April 2014")


@settings(max_examples=80, deadline=None)
@given(st.dates(min_value=__import__("datetime").date(100, 1, 1)), st.booleans(), st.booleans())
def test_written_dates_round_trip(day: object, american: bool, short: bool) -> None:
    import datetime as dt

    assert isinstance(day, dt.date)
    month = MONTH_ABBR[day.month - 1] if short else MONTHS[day.month - 1]
    text = f"{month} {day.day}, {day.year}" if american else f"{day.day} {month} {day.year}"
    assert parse_written(text) == PartialDate(day.year, day.month, day.day)
    # Whatever the ISO parser reads, the written parser reads the same way.
    iso = PartialDate(day.year, day.month, day.day).isoformat()
    assert parse_written(iso) == PartialDate.parse(iso)


# -- building an entry -------------------------------------------------------------------------


def test_build_entry_reads_written_dates_and_ranges(chronicle: Location) -> None:
    entry = authoring.build_entry(
        chronicle, title="  Visit  ", date="April 17-18, 2014", people=["A", " ", "A"],
        sources=["https://example.org/x", "Embassy news"], body="Line.\r\n\r\nTwo.",
    )
    assert entry.title == "Visit"
    assert (entry.date.isoformat(), entry.end and entry.end.isoformat()) == (
        "2014-04-17", "2014-04-18",
    )
    assert entry.people == ("A",)
    assert entry.sources[0].url == "https://example.org/x"
    assert entry.sources[1].title == "Embassy news"
    assert entry.body == "Line.\n\nTwo.\n"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "", "date": "2014"}, "'title'"),
        ({"title": "a\x00b", "date": "2014"}, "control character"),
        ({"title": "two\nlines", "date": "2014"}, "line break"),
        ({"title": "x", "date": "2014", "people": ["A\x1b[31m"]}, "a person holds"),
        ({"title": "x", "date": "17 April 2014", "end": "16 April 2014"}, "end 16 Apr 2014 is before date"),
        ({"title": "x", "date": "17-18 April 2014", "end": "2014-05"}, "already a range"),
        ({"title": "x", "date": "03/05/2014"}, "date '03/05/2014': ambiguous"),
    ],
)
def test_build_entry_refuses_bad_fields(
    chronicle: Location, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        authoring.build_entry(chronicle, **fields)  # type: ignore[arg-type]
    assert message in caught.value.message


# -- file names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Tashmay Park reopens!", "tashmay-park-reopens"),
        ("Ташмајдан: парк", "tasmajdan-park"),
        ("Đorđević meets Gökçe in Straße", "djordjevic-meets-gokce-in-strasse"),
        ("../../etc/passwd", "etc-passwd"),
        ("CON", "con-entry"),
        ("lpt1.txt", "lpt1-txt"),
        ("a\x00b", "a-b"),
        ("???", "entry"),
        ("日本語", "entry"),
        ("Egyptian–Ottoman War", "egyptian-ottoman-war"),
        ("Egyptian—Ottoman‐War‑of‒1831―33", "egyptian-ottoman-war-of-1831-33"),
        ("Russo−Turkish ⸺ war ⸻ ends ﹘ here － now", "russo-turkish-war-ends-here-now"),
        ("Tōkyō–Ōsaka 東京 line", "tokyo-osaka-line"),
        ("Œuvre Æsir ﬁnal", "oeuvre-aesir-final"),
    ],
)
def test_slugs_are_ascii_and_safe(title: str, slug: str) -> None:
    assert authoring.slugify(title) == slug


def test_long_titles_are_cut_at_a_word() -> None:
    slug = authoring.slugify("word " * 2000)
    assert len(slug) <= authoring.SLUG_MAX and slug.endswith("word")
    assert len(authoring.slugify("x" * 10_000)) == authoring.SLUG_MAX


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_title_gives_a_safe_slug(title: str) -> None:
    slug = authoring.slugify(title)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert len(slug) <= authoring.SLUG_MAX
    assert slug.split(".")[0].upper() not in authoring.RESERVED_NAMES


def test_bce_file_names_do_not_start_with_a_dash() -> None:
    assert authoring.date_part(PartialDate(-43, 3, 15)) == "44-bce-03-15"
    assert authoring.date_part(PartialDate(2014, 4, 17, 12, 3)) == "2014-04-17"
    assert authoring.date_part(PartialDate(12000)) == "+12000"


def new_entry(chronicle: Location, title: str = "Park reopens", date: str = "17 April 2014"):  # noqa: ANN201
    return authoring.build_entry(chronicle, title=title, date=date, places=["Tasmajdan Park"])


def test_write_new_entry_writes_clean_yaml_and_never_overwrites(chronicle: Location) -> None:
    entry = new_entry(chronicle, title="Ташмајдан park reopens")
    first = authoring.write_new_entry(chronicle, entry)
    assert first == chronicle.entries_dir / "2014" / "2014-04-17-tasmajdan-park-reopens.yaml"
    text = first.read_text(encoding="utf-8")
    assert text.startswith('title: Ташмајдан park reopens\ndate: "2014-04-17"\n')
    assert "\\u" not in text
    second = authoring.write_new_entry(chronicle, entry)
    third = authoring.write_new_entry(chronicle, entry)
    assert [second.stem, third.stem] == [first.stem + "-2", first.stem + "-3"]
    assert first.read_text(encoding="utf-8") == text
    loaded = load_file(chronicle, first)
    assert loaded.entry is not None and not loaded.problems
    assert loaded.entry.title == entry.title and loaded.entry.places == entry.places


def test_names_taken_in_another_case_or_suffix_count_as_taken(chronicle: Location) -> None:
    folder = chronicle.entries_dir / "2014"
    (folder / "2014-04-17-Park-Reopens.yml").write_text("title: x\ndate: 2014\n")
    path = authoring.write_new_entry(chronicle, new_entry(chronicle))
    assert path.name == "2014-04-17-park-reopens-2.yaml"


def test_hostile_titles_stay_inside_entries(chronicle: Location) -> None:
    root = chronicle.entries_dir.resolve()
    for title in ("../../etc/passwd", "CON", "..", "/abs/path", "x" * 10_000):
        path = authoring.write_new_entry(chronicle, new_entry(chronicle, title=title))
        assert path.resolve().is_relative_to(root)
        assert len(path.name) < 100
        assert path.stem.split(".")[0].upper() not in authoring.RESERVED_NAMES
    bce = authoring.write_new_entry(chronicle, new_entry(chronicle, date="15 March 44 BC"))
    assert bce.relative_to(chronicle.entries_dir).as_posix().startswith("44-bce/44-bce-03-15-")
    assert load_file(chronicle, bce).entry.date == PartialDate(-43, 3, 15)  # type: ignore[union-attr]


def test_delete_entry_removes_the_file_and_an_emptied_folder(chronicle: Location) -> None:
    entry = catalog.resolve(chronicle, "black-january")
    path = authoring.delete_entry(chronicle, entry)
    assert not path.exists() and not path.parent.exists()
    assert chronicle.entries_dir.is_dir()


# -- names that look like others -----------------------------------------------------------------


def warnings_for(chronicle: Location, field: str, name: str) -> authoring.NameWarning | None:
    from chronicle.names import NameRegistry

    cat = catalog.open_catalog(chronicle)
    try:
        cat.refresh()
        known = authoring.KnownNames(cat, NameRegistry.from_config(chronicle.config.names))
        return known.lookalike(field, name)
    finally:
        cat.close()


@pytest.mark.parametrize(
    ("field", "name", "message"),
    [
        ("people", "Aleksandar Vucic", "'Aleksandar Vucic' looks like 'Aleksandar Vučić' (1 entry)"),
        ("people", "Zakir Hasanof", "looks like 'Zakir Hasanov'"),
        ("places", "belgrade", "'belgrade' looks like 'Belgrade' (2 entries)"),
        ("places", "Tashmaydan Park", "looks like 'Tasmajdan Park' (2 entries)"),
        ("places", "Tashmay park", "listed in chronicle.yaml as another spelling of 'Tasmajdan"),
        ("tags", "Visit", "'Visit' looks like 'visit' (1 entry)"),
        ("people", "Aleksandar Vučić", None),
        ("places", "Tasmajdan Park", None),
        ("places", "Kragujevac", None),
        ("people", "Ana Novak", None),
    ],
)
def test_lookalike_names(chronicle: Location, field: str, name: str, message: str | None) -> None:
    warning = warnings_for(chronicle, field, name)
    if message is None:
        assert warning is None
    else:
        assert warning is not None and message in warning.message


def test_apply_spellings_swaps_only_the_chosen_names(chronicle: Location) -> None:
    entry = authoring.build_entry(chronicle, title="x", date="2014", places=["belgrade", "Rome"],
                                  tags=["Visit"])
    chosen = [authoring.NameWarning("places", "belgrade", "Belgrade", 2)]
    fixed = authoring.apply_spellings(entry, chosen)
    assert fixed.places == ("Belgrade", "Rome") and fixed.tags == ("Visit",)


# -- drafts --------------------------------------------------------------------------------------


def test_written_dates_in_a_draft_become_iso_and_a_range_fills_end() -> None:
    text, bad = drafts.normalise_dates("title: x\ndate: April 17-18, 2014\nend:\nplaces: []\n")
    assert text == "title: x\ndate: 2014-04-17\nend: 2014-04-18\nplaces: []\n"
    assert not bad
    text, bad = drafts.normalise_dates("title: x\ndate: '15 March 44 BC'  # Caesar\n")
    assert text == 'title: x\ndate: "-0043-03-15"\n'
    text, bad = drafts.normalise_dates("date: 17-18 April 2014\ntitle: x\n")
    assert text.splitlines()[:2] == ["date: 2014-04-17", "end: 2014-04-18"]
    text, bad = drafts.normalise_dates("title: x\ndate: 03/05/2014\nbody: |\n  date: soon\n")
    assert list(bad) == [2] and "ambiguous" in bad[2]


def test_problems_are_numbered_as_the_reopened_draft_shows_them() -> None:
    text = "title: x\ndate: nope\n"
    reopened = drafts.with_problems(text, [Problem("draft", 2, "date: bad")])
    lines = reopened.splitlines()
    number = int(re.search(r"line (\d+)", reopened).group(1))  # type: ignore[union-attr]
    assert lines[number - 1] == "date: nope"
    assert drafts.strip_problems(reopened) == text
    assert drafts.strip_problems(drafts.with_problems(reopened, [])) == text


def test_the_template_is_valid_yaml_and_keeps_what_was_given() -> None:
    template = drafts.new_entry_template({"title": "Park: reopens", "people": ["Vučić"],
                                          "date": None})
    data = yaml.safe_load(template)
    assert data["title"] == "Park: reopens" and data["people"] == ["Vučić"]
    assert data["date"] is None and data["places"] == []
    assert "\\u" not in template


def scripted_editor(*texts: str | None, fail_at: int | None = None):  # noqa: ANN201
    """An editor that writes each of ``texts`` in turn (None leaves the file as it is)."""
    calls: list[str] = []

    def edit(path: Path) -> bool:
        calls.append(path.read_text(encoding="utf-8"))
        text = texts[len(calls) - 1]
        if text is not None:
            path.write_text(text, encoding="utf-8")
        return fail_at != len(calls)

    edit.calls = calls  # type: ignore[attr-defined]
    return edit


def run_loop(chronicle: Location, editor, *, answers=(True,)):  # noqa: ANN001, ANN201
    original = drafts.new_entry_template()
    draft = drafts.Draft.create(chronicle, original, name="add")
    replies = iter(answers)

    def validate(text: str) -> drafts.Checked:
        text, entry, problems = drafts.read_draft(chronicle, text, entry_id="", path="draft")
        return drafts.Checked(text, entry, [p for p in problems if p.severity == "error"])

    outcome = drafts.edit_until_valid(draft, validate=validate, retry=lambda _: next(replies),
                                      original=original, open_editor=editor)
    return draft, outcome


def test_edit_loop_valid_at_once(chronicle: Location) -> None:
    draft, outcome = run_loop(chronicle, scripted_editor("title: A\ndate: 17 April 2014\n"))
    assert outcome.status == "saved" and outcome.entry is not None
    assert outcome.entry.date == PartialDate(2014, 4, 17)
    assert not draft.path.exists()


def test_edit_loop_invalid_then_fixed_shows_the_problems(chronicle: Location) -> None:
    editor = scripted_editor("title: A\ndate: 31 April 2014\n", "title: A\ndate: 30 April 2014\n")
    draft, outcome = run_loop(chronicle, editor)
    assert outcome.status == "saved"
    reopened = editor.calls[1]  # type: ignore[attr-defined]
    assert reopened.startswith(drafts.PROBLEM_MARK) and "day 31 does not exist" in reopened


def test_giving_up_keeps_the_draft(chronicle: Location) -> None:
    typed = "title: Half written\ndate: someday\nbody: |\n  Precious words.\n"
    draft, outcome = run_loop(chronicle, scripted_editor(typed), answers=(False,))
    assert outcome.status == "abandoned" and outcome.kept == draft.path
    kept = draft.path.read_text(encoding="utf-8")
    assert "Precious words." in kept and drafts.strip_problems(kept) == typed
    assert draft.path.is_relative_to(chronicle.index_dir / drafts.DRAFTS_DIRNAME)


def test_emptying_an_invalid_draft_keeps_what_was_typed(chronicle: Location) -> None:
    typed = "title: Half written\ndate: someday\n"
    draft, outcome = run_loop(chronicle, scripted_editor(typed, ""))
    assert outcome.status == "abandoned"
    assert draft.path.read_text(encoding="utf-8") == typed


def test_a_failing_editor_keeps_the_draft_and_an_untouched_template_is_dropped(
    chronicle: Location,
) -> None:
    draft, outcome = run_loop(chronicle, scripted_editor("title: typed\n", fail_at=1))
    assert outcome.status == "failed" and draft.path.read_text() == "title: typed\n"
    assert outcome.kept == draft.path
    draft, outcome = run_loop(chronicle, scripted_editor(None, fail_at=1))
    assert outcome.status == "failed" and not draft.path.exists() and outcome.kept is None
    draft, outcome = run_loop(chronicle, scripted_editor(None))
    assert outcome.status == "unchanged" and not draft.path.exists()


def test_editor_command_prefers_visual(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", "nano -w")
    assert drafts.editor_command() == ["nano", "-w"]
    monkeypatch.setenv("VISUAL", "code --wait")
    assert drafts.editor_command() == ["code", "--wait"]
    monkeypatch.delenv("VISUAL")
    monkeypatch.delenv("EDITOR")
    assert drafts.editor_command() == (["notepad"] if os.name == "nt" else ["vi"])
