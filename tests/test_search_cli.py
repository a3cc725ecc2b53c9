"""``chronicle search`` and ``chronicle index`` end to end, on the sample chronicle."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chronicle.names import fold

PARK_SPELLINGS = ("tasmajdan", "tashmaydan", "tashmay", "ташмајдан")


def mentions_the_park(path: Path) -> bool:
    """Read independently of the search: any spelling of the park, in any field."""
    text = fold(path.read_text(encoding="utf-8"))
    return any(fold(spelling) in text for spelling in PARK_SPELLINGS)


def output_ids(result: Any) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.strip()]


def test_tasmajdan_finds_every_spelling_of_the_park(sample_root: Path, cli: Callable) -> None:
    expected = {
        path.relative_to(sample_root / "entries").with_suffix("").as_posix()
        for path in (sample_root / "entries").rglob("*.yaml")
        if mentions_the_park(path)
    }
    assert len(expected) >= 4
    result = cli("search", "Tasmajdan", "--format", "ids")
    assert result.exit_code == 0, result.output
    assert set(output_ids(result)) == expected
    # Typed in Cyrillic or in another transliteration, the same entries come back.
    for query in ("Ташмајдан", "Tashmaydan", "tašmajdan"):
        again = cli("search", query, "--format", "ids")
        assert set(output_ids(again)) == expected, query


def test_table_shows_date_title_where_and_snippet(sample_root: Path, cli: Callable) -> None:
    result = cli("search", "Tasmajdan")
    assert result.exit_code == 0
    out = result.stdout
    assert "Tashmay Park" in out
    assert "matched Tashmay Park" in out
    assert re.search(r"\b\d{1,2} [A-Z][a-z]{2} 20\d\d", out)
    assert "in " in out
    assert "found" in result.stderr or "Showing" in result.stderr


def test_json_has_the_list_keys_plus_score_fields_and_forms(sample_root: Path,
                                                            cli: Callable) -> None:
    listed = cli("list", "--format", "json")
    list_keys = set(json.loads(listed.stdout)[0])
    result = cli("search", "Pavich", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows
    for row in rows:
        assert list_keys <= set(row)
        assert isinstance(row["score"], float)
        assert row["matched_fields"] and row["matched_forms"]
    forms = {form for row in rows for form in row["matched_forms"]}
    assert any("Pavi" in form for form in forms)


def test_no_results_exits_1_with_a_message_on_stderr(sample_root: Path, cli: Callable) -> None:
    result = cli("search", "Xylophonequartet")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No entries match" in result.stderr


def test_a_bad_query_falls_back_and_says_so(sample_root: Path, cli: Callable) -> None:
    result = cli("search", '"Heydar Aliyev', "--format", "ids")
    assert result.exit_code == 0
    assert "Could not read the query" in result.stderr
    assert "Traceback" not in result.output


def test_explain_shows_expansions(sample_root: Path, cli: Callable) -> None:
    result = cli("search", "Tasmajdan", "--explain", "--format", "ids")
    assert result.exit_code == 0
    assert "Query read as" in result.stderr
    assert "variant" in result.stderr and "alias" in result.stderr
    assert "Query read as" not in result.stdout


def test_limit_and_sort(sample_root: Path, cli: Callable) -> None:
    every = output_ids(cli("search", "Azerbaijan", "--limit", "0", "-f", "ids"))
    assert len(every) > 3
    two = output_ids(cli("search", "Azerbaijan", "--limit", "2", "-f", "ids"))
    assert len(two) == 2
    by_date = output_ids(cli("search", "Azerbaijan", "--limit", "0", "--sort", "date",
                             "-f", "ids"))
    assert sorted(by_date) == sorted(every)
    dates = [row["date"] for row in json.loads(
        cli("search", "Azerbaijan", "--limit", "0", "--sort", "date", "-f", "json").stdout)]
    assert dates == sorted(dates, key=lambda d: (d.startswith("-"), d))


def test_filters_narrow_a_search(sample_root: Path, cli: Callable) -> None:
    everywhere = set(output_ids(cli("search", "Aliyev", "-n", "0", "-f", "ids")))
    in_2014 = set(output_ids(cli("search", "Aliyev", "-n", "0", "-f", "ids", "--year", "2014")))
    assert in_2014 and in_2014 < everywhere
    assert all(entry_id.startswith("2014/") for entry_id in in_2014)
    person = cli("search", "park", "--person", "Vucic", "-f", "ids")
    assert person.exit_code == 0 and output_ids(person)


def test_index_counts_and_rebuild(sample_root: Path, cli: Callable) -> None:
    first = cli("index")
    assert first.exit_code == 0
    assert "added" in first.stderr
    (sample_root / "entries" / "2014" / "zz-new.yaml").write_text(
        "title: A new entry about Kalemegdan\ndate: 2014-05-01\n", encoding="utf-8"
    )
    second = cli("index")
    assert "1 added" in second.stderr
    rebuilt = cli("index", "--rebuild")
    assert rebuilt.exit_code == 0
    assert "Search index built" in rebuilt.stderr
    assert output_ids(cli("search", "Kalemegdan", "-f", "ids")) == ["2014/zz-new"]


def test_a_deleted_index_is_rebuilt_with_one_line(sample_root: Path, cli: Callable) -> None:
    import shutil

    cli("index")
    shutil.rmtree((sample_root / "index" / "whoosh").resolve())
    result = cli("search", "Tasmajdan", "-f", "ids")
    assert result.exit_code == 0
    notices = [line for line in result.stderr.splitlines() if "index" in line.lower()]
    assert len(notices) == 1 and "Traceback" not in result.output


@pytest.mark.parametrize("args", [["search", "--help"], ["index", "--help"]])
def test_commands_have_help_with_an_example(cli: Callable, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 0
    assert "Example: chronicle" in result.stdout


def test_search_without_words_or_filters_is_a_usage_error(sample_root: Path,
                                                          cli: Callable) -> None:
    result = cli("search")
    assert result.exit_code == 2
    assert "nothing to search for" in result.stderr


def test_progress_bar_only_when_there_is_much_to_do() -> None:
    import io

    from rich.console import Console

    from chronicle.commands.progress import PROGRESS_THRESHOLD, ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(Console(file=stream, force_terminal=True, width=80))
    bar("Indexing", 5, 10)
    assert bar.progress is None
    bar("Indexing", 10, PROGRESS_THRESHOLD * 2)
    assert bar.progress is not None
    bar("Indexing", PROGRESS_THRESHOLD * 2, PROGRESS_THRESHOLD * 2)
    bar.close()
    assert "Indexing" in stream.getvalue()


def test_search_skips_invalid_files_with_one_line_each(cli: Any, broken_root: Path) -> None:
    result = cli("search", "good", "--format", "ids")
    assert result.exit_code == 0
    assert result.stdout.split() == ["good"]
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 6
    assert "skipped entries/impossible.yaml:2: date: '2014-02-30'" in result.stderr


def test_a_form_mentioned_twice_is_said_once(cli: Callable, chronicle_root: Path) -> None:
    (chronicle_root / "entries" / "siege.yaml").write_text(
        'title: Siege of Constantinople\ndate: "0674"\n'
        "summary: The Arabs besiege Constantinople. Constantinople holds; Constantinople, "
        "again.\nplaces: [Constantinople]\n",
        encoding="utf-8",
    )
    result = cli("search", "Constantinopel")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "matched" in line]
    assert lines and all(line.count("Constantinople") == 1 for line in lines), lines
    data = json.loads(cli("search", "Constantinopel", "--format", "json").stdout)
    assert data[0]["matched_forms"] == ["Constantinople"]
