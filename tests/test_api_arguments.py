"""What the front door takes from a Python caller, and what it says when it cannot.

Entries by id or as `Entry` objects, one or several; dates as text, years or
`datetime.date`; names as a list or one string. Errors are `ChronicleError`s that speak
of the arguments (``year``), not of command-line options (``--year``); wrong types are
TypeErrors that name what was expected.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import chronicle
from chronicle.errors import AmbiguousIdError, DateError, NotFoundError, UsageError
from chronicle.query import Filters


def ids(entries: list[chronicle.Entry]) -> list[str]:
    return [entry.id for entry in entries]


def test_remove_takes_ids_parts_of_ids_or_entries(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        written = book.remove("ides")  # one id part, not its letters
        assert written.ids == ["ancient/ides-of-march"]
        assert not (chronicle_root / "entries/ancient").exists()
        visit = book.get("2014-04-17-visit")
        written = book.remove([visit, "2014/2014-04-month", "2014-04-month"])
        assert written.ids == ["2014/2014-04-17-visit", "2014/2014-04-month"]
        assert book.search("Hasanov").hits == []
        assert len(book.select().entries) == 3


def test_remove_finds_every_entry_before_deleting_any(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        before = ids(book.select().entries)
        with pytest.raises(NotFoundError, match="no-such-entry"):
            book.remove(["2014-04-17-visit", "no-such-entry"])
        with pytest.raises(AmbiguousIdError):
            book.remove(["ides", "2014"])
        with pytest.raises(UsageError, match="empty id"):
            book.remove(["ides", " "])
        assert ids(book.select().entries) == before


def test_remove_refuses_an_entry_that_is_not_in_the_chronicle(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        unwritten = book.new_entry(title="Never written", date="2014")
        with pytest.raises(NotFoundError, match="'Never written' .not written yet."):
            book.remove(unwritten)
        gone = book.get("ides")
        book.remove(gone)
        with pytest.raises(NotFoundError, match="'ancient/ides-of-march' is not in"):
            book.remove(gone)
        with pytest.raises(TypeError, match="by id or given as Entry, not int"):
            book.remove(3)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="not bytes"):
            book.remove([b"2014-year"])  # type: ignore[list-item]
        assert len(book.select().entries) == 5
        # An entry file's path, relative to the chronicle or not, names its entry.
        written = book.remove([Path("entries/2014/2014-year.yaml"),
                               chronicle_root / "entries/2014/2014-04-month.yaml"])
        assert written.ids == ["2014/2014-year", "2014/2014-04-month"]


def test_an_entry_whose_file_cannot_be_deleted_is_an_error_and_the_index_follows(
    chronicle_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root ignores folder permissions, so the refusal is the file system's answer, faked.
    refused = chronicle_root / "entries/2014/2014-04-17-visit.yaml"
    unlink = Path.unlink

    def refusing_unlink(path: Path, missing_ok: bool = False) -> None:
        if path == refused:
            raise PermissionError(13, "Permission denied", str(path))
        unlink(path, missing_ok=missing_ok)

    with chronicle.Chronicle.open(chronicle_root) as book:
        monkeypatch.setattr(Path, "unlink", refusing_unlink)
        with pytest.raises(chronicle.ChronicleError) as caught:
            book.remove(["ides", "2014-04-17-visit"])
        monkeypatch.undo()
        assert caught.value.message == (
            "entries/2014/2014-04-17-visit.yaml cannot be deleted: Permission denied")
        # The first was deleted, and the index knows it.
        assert book.search("Caesar").hits == []
        assert book.get("2014-04-17-visit").title == "Defence minister visits Serbia"


def test_get_resolve_and_edit_target_take_an_entry(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        visit = book.get("visit")
        assert book.get(visit).id == visit.id
        assert ids(book.resolve(visit)) == [visit.id]
        assert ids(book.resolve("ides")) == ["ancient/ides-of-march"]
        assert book.edit_target(visit).id == visit.id
        assert book.edit_target(chronicle_root / visit.path).id == visit.id
        with pytest.raises(TypeError, match="not int"):
            book.get(7)  # type: ignore[arg-type]


def test_filter_errors_name_the_keyword_not_an_option(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        for keyword in ("year", "month", "on", "from_", "to"):
            with pytest.raises(DateError) as caught:
                book.select(**{keyword: "20x4"})
            assert caught.value.message.startswith(f"{keyword}: '20x4' is not a date")
            assert "--" not in caught.value.message
        with pytest.raises(DateError, match="^year: "):
            book.search("Belgrade", year="20x4")
        with pytest.raises(DateError, match="^to: "):
            book.find("Belgrade", to="nope")
        with pytest.raises(DateError, match="^on: "):
            book.stats(on="nope")
        with pytest.raises(DateError, match="^year: "):
            Filters.build(year="20x4")
        # The command line keeps naming its options.
        with pytest.raises(DateError, match="^--from: "):
            Filters.build(from_="x", labels={"from_": "--from"})


def test_filters_take_years_dates_and_one_name(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        as_text = ids(book.select(year="2014", places=["Belgrade"]).entries)
        assert as_text != []
        assert ids(book.select(year=2014, places="Belgrade").entries) == as_text
        assert ids(book.select(from_=datetime.date(2014, 1, 1),
                               to=datetime.date(2014, 12, 31), places="Belgrade",
                               within=True).entries) == as_text
        on_day = book.select(on=datetime.datetime(2014, 3, 5, 12, 3)).entries
        assert "2014/2014-03-05-commission" in ids(on_day)
        # A negative year is astronomical: -43 is 44 BCE.
        assert ids(book.select(year=-43).entries) == ["ancient/ides-of-march"]
        assert ids(book.find("Caesar", to=-1).entries) == ["ancient/ides-of-march"]
        assert ids(book.select(people="Vučić").entries) == ["2014/2014-04-17-visit"]
        with pytest.raises(TypeError, match="year takes a date"):
            book.select(year=[2014])
        with pytest.raises(TypeError, match="people takes names as strings"):
            book.select(people=[1])
        with pytest.raises(TypeError, match="filters or filter keywords"):
            book.find("x", Filters(), year=2014)
        with pytest.raises(TypeError, match="chronicle.Filters"):
            book.select({"year": 2014})  # type: ignore[arg-type]


def test_new_entry_errors_name_its_arguments(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        with pytest.raises(DateError, match="^date '20x4'"):
            book.new_entry(title="x", date="20x4")
        with pytest.raises(DateError, match="^end 2013 is before date 2014$"):
            book.new_entry(title="x", date="2014", end="2013")
        with pytest.raises(UsageError, match="already a range; leave out end$"):
            book.new_entry(title="x", date="April 17-18, 2014", end="2015")
        with pytest.raises(TypeError, match="title takes text"):
            book.new_entry(title=5, date="2014")


def test_new_entry_and_add_take_dates_one_name_or_plain_fields(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        entry = book.new_entry(title="Park reopens", date=datetime.date(2014, 4, 17),
                               end=datetime.date(2014, 4, 18), places="Belgrade")
        assert (entry.date.isoformat(), entry.places) == ("2014-04-17", ("Belgrade",))
        assert entry.end is not None and entry.end.isoformat() == "2014-04-18"
        written = book.add({"title": "Fields only", "date": 1999, "tags": "misc"})
        added = book.get(written.ids[0])
        assert (added.title, added.date.isoformat(), added.tags) == (
            "Fields only", "1999", ("misc",))
        with pytest.raises(TypeError, match="add takes an Entry or its fields"):
            book.add("Fields only")  # type: ignore[arg-type]


def test_export_takes_ids_entries_or_a_selection(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        selection = book.select(year=2014)
        by_selection = book.export(selection, "jsonl").text
        assert by_selection == book.export(selection.entries, "jsonl").text
        assert by_selection == book.export(ids(selection.entries), "jsonl").text
        assert by_selection.count("\n") == len(selection.entries) == 4
        found = book.find("Belgrade", year=2014)
        assert book.export(found, "jsonl").text == book.export(found.entries, "jsonl").text
        one = book.export("ides", "jsonl").text
        assert one.count("\n") == 1 and "Caesar" in one
        with pytest.raises(NotFoundError):
            book.export(["ides", "no-such-entry"], "json")


def test_open_speaks_of_the_folder_not_an_option(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as caught:
        chronicle.Chronicle.open(tmp_path / "missing")
    assert caught.value.message == f"{tmp_path / 'missing'} is not a folder"
    with pytest.raises(NotFoundError, match="holds no chronicle"):
        chronicle.Chronicle.open(str(tmp_path))
    with pytest.raises(TypeError, match="folder's path, not int"):
        chronicle.Chronicle.open(3)  # type: ignore[arg-type]


def test_choices_the_command_line_validates_are_named_as_arguments(
    chronicle_root: Path,
) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        with pytest.raises(UsageError, match="^sort must be relevance or date, not 'x'$"):
            book.search("Belgrade", sort="x")
        with pytest.raises(UsageError, match="^group_by takes tag, place, person, not 'x'$"):
            book.export(book.select().entries, "timelinejs", group_by="x")
