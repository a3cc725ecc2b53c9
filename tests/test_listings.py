"""Listings (``list`` and ``timeline``) read the catalog's narrow listing column instead of
rebuilding whole entries: the same answer as the whole entries give, byte for byte, in
every format, on a terminal and in a pipe, on data that is hard to show."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chronicle import Chronicle
from chronicle.api import Chronicle as ChronicleClass
from chronicle.catalog import CATALOG_NAME, open_catalog
from chronicle.cli import app
from chronicle.commands.environment import Environment
from chronicle.config import find_chronicle
from chronicle.model import Entry, Listing
from chronicle.query import Filters
from test_timeline_text import CONSOLES, HARD, Terminal, hard_entries


@pytest.fixture
def odd_root(chronicle_root: Path) -> Path:
    """tests/data/basic and entries with wide characters, control characters, partial,
    BCE and deep-time dates, ranges, bodies, sources and custom fields; one id in two
    files, and an invalid file."""
    entries = chronicle_root / "entries"
    for number, entry in enumerate(hard_entries()):
        # JSON is YAML: every character, control characters included, written escaped.
        fields: dict[str, Any] = {
            "title": entry.title, "date": entry.date.isoformat(),
            "people": list(entry.people), "places": list(entry.places),
            "tags": list(entry.tags),
            "summary": HARD[number % len(HARD)], "body": "Body " * number,
            "sources": [{"title": "Source", "url": f"https://example.org/{number}"}],
            "confidence": ["high", "low"][number % 2],
        }
        if entry.end:
            fields["end"] = entry.end.isoformat()
        folder = entries / ("2014" if number % 3 else "odd")
        folder.mkdir(exist_ok=True)
        (folder / f"hard-{number}.yaml").write_text(json.dumps(fields, ensure_ascii=False),
                                                    encoding="utf-8")
    # One id, two files: both listings keep the same one.
    (entries / "odd" / "twice.yaml").write_text(
        'title: "Twice (yaml)"\ndate: 2014-05-01\ntags: [a]\n', encoding="utf-8")
    (entries / "odd" / "twice.yml").write_text(
        'title: "Twice (yml)"\ndate: 2014-05-01\ntags: [b]\n', encoding="utf-8")
    (entries / "odd" / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    with Chronicle.open(chronicle_root) as book:
        book.search("Aliyev")  # the search index is built, and says so, only once
    return chronicle_root


def whole_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make listings come from whole entries, as they did before the listing column."""

    def select_listings(self: Any, filters: Any = None, *, limit: Any = None,
                        reverse: bool = False, **options: Any) -> Any:
        selection = self.select(filters, limit=limit, reverse=reverse, **options)
        return selection, selection.entries

    def find_listings(self: Any, query: Any = None, filters: Any = None,
                      **options: Any) -> Any:
        found = self.find(query, filters, **options)
        return found, found.entries

    monkeypatch.setattr(ChronicleClass, "select_listings", select_listings)
    monkeypatch.setattr(ChronicleClass, "find_listings", find_listings)


def run(root: Path, kind: str, width: int, args: list[str]) -> tuple[int, str, str]:
    terminal, environ = CONSOLES[kind]
    out = Terminal() if terminal else io.StringIO()
    err = io.StringIO()
    env = Environment(stdout=out, stderr=err,
                      environ={**environ, "COLUMNS": str(width), "CHRONICLE_ROOT": str(root)})
    result = CliRunner().invoke(app, args, obj=env, catch_exceptions=False)
    return result.exit_code, out.getvalue(), err.getvalue()


COMMANDS = [
    ["timeline"],
    ["timeline", "--year", "2014"],
    ["timeline", "--year", "2014", "--by", "day"],
    ["timeline", "--by", "year", "--no-chart"],
    ["timeline", "--from", "500 BC", "--to", "1 AD"],
    ["timeline", "--tag", "politics", "--person", "Haydar Aliyev"],
    ["timeline", "--place", "東京"],
    ["timeline", "--place", "Belgrade", "--by", "day"],
    ["timeline", "Aliyev"],
    ["timeline", "--year", "2014", "--format", "markdown"],
    ["timeline", "--format", "markdown", "--tag", "日本"],
    ["timeline", "--year", "2014", "--format", "json"],
    ["timeline", "--year", "1850"],
    ["list"],
    ["list", "--year", "2014"],
    ["list", "--year", "2014", "--reverse", "--limit", "7"],
    ["list", "--month", "2014-04"],
    ["list", "--tag", "politics", "--reverse"],
    ["list", "--person", "Heydar Aliyev", "--limit", "3"],
    ["list", "--year", "1850"],
    ["list", "--format", "ids", "--year", "2014"],
    ["list", "--format", "json", "--year", "2014"],
    ["list", "--format", "csv", "--tag", "politics"],
    ["list", "--format", "yaml", "--limit", "5"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_listings_write_what_whole_entries_write(
        odd_root: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    kinds = list(CONSOLES) if "--format" not in args else ["pipe"]
    widths = (40, 120) if "--format" not in args else (80,)
    fast = {(kind, width): run(odd_root, kind, width, args)
            for kind in kinds for width in widths}
    with monkeypatch.context() as patched:
        whole_entries(patched)
        slow = {(kind, width): run(odd_root, kind, width, args)
                for kind in kinds for width in widths}
    assert fast == slow
    if args not in (["timeline", "--year", "1850"], ["list", "--year", "1850"]):
        assert all(code == 0 and out for code, out, _ in fast.values()), fast
    if "Aliyev" not in args:  # a search reports no invalid files
        assert all("broken.yaml" in err for _, _, err in fast.values())


@pytest.mark.parametrize("filters", [
    Filters(), Filters.build(year="2014"), Filters.build(month="2014-04"),
    Filters.build(from_="500 BC", to="1 AD"), Filters.build(tags=["politics"]),
    Filters.build(people=["Haydar Aliyev"], places=["Belgrade"]),
    Filters.build(year="2014", within=True),
])
@pytest.mark.parametrize("reverse", [False, True])
def test_the_catalog_lists_what_its_entries_hold(odd_root: Path, filters: Filters,
                                                 reverse: bool) -> None:
    with Chronicle.open(odd_root) as book:
        selection, listings = book.select_listings(filters, reverse=reverse)
        entries = book.select(filters, reverse=reverse).entries
        assert listings == [entry.listing() for entry in entries]
        assert all(type(listing) is Listing for listing in listings)
        assert selection.problems and not selection.entries
        for limit in (1, 3):
            _, some = book.select_listings(filters, reverse=reverse, limit=limit)
            assert some == listings[:limit]
    # Deep time and BCE keep their order: Python settles what the integer keys cannot.
    if filters == Filters():
        years = [listing.date.year for listing in listings]
        assert min(years) < -900_000_000 and years == sorted(years, reverse=reverse)


def test_a_listing_has_what_an_entry_shows(odd_root: Path) -> None:
    with Chronicle.open(odd_root) as book:
        for entry in book.select().entries:
            listing = entry.listing()
            assert Listing.from_stored(listing.stored()) == listing
            assert Listing.stored_of(entry.to_dict()) == listing.stored()
            for name in ("id", "title", "date", "end", "people", "places", "tags", "path",
                         "span", "precision", "sort_key"):
                assert getattr(listing, name) == getattr(entry, name), name
            assert listing.date_label() == entry.date_label()


def test_listings_follow_edits_and_removals(odd_root: Path) -> None:
    with Chronicle.open(odd_root) as book:
        before = book.select_listings()[1]
    first = odd_root / "entries" / "2014" / "hard-1.yaml"
    fields = json.loads(first.read_text(encoding="utf-8"))
    fields.update(title="Renamed", tags=["new"], date="2014-12-31")
    first.write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
    (odd_root / "entries" / "2014" / "hard-2.yaml").unlink()
    with Chronicle.open(odd_root) as book:
        after = book.select_listings()[1]
        assert after == [entry.listing() for entry in book.select().entries]
    assert len(after) == len(before) - 1
    changed = [listing for listing in after if listing.id == "2014/hard-1"]
    assert [(c.title, c.tags, str(c.date)) for c in changed] == [
        ("Renamed", ("new",), "2014-12-31")]


def make_earlier(root: Path, schema: str = "5") -> None:
    """Turn the catalog into one of the schema before the listing column."""
    from chronicle.catalog.schema import version_stamp

    db = sqlite3.connect(root / "index" / CATALOG_NAME)
    db.execute("ALTER TABLE entry_facts DROP COLUMN listing")
    db.execute("UPDATE meta SET value = ? WHERE key = 'version'",
               (schema + version_stamp()[1:],))
    db.commit()
    db.close()


def test_a_catalog_without_listings_is_upgraded_once_with_a_notice(odd_root: Path) -> None:
    """A catalog of the schema before the listing column (5): the first command adds
    and fills the column, saying so once; no entry file is read again and the search
    index built from the catalog needs no work."""
    code, expected, _ = run(odd_root, "pipe", 100, ["timeline", "--year", "2014"])
    assert code == 0
    with open_catalog(find_chronicle(odd_root)) as catalog:
        instance = catalog.instance
    make_earlier(odd_root)
    code, out, err = run(odd_root, "pipe", 100, ["timeline", "--year", "2014"])
    assert (code, out) == (0, expected)
    assert err.count("earlier version") == 1 and "another version" not in err
    code, out, err = run(odd_root, "pipe", 100, ["timeline", "--year", "2014"])
    assert (code, out) == (0, expected) and "version" not in err
    with Chronicle.open(odd_root) as book:
        result = book.search("Aliyev")
        assert result.hits and not any("index" in note.lower() for note in result.notes), \
            result.notes
        _, listings = book.select_listings()
        assert listings == [entry.listing() for entry in book.select().entries]
    with open_catalog(find_chronicle(odd_root)) as catalog:
        # A watcher of the earlier version no longer vouches for this catalog.
        assert catalog.instance not in (None, instance)


def test_a_killed_upgrade_leaves_the_catalog_as_it_was(
        odd_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(odd_root, "pipe", 100, ["list"])
    make_earlier(odd_root)
    calls = 0

    def interrupted(data: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > 5:
            raise KeyboardInterrupt
        return stored_of(data)

    stored_of = Listing.stored_of
    with monkeypatch.context() as patched:
        patched.setattr(Listing, "stored_of", staticmethod(interrupted))
        with pytest.raises(KeyboardInterrupt):
            open_catalog(find_chronicle(odd_root))
    db = sqlite3.connect(odd_root / "index" / CATALOG_NAME)
    assert "listing" not in {row[1] for row in db.execute("PRAGMA table_info(entry_facts)")}
    assert db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0][0] == "5"
    db.close()
    code, out, err = run(odd_root, "pipe", 100, ["list"])
    assert code == 0 and err.count("earlier version") == 1


def test_a_catalog_of_any_other_version_is_still_rebuilt(odd_root: Path) -> None:
    code, expected, _ = run(odd_root, "pipe", 100, ["list", "--year", "2014"])
    make_earlier(odd_root, schema="4")
    code, out, err = run(odd_root, "pipe", 100, ["list", "--year", "2014"])
    assert (code, out) == (0, expected) and err.count("another version") == 1


def test_listings_of_a_catalog_whose_facts_were_never_filled(odd_root: Path) -> None:
    """Facts (and listings) missing from a catalog of this version are filled from the
    stored entries before a listing is read."""
    with Chronicle.open(odd_root) as book:
        expected = book.select_listings()[1]
    db = sqlite3.connect(odd_root / "index" / CATALOG_NAME)
    db.execute("DELETE FROM entry_facts")
    db.execute("DELETE FROM meta WHERE key = 'facts'")
    db.commit()
    db.close()
    with Chronicle.open(odd_root) as book:
        assert book.select_listings()[1] == expected


def test_an_entry_listing_is_a_listing() -> None:
    entry = hard_entries()[3]
    assert isinstance(entry, Entry)
    assert entry.listing()[:2] == (entry.id, entry.title)



@pytest.mark.parametrize("args", [["timeline", "--year", "2014"], ["list", "--year", "2014"],
                                  ["timeline", "--year", "1850"], ["list", "--year", "1850"],
                                  ["list", "--format", "json"]])
def test_listing_commands_read_without_the_cycle_collector_and_restore_it(
        odd_root: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from chronicle.catalog import Catalog

    seen: list[bool] = []
    for name in ("listings", "entries"):
        method = getattr(Catalog, name)
        monkeypatch.setattr(Catalog, name, lambda self, *a, method=method, **k: (
            seen.append(gc.isenabled()), method(self, *a, **k))[1])
    assert gc.isenabled()
    code, out, _ = run(odd_root, "pipe", 80, args)
    assert code == (1 if "1850" in args else 0)
    assert seen and not any(seen)
    assert gc.isenabled()  # also after "nothing found"


def test_twins_keep_the_same_file_whatever_order_the_rows_are_stored_in(
        odd_root: Path) -> None:
    """Two files of one id: the first by path is kept (the last, newest first), also when
    the catalog's rows are not stored in path order, so that SQL meets the later twin
    first."""
    location = find_chronicle(odd_root)
    with open_catalog(location) as catalog:
        catalog.refresh()
    db = sqlite3.connect(odd_root / "index" / CATALOG_NAME)
    for table in ("files", "entry_facts"):
        db.execute(f"CREATE TEMP TABLE moved AS SELECT * FROM {table} "
                   "WHERE relpath = 'odd/twice.yaml'")
        db.execute(f"DELETE FROM {table} WHERE relpath = 'odd/twice.yaml'")
        db.execute(f"INSERT INTO {table} SELECT * FROM moved")
        db.execute("DROP TABLE moved")
    db.commit()
    rowids = dict(db.execute("SELECT relpath, rowid FROM entry_facts "
                             "WHERE relpath LIKE 'odd/twice.y%'"))
    assert rowids["odd/twice.yaml"] > rowids["odd/twice.yml"]
    db.close()
    with open_catalog(location) as catalog:
        for reverse in (False, True):
            for filters in (Filters.build(year="2014"), Filters.build(tags=["a", "b"]), None):
                for read in (catalog.listings, catalog.entries):
                    titles = [item.title for item in read(filters, reverse=reverse)
                              if item.title.startswith("Twice")]
                    assert titles == (["Twice (yml)"] if reverse else ["Twice (yaml)"])
