"""Commands take their streams, variables, clock and editor from one Environment."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from chronicle.cli import app
from chronicle.cli.environment import Environment
from conftest import DATA, copy_chronicle


def run(env: Environment, *args: str) -> int:
    return CliRunner().invoke(app, list(args), obj=env, catch_exceptions=False).exit_code


def test_output_goes_to_the_given_streams(chronicle_root: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    env = Environment(stdout=out, stderr=err)
    assert run(env, "list", "--format", "ids", "--year", "2014") == 0
    assert "2014/2014-04-17-visit" in out.getvalue().split()
    assert run(env, "show", "no-such-entry") == 3
    assert "Error:" in err.getvalue()


def test_environ_names_the_chronicle_without_touching_the_process(
    chronicle_root: Path, tmp_path: Path
) -> None:
    other = copy_chronicle(DATA / "broken", tmp_path / "other")
    out = io.StringIO()
    env = Environment(stdout=out, stderr=io.StringIO(),
                      environ={"CHRONICLE_ROOT": str(other), "NO_COLOR": "1"})
    run(env, "list", "--format", "ids")
    listed = out.getvalue().split()
    assert listed and "2014/2014-04-17-visit" not in listed


def test_the_clock_stamps_exports(chronicle_root: Path) -> None:
    out = io.StringIO()
    moment = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)
    env = Environment(stdout=out, stderr=io.StringIO(), clock=lambda: moment)
    assert run(env, "export", "--format", "ics") == 0
    assert "DTSTAMP:20010203T040506Z" in out.getvalue()


def test_stdin_and_the_editor_come_from_the_environment(
    chronicle_root: Path, tmp_path: Path
) -> None:
    out = io.StringIO()
    env = Environment(stdin=io.StringIO("Read from standard input."), stdout=out,
                      stderr=io.StringIO())
    assert run(env, "add", "--title", "Piped", "--date", "2015", "--body", "-") == 0
    new_id = out.getvalue().split()[-1]
    assert "Read from standard input." in (chronicle_root / "entries" / f"{new_id}.yaml").read_text()

    script = tmp_path / "retitle.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text().replace('title: Piped', 'title: Edited'))\n",
        encoding="utf-8",
    )
    env = Environment(stdout=io.StringIO(), stderr=io.StringIO(),
                      editor=[sys.executable, str(script)])
    assert run(env, "edit", new_id) == 0
    assert "title: Edited" in (chronicle_root / "entries" / f"{new_id}.yaml").read_text()
