"""The reading commands without Typer (`chronicle.fastpath.parsing` and
`chronicle.commands.dispatch`) against Typer: the same arguments reach the same command
body, or the fast path declines; and the same stdout, stderr and exit status, end to
end, in-process and as a real process."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chronicle.cli import app
from chronicle.commands import dispatch
from chronicle.commands.running import current_run
from chronicle.errors import ChronicleError
from chronicle.fastpath import Unsure
from chronicle.fastpath.parsing import COMMANDS, parse_command


def _bound(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    bound = inspect.signature(function).bind(*args, **kwargs)
    bound.apply_defaults()
    return dict(bound.arguments)


@contextmanager
def recording() -> Iterator[list[tuple[str, dict[str, Any], Any]]]:
    """Every body replaced by one that records its arguments and the run's --root."""
    import importlib

    calls: list[tuple[str, dict[str, Any], Any]] = []
    with pytest.MonkeyPatch.context() as patch:
        for command, (module_name, name) in dispatch.BODIES.items():
            module = importlib.import_module(module_name)
            real = getattr(module, name)

            def record(*args: Any, _command: str = command, _real: Any = real,
                       **kwargs: Any) -> None:
                calls.append((_command, _bound(_real, args, kwargs), current_run().root))

            patch.setattr(module, name, record)
        yield calls


def typer_call(argv: list[str]) -> tuple[str, dict[str, Any], Any] | None:
    """What Click's parse hands the body, or None when Typer refuses the command line."""
    with recording() as calls:
        result = CliRunner().invoke(app, argv)
    if result.exit_code != 0 or not calls:
        assert not calls or result.exit_code != 0
        return None
    assert len(calls) == 1
    return calls[0]


def fast_call(argv: list[str]) -> tuple[str, dict[str, Any], Any] | None:
    """What the fast path hands the body, or None when it declines."""
    try:
        parsed = parse_command(argv, os.environ)
    except Unsure:
        return None
    try:
        arguments = dispatch.arguments(parsed.command, parsed.values)
    except ChronicleError:
        return None
    module_name, name = dispatch.BODIES[parsed.command]
    import importlib

    real = getattr(importlib.import_module(module_name), name)
    return parsed.command, _bound(real, (), arguments), parsed.root


# Command lines the fast path must take (and give Click's reading of).
TAKEN = [
    ["search", "commission"],
    ["search", "Tasmajdan", "--year", "2014"],
    ["search", "-n", "5", "belgrade", "--format", "json", "--sort", "date"],
    ["search", "a", "b", "c", "--tag", "x", "--tag", "y", "--within", "--explain"],
    ["search"],
    ["search", "-"],
    ["--root", ".", "search", "park", "--limit", "0"],
    ["list", "--year", "2014"],
    ["list", "--year", "2014", "--format", "ids"],
    ["list", "-f", "json", "-n", "3", "-r", "--person", "Vučić"],
    ["list", "--from", "2014-01", "--to", "2014-06", "--place", "Belgrade", "--limit", "2",
     "--limit", "4"],
    ["show", "2014-03-05-commission"],
    ["show", "commission", "--format", "yaml"],
    ["timeline", "--year", "2014"],
    ["timeline", "commission", "--by", "day", "--no-chart"],
    ["timeline", "--chart", "--no-chart", "--chart", "-b", "year", "-f", "markdown"],
    ["stats"],
    ["stats", "--by", "month", "--year", "2014", "--top", "3"],
    ["stats", "-b", "person", "-f", "json", "--month", "2014-04"],
    ["names"],
    ["names", "--kind", "place", "-k", "person", "--suggest", "--year", "2014"],
    ["names", "-f", "json", "--tag", "diplomacy"],
    ["index"],
    ["index", "--rebuild", "--optimize", "--root", "."],
]

# Command lines it must leave to Typer (whose messages and readings they are).
DECLINED = [
    [], ["--help"], ["search", "--help"], ["search", "-h"], ["--version"],
    ["search", "park", "-Belgrade"], ["search", "--", "-x"], ["search", "--limit=5", "x"],
    ["search", "-n5", "x"], ["search", "--lim", "5"], ["search", "x", "--debug"],
    ["--debug", "list"], ["list", "--limit", "-1"], ["list", "--limit", "x"],
    ["list", "--limit"], ["list", "--format", "JSON"], ["list", "extra"],
    ["list", "--year", "abc"], ["show"], ["show", "a", "b"], ["timeline", "a", "b"],
    ["stats", "--top", "0"], ["stats", "--by", "week"], ["names", "--kind", "Place"],
    ["index", "x"], ["check"], ["export"],
    ["add", "--title", "x"], ["serach", "x"], ["--root"], ["--root", "x"],
    ["list", "--tag", "--year"], ["-x", "list"],
]


@pytest.mark.parametrize("argv", TAKEN, ids=" ".join)
def test_taken_as_click_reads_them(argv: list[str]) -> None:
    fast = fast_call(argv)
    assert fast is not None, "the fast path declined"
    assert fast == typer_call(argv)


@pytest.mark.parametrize("argv", DECLINED, ids=lambda argv: " ".join(argv) or "(none)")
def test_declined(argv: list[str]) -> None:
    assert fast_call(argv) is None


def test_debug_from_the_environment_is_declined(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHRONICLE_DEBUG", "1")
    assert fast_call(["list"]) is None


def test_a_shell_request_is_declined(monkeypatch: pytest.MonkeyPatch) -> None:
    """``_CHRONICLE_COMPLETE=source_bash chronicle list`` prints the script, as Click does."""
    monkeypatch.setenv("_CHRONICLE_COMPLETE", "source_bash")
    assert fast_call(["list"]) is None


def test_other_typer_release_is_declined(monkeypatch: pytest.MonkeyPatch) -> None:
    from chronicle.fastpath.described import DESCRIPTION

    monkeypatch.setitem(DESCRIPTION, "versions", {**DESCRIPTION["versions"], "typer": "0.0.1"})
    assert fast_call(["list"]) is None


def test_unreadable_root_is_declined(tmp_path: Path) -> None:
    folder = tmp_path / "closed"
    folder.mkdir(mode=0)
    try:
        readable = os.access(folder, os.R_OK)  # true for root, as for Click
        fast = fast_call(["--root", str(folder), "list"])
        assert (fast is not None) == readable
        assert fast == typer_call(["--root", str(folder), "list"])
    finally:
        folder.chmod(0o700)


def _options(command: str) -> dict[str, list[str]]:
    """Each option of ``command``, with the words worth trying as its value: its own
    choices, or the numbers at its bounds, or some strings."""
    from chronicle.fastpath.described import DESCRIPTION

    options: dict[str, list[str]] = {}
    for number in DESCRIPTION["commands"][command]["params"]:
        param = DESCRIPTION["parameters"][number]
        if param["kind"] != "option":
            continue
        kind = param["value"]
        if kind[0] == "choice":
            own = [*kind[2], "JSON", "x"]
        elif kind[0] == "int":
            own = [str(kind[1] - 1), str(kind[1]), str(kind[1] + 1), " 7", "+3", "1_0",
                   "\u0663", "x", "5"]
        elif kind[0] == "flag":
            own = []
        else:
            own = ["2014", "2014-04", "2014-04-18", "abc", "Belgrade", "-", "", "a b", "."]
        for name in (*param["opts"], *param["secondary"]):
            options[name] = own
    return options


ODD = ["--limit=5", "-n5", "--", "-x", "--nope", "--help", "-h", "--debug", "--version",
       "-rn", "-", "--lim", "--year", "json"]
WORDS = ["commission", "belgrade", "2014", "-Belgrade", "x=y", "", "\u00fc", "list"]


def _tokens(command: str) -> st.SearchStrategy[list[str]]:
    """Mostly words the command takes (so that many lines are whole and valid), some
    that it does not."""
    options = _options(command) if command in COMMANDS else _options("list")
    option = st.sampled_from(sorted(options)).flatmap(
        lambda name: st.sampled_from(options[name]).map(lambda value: [name, value])
        if options[name] else st.just([name]))
    odd = st.sampled_from(ODD).map(lambda word: [word])
    word = st.sampled_from(WORDS).map(lambda word: [word])
    return st.sampled_from([0, 0, 0, 0, 1, 2, 2]).flatmap(
        lambda pick: (option, odd, word)[pick])


command_lines = st.tuples(
    st.sampled_from([[], [], [], ["--root", "."], ["--root", "/nonexistent/x"],
                     ["--root", ""], ["--debug"], ["--root", "."] * 2]),
    st.sampled_from([*COMMANDS, *COMMANDS, *COMMANDS, "check", "serach"]),
).flatmap(lambda parts: st.lists(_tokens(parts[1]), max_size=5).map(
    lambda tokens: [*parts[0], parts[1], *(word for token in tokens for word in token)]))


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=command_lines)
def test_generated_command_lines(argv: list[str]) -> None:
    """For any command line, the fast path gives the body what Click's parse gives
    it, or declines."""
    fast = fast_call(argv)
    if fast is not None:
        assert fast == typer_call(argv), argv
    event("taken" if fast is not None else "declined")


def test_every_option_with_every_value_tried() -> None:
    """Each option of the reading commands alone (once where several commands share
    it), with each value worth trying: the fast path reads it as Click does, or
    declines where Typer refuses it too (or where it looks like an option)."""
    from chronicle.fastpath.described import DESCRIPTION

    taken = 0
    tried: set[tuple[int, str, str | None]] = set()
    for command in COMMANDS:
        before = ["show", "x"] if command == "show" else [command]
        options = _options(command)
        for number in DESCRIPTION["commands"][command]["params"]:
            param = DESCRIPTION["parameters"][number]
            for name in (*param["opts"], *param["secondary"]) if param["kind"] == "option" else ():
                for value in options[name] or [None]:
                    if (number, name, value) in tried:
                        continue
                    tried.add((number, name, value))
                    argv = [*before, name] if value is None else [*before, name, value]
                    fast = fast_call(argv)
                    if fast is not None:
                        taken += 1
                        assert fast == typer_call(argv), argv
                    elif name not in ("--help", "-h") and not (value or "").startswith("-"):
                        assert typer_call(argv) is None, argv
    assert taken > 100


# End to end -----------------------------------------------------------------------

def _run(fast: bool, argv: list[str], capsys: pytest.CaptureFixture[str],
         monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, Any]:
    """(stdout, stderr, exit status) of the console script (``fast``: where Typer's
    path cannot be loaded), or of Typer's path alone."""
    if fast:
        from chronicle.__main__ import main

        monkeypatch.setitem(sys.modules, "chronicle.cli", None)
    else:
        from chronicle.cli import main
    monkeypatch.setattr(sys, "argv", ["chronicle", *argv])
    capsys.readouterr()
    try:
        main()
        status: Any = 0
    except SystemExit as done:
        status = done.code
    out, err = capsys.readouterr()
    return out, err, status


END_TO_END = [
    # (`index` says how long it took: not the same twice.)
    *(argv for argv in TAKEN if "index" not in argv),
    ["search", "nothing-like-this"], ["search", "nothing-like-this", "--format", "json"],
    ["search", "commission", "--format", "ids"], ["search", "date:[2014"],
    ["show", "zzz"], ["show", "2014"], ["list", "--year", "1700"],
    ["list", "--year", "1700", "--format", "csv"], ["timeline", "nothing-like-this"],
    ["timeline", "--year", "1700", "--format", "json"], ["stats", "--year", "1700"],
    ["stats", "--year", "1700", "-f", "json"], ["--root", "/nonexistent/x", "list"],
    ["list", "--root", "/nonexistent/x"], ["list", "--on", "2014-02-30"],
]


@pytest.mark.parametrize("argv", END_TO_END, ids=" ".join)
def test_same_output_both_ways(argv: list[str], capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch, chronicle_root: Path) -> None:
    monkeypatch.chdir(chronicle_root)
    CliRunner().invoke(app, ["index"])  # the first run's notices are not the point here
    typer_result = _run(False, argv, capsys, monkeypatch)
    try:
        fast_result = _run(True, argv, capsys, monkeypatch)
    except (ImportError, TypeError):  # the fast path declined and reached for Typer
        assert fast_call(argv) is None
        return
    assert fast_result == typer_result


def test_real_processes(chronicle_root: Path, tmp_path: Path) -> None:
    """As a console script: the same bytes and status, and no Typer or Click loaded."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import atexit, os, sys\n"
        "def loaded():\n"
        "    os.write(2, b'typer loaded\\n' if {'typer', 'click'} & set(sys.modules) else b'')\n"
        "atexit.register(loaded)\n"
        "sys.argv[0] = 'chronicle'\n"
        "if sys.argv.pop(1) == 'fast':\n"
        "    from chronicle.__main__ import main\n"
        "else:\n"
        "    from chronicle.cli import main\n"
        "main()\n"
    )
    env = {**os.environ, "CHRONICLE_ROOT": str(chronicle_root), "COLUMNS": "90"}
    env.pop("CHRONICLE_DEBUG", None)
    subprocess.run([sys.executable, "-m", "chronicle", "index"], env=env, check=True,
                   capture_output=True)
    for argv in (["search", "commission"], ["list", "--year", "2014", "-f", "ids"],
                 ["timeline", "--year", "2014"], ["stats", "--by", "month"],
                 ["show", "zzz"], ["list", "--year", "abc"]):
        fast = subprocess.run([sys.executable, str(probe), "fast", *argv], env=env,
                              capture_output=True)
        slow = subprocess.run([sys.executable, str(probe), "typer", *argv], env=env,
                              capture_output=True)
        declined = argv == ["list", "--year", "abc"]  # Typer says what is wrong
        assert fast.stdout == slow.stdout, argv
        assert fast.returncode == slow.returncode, argv
        assert fast.stderr.replace(b"typer loaded\n", b"") == slow.stderr.replace(
            b"typer loaded\n", b""), argv
        assert (b"typer loaded" in fast.stderr) == declined, argv
        assert b"typer loaded" in slow.stderr
    # Started with stdout closed (`chronicle names >&-`): the same messages and status.
    for argv in (["names", "-k", "place"], ["search", "commission"], ["stats"]):
        fast, slow = (
            subprocess.run([sys.executable, str(probe), side, *argv], env=env,
                           capture_output=False, stderr=subprocess.PIPE,
                           preexec_fn=lambda: os.close(1))
            for side in ("fast", "typer"))
        assert fast.returncode == slow.returncode, argv
        assert fast.stderr.replace(b"typer loaded\n", b"") == slow.stderr.replace(
            b"typer loaded\n", b""), argv
