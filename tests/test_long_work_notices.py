"""Long work a command starts by itself (rebuilding the catalog or the search index after
a rebuild was killed, the index damaged, a large catch-up) is said on stderr in one line
before it starts, with a progress bar on a terminal: a silent command looks hung."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chronicle.catalog import open_catalog
from chronicle.cli import app
from chronicle.commands.environment import Environment
from chronicle.config import find_chronicle
from chronicle.index import lifecycle


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Run:
    """One CLI run with its own stderr, recording what stderr held when work began."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.stderr: io.StringIO = io.StringIO()
        self.at_work: list[str] = []
        real_apply = lifecycle._apply

        def apply(*args: Any, **kwargs: Any) -> Any:
            self.at_work.append(self.stderr.getvalue())
            return real_apply(*args, **kwargs)

        monkeypatch.setattr(lifecycle, "_apply", apply)
        import chronicle.store as store

        real_parse = store.parse_entry_text

        def parse(*args: Any, **kwargs: Any) -> Any:
            self.at_work.append(self.stderr.getvalue())
            return real_parse(*args, **kwargs)

        monkeypatch.setattr(store, "parse_entry_text", parse)

    def __call__(self, *args: str, tty: bool = False) -> tuple[int, str]:
        self.stderr = Terminal() if tty else io.StringIO()
        self.at_work = []
        env = Environment(stdout=io.StringIO(), stderr=self.stderr,
                          environ={**os.environ, "COLUMNS": "100"})
        result = CliRunner().invoke(app, list(args), obj=env, catch_exceptions=False)
        return result.exit_code, self.stderr.getvalue()


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    return Run(monkeypatch)


def interrupt_a_rebuild(root: Path) -> None:
    """What `chronicle index --rebuild` killed with -9 leaves: a new generation made and
    recorded in the catalog, the old one still linked, nothing switched."""
    chronicle = find_chronicle(root)
    with open_catalog(chronicle) as catalog:
        lifecycle._create(chronicle, catalog)


REBUILD = "Rebuilding the search index"


@pytest.mark.parametrize(
    "args",
    [
        ["search", "Caesar"],
        ["index"],
        ["add", "--title", "After the crash", "--date", "2015"],
        ["export", "Caesar", "--format", "json"],
        ["timeline", "Caesar"],
    ],
)
def test_after_a_killed_rebuild_the_next_command_says_it_rebuilds_first(
    cli: Any, chronicle_root: Path, run: Run, args: list[str]
) -> None:
    assert cli("index").exit_code == 0
    interrupt_a_rebuild(chronicle_root)
    code, stderr = run(*args)
    assert code == 0, stderr
    notices = [line for line in stderr.splitlines() if REBUILD in line]
    assert len(notices) == 1, stderr
    # Said before the index was written, not after.
    assert any(REBUILD in seen for seen in run.at_work), run.at_work
    code, stderr = run("search", "Caesar")
    assert code == 0 and REBUILD not in stderr


def test_a_damaged_catalog_is_announced_before_it_is_read_again(
    cli: Any, chronicle_root: Path, run: Run
) -> None:
    assert cli("list").exit_code == 0
    (chronicle_root / "index" / "catalog.sqlite").write_bytes(b"not a database" * 100)
    code, stderr = run("list")
    assert code == 0, stderr
    assert run.at_work and all("damaged" in seen for seen in run.at_work), run.at_work
    assert len([line for line in stderr.splitlines() if "rebuilding" in line]) == 1


def test_a_first_catalog_and_a_large_catch_up_are_announced(
    chronicle_root: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chronicle import feedback

    monkeypatch.setattr(feedback, "LARGE_CATCH_UP", 3)
    code, stderr = run("list")
    assert code == 0
    assert "Reading 6 entry files to build the catalog." in run.at_work[0]
    for number in range(4):
        (chronicle_root / "entries" / f"new-{number}.yaml").write_text(
            f"title: New {number}\ndate: 2016\n")
    code, stderr = run("stats")
    assert code == 0
    assert "Reading 4 entry files new or changed since the last command." in run.at_work[0]
    code, stderr = run("search", "New")
    assert code == 0
    assert "Updating the search index:" not in stderr  # built afresh: the build said so
    assert "Building the search index" in stderr or "Rebuilding" in stderr
    for number in range(4, 8):
        (chronicle_root / "entries" / f"new-{number}.yaml").write_text(
            f"title: New {number}\ndate: 2016\n")
    code, stderr = run("search", "New")
    lines = [line for line in stderr.splitlines() if "Updating the search index" in line]
    assert lines == ["Updating the search index: 4 entries changed since it was last updated."]


@pytest.fixture
def rebuild_due(cli: Any, chronicle_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild left for the next command, and a progress bar for any work at all."""
    from chronicle.commands import progress

    monkeypatch.setattr(progress, "PROGRESS_THRESHOLD", 1)
    assert cli("index").exit_code == 0
    interrupt_a_rebuild(chronicle_root)


def test_a_terminal_sees_the_progress_bar(
    chronicle_root: Path, run: Run, rebuild_due: None
) -> None:
    code, stderr = run("search", "Caesar", tty=True)
    assert code == 0 and REBUILD in stderr and "Indexing" in stderr
    (chronicle_root / "index" / "catalog.sqlite").write_bytes(b"garbage" * 100)
    code, stderr = run("list", tty=True)
    assert code == 0 and "Reading entries" in stderr


def test_a_pipe_gets_the_notices_and_no_bar_or_blank_line(
    run: Run, rebuild_due: None
) -> None:
    for args in (["search", "Caesar"], ["index", "--rebuild"], ["check"]):
        code, stderr = run(*args)
        assert code == 0, stderr
        assert "\n\n" not in stderr and not stderr.startswith("\n"), (args, stderr)
        assert "Indexing" not in stderr and "\x1b" not in stderr, (args, stderr)


def test_check_shows_its_progress_on_a_terminal(
    chronicle_root: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chronicle import store
    from chronicle.commands import progress

    monkeypatch.setattr(progress, "PROGRESS_THRESHOLD", 1)
    monkeypatch.setattr(store, "CHECK_BATCH_FILES", 2)
    code, stderr = run("check", tty=True)
    assert code == 0 and "Checking entry files" in stderr, stderr


@pytest.mark.parametrize("args", [["list"], ["export", "Caesar", "--format", "csv"],
                                  ["timeline"], ["stats"], ["search", "Caesar"]])
def test_the_bar_leaves_the_terminal_before_the_output(
    chronicle_root: Path, run: Run, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    # A live bar redrawn while the output is written would garble it.
    from chronicle.commands import progress

    monkeypatch.setattr(progress, "PROGRESS_THRESHOLD", 1)
    out = Terminal()
    closed_at: list[int] = []
    real_close = progress.ProgressBar.close

    def close(self: Any) -> None:
        if self.progress is not None:
            closed_at.append(len(out.getvalue()))
        real_close(self)

    monkeypatch.setattr(progress.ProgressBar, "close", close)
    env = Environment(stdout=out, stderr=Terminal(), environ={**os.environ, "COLUMNS": "100"})
    result = CliRunner().invoke(app, args, obj=env, catch_exceptions=False)
    assert result.exit_code == 0
    assert closed_at and closed_at[0] == 0 and out.getvalue()
