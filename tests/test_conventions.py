"""The command line's conventions: how words, options, errors and exit codes behave,
the same way in every command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def test_a_query_word_starting_with_a_dash_is_a_negated_word(cli: Any) -> None:
    everything = cli("search", "Belgrade", "-f", "ids")
    assert everything.exit_code == 0
    all_ids = set(everything.stdout.split())
    negated = cli("search", "Belgrade", "-Rome", "-f", "ids")
    assert negated.exit_code in (0, 1), negated.stderr
    assert "No such option" not in negated.stderr
    spelled = cli("search", "Belgrade", "NOT", "Rome", "-f", "ids")
    assert negated.stdout == spelled.stdout
    assert set(negated.stdout.split()) <= all_ids


@pytest.mark.parametrize(
    "args",
    [
        ("search", "-n1", "-fids", "Belgrade", "-Rome"),
        ("search", "-Rome", "--limit", "1", "Belgrade", "--format=ids"),
        ("search", "Belgrade", "-Rome", "-n", "1", "-f", "ids"),
    ],
)
def test_real_options_still_work_among_dashed_words(cli: Any, args: tuple[str, ...]) -> None:
    result = cli(*args)
    expected = cli("search", "Belgrade", "NOT", "Rome", "-n", "1", "-f", "ids")
    assert result.exit_code == expected.exit_code
    assert result.stdout == expected.stdout
    assert len(result.stdout.split()) <= 1


def test_an_unknown_long_option_is_still_refused(cli: Any) -> None:
    result = cli("search", "Belgrade", "--yaer", "2014")
    assert result.exit_code == 2
    assert "No such option: --yaer" in result.stderr


def test_words_after_double_dash_are_words(cli: Any) -> None:
    result = cli("search", "--", "--zzqqxx")
    assert "No such option" not in result.stderr
    # Read as the query "NOT zzqqxx": every entry.
    assert result.exit_code == 0 and "Black January" in result.stdout


@pytest.mark.parametrize("where", ["after", "before"])
def test_debug_is_accepted_anywhere(cli: Any, where: str) -> None:
    args = ["list", "--year", "2014-02-30"]
    args = [*args, "--debug"] if where == "after" else ["--debug", *args]
    with pytest.raises(Exception, match="day 30"):
        cli(*args)


def test_debug_after_a_search_query(cli: Any) -> None:
    result = cli("search", "Belgrade", "--debug", "-f", "ids")
    assert result.exit_code == 0
    assert result.stdout.split()


@pytest.mark.parametrize(
    "args",
    [
        ("names", "--kind", "bogus"),
        ("list", "--bogus"),
        ("nosuchcommand",),
        ("--bogus", "list"),
        ("search", "x", "--limit", "many"),
    ],
)
def test_usage_errors_are_one_line(cli: Any, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "--help" in lines[0]
    assert not result.stdout
    assert not set("╭╮╰╯│─") & set(result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--year", "1800"),
        ("list", "--tag", "nosuch", "-f", "json"),
        ("timeline", "--year", "1800"),
        ("stats", "--year", "1800"),
        ("stats", "--year", "1800", "-f", "json"),
        ("names", "--year", "1800"),
        ("names", "--year", "1800", "-f", "json"),
        ("export", "--year", "1800", "-f", "json"),
        ("export", "--year", "1800", "-f", "csv"),
        ("search", "zzzzqqq"),
        ("search", "zzzzqqq", "-f", "json"),
    ],
)
def test_listing_commands_exit_1_when_nothing_matches(cli: Any, args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr
    if "json" in args:
        json.loads(result.stdout)  # still a whole document
    elif "csv" not in args:
        assert result.stdout == ""


@pytest.mark.parametrize("command", ["list", "search"])
def test_json_with_nothing_found_is_an_empty_list(cli: Any, command: str) -> None:
    query = ["zzzzqqq"] if command == "search" else ["--year", "1800"]
    result = cli(command, *query, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize(
    "args", [("list",), ("timeline",), ("stats",), ("names",), ("export", "-f", "json")]
)
def test_listing_commands_exit_0_when_something_is_found(cli: Any, args: tuple[str, ...]) -> None:
    assert cli(*args).exit_code == 0


@pytest.mark.parametrize("args", [("edit", "2014-04-17-visit"), ("add", "--edit")])
def test_a_failing_editor_is_an_error_not_no_changes(
    cli: Any, chronicle_root: Path, args: tuple[str, ...]
) -> None:
    before = sorted(p.read_bytes() for p in (chronicle_root / "entries").rglob("*.yaml"))
    result = cli(*args, env={"EDITOR": "false"})
    assert result.exit_code == 1
    assert "the editor (false) exited with status 1" in result.stderr
    assert "No changes" not in result.stderr and "unchanged" not in result.stderr
    assert sorted(p.read_bytes() for p in (chronicle_root / "entries").rglob("*.yaml")) == before


def test_a_failing_editor_keeps_what_was_typed(cli: Any, tmp_path: Path) -> None:
    script = tmp_path / "typing_then_failing.sh"
    script.write_text('#!/bin/sh\nprintf "title: Typed words\\n" > "$1"\nexit 3\n')
    script.chmod(0o755)
    result = cli("add", "--edit", env={"EDITOR": str(script)})
    assert result.exit_code == 1
    assert "exited with status 3" in result.stderr
    kept = result.stderr.split("your draft is kept at ", 1)[1].split()[0]
    assert Path(kept).read_text() == "title: Typed words\n"


def _interrupt_self() -> None:
    import os
    import signal
    import time

    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(10)


def test_index_workers_end_quietly_on_ctrl_c(capfd: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C reaches the whole process group: Whoosh's forked index workers end with
    status 130 and no traceback; the parent says "Interrupted." once."""
    import multiprocessing

    from chronicle.index import lifecycle

    with lifecycle._quiet_workers():
        worker = multiprocessing.get_context("fork").Process(target=_interrupt_self)
        worker.start()
    worker.join(20)
    assert worker.exitcode == 130
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("args", [("list",), ("list", "-f", "csv"), ("names",), ("timeline",)])
def test_a_closed_pipe_ends_quietly(chronicle_root: Path, args: tuple[str, ...]) -> None:
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "chronicle", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader goes away before a line is written
    stderr = process.stderr.read()
    assert process.wait(60) == 141
    assert stderr == ""


def test_piped_list_is_not_padded_to_the_longest_title(cli: Any, chronicle_root: Path) -> None:
    (chronicle_root / "entries" / "long.yaml").write_text(
        "title: " + "word " * 2000 + "\ndate: 2014-05-01\n", encoding="utf-8"
    )
    result = cli("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    long_lines = [line for line in lines if "word word" in line]
    assert len(long_lines) == 1
    assert max(len(line) for line in lines if line not in long_lines) < 200
    assert all(line.rstrip() == line for line in lines)



def test_interactive_add_offers_names_as_names_shows_them(cli: Any) -> None:
    shown = json.loads(cli("names", "--kind", "place", "-f", "json").stdout)["place"]
    expected = {group["name"]: group["count"] for group in shown}
    answers = ["Park ceremony", "17 April 2014", "", "", "", "", "", "", ""]
    result = cli("add", "--interactive", input="\n".join(answers) + "\n")
    # The prompts are not followed by a newline when nothing is typed at a terminal.
    offered = [part.splitlines()[0] for part in result.stderr.split("In use:")[1:]]
    places = next(line for line in offered if "Tasmajdan" in line or "Tashmay" in line)
    assert f"Tasmajdan Park ({expected['Tasmajdan Park']})" in places
    assert "Tashmay" not in places and "Tasmajdan park" not in places


# Ctrl-C arriving while the CLI's modules load (Typer, Rich, the commands): the moment
# is made exact by sending SIGINT from inside that import.
_INTERRUPTED_IMPORT = r"""
import builtins, os, signal, sys
sys.argv = ["chronicle", {argv}]
real_import = builtins.__import__
sent = []
def importing(name, *args, **kwargs):
    if name == "{module}" and not sent:
        sent.append(name)
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = importing
from chronicle.__main__ import main
main()
"""


@pytest.mark.parametrize(("command", "module"), [
    # Through Typer (`check` has no fast path)...
    *(("check", module) for module in
      ["chronicle.cli", "typer", "rich.console", "chronicle.cli.app"]),
    # ... and without it (`list`: chronicle.commands.dispatch runs the body, which loads
    # its renderer; into a pipe it loads no Rich).
    *(("list", module) for module in
      ["chronicle.fastpath.parsing", "chronicle.commands.dispatch", "chronicle.api",
       "chronicle.render"]),
])
def test_ctrl_c_while_starting_is_one_line(chronicle_root: Path, command: str,
                                           module: str) -> None:
    import subprocess
    import sys

    script = _INTERRUPTED_IMPORT.replace("{module}", module).replace("{argv}", repr(command))
    process = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, timeout=60,
    )
    assert process.returncode == 130, process.stderr
    assert process.stderr == "Interrupted.\n"
    assert process.stdout == ""


# `python -m chronicle` with Ctrl-C arriving while one module is being found: every
# module the start-up imports, from chronicle.__main__'s first import on, in turn.
_INTERRUPTED_START = r"""
import json, os, runpy, signal, sys
argv, target, record = json.loads(sys.argv[1])
seen = []
class Interrupting:
    def find_spec(self, name, path=None, target_module=None):
        if name == "chronicle.__main__":
            seen.append(name)
        elif seen and name not in seen:
            seen.append(name)
            if name == target:  # as a terminal sends it: to the whole group
                os.killpg(0, signal.SIGINT)
        return None
sys.meta_path.insert(0, Interrupting())
if record:
    import atexit
    atexit.register(lambda: open(record, "w").write(json.dumps(seen[1:])))
sys.argv = ["chronicle", *argv]
runpy.run_module("chronicle", run_name="__main__", alter_sys=True)
"""


def _start_interrupted(argv: list[str], target: str | None,
                       record: Path | None = None) -> Any:
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_START,
         json.dumps([argv, target, str(record) if record else None])],
        capture_output=True, text=True, timeout=60, start_new_session=True,
    )


@pytest.mark.parametrize("argv", [["--help"], ["list"], ["check"]],
                         ids=["help", "fast path", "Typer"])
def test_ctrl_c_during_any_import_of_the_start_up_is_one_line(
        chronicle_root: Path, tmp_path: Path, argv: list[str]) -> None:
    record = tmp_path / "imported.json"
    # The second run's imports: the first builds the catalog, which the others find made.
    assert _start_interrupted(argv, None).returncode == 0
    assert _start_interrupted(argv, None, record).returncode == 0
    imported = json.loads(record.read_text())
    assert "chronicle.streams" in imported
    # The first imports (where the window was), then a spread over the rest, and one
    # Typer makes as it parses, before it invokes the command (Typer ends Ctrl-C there
    # itself, with status 130 and no word).
    targets = imported[:6] + imported[6::max(1, len(imported) // 8)]
    targets += [name for name in imported if name == "typer._click.decorators"]
    for target in targets:
        process = _start_interrupted(argv, target)
        assert (process.returncode, process.stderr) == (130, "Interrupted.\n"), target


def test_ctrl_c_that_python_raised_again_as_another_error_is_an_interruption() -> None:
    """Ctrl-C while a class is made (a dataclass, as a module loads) reaches the command
    as a RuntimeError caused by it: still one line and status 130."""
    import io
    import os
    import signal
    import sys

    from chronicle.commands.environment import Environment
    from chronicle.commands.running import Run, failure_status, running

    class Interrupting:
        def __set_name__(self, owner: type, name: str) -> None:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(10_000):  # Python runs the handler between instructions
                pass

    try:
        type("Made", (), {"field": Interrupting()})
    except BaseException as err:  # noqa: BLE001 - what Python raised, whatever it is
        raised = err
    if sys.version_info < (3, 12):  # Python 3.11 wraps it; later ones add a note
        assert isinstance(raised, RuntimeError)
    err_out = io.StringIO()
    with running(Run(env=Environment(stdout=io.StringIO(), stderr=err_out, environ={}))):
        assert failure_status(raised, debug=False) == 130
    assert err_out.getvalue() == "Interrupted.\n"
    # A bug is still a bug.
    with running(Run(env=Environment(stdout=io.StringIO(), stderr=io.StringIO(),
                                     environ={}))):
        assert failure_status(RuntimeError("boom"), debug=False) == 1


def test_the_console_script_and_python_m_start_through_the_launcher() -> None:
    import tomllib

    config = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert config["project"]["scripts"]["chronicle"] == "chronicle.__main__:main"


@pytest.mark.parametrize("root", ["uncurated", "sample_root"])
def test_interactive_add_offers_every_name_as_names_groups_it(
    cli: Any, root: str, request: pytest.FixtureRequest
) -> None:
    # Undeclared spellings too: Heydar and Haydar Aliyev, Pavić and Pavich, the park's
    # four spellings are offered as one name each, under the name `names` gives it,
    # with its count of entries.
    request.getfixturevalue(root)
    grouped = json.loads(cli("names", "-f", "json").stdout)
    answers = ["Park ceremony", "17 April 2014", "", "", "", "", "", "", ""]
    result = cli("add", "--interactive", input="\n".join(answers) + "\n")
    offered = [part.splitlines()[0].strip() for part in result.stderr.split("In use: ")[1:]]
    assert len(offered) == 3, result.stderr
    for line, kind in zip(offered, ("person", "place", "tag"), strict=True):
        expected = ", ".join(f"{g['name']} ({g['count']})" for g in grouped[kind][:8])
        assert line == expected, kind
