"""Help screens and ``--version`` answered without Typer or Rich
(`chronicle.fastpath.helpscreen`) are, byte for byte and with the same exit status, what
Typer's Rich help prints: every screen, at widths from 20 to 260 columns, without
colour, with colour, with NO_COLOR, on a real terminal and through Typer's and Rich's
environment variables. What the fast path does not know is left to Typer."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import pytest

from terminal import read_terminal

CHRONICLE = str(Path(sys.executable).with_name("chronicle"))
TYPER = [sys.executable, "-c",
         "import sys; sys.argv[0] = 'chronicle'; from chronicle.cli import main; main()"]

#: Variables that change how Rich or Typer lays out or colours a screen (left out of the
#: environment the programs below get, unless a test sets them).
TERMINAL_VARIABLES = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM",
                      "TTY_COMPATIBLE", "TERMINAL_WIDTH", "PY_COLORS", "GITHUB_ACTIONS",
                      "_TYPER_FORCE_DISABLE_TERMINAL", "_CHRONICLE_COMPLETE")

MODES = {
    "no terminal": {},
    "colour": {"FORCE_COLOR": "1", "TERM": "xterm-256color"},
    "NO_COLOR": {"FORCE_COLOR": "1", "NO_COLOR": "1"},
}


def every_screen() -> list[list[str]]:
    from chronicle.fastpath.described import DESCRIPTION

    return [["--help"], ["-h"], *([name, "--help"] for name in DESCRIPTION["commands"]),
            ["search", "-h"], []]


@pytest.mark.parametrize("mode", MODES)
def test_every_screen_is_typers_at_every_width(mode: str, asking: Any) -> None:
    differ = []
    screens = every_screen()
    # The layout (no terminal): every screen at a narrow, a middling and a common width,
    # and other widths a screen at a time; the styles: every screen once, a few more.
    widths = {"no terminal": (20, 100), "colour": (80,), "NO_COLOR": ()}[mode]
    others = {"no terminal": (33, 40, 47, 64, 91, 120, 131, 171, 200, 260),
              "colour": (29, 44, 113, 160, 250), "NO_COLOR": (38, 72, 99, 140, 230)}[mode]
    cases = [(argv, width) for width in widths for argv in screens]
    cases += [(screens[(i * 5) % len(screens)], width) for i, width in enumerate(others)]
    for argv, width in cases:
        env = {**MODES[mode], "COLUMNS": str(width)}
        fast = asking(argv, env, True)
        assert fast[1] is not None, (argv, width)
        if fast != asking(argv, env, False):
            differ.append((argv, width))
    assert differ == []


def _run(command: list[str], env: dict[str, str]) -> tuple[str, int]:
    clean = {k: v for k, v in os.environ.items() if k not in TERMINAL_VARIABLES}
    result = subprocess.run(command, env={**clean, **env}, capture_output=True, text=True,
                            timeout=60)
    return result.stdout, result.returncode


@pytest.mark.parametrize("env", [
    {"PY_COLORS": "1", "COLUMNS": "90"},
    {"GITHUB_ACTIONS": "true", "NO_COLOR": "1"},
    {"FORCE_COLOR": "1", "_TYPER_FORCE_DISABLE_TERMINAL": "1"},
    {"TERMINAL_WIDTH": "70", "COLUMNS": "150", "TTY_COMPATIBLE": "1"},
    {"TTY_COMPATIBLE": "1", "TERM": "dumb", "COLUMNS": "120"},
    {"TTY_COMPATIBLE": "1", "TERM": "dumb", "COLUMNS": "120", "LINES": "40"},
    {"FORCE_COLOR": "", "COLORTERM": "truecolor"},
])
def test_typers_and_riches_variables_are_read_as_they_read_them(env: dict[str, str]) -> None:
    for argv in (["--help"], ["list", "--help"]):
        assert _run([CHRONICLE, *argv], env) == _run([*TYPER, *argv], env)


def _on_a_terminal(command: list[str], columns: int) -> bytes:
    """What ``command`` writes to a pseudo-terminal ``columns`` wide (no COLUMNS set)."""
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in TERMINAL_VARIABLES}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen(command, stdin=secondary, stdout=secondary, stderr=secondary,
                               env=env, start_new_session=True)
    os.close(secondary)
    out = read_terminal(main)
    process.wait(timeout=60)
    return out


def test_on_a_real_terminal_the_screen_is_typers() -> None:
    for columns in (64, 117):
        fast = _on_a_terminal([CHRONICLE, "search", "--help"], columns)
        assert b"\x1b[1;36m" in fast and b" Filters " in fast
        assert fast == _on_a_terminal([*TYPER, "search", "--help"], columns)


def test_version_is_typers(asking: Any) -> None:
    assert asking(["--version"], {}, True) == asking(["--version"], {}, False)


@pytest.mark.parametrize("argv", [
    ["search", "park", "--help"], ["--root", ".", "--help"], ["nosuch", "--help"],
    ["--help", "search"], ["list", "--hel"], ["search"], ["--debug", "--help"],
])
def test_other_command_lines_are_left_to_typer(argv: list[str], asking: Any) -> None:
    assert asking(argv, {}, True) == ("", None)


def test_unusual_terminals_are_left_to_typer(asking: Any) -> None:
    assert asking(["--help"], {"COLUMNS": "12"}, True) == ("", None)
    assert asking(["--help"], {"TERMINAL_WIDTH": "wide"}, True) == ("", None)


def test_other_typer_or_rich_releases_are_left_to_typer(asking: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from chronicle.fastpath.described import DESCRIPTION

    for package in ("typer", "rich"):
        versions = {**DESCRIPTION["versions"], package: "0.0.1"}
        monkeypatch.setitem(DESCRIPTION, "versions", versions)
        assert asking(["--help"], {}, True) == ("", None)
        monkeypatch.undo()


_MODULES = """
import sys
from chronicle.__main__ import main
try:
    main()
finally:
    sys.stdout.flush()
    print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'rich', 'click')), file=sys.stderr)
"""


def test_help_imports_neither_typer_nor_rich() -> None:
    for argv in (["--help"], ["search", "--help"], ["--version"]):
        result = subprocess.run([sys.executable, "-c", _MODULES, *argv], capture_output=True,
                                text=True, timeout=30)
        assert result.returncode == 0
        assert "Usage: chronicle" in result.stdout or result.stdout.startswith("chronicle ")
        assert json.loads(result.stderr.strip().replace("'", '"')) == []


def test_the_descriptions_are_made_from_the_current_commands() -> None:
    """`chronicle.fastpath.described` and `chronicle.fastpath.screens` are what
    `chronicle.cli.describe` makes now: a command, option or help text changed without
    them fails here."""
    from chronicle.cli import describe

    hint = "the command line changed: run python -m chronicle.cli.describe"
    assert describe.TARGET.read_text(encoding="utf-8") == describe.source(), hint
    assert describe.SCREENS_TARGET.read_text(encoding="utf-8") == describe.screens_source(), hint
