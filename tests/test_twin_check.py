"""Twins (two files of one id, ``x.yaml`` and ``x.yml``) are found from a small partial
index of the files whose suffix is not the first, not by grouping every id: the same
answer as grouping gives, as files come and go, and where the index cannot be made."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from chronicle import Chronicle
from chronicle.catalog import CATALOG_NAME, facts
from chronicle.catalog.schema import load_entry
from chronicle.store import ENTRY_SUFFIXES


def grouped(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM entry_facts GROUP BY id HAVING count(*) > 1 LIMIT 1"
                      ).fetchone() is not None


def test_the_index_rests_on_how_ids_are_made(chronicle_root: Path) -> None:
    """An id is its path without the suffix, and the suffixes are the ones the index's
    condition names: so two files of one id cannot both end in the first."""
    assert ENTRY_SUFFIXES[0] == facts.FIRST_SUFFIX
    with Chronicle.open(chronicle_root) as book:
        book.refresh()
        for relpath, blob in book.catalog.db.execute(
                "SELECT relpath, entry FROM files WHERE valid = 1"):
            stem, suffix = relpath.rsplit(".", 1)
            assert load_entry(blob).id == stem and "." + suffix in ENTRY_SUFFIXES


@pytest.mark.parametrize(("files", "twins"), [
    ([], False),
    (["odd/x.yaml", "odd/x.yml"], True),
    (["odd/x.yml"], False),
    (["odd/x.yml", "odd/y.yml"], False),
    (["deep/er/x.yml", "deep/er/x.yaml", "deep/x.yml"], True),
    (["2014/2014-03-05-commission.yml"], True),  # beside the sample's .yaml
])
def test_twins_are_found_as_grouping_finds_them(chronicle_root: Path, files: list[str],
                                                 twins: bool) -> None:
    entries = chronicle_root / "entries"
    for relpath in files:
        (entries / relpath).parent.mkdir(parents=True, exist_ok=True)
        (entries / relpath).write_text(f"title: {relpath}\ndate: 2014-05-01\n",
                                       encoding="utf-8")
    with Chronicle.open(chronicle_root) as book:
        book.refresh()
        facts.ensure_facts(book.catalog)
        db = book.catalog.db
        assert facts.has_twins(db) is grouped(db) is twins
        plan = " ".join(str(row) for row in db.execute(
            f"EXPLAIN QUERY PLAN {facts.TWIN_QUERY}"))
        assert "entry_facts_other_suffix" in plan
    # One of each pair removed: no twins any more.
    for relpath in files:
        if relpath.endswith(".yml"):
            (entries / relpath).unlink()
    with Chronicle.open(chronicle_root) as book:
        book.refresh()
        assert not facts.has_twins(book.catalog.db) and not grouped(book.catalog.db)


def test_a_read_only_catalog_without_the_index_groups_every_id(chronicle_root: Path) -> None:
    from chronicle.config import find_chronicle

    entries = chronicle_root / "entries"
    (entries / "odd").mkdir()
    for suffix in (".yaml", ".yml"):
        (entries / "odd" / f"x{suffix}").write_text("title: X\ndate: 2014\n",
                                                    encoding="utf-8")
    with Chronicle.open(chronicle_root) as book:
        book.refresh()
        facts.ensure_facts(book.catalog)
        book.catalog.db.execute("DROP INDEX IF EXISTS entry_facts_other_suffix")
    path = find_chronicle(chronicle_root).index_dir / CATALOG_NAME
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        assert facts.has_twins(db)
        assert db.execute("SELECT 1 FROM sqlite_master WHERE name = "
                          "'entry_facts_other_suffix'").fetchone() is None
    finally:
        db.close()
