"""The library's front door, `chronicle.Chronicle`, used as a script or a notebook would."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import chronicle
from chronicle.api import EditConflictError
from chronicle.errors import AmbiguousIdError, NotFoundError
from chronicle.exchange.importing import ImportSource
from chronicle.index import LOCK_FILE, locking, marks
from chronicle.query import Filters
from conftest import REPO


def ids(entries: list[chronicle.Entry]) -> list[str]:
    return [entry.id for entry in entries]


def test_import_chronicle_gives_the_front_door_without_loading_it() -> None:
    code = (
        "import sys, chronicle\n"
        "assert 'chronicle.api' not in sys.modules\n"
        "heavy = [m for m in ('whoosh', 'yaml', 'sqlite3', 'rich', 'typer') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert chronicle.Chronicle.__module__ == 'chronicle.api'\n"
        "assert 'whoosh' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    with pytest.raises(AttributeError):
        chronicle.nothing_here  # noqa: B018


def test_open_finds_the_chronicle_and_closes_its_catalog(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        assert book.root == chronicle_root
        assert book.title == "Test chronicle"
        assert len(book.select().entries) == 6
        catalog = book.catalog
    # Closed with the block: the connection refuses work.
    with pytest.raises(Exception, match="closed"):
        catalog.count()
    # $CHRONICLE_ROOT (set by the fixture) when no folder is given.
    with chronicle.Chronicle.open() as book:
        assert book.root == chronicle_root


def test_select_takes_filters_or_their_keywords(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        by_value = book.select(Filters.build(year="2014", places=["Belgrade"]))
        by_keywords = book.select(year=2014, places=["Belgrade"])
        assert ids(by_value.entries) == ids(by_keywords.entries) != []
        assert all(entry.date.year == 2014 for entry in by_keywords.entries)
        newest = book.select(reverse=True, limit=2).entries
        assert ids(newest) == ids(book.select().entries)[::-1][:2]
        with pytest.raises(TypeError):
            book.select(Filters(), year=2014)


def test_get_and_resolve_name_entries_by_id_or_part(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        assert book.get("2014-04-17-visit").title == "Defence minister visits Serbia"
        assert ids(book.resolve(["2014/2014-04-17-visit", "2014-04-17-visit", "ides"])) == [
            "2014/2014-04-17-visit",
            "ancient/ides-of-march",
        ]
        with pytest.raises(AmbiguousIdError):
            book.get("2014")
        with pytest.raises(NotFoundError):
            book.get("no-such-entry")


def test_find_is_search_within_filters_or_the_filters_alone(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        everything = book.find()
        assert ids(everything.entries) == ids(book.select().entries)
        # However the park is spelled, in chronicle order.
        found = book.find("Tasmajdan", Filters.build(year="2014"))
        assert found.entries and all(e.date.year == 2014 for e in found.entries)
        assert [e.sort_key for e in found.entries] == sorted(e.sort_key for e in found.entries)
        hits = book.search("Tasmajdan", filters=Filters.build(year="2014"), limit=None)
        assert set(ids(found.entries)) == {hit.entry.id for hit in hits.hits}


def test_add_writes_a_file_and_the_search_finds_it_at_once(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        entry = book.new_entry(title="Mayor opens Kalemegdan gate", date="3 May 2014",
                               places=["Belgrade"])
        written = book.add(entry)
        assert written.index_warning is None
        [path] = written.paths
        assert path.is_file() and path.is_relative_to(chronicle_root / "entries")
        assert written.ids == ["2014/2014-05-03-mayor-opens-kalemegdan-gate"]
        assert marks.is_current(book.catalog)
        assert ids([hit.entry for hit in book.search("Kalemegdan").hits]) == written.ids
    # Another process sees it too.
    with chronicle.Chronicle.open(chronicle_root) as other:
        assert other.get("mayor-opens").title == "Mayor opens Kalemegdan gate"


def test_a_write_is_kept_when_the_index_is_busy(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        book.update_index()
        lock = locking.UpdateLock(chronicle_root / "index" / LOCK_FILE, timeout=1)
        assert lock.acquire()
        try:
            book.lock_timeout = 0.1
            written = book.add(book.new_entry(title="Held", date="2014"))
        finally:
            lock.release()
        assert written.paths[0].is_file()
        assert written.index_warning and "busy" in written.index_warning
        # The next search catches up.
        assert ids([hit.entry for hit in book.search("Held").hits]) == written.ids


def test_edit_replaces_the_file_unless_it_changed_meanwhile(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        target = book.edit_target("2014-04-17-visit")
        assert target.entry is not None and target.id == "2014/2014-04-17-visit"
        new_text = target.original.replace("Defence minister visits Serbia",
                                           "Defence minister visits Belgrade")
        written = book.edit(target, new_text)
        assert target.path.read_text(encoding="utf-8") == new_text
        assert written.ids == ["2014/2014-04-17-visit"]
        assert book.get("2014-04-17-visit").title == "Defence minister visits Belgrade"

        stale = book.edit_target("2014-04-17-visit")
        target.path.write_text(stale.original + "# changed elsewhere\n", encoding="utf-8")
        with pytest.raises(EditConflictError):
            book.edit(stale, "title: Lost\ndate: 2014\n")
        assert "# changed elsewhere" in target.path.read_text(encoding="utf-8")


def test_edit_reaches_an_invalid_file_by_its_path(broken_root: Path) -> None:
    with chronicle.Chronicle.open(broken_root) as book:
        bad = next(p for p in (broken_root / "entries").rglob("*.yaml")
                   if p.stem not in {e.id.rsplit("/", 1)[-1] for e in book.select().entries})
        target = book.edit_target(str(bad))
        assert target.entry is None and target.path == bad.resolve()


def test_remove_deletes_and_unindexes(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        assert book.search("Hasanov").hits
        written = book.remove(book.resolve(["2014-04-17-visit"]))
        assert not written.paths[0].exists()
        assert not book.search("Hasanov").hits
        assert "2014/2014-04-17-visit" not in ids(book.select().entries)


def test_import_plans_then_writes_and_indexes(chronicle_root: Path, tmp_path: Path) -> None:
    records = [
        {"title": "Bridge reopens", "date": "2014-06-01", "places": ["Petrovaradin"]},
        {"title": "Defence minister visits Serbia", "date": "2014-04-17", "end": "2014-04-18"},
    ]
    source = tmp_path / "in.json"
    source.write_text(json.dumps(records), encoding="utf-8")
    with chronicle.Chronicle.open(chronicle_root) as book:
        plan = book.plan_import([ImportSource(source)])
        assert (len(plan.to_create), len(plan.skipped), len(plan.invalid)) == (1, 1, 0)
        assert not list((chronicle_root / "entries").rglob("*bridge*"))
        created, written = book.import_(plan)
        assert [outcome.id for outcome in created] == written.ids
        assert ids([hit.entry for hit in book.search("Petrovaradin").hits]) == written.ids
        # A second import of the same file adds nothing.
        again = book.plan_import([ImportSource(source)])
        assert (len(again.to_create), len(again.skipped)) == (0, 2)


def test_export_uses_the_format_registry(chronicle_root: Path) -> None:
    with chronicle.Chronicle.open(chronicle_root) as book:
        entries = book.select(year=2014).entries
        data = json.loads(book.export(entries, "json").text)
        assert [row["id"] for row in data] == ids(entries)
        page = book.export(entries, "html", title="Mine").text
        assert "<title>Mine</title>" in page


def test_init_makes_an_empty_chronicle(tmp_path: Path) -> None:
    with chronicle.Chronicle.init(tmp_path / "new", title="New") as book:
        assert book.select().entries == []
        assert book.check().problems == []
        book.add(book.new_entry(title="First", date="2020"))
        assert len(book.check().entries) == 1


def test_every_core_module_is_under_the_import_contracts() -> None:
    """A module added to the core is covered by the layer rules, not silently exempt."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}
    package = REPO / "src" / "chronicle"
    top = {
        f"chronicle.{path.stem}" for path in package.glob("*.py")
        if path.stem not in {"__init__", "__main__"}
    } | {f"chronicle.{path.name}" for path in package.iterdir()
         if (path / "__init__.py").is_file()}
    core = top - {"chronicle.cli", "chronicle.render", "chronicle.commands"}
    assert set(contracts["The core never imports typer or rich"]["source_modules"]) == core
    # The command bodies use Rich, never Typer or Click (the fast path runs them).
    assert contracts["The command bodies run without Typer or Click"]["source_modules"] == [
        "chronicle.commands"]
    assert set(contracts["Only the index imports Whoosh"]["source_modules"]) == top - {
        "chronicle.index"
    }


def test_the_readme_example_runs(sample_root: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## From Python"):]
    code = section[section.index("```python\n") + 10:]
    code = code[: code.index("```")]
    monkeypatch.chdir(sample_root)
    monkeypatch.delenv("CHRONICLE_ROOT")
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert any("Tashmay Park" in line for line in printed)  # another spelling, found
    assert printed[-1] == "2014/2014-04-17-park-reopens Park reopens"
