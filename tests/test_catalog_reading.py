"""Reading entry files on several cores gives exactly the catalog one process gives,
survives a worker that dies, and ends quietly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chronicle import workers
from chronicle.catalog import CATALOG_NAME, open_catalog, reading
from chronicle.config import find_chronicle

# Workers are started afresh (not forked), so what a test tells them goes through the
# environment they inherit.
MARKS = "CHRONICLE_TEST_MARKS"  # a folder where each worker leaves its process id
POISON = "CHRONICLE_TEST_POISON"  # a file whose batch makes a worker die
PARENT = "CHRONICLE_TEST_PARENT"


def marking_batch(entries_dir: str, batch: list[tuple[str, str]],
                  declared: frozenset[str]) -> list[reading.ReadFile]:
    """`reading._read_batch`, noting which process ran it; a worker that meets the
    poisoned file dies at once, as one killed by the kernel would."""
    if str(os.getpid()) != os.environ.get(PARENT):
        (Path(os.environ[MARKS]) / str(os.getpid())).touch()
        if any(relpath == os.environ.get(POISON) for relpath, _ in batch):
            os._exit(9)
    return [reading.read_one(Path(entries_dir), relpath, signature, declared)
            for relpath, signature in batch]


GOOD = """title: Meeting {i} of the {word} commission
date: "{year}-{month:02d}-{day:02d}"
{end}people: [Tomislav Nikolić, Person {i}]
places: [Beograd, Place {j}]
tags: [tag{j}, economy]
sources:
  - title: Source {i}
    url: https://example.org/{i}
summary: |
  Summary {i} with {word}.
body: |
  Body of entry {i}: the {word} met in Tašmajdan park; Đorđević spoke.
"""

BAD = [
    "title: [unclosed\ndate: 2014-01-01\n",  # YAML error with a line
    "date: 2014-01-01\n",  # no title
    "title: Bad date\ndate: 2014-13-45\n",  # impossible date
    "title: One\ntitle: Two\ndate: 2014-01-01\n",  # duplicate key
    "",  # empty
    "- a list\n- not a mapping\n",
    "title: Ok\ndate: 2014-01-01\nsurprise: &a [*a]\n",  # alias loop
]


def make_chronicle(root: Path, good: int = 60) -> Path:
    entries = root / "entries"
    for i in range(good):
        folder = entries / str(2000 + i % 7)
        folder.mkdir(parents=True, exist_ok=True)
        end = f'end: "{2000 + i % 7}-12-31"\n' if i % 5 == 0 else ""
        (folder / f"entry-{i:03d}.yaml").write_text(
            GOOD.format(i=i, j=i % 4, word=["trade", "water", "Bakı"][i % 3],
                        year=2000 + i % 7, month=1 + i % 12, day=1 + i % 28, end=end),
            encoding="utf-8",
        )
    bad = entries / "bad"
    bad.mkdir(parents=True)
    for n, text in enumerate(BAD):
        (bad / f"bad-{n}.yaml").write_text(text, encoding="utf-8")
    (bad / "latin1.yaml").write_bytes("title: caf\xe9\n".encode("latin-1"))
    (root / "chronicle.yaml").write_text("title: generated\n", encoding="utf-8")
    return root


def catalog_tables(root: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(root / "index" / CATALOG_NAME)
    try:
        return {
            table: sorted(db.execute(f"SELECT * FROM {table}"), key=repr)
            for table in ("files", "names", "entry_facts", "name_uses", "entry_json", "removed",
                          "manifest")
        }
    finally:
        db.close()


def refresh(root: Path) -> list[str]:
    with open_catalog(find_chronicle(root)) as catalog:
        report = catalog.refresh()
    assert report.added == 60 + len(BAD) + 1 and report.invalid == len(BAD) + 1
    return report.notices


def serial_tables(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[object]]:
    """The catalog one process makes of ``root`` (then removed, to be made again)."""
    with monkeypatch.context() as serial:
        serial.setattr(reading, "usable_cores", lambda: 1)
        assert refresh(root) == []
    tables = catalog_tables(root)
    for path in (root / "index").glob(CATALOG_NAME + "*"):
        path.unlink()
    return tables


@pytest.fixture
def parallel(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Every refresh reads in two worker processes, in small batches."""
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv(MARKS, str(marks))
    monkeypatch.setenv(PARENT, str(os.getpid()))
    monkeypatch.setattr(reading, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(reading, "BATCH_FILES", 4)
    monkeypatch.setattr(reading, "usable_cores", lambda: 2)
    monkeypatch.setattr(reading, "_read_batch", marking_batch)
    return marks


def test_parallel_and_serial_reading_give_the_same_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: Path, deadline: None
) -> None:
    root = make_chronicle(tmp_path / "generated")
    serial = serial_tables(root, monkeypatch)
    assert list(parallel.iterdir()) == []
    assert refresh(root) == []
    assert list(parallel.iterdir()), "no worker process read a file"
    tables = catalog_tables(root)
    assert tables == serial
    problems = {row[0]: row[8] for row in tables["files"] if not row[3]}
    assert len(problems) == len(BAD) + 1
    assert problems["bad/bad-0.yaml"].startswith("[[2, ")  # the YAML error, on its line
    assert problems["bad/bad-3.yaml"].startswith("[[2, ")  # the duplicate key, on its line
    assert "UTF-8" in problems["bad/latin1.yaml"]
    assert len(tables["entry_facts"]) == 60 and tables["names"] and tables["name_uses"]
    assert len(tables["entry_json"]) == 60


def test_a_worker_that_dies_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: Path, deadline: None
) -> None:
    root = make_chronicle(tmp_path / "generated")
    serial = serial_tables(root, monkeypatch)
    monkeypatch.setenv(POISON, "2003/entry-024.yaml")
    notices = refresh(root)
    assert any("stopped unexpectedly" in notice for notice in notices)
    assert catalog_tables(root) == serial


def test_few_files_are_read_without_workers(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    def no_pool(workers: int) -> None:
        raise AssertionError("a worker pool was started for a handful of files")

    monkeypatch.setattr(workers, "pool", no_pool)
    monkeypatch.setattr(reading, "usable_cores", lambda: 8)
    root = make_chronicle(tmp_path / "few")
    assert refresh(root) == []


INTERRUPTED = """
import os, sys, time
from chronicle.catalog import reading

original = reading._read_batch


def slow_batch(entries_dir, batch, declared):
    open(os.path.join(os.environ["CHRONICLE_TEST_MARKS"], str(os.getpid())), "w").close()
    time.sleep(0.3)
    return original(entries_dir, batch, declared)


if __name__ == "__main__":
    reading.PARALLEL_MIN_FILES = 1
    reading.BATCH_FILES = 2
    reading.usable_cores = lambda: 2
    reading._read_batch = slow_batch
    from chronicle.cli import main
    sys.argv = ["chronicle", "index"]
    main()
"""


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in (b"Z", b"X")


def _reading(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    """`chronicle index` reading slowly in worker processes, in a session of its own, once
    a worker has started (each leaves its id in the returned folder)."""
    marks = tmp_path / "marks"
    marks.mkdir()
    script = tmp_path / "interrupted.py"
    script.write_text(INTERRUPTED, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(script)], env={**os.environ, MARKS: str(marks)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    while not list(marks.iterdir()):
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    return process, marks


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_while_reading_exits_130_quietly(
    chronicle_root: Path, tmp_path: Path, deadline: None
) -> None:
    process, marks = _reading(tmp_path)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
    stdout, stderr = process.communicate(timeout=15)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert stderr.strip().endswith("Interrupted.")
    workers = [int(path.name) for path in marks.iterdir()]
    for _ in range(100):
        if not any(_running(pid) for pid in workers):
            break
        time.sleep(0.05)
    assert not any(_running(pid) for pid in workers), "a worker outlived Ctrl-C"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_end_when_the_reading_command_alone_is_killed(
    chronicle_root: Path, tmp_path: Path, deadline: None
) -> None:
    process, marks = _reading(tmp_path)
    workers = [int(path.name) for path in marks.iterdir()]
    process.kill()  # the parent alone (SIGKILL): it cannot stop its workers itself
    process.communicate()
    for _ in range(200):
        if not any(_running(pid) for pid in workers):
            break
        time.sleep(0.05)
    assert not any(_running(pid) for pid in workers), "a worker outlived its parent"
