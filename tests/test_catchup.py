"""The search index catching up with many changed entry files: a file whose entry did not
change (copied, restored, touched) costs the index nothing; whatever the route a large
catch-up takes, the index ends as a fresh rebuild would make it; a killed catch-up
leaves an index that answers, and the next command finishes the work."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from chronicle import index
from chronicle.catalog import open_catalog
from chronicle.config import Location, find_chronicle
from chronicle.index import lifecycle, locking, marks
from test_index import entry, found, make_chronicle, write_entry

QUERIES = ["Vucic", "Belgrade", "talks", "person:Nikolic", "tag:energy", "river OR bridge",
           "\"new bridge\"", "Kalemegdan", "year:2014", "NOT Belgrade"]


def _chronicle(root: Path, count: int = 30) -> Path:
    entries = {
        "a": entry("Vucic opens a bridge in Belgrade", "Talks on energy and roads.",
                   people=["Aleksandar Vučić"], places=["Belgrade"], tags=["energy"],
                   date="2014-03-06"),
        "b": entry("Nikolic visits Novi Sad", "Talks on the economy and trade.",
                   people=["Tomislav Nikolić"], places=["Novi Sad"], tags=["economy"],
                   date="2014-04-18"),
        "c": entry("Belgrade celebrates the bridge", "Vucic was not there.", date="2013-11",
                   places=["Belgrade"], tags=["civil war"]),
    }
    for number in range(count):
        entries[f"{2000 + number % 20}/n{number:03}"] = entry(
            f"Bridge number {number}", f"A new bridge over the river, number {number}.",
            date=f"{2000 + number % 20}-05-{1 + number % 28:02}", places=["Novi Sad"])
    return make_chronicle(root, entries)


def _indexed(root: Path, count: int = 30) -> tuple[Path, Location]:
    """`_chronicle`, with its search index built."""
    root = _chronicle(root, count)
    chronicle = find_chronicle(root)
    index.update(chronicle)
    return root, chronicle


def _answers(root: Path) -> dict[str, list[str]]:
    return {query: found(root, query) for query in QUERIES}


def _found_sets(root: Path) -> dict[str, set[str]]:
    # What each query finds. Not the order of equal scores, nor the scores themselves:
    # those follow the index's history (document numbers, and the documents an update
    # replaced, which still count in word statistics until their segment is merged).
    return {query: set(found(root, query)) for query in QUERIES}


def _no_index_work(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: object, **__: object) -> None:
        raise AssertionError("the search index was written")

    monkeypatch.setattr(lifecycle, "_apply", fail)
    monkeypatch.setattr(lifecycle, "_create", fail)


def _index_content(root: Path) -> dict[str, Any]:
    """Everything a search can read: each live document's stored fields, and each
    field's terms with the paths holding them (positions and weights included)."""
    chronicle = find_chronicle(root)
    with lifecycle.open_searcher(chronicle) as searcher:
        reader = searcher.reader()
        docs = list(reader.iter_docs())  # live documents only
        paths = {docnum: fields["path"] for docnum, fields in docs}
        stored = sorted(json.dumps(fields, sort_keys=True) for _, fields in docs)
        postings: dict[str, list[Any]] = {}
        for fieldname in searcher.schema.names():
            if not searcher.schema[fieldname].indexed:
                continue
            rows = []
            for term in reader.lexicon(fieldname):
                matcher = reader.postings(fieldname, term)
                while matcher.is_active():
                    docnum = matcher.id()
                    if docnum in paths:
                        spans = (list(matcher.value_as("positions"))
                                 if searcher.schema[fieldname].format.supports("positions")
                                 else None)
                        rows.append((term, paths[docnum], matcher.weight(), spans))
                    matcher.next()
            postings[fieldname] = sorted(rows, key=repr)
        return {"stored": stored, "postings": postings, "count": reader.doc_count()}


def _touch_all(root: Path) -> int:
    later = time.time() + 5
    count = 0
    for path in (root / "entries").rglob("*.yaml"):
        os.utime(path, (later, later))
        count += 1
    return count


# -- a file whose entry did not change ------------------------------------------------


def test_touching_every_file_costs_the_index_nothing(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from chronicle import feedback

    monkeypatch.setattr(feedback, "LARGE_CATCH_UP", 5)
    root, chronicle = _indexed(tmp_path / "c")
    before = _answers(root)
    touched = _touch_all(root)
    _no_index_work(monkeypatch)
    report = index.update(chronicle)
    # The catalog read them all again, and found no entry changed.
    assert f"Reading {touched} entry files new or changed since the last command." \
        in report.notices
    assert (report.added, report.updated, report.removed) == (0, 0, 0)
    assert report.indexed == 0 and not report.rebuilt
    assert not any("search index" in note for note in report.notices)
    assert _answers(root) == before


def test_a_copied_chronicle_costs_the_index_nothing(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = _chronicle(tmp_path / "c")
    index.update(find_chronicle(root))
    before = _answers(root)
    # As `cp -a` does: the same bytes and times, in new files (new inodes, new ctimes).
    copy = Path(shutil.copytree(root, tmp_path / "copy", symlinks=True))
    _no_index_work(monkeypatch)
    report = index.update(find_chronicle(copy))
    assert report.updated == 0 and report.indexed == 0 and not report.rebuilt
    assert _answers(copy) == before


def test_rewriting_a_file_as_the_same_entry_costs_the_index_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, chronicle = _indexed(tmp_path / "c")
    path = root / "entries" / "a.yaml"
    path.write_text("# a comment, and the fields in another order\n"
                    + "\n".join(reversed(path.read_text().splitlines())) + "\n")
    _no_index_work(monkeypatch)
    report = index.update(chronicle)
    assert report.updated == 0 and report.indexed == 0
    from chronicle.catalog.refreshing import read_manifest
    from chronicle.store import stat_entry_file

    with open_catalog(chronicle) as catalog:  # read again, all the same
        assert read_manifest(catalog.db)["a.yaml"] == stat_entry_file(path)
    assert set(found(root, "Vucic")) == {"a", "c"}


def test_a_changed_field_is_indexed_and_only_that_entry(tmp_path: Path) -> None:
    root, chronicle = _indexed(tmp_path / "c")
    _touch_all(root)
    write_entry(root, "b", entry("Nikolic in Novi Sad", "Talks at Kalemegdan.",
                                 date="2014-04-17", people=["Tomislav Nikolić"]))
    report = index.update(chronicle)
    assert report.indexed == 1
    assert found(root, "Kalemegdan") == ["b"]
    assert found(root, "economy") == []
    assert found(root, "tag:economy") == []


def test_a_file_moved_with_the_same_text_is_found_under_its_new_id(tmp_path: Path) -> None:
    root, chronicle = _indexed(tmp_path / "c")
    (root / "entries" / "moved").mkdir()
    os.rename(root / "entries" / "a.yaml", root / "entries" / "moved" / "a.yaml")
    report = index.update(chronicle)
    assert report.indexed == 1 and report.unindexed == 1
    assert set(found(root, "Vucic")) == {"moved/a", "c"}
    # Swapping two files' texts: same bytes in the tree, each id now another entry.
    first, second = root / "entries" / "b.yaml", root / "entries" / "c.yaml"
    texts = first.read_text(), second.read_text()
    first.write_text(texts[1])
    second.write_text(texts[0])
    index.update(chronicle)
    assert found(root, "person:Nikolic") == ["c"]
    assert "b" in found(root, "celebrates")


def test_an_entry_made_invalid_then_restored_is_dropped_then_found(tmp_path: Path) -> None:
    root, chronicle = _indexed(tmp_path / "c")
    path = root / "entries" / "a.yaml"
    good = path.read_text()
    path.write_text("title: [unclosed\n")
    assert found(root, "person:Vucic") == []
    path.write_text(good)
    assert found(root, "person:Vucic") == ["a"]


def test_an_alias_added_to_the_config_is_used_without_reindexing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, chronicle = _indexed(tmp_path / "c")
    assert found(root, "Neoplanta") == []
    config = json.loads((root / "chronicle.yaml").read_text())
    config["names"] = {"Novi Sad": ["Neoplanta"]}
    (root / "chronicle.yaml").write_text(json.dumps(config))
    _no_index_work(monkeypatch)
    assert len(found(root, "Neoplanta")) == 31


def test_marks_are_digests_of_the_entry_not_of_the_file(tmp_path: Path) -> None:
    root, chronicle = _indexed(tmp_path / "c", count=2)
    with open_catalog(chronicle) as catalog:
        before = dict(catalog.db.execute("SELECT relpath, digest FROM files"))
        _touch_all(root)
        catalog.refresh()
        after = dict(catalog.db.execute("SELECT relpath, digest FROM files"))
        assert after == before and None not in after.values()
        assert marks.is_current(catalog)


# -- a catch-up of many real changes --------------------------------------------------


def _change(root: Path, share: float) -> int:
    """Rewrite the first ``share`` of the files (some with the same entry), remove one
    and add one: how many entries the index must replace, drop or add."""
    paths = sorted((root / "entries").rglob("*.yaml"))
    changed = 0
    for number, path in enumerate(paths[: int(len(paths) * share)]):
        text = path.read_text()
        path.write_text(text.replace("river", f"canal{number % 3}"))
        changed += "river" in text
    (root / "entries" / "c.yaml").unlink()
    write_entry(root, "late", entry("Late arrival", "Kalemegdan and the new bridge."))
    return changed + 2


#: (share of the entries changed, the parallel threshold): one serial catch-up in place,
#: one parallel in place, two in a new generation (`FRESH_SHARE` set to 0.5 for them).
ROUTES = [(0.1, 2000), (0.3, 3), (0.6, 3), (1.0, 3)]
ROUTE_IDS = ["serial", "parallel-in-place", "new-generation", "all-new-generation"]


def _route(share: float, threshold: int) -> str:
    if share * 43 < threshold:
        return "serial"
    return "new generation" if share >= lifecycle.FRESH_SHARE else "in place"


@pytest.mark.parametrize(("share", "threshold"), ROUTES, ids=ROUTE_IDS)
def test_a_catch_up_leaves_the_index_a_rebuild_would_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, share: float, threshold: int
) -> None:
    from chronicle import feedback

    monkeypatch.setattr(lifecycle, "PARALLEL_THRESHOLD", threshold)
    monkeypatch.setattr(lifecycle, "FRESH_SHARE", 0.5)
    monkeypatch.setattr(feedback, "LARGE_CATCH_UP", 5)
    root, chronicle = _indexed(tmp_path / "c", count=40)
    generation = index.whoosh_dir(chronicle)
    changed = _change(root, share)
    copy = Path(shutil.copytree(root, tmp_path / "fresh", symlinks=True))
    shutil.rmtree(copy / "index")
    report = index.update(chronicle)
    assert not report.rebuilt
    new_generation = _route(share, threshold) == "new generation"
    # A new generation is handed every entry; in place, only the changed ones.
    assert report.indexed == (43 if new_generation else changed - 1)
    assert report.unindexed == 1
    # The notice counts what changed: the replaced entries, the new one, the removed one.
    updating = [note for note in report.notices if note.startswith("Updating the search")]
    assert updating == [f"Updating the search index: {changed} entries changed "
                        "since it was last updated."]
    assert (index.whoosh_dir(chronicle) != generation) == new_generation
    fresh = index.update(find_chronicle(copy))
    assert fresh.rebuilt
    assert _index_content(root) == _index_content(copy)
    assert _found_sets(root) == _found_sets(copy)
    with open_catalog(chronicle) as catalog:
        assert marks.is_current(catalog)
    again = index.update(chronicle)
    assert again.indexed == 0 and not again.notices


def _kill_mid_catch_up(root: str, ready: str, stop_at: int, workers: int = 0) -> None:
    """In a child process of its own group: a catch-up that stops for good at its
    ``stop_at``-th document (or later, once ``workers`` Whoosh workers have started),
    writing their ids into ``ready``."""
    import multiprocessing

    os.setpgrp()
    made = 0
    real = lifecycle.entry_document

    def slow_document(relpath: str, entry: Any) -> dict[str, Any]:
        nonlocal made
        made += 1
        started = multiprocessing.active_children()
        if made >= stop_at and len(started) >= workers:
            Path(ready).write_text(" ".join(str(worker.pid) for worker in started))
            time.sleep(600)
        return real(relpath, entry)

    lifecycle.entry_document = slow_document  # type: ignore[assignment]
    index.update(find_chronicle(Path(root)))


@pytest.mark.parametrize(("share", "threshold"), ROUTES, ids=ROUTE_IDS)
def test_a_killed_catch_up_leaves_an_index_that_answers_and_the_next_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, share: float, threshold: int
) -> None:
    import multiprocessing
    import signal

    monkeypatch.setattr(lifecycle, "PARALLEL_THRESHOLD", threshold)
    monkeypatch.setattr(lifecycle, "FRESH_SHARE", 0.5)
    monkeypatch.setattr(lifecycle, "PARALLEL_BATCH", 2)  # workers at work when killed
    root, chronicle = _indexed(tmp_path / "c", count=40)
    before = _index_content(root)
    changed = _change(root, share)
    ready = tmp_path / "ready"
    child = multiprocessing.get_context("fork").Process(
        target=_kill_mid_catch_up, args=(str(root), str(ready), max(1, changed // 2)))
    child.start()
    waited = 0.0
    while not ready.exists() and child.is_alive() and waited < 120:
        time.sleep(0.05)
        waited += 0.05
    assert ready.exists()
    os.killpg(child.pid, signal.SIGKILL)
    child.join()
    # The index in use is whole and as it was: every document and posting reads back.
    assert _index_content(root) == before
    report = index.update(chronicle)
    assert not report.rebuilt and report.indexed >= changed - 1
    copy = Path(shutil.copytree(root, tmp_path / "fresh", symlinks=True))
    shutil.rmtree(copy / "index")
    index.update(find_chronicle(copy))
    assert _index_content(root) == _index_content(copy)
    generations = [p for p in (root / "index").iterdir() if p.name.startswith("whoosh-")]
    assert len(generations) <= 3


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie left unreaped by the container's first process
    counts as ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def _wait_until(condition: Any, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _start_holding(tmp_path: Path, root: Path, stop_at: int) -> tuple[Any, list[int]]:
    import multiprocessing

    ready = tmp_path / "ready"
    child = multiprocessing.get_context("fork").Process(
        target=_kill_mid_catch_up, args=(str(root), str(ready), stop_at, 2))
    child.start()
    assert _wait_until(lambda: ready.exists() and ready.read_text() or not child.is_alive())
    return child, [int(pid) for pid in ready.read_text().split()]


def _half_made(root: Path) -> list[str]:
    return sorted(path.name for path in (root / "index").iterdir()
                  if (path / lifecycle.FILLING_FILE).exists() or path.name.endswith(".new"))


@pytest.mark.parametrize(("share", "threshold"), ROUTES[1:], ids=ROUTE_IDS[1:])
def test_workers_end_when_their_catch_up_alone_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, share: float, threshold: int
) -> None:
    import signal

    monkeypatch.setattr(lifecycle, "PARALLEL_THRESHOLD", threshold)
    monkeypatch.setattr(lifecycle, "FRESH_SHARE", 0.5)
    monkeypatch.setattr(lifecycle, "PARALLEL_BATCH", 2)  # two workers at work
    root, chronicle = _indexed(tmp_path / "c", count=40)
    before = _index_content(root)
    changed = _change(root, share)
    child, workers = _start_holding(tmp_path, root, 5)
    assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    os.kill(child.pid, signal.SIGKILL)  # the parent alone, as a closed terminal might
    child.join()
    # Its workers end with it, and with them the update lock they inherited.
    assert _wait_until(lambda: not any(_alive(pid) for pid in workers), 10)
    lock = locking.UpdateLock(chronicle.index_dir / locking.LOCK_FILE, 0)
    assert lock.acquire()
    lock.release()
    assert _index_content(root) == before
    report = index.update(chronicle, lock_timeout=5)
    assert report.indexed >= changed - 1
    # Nothing of the killed catch-up is left: no half-made generation, no run files.
    assert _half_made(root) == []
    assert not [p for p in index.whoosh_dir(chronicle).iterdir() if p.is_dir()]


def test_a_half_made_generation_is_cleared_by_a_later_command_never_while_filled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    monkeypatch.setattr(lifecycle, "PARALLEL_THRESHOLD", 3)
    monkeypatch.setattr(lifecycle, "PARALLEL_BATCH", 2)
    root, chronicle = _indexed(tmp_path / "c", count=40)
    originals = {path: path.read_bytes() for path in (root / "entries").rglob("*.yaml")}
    for path, data in originals.items():
        path.write_bytes(data.replace(b"Talks", b"Speeches").replace(b"river", b"canal"))
    child, workers = _start_holding(tmp_path, root, 5)  # filling a new generation
    filling = _half_made(root)
    assert len(filling) == 1 and filling[0].startswith("whoosh-")
    # The changes are undone: the index in use holds every entry as it is.
    for path, data in originals.items():
        path.write_bytes(data)
    # While a live command fills the new generation, others leave it alone.
    result = index.search(chronicle, "Vucic", limit=0)
    assert {hit.entry.id for hit in result.hits} == {"a", "c"}
    assert result.sync.indexed == 0
    assert _half_made(root) == filling
    os.killpg(child.pid, signal.SIGKILL)
    child.join()
    assert _wait_until(lambda: not any(_alive(pid) for pid in workers))
    # Killed, it owns nothing: the next command clears what it left.
    result = index.search(chronicle, "Vucic", limit=0)
    assert {hit.entry.id for hit in result.hits} == {"a", "c"}
    assert not result.sync.rebuilt and result.sync.indexed == 0 and not result.notes
    assert _half_made(root) == []
    assert [p.name for p in (root / "index").iterdir() if p.name.startswith("whoosh-")] == [
        index.whoosh_dir(chronicle).name]


def test_a_catalog_from_before_digests_is_rebuilt_once_with_a_notice(tmp_path: Path) -> None:
    from chronicle.catalog.schema import connect, version_stamp

    root, chronicle = _indexed(tmp_path / "c", count=3)
    db = connect(root / "index" / "catalog.sqlite")
    db.execute("DROP INDEX files_pending")
    db.execute("ALTER TABLE files DROP COLUMN digest")
    db.execute("CREATE INDEX files_pending ON files (relpath) WHERE indexed IS NOT sig")
    db.execute("UPDATE meta SET value = ? WHERE key = 'version'",
               ("4" + version_stamp()[1:],))
    db.close()
    first = index.search(find_chronicle(root), "Vucic", limit=0)
    assert {hit.entry.id for hit in first.hits} == {"a", "c"}
    assert sum("another version" in note for note in first.notes) == 1
    again = index.search(find_chronicle(root), "Vucic", limit=0)
    assert {hit.entry.id for hit in again.hits} == {"a", "c"}
    assert not any("index" in note.lower() for note in again.notes)
