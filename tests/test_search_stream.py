"""A search's hits made a batch at a time as they are written (``stream``) are the
hits, in the order, that making them all at once gave (`search_reference`), and the
command writes the same bytes in every format, however many hits and batches."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import search_reference as reference
from chronicle.api import Chronicle
from chronicle.catalog import open_catalog
from chronicle.cli import app
from chronicle.config import find_chronicle
from chronicle.controls import escape_controls
from chronicle.index import searching
from chronicle.index.lifecycle import open_searcher
from chronicle.index.querylang import parse_or_fallback
from chronicle.names import NameRegistry
from chronicle.query import Filters
from conftest import generator

#: Two files of one id: one hit, at its first place.
TWINS = {
    "twin.yaml": "title: Commission twin A\ndate: 2001-02-03\nsummary: government\n",
    "twin.yml": "title: Commission twin B\ndate: 2001-02-04\n",
}
ODD_ENTRIES = {
    "controls.yaml": (
        "title: \"Bell \\a commission \\e[31m red \\u2028 Ünïcødé 漢字\"\ndate: 2014-04\n"
        "summary: \"Tab\\tand CR\\r government\"\nplaces: [Kraków]\n"
    ),
    "vague.yaml": "title: Ambassador sometime\ndate: 1990\nend: 1995\n",
}

QUERIES = [
    "commission OR government OR ambassador OR the",
    "government OR comission",  # exact and variant hits: tier before score
    "govern*",
    '"foreign minister"',
    "comission",  # a typo: near spellings
    "Vucic OR Вучић OR ambasador",
    "title:commission OR ambassador NOT government",
]


def made(root: Path, count: int, odd: dict[str, str]) -> Path:
    generator()(root, count, seed=5, invalid=2)
    for name, text in odd.items():
        (root / "entries" / name).write_text(text, encoding="utf-8")
    with Chronicle(find_chronicle(root)) as book:
        book.update_index()
    return root


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made(tmp_path_factory.mktemp("searchstream") / "chron", 300, ODD_ENTRIES)


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made(tmp_path_factory.mktemp("searchtwins") / "chron", 40, {**ODD_ENTRIES, **TWINS})


def reference_hits(root: Path, text: str, filters: Filters | None, sort: str,
                   limit: int | None, details: bool = True) -> list[Any]:
    location = find_chronicle(root)
    registry = NameRegistry.from_config(location.config.names)
    parsed = parse_or_fallback(text)
    with open_catalog(location) as catalog, open_searcher(location) as searcher:
        outcome = searching._Search(searcher, parsed, filters, registry, limit, sort,
                                    details=details, names=catalog.name_matcher(registry))
        outcome.run(False)
        return reference.hits(catalog, outcome, parsed, filters, sort, details)


FILTERS = {"none": None, "span": Filters.build(from_="1950", to="2010"),
           "place": Filters.build(places=["Kraków"])}


@pytest.mark.parametrize("sort", ["relevance", "date"])
@pytest.mark.parametrize("text", QUERIES)
def test_streamed_hits_are_the_hits(generated: Path, text: str, sort: str,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Small batches: many of them, and a twin's two files in different ones.
    monkeypatch.setattr(searching.PendingHits, "BATCH", 7)
    for scope, filters in FILTERS.items():
        for limit in (None, 3) if scope == "none" else (None,):
            want = reference_hits(generated, text, filters, sort, limit)
            with Chronicle(find_chronicle(generated)) as book:
                streamed = book.search(text, filters=filters, limit=limit, sort=sort,
                                       stream=True)
                assert streamed.hits == [] and streamed.pending is not None
                assert streamed.has_hits() == bool(want)
                ids = list(streamed.iter_ids())
                assert streamed.shown == len(want)
                got = list(streamed.iter_hits())
                whole = book.search(text, filters=filters, limit=limit, sort=sort)
            assert got == want, (text, scope, limit)
            assert whole.hits == want
            assert ids == [hit.entry.id for hit in want]
            assert streamed.shown == len(want)
            if scope == "none" and limit is None and text == QUERIES[0]:
                assert len(want) > 150  # most of the chronicle


def test_without_details_and_without_a_catalog_of_its_own(generated: Path) -> None:
    text = QUERIES[0]
    want = reference_hits(generated, text, None, "relevance", None, details=False)
    with Chronicle(find_chronicle(generated)) as book:
        got = book.search(text, limit=None, details=False, stream=True)
        assert list(got.iter_hits()) == want
    from chronicle.index import search

    # No catalog handed over: nothing to keep open, so the hits are made at once.
    alone = search(find_chronicle(generated), text, limit=None, details=False, stream=True)
    assert alone.pending is None and alone.hits == want


def test_an_entry_gone_from_the_catalog_is_left_out(generated: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the search and the reading of its batches an entry can go (or the index
    lag the catalog): its hit is left out, in both ways of reading."""
    text = QUERIES[0]
    want = reference_hits(generated, text, None, "relevance", None)
    gone = {want[1].entry.id, want[10].entry.id}
    from chronicle.catalog import Catalog

    get_many, held_ids = Catalog.get_many, Catalog.held_ids
    monkeypatch.setattr(Catalog, "get_many", lambda self, ids: {
        k: v for k, v in get_many(self, ids).items() if k not in gone})
    monkeypatch.setattr(Catalog, "held_ids", lambda self, ids: held_ids(self, ids) - gone)
    monkeypatch.setattr(searching.PendingHits, "BATCH", 5)
    with Chronicle(find_chronicle(generated)) as book:
        result = book.search(text, limit=None, stream=True)
        ids = list(result.iter_ids())
        hits = list(result.iter_hits())
    kept = [hit for hit in want if hit.entry.id not in gone]
    assert hits == kept and ids == [hit.entry.id for hit in kept]
    assert result.shown == len(kept) == len(want) - 2


def run(root: Path, *args: str) -> Any:
    runner = CliRunner()
    return runner.invoke(app, ["--root", str(root), *args], env={"CHRONICLE_WATCH": "0"},
                         catch_exceptions=False)


@pytest.mark.parametrize("fmt", ["table", "json", "ids"])
@pytest.mark.parametrize("args", [
    (QUERIES[0], "--limit", "0"),
    (QUERIES[0], "--limit", "0", "--sort", "date", "--year", "2001"),
    ("comission", "--limit", "0", "--place", "Kraków"),
    ("zzqqxxvvkk",),
])
def test_the_command_writes_the_same_bytes(generated: Path, fmt: str, args: tuple[str, ...],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(searching.PendingHits, "BATCH", 11)
    text, rest = args[0], list(args[1:])
    limit = int(rest[rest.index("--limit") + 1]) if "--limit" in rest else 20
    sort = "date" if "--sort" in rest else "relevance"
    filters = (Filters.build(year="2001") if "--year" in rest else
               Filters.build(places=["Kraków"]) if "--place" in rest else Filters())
    want = reference_hits(generated, text, filters, sort, limit or None)
    result = run(generated, "search", *args, "--format", fmt)
    if fmt == "table":
        expected = escape_controls(reference.results_plain(want))
    elif fmt == "json":
        expected = reference.results_json(want)
    else:
        expected = reference.results_ids(want)
    assert result.stdout == expected
    assert result.exit_code == (0 if want else 1)
    if not want:
        assert "No entries match" in result.stderr
    elif fmt == "table":
        total = result.stderr.strip().splitlines()[-1]
        assert total.endswith(("found.", "shows all)."))
        assert str(len(want)) in total


@pytest.mark.parametrize("text", [QUERIES[0], "government OR comission"])
def test_twin_ids_give_one_hit_at_its_first_place(twins: Path, text: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(searching.PendingHits, "BATCH", 2)
    for sort in ("relevance", "date"):
        want = reference_hits(twins, text, None, sort, None)
        with Chronicle(find_chronicle(twins)) as book:
            streamed = book.search(text, limit=None, sort=sort, stream=True)
            assert list(streamed.iter_ids()) == [hit.entry.id for hit in want]
            assert list(streamed.iter_hits()) == want
        assert [hit.entry.id for hit in want].count("twin") == 1


def reference_find(book: Chronicle, text: str, filters: Filters | None) -> tuple[list, list]:
    """What `Chronicle.find` gave before it searched for ids alone: the entries of every
    hit, in chronicle order, and the search's notes."""
    result = book.search(text, filters=filters, limit=None, sort="date")
    return sorted((hit.entry for hit in result.hits), key=lambda e: e.sort_key), result.notes


@pytest.mark.parametrize("root", ["generated", "twins"])
def test_find_and_its_listings_are_the_hits_entries(root: str,
                                                    request: pytest.FixtureRequest) -> None:
    """From the catalog's rows in order (no twin ids) or from the entries (twins)."""
    folder = request.getfixturevalue(root)
    for text in [*QUERIES, "zzqqxxvvkk", "comission OR vague"]:
        for filters in FILTERS.values():
            with Chronicle(find_chronicle(folder)) as book:
                entries, notes = reference_find(book, text, filters)
                found = book.find(text, filters)
                listed_found, listings = book.find_listings(text, filters)
            assert found.entries == entries and found.notes == notes, (text, filters)
            assert listings == [entry.listing() for entry in entries]
            assert listed_found.notes == notes and not listed_found.problems
