"""A link inside entries/ that leads up to the chronicle's own folder (or above) is a
loop: reported, never followed, so chronicle.yaml and index/ are never read as entries.
A link to a folder elsewhere on disk (a shared folder of entries) is followed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from chronicle.store import scan_entry_files

COMMANDS = [
    ["list", "--format", "ids"],
    ["search", "Caesar", "--format", "ids"],
    ["timeline"],
    ["stats"],
    ["names"],
    ["export", "--format", "json"],
]


def skipped(stderr: str) -> list[str]:
    return sorted(line[len("skipped "):] for line in stderr.splitlines()
                  if line.startswith("skipped "))


@pytest.mark.parametrize("target", ["..", "../..", "/", "ROOT"])
def test_a_link_up_to_a_folder_holding_entries_is_a_loop(
    cli: Any, chronicle_root: Path, deadline: None, target: str
) -> None:
    entries = chronicle_root / "entries"
    # Things the chronicle's folder holds that must never be read as entries.
    (chronicle_root / "index" / "drafts").mkdir(parents=True, exist_ok=True)
    (chronicle_root / "index" / "drafts" / "add-draft.yaml").write_text(
        "title: A draft given up\ndate: 2020\n")
    (chronicle_root / "stray.yaml").write_text("title: Beside entries\ndate: 2021\n")
    link = entries / "up"
    link.symlink_to(str(chronicle_root) if target == "ROOT" else target)
    expected = ["entries/up/: is a symbolic link that loops (to a folder holding entries/)"]
    found = scan_entry_files(entries)
    assert [path for path in found if path.startswith("up/")] == ["up/"]
    checked = cli("check")
    assert sorted(line for line in checked.stdout.splitlines()
                  if line.startswith("entries/")) == expected
    for args in COMMANDS:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert skipped(result.stderr) == expected, (args, result.stderr)
        assert "draft given up" not in result.stdout and "Beside entries" not in result.stdout
    ids = cli("list", "--format", "ids").stdout.split()
    assert len(ids) == 6 and not any(i.startswith("up/") for i in ids)


def test_a_linked_shared_folder_elsewhere_is_read(
    cli: Any, chronicle_root: Path, tmp_path: Path
) -> None:
    shared = tmp_path / "shared" / "events"
    shared.mkdir(parents=True)
    (shared / "far.yaml").write_text("title: Shared far away\ndate: 2001\n")
    # A link within the shared folder up to its parent: read once, no loop.
    (shared / "again").symlink_to("..")
    (chronicle_root / "entries" / "shared").symlink_to(shared)
    listed = cli("list", "--format", "ids")
    assert listed.exit_code == 0, listed.stderr
    assert "shared/far" in listed.stdout.split()
    assert listed.stdout.split().count("shared/far") == 1
    assert "again/events/far" not in listed.stdout
    assert "Shared far away" in cli("show", "shared/far").stdout
    os.unlink(chronicle_root / "entries" / "shared")
    assert "shared/far" not in cli("list", "--format", "ids").stdout


@pytest.mark.parametrize("how", ["folder", "link"])
def test_another_chronicle_inside_entries_is_its_own_not_read_here(
    cli: Any, chronicle_root: Path, tmp_path: Path, how: str
) -> None:
    """A folder below entries/ that holds a chronicle.yaml is another chronicle (``chronicle
    init entries/x``, or a link to one): its settings, its index (drafts, the index's
    link) and its entries are its own, reported once, as a git repository inside another
    is not part of it."""
    from chronicle.config import CONFIG_NAME
    from chronicle.store.files import CHRONICLE_FILE

    assert CHRONICLE_FILE == CONFIG_NAME
    inner = (chronicle_root / "entries" / "inner" if how == "folder"
             else tmp_path / "elsewhere" / "inner")
    (inner / "entries").mkdir(parents=True)
    (inner / "chronicle.yaml").write_text("title: Inner\n", encoding="utf-8")
    (inner / "entries" / "own.yaml").write_text('title: Inner own\ndate: "2014"\n',
                                                 encoding="utf-8")
    (inner / "index" / "drafts").mkdir(parents=True)
    (inner / "index" / "drafts" / "edit-own.yaml").write_text(
        'title: Inner draft\ndate: "2014"\n', encoding="utf-8")
    if how == "link":
        (chronicle_root / "entries" / "inner").symlink_to(inner)
    expected = ["entries/inner/: is another chronicle (it holds chronicle.yaml): its "
                "entries are read there"]
    for args in COMMANDS:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert skipped(result.stderr) == expected, (args, result.stderr)
        assert "Inner" not in result.stdout
    ids = cli("list", "--format", "ids").stdout.split()
    assert len(ids) == 6 and not any(i.startswith("inner/") for i in ids)
