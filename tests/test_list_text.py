"""``chronicle list`` on a terminal written as text (`list_text`) is what Rich writes for
the same table (`entry_table`), byte for byte: in colour, in 256 colours, under NO_COLOR
and in a pipe's console, at every width (the wide table and the stacked list), whatever
the entries hold."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chronicle.cli import app
from chronicle.commands.environment import Environment
from chronicle.dates import PartialDate
from chronicle.model import Entry
from chronicle.render import list_text as fast
from chronicle.render.entries import entry_table
from chronicle.render.list_text import list_text
from test_timeline_text import CONSOLES, DATES, HARD, consoles, hard_entries, through_rich

#: From the narrowest stacked list to wide tables, where columns wrap and where they
#: do not.
WIDTHS = [8, 30, 37, 52, 71, 89, 133, 177, 240]


def listed(entries: list[Entry], kind: str, width: int,
           imprecise: Any = None) -> tuple[str | None, str]:
    """(what `list_text` writes, what Rich writes) for ``entries`` on a console."""
    rich, quick = consoles(kind, width)
    expected = through_rich(rich, entry_table(entries, is_imprecise=imprecise, width=width))
    return list_text(entries, quick, is_imprecise=imprecise), expected


def with_ids(entries: list[Entry], ids: list[str]) -> list[Entry]:
    """The same entries under other ids (long ones make narrow terminals stack)."""
    return [Entry(id=ids[number % len(ids)] + str(number), title=entry.title,
                  date=entry.date, end=entry.end, people=entry.people,
                  places=entry.places, tags=entry.tags)
            for number, entry in enumerate(entries)]


LONG_IDS = ["2014/2014-04-17-the-opening-of-the-new-parliament-building-in-belgrade-",
            "1999/x-", "-0043/-0043-03-15-ides-of-march-"]
ODD_IDS = ["2014/東京-開所式-", "2014/Đorđe\u0301-", "2014/x\x1b[31m-", "2014/👨\u200d👩-"]


@pytest.mark.parametrize(("kind", "ids"), [
    ("colour", None), ("colour", LONG_IDS), ("256 colours", ODD_IDS), ("no colour", None),
    ("no colour", ODD_IDS), ("pipe", LONG_IDS),
])
def test_list_text_is_what_rich_writes(kind: str, ids: list[str] | None) -> None:
    drawn = 0
    for width in WIDTHS:
        controls = bool(width % 2)  # a title holding ESC [31m, or none
        entries = hard_entries(HARD if controls else [text for text in HARD
                                                      if "\x1b" not in text])
        if ids:
            entries = with_ids(entries, ids)
        quick, expected = listed(entries, kind, width, lambda entry: entry.id.endswith("5"))
        if quick is not None:
            drawn += width >= 30
            assert quick == expected, (kind, width)
        if kind == "pipe":
            assert "\x1b[" not in expected
        elif kind != "no colour" and width >= 30:
            # The tags' colour: the codes are compared too.
            assert re.search("\x1b\\[[0-9;]*36m", expected)
        if width >= 30:
            assert ("\\x1b[31mALERT" in expected) is controls  # shown, not obeyed
    # Only a terminal narrower than the dates (and their gap) is left to Rich.
    assert drawn == sum(width >= 30 for width in WIDTHS)


def simple_entries(count: int, seed: int) -> list[Entry]:
    """Entries as a generated chronicle holds them: one-cell text throughout."""
    import random

    rng = random.Random(seed)
    words = ["parliament", "Belgrade", "opened", "the", "of", "Đorđević", "Øresund",
             "Stanković", "Aliyev", "summit", "agreement", "x" * 45, "a", "Δελφοί", "Алиев"]
    entries = []
    for number in range(count):
        date, end = DATES[number % len(DATES)]
        entries.append(Entry(
            id=f"{date[:4]}/{date}-" + "-".join(rng.sample(words[:5], 3)).lower()
               + f"-{number}",
            title=" ".join(rng.choice(words) for _ in range(rng.randint(1, 14))),
            date=PartialDate.parse(date),
            end=PartialDate.parse(end) if end else None,
            people=tuple(" ".join(rng.sample(words, 2)) for _ in range(rng.randint(0, 3))),
            places=tuple(rng.sample(words, rng.randint(0, 2))),
            tags=tuple(rng.sample(["politics", "economy", "defense", "human-rights", "x"],
                                  rng.randint(0, 4))),
        ))
    return entries


def test_one_cell_text_is_never_drawn_by_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    """A usual chronicle (one-cell text) costs Rich nothing per cell or per entry."""
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("drawn by Rich")

    monkeypatch.setattr(fast._Table, "_rich_cell", refuse)
    monkeypatch.setattr(fast, "stacked_row", refuse)
    entries = simple_entries(40, seed=3)
    for width in range(30, 260, 11):
        kind = "colour" if width % 2 else "no colour"
        quick, expected = listed(entries, kind, width, lambda entry: entry.id.endswith("7"))
        assert quick == expected, (kind, width)


@settings(max_examples=30)
@given(
    st.lists(st.text(alphabet=st.sampled_from(list(
        "ab cde  fg\thi\x1b\x07\r\u0301\u00a0é東京👨\u200d👩\ufe0f🇷🇸Ə\u3000\u202e-–·")),
        max_size=70), min_size=1, max_size=6),
    st.integers(min_value=1, max_value=260),
    st.sampled_from(list(CONSOLES)),
    st.sampled_from([None, LONG_IDS, ODD_IDS]),
)
def test_list_text_is_what_rich_writes_for_any_text(texts: list[str], width: int, kind: str,
                                                    ids: list[str] | None) -> None:
    texts = [text if text.strip() else "x" for text in texts]
    entries = hard_entries(texts)
    if ids:
        entries = with_ids(entries, ids)
    quick, expected = listed(entries, kind, width, lambda entry: entry.id.endswith("3"))
    assert quick is None or quick == expected


@settings(max_examples=60)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab cd  efg\u00a0hij-éčĐ·–")),
                        min_size=1, max_size=120).filter(str.strip), min_size=1, max_size=5),
       st.integers(min_value=20, max_value=260), st.sampled_from(list(CONSOLES)))
def test_one_cell_text_wraps_as_rich_wraps_it(titles: list[str], width: int,
                                              kind: str) -> None:
    """Long words, runs of spaces, no-break spaces: the table wraps them as Rich does."""
    entries = [Entry(id=f"2014/e{number}", title=title, date=PartialDate.parse("2014-05"),
                     people=(title[::-1].strip() or "x",), tags=(title[:30].strip() or "y",))
               for number, title in enumerate(titles)]
    quick, expected = listed(entries, kind, width)
    assert quick == expected


@settings(max_examples=1000)
@given(st.text(alphabet=st.sampled_from(list("ab cd  efg\u00a0hij-é")), max_size=90),
       st.integers(min_value=1, max_value=30))
def test_words_break_where_rich_breaks_them(text: str, width: int) -> None:
    from rich._wrap import divide_line

    assert fast._breaks(text, width) == divide_line(text, width, fold=True)


# -- the command ----------------------------------------------------------------------


@pytest.fixture
def hard_root(chronicle_root: Path) -> Path:
    for number, entry in enumerate(with_ids(hard_entries(), ["", "x" * 50])):
        # JSON is YAML: control characters written escaped.
        fields = {"title": entry.title, "date": entry.date.isoformat(),
                  "people": list(entry.people), "places": list(entry.places),
                  "tags": list(entry.tags)}
        if entry.end:
            fields["end"] = entry.end.isoformat()
        name = f"hard-{number}" + ("-" + "x" * 50 if number % 2 else "")
        # (Emoji written as they are: YAML has no escape for half a surrogate pair.)
        (chronicle_root / "entries" / f"{name}.yaml").write_text(
            json.dumps(fields, ensure_ascii=False), encoding="utf-8")
    return chronicle_root


def expected_list(root: Path, kind: str, width: int, year: str | None) -> str:
    from chronicle import Chronicle
    from chronicle.query import Filters

    filters = Filters.build(year=year) if year else Filters.build()
    with Chronicle.open(root) as book:
        entries = book.select(filters).entries
    rich, _ = consoles(kind, width)
    return through_rich(rich, entry_table(entries, is_imprecise=filters.is_imprecise,
                                          width=width))


@pytest.mark.parametrize("kind", [kind for kind in CONSOLES if kind != "pipe"])
@pytest.mark.parametrize("args", [[], ["--year", "2014"]])
def test_the_command_writes_what_rich_writes(hard_root: Path, kind: str,
                                             args: list[str]) -> None:
    for width in (30, 79, 200, 320):
        expected = expected_list(hard_root, kind, width, "2014" if args else None)
        _, quick = consoles(kind, width)
        env = Environment(stdout=quick.file, stderr=io.StringIO(),
                          environ={**CONSOLES[kind][1], "COLUMNS": str(width),
                                   "CHRONICLE_ROOT": str(hard_root)})
        result = CliRunner().invoke(app, ["list", *args], obj=env, catch_exceptions=False)
        assert result.exit_code == 0
        assert quick.file.getvalue() == expected, (kind, width, args)


def test_a_piped_list_is_still_the_plain_columns(hard_root: Path) -> None:
    env = Environment(stdout=io.StringIO(), stderr=io.StringIO(),
                      environ={"CHRONICLE_ROOT": str(hard_root), "COLUMNS": "80"})
    result = CliRunner().invoke(app, ["list"], obj=env, catch_exceptions=False)
    assert result.exit_code == 0
    out = env.stdout.getvalue()  # type: ignore[union-attr]
    assert out.startswith("Date") and "\x1b[" not in out and "─" not in out


def test_on_a_real_terminal(hard_root: Path) -> None:
    """`chronicle list` on a pseudo-terminal (its width and colours found by Rich, no
    COLUMNS set) writes what Rich writes for that terminal."""
    from test_fastpath_help import CHRONICLE, _on_a_terminal

    for columns in (33, 250):
        # (Drawn first, so the command finds its catalog current and says nothing.)
        expected = expected_list(hard_root, "256 colours", columns, None)
        written = _on_a_terminal([CHRONICLE, "list"], columns).decode()
        assert written == expected.replace("\n", "\r\n")
        assert re.search("\x1b\\[[0-9;]*36m", written)


# -- the piped list -------------------------------------------------------------------


def rows_plain_reference(entries: list[Any], is_imprecise: Any = None) -> str:
    """`entry_rows_plain` as it was written first: one plain_date and one ljust per cell."""
    from chronicle.render.entries import PLAIN_COLUMN_LIMIT, plain_date

    header = ("Date", "Title", "Tags", "ID")
    rows = [header] + [
        (plain_date(entry, imprecise=bool(is_imprecise and is_imprecise(entry))),
         entry.title, ", ".join(entry.tags), entry.id)
        for entry in entries
    ]
    widths = [min(max(len(row[column]) for row in rows), PLAIN_COLUMN_LIMIT)
              for column in range(len(header))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        + "\n"
        for row in rows
    )


def test_the_piped_list_is_what_it_was() -> None:
    from chronicle.render.entries import entry_rows_plain
    from test_timeline_text import plain_entries

    entries = hard_entries() + plain_entries()
    for is_imprecise in (None, lambda entry: entry.id in ("e1", "e4", "p7")):
        for chosen in (entries, entries[:3], entries[:1], [], [e.listing() for e in entries]):
            assert (entry_rows_plain(chosen, is_imprecise=is_imprecise)
                    == rows_plain_reference(chosen, is_imprecise))
    assert "~" in entry_rows_plain(entries, is_imprecise=lambda entry: entry.id == "e1")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=80), st.sampled_from(DATES),
                          st.lists(st.text(max_size=20), max_size=3)), max_size=8))
def test_the_piped_list_is_what_it_was_for_any_text(rows: list[Any]) -> None:
    from chronicle.render.entries import entry_rows_plain

    entries = [Entry(id=f"x{number}", title=title, date=PartialDate.parse(date),
                     end=PartialDate.parse(end) if end else None, tags=tuple(tags))
               for number, (title, (date, end), tags) in enumerate(rows)]
    assert entry_rows_plain(entries) == rows_plain_reference(entries)
