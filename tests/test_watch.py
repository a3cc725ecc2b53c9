"""`chronicle watch`: commands skip the scan only when the watcher vouches, and then see
exactly what a full scan would."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from chronicle import catalog as catalog_module
from chronicle import index
from chronicle.config import Location, find_chronicle
from chronicle.index.lifecycle import SyncReport
from chronicle.store import load_all
from chronicle.watcher import Watcher, confirm_current, socket_path

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="Unix sockets")


@contextmanager
def watching(root: Path) -> Iterator[Watcher]:
    """A watcher of the chronicle at ``root``, in a thread, ready; stopped at the end."""
    watcher = Watcher(find_chronicle(root))
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        assert watcher.ready.wait(30), "the watcher did not start"
        yield watcher
    finally:
        watcher.stop()
        thread.join(10)
    assert not thread.is_alive()


@pytest.fixture
def watched(chronicle_root: Path) -> Iterator[Watcher]:
    with watching(chronicle_root) as watcher:
        yield watcher


def fast_and_full(root: Path) -> tuple[list[dict], list[dict], bool]:
    """Entries as a command sees them with the watcher, and by parsing every file."""
    chronicle = find_chronicle(root)
    selection = catalog_module.select(chronicle)
    parsed = sorted(load_all(chronicle).entries, key=lambda e: (e.sort_key, e.id))
    fast = sorted(selection.entries, key=lambda e: (e.sort_key, e.id))
    return [e.to_dict() for e in fast], [e.to_dict() for e in parsed], selection.report.watched


def instance_of(chronicle: Location) -> str:
    catalog = catalog_module.open_catalog(chronicle)
    try:
        assert catalog.instance
        return catalog.instance
    finally:
        catalog.close()


def edit_in_place(path: Path, old: str, new: str) -> str:
    """Change a file as an editor that writes in place (no rename) does: same inode,
    new words; its new text."""
    with open(path, "r+", encoding="utf-8") as handle:
        text = handle.read().replace(old, new)
        handle.seek(0)
        handle.write(text)
        handle.truncate()
    return text


def search_ids(root: Path, text: str) -> list[str]:
    return sorted(hit.entry.id for hit in index.search(find_chronicle(root), text).hits)


def test_every_kind_of_change_is_seen_without_a_scan(watched: Watcher, chronicle_root: Path,
                                                     tmp_path: Path) -> None:
    entries = chronicle_root / "entries"
    target = entries / "2014" / "2014-03-05-commission.yaml"

    text = edit_in_place(target, "Intergovernmental commission meets",
                         "Zanzibar delegation arrives")
    steps = ["edit in place"]
    fast, full, was_watched = fast_and_full(chronicle_root)
    assert was_watched and fast == full
    assert "2014/2014-03-05-commission" in search_ids(chronicle_root, "Zanzibar")

    # An editor that writes a new file and renames it over the old one.
    replacement = entries / "2014" / ".commission.yaml.swp"
    replacement.write_text(text.replace("Zanzibar", "Quetzal"), encoding="utf-8")
    os.replace(replacement, target)
    steps.append("rename over")
    fast, full, was_watched = fast_and_full(chronicle_root)
    assert was_watched and fast == full, steps
    assert search_ids(chronicle_root, "Zanzibar") == []
    assert search_ids(chronicle_root, "Quetzal") == ["2014/2014-03-05-commission"]

    # A new folder with a file written at once, a removed file, a hidden file.
    (entries / "2030").mkdir()
    (entries / "2030" / "future.yaml").write_text("title: Quetzal congress\ndate: 2030-05-01\n",
                                                  encoding="utf-8")
    (entries / "2014" / "2014-year.yaml").unlink()
    (entries / ".hidden.yaml").write_text("title: Quetzal hidden\ndate: 2030\n", encoding="utf-8")
    fast, full, was_watched = fast_and_full(chronicle_root)
    assert was_watched and fast == full
    assert search_ids(chronicle_root, "Quetzal") == ["2014/2014-03-05-commission",
                                                      "2030/future"]

    # A whole folder moved out of entries/, and another moved in.
    shutil.move(str(entries / "2014"), str(tmp_path / "moved-away"))
    outside = tmp_path / "incoming"
    outside.mkdir()
    (outside / "arrived.yaml").write_text("title: Quetzal arrives\ndate: 1999\n",
                                          encoding="utf-8")
    shutil.move(str(outside), str(entries / "1999"))
    fast, full, was_watched = fast_and_full(chronicle_root)
    assert was_watched and fast == full
    assert search_ids(chronicle_root, "Quetzal") == ["1999/arrived", "2030/future"]

    # An invalid file is reported as a scan would report it.
    (entries / "broken.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    chronicle = find_chronicle(chronicle_root)
    selection = catalog_module.select(chronicle)
    assert selection.report.watched
    assert [p.path for p in selection.problems] == [p.path for p in load_all(chronicle).problems]


def test_without_a_watcher_commands_scan(chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    assert not confirm_current(chronicle, instance_of(chronicle))
    # A socket left by a watcher that died: nobody listens.
    path = socket_path(chronicle)
    path.parent.mkdir(exist_ok=True)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))
    dead.close()
    assert not confirm_current(chronicle, instance_of(chronicle), timeout=0.5)
    (chronicle_root / "entries" / "new.yaml").write_text("title: Zanzibar\ndate: 2001\n",
                                                         encoding="utf-8")
    fast, full, was_watched = fast_and_full(chronicle_root)
    assert not was_watched and fast == full


def test_a_watcher_that_does_not_answer_is_not_trusted(chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    path = socket_path(chronicle)
    path.parent.mkdir(exist_ok=True)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as silent:
        silent.bind(str(path))
        silent.listen(1)  # accepts, never answers
        assert not confirm_current(chronicle, instance_of(chronicle), timeout=0.3)


def test_a_stopped_watcher_hands_back_to_the_scan(watched: Watcher,
                                                  chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    assert confirm_current(chronicle, instance_of(chronicle))
    with pytest.raises(OSError, match="already serving"):
        Watcher(chronicle).run()
    watched.stop()
    for _ in range(100):
        if not socket_path(chronicle).exists():
            break
        threading.Event().wait(0.05)
    assert not socket_path(chronicle).exists()
    (chronicle_root / "entries" / "late.yaml").write_text("title: Late\ndate: 2002\n",
                                                          encoding="utf-8")
    fast, full, was_watched = fast_and_full(chronicle_root)
    assert not was_watched and fast == full


@pytest.mark.parametrize("rescan_above", [3, 2000], ids=["rescan", "path-by-path"])
def test_touching_every_file_under_the_watcher_costs_the_index_nothing(
    chronicle_root: Path, monkeypatch: pytest.MonkeyPatch, rescan_above: int
) -> None:
    import time

    from chronicle import watcher as watcher_module
    from chronicle.index import lifecycle

    monkeypatch.setattr(watcher_module, "RESCAN_ABOVE", rescan_above)
    index.update(find_chronicle(chronicle_root))
    before = search_ids(chronicle_root, "commission")
    assert before
    with watching(chronicle_root):
        written: list[str] = []

        def fail(*_: object, **__: object) -> None:
            written.append("index")
            raise AssertionError("the search index was written")

        monkeypatch.setattr(lifecycle, "_apply", fail)
        monkeypatch.setattr(lifecycle, "_create", fail)
        later = time.time() + 5
        for path in (chronicle_root / "entries").rglob("*.yaml"):
            os.utime(path, (later, later))
        fast, full, was_watched = fast_and_full(chronicle_root)
        assert was_watched and fast == full
        assert search_ids(chronicle_root, "commission") == before
        assert written == []


@pytest.mark.parametrize("how", ["deleted", "other version"])
def test_a_catalog_made_since_is_not_vouched_for_until_the_watcher_fills_it(
    watched: Watcher, chronicle_root: Path, how: str
) -> None:
    """A catalog rebuilt under a running watcher (index/ deleted, another version of
    chronicle) starts empty: the watcher must not vouch for it as if it held its changes.
    The command scans, and the watcher then keeps the new catalog in step."""
    import sqlite3

    chronicle = find_chronicle(chronicle_root)
    fast, full, was_watched = fast_and_full(chronicle_root)
    assert was_watched and fast == full and full
    catalog_file = chronicle.index_dir / "catalog.sqlite"
    if how == "deleted":
        for name in ("catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"):
            (chronicle.index_dir / name).unlink(missing_ok=True)
    else:
        with sqlite3.connect(catalog_file) as db:
            db.execute("UPDATE meta SET value = 'another' WHERE key = 'version'")
    # An empty catalog asks the watcher first; it must not be told "nothing changed".
    fresh = catalog_module.open_catalog(chronicle)
    try:
        assert not confirm_current(chronicle, fresh.instance or "")
    finally:
        fresh.close()
    # Whether the command scanned or the watcher has refilled the catalog by now, it
    # sees every entry.
    fast, full, _ = fast_and_full(chronicle_root)
    assert fast == full
    # The watcher rescans into the new catalog and vouches for it again, and a change
    # made now is seen without a scan.
    (chronicle_root / "entries" / "later.yaml").write_text("title: Quokka\ndate: 2003\n",
                                                           encoding="utf-8")
    for _ in range(200):
        fast, full, was_watched = fast_and_full(chronicle_root)
        if was_watched:
            break
        threading.Event().wait(0.05)
    assert was_watched and fast == full
    assert "Quokka" in [entry["title"] for entry in fast]


@pytest.mark.parametrize("link", ["folder link", "file link", "hard link"])
def test_entries_a_change_elsewhere_can_reach_are_never_vouched_for(
        chronicle_root: Path, tmp_path: Path, link: str) -> None:
    """File events come for the path written to only: a change made through a linked
    folder's or file's real path, or through a hard link's other name, raises none
    under entries/. The watcher cannot see those entries change, so it lets every
    command check the files, and answers are what a full parse gives."""
    shared = tmp_path / "shared"
    shared.mkdir()
    target = shared / "far.yaml"
    target.write_text('title: Faraway Quokkaword\ndate: "2014"\n', encoding="utf-8")
    entries = chronicle_root / "entries"
    if link == "folder link":
        (entries / "shared").symlink_to(shared)
    elif link == "file link":
        (entries / "far.yaml").symlink_to(target)
    else:
        os.link(target, entries / "far.yaml")
    chronicle = find_chronicle(chronicle_root)
    with watching(chronicle_root) as watcher:
        assert search_ids(chronicle_root, "Quokkaword")
        edit_in_place(target, "Quokkaword", "Wombatword")  # through the other path
        fast, full, was_watched = fast_and_full(chronicle_root)
        assert not was_watched
        assert fast == full
        # The watcher may be applying the same change (inotify follows a folder link
        # that was there when the watch began): a search meanwhile reads the index as
        # it stands, says so, and the next one catches up.
        deadline = time.monotonic() + 30
        while (index.search(chronicle, "Wombatword").sync or SyncReport()).stale \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        assert search_ids(chronicle_root, "Wombatword")
        assert not search_ids(chronicle_root, "Quokkaword")
        assert watcher.describe()["blind"] == ("shared/" if link == "folder link"
                                               else "far.yaml")
        # Asked while it cannot vouch, it is still idle: its idle limit still ends it.
        asked = watcher._last_request
        assert not confirm_current(chronicle, instance_of(chronicle), timeout=5)
        assert watcher._last_request == asked


def test_a_request_taken_before_the_watcher_went_blind_is_answered_no(
        chronicle_root: Path) -> None:
    from chronicle.watcher import _Request

    watcher = Watcher(find_chronicle(chronicle_root))
    watcher._instance = "catalog-1"
    mine, theirs = socket.socketpair()
    with mine, theirs:
        watcher._requests.append(_Request(theirs, "cookie-1", time.monotonic(), "catalog-1"))
        watcher.blind = "far.yaml"  # set by the applying thread meanwhile
        watcher._answer({"cookie-1"})
        assert mine.recv(16) == b"no\n"


def test_file_events_inside_another_chronicle_below_entries_are_not_this_one_s(
        chronicle_root: Path) -> None:
    """The scan leaves a chronicle inside entries/ to itself, so its own work (a catalog,
    an index generation made and swapped) is no change here and asks no rescan."""
    from chronicle.watcher import classify

    entries = chronicle_root / "entries"
    inner = entries / "inner"
    (inner / "index" / "whoosh-1").mkdir(parents=True)
    (inner / "entries" / "2014").mkdir(parents=True)
    (inner / "chronicle.yaml").write_text("title: Inner\n", encoding="utf-8")
    (inner / "entries" / "2014" / "x.yaml").write_text('title: X\ndate: "2014"\n',
                                                       encoding="utf-8")
    changed = [str(inner / "index" / "whoosh-1"), str(inner / "index" / "catalog.sqlite"),
               str(inner / "entries" / "2014" / "x.yaml")]
    batch = classify(entries, changed, lambda relpath: False)
    assert not batch.rescan and not batch.paths
    # The folder appearing, or its chronicle.yaml coming or going, is this chronicle's
    # change: the rescan finds whether it is another chronicle.
    assert classify(entries, [str(inner)], lambda relpath: False).rescan
    assert classify(entries, [str(inner / "chronicle.yaml")], lambda relpath: False).rescan
    mine = entries / "2014" / "2014-03-05-commission.yaml"
    assert classify(entries, [str(mine)], lambda relpath: False).paths == {
        "2014/2014-03-05-commission.yaml"}
