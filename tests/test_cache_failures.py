"""A cache that cannot be written is never a reason to fail a read or to delete it."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from chronicle import config
from chronicle.catalog import open_catalog
from chronicle.config import find_chronicle


def refuse_index_folder(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make ``index/`` (and the root) unwritable as os.access tells a read-only file
    system or a folder of another user (tests may run as root, where chmod does not)."""
    real_access = config.os.access
    index_dir = root / "index"
    monkeypatch.setattr(
        config.os,
        "access",
        lambda path, mode: (
            False if Path(path) in (index_dir, root) else real_access(path, mode)
        ),
    )
    monkeypatch.setattr(config, "_cache_dirs", {})
    return index_dir


def test_an_unwritable_index_folder_moves_the_cache_to_the_user_cache(
    cli: Any, chronicle_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_dir = refuse_index_folder(chronicle_root, monkeypatch)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    listed = cli("list", "--format", "ids")
    assert listed.exit_code == 0, listed.stderr
    assert len(listed.stdout.split()) == 6
    notices = [line for line in listed.stderr.splitlines() if "cannot be written" in line]
    assert len(notices) == 1 and str(tmp_path / "cache" / "chronicle") in notices[0]
    searched = cli("search", "Vucic", "--format", "ids")
    assert searched.exit_code == 0, searched.stderr
    assert searched.stdout.split()
    assert not (index_dir / "catalog.sqlite").exists()
    assert list((tmp_path / "cache" / "chronicle").glob("*/catalog.sqlite"))


def test_a_full_disk_is_not_damage_and_the_cache_is_kept(chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    catalog = open_catalog(chronicle)
    catalog.refresh()
    catalog.close()
    path = chronicle_root / "index" / "catalog.sqlite"
    (chronicle_root / "entries" / "new.yaml").write_text(
        "title: New\ndate: 2015\nbody: " + "words " * 20000 + "\n"
    )
    notices: list[str] = []
    catalog = open_catalog(chronicle, notices)
    # A full disk, as SQLite reports it: no page beyond those the file has.
    (pages,) = catalog.db.execute("PRAGMA page_count").fetchone()
    catalog.db.execute(f"PRAGMA max_page_count = {pages}")
    report = catalog.refresh()
    assert catalog.get("new") is not None and catalog.count() == 7
    assert any("could not be updated" in n and "full" in n for n in report.notices)
    catalog.close()
    assert path.exists()
    again = open_catalog(chronicle, notices)
    assert again.get("2014/2014-year") is not None
    again.close()
    assert not any("damaged" in n for n in notices)


def test_only_damage_deletes_the_catalog(chronicle_root: Path) -> None:
    from chronicle.catalog.schema import is_damage

    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # type: ignore[attr-defined]
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    readonly.sqlite_errorcode = 8  # type: ignore[attr-defined]
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    corrupt.sqlite_errorcode = 11  # type: ignore[attr-defined]
    assert not is_damage(full) and not is_damage(readonly) and is_damage(corrupt)


@pytest.mark.parametrize("command", ["add", "import"])
def test_a_write_kept_on_a_full_disk_is_said_saved_not_failed(
    cli: Any, chronicle_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    from chronicle.index import marks

    # The entry file fits; SQLite then finds no room to record what the index holds.
    def disk_full(*args: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(marks, "mark_indexed", disk_full)
    if command == "add":
        result = cli("add", "--title", "Saved on a full disk", "--date", "2015-01-02")
    else:
        source = tmp_path / "new.json"
        source.write_text('[{"title": "Saved on a full disk", "date": "2015-01-02"}]')
        result = cli("import", str(source))
    assert result.exit_code == 0, result.stderr
    assert "The change is saved" in result.stderr and "full" in result.stderr
    saved = list((chronicle_root / "entries").rglob("2015-01-02-saved-on-a-full-disk.yaml"))
    assert len(saved) == 1


@pytest.mark.parametrize("query", ["Vucic", "Caesar", "date:2014"])
def test_search_works_in_memory_when_no_cache_folder_can_be_written(
    cli: Any, chronicle_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    query: str,
) -> None:
    # index/ not writable, and the user's cache folder cannot be made either (its
    # parent is a file).
    real_access = config.os.access
    refuse_index_folder(chronicle_root, monkeypatch)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked / "cache"))
    expected = cli("list", "--format", "ids").stdout.split()
    searched = cli("search", query, "--format", "ids", "--limit", "0")
    assert searched.exit_code == 0, searched.stderr
    assert searched.stdout.split()
    assert set(searched.stdout.split()) <= set(expected)
    notices = [line for line in searched.stderr.splitlines() if "built in memory" in line]
    assert len(notices) == 1, searched.stderr
    assert "Error" not in searched.stderr
    # The same answer as a search with a cache on disk.
    monkeypatch.setattr(config.os, "access", real_access)
    monkeypatch.setattr(config, "_cache_dirs", {})
    from chronicle.index import lifecycle

    monkeypatch.setattr(lifecycle, "_in_memory", {})
    on_disk = cli("search", query, "--format", "ids", "--limit", "0")
    assert on_disk.stdout.split() == searched.stdout.split()
    # timeline and export with a query search too.
    refuse_index_folder(chronicle_root, monkeypatch)
    assert cli("export", query, "--format", "json").exit_code == 0
