from __future__ import annotations

import os
from pathlib import Path

import pytest

from chronicle import store
from chronicle.config import find_chronicle
from chronicle.fileio import atomic_write_text
from chronicle.model import Entry
from chronicle.store import (
    check_all,
    dump_entry,
    iter_entry_files,
    load_all,
    parse_entry_text,
)


def parse(text: str) -> tuple[Entry | None, list[str]]:
    result = parse_entry_text(text, id="x", path="entries/x.yaml")
    return result.entry, [str(problem) for problem in result.problems]


def test_yaml_syntax_errors_name_line_and_column() -> None:
    entry, problems = parse("title: x\ndate: 2014\npeople: [a, b\n")
    assert entry is None
    assert problems[0].startswith("entries/x.yaml:4: YAML syntax error at column")


def test_duplicate_keys_are_errors_not_silently_overwritten() -> None:
    entry, problems = parse("title: a\ndate: 2014\ntitle: b\n")
    assert entry is None
    assert problems == ["entries/x.yaml:3: 'title' is given twice (also on line 1)"]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("date: 2014", "2014"),
        ("date: 2014-04-17", "2014-04-17"),
        ("date: 2014-04-17 12:03:00", "2014-04-17T12:03:00"),
        ("date: 2014-04-17T12:03", "2014-04-17T12:03"),
        ('date: "-0044-03-15"', "-0044-03-15"),
    ],
)
def test_dates_are_read_as_written_whatever_yaml_thinks_they_are(text: str, iso: str) -> None:
    entry, problems = parse(f"title: x\n{text}\n")
    assert problems == []
    assert entry is not None and entry.date.isoformat() == iso


@pytest.mark.parametrize(
    ("text", "iso", "reading"),
    [
        # YAML 1.1 reads these as octal numbers; there is no year 0 in Python's dates.
        ("date: -0044", "-0044", "reads '-0044' as the number -36"),
        ("date: 0644", "0644", "reads '0644' as the number 420"),
        ("date: 0000-03-15", "0000-03-15", "fails on '0000-03-15'"),
    ],
)
def test_dates_other_readers_misread_are_read_as_written_and_warned_about(
    text: str, iso: str, reading: str
) -> None:
    entry, problems = parse(f"title: x\n{text}\n")
    assert entry is not None and entry.date.isoformat() == iso
    assert len(problems) == 1
    assert problems[0].startswith("entries/x.yaml:2: warning: date: PyYAML (YAML 1.1) ")
    assert reading in problems[0]
    assert f'quote it (date: "{iso}")' in problems[0]


def test_impossible_date_is_an_error_with_its_line() -> None:
    entry, problems = parse("title: x\nsummary: z\ndate: 2014-02-30\n")
    assert entry is None
    assert problems[0].startswith("entries/x.yaml:3: date:")


def test_dump_is_clean_stable_yaml_that_reads_back_the_same() -> None:
    text = (
        'title: Посета — visit\ndate: "2014-04-17"\nend: "2014-04-18"\nbody: |\n  One.\n\n  Two.\n'
        'people: [Aleksandar Vučić]\nsources:\n- title: Embassy\n  date: "2014-04-18"\n'
        "- https://example.org/x\n"
    )
    entry, problems = parse(text)
    assert entry is not None and problems == []
    dumped = dump_entry(entry)
    assert dumped == text
    assert "\\u" not in dumped
    again, _ = parse(dumped)
    assert again == entry


def test_bce_dates_are_quoted_when_written() -> None:
    entry, _ = parse('title: x\ndate: "-0043-03-15"\n')
    assert entry is not None
    dumped = dump_entry(entry)
    assert 'date: "-0043-03-15"' in dumped
    assert parse(dumped)[0] == entry


def test_atomic_write_replaces_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "entry.yaml"
    atomic_write_text(target, "one\n")
    atomic_write_text(target, "two\n")
    assert target.read_text() == "two\n"
    assert os.listdir(target.parent) == ["entry.yaml"]


def test_atomic_write_failure_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "entry.yaml"
    target.write_text("original\n")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "new\n")
    assert target.read_text() == "original\n"
    assert os.listdir(folder) == ["entry.yaml"]


def test_iter_entry_files_finds_any_depth_and_skips_hidden(tmp_path: Path) -> None:
    tmp_path = tmp_path / "tree"
    for name in ["a.yaml", "b/c.yml", "b/d/e.yaml", ".hidden.yaml", ".git/f.yaml", "notes.txt"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_entry_files(tmp_path)]
    assert found == ["a.yaml", "b/c.yml", "b/d/e.yaml"]


def test_load_all_reports_every_bad_file_and_keeps_the_good_one(broken_root: Path) -> None:
    loaded = load_all(find_chronicle(broken_root))
    assert [entry.id for entry in loaded.entries] == ["typo", "typo-twice", "good"]
    errors = {p.path for p in loaded.problems if p.severity == "error"}
    assert errors == {
        f"entries/{name}.yaml"
        for name in ["syntax", "impossible", "no-title", "backwards", "types", "binary"]
    }
    warnings = [str(p) for p in loaded.problems if p.severity == "warning"]
    assert any("unknown field 'peple'" in w for w in warnings)
    assert any("same title and date" in w for w in warnings)


def test_same_id_in_two_files_is_reported(chronicle_root: Path) -> None:
    (chronicle_root / "entries" / "2014" / "2014-year.yml").write_text("title: Other\ndate: 2015\n")
    loaded = load_all(find_chronicle(chronicle_root))
    assert any("same id '2014/2014-year'" in str(p) for p in loaded.problems)
    assert sum(entry.id == "2014/2014-year" for entry in loaded.entries) == 1


def _same_as_load_all(root: Path) -> None:
    chronicle = find_chronicle(root)
    loaded = load_all(chronicle)
    checked = check_all(chronicle)
    assert checked.problems == loaded.problems
    assert checked.valid == len(loaded.entries)
    # Parsed by worker processes, two files a job: the same report, in the same order.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "CHECK_PARALLEL_MIN_FILES", 1)
        patch.setattr(store, "CHECK_BATCH_FILES", 2)
        assert check_all(chronicle, workers=2) == checked


def test_check_all_in_workers_reports_unreadable_files_in_their_place(
        broken_root: Path) -> None:
    entries = broken_root / "entries"
    os.mkfifo(entries / "m-fifo.yaml")
    (entries / "n-loop.yaml").symlink_to("n-loop.yaml")
    (entries / "z-last.yaml").write_text("title: Last\ndate: 2020\n", encoding="utf-8")
    _same_as_load_all(broken_root)
    paths = [problem.path for problem in check_all(find_chronicle(broken_root)).problems]
    assert "entries/m-fifo.yaml" in paths and "entries/n-loop.yaml" in paths


def test_check_all_finds_what_load_all_finds_in_its_order(broken_root: Path) -> None:
    _same_as_load_all(broken_root)


def test_check_all_reports_twins_and_duplicates_as_load_all_does(tmp_path: Path) -> None:
    """Duplicates are found in chronicle order, not path order; twin ids in path order;
    a file that cannot be read and a file that does not parse among them."""
    entries = tmp_path / "entries"
    files = {
        # Same title and date three times, paths in the reverse of chronicle order
        # (precision, then id), one of them with the title in other case.
        "a/z-first.yaml": "title: Treaty signed\ndate: 2014-04-17\n",
        "b/y-second.yaml": "title: TREATY SIGNED\ndate: 2014-04-17\n",
        "c/x-third.yaml": "title: Treaty signed\ndate: 2014-04-17\nsummary: again\n",
        # The same title on another precision of the same day: not a duplicate.
        "d/w.yaml": "title: Treaty signed\ndate: 2014-04\n",
        # One id from two files (.yaml and .yml): the second is an error.
        "e/twin.yaml": "title: Twin one\ndate: 1999\n",
        "e/twin.yml": "title: Twin two\ndate: 1998\n",
        # Earlier in time than the rest, later in path order.
        "f/early.yaml": "title: Treaty signed\ndate: 1066-10-14\n",
        "f/early-again.yaml": "title: treaty signed\ndate: 1066-10-14\n",
        "g/broken.yaml": "title: [unclosed\ndate: 2014\n",
        "g/no-date.yaml": "title: Nothing else\n",
        "h/bce.yaml": "title: Ides\ndate: \"-0044-03-15\"\n",
        "h/bce-again.yaml": "title: IDES\ndate: \"-0044-03-15\"\n",
    }
    for name, text in files.items():
        (entries / name).parent.mkdir(parents=True, exist_ok=True)
        (entries / name).write_text(text, encoding="utf-8")
    (entries / "g" / "not-utf8.yaml").write_bytes(b"title: \xff\xfe\ndate: 2014\n")
    (tmp_path / "chronicle.yaml").write_text("title: t\n", encoding="utf-8")
    _same_as_load_all(tmp_path)
    checked = check_all(find_chronicle(tmp_path))
    warnings = [str(p) for p in checked.problems if p.severity == "warning"]
    assert len([w for w in warnings if "same title and date" in w]) == 4
    assert any("same id 'e/twin'" in str(p) for p in checked.problems)


def test_check_all_on_the_sample_and_an_empty_chronicle(sample_root: Path,
                                                        tmp_path: Path) -> None:
    _same_as_load_all(sample_root)
    (tmp_path / "entries").mkdir()
    _same_as_load_all(tmp_path)
    assert check_all(find_chronicle(tmp_path)).valid == 0
