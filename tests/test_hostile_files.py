"""Files a chronicle should never choke on: links that loop, FIFOs, alias bombs, huge numbers.

Each command must finish, report the file once with its place, and go on with the rest.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from chronicle.store import parse_entry_text, scan_entry_files

LISTING = [
    ["list"],
    ["search", "Vucic"],
    ["timeline"],
    ["stats"],
    ["names"],
    ["export", "--format", "json"],
]


def skipped_lines(stderr: str) -> list[str]:
    return sorted(
        line[len("skipped ") :] for line in stderr.splitlines() if line.startswith("skipped ")
    )


def check_lines(stdout: str) -> list[str]:
    return sorted(line for line in stdout.splitlines() if line.startswith("entries/"))


def assert_every_command_reports(cli: Any, expected: list[str]) -> None:
    checked = cli("check")
    assert checked.exit_code == 1
    assert check_lines(checked.stdout) == expected
    for args in LISTING:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert skipped_lines(result.stderr) == expected, args


def test_a_folder_link_loop_is_read_once_and_reported(
    cli: Any, chronicle_root: Path, deadline: None
) -> None:
    entries = chronicle_root / "entries"
    (entries / "2014" / "up").symlink_to("..")
    (entries / "self").symlink_to(".")
    found = scan_entry_files(entries)
    assert sum(1 for path in found if path.endswith("black-january.yaml")) == 1
    assert_every_command_reports(
        cli,
        [
            "entries/2014/up/: is a link to a folder already read (entries/)",
            "entries/self/: is a link to a folder already read (entries/)",
        ],
    )


def test_a_linked_folder_outside_is_read_and_a_second_link_to_it_reported(
    cli: Any, chronicle_root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "far.yaml").write_text("title: Far away\ndate: 2001\n")
    entries = chronicle_root / "entries"
    (entries / "a-link").symlink_to(outside)
    (entries / "b-link").symlink_to(outside)
    listed = cli("list", "--format", "ids")
    assert "a-link/far" in listed.stdout.split()
    assert "b-link/far" not in listed.stdout
    assert skipped_lines(listed.stderr) == [
        "entries/b-link/: is a link to a folder already read (entries/a-link/)"
    ]


def test_file_links_that_loop_or_lead_nowhere_are_reported_alike(
    cli: Any, chronicle_root: Path, deadline: None
) -> None:
    entries = chronicle_root / "entries"
    (entries / "a.yaml").symlink_to("b.yaml")
    (entries / "b.yaml").symlink_to("a.yaml")
    (entries / "gone.yaml").symlink_to("nowhere.yaml")
    (entries / "gone-folder").symlink_to("no-such-folder")
    assert_every_command_reports(
        cli,
        [
            "entries/a.yaml: is a symbolic link that loops",
            "entries/b.yaml: is a symbolic link that loops",
            "entries/gone-folder/: is a symbolic link to nothing (no-such-folder)",
            "entries/gone.yaml: is a symbolic link to nothing (nowhere.yaml)",
        ],
    )


def test_a_fifo_is_reported_not_read(cli: Any, chronicle_root: Path, deadline: None) -> None:
    os.mkfifo(chronicle_root / "entries" / "x.yaml")
    assert_every_command_reports(cli, ["entries/x.yaml: is not a regular file"])


def test_a_file_too_large_is_refused_with_its_size(cli: Any, chronicle_root: Path) -> None:
    from chronicle import store

    big = chronicle_root / "entries" / "big.yaml"
    big.write_text("title: Big\ndate: 2014\nbody: " + "x" * (store.MAX_FILE_BYTES + 10) + "\n")
    checked = cli("check")
    assert checked.exit_code == 1
    assert check_lines(checked.stdout) == [
        "entries/big.yaml: is 8.0 MB; entry files are limited to 8 MB "
        "(split it, or keep large documents as sources)"
    ]


def billion_laughs(levels: int) -> str:
    lines = [
        "title: laughs",
        "date: 2014",
        'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    lines.append(f"tags: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def test_alias_bombs_are_refused_in_linear_time_with_one_error(deadline: None) -> None:
    text = billion_laughs(12)
    assert len(text) < 1000
    result = parse_entry_text(text, id="laughs", path="entries/laughs.yaml")
    assert result.entry is None
    assert [str(problem) for problem in result.problems] == [
        "entries/laughs.yaml: its aliases (*name) expand to more than 100,000 values; "
        "write the values out instead"
    ]


def test_a_few_aliases_are_still_fine() -> None:
    text = "title: t\ndate: 2014\npeople: &who [Ana, Ivan]\nwitnesses: *who\n"
    result = parse_entry_text(
        text, id="t", path="entries/t.yaml", declared=frozenset({"witnesses"})
    )
    assert result.entry is not None
    assert list(result.entry.people) == ["Ana", "Ivan"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "title: " + "9" * 5000 + "\ndate: 2014\n",
            "entries/x.yaml:1: a number of more than 4000 digits; quote it as text",
        ),
        (
            "title: t\ndate: 2014\ncount: " + "1" * 5000 + "\n",
            "entries/x.yaml:3: a number of more than 4000 digits; quote it as text",
        ),
        (
            "title: t\ndate: 2014\nx: &r [*r]\n",
            "entries/x.yaml:3: an alias refers to a value that contains it",
        ),
        (
            "title: t\ndate: 2014\nx: " + "[" * 150 + "]" * 150 + "\n",
            "entries/x.yaml:3: values nested more than 100 deep",
        ),
    ],
)
def test_values_python_cannot_take_are_one_problem_with_a_line(text: str, message: str) -> None:
    result = parse_entry_text(text, id="x", path="entries/x.yaml")
    assert result.entry is None
    assert [str(problem) for problem in result.problems] == [message]


def test_one_huge_number_never_stops_the_other_files(cli: Any, chronicle_root: Path) -> None:
    (chronicle_root / "entries" / "huge.yaml").write_text("title: " + "9" * 5000 + "\ndate: 2014\n")
    expected = ["entries/huge.yaml:1: a number of more than 4000 digits; quote it as text"]
    assert_every_command_reports(cli, expected)


@pytest.mark.parametrize("character", ["\x1b", "\x07", "\x7f", "\ufffe"])
def test_a_character_yaml_refuses_is_one_line_with_its_place(
        cli: Any, chronicle_root: Path, character: str) -> None:
    """PyYAML's reader error is two lines and names no line: each command says it as
    ``file:line: ...`` on one, and chronicle.yaml's error is one line too."""
    path = chronicle_root / "entries" / "raw.yaml"
    path.write_text(f'date: "2014"\ntitle: é{character}b\n', encoding="utf-8")
    code = f"#x{ord(character):04x}"
    expected = [f"entries/raw.yaml:2: not valid YAML at column 9: unacceptable character "
                f"{code}: control characters are not allowed"]
    problem = parse_entry_text(path.read_text(encoding="utf-8"), id="raw",
                               path="entries/raw.yaml").problems
    assert [str(p) for p in problem] == expected
    assert_every_command_reports(cli, expected)
    path.unlink()
    config = chronicle_root / "chronicle.yaml"
    config.write_text(f"title: x\ndescription: a{character}\n", encoding="utf-8")
    listed = cli("list")
    assert listed.exit_code != 0
    assert listed.stderr.splitlines() == [
        f"Error: chronicle.yaml:2: unacceptable character {code}: control characters are "
        "not allowed"]
