"""End-to-end tests of the foundation commands through Typer's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chronicle.cli import app


def test_every_command_has_help_with_an_example(cli: Any) -> None:
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"{name} has no help"
        assert "Example:" in command.help, f"{name}'s help gives no example"
        result = cli(name, "--help")
        assert result.exit_code == 0, name


def test_help_documents_exit_codes(cli: Any) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    assert "Exit codes" in result.stdout


def test_list_table_is_plain_when_piped(cli: Any) -> None:
    result = cli("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Date", "Title", "Tags", "ID"]
    assert lines[1].startswith("15 Mar 44 BCE")
    assert "\x1b[" not in result.stdout
    assert any(
        line.startswith("17\u201318 Apr 2014") and "2014/2014-04-17-visit" in line for line in lines
    )


def test_list_marks_imprecise_matches(cli: Any) -> None:
    result = cli("list", "--month", "2014-04")
    lines = result.stdout.splitlines()
    assert any(line.startswith("~2014 ") for line in lines)
    assert any(line.startswith("Apr 2014 ") for line in lines)
    within = cli("list", "--month", "2014-04", "--within", "--format", "ids")
    assert within.stdout.split() == ["2014/2014-04-month", "2014/2014-04-17-visit"]


def test_list_json_has_stable_keys(cli: Any) -> None:
    result = cli("list", "--format", "json", "--year", "2014", "--tag", "visit")
    data = json.loads(result.stdout)
    assert [row["id"] for row in data] == ["2014/2014-04-17-visit"]
    row = data[0]
    assert list(row)[:12] == [
        "id",
        "title",
        "date",
        "end",
        "precision",
        "people",
        "places",
        "tags",
        "summary",
        "body",
        "sources",
        "path",
    ]
    assert row["date"] == "2014-04-17" and row["end"] == "2014-04-18"
    assert row["confidence"] == "high"
    assert row["path"] == "entries/2014/2014-04-17-visit.yaml"


def test_list_csv_yaml_ids_limit_reverse(cli: Any) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(cli("list", "--format", "csv").stdout)))
    assert len(rows) == 6
    visit = next(row for row in rows if row["id"] == "2014/2014-04-17-visit")
    assert visit["people"] == "Zakir Hasanov; Aleksandar Vučić"
    assert json.loads(visit["sources"])[1]["url"] == "https://example.org/news/2"

    import yaml

    assert len(yaml.safe_load(cli("list", "--format", "yaml").stdout)) == 6
    ids = cli("list", "--format", "ids", "--reverse", "--limit", "2").stdout.split()
    assert ids == ["2014/2014-04-17-visit", "2014/2014-04-month"]


def test_list_person_filter_is_accent_insensitive(cli: Any) -> None:
    result = cli("list", "--person", "Vucic", "--format", "ids")
    assert result.stdout.split() == ["2014/2014-04-17-visit"]


def test_no_match_says_so_on_stderr(cli: Any) -> None:
    result = cli("list", "--year", "1800")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No entries match" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--year", "2014-02-30"], "--year: '2014-02-30': day 30 does not exist"),
        (["list", "--from", "soon"], "--from: 'soon' is not a date"),
        (["show", "2014/2014-0"], "matches 3 entries"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(cli: Any, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: ")


def test_show_renders_the_whole_entry(cli: Any) -> None:
    result = cli("show", "visit")
    assert result.exit_code == 0
    out = result.stdout
    for text in [
        "Defence minister visits Serbia",
        "17\u201318 Apr 2014",
        "Aleksandar Vučić",
        "A second paragraph.",
        "Embassy news item",
        "https://example.org/news/2",
        "confidence",
        "high",
    ]:
        assert text in out, text
    assert "**" not in out  # the body is rendered as Markdown


def test_show_json_and_yaml(cli: Any) -> None:
    data = json.loads(cli("show", "ides", "--format", "json").stdout)
    assert data["date"] == "-0043-03-15"
    import yaml

    assert yaml.safe_load(cli("show", "ides", "--format", "yaml").stdout)["title"].startswith(
        "Assassination"
    )


def test_show_unknown_id_exits_3(cli: Any) -> None:
    result = cli("show", "no-such-entry")
    assert result.exit_code == 3
    assert "no entry with id 'no-such-entry'" in result.stderr


def test_check_reports_every_problem_with_file_and_line(cli: Any, broken_root: Path) -> None:
    result = cli("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        "entries/syntax.yaml:4: YAML syntax error at column 1: did not find expected ',' or ']'"
        in lines
    )
    assert (
        "entries/impossible.yaml:2: date: '2014-02-30': day 30 does not exist in Feb 2014 (it has 28 days)"
        in lines
    )
    assert "entries/no-title.yaml:1: 'title' is missing" in lines
    assert "entries/backwards.yaml:3: end 2014-04 is before date 2014-05" not in lines
    assert any(
        line.startswith("entries/backwards.yaml:3: end 2014-04-01 is before") for line in lines
    )
    assert any(line.startswith("entries/types.yaml:3: 'tags' must be a list") for line in lines)
    assert "entries/binary.yaml:1: is not UTF-8 text" in lines
    assert any(
        line.startswith("entries/typo.yaml:3: warning: unknown field 'peple'") for line in lines
    )
    assert any("same title and date" in line for line in lines)
    assert "3 valid entries, 6 invalid files" in result.stderr


def test_check_counts_in_words_a_reader_expects(cli: Any, tmp_path: Path) -> None:
    root = tmp_path / "one"
    (root / "entries").mkdir(parents=True)
    (root / "chronicle.yaml").write_text("title: One\n", encoding="utf-8")
    (root / "entries" / "a.yaml").write_text(
        "title: A\ndate: '2014-01-02'\npeple: [x]\n", encoding="utf-8")
    (root / "entries" / "b.yaml").write_text("title: B\n", encoding="utf-8")
    result = cli("--root", str(root), "check")
    assert "1 valid entry, 1 invalid file, 1 error, 1 warning" in result.stderr


def test_other_commands_skip_bad_files_with_one_line_each(cli: Any, broken_root: Path) -> None:
    result = cli("list", "--format", "ids")
    assert result.exit_code == 0
    assert result.stdout.split() == ["typo", "typo-twice", "good"]
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 6


def test_check_passes_on_a_clean_chronicle(cli: Any) -> None:
    result = cli("check")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_shipped_sample_passes_check(cli: Any, sample_root: Path) -> None:
    result = cli("check")
    assert result.exit_code == 0, result.stdout
    assert "0 errors" in result.stderr


def test_init_creates_a_chronicle_and_refuses_twice(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = cli("init", str(target), "--title", "Family history")
    assert result.exit_code == 0
    assert (target / "entries").is_dir()
    assert "Family history" in (target / "chronicle.yaml").read_text()
    assert (target / "index" / ".gitignore").exists()
    again = cli("init", str(target))
    assert again.exit_code == 2
    assert "already a chronicle" in again.stderr
    listed = cli("--root", str(target), "list")
    assert listed.exit_code == 1 and "no entries yet" in listed.stderr


def test_no_chronicle_found_says_how_to_make_one(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.delenv("CHRONICLE_ROOT")
    monkeypatch.chdir(empty)
    result = cli("list")
    assert result.exit_code == 3
    assert "no chronicle in" in result.stderr and "chronicle init" in result.stderr


def test_root_is_found_from_a_subfolder(
    cli: Any, chronicle_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CHRONICLE_ROOT")
    monkeypatch.chdir(chronicle_root / "entries" / "2014")
    assert len(cli("list", "--format", "ids").stdout.split()) == 6


def test_bad_config_is_one_clear_line(cli: Any, chronicle_root: Path) -> None:
    (chronicle_root / "chronicle.yaml").write_text("names: [a, b]\n")
    result = cli("list")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: chronicle.yaml: 'names' must map")


def test_debug_shows_the_traceback(cli: Any) -> None:
    with pytest.raises(Exception, match="day 30"):
        cli("--debug", "list", "--year", "2014-02-30")


def test_python_dash_m_and_help_start_without_heavy_imports(chronicle_root: Path) -> None:
    code = (
        "import sys, runpy; sys.argv = ['chronicle', '--help'];\n"
        "try:\n    runpy.run_module('chronicle', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "heavy = [m for m in ('whoosh', 'yaml', 'sqlite3', 'icalendar') if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "Usage" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "HEAVY="


def test_check_warns_about_values_other_yaml_readers_misread(
    cli: Any, chronicle_root: Path
) -> None:
    path = chronicle_root / "entries" / "hand-written.yaml"
    path.write_text("title: Heraclius crowned\ndate: 0610\ntags: [yes]\n", encoding="utf-8")
    result = cli("check")
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    assert (
        "entries/hand-written.yaml:2: warning: date: PyYAML (YAML 1.1) reads '0610' as the "
        'number 392; quote it (date: "0610") so that every YAML reader reads it as chronicle does'
    ) in lines
    assert any(line.startswith("entries/hand-written.yaml:3: warning: tags:") for line in lines)
    shown = cli("list", "--format", "json")
    assert '"date": "0610"' in shown.stdout and '"yes"' in shown.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--to", "44 BC"), ("--to", "1 BCE"), ("--year", "44 BCE"), ("--year", "-0043"),
        ("--from", "100 BC", "--to", "1 BC"), ("--month", "March 44 BC"),
        ("--on", "15 March 44 BC"),
    ],
)
def test_filters_take_bce_as_add_does(cli: Any, args: tuple[str, ...]) -> None:
    result = cli("list", "--format", "ids", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["ancient/ides-of-march"]


def test_a_bad_filter_date_shows_both_ways_of_writing_bce(cli: Any) -> None:
    result = cli("list", "--to", "500 BX")
    assert result.exit_code == 2
    assert "--to: '500 BX' is not a date" in result.stderr
    assert "'500 BC'" in result.stderr and "-0499" in result.stderr


@pytest.mark.parametrize("args", [
    ["list"], ["list", "-f", "ids"], ["list", "-f", "json"], ["list", "-f", "csv"],
    ["list", "-f", "yaml"], ["list", "-f", "json", "-n", "5"], ["stats"], ["stats", "-f", "json"],
    ["names"], ["names", "-f", "json"], ["timeline"], ["timeline", "-f", "json"],
    ["timeline", "-f", "markdown"], ["export", "-f", "json"], ["export", "-f", "csv"],
    ["search", "Vucic", "-f", "ids"], ["search", "Vucic", "-f", "json"],
])
def test_nothing_found_says_so_on_stderr_in_every_format(cli: Any, args: list[str]) -> None:
    """One rule for every listing command: exit 1, and a line on stderr, whatever the
    format (a machine format still writes its whole, empty document on stdout)."""
    result = cli(*args, "--year", "1800")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1:] in (["No entries match."],
                                               ["No entries match 'Vucic'."])


def test_an_empty_chronicle_says_so_in_every_format(cli: Any, chronicle_root: Path) -> None:
    import shutil

    shutil.rmtree(chronicle_root / "entries")
    (chronicle_root / "entries").mkdir()
    for args in (["list"], ["list", "-f", "ids"], ["list", "-f", "json"], ["stats", "-f", "json"],
                 ["timeline", "-f", "json"], ["timeline"]):
        result = cli(*args)
        assert result.exit_code == 1, args
        assert result.stderr.splitlines() == ["The chronicle has no entries yet."], args


@pytest.mark.parametrize("command", [["show", "-f", "json"], ["rm", "--yes"]])
@pytest.mark.parametrize("form", ["absolute", "dot", "dot-dot", "bare"])
def test_an_entry_file_path_as_the_shell_gives_it_names_the_entry(
        cli: Any, chronicle_root: Path, monkeypatch: pytest.MonkeyPatch,
        command: list[str], form: str) -> None:
    """Tab completes a file name as a path from where the user stands: absolute, ./x, or
    ../2014/x; each names the entry the file holds, whatever other ids look alike."""
    folder = chronicle_root / "entries" / "1990"
    (chronicle_root / "entries" / "2014" / "1990-01-20-black-january.yaml").write_text(
        'title: A namesake in another folder\ndate: "2014"\n', encoding="utf-8")
    monkeypatch.chdir(folder)
    name = "1990-01-20-black-january.yaml"
    ref = {"absolute": str(folder / name), "dot": f"./{name}",
           "dot-dot": f"../1990/{name}", "bare": name}[form]
    result = cli(*command, ref)
    assert result.exit_code == 0, result.stderr
    if command[0] == "show":
        assert json.loads(result.stdout)["id"] == "1990/1990-01-20-black-january"
    else:
        assert not (folder / name).exists()
        assert (chronicle_root / "entries" / "2014" / name).exists()


@pytest.mark.parametrize(("value", "message"), [
    ("2014-02-29", "--on: '2014-02-29': day 29 does not exist in Feb 2014 (it has 28 days)"),
    ("2014-13", "--on: '2014-13': month 13 does not exist"),
    ("2014-04-17T24:00", "--on: '2014-04-17T24:00': hour 24 does not exist"),
])
def test_a_date_of_the_right_shape_and_a_wrong_part_says_only_what_is_wrong(
        cli: Any, value: str, message: str) -> None:
    """The reminder of how to write BCE years is for a text that is no date at all."""
    result = cli("list", "--on", value)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"Error: {message}"]
