"""``chronicle export`` and ``chronicle import`` end to end, through Typer's CliRunner."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data" / "exchange"
TIMELINE = DATA / "timeline3.json"


def entry_files(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in (root / "entries").rglob("*.yaml")}


# -- export -----------------------------------------------------------------------------------


def test_export_defaults_to_the_json_of_list(cli: Any) -> None:
    exported = cli("export")
    listed = cli("list", "--format", "json")
    assert exported.exit_code == 0
    assert json.loads(exported.stdout) == json.loads(listed.stdout)


def test_export_takes_the_filters_of_list(cli: Any) -> None:
    import csv
    import io

    result = cli("export", "--format", "csv", "--tag", "visit")
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert [row["id"] for row in rows] == ["2014/2014-04-17-visit"]
    assert rows[0]["people"] == "Zakir Hasanov; Aleksandar Vučić"
    assert rows[0]["confidence"] == "high"


def test_export_to_a_file_guesses_the_format_and_warns_on_stderr(
    cli: Any, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "chronicle.ics"
    target.parent.mkdir()
    result = cli("export", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert "1 entry dated before year 1 or after 9999 left out" in result.stderr
    # The real count: the BCE entry is not in the file.
    assert "Wrote 5 entries as ics to" in result.stderr


def test_export_markdown_and_timelinejs(cli: Any) -> None:
    markdown = cli("export", "-f", "markdown", "--year", "2014", "--title", "Twenty-fourteen")
    assert markdown.stdout.startswith("# Twenty-fourteen\n\n## 2014\n")
    timeline = json.loads(cli("export", "-f", "timelinejs", "--group-by", "tag").stdout)
    assert {event["group"] for event in timeline["events"]} >= {"history", "diplomacy"}


def test_export_of_nothing_says_so(cli: Any) -> None:
    result = cli("export", "--year", "1800")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert "No entries match." in result.stderr


def test_export_query_narrows_to_search_hits(cli: Any) -> None:
    # "Tashmay Park" and "Tasmajdan park" are found under another spelling; in date order.
    result = cli("export", "Tashmaydan", "--format", "json")
    assert result.exit_code == 0
    assert [row["id"] for row in json.loads(result.stdout)] == [
        "2014/2014-03-05-commission", "2014/2014-04-17-visit",
    ]
    filtered = cli("export", "Tashmaydan", "--year", "1990")
    assert json.loads(filtered.stdout) == [] and filtered.exit_code == 1


def test_export_html_calls_the_page_builder(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    def html_page(entries: list[Any], *, title: str, **options: Any) -> str:
        calls.append({"ids": [e.id for e in entries], "title": title, **options})
        return "<!DOCTYPE html><title>stub</title>"

    stub = types.ModuleType("chronicle.html_page")
    stub.html_page = html_page  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "chronicle.html_page", stub)
    result = cli("export", "--format", "html", "--tag", "history")
    assert result.exit_code == 0
    assert result.stdout == "<!DOCTYPE html><title>stub</title>\n"
    assert calls[0]["ids"] == ["ancient/ides-of-march", "1990/1990-01-20-black-january"]
    assert calls[0]["title"] == "Test chronicle"
    # The page's search knows the chronicle's aliases.
    assert "Tashmay Park" in calls[0]["registry"].forms("Tasmajdan Park")


def test_export_html_writes_a_page(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "timeline.html"
    result = cli("export", "-o", str(target))
    assert result.exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "Defence minister visits Serbia" in page


def test_export_rejects_an_unknown_format(cli: Any) -> None:
    result = cli("export", "--format", "pdf")
    assert result.exit_code == 2


# -- import -----------------------------------------------------------------------------------


def test_import_reports_created_skipped_and_makes_no_duplicates(
    cli: Any, chronicle_root: Path
) -> None:
    before = entry_files(chronicle_root)
    first = cli("import", str(TIMELINE))
    assert first.exit_code == 0, first.stderr
    created = [line.split()[1] for line in first.stdout.splitlines()]
    assert len(created) == 12  # 11 events and the era
    assert "13800000000-bce/13800000000-bce-the-big-bang" in created
    assert "1990/1990-independence-regained" in created
    assert f"skipped {TIMELINE}: event 6: already present as ancient/ides-of-march" in (
        first.stderr.replace("\n", " ")
    )
    assert "12 created, 2 skipped (already present), 0 invalid" in first.stderr
    assert len(entry_files(chronicle_root)) == len(before) + 12
    # The source ids are kept in uid, a documented key: check has nothing to say.
    checked = cli("check")
    assert checked.exit_code == 0 and "uid" not in checked.stdout

    second = cli("import", str(TIMELINE))
    assert second.exit_code == 0
    assert second.stdout == ""
    assert "0 created, 14 skipped (already present), 0 invalid" in second.stderr
    assert len(entry_files(chronicle_root)) == len(before) + 12


def test_imported_entries_are_listed_and_found(cli: Any) -> None:
    cli("import", str(DATA / "calendar.ics"))
    listed = cli("list", "--format", "ids", "--year", "2014", "--month", "2014-03")
    assert "2014/2014-03-10-call-with-the-embassy" in listed.stdout.split()
    found = cli("search", "embassy call", "--format", "json")
    assert found.exit_code == 0, found.stderr
    assert "Call with the embassy" in found.stdout


def test_one_invalid_record_imports_nothing(
    cli: Any, chronicle_root: Path, tmp_path: Path
) -> None:
    before = entry_files(chronicle_root)
    path = tmp_path / "rows.jsonl"
    path.write_text(
        '{"title": "Fine", "date": "2014-05-01"}\n{"title": "Bad", "date": "2014-02-30"}\n'
    )
    result = cli("import", str(path))
    assert result.exit_code == 1
    assert f"invalid {path}:2: date: '2014-02-30': day 30 does not exist" in (
        result.stderr.replace("\n", " ")
    )
    assert "Error: 1 of 2 records is invalid; nothing was imported" in result.stderr
    assert "Traceback" not in result.stderr
    assert entry_files(chronicle_root) == before

    forced = cli("import", str(path), "--skip-invalid")
    assert forced.exit_code == 0
    assert forced.stdout == "created 2014/2014-05-01-fine\n"
    assert entry_files(chronicle_root) == before | {"entries/2014/2014-05-01-fine.yaml"}


def test_dry_run_writes_nothing(cli: Any, chronicle_root: Path) -> None:
    before = entry_files(chronicle_root)
    result = cli("import", "--dry-run", str(DATA / "calendar.ics"))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "would create  17\u201318 Apr 2014  Defence minister in Belgrade"
    assert "4 would be created, 0 skipped" in result.stderr
    assert entry_files(chronicle_root) == before


def test_export_then_import_into_another_chronicle(
    cli: Any, chronicle_root: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "all.csv"
    assert cli("export", "-o", str(exported)).exit_code == 0
    other = tmp_path / "other"
    assert cli("init", str(other)).exit_code == 0
    result = cli("--root", str(other), "import", str(exported))
    assert result.exit_code == 0, result.stderr
    assert entry_files(other) == entry_files(chronicle_root)
    mine = json.loads(cli("list", "--format", "json").stdout)
    theirs = json.loads(cli("--root", str(other), "list", "--format", "json").stdout)
    assert theirs == mine


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("missing.json", None, 3, "no such file"),
        ("notes.txt", "hello", 2, "cannot tell the format"),
        ("broken.json", "[{", 1, "broken.json:1: not valid JSON"),
        ("latin1.csv", b"title,date\n\xe9t\xe9,2014\n", 1, "latin1.csv:2: is not UTF-8 text"),
    ],
)
def test_unreadable_files_give_one_line(
    cli: Any, tmp_path: Path, name: str, content: str | bytes | None, code: int, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    result = cli("import", str(path))
    assert result.exit_code == code
    assert result.stderr.startswith("Error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_format_option_overrides_the_extension(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "events.txt"
    path.write_text(TIMELINE.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("import", "--dry-run", "--format", "timelinejs", str(path))
    assert result.exit_code == 0
    assert "12 would be created" in result.stderr


def test_export_to_a_missing_folder_is_refused(cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "out.ics"
    result = cli("export", "-o", str(target))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert not target.parent.exists()
    folder = cli("export", "-o", str(tmp_path))
    assert folder.exit_code == 2 and "is a folder" in folder.stderr


def test_export_refuses_a_file_name_that_names_no_format(cli: Any, tmp_path: Path) -> None:
    for name in ("notes.txt", "no-extension", "data.xlsx"):
        target = tmp_path / name
        result = cli("export", "-o", str(target))
        assert result.exit_code == 2, result.output
        assert f"-o {target}: cannot tell the format from the file name" in result.stderr
        assert ".json" in result.stderr and ".ics" in result.stderr
        assert not target.exists()
    for name, start in (("a.md", "# "), ("a.csv", "id,title"), ("a.jsonl", "{"), ("a.htm", "<!")):
        result = cli("export", "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start), name
    explicit = cli("export", "-f", "markdown", "-o", str(tmp_path / "notes.txt"))
    assert explicit.exit_code == 0 and (tmp_path / "notes.txt").exists()


def test_ics_export_of_only_bce_entries_writes_nothing_and_says_why(
    cli: Any, tmp_path: Path
) -> None:
    target = tmp_path / "ancient.ics"
    result = cli("export", "--to", "-0001", "-o", str(target))
    assert result.exit_code == 1, result.output
    assert "none of the 1 entries can be written as iCalendar" in result.stderr
    assert "Wrote" not in result.stderr
    assert not target.exists()
    stdout = cli("export", "--to", "-0001", "--format", "ics")
    assert stdout.exit_code == 1 and stdout.stdout == ""


@pytest.mark.parametrize(("name", "fmt", "expected"), [
    ("deep.json", "json", "deep.json:1: not valid JSON: values nested over 100 deep "
     "(column 101)"),
    ("deep.jsonl", "jsonl", "deep.jsonl:2: not valid JSON: values nested over 100 deep "
     "(column 139)"),
    ("deep.timeline.json", "timelinejs", "deep.timeline.json:1: not valid JSON: values "
     "nested over 100 deep (column 111)"),
])
def test_json_nested_past_what_python_reads_is_one_line_with_its_place(
        cli: Any, tmp_path: Path, name: str, fmt: str, expected: str) -> None:
    deep = "[" * 200_000 + "]" * 200_000
    text = {
        "json": deep,
        "jsonl": '{"title": "fine", "date": "2014"}\n{"title": "deep", "date": "2014", "x": '
                 + deep + "}\n",
        "timelinejs": '{"events": ' + deep + "}",
    }[fmt]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = cli("import", str(path), "--format", fmt, "--dry-run")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    assert expected in result.stderr


def test_a_text_field_of_brackets_nested_past_python_goes_through_csv_and_back(
        cli: Any, chronicle_root: Path, tmp_path: Path) -> None:
    """A custom field's text that reads as JSON is written as JSON in CSV; one nested
    deeper than Python reads is text, written as is, and read back as the same text."""
    deep = "[" * 100_000 + "]" * 100_000
    (chronicle_root / "entries" / "deep.yaml").write_text(
        f'title: Deep custom\ndate: "2014"\nnote: "{deep}"\n', encoding="utf-8")
    for args in (["export", "-f", "csv"], ["list", "-f", "csv"]):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert deep in result.stdout
    target = tmp_path / "out.csv"
    assert cli("export", "-f", "csv", "-o", str(target)).exit_code == 0
    from chronicle.exchange.csvfmt import parse_csv

    records = [record for record in parse_csv(target.read_text(encoding="utf-8"), "out.csv")
               if getattr(record, "data", {}).get("title") == "Deep custom"]
    assert [record.data["note"] for record in records] == [deep]  # type: ignore[attr-defined]


def test_a_calendar_cut_short_is_said_so_not_called_another_kind_of_file(
        cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "cut.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n"
                    "DTSTART;VALUE=DATE:20140417\r\n", encoding="utf-8")
    result = cli("import", str(path), "--dry-run")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {path}: the calendar is cut short (BEGIN:VCALENDAR is never ended with "
        "END:VCALENDAR)"]
