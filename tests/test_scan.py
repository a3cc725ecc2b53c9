"""The stat scan of entries/ and the digest that answers "nothing changed".

The scan keeps its findings compactly and compares one digest with the catalog's; these
tests hold it to the plain scan it replaced (one stat per path, a signature string each,
kept below as the reference) on trees as hostile as a user's can be, and show that the
digest changes exactly when a signature does, for every change a user can make.
"""

from __future__ import annotations

import errno
import marshal
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any

import pytest

from chronicle.catalog import open_catalog, refreshing
from chronicle.config import find_chronicle
from chronicle.store import scan_entry_files
from chronicle.store.files import EntryScan, scan_entries

UNREADABLE = "!"


# -- the reference: the scan as it was, one stat and one signature string per path ------

def reference_scan(entries_dir: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        root = os.stat(entries_dir)
    except OSError:
        return found
    if not S_ISDIR(root.st_mode):
        return found
    seen = {(root.st_dev, root.st_ino): entries_dir.name + "/"}
    real_entries = os.path.realpath(entries_dir)
    stack: list[tuple[str, str]] = [(str(entries_dir), "")]
    links: list[tuple[str, str]] = []
    while stack or links:
        if not stack:
            path, relpath = links.pop()
            try:
                stat = os.stat(path)
            except OSError as err:
                found[relpath + "/"] = _reference_link_problem(path, err)
                continue
            key = (stat.st_dev, stat.st_ino)
            if key in seen:
                found[relpath + "/"] = f"{UNREADABLE}is a link to a folder already read ({seen[key]})"
                continue
            real = os.path.realpath(path)
            if real_entries == real or real_entries.startswith(real.rstrip(os.sep) + os.sep):
                found[relpath + "/"] = (f"{UNREADABLE}is a symbolic link that loops (to a "
                                        f"folder holding {entries_dir.name}/)")
                continue
            seen[key] = f"{entries_dir.name}/{relpath}/"
            stack.append((path, relpath + "/"))
            continue
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as listing:
                items = list(listing)
        except OSError as err:
            if prefix:
                found[prefix] = f"{UNREADABLE}cannot be read: {err.strerror or err}"
            continue
        for item in items:
            name = item.name
            if name.startswith("."):
                continue
            relpath = prefix + name
            try:
                if name.endswith((".yaml", ".yml")):
                    found[relpath] = _reference_signature(item.path)
                elif item.is_symlink():
                    if item.is_dir():
                        links.append((item.path, relpath))
                    elif not os.path.exists(item.path) and "." not in name:
                        try:
                            os.stat(item.path)
                        except OSError as err:
                            found[relpath + "/"] = _reference_link_problem(item.path, err)
                elif item.is_dir(follow_symlinks=False):
                    stat = item.stat(follow_symlinks=False)
                    key = (stat.st_dev, stat.st_ino)
                    if key in seen:
                        found[relpath + "/"] = f"{UNREADABLE}is a folder already read ({seen[key]})"
                        continue
                    seen[key] = f"{entries_dir.name}/{relpath}/"
                    stack.append((item.path, relpath + "/"))
            except OSError as err:
                found[relpath] = f"{UNREADABLE}cannot be read: {err.strerror or err}"
    return found


def _reference_signature(path: str) -> str:
    try:
        stat = os.stat(path)
    except OSError as err:
        if os.path.islink(path):
            return _reference_link_problem(path, err)
        raise
    if not S_ISREG(stat.st_mode):
        return f"{UNREADABLE}is not a regular file"
    return f"{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_size}"


def _reference_link_problem(path: str, err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return f"{UNREADABLE}is a symbolic link that loops"
    if err.errno in (errno.ENOENT, errno.ENOTDIR):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"{UNREADABLE}is a symbolic link to nothing ({target})"
    return f"{UNREADABLE}cannot be read: {err.strerror or err}"


# -- hostile trees ------------------------------------------------------------------------

def entry(title: str, year: int = 2001) -> str:
    return f"title: {title}\ndate: {year}\n"


def hostile_tree(root: Path) -> Path:
    """entries/ with every kind of path the scan must report or skip, beside a chronicle's
    own folder and a shared folder elsewhere."""
    entries = root / "chronicle" / "entries"
    (entries / "2001" / "deep" / "deeper").mkdir(parents=True)
    (root / "chronicle" / "chronicle.yaml").write_text("")
    (entries / "top.yaml").write_text(entry("Top"))
    (entries / "2001" / "a.yaml").write_text(entry("A"))
    (entries / "2001" / "b.yml").write_text(entry("B"))
    (entries / "2001" / "notes.txt").write_text("not an entry")
    (entries / "2001" / "deep" / "deeper" / "c.yaml").write_text(entry("C"))
    (entries / "2001" / "empty").mkdir()
    (entries / "2001" / ".hidden.yaml").write_text(entry("Hidden"))
    (entries / ".git").mkdir()
    (entries / ".git" / "x.yaml").write_text(entry("In .git"))
    (entries / "2001" / "a.yaml.swp").write_text("swap")
    (entries / "line\nbreak.yaml").write_text(entry("A newline in its name"))
    (entries / "spaced name.yaml").write_text(entry("Spaced"))
    (entries / "ünïcode.yaml").write_text(entry("Unicode"))
    if os.path.supports_unicode_filenames is False:  # bytes names: Linux and most POSIX
        os.close(os.open(os.path.join(os.fsencode(entries), b"latin-\xe9.yaml"),
                         os.O_CREAT | os.O_WRONLY, 0o644))
    (entries / "a-folder.yaml").mkdir()
    (entries / "a-folder.yaml" / "inside.yaml").write_text(entry("Inside a folder named .yaml"))
    os.mkfifo(entries / "pipe.yaml")
    (entries / "link-to-a.yaml").symlink_to("2001/a.yaml")
    (entries / "loop-1.yaml").symlink_to("loop-2.yaml")
    (entries / "loop-2.yaml").symlink_to("loop-1.yaml")
    (entries / "gone.yaml").symlink_to("nowhere.yaml")
    (entries / "gone-folder").symlink_to("no-such-folder")
    (entries / "link-to-folder.yaml").symlink_to("2001")
    (entries / "again").symlink_to("2001")
    (entries / "2001" / "up").symlink_to("..")
    (entries / "self").symlink_to(".")
    (entries / "chronicle").symlink_to("../..")
    shared = root / "shared"
    (shared / "events").mkdir(parents=True)
    (shared / "events" / "far.yaml").write_text(entry("Far"))
    (shared / "events" / "back").symlink_to("..")
    (entries / "shared-1").symlink_to(shared)
    (entries / "shared-2").symlink_to(shared)
    closed = entries / "closed"
    closed.mkdir()
    (closed / "secret.yaml").write_text(entry("Secret"))
    closed.chmod(0)
    listable = entries / "listable"
    listable.mkdir()
    (listable / "x.yaml").write_text(entry("Listed, not statted"))
    listable.chmod(0o444)
    return entries


@pytest.fixture
def tree(tmp_path: Path) -> Any:
    entries = hostile_tree(tmp_path)
    yield entries
    for folder in ("closed", "listable"):
        (entries / folder).chmod(0o755)


def test_the_scan_finds_what_the_plain_scan_finds_on_a_hostile_tree(tree: Path) -> None:
    expected = reference_scan(tree)
    # The tree holds every case (as root, the closed folders are read like any other).
    assert expected["pipe.yaml"] == "!is not a regular file"
    assert expected["a-folder.yaml"] == "!is not a regular file"
    assert expected["loop-1.yaml"] == "!is a symbolic link that loops"
    assert expected["chronicle/"].startswith("!is a symbolic link that loops")
    # One link to the shared folder is followed, the other reported; its link back up is
    # a folder already read.
    shared = {path: sig for path, sig in expected.items() if path.startswith("shared-")}
    read = [path for path, sig in shared.items() if not sig.startswith("!")]
    assert len(shared) == 3 and len(read) == 1 and read[0].endswith("/events/far.yaml")
    assert not any(".hidden" in path or ".git" in path for path in expected)
    scan = scan_entries(tree)
    assert scan.signatures() == expected
    assert scan_entry_files(tree) == expected
    assert len(scan) == len(expected)


def test_the_scan_of_a_missing_or_odd_entries_folder_is_empty(tmp_path: Path) -> None:
    assert scan_entries(tmp_path / "nothing").signatures() == {}
    (tmp_path / "file").write_text("")
    assert scan_entries(tmp_path / "file").signatures() == {}
    assert scan_entries(tmp_path / "nothing").digest() == EntryScan().digest()


def test_the_scan_without_folder_descriptors_finds_the_same(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chronicle.store import files

    by_descriptor = scan_entries(tree)
    monkeypatch.setattr(files, "_BY_DESCRIPTOR", False)
    by_path = scan_entries(tree)
    assert by_path.signatures() == by_descriptor.signatures() == reference_scan(tree)
    assert by_path.digest() == by_descriptor.digest()


def test_a_file_gone_between_listing_and_stat_is_reported_not_fatal(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_stat = os.stat

    def flaky_stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if os.fspath(path).endswith("b.yml"):
            raise FileNotFoundError(errno.ENOENT, "No such file or directory")
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", flaky_stat)
    found = scan_entries(tree).signatures()
    assert found["2001/b.yml"] == "!cannot be read: No such file or directory"
    assert found["2001/a.yaml"][0] != "!"


def test_the_digest_does_not_depend_on_the_order_folders_were_read(tree: Path) -> None:
    scan = scan_entries(tree)
    turned = EntryScan()
    turned.folders = list(reversed(scan.folders))
    turned.others = dict(reversed(list(scan.others.items())))
    assert turned.digest() == scan.digest()


def _keep_times(path: Path, change: Callable[[], object]) -> None:
    stat = os.stat(path)
    change()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


# Every change a user (or an editor, a sync tool, a mistake) can make below entries/,
# applied one after another to the hostile tree; "seen" says whether the scan must see it.
CHANGES: list[tuple[str, Callable[[Path], object], bool]] = [
    ("edit in place, same size, mtime put back",
     lambda e: _keep_times(e / "2001" / "a.yaml",
                           lambda: (e / "2001" / "a.yaml").write_text(entry("Z"))), True),
    ("touch", lambda e: os.utime(e / "top.yaml"), True),
    ("mtime set back to the same second",
     lambda e: os.utime(e / "top.yaml", (0, 0)), True),
    ("chmod", lambda e: (e / "2001" / "b.yml").chmod(0o600), True),
    ("append", lambda e: (e / "top.yaml").open("a").write("summary: more\n"), True),
    ("rename within a folder", lambda e: (e / "2001" / "b.yml").rename(e / "2001" / "b2.yml"),
     True),
    ("move to another folder",
     lambda e: (e / "2001" / "b2.yml").rename(e / "2001" / "empty" / "b2.yml"), True),
    ("swap two names", lambda e: (
        (e / "2001" / "a.yaml").rename(e / "2001" / "tmp"),
        (e / "top.yaml").rename(e / "2001" / "a.yaml"),
        (e / "2001" / "tmp").rename(e / "top.yaml")), True),
    ("new file", lambda e: (e / "2001" / "deep" / "new.yaml").write_text(entry("New")), True),
    ("empty file", lambda e: (e / "2001" / "blank.yaml").write_text(""), True),
    ("delete", lambda e: (e / "2001" / "blank.yaml").unlink(), True),
    ("new folder with an entry", lambda e: (
        (e / "2002").mkdir(), (e / "2002" / "x.yaml").write_text(entry("X"))), True),
    ("rename a folder", lambda e: (e / "2002").rename(e / "2003"), True),
    ("a file becomes a FIFO", lambda e: (
        (e / "2003" / "x.yaml").unlink(), os.mkfifo(e / "2003" / "x.yaml")), True),
    ("a FIFO becomes a file", lambda e: (
        (e / "2003" / "x.yaml").unlink(), (e / "2003" / "x.yaml").write_text("")), True),
    ("a file becomes a link to it", lambda e: (
        (e / "2003" / "x.yaml").rename(e / "2003" / "real.yaml"),
        (e / "2003" / "x.yaml").symlink_to("real.yaml")), True),
    ("a link's target edited", lambda e: (e / "2003" / "real.yaml").write_text(entry("R")),
     True),
    ("a link to nothing", lambda e: (e / "2003" / "real.yaml").unlink(), True),
    ("a second link to a folder goes", lambda e: (e / "shared-2").unlink(), True),
    ("an entry in a shared folder edited",
     lambda e: (e.parent.parent / "shared" / "events" / "far.yaml").write_text(entry("F")),
     True),
    ("a link loop made", lambda e: (e / "2003" / "spin").symlink_to("."), True),
    ("a folder emptied of its only entry",
     lambda e: (e / "2001" / "deep" / "deeper" / "c.yaml").unlink(), True),
    ("a hidden file", lambda e: (e / "2001" / ".a.yaml.swp").write_text("swap"), False),
    ("a file that is not an entry", lambda e: (e / "2001" / "readme.md").write_text("x"), False),
    ("an empty folder", lambda e: (e / "2001" / "nothing-here").mkdir(), False),
    ("a file read (atime)", lambda e: (e / "top.yaml").read_bytes(), False),
]


def test_the_digest_changes_exactly_when_a_signature_does(tree: Path) -> None:
    before = scan_entries(tree)
    assert before.signatures() == reference_scan(tree)
    for what, change, seen in CHANGES:
        change(tree)
        after = scan_entries(tree)
        assert after.signatures() == reference_scan(tree), what
        changed = after.signatures() != before.signatures()
        assert changed == seen, what
        assert (after.digest() != before.digest()) == changed, what
        before = after


# -- the check every command makes --------------------------------------------------------

def _write_manifest(db: sqlite3.Connection, data: bytes) -> None:
    db.execute("UPDATE manifest SET data = ? WHERE id = 0", (data,))


def test_an_edit_in_place_that_keeps_size_and_mtime_is_seen(cli: Any, chronicle_root: Path) -> None:
    assert cli("list", "--format", "ids").exit_code == 0
    path = chronicle_root / "entries" / "1990" / "1990-01-20-black-january.yaml"
    text = path.read_text()
    assert "Black January" in text
    _keep_times(path, lambda: path.write_text(text.replace("Black January", "Blank Jinuary")))
    shown = cli("show", "1990/1990-01-20-black-january")
    assert "Blank Jinuary" in shown.stdout


def test_a_manifest_without_a_digest_is_compared_in_full_then_given_one(
    chronicle_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chronicle = find_chronicle(chronicle_root)
    catalog = open_catalog(chronicle)
    catalog.refresh(trust_watcher=False)
    assert refreshing.read_manifest_digest(catalog.db) is not None
    known = refreshing.read_manifest(catalog.db)
    # As an earlier version left it: the marshalled mapping alone.
    _write_manifest(catalog.db, marshal.dumps(known))
    assert refreshing.read_manifest_digest(catalog.db) is None
    report = catalog.refresh(trust_watcher=False)
    assert not report.changed and report.unchanged == len(known)
    assert refreshing.read_manifest(catalog.db) == known
    assert refreshing.read_manifest_digest(catalog.db) == scan_entries(chronicle.entries_dir).digest()

    def no_full_comparison(db: sqlite3.Connection) -> dict[str, str]:
        raise AssertionError("nothing changed, yet the manifest was loaded")

    monkeypatch.setattr(refreshing, "read_manifest", no_full_comparison)
    report = catalog.refresh(trust_watcher=False)
    assert not report.changed and report.unchanged == len(known)


def test_a_digest_is_trusted_only_with_its_mark(chronicle_root: Path) -> None:
    catalog = open_catalog(find_chronicle(chronicle_root))
    catalog.refresh(trust_watcher=False)
    data = catalog.db.execute("SELECT data FROM manifest").fetchone()[0]
    assert data.endswith(refreshing.MANIFEST_MARK)
    for damaged in (data[:-1] + b"x", data[:-len(refreshing.MANIFEST_MARK)], b"", b"0"):
        _write_manifest(catalog.db, damaged)
        assert refreshing.read_manifest_digest(catalog.db) is None
    catalog.db.execute("DELETE FROM manifest")
    assert refreshing.read_manifest_digest(catalog.db) is None


def test_after_named_paths_the_next_check_compares_in_full(chronicle_root: Path) -> None:
    catalog = open_catalog(find_chronicle(chronicle_root))
    catalog.refresh(trust_watcher=False)
    entries = chronicle_root / "entries"
    (entries / "new.yaml").write_text(entry("New"))
    catalog.refresh(paths=["new.yaml"])
    # The manifest is no longer one scan's findings: it says so.
    assert refreshing.read_manifest_digest(catalog.db) is None
    # An edit nobody named, keeping size and mtime, is found by the next full check.
    year = entries / "2014" / "2014-year.yaml"
    text = year.read_text()
    _keep_times(year, lambda: year.write_text(text.replace("A year", "B year")))
    report = catalog.refresh(trust_watcher=False)
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    found = catalog.get("2014/2014-year")
    assert found is not None and found.title.startswith("B year")


def test_a_catalog_that_cannot_be_written_still_answers_right(chronicle_root: Path) -> None:
    chronicle = find_chronicle(chronicle_root)
    catalog = open_catalog(chronicle)
    catalog.refresh(trust_watcher=False)
    _write_manifest(catalog.db, marshal.dumps(refreshing.read_manifest(catalog.db)))
    catalog.db.close()
    catalog.db = sqlite3.connect(
        f"file:{chronicle.index_dir / 'catalog.sqlite'}?mode=ro", uri=True,
        isolation_level=None)
    # Unchanged: the digest cannot be recorded, and that is no error.
    report = catalog.refresh(trust_watcher=False)
    assert not report.changed and not report.notices
    assert refreshing.read_manifest_digest(catalog.db) is None
