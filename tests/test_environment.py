"""Commands take their streams, variables, clock and editor from one Environment."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from chronicle.cli import app
from chronicle.commands.environment import Environment
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


# Messages and the terminal test without Rich: the same bytes and the same answer as Rich.

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


class _Stream(io.StringIO):
    def __init__(self, tty: bool | None) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        if self.tty is None:
            raise ValueError("I/O operation on closed file")
        return self.tty


_ENVIRONS = [
    {}, {"TTY_COMPATIBLE": "0"}, {"TTY_COMPATIBLE": "1"}, {"TTY_COMPATIBLE": "yes"},
    {"FORCE_COLOR": ""}, {"FORCE_COLOR": "1"}, {"FORCE_COLOR": "0"}, {"NO_COLOR": "1"},
    {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, {"TTY_COMPATIBLE": "", "FORCE_COLOR": ""},
    {"TERM": "dumb"},
]


def test_the_terminal_test_without_rich_is_riches() -> None:
    for environ in _ENVIRONS:
        for tty in (True, False, None):
            env = Environment(stdout=_Stream(tty), stderr=_Stream(tty), environ=environ)
            fresh = Environment(stdout=_Stream(tty), stderr=_Stream(tty), environ=environ)
            assert env.out_is_terminal() == fresh.out_console().is_terminal, (environ, tty)
            assert env._is_terminal("err", env.stderr_stream) \
                == fresh.err_console().is_terminal, (environ, tty)


def _rich_message(message: str, style: str, environ: dict[str, str], tty: bool) -> str:
    from rich.text import Text

    err = _Stream(tty)
    Environment(stderr=err, environ=environ).err_console().print(
        Text(message, style=style), soft_wrap=True)
    return err.getvalue()


@settings(max_examples=300, deadline=None)
@given(message=st.text(st.characters(codec="utf-8"), max_size=120) | st.sampled_from(
           ["", " ", "a ", " a", "tab\there", "x\x1b[31my", "two\nlines", "e\u0301",
            "Showing 20 of 2838 entries (--limit 0 shows all).", "\u2028", "ok\x7f",
            "[red]not markup[/red] :smile: http://example.com 2014"]),
       style=st.sampled_from(["dim", "yellow"]),
       environ=st.sampled_from(_ENVIRONS),
       tty=st.booleans())
def test_a_message_written_without_rich_is_what_rich_writes(
        message: str, style: str, environ: dict[str, str], tty: bool) -> None:
    err = _Stream(tty)
    if Environment(stderr=err, environ=environ).write_message(message):
        assert err.getvalue() == _rich_message(message, style, environ, tty)
    else:
        assert err.getvalue() == ""


def test_a_piped_message_needs_no_rich_and_a_terminal_one_does() -> None:
    err = _Stream(False)
    assert Environment(stderr=err, environ={}).write_message("3 entries found.")
    assert err.getvalue() == "3 entries found.\n"
    assert not Environment(stderr=_Stream(True), environ={}).write_message("x")
    assert not Environment(stderr=_Stream(False), environ={"FORCE_COLOR": "1"}).write_message("x")
    # What Rich would change is left to Rich: control characters, tabs, trailing spaces.
    for message in ("a\tb", "a\x1bb", "a\nb", "a "):
        assert not Environment(stderr=_Stream(False), environ={}).write_message(message)


def test_without_stderr_a_message_is_left_to_rich(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A program started with stderr closed has no sys.stderr: Rich then writes the
    message to stdout, and so does chronicle."""
    out = _Stream(False)
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(sys, "stdout", out)
    env = Environment(environ={})
    assert not env.write_message("3 entries found.")
    env.err_console().print("3 entries found.")
    assert out.getvalue() == "3 entries found.\n"


def test_the_width_of_a_piped_console_without_rich_is_riches(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """COLUMNS, else the first standard descriptor that is a terminal, else 80."""
    import os

    def sizes(answers: dict[int, tuple[int, int]]):  # type: ignore[no-untyped-def]
        def get_terminal_size(descriptor: int = 1) -> os.terminal_size:
            if descriptor not in answers:
                raise OSError("not a terminal")
            return os.terminal_size(answers[descriptor])
        return get_terminal_size

    for answers in ({}, {0: (123, 40)}, {2: (61, 20)}, {1: (99, 9), 2: (61, 20)},
                    {0: (0, 0)}):
        monkeypatch.setattr(os, "get_terminal_size", sizes(answers))
        for columns in (None, "", "abc", "0", "1", "57", "300", " 70", "-5"):
            environ = {} if columns is None else {"COLUMNS": columns}
            env = Environment(stdout=_Stream(False), environ=environ)
            fresh = Environment(stdout=_Stream(False), environ=environ)
            assert env.plain_width() == fresh.out_console().width, (answers, columns)
