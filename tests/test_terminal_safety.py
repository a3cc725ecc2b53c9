"""User text reaches the terminal as text: no control codes, no markup, no emoji."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chronicle.controls import escape_controls


def write_hostile_entry(root: Path) -> None:
    (root / "entries" / "hostile.yaml").write_text(
        'title: "Red \\e[31mALERT\\e[0m, NUL \\0, return \\r, override \\u202e"\n'
        "date: 2014\n"
        'places: [":x: place [bold]x[/bold]"]\n',
        encoding="utf-8",
    )


def test_escape_controls_keeps_text_and_shows_codes() -> None:
    assert escape_controls("plain\ttext\nline") == "plain\ttext\nline"
    assert escape_controls("a\x1b[31mb\x00c\x9b\u202e") == "a\\x1b[31mb\\x00c\\x9b\\u202e"


def test_every_terminal_view_shows_control_characters_escaped(
    cli: Any, chronicle_root: Path
) -> None:
    write_hostile_entry(chronicle_root)
    for args in (["list"], ["show", "hostile"], ["timeline"], ["search", "Red"], ["names"]):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        shown = result.stdout + result.stderr
        assert "\x1b" not in shown and "\x00" not in shown and "\u202e" not in shown, args
        assert "\r" not in shown, args
    shown = cli("show", "hostile").stdout
    assert "\\x1b[31mALERT" in shown and "\\x00" in shown


def test_check_warns_about_control_characters(cli: Any, chronicle_root: Path) -> None:
    write_hostile_entry(chronicle_root)
    result = cli("check")
    assert (
        "entries/hostile.yaml:1: warning: holds a control character (\\x1b); "
        "terminals show it escaped"
    ) in result.stdout


def test_user_text_is_never_emoji_or_markup(cli: Any, chronicle_root: Path) -> None:
    write_hostile_entry(chronicle_root)
    missing = cli("search", "a:b:c")
    assert "'a:b:c'" in missing.stderr
    (chronicle_root / "entries" / ":x: [red]bad.yaml").write_text("title: [\n")
    listed = cli("list")
    assert "skipped entries/:x: [red]bad.yaml" in listed.stderr
    assert "❌" not in listed.stderr + listed.stdout
    assert ":x: place [bold]x[/bold]" in cli("show", "hostile").stdout
