"""The timeline written as text (the fast path of ``chronicle timeline``) is what Rich
writes for the same timeline, byte for byte: in colour on a terminal, on a terminal
under NO_COLOR, and in a pipe, at every width, whatever the entries hold."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from chronicle.calendar import Unit
from chronicle.cli import app
from chronicle.commands.environment import Environment
from chronicle.dates import PartialDate
from chronicle.model import Entry
from chronicle.render.timeline import TimelineBody, body_text, timeline_view, wrap
from chronicle.timeline import build_timeline


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


#: How the console is set up: (stdout is a terminal, environment).
CONSOLES = {
    "colour": (True, {"TERM": "xterm-256color", "COLORTERM": "truecolor"}),
    "256 colours": (True, {"TERM": "xterm-256color"}),
    "no colour": (True, {"TERM": "xterm-256color", "NO_COLOR": "1"}),
    "pipe": (False, {}),
}

#: Text that is hard to measure, wrap or show: wide characters (CJK, emoji, a ZWJ family,
#: a flag, variation selectors), combining marks (NFD), control characters (escaped on
#: output), bidirectional overrides, tabs, no-break and ideographic spaces, long words.
HARD = [
    "東京 事務所 の 開所式 と 記者会見 が 行われた 東京都千代田区永田町一丁目七番一号",
    "Family 👨\u200d👩\u200d👧\u200d👦 reunion 🇷🇸 flag ❤\ufe0f heart ✌︎ text-style",
    "Đorđević and Vuc\u030cic\u0301 (written decomposed) meet Đorđević and Vučić",
    "Red \x1b[31mALERT\x1b[0m, NUL \x00, return \r, override \u202e end",
    "tab\tseparated\twords and a\u00a0no-break space and\u3000ideographic space",
    "Supercalifragilisticexpialidociouslylongwordthatcannotfitanywhereatallinonelineever",
    "Δελφοί and Алиев and Əliyev in Łódź on Friedrichstraße",
    "a" * 230,
    " leading and trailing spaces ",
]

#: Dates of every precision, BCE and deep time, ranges within and across years.
DATES = [
    ("2014", None), ("2014-04", None), ("2014-04-17", None), ("2014-04-17", "2014-04-18"),
    ("2014-03-30", "2014-04-02"), ("2013-12-30", "2014-01-02"), ("2014-03-05T12:03", None),
    ("2014-03-05T12:03", "2014-03-05T14:30"), ("-0043-03-15", None), ("-0500", "-0480"),
    ("-13799999999", None), ("1944", "1945"), ("2014-04", "2014-06"),
]


def hard_entries(texts: list[str] = HARD) -> list[Entry]:
    entries = []
    for number, (date, end) in enumerate(DATES * 2):
        text = texts[number % len(texts)]
        other = texts[(number + 3) % len(texts)]
        entries.append(Entry(
            id=f"e{number}",
            title=text if number % 2 else f"{text} {number}",
            date=PartialDate.parse(date),
            end=PartialDate.parse(end) if end else None,
            people=(other[:40], "Heydar Aliyev") if number % 3 else (),
            places=(text[:25],) if number % 4 else (),
            tags=("日本", other[:12].strip() or "x", "politics") if number % 5 else (),
        ))
    return entries


def consoles(kind: str, width: int) -> tuple[Any, Any]:
    """Two consoles as the command line makes them, writing to their own buffers."""
    terminal, environ = CONSOLES[kind]
    made = []
    for _ in range(2):
        out = Terminal() if terminal else io.StringIO()
        env = Environment(stdout=out, environ={**environ, "COLUMNS": str(width)})
        made.append(env.out_console())
    return made[0], made[1]


def through_rich(console: Any, renderable: Any) -> str:
    console.print(renderable, crop=False)
    return str(console.file.getvalue())


WIDTHS = [40, 41, 43, 47, 52, 60, 64, 71, 80, 89, 100, 111, 120, 133, 150, 160, 177, 199, 200]


@pytest.mark.parametrize("kind", list(CONSOLES))
@pytest.mark.parametrize("by", [Unit.YEAR, Unit.MONTH, Unit.DAY])
@pytest.mark.parametrize("controls", [True, False])
def test_body_text_is_what_rich_writes(kind: str, by: Unit, controls: bool) -> None:
    entries = hard_entries(HARD if controls else [text for text in HARD if "\x1b" not in text])
    timeline = build_timeline(entries, by=by, is_imprecise=lambda entry: entry.id == "e5")
    for width in WIDTHS:
        rich, fast = consoles(kind, width)
        expected = through_rich(rich, TimelineBody(timeline))
        assert body_text(timeline, fast) == expected, (kind, width)
        if kind == "pipe":
            assert "\x1b" not in expected
        elif kind != "no colour":
            assert "\x1b[36m" in expected  # the tags' colour: the codes are compared too
        # The entry's own escape is shown, not obeyed.
        assert ("\\x1b[31mALERT" in expected) is controls


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from(list(
        "ab cde  fg\thi\x1b\u0301\u00a0é東京👨\u200d👩\ufe0f🇷🇸Ə\u3000\u202e-–")), max_size=60),
        min_size=1, max_size=6),
    st.integers(min_value=20, max_value=220),
    st.sampled_from(list(CONSOLES)),
)
def test_body_text_is_what_rich_writes_for_any_text(texts: list[str], width: int,
                                                    kind: str) -> None:
    texts = [text if text.strip() else "x" for text in texts]
    timeline = build_timeline(hard_entries(texts))
    rich, fast = consoles(kind, width)
    assert body_text(timeline, fast) == through_rich(rich, TimelineBody(timeline))


#: Text one cell a character (what most entries hold), which the body writes without
#: measuring or wrapping when it fits: spaces at either end, a no-break space, doubled
#: spaces, words longer than a line.
PLAIN = [
    "Parliament opens its session", "Đorđević meets Алиев in Δελφοί",
    " leading space", "trailing space ", "no\u00a0break and  two  spaces",
    "x", "Friedrichstraße " * 9, "Ab" * 70, "Malmö, Copenhagen", "",
]


def plain_entries(widths: range = range(1, 140, 7)) -> list[Entry]:
    """Entries of plain text whose titles and details are as long as every width in
    ``widths`` and one character longer, on dates of every kind (one line or two in
    the date column), with and without places, people and tags."""
    import itertools

    entries = []
    dates = itertools.cycle(DATES + [("2014-04-17", None)] * 6)
    for number, size in enumerate(w + extra for w in widths for extra in (0, 1)):
        text = PLAIN[number % len(PLAIN)]
        title = (text * (size // max(1, len(text)) + 1))[:size] or "t"
        date, end = next(dates)
        people = (PLAIN[(number + 1) % len(PLAIN)][:size] or "Ivica Dačić", "Ana Brnabić")
        places = (PLAIN[(number + 2) % len(PLAIN)][: size // 2],) if number % 3 else ()
        tags = ("politics", "x" * (size // 3)) if number % 4 else ()
        entries.append(Entry(
            id=f"p{number}", title=title, date=PartialDate.parse(date),
            end=PartialDate.parse(end) if end else None,
            people=people if number % 5 else (), places=places, tags=tags,
        ))
    return entries


@pytest.mark.parametrize("kind", list(CONSOLES))
@pytest.mark.parametrize("by", [Unit.MONTH, Unit.DAY])
def test_body_text_of_plain_text_is_what_rich_writes(kind: str, by: Unit) -> None:
    timeline = build_timeline(plain_entries(), by=by, is_imprecise=lambda e: e.id == "p3")
    for width in (20, 40, 47, 61, 80, 99, 120, 133, 160, 200):
        rich, fast = consoles(kind, width)
        assert body_text(timeline, fast) == through_rich(rich, TimelineBody(timeline)), \
            (kind, width)


def test_plain_text_is_written_directly_and_other_text_is_not(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from chronicle.render import timeline as render

    slow: list[str] = []
    whole = render._TextWriter._item
    monkeypatch.setattr(render._TextWriter, "_item",
                        lambda self, item: (slow.append(item.entry.id), whole(self, item)))
    entries = plain_entries() + hard_entries()
    body_text(build_timeline(entries), consoles("colour", 120)[1])
    # Whatever needs measuring by cells or escaping goes the general way ...
    one_cell = render.ONE_CELL | {" "}
    hard = {entry.id for entry in entries
            if not one_cell.issuperset("".join([entry.title, *entry.people, *entry.places,
                                                *entry.tags]))}
    assert len(hard) > 20
    # ... and plain entries do not, however many lines they take.
    assert set(slow) == hard


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from(list("ab cde  fg hi\u00a0éčĐəАлΔελ-")),
                     max_size=120), min_size=1, max_size=6),
    st.integers(min_value=20, max_value=220),
    st.sampled_from(list(CONSOLES)),
)
def test_body_text_of_any_plain_text_is_what_rich_writes(texts: list[str], width: int,
                                                         kind: str) -> None:
    texts = [text if text.strip() else "x" for text in texts]
    timeline = build_timeline(hard_entries(texts))
    rich, fast = consoles(kind, width)
    assert body_text(timeline, fast) == through_rich(rich, TimelineBody(timeline))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab cd  efg\u00a0hij-éčĐəАлиевΔελφοί")), max_size=90),
       st.integers(min_value=1, max_value=30))
def test_one_cell_text_wraps_as_word_by_word(text: str, width: int) -> None:
    from chronicle.render.timeline import _wrap_words

    # Every character one cell wide, accented or not: wrapped a line at a time.
    assert wrap(text, width) == _wrap_words(text, width)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(
    "ab cd  é東京\u0301\u00a0\u3000👨\u200d👩\ufe0f🇷🇸\u00ad\u0483Ə\u202eА")), max_size=90),
       st.integers(min_value=4, max_value=30))
def test_any_other_text_wraps_word_by_word_by_cells(text: str, width: int) -> None:
    from chronicle.render.timeline import _wrap_words

    # (The timeline never wraps narrower than 6 cells; below 2 a wide character could
    # never be placed.)

    assert wrap(text, width) == _wrap_words(text, width)


# -- the command ----------------------------------------------------------------------


@pytest.fixture
def hard_root(chronicle_root: Path) -> Path:
    import json

    from chronicle import Chronicle
    from chronicle.query import Filters

    entries = hard_entries()
    for number, entry in enumerate(entries):
        # JSON is YAML: control characters are written escaped. Only those: YAML reads
        # no surrogate-pair escapes, which json.dumps would make of an emoji.
        fields = {"title": entry.title, "date": entry.date.isoformat(),
                  "people": list(entry.people), "places": list(entry.places),
                  "tags": list(entry.tags)}
        if entry.end:
            fields["end"] = entry.end.isoformat()
        (chronicle_root / "entries" / f"hard-{number}.yaml").write_text(
            json.dumps(fields, ensure_ascii=False), encoding="utf-8")
    with Chronicle.open(chronicle_root) as book:
        found = book.select(Filters.build())
    # Every hard entry is read back: none is left out as an invalid file.
    assert not found.problems, found.problems
    assert sum(e.id.startswith("hard-") for e in found.entries) == len(entries)
    return chronicle_root


@pytest.mark.parametrize("kind", list(CONSOLES))
@pytest.mark.parametrize("args", [[], ["--no-chart"], ["--year", "2014", "--by", "day"]])
def test_the_command_writes_what_rich_writes(hard_root: Path, kind: str,
                                             args: list[str]) -> None:
    from chronicle import Chronicle
    from chronicle.query import Filters

    filters = Filters.build(year="2014") if "--year" in args else Filters.build()
    with Chronicle.open(hard_root) as book:
        entries = book.select(filters).entries
    timeline = build_timeline(entries, by=Unit.DAY if "day" in args else Unit.MONTH,
                              is_imprecise=filters.is_imprecise)
    for width in (40, 79, 200):
        rich, fast = consoles(kind, width)
        expected = through_rich(rich, timeline_view(timeline, entries,
                                                    chart="--no-chart" not in args))
        env = Environment(stdout=fast.file, stderr=io.StringIO(),
                          environ={**CONSOLES[kind][1], "COLUMNS": str(width),
                                   "CHRONICLE_ROOT": str(hard_root)})
        result = CliRunner().invoke(app, ["timeline", *args], obj=env,
                                    catch_exceptions=False)
        assert result.exit_code == 0
        assert fast.file.getvalue() == expected, (kind, width, args)


def test_the_one_cell_test_is_the_one_cell_set() -> None:
    from chronicle.render.timeline import _NOT_DATE_CELL, _NOT_ONE_CELL, ONE_CELL

    for code in range(0x30000):
        char = chr(code)
        assert (_NOT_ONE_CELL.search(char) is None) is (char in ONE_CELL), hex(code)
        assert (_NOT_DATE_CELL.search(char) is None) is (char in ONE_CELL or char == "–")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "bc", " ", "  ", "   ", "\u00a0", "é", "Дачић", "·",
                                 "Supercalifragilistic", "-"]),
                max_size=40).map("".join),
       st.integers(min_value=1, max_value=40))
@example("ab  cd", 3)
@example("ab   cd  ", 4)
@example("  a", 1)
def test_one_cell_wrap_is_word_by_word(text: str, width: int) -> None:
    from chronicle.render.timeline import _wrap_one_cell, _wrap_spaced, _wrap_words

    assert _wrap_one_cell(text, width) == _wrap_words(text, width)
    if "\u00a0" not in text:
        assert _wrap_spaced(text, width) == _wrap_words(text, width)


@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
@pytest.mark.parametrize("entries_of", ["hard", "plain", "one year", "undated days"])
def test_the_chart_made_without_rich_is_what_rich_writes_into_a_pipe(
        encoding: str, entries_of: str) -> None:
    """`chart_text` against printing `chart_view` on a piped console, as the command
    writes both (glyphs drawn as the stream holds them); Rich's own layout where it
    must wrap."""
    from rich.console import Group

    from chronicle.glyphs import drawable
    from chronicle.render.timeline import chart_text, chart_view

    entries = {
        "hard": hard_entries(),
        "plain": plain_entries(),
        "one year": [Entry(id=f"d{day}", title="t", date=PartialDate.parse(
            f"2014-{1 + day % 12:02d}-{1 + day % 28:02d}")) for day in range(300)],
        "undated days": [Entry(id=f"m{n}", title="t", date=PartialDate.parse(
            "2014-05" if n % 3 else f"{1990 + n}")) for n in range(40)],
    }[entries_of]
    made = 0
    for by in (Unit.MONTH, Unit.DAY, Unit.YEAR):
        timeline = build_timeline(entries, by=by)
        for width in (0, 1, 12, 20, 33, 40, 57, 80, 119, 200, 333):
            text = chart_text(timeline, entries, width=width, encoding=encoding)
            out = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="backslashreplace")
            env = Environment(stdout=out, environ={"COLUMNS": str(width)})
            console = env.out_console()
            console.print(Group(*chart_view(timeline, entries)), crop=False)
            out.flush()
            if text is None:
                continue
            made += 1
            assert drawable(text, encoding).encode(encoding, "backslashreplace") \
                == out.buffer.getvalue(), (by, width)  # type: ignore[attr-defined]
            assert chart_text(timeline, entries, width=width, encoding=encoding,
                              chart=False) == ""
    assert made >= 8  # from 80 columns on, nearly always
