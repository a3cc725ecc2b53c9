from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from chronicle import catalog as catalog_module
from chronicle.catalog import CATALOG_NAME, open_catalog, refreshing, schema, select
from chronicle.config import find_chronicle
from chronicle.errors import AmbiguousIdError, NotFoundError
from chronicle.index import marks
from chronicle.query import Filters
from chronicle.store import load_all


def ids(root: Path, **filters: object) -> list[str]:
    chronicle = find_chronicle(root)
    return [entry.id for entry in select(chronicle, Filters.build(**filters)).entries]  # type: ignore[arg-type]


def test_catalog_gives_the_same_entries_as_parsing_every_file(chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    assert select(chronicle).entries == load_all(chronicle).entries
    # A second, cached read gives the same again.
    assert select(chronicle).entries == load_all(chronicle).entries


def test_unchanged_files_are_not_parsed_again(
    chronicle_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chronicle = find_chronicle(chronicle_root)
    first = open_catalog(chronicle).refresh()
    assert first.added == 6

    import chronicle.store as store

    calls: list[str] = []
    original = store.parse_entry_text

    def counting(text: str, **kwargs: object) -> object:
        calls.append(str(kwargs["path"]))
        return original(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "parse_entry_text", counting)
    report = open_catalog(chronicle).refresh()
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 6)
    assert calls == []

    edited = chronicle_root / "entries" / "1990" / "1990-01-20-black-january.yaml"
    edited.write_text(edited.read_text().replace("Black January", "Black January in Baku"))
    report = open_catalog(chronicle).refresh()
    assert report.updated == 1 and calls == ["entries/1990/1990-01-20-black-january.yaml"]
    entry = open_catalog(chronicle).get("1990/1990-01-20-black-january")
    assert entry is not None and entry.title == "Black January in Baku"


def test_added_removed_and_broken_files_are_followed(chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    select(chronicle)
    entries = chronicle_root / "entries"
    (entries / "new.yaml").write_text("title: New\ndate: 2015\n")
    (entries / "1990" / "1990-01-20-black-january.yaml").unlink()
    (entries / "2014" / "2014-year.yaml").write_text("title: Broken\ndate: 2014-02-30\n")
    selection = select(chronicle)
    got = [entry.id for entry in selection.entries]
    assert "new" in got
    assert "1990/1990-01-20-black-january" not in got
    assert "2014/2014-year" not in got
    assert [str(p) for p in selection.problems] == [
        "entries/2014/2014-year.yaml:2: date: '2014-02-30': day 30 does not exist in Feb 2014 "
        "(it has 28 days)"
    ]
    assert selection.report.added == 1 and selection.report.removed == 1


def test_date_filters_overlap_and_within(chronicle_root: Path) -> None:
    assert ids(chronicle_root, on="2014-04-18") == [
        "2014/2014-year",
        "2014/2014-04-month",
        "2014/2014-04-17-visit",
    ]
    assert ids(chronicle_root, on="2014-04-18", within=True) == []
    assert ids(chronicle_root, month="2014-04", within=True) == [
        "2014/2014-04-month",
        "2014/2014-04-17-visit",
    ]
    assert ids(chronicle_root, year="2014") == [
        "2014/2014-year",
        "2014/2014-03-05-commission",
        "2014/2014-04-month",
        "2014/2014-04-17-visit",
    ]
    assert ids(chronicle_root, to="1990") == [
        "ancient/ides-of-march",
        "1990/1990-01-20-black-january",
    ]
    assert ids(chronicle_root, from_="-0043-03-15", to="-0043-03-15") == ["ancient/ides-of-march"]
    assert ids(chronicle_root, year="2013") == []


def test_name_filters_ignore_case_accents_and_spelling(chronicle_root: Path) -> None:
    assert ids(chronicle_root, people=["vucic"]) == ["2014/2014-04-17-visit"]
    assert ids(chronicle_root, people=["Nikolic"]) == ["2014/2014-03-05-commission"]
    # An alias from chronicle.yaml and a spelling family both count.
    assert ids(chronicle_root, places=["Tasmajdan Park"]) == [
        "2014/2014-03-05-commission",
        "2014/2014-04-17-visit",
    ]
    assert ids(chronicle_root, places=["Novi Shad"]) == ["2014/2014-04-month"]
    assert ids(chronicle_root, tags=["DIPLOMACY"]) == ["2014/2014-year", "2014/2014-04-month"]
    # Repeated values of one option: any of them. Different options: all.
    assert ids(chronicle_root, tags=["history", "economy"], year="2014") == [
        "2014/2014-03-05-commission"
    ]
    # A part of a word is not a name.
    assert ids(chronicle_root, people=["Vuc"]) == []


def test_python_and_sql_filters_agree(chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    everything = load_all(chronicle).entries
    cases = [
        Filters.build(year="2014", places=["belgrade"]),
        Filters.build(month="2014-04", within=True),
        Filters.build(from_="-100", to="2000", tags=["history"]),
        Filters.build(people=["Tomislav Nikolic", "julius caesar"]),
    ]
    from chronicle.names import NameRegistry

    registry = NameRegistry.from_config(chronicle.config.names)
    for filters in cases:
        assert select(chronicle, filters).entries == filters.apply(everything, registry)


def test_resolve_by_id_prefix_and_suffix(chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    assert catalog_module.resolve(chronicle, "2014/2014-04-17-visit").title.startswith("Defence")
    assert catalog_module.resolve(chronicle, "visit").id == "2014/2014-04-17-visit"
    assert (
        catalog_module.resolve(chronicle, "entries/ancient/ides-of-march.yaml").id
        == "ancient/ides-of-march"
    )
    assert catalog_module.resolve(chronicle, "1990/").id == "1990/1990-01-20-black-january"
    with pytest.raises(AmbiguousIdError) as err:
        catalog_module.resolve(chronicle, "2014/2014-0")
    assert "2014/2014-03-05-commission" in str(err.value)
    with pytest.raises(NotFoundError):
        catalog_module.resolve(chronicle, "nothing-like-this")


def test_a_damaged_catalog_is_rebuilt_with_a_notice(chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    select(chronicle)
    path = chronicle_root / "index" / CATALOG_NAME
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    selection = select(chronicle)
    assert len(selection.entries) == 6
    assert any("damaged" in notice for notice in selection.report.notices)


def test_a_catalog_of_another_version_is_rebuilt(chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    select(chronicle)
    db = sqlite3.connect(chronicle_root / "index" / CATALOG_NAME)
    db.execute("UPDATE meta SET value = 'old' WHERE key = 'version'")
    db.commit()
    db.close()
    selection = select(chronicle)
    assert len(selection.entries) == 6
    assert any("another version" in notice for notice in selection.report.notices)


def test_an_unwritable_index_folder_still_lists(chronicle_root: Path) -> None:
    if os.geteuid() == 0:
        # root writes anyway; simulate the folder being a file instead.
        index = chronicle_root / "index"
        for child in index.iterdir():
            child.unlink()
        index.rmdir()
        index.write_text("not a folder")
    else:
        (chronicle_root / "index").chmod(0o500)
    selection = select(find_chronicle(chronicle_root))
    assert len(selection.entries) == 6
    assert any("cannot be written" in notice for notice in selection.report.notices)


def test_index_pending_follows_changes_and_marks(chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    catalog = open_catalog(chronicle)
    catalog.refresh()
    work = marks.pending(catalog)
    assert work.upsert_count == 6 and work.delete == []
    assert len(list(work.upserts())) == 6
    marks.mark_indexed(catalog, work)
    assert marks.is_current(catalog)
    (chronicle_root / "entries" / "1990" / "1990-01-20-black-january.yaml").unlink()
    (chronicle_root / "entries" / "2014" / "2014-year.yaml").write_text("title: [\n")
    catalog.refresh()
    work = marks.pending(catalog)
    assert work.upsert_count == 0 and list(work.upserts()) == []
    assert sorted(entry_id for _, _, entry_id in work.delete) == [
        "1990/1990-01-20-black-january",
        "2014/2014-year",
    ]
    marks.mark_indexed(catalog, work)
    assert marks.is_current(catalog)
    marks.reset_marks(catalog)
    work = marks.pending(catalog)
    assert work.upsert_count == 4
    assert sorted(digest for _, digest, _ in work.upserts()) == sorted(
        digest for _, digest in work.upserted
    )
    assert len(work.upserted) == 4


def test_marks_record_only_what_was_handed_to_the_index(chronicle_root: Path) -> None:
    catalog = open_catalog(find_chronicle(chronicle_root))
    catalog.refresh()
    work = marks.pending(catalog)
    first = next(work.upserts())
    marks.mark_indexed(catalog, work)
    left = marks.pending(catalog)
    assert left.upsert_count == 5
    assert first[0] not in {relpath for relpath, _, _ in left.upserts()}


def test_refresh_of_named_paths_touches_only_them(
    chronicle_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chronicle = find_chronicle(chronicle_root)
    catalog = open_catalog(chronicle)
    catalog.refresh()
    entries = chronicle_root / "entries"
    (entries / "new.yaml").write_text("title: New\ndate: 2015\n")
    (entries / "1990" / "1990-01-20-black-january.yaml").unlink()
    # Changed too, but not named: left for the next full refresh.
    (entries / "2014" / "2014-year.yaml").write_text("title: Renamed year\ndate: 2014\n")
    monkeypatch.setattr(
        refreshing,
        "scan_entries",
        lambda _: pytest.fail("a refresh of named paths must not scan every file"),
    )
    report = catalog.refresh(paths=["new.yaml", "1990/1990-01-20-black-january.yaml", "nope.yaml"])
    assert (report.added, report.removed, report.updated) == (1, 1, 0)
    assert catalog.get("new") is not None
    assert catalog.get("1990/1990-01-20-black-january") is None
    year = catalog.get("2014/2014-year")
    assert year is not None and year.title == "A year of closer relations"
    monkeypatch.undo()
    full = catalog.refresh()
    assert (full.added, full.removed, full.updated) == (0, 0, 1)
    year = catalog.get("2014/2014-year")
    assert year is not None and year.title == "Renamed year"


@pytest.mark.parametrize("deep", ['"-13799999999"', '"2000000000"', '"2014"\nend: "2000000000"'])
def test_ids_from_sql_defer_to_python_for_deep_time(chronicle_root: Path, deep: str) -> None:
    """SQL orders by clamped keys; a span beyond them makes `entry_ids` and the stored
    JSON texts give way to `entries`, and the small index that asks is kept current."""
    import json

    from chronicle.catalog.facts import json_texts

    chronicle = find_chronicle(chronicle_root)
    with open_catalog(chronicle) as catalog:
        catalog.refresh()
        everything = [entry.id for entry in catalog.entries()]
        assert catalog.entry_ids() == everything
        assert [json.loads(text)["id"] for text in json_texts(catalog) or ()] == everything
        deep_file = chronicle_root / "entries" / "deep.yaml"
        deep_file.write_text(f"title: Far away\ndate: {deep}\n", encoding="utf-8")
        catalog.refresh()
        assert catalog.entry_ids() is None and json_texts(catalog) is None
        assert "deep" in [entry.id for entry in catalog.entries()]
        plan = catalog.db.execute(
            f"EXPLAIN QUERY PLAN SELECT 1 FROM files WHERE {schema.DEEP_TIME} AND valid = 1"
        ).fetchall()
        assert "files_deep" in str(plan)  # not a scan of every row
        deep_file.unlink()
        catalog.refresh()
        assert catalog.entry_ids() == everything


def test_handed_out_entries_come_back_as_they_were_added() -> None:
    handed = marks.HandedOut()
    added = [(7, "0123456789abcdef0123456789abcdef"), (3, "short"), (2**40, "é" * 32),
             (9, "fedcba9876543210fedcba9876543210")]
    for rowid, digest in added:
        handed.add(rowid, digest)
    assert len(handed) == 4
    assert list(handed) == added
