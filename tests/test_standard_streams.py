"""The standard streams as callers leave them: closed, in an encoding that cannot hold
the text, or a full device. Real processes, as a shell starts them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

#: Fast-path and Typer-path command lines (``--limit=5`` is read by Typer only).
COMMANDS = (
    ["search", "Aliyev"],
    ["search", "Aliyev", "--limit=5"],
    ["list"],
    ["timeline", "--year", "2014"],
    ["stats", "--by", "person"],
    ["show", "2014-04-17-tashmay-park-opening"],
    ["names"],
    ["export", "--format", "json"],
    ["--version"],
    ["--help"],
    ["search", "--help"],
)


def run(args: list[str], root: Path, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "CHRONICLE_ROOT": str(root), "COLUMNS": "100"}
    env.update(kwargs.pop("env", {}))  # type: ignore[arg-type]
    return subprocess.run([sys.executable, "-m", "chronicle", *args], env=env,
                          capture_output="stdout" not in kwargs, timeout=120,
                          **kwargs)  # type: ignore[call-overload]


def close_stdout() -> None:
    os.close(1)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_closed_stdout_is_no_failure_and_reaches_no_file(sample_root: Path,
                                                         args: list[str]) -> None:
    ids_before = run(["list", "--format", "ids"], sample_root).stdout
    done = subprocess.run([sys.executable, "-m", "chronicle", *args],
                          env={**os.environ, "CHRONICLE_ROOT": str(sample_root)},
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          preexec_fn=close_stdout, timeout=120)
    assert done.returncode == 0, done.stderr
    assert b"Error" not in done.stderr and b"Traceback" not in done.stderr
    # Nothing meant for stdout went into the catalog or the entries.
    after = run(["list", "--format", "ids"], sample_root)
    assert after.returncode == 0 and after.stdout == ids_before
    assert run(["check"], sample_root).returncode == 0


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_text_the_encoding_cannot_hold_is_escaped(sample_root: Path,
                                                  args: list[str]) -> None:
    done = run(args, sample_root, env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr and b"Error" not in done.stderr
    done.stdout.decode("ascii")
    if args[:2] == ["search", "Aliyev"]:
        # The snippet's ellipsis is drawn in ASCII.
        assert b"\\u2026" not in done.stdout and b" .\n" in done.stdout


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_full_device_is_one_line(sample_root: Path, args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = run(args, sample_root, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 1
    assert done.stderr.decode().splitlines()[-1] == (
        "Error: cannot write: no space left on device")
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr


#: Views for people, each command's in turn: where chronicle draws its glyphs.
VIEWS = (
    ["search", "Aliyev"],
    ["search", "park", "--limit=5"],
    ["list"],
    ["list", "--year", "2014"],
    ["timeline"],
    ["timeline", "--no-chart"],
    ["timeline", "--by", "day", "--year", "2014"],
    *(["stats", "--by", by] for by in ("auto", "month", "person")),
    ["show", "2014-04-17-tashmay-park-opening"],
    ["names"],
    ["check"],
)
#: Views with bars, drawn in whole cells of ASCII where the blocks cannot be written.
CHARTED = ("stats", "timeline")


def _data_characters(root: Path) -> set[str]:
    """Every character of the chronicle's own text (entries and settings)."""
    files = [*root.glob("entries/**/*.yaml"), root / "chronicle.yaml"]
    return {char for path in files for char in path.read_text(encoding="utf-8")}


def test_every_glyph_a_view_draws_has_an_ascii_stand_in(sample_root: Path) -> None:
    from chronicle.glyphs import STAND_INS

    data = _data_characters(sample_root)
    drawn: set[str] = set()
    for args in VIEWS:
        done = run(args, sample_root, env={"PYTHONIOENCODING": "utf-8"})
        assert done.returncode in (0, 1), done.stderr
        drawn |= set((done.stdout + done.stderr).decode()) - data
    assert {char for char in drawn if not char.isascii()} <= set(STAND_INS)
    assert {"\u2588", "\u2500", "\u2502", "\u25cf", "\u00b7", "\u2013"} <= drawn


def test_stand_ins_are_one_ascii_cell_as_their_glyphs_are() -> None:
    from rich.cells import cell_len

    from chronicle.glyphs import ASCII_BLOCKS, BLOCKS, STAND_INS, stand_ins

    for glyph, ascii_ in STAND_INS.items():
        assert cell_len(glyph) == 1 and len(ascii_) == 1 and ascii_.isascii(), glyph
    assert len(ASCII_BLOCKS) == len(BLOCKS) and ASCII_BLOCKS.isascii()
    assert stand_ins("utf-8") is None and stand_ins("UTF8") is None
    assert stand_ins(None) is None and stand_ins("no-such-encoding") is None
    # Latin-1 holds the middle dot: it stays.
    latin = stand_ins("latin-1")
    assert latin is not None and ord("\u00b7") not in latin and ord("\u2588") in latin


@pytest.mark.parametrize("args", VIEWS, ids=" ".join)
def test_glyphs_are_drawn_as_the_encoding_can_hold_them(sample_root: Path,
                                                        args: list[str]) -> None:
    """The same view as in UTF-8, each glyph the encoding cannot hold replaced by its
    stand-in; only the entries' own text is escaped. Bars are drawn in whole cells."""
    from chronicle.glyphs import STAND_INS, drawable

    run(["index"], sample_root)  # its messages said once, before
    utf8 = run(args, sample_root, env={"PYTHONIOENCODING": "utf-8"})
    data = _data_characters(sample_root)
    for encoding in ("latin-1", "ascii"):
        done = run(args, sample_root, env={"PYTHONIOENCODING": encoding})
        assert done.returncode == utf8.returncode, done.stderr
        for stream in (done.stdout, done.stderr):
            text = stream.decode(encoding)
            for glyph in STAND_INS:
                assert f"\\u{ord(glyph):04x}" not in text, (glyph, text)
            # What is escaped is the chronicle's own text, nothing drawn.
            escaped = {chr(int(code, 16)) for code in
                       re.findall(r"\\(?:x([0-9a-f]{2})|u([0-9a-f]{4})|U([0-9a-f]{8}))",
                                  text) for code in code if code}
            assert escaped <= data, escaped - data
        if args[0] in CHARTED and "--no-chart" not in args:
            continue
        for ours, theirs in ((done.stdout, utf8.stdout), (done.stderr, utf8.stderr)):
            expected = drawable(theirs.decode(), encoding).encode(encoding,
                                                                  "backslashreplace")
            assert ours == expected


@pytest.mark.parametrize("args", [["stats"], ["stats", "--by", "month"], ["timeline"]],
                         ids=" ".join)
def test_bars_are_whole_cells_of_ascii_where_blocks_cannot_be_written(
        sample_root: Path, args: list[str]) -> None:
    from chronicle.glyphs import drawable

    utf8 = run(args, sample_root, env={"PYTHONIOENCODING": "utf-8"}).stdout.decode()
    done = run(args, sample_root, env={"PYTHONIOENCODING": "ascii"}).stdout.decode("ascii")
    blocks = set(" \u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588\u258f\u258e\u258d"
                 "\u258c\u258b\u258a\u2589")
    utf8_lines, lines = utf8.splitlines(), done.splitlines()
    assert len(lines) == len(utf8_lines)
    charted = 0
    for line, utf8_line in zip(lines, utf8_lines, strict=True):
        if set(utf8_line) & (blocks - {" "}):
            charted += 1
            if args[0] == "stats":  # label and count as they were, then a bar as long
                drawn = re.fullmatch(r"(.*\d  )(#+) *", line)
                assert drawn is not None, line
                assert utf8_line.startswith(drawn[1])
                cells = len(utf8_line[len(drawn[1]):].rstrip())
                assert abs(len(drawn[2]) - cells) <= 1, (line, utf8_line)
            else:  # a row of the chart's columns: a bar where there was one
                assert len(line) == len(utf8_line)
                assert [c == " " for c in line] == [c == " " for c in utf8_line]
                assert set(line) <= set(" _=#")
        else:
            expected = drawable(utf8_line, "ascii").encode("ascii", "backslashreplace")
            assert line == expected.decode(), (line, utf8_line)
    assert charted


@pytest.mark.parametrize("args", [["stats"], ["timeline"], ["list"],
                                  ["show", "2014-04-17-tashmay-park-opening"], ["names"]],
                         ids=" ".join)
def test_a_latin1_terminal_gets_no_glyph_escapes(sample_root: Path, args: list[str]) -> None:
    """On a terminal Rich draws: its boxes and chronicle's glyphs in what Latin-1 holds."""
    import fcntl
    import pty
    import struct
    import termios

    from chronicle.glyphs import STAND_INS
    from terminal import read_terminal

    run(["index"], sample_root)
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    env = {**os.environ, "CHRONICLE_ROOT": str(sample_root), "TERM": "xterm-256color",
           "PYTHONIOENCODING": "latin-1"}
    for name in ("COLUMNS", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE"):
        env.pop(name, None)
    process = subprocess.Popen([sys.executable, "-m", "chronicle", *args], stdin=secondary,
                               stdout=secondary, stderr=secondary, env=env,
                               start_new_session=True)
    os.close(secondary)
    shown = read_terminal(main).decode("latin-1")
    assert process.wait(timeout=60) == 0, shown
    assert "\x1b[" in shown  # styled: Rich drew it for a terminal
    for glyph in STAND_INS:
        assert f"\\u{ord(glyph):04x}" not in shown, glyph
