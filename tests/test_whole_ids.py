"""An id on a terminal is always whole and on one line, at any width: it is what a user
copies into ``show`` or ``edit``. No column is dropped to make room for it."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chronicle.cli import app
from chronicle.commands.environment import Environment

WIDTHS = [40, 41, 45, 50, 55, 60, 64, 70, 75, 80, 87, 90, 100, 110, 120, 132, 140, 160, 180, 200]

LONG_IDS = {
    "2014/2014-03-05-azerbaijan-serbia-intergovernmental-commission-third-session":
        ("Intergovernmental commission holds its third session in Belgrade, with trade "
         "and economic cooperation on the agenda", ["economy", "diplomacy", "visit"]),
    "2014/04/2014-04-17-tashmay-park-reopens":
        ("Tashmay Park reopens", ["culture", "commemoration"]),
    "short": ("A short one", ["x"]),
    "2015/2015-06-01-a-title-with-a-rather-long-slug-and-more-words-in-it-than-is-usual":
        ("Zebra", []),
}


class Terminal(io.StringIO):
    """stdout as a terminal, so the CLI draws its tables."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def long_ids(chronicle_root: Path) -> Path:
    for entry_id, (title, tags) in LONG_IDS.items():
        path = chronicle_root / "entries" / f"{entry_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        date = re.search(r"\d{4}-\d\d-\d\d", entry_id)
        path.write_text(
            f"title: {title}\ndate: \"{date.group() if date else '2016'}\"\n"
            f"tags: [{', '.join(tags)}]\npeople: [Heydar Aliyev]\nplaces: [Belgrade]\n"
            "body: Intergovernmental words for the search.\n",
            encoding="utf-8",
        )
    return chronicle_root


def on_terminal(width: int, *args: str) -> str:
    out = Terminal()
    env = Environment(stdout=out, stderr=io.StringIO(),
                      environ={**os.environ, "COLUMNS": str(width), "LINES": "50"})
    result = CliRunner().invoke(app, list(args), obj=env, catch_exceptions=False)
    assert result.exit_code == 0, (args, width, env.stderr.getvalue())  # type: ignore[union-attr]
    # Styles (bold, dim) are escape codes even without colour: what a person sees is the rest.
    return re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())


def ids_on_lines(shown: str) -> set[str]:
    return {word for line in shown.splitlines() for word in line.split()}


@pytest.mark.parametrize("width", WIDTHS)
def test_list_shows_every_id_whole_and_keeps_every_column(long_ids: Path, width: int) -> None:
    from chronicle import Chronicle

    shown = on_terminal(width, "list")
    words = ids_on_lines(shown)
    with Chronicle.open(long_ids) as book:
        entries = book.select().entries
    for entry in entries:
        assert entry.id in words, (width, entry.id, shown)
        # The title, and the tags, are all there (a column never vanishes).
        flat = " ".join(shown.split())
        for word in entry.title.split():
            assert word in flat, (width, word)
        for tag in entry.tags:
            assert tag in flat, (width, tag)
    if width >= 180:  # wide enough for a table with a column per field
        assert shown.lstrip().startswith("Date") and " ID" in shown.splitlines()[0]


@pytest.mark.parametrize("width", WIDTHS)
def test_search_shows_every_id_whole(long_ids: Path, width: int) -> None:
    shown = on_terminal(width, "search", "intergovernmental", "--limit", "0")
    words = ids_on_lines(shown)
    for entry_id in LONG_IDS:
        assert entry_id in words, (width, entry_id, shown)


@pytest.mark.parametrize("width", [40, 50, 60, 80, 100, 140])
def test_show_prints_the_id_whole(long_ids: Path, width: int) -> None:
    for entry_id in LONG_IDS:
        shown = on_terminal(width, "show", entry_id)
        assert entry_id in ids_on_lines(shown), (width, entry_id, shown)


def test_a_table_line_is_never_wider_than_the_terminal_except_an_id(long_ids: Path) -> None:
    # Only an id longer than the terminal itself runs past its edge.
    for width in (40, 60, 80):
        for line in on_terminal(width, "list").splitlines():
            assert len(line) <= width or line.strip() in LONG_IDS, (width, line)


def test_the_wide_table_is_kept_where_it_fits(cli: Any) -> None:
    # The fixture chronicle's ids are short: at 100 columns it is still one table.
    shown = on_terminal(100, "list")
    header = shown.splitlines()[0].split()
    assert header == ["Date", "Title", "Tags", "ID"]
