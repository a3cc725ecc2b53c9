"""A large field costs in proportion to its size: show draws a body past
MARKDOWN_LIMIT as plain text (Rich's Markdown costs seconds per megabyte), and check
warns about a field over a million characters, with its line; the entry stays whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chronicle.render.entries import MARKDOWN_LIMIT
from chronicle.store.parsing import LARGE_FIELD_CHARS


def body_of(size: int) -> str:
    line = "Some **bold** words and a [link](https://example.org) in a paragraph.\n\n"
    return (line * (size // len(line) + 1))[:size]


def write(root: Path, name: str, body: str) -> None:
    indented = "".join("  " + line + "\n" if line else "\n" for line in body.split("\n"))
    (root / "entries" / f"{name}.yaml").write_text(
        f"title: {name}\ndate: 2014\nbody: |\n{indented}", encoding="utf-8")


def test_a_large_body_is_shown_whole_as_plain_text(cli: Any, chronicle_root: Path) -> None:
    write(chronicle_root, "large", body_of(MARKDOWN_LIMIT + 5000))
    shown = cli("show", "large").stdout
    assert "shown as plain text rather than Markdown" in shown
    assert "**bold**" in shown  # as written, not drawn
    assert shown.count("Some **bold** words") >= (MARKDOWN_LIMIT + 5000) // 72 - 1


def test_a_body_within_the_limit_is_drawn_as_markdown(cli: Any, chronicle_root: Path) -> None:
    write(chronicle_root, "small", body_of(5000))
    shown = cli("show", "small").stdout
    assert "plain text" not in shown and "**bold**" not in shown and "bold" in shown


def test_check_warns_about_a_field_over_a_million_characters(
    cli: Any, chronicle_root: Path
) -> None:
    write(chronicle_root, "huge", body_of(LARGE_FIELD_CHARS + 10))
    checked = cli("check")
    # The body as read ends with the newline of its block.
    assert (
        f"entries/huge.yaml:3: warning: body: {LARGE_FIELD_CHARS + 11:,} characters"
        in checked.stdout
    )
    # Still an entry: listed, found, shown.
    assert "huge" in cli("list", "--format", "ids").stdout.split()
    assert cli("show", "huge").exit_code == 0


@pytest.mark.parametrize("fmt", ["html", "ics", "csv", "markdown", "timelinejs", "json"])
def test_every_export_holds_a_large_body_whole(
    cli: Any, chronicle_root: Path, fmt: str
) -> None:
    write(chronicle_root, "large", body_of(MARKDOWN_LIMIT * 3))
    result = cli("export", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    shown = result.stdout
    if fmt == "html":  # bodies travel deflated in the page's data block
        import html
        import json
        import re

        from chronicle.html_page import inflate_chunks

        block = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', shown, re.S)
        assert block is not None
        data = json.loads(html.unescape(block.group(1)))
        shown = json.dumps(inflate_chunks(data["details"]))
    assert shown.count("bold") >= (MARKDOWN_LIMIT * 3) // 72 - 1


def test_long_text_goes_to_rich_in_bounded_pieces_and_keeps_every_word() -> None:
    # One Rich Text costs the square of its length to cut into lines; pieces keep the
    # cost in proportion to the size (measured in benchmarks/bench_large_fields.py).
    import io

    from rich.console import Console, Group

    from chronicle.render.entries import TEXT_PIECE, long_text

    words = [f"w{number}" for number in range(20_000)]
    text = " ".join(words[:12_000]) + "\n\n" + "x" * (TEXT_PIECE * 2 + 5) + "\n" + " ".join(
        words[12_000:])
    drawn = long_text(text)
    assert isinstance(drawn, Group)
    assert all(len(piece.plain) <= TEXT_PIECE for piece in drawn.renderables)  # type: ignore[attr-defined]
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(drawn)
    shown = out.getvalue().split()
    assert [word for word in shown if word.startswith("w")] == words
    assert "".join(word for word in shown if word.startswith("x")) == "x" * (TEXT_PIECE * 2 + 5)
